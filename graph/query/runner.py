"""Run SPARQL against a store: the one guarded, bounded, parameterised entry point.

Every query a user or a page runs goes through :func:`run_query`, on every backend:

1. the guard (:mod:`graph.query.guard`) refuses updates, ``SERVICE``, ``FROM`` and ``FROM NAMED``
   before anything runs, in linear time, in the calling process;
2. values from users or the data (search text, clicked IRIs) become a ``VALUES`` block at the
   start of the WHERE clause, written by us from RDF terms — never pasted user text;
3. the store runs it (:meth:`graph.store.Store.execute`): parsed by Oxigraph to the W3C standard,
   evaluated in a worker process (or by the remote server) under the time limit, the memory cap
   and the caps on rows, triples and bytes;
4. a parser's complaint becomes one line with a line, a column and a hint
   (:mod:`graph.query.diagnostics`).

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> text = "SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }"
>>> result = run_query(kg, text)
>>> result.kind, result.variables, result.rows
('SELECT', ['m'], [(rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia'),)])
"""

from __future__ import annotations

import difflib
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from rdflib import Graph, Literal, Variable  # noqa: F401  (Literal: doctest)
from rdflib.term import Identifier

from graph.errors import QueryError, QueryMemoryError, QuerySyntaxError, QueryTooLarge  # noqa: F401
from graph.namespace import PREFIXES
from graph.query.diagnostics import explain
from graph.query.lexer import line_col, offset_of
from graph.query.guard import Screened, screen
from graph.store.base import Limits, Payload, QueryRequest
from graph.store.limits import MAX_TIMEOUT, setting
from graph.store.terms import LazyRows, to_nt

__all__ = ["QueryResult", "QueryInfo", "run_query", "check_query", "MAX_TIMEOUT"]

#: Unused-variable hints are fuzzy-matched only for queries with at most this many variables,
#: and only between names of at most this many characters: difflib is quadratic in both (6,000
#: variables once took 220 s after the query had answered).
_HINT_VARIABLES = 200
_HINT_NAME_LENGTH = 40


