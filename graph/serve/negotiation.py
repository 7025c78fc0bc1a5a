"""HTTP content negotiation: an ``Accept`` header and the formats on offer → the one to send.

The media types are the registered ones of :data:`graph.query.results.MEDIA_TYPES`, plus the
aliases that real clients send (``application/json`` for SPARQL JSON results, ``application/xml``
for SPARQL XML, ``application/x-turtle`` …). The choice follows RFC 9110 §12.5.1: each offered type
takes the quality of the most specific range that matches it, the highest quality wins, and a tie
goes to the server's order (its default first). A missing or empty header accepts anything.

Examples
--------
>>> offer = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv")
>>> negotiate("text/csv;q=0.9, application/sparql-results+xml", offer)
'application/sparql-results+xml'
>>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", offer)
'application/sparql-results+json'
>>> negotiate("image/png", offer) is None
True
"""

from __future__ import annotations

from typing import Sequence

from graph.query.results import MEDIA_TYPES

__all__ = ["negotiate", "result_offer", "ALIASES", "PREFERENCE"]

#: Media types that clients send for one of ours (the registered type is what we answer with).
ALIASES: dict[str, tuple[str, ...]] = {
    "application/sparql-results+json": ("application/json",),
    "application/sparql-results+xml": ("application/xml", "text/xml"),
    "text/turtle": ("application/x-turtle", "application/turtle"),
    "application/ld+json": ("application/x-json+ld",),
    "application/n-triples": ("text/plain",),
}

_MAX_RANGES = 64  # an Accept header longer than this is cut: no client needs more


def _ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` for each media range of an Accept header (bad entries skipped)."""
    ranges = []
    for item in header.split(",")[:_MAX_RANGES]:
        parts = [p.strip() for p in item.split(";")]
        kind, _, sub = parts[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((kind, sub, q))
    return ranges


def _quality(media: str, ranges) -> float | None:
    """The quality the client gives ``media``; ``None`` if no range fits it.

    The most specific range that fits the type or one of its aliases decides (``text/csv`` over
    ``text/*`` over ``*/*``), so ``application/sparql-results+xml;q=0`` refuses SPARQL XML even
    when ``text/*`` would fit its alias ``text/xml``.
    """
    match = None  # (specificity, q)
    for name in (media, *ALIASES.get(media, ())):
        kind, _, sub = name.partition("/")
        for r_kind, r_sub, q in ranges:
            if (r_kind, r_sub) == (kind, sub):
                rank = 2
            elif r_kind == kind and r_sub == "*":
                rank = 1
            elif (r_kind, r_sub) == ("*", "*"):
                rank = 0
            else:
                continue
            if match is None or (rank, q) > match:
                match = (rank, q)
    return None if match is None else match[1]


def negotiate(accept: str | None, offer: Sequence[str]) -> str | None:
    """The media type of ``offer`` that the ``Accept`` header prefers, or ``None`` for none.

    Parameters
    ----------
    accept : str or None
        The request's ``Accept`` header.
    offer : sequence of str
        Registered media types, the server's preference first.
    """
    if not accept or not accept.strip():
        return offer[0] if offer else None
    ranges = _ranges(accept)
    if not ranges:
        return offer[0] if offer else None
    chosen, chosen_q = None, 0.0
    for media in offer:
        q = _quality(media, ranges)
        if q is not None and q > chosen_q:  # strictly better: ties keep the server's order
            chosen, chosen_q = media, q
    return chosen


#: The result formats the endpoint offers, its preference first (JSON and Turtle by default).
PREFERENCE = {"results": ("json", "xml", "csv", "tsv"),
              "graph": ("turtle", "nt", "json-ld", "xml", "trig", "nquads")}


def result_offer(kind: str) -> dict[str, str]:
    """Media type → result format name for a kind of query result, the default first.

    >>> list(result_offer("ASK").values())
    ['json', 'xml']
    >>> next(iter(result_offer("DESCRIBE")))
    'text/turtle'
    """
    from graph.query.results import FORMATS

    family = "graph" if kind in ("CONSTRUCT", "DESCRIBE") else "results"
    return {MEDIA_TYPES[family][name]: name for name in PREFERENCE[family]
            if name in FORMATS[kind]}
