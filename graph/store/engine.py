"""What runs inside a query worker: parse with Oxigraph, evaluate, cap, encode.

Every backend judges a query's syntax the same way, with Oxigraph's parser (it passes the W3C SPARQL
1.1 syntax suites), so a query is accepted or refused identically whatever engine then evaluates
it. The result is consumed here, in the worker, under the caps of :class:`~graph.store.base.Limits`
(rows, triples, bytes per cell and per result), and encoded into plain values
(:func:`graph.store.terms.encode_ox`) before it crosses the pipe: a huge result is never copied
whole, and nothing here runs in the server process.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Callable

import pyoxigraph as ox

from graph.namespace import BASE, PREFIXES
from graph.store.base import Limits, Payload, QueryRequest
from graph.store.terms import LazyRows, encode_ox

__all__ = ["QUERY_BASE", "oxigraph_query", "syntax_payload", "consume", "parse_check",
           "run_on_oxigraph", "decode_payload"]

#: Relative IRIs in a user's query resolve against the Causemap namespace: <Hypocalcemia> is
#: cm:Hypocalcemia.
QUERY_BASE = BASE

_POSITION = re.compile(r"error at (\d+):(\d+)(?:-\d+:\d+)?: ?(.*)", re.S)
_EMPTY: ox.Store | None = None


def syntax_payload(exc: BaseException) -> Payload:
    """A parser's complaint as ``('syntax', reason, line, column)`` (1-based; None when unknown)."""
    text = str(exc)
    m = _POSITION.match(text)
    if m:
        return Payload(error=("syntax", " ".join(m.group(3).split()), int(m.group(1)),
                              int(m.group(2))))
    return Payload(error=("syntax", " ".join(text.split()), None, None))


def oxigraph_query(store: ox.Store, request: QueryRequest):
    """Parse (and lazily start) ``request`` on ``store`` with the union default graph."""
    return store.query(request.text, prefixes=PREFIXES if request.declare_prefixes else None,
                       base_iri=QUERY_BASE, use_default_graph_as_union=True)


def parse_check(request: QueryRequest) -> Payload | None:
    """Judge the syntax with Oxigraph on an empty store; a Payload with the error, else None."""
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = ox.Store()
    try:
        result = oxigraph_query(_EMPTY, request)
    except SyntaxError as exc:
        return syntax_payload(exc)
    except (OSError, RuntimeError, ValueError):  # it parsed; evaluating it would fail
        return Payload(kind=request.kind)
    if isinstance(result, ox.QuerySolutions):
        return Payload(kind=request.kind, variables=[v.value for v in result.variables])
    return Payload(kind=request.kind)


def _too_big(what: str, limits: Limits, key: str) -> Payload:
    from graph.store.limits import how_to_change
    limit = getattr(limits, key)
    return Payload(error=("size", f"{what} is larger than {limit:,} bytes, the limit "
                          f"({how_to_change(key)}); select fewer or shorter values", None, None))


def consume(kind: str, result, limits: Limits, *, encode: Callable = encode_ox,
            variables: list[str] | None = None) -> Payload:
    """Read an engine's answer into a capped, encoded :class:`Payload`.

    ``result`` is a bool for ASK, an iterable of solutions (sequences in ``variables`` order)
    for SELECT, and an iterable of ``(s, p, o)`` for CONSTRUCT and DESCRIBE.
    """
    cell_chars = limits.max_cell_bytes // 4  # a UTF-8 character is at most four bytes
    total = 0
    if kind == "ASK":
        return Payload(kind=kind, boolean=bool(result))
    if kind == "SELECT":
        rows, truncated = [], False
        max_rows, max_chars = limits.max_rows, limits.max_result_bytes
        for solution in result:
            if len(rows) == max_rows:
                truncated = True
                break
            row = tuple(map(encode, solution))
            for value in row:
                if value is None:
                    continue
                size = len(value) if value.__class__ is str else len(value[0])
                if size > cell_chars and len(_text(value).encode()) > limits.max_cell_bytes:
                    return _too_big("a value in the result", limits, "max_cell_bytes")
                total += size
            if total > max_chars:
                return _too_big("the result", limits, "max_result_bytes")
            rows.append(row)
        return Payload(kind=kind, variables=list(variables or []), rows=rows, truncated=truncated)
    triples = []
    for triple in islice(iter(result), limits.max_triples + 1):
        encoded = tuple(map(encode, triple))
        for value in encoded:
            size = len(value) if value.__class__ is str else len(value[0])
            if size > cell_chars and len(_text(value).encode()) > limits.max_cell_bytes:
                return _too_big("a value in the result", limits, "max_cell_bytes")
            total += size
        if total > limits.max_result_bytes:
            return _too_big("the result", limits, "max_result_bytes")
        triples.append(encoded)
    truncated = len(triples) > limits.max_triples
    return Payload(kind=kind, triples=triples[:limits.max_triples], truncated=truncated)


def _text(value) -> str:
    return value if isinstance(value, str) else value[0]


def run_on_oxigraph(store: ox.Store, request: QueryRequest) -> Payload:
    """The worker's whole job on an Oxigraph store: parse, evaluate, consume."""
    try:
        result = oxigraph_query(store, request)
    except SyntaxError as exc:
        return syntax_payload(exc)
    except (OSError, RuntimeError, ValueError) as exc:  # an eager step (ORDER BY …) failed
        return Payload(error=("failed", " ".join(str(exc).split())[:200], None, None))
    variables = ([v.value for v in result.variables]
                 if isinstance(result, ox.QuerySolutions) else [])
    if request.check_only:
        return Payload(kind=request.kind, variables=variables)
    try:
        if isinstance(result, ox.QuerySolutions):
            # A solution iterates its values in the order of the variables (None when unbound).
            return consume("SELECT", result, request.limits, variables=variables)
        if isinstance(result, ox.QueryBoolean):
            return consume("ASK", result, request.limits)
        return consume(request.kind, result, request.limits)  # a Triple iterates s, p, o
    except (OSError, RuntimeError, ValueError) as exc:  # evaluation errors (e.g. a bad regex)
        return Payload(error=("failed", " ".join(str(exc).split())[:200], None, None))


def decode_payload(payload: Payload) -> Payload:
    """Make a worker's encoded values rdflib terms — lazily, when they are read (in the process
    that shows them, and only the ones it shows)."""
    if payload.rows:
        payload.rows = LazyRows(payload.rows)
    if payload.triples:
        payload.triples = LazyRows(payload.triples)
    return payload