@dataclass
class QueryResult:
    """What a query returned, already bounded.

    Attributes
    ----------
    kind : str
        ``'SELECT'``, ``'ASK'``, ``'CONSTRUCT'`` or ``'DESCRIBE'``.
    variables : list of str
        The SELECT columns, in order (for ``SELECT *``: in order of first use in the query).
    rows : list of tuple
        One tuple per solution, one rdflib term or ``None`` (unbound) per variable.
    boolean : bool or None
        The ASK answer.
    graph : rdflib.Graph or None
        The CONSTRUCT or DESCRIBE triples, with the project prefixes bound (made when first
        read).
    triples : sequence of tuple
        The same triples as ``(s, p, o)`` tuples of rdflib terms, without building a Graph.
    truncated : bool
        True when rows or triples beyond ``limit`` were dropped.
    limit : int or None
        The cap that applied: ``max_rows`` for SELECT, ``max_triples`` for graph results.
    elapsed : float
        Seconds from the call to the answer (parsing included).
    warnings : list of str
        Things that are legal SPARQL but probably a mistake, such as a selected variable that
        the WHERE clause never mentions (its column is always empty).
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    limit: int | None = None
    elapsed: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def triples(self):
        pending = self.__dict__.get("_pending_triples")
        if pending is not None:
            return pending
        return list(self.graph) if self.graph is not None else []


def _graph_get(self) -> Graph | None:
    pending = self.__dict__.get("_pending_triples")
    if pending is not None:  # built on first use: a caller that only counts never pays for it
        graph = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for triple in pending:
            graph.add(triple)
        self.__dict__["_graph"], self.__dict__["_pending_triples"] = graph, None
    return self.__dict__.get("_graph")


def _graph_set(self, graph: Graph | None) -> None:
    self.__dict__["_graph"], self.__dict__["_pending_triples"] = graph, None


# The CONSTRUCT/DESCRIBE graph is made from the worker's triples when it is first read.
QueryResult.graph = property(_graph_get, _graph_set, doc=QueryResult.__doc__ and
                             "The CONSTRUCT or DESCRIBE triples as an rdflib Graph.")


@dataclass
class QueryInfo:
    """What :func:`check_query` learnt about a query without running it.

    Attributes
    ----------
    kind : str
        One of :data:`~graph.query.guard.QUERY_KINDS`.
    variables : list of str
        The SELECT columns (empty for other kinds).
    mentioned : list of str
        Every variable the query uses, sorted: the names that bindings may set.
    warnings : list of str
        As in :attr:`QueryResult.warnings`.
    """

    kind: str
    variables: list[str]
    mentioned: list[str]
    warnings: list[str]


def _check_limits(timeout, max_rows, max_triples) -> tuple[float, int, int]:
    """The limits of one query: the ones given, checked, else the settings in force."""
    timeout = setting("query_seconds") if timeout is None else timeout
    max_rows = setting("max_rows") if max_rows is None else max_rows
    max_triples = setting("max_triples") if max_triples is None else max_triples
    for name, value in (("timeout", timeout), ("max_rows", max_rows),
                        ("max_triples", max_triples)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not math.isfinite(value) or not value > 0:
            raise QueryError(f"{name} must be a positive number, not {str(value)[:40]}")
    if timeout > MAX_TIMEOUT:
        raise QueryError(f"timeout must be at most {MAX_TIMEOUT:g} seconds, not {timeout:g}")
    return float(timeout), int(max_rows), int(max_triples)


def _check_bindings(screened: Screened, bindings: Mapping[str, Identifier] | None) -> dict:
    checked: dict[str, Identifier] = {}
    for key, value in (bindings or {}).items():
        name = str(key).lstrip("?$")
        if not isinstance(value, Identifier) or isinstance(value, Variable):
            raise TypeError(f"binding ?{name} must be an rdflib URIRef, Literal or BNode, "
                            f"not {type(value).__name__}")
        if name not in screened.mentioned:
            known = ", ".join(f"?{v}" for v in sorted(screened.mentioned)) or "none"
            raise QueryError(f"?{name} is not a variable of this query, so it cannot be bound "
                             f"(its variables: {known})")
        checked[name] = value
    return checked


def _with_values(screened: Screened, bindings: dict) -> tuple[str, int, int]:
    """The query text with ``bindings`` as a VALUES block; also where it went and its length."""
    if not bindings:
        return screened.text, 0, 0
    if screened.where is None:
        raise QueryError("values can only be bound in a query with a WHERE { … } clause (for "
                         "CONSTRUCT, the long form CONSTRUCT { … } WHERE { … })")
    names = sorted(bindings)
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(to_nt(bindings[n]) for n in names)}) }} ")
    at = screened.where
    return screened.text[:at] + block + screened.text[at:], at, len(block)


def _warnings(screened: Screened, bindings: Mapping) -> list[str]:
    out = []
    others = [v for v in sorted(screened.mentioned) if len(v) <= _HINT_NAME_LENGTH] \
        if len(screened.mentioned) <= _HINT_VARIABLES else []
    for name in screened.unused[:20]:
        if name in bindings:
            continue
        close = difflib.get_close_matches(name, [v for v in others if v != name], n=1) \
            if len(name) <= _HINT_NAME_LENGTH else []
        out.append(f"?{name} is selected but never used in the query, so its column stays empty"
                   + (f" (did you mean ?{close[0]}?)" if close else ""))
    if len(screened.unused) > 20:
        out.append(f"… and {len(screened.unused) - 20} more selected variables are never used")
    return out


def _raise_for(payload: Payload, screened: Screened, shift: tuple[int, int], prefixes: bool):
    kind, message, line, column = payload.error
    if kind == "syntax":
        at, size = shift
        if size and line is not None:  # point into the user's text, not our VALUES block
            offset = offset_of(screened.text[:at] + " " * size + screened.text[at:], line, column)
            if offset >= at + size:
                line, column = line_col(screened.text, offset - size)
        raise explain(screened.text, screened.tokens, message, line, column, prefixes=prefixes)
    if kind == "memory":
        raise QueryMemoryError(message)
    if kind == "size":
        raise QueryTooLarge(message)
    raise QueryError(f"the query failed while running: {message}")


def _columns(screened: Screened, engine: list[str]) -> list[str]:
    if screened.projection is not None:
        return [v for v in screened.projection if v in engine] + \
            [v for v in engine if v not in screened.projection]
    return sorted(engine, key=lambda v: (screened.first_use.get(v, len(screened.text)), v))


def _request(text: str, prefixes: bool, bindings, limits: Limits, check_only: bool):
    screened = screen(text)
    checked = _check_bindings(screened, bindings)
    final, at, size = _with_values(screened, checked)
    request = QueryRequest(final, screened.kind or "SELECT", declare_prefixes=bool(prefixes),
                           limits=limits, check_only=check_only)
    return screened, checked, request, (at, size)


_checker_lock = threading.Lock()
_checker = None


def _parse_checker():
    """A small worker pool that only parses (for :func:`check_query` without a store)."""
    global _checker
    with _checker_lock:
        if _checker is None:
            from graph.store.engine import parse_check
            from graph.store.workers import WorkerPool
            _checker = WorkerPool(lambda ctx, request: parse_check(request), size=2)
        return _checker


def check_query(text: str, *, prefixes: bool = True, kg: Any = None,
                timeout: float | None = None) -> QueryInfo:
    """Parse and vet a query without running it; raise what :func:`run_query` would raise.

    Parameters
    ----------
    text : str
        The SPARQL query.
    prefixes : bool, default True
        Declare the project prefixes (:data:`graph.namespace.PREFIXES`) for the query.
    kg : Store, optional
        Check with this store's workers (else a small parse-only pool of this process).
    timeout : float, optional
        Seconds for the check (default ``CAUSEMAP_QUERY_SECONDS``, see :mod:`graph.store.limits`).

    Raises
    ------
    QuerySyntaxError
        The query does not parse; ``line`` and ``column`` point into ``text``.
    QueryRejected
        The query is an update, or uses SERVICE, FROM or FROM NAMED.

    Examples
    --------
    >>> info = check_query("SELECT ?x ?lable WHERE { ?x rdfs:label ?label }")
    >>> info.kind, info.variables, info.mentioned
    ('SELECT', ['x', 'lable'], ['label', 'lable', 'x'])
    >>> print(*info.warnings)
    ?lable is selected but never used in the query, so its column stays empty (did you mean ?label?)
    >>> try:
    ...     check_query("SELECT * WHERE { ?s ?p ?o ?x ?y ?z }")
    ... except QuerySyntaxError as err:
    ...     print(err.line, err.column, err.token, "|", err.hint)
    1 27 ?x | is a '.' missing between two triple patterns before it?
    """
    timeout, _, _ = _check_limits(timeout, 1, 1)
    screened, _, request, shift = _request(text, prefixes, None, Limits(timeout=timeout), True)
    if kg is not None:
        payload = kg.execute(request)
    else:
        payload = _parse_checker().run(request, timeout)
    if payload.error:
        _raise_for(payload, screened, shift, prefixes)
    return QueryInfo(request.kind, _columns(screened, payload.variables) if
                     request.kind == "SELECT" else [], sorted(screened.mentioned),
                     _warnings(screened, {}))


def run_query(kg: Any, text: str, *, bindings: Mapping[str, Identifier] | None = None,
              timeout: float | None = None, max_rows: int | None = None,
              max_triples: int | None = None, prefixes: bool = True) -> QueryResult:
    """Run one read-only SPARQL query under a time limit and result caps.

    Parameters
    ----------
    kg : Store
        The store to query (any backend).
    text : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings : dict of str to rdflib term, optional
        Values of query variables (names with or without ``?``), joined at the start of the
        WHERE clause. Every name must be a variable the query uses.
    timeout : float, optional
        Seconds for parsing and evaluation together, at most :data:`MAX_TIMEOUT` (default
        ``CAUSEMAP_QUERY_SECONDS``, 10; every default is a setting of :mod:`graph.store.limits`).
    max_rows : int, optional
        SELECT rows kept; more set ``truncated`` (default ``CAUSEMAP_MAX_ROWS``, 5000).
    max_triples : int, optional
        CONSTRUCT/DESCRIBE triples kept; more set ``truncated`` (default
        ``CAUSEMAP_MAX_TRIPLES``, 20000).
    prefixes : bool, default True
        Declare the project prefixes for the query; its own PREFIX lines may redeclare them.

    Raises
    ------
    QuerySyntaxError
        The query does not parse; ``line``/``column`` point into ``text``, ``hint`` helps.
    QueryRejected
        An update, SERVICE, FROM or FROM NAMED; nothing was run.
    QueryTimeout, QueryMemoryError, QueryTooLarge, QueryBusy
        A bound bit: the time limit, the memory cap, a size cap, or every worker was busy.
    QueryError
        A binding names no variable of the query, or the evaluation failed.

    Examples
    --------
    >>> from graph.store import load
    >>> kg = load()
    >>> q = "SELECT ?x WHERE { ?x rdfs:label ?l FILTER(CONTAINS(LCASE(?l), ?text)) }"
    >>> run_query(kg, q, bindings={"text": Literal("hypocalc")}).rows
    [(rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia'),)]
    >>> run_query(kg, "ASK { cm:Hypocalcemia rdfs:label ?l }").boolean
    True
    >>> result = run_query(kg, "SELECT * WHERE { ?s ?p ?o }", max_rows=1)
    >>> len(result.rows), result.truncated, result.limit
    (1, True, 1)
    >>> run_query(kg, "INSERT DATA { cm:a cm:b cm:c }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: INSERT DATA is an update; Causemap only reads the graph ...
    """
    started = time.perf_counter()
    timeout, max_rows, max_triples = _check_limits(timeout, max_rows, max_triples)
    limits = Limits(timeout=timeout, max_rows=max_rows, max_triples=max_triples)
    screened, checked, request, shift = _request(text, prefixes, bindings, limits, False)
    payload = kg.execute(request)
    if payload.error:
        _raise_for(payload, screened, shift, prefixes)
    result = QueryResult(request.kind, warnings=_warnings(screened, checked))
    if request.kind == "SELECT":
        columns = _columns(screened, payload.variables)
        index = {v: i for i, v in enumerate(payload.variables)}
        order = [index[v] for v in columns]
        result.variables = columns
        result.rows = payload.rows if order == list(range(len(order))) else \
            LazyRows([tuple(row[i] for i in order) for row in payload.rows._encoded]) \
            if isinstance(payload.rows, LazyRows) and payload.rows._encoded is not None else \
            [tuple(row[i] for i in order) for row in payload.rows]
        result.truncated, result.limit = payload.truncated, limits.max_rows
    elif request.kind == "ASK":
        result.boolean = payload.boolean
    else:
        result.__dict__["_pending_triples"] = payload.triples or []
        result.truncated, result.limit = payload.truncated, limits.max_triples
    result.elapsed = time.perf_counter() - started
    return result

