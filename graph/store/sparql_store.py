"""The ``sparql:URL`` backend: any SPARQL 1.1 Protocol server holds the data.

This is how Causemap runs when a graph outgrows one machine: Oxigraph server, Virtuoso, QLever,
GraphDB, Fuseki … Every request is a POST of the SPARQL Protocol (``query=`` in a form body) to the
endpoint, asking for SPARQL JSON results (N-Triples for graphs). A user's query is first judged by
Oxigraph's parser, as on every backend, then sent from a worker process that is killed at the time
limit; the answer is read with a byte cap before it is parsed, so a server cannot flood the app.

**The dataset.** Causemap's model is a default graph that is the union of all its graphs, and
``GRAPH ?g`` over its named graphs only. Servers differ (DESIGN.md): Oxigraph's
``serve-read-only --union-default-graph`` does exactly this; Virtuoso's default graph is the union
of every graph it holds, its own system graphs included. So the descriptor URL may carry the
Protocol's own dataset parameters, which are then sent with every request::

    sparql:http://127.0.0.1:8890/sparql?default-graph-uri=G1&default-graph-uri=G2&named-graph-uri=G2

``default-graph-uri`` and ``named-graph-uri`` are standard (SPARQL 1.1 Protocol §2.1.4) and scope
the query to the graphs listed. Any other parameter of the URL is sent unchanged too.

The project prefixes and the base IRI are written into each query as ``PREFIX``/``BASE`` lines
(servers know nothing of ours). The network guard of :mod:`graph.store.offline` stays on: requests
go to the endpoint the user chose and nowhere else.
"""

from __future__ import annotations

import json
from typing import Iterator, Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from graph.errors import DataLoadError, QueryBusy, QueryError
from graph.namespace import PREFIXES
from graph.store.base import Payload, QueryRequest, Rows, Source, Store
from graph.store.engine import QUERY_BASE, consume, decode_payload, parse_check
from graph.store.terms import decode, to_nt
from graph.store.workers import WorkerPool

__all__ = ["SparqlStore", "Endpoint"]

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")


class Endpoint:
    """One SPARQL endpoint: where to POST, and the parameters sent with every request."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DataLoadError(f"sparql:{url}: not an http:// or https:// endpoint URL")
        self.url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
        self.params = parse_qsl(parts.query, keep_blank_values=True)
        self.scoped = any(k in _DATASET_PARAMS for k, _ in self.params)

    def __repr__(self) -> str:
        return f"<Endpoint {self.url} {len(self.params)} parameters>"

    def post(self, query: str, accept: str, *, timeout: float, max_bytes: int) -> bytes:
        """POST one query; the body, or a one-line :class:`QueryError`."""
        import requests

        data = [("query", query), *self.params]
        try:
            with requests.post(self.url, data=data, headers={"Accept": accept}, stream=True,
                               timeout=timeout, allow_redirects=False) as response:
                body = bytearray()
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > max_bytes:
                        raise QueryError(f"the server's answer is larger than {max_bytes:,} bytes, "
                                         "the limit; select fewer or shorter values")
                status = response.status_code
        except requests.Timeout:
            raise QueryError(f"the SPARQL server at {self.url} did not answer within "
                             f"{timeout:g} s") from None
        except requests.RequestException as exc:
            raise QueryError(f"cannot reach the SPARQL server at {self.url} "
                             f"({type(exc).__name__})") from None
        if status in (429, 503):
            raise QueryBusy(f"the SPARQL server at {self.url} is busy (HTTP {status}); try again "
                            "in a moment")
        if status != 200:
            first = bytes(body[:300]).decode("utf-8", "replace").strip().splitlines()
            reason = " ".join(first[0].split()) if first else ""
            raise QueryError(f"the SPARQL server answered HTTP {status}" +
                             (f": {reason[:160]}" if reason else ""))
        return bytes(body)


def _header() -> str:
    return f"BASE <{QUERY_BASE}>\n" + "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _json_term(cell: dict):
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return value
    if kind == "bnode":
        return (value,)
    lang = cell.get("xml:lang")
    datatype = cell.get("datatype")
    if datatype in ("http://www.w3.org/2001/XMLSchema#string",
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"):
        datatype = None
    return (value, lang, None if lang else datatype)


def _parse_json(body: bytes) -> tuple[list[str], object]:
    """SPARQL JSON results as (variables, rows of encoded terms) or ([], boolean)."""
    try:
        doc = json.loads(body)
    except ValueError:
        raise QueryError("the SPARQL server's answer is not SPARQL JSON results") from None
    if "boolean" in doc:
        return [], bool(doc["boolean"])
    names = list(doc.get("head", {}).get("vars", []))
    rows = ([(_json_term(b[n]) if n in b else None) for n in names]
            for b in doc.get("results", {}).get("bindings", []))
    return names, rows


def _parse_ntriples(body: bytes):
    import pyoxigraph as ox

    try:
        for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
            yield (t.subject, t.predicate, t.object)
    except SyntaxError:
        raise QueryError("the SPARQL server's answer is not N-Triples") from None


def _remote(endpoint: Endpoint, request: QueryRequest) -> Payload:
    """The worker's job: vet the syntax, POST the query, read the capped answer."""
    checked = parse_check(request)
    if checked.error or request.check_only:
        return checked
    text = (_header() if request.declare_prefixes else f"BASE <{QUERY_BASE}>\n") + request.text
    limits = request.limits
    cap = limits.max_result_bytes * 2 + 65536  # encodings add quotes, tags and structure
    try:
        if request.kind in ("SELECT", "ASK"):
            names, rows = _parse_json(endpoint.post(text, _JSON, timeout=limits.timeout,
                                                    max_bytes=cap))
            if request.kind == "ASK":
                return consume("ASK", rows, limits)
            return consume("SELECT", rows, limits, encode=lambda v: v, variables=names)
        body = endpoint.post(text, _NTRIPLES, timeout=limits.timeout, max_bytes=cap)
        return consume(request.kind, _parse_ntriples(body), limits)
    except QueryBusy as exc:
        return Payload(error=("busy", str(exc), None, None))
    except QueryError as exc:
        return Payload(error=("failed", str(exc), None, None))


