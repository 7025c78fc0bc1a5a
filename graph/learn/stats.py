"""Size and shape of a loaded graph: the figures ``causemap stats`` and the app's home page show.

>>> from graph.store import load
>>> s = graph_stats(load())
>>> s.entities > 50 and s.claims == s.relations
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib.namespace import RDF, SKOS

from graph.namespace import CM, RELATIONS
from graph.store import Store

__all__ = ["GraphStats", "graph_stats"]


@dataclass(frozen=True)
class GraphStats:
    """Counts; ``classes`` and ``relation_kinds`` are (label, count) pairs, largest first."""

    triples: int
    entities: int
    classes: list[tuple[str, int]]
    relations: int
    relation_kinds: list[tuple[str, int]]
    claims: int
    sections: int
    notes: int
    xrefs: int


def graph_stats(kg: Store) -> GraphStats:
    """Count what the graph holds."""
    g = kg
    classes = Counter(kg.label(kg.class_of(e)) for e in kg.entities())
    kinds = Counter({kg.label(p): len(list(g.subject_objects(p))) for p in RELATIONS})
    sections = {o for o in g.objects(None, CM.citesSection)}
    xref_props = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch)
    return GraphStats(
        triples=len(g),
        entities=sum(classes.values()),
        classes=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        relations=sum(kinds.values()),
        relation_kinds=[kv for kv in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])) if kv[1]],
        claims=len(set(g.subjects(RDF.type, CM.Claim))),
        sections=len(sections),
        notes=len(list(g.subject_objects(CM.curatorNote))),
        xrefs=sum(len(list(g.subject_objects(p))) for p in xref_props),
    )