class SparqlStore(Store):
    """A Causemap dataset served by a SPARQL 1.1 Protocol endpoint (read-only)."""

    scheme = "sparql"

    def __init__(self, url: str, *, workers: int | None = None, memory_mb: int | None = None,
                 timeout: float = 30.0):
        super().__init__(f"sparql:{url}", [Source("endpoint", url)])
        self.endpoint = Endpoint(url)
        self.timeout = timeout
        self._count: int | None = None
        endpoint = self.endpoint
        self.pool = WorkerPool(lambda ctx, req: _remote(endpoint, req), size=workers,
                               memory_mb=memory_mb)
        try:
            self._ping()
        except QueryError as exc:
            self.pool.close()
            raise DataLoadError(f"sparql:{url}: {exc}") from None

    def _ping(self) -> None:
        body = self.endpoint.post("ASK {}", _JSON, timeout=self.timeout, max_bytes=65536)
        _parse_json(body)

    def close(self) -> None:
        self.pool.close()

    def select(self, text: str, bindings: Mapping | None = None) -> Rows:
        if bindings:
            raise TypeError("write values into trusted queries with graph.store.terms.to_nt")
        body = self.endpoint.post(_header() + text, _JSON, timeout=self.timeout,
                                  max_bytes=256_000_000)
        names, rows = _parse_json(body)
        if isinstance(rows, bool):  # an ASK
            return Rows([(rows,)], ["boolean"])
        return Rows((tuple(decode(v) for v in row) for row in rows), names)

    def _pattern(self, s, p, o) -> str:
        return " ".join(to_nt(t) if t is not None else v for t, v in ((s, "?s"), (p, "?p"),
                                                                       (o, "?o")))

    def triples(self, s=None, p=None, o=None) -> Iterator[tuple]:
        if None not in (s, p, o):
            if self.select(f"ASK {{ {self._pattern(s, p, o)} }}")[0][0]:
                yield (s, p, o)
            return
        names = [v for t, v in ((s, "?s"), (p, "?p"), (o, "?o")) if t is None]
        rows = self.select(f"SELECT DISTINCT {' '.join(names)} WHERE {{ "
                           f"{self._pattern(s, p, o)} }}")
        for found in rows:
            row = iter(found)
            yield (s if s is not None else next(row), p if p is not None else next(row),
                   o if o is not None else next(row))

    def quads(self, s=None, p=None, o=None) -> Iterator[tuple]:
        rows = self.select(f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ "
                           f"{self._pattern(s, p, o)} }} }}")
        for row in rows:
            yield (s if s is not None else row[0], p if p is not None else row[1],
                   o if o is not None else row[2], row[3])

    def execute(self, request: QueryRequest) -> Payload:
        payload = self.pool.run(request, request.limits.timeout + 1.0)
        if payload.error and payload.error[0] == "busy":
            raise QueryBusy(payload.error[1])
        return decode_payload(payload)

    def __len__(self) -> int:
        if self._count is None:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            self._count = int(rows[0][0]) if rows else 0
        return self._count
