"""The ASGI application behind ``causemap serve``: routes, statuses and messages.

====================  =====================================================================
route                 answer
====================  =====================================================================
``/sparql``, ``/``    the SPARQL 1.1 Protocol endpoint (GET and POST); without a query, the
                      Service Description (:mod:`graph.serve.description`)
``/ontology``         the ontology, Turtle or HTML by content negotiation
                      (:mod:`graph.serve.ontology`); ``/ontology.ttl``, ``.html``, ``.nt``,
                      ``.jsonld``, ``.rdf`` name one format
====================  =====================================================================

Every query runs through :func:`graph.query.run_query`, so the endpoint has the same guard, limits
and one-line messages as the CLI and the app. A refusal is an HTTP status with that message as
``text/plain``:

======  ==================================================================================
status  when
======  ==================================================================================
400     malformed or refused query (syntax, update, SERVICE, FROM …); dataset parameters
405     another HTTP method
406     no result format the ``Accept`` header allows
413     a request body over :data:`~graph.serve.protocol.MAX_BODY_BYTES`
415     a POST body that is neither a form nor ``application/sparql-query``
500     the query failed while running, or needed more memory or bytes than its caps
503     every query worker is busy (``Retry-After: 2``)
504     the query ran past its time limit and was stopped
======  ==================================================================================

A truncated result (more rows or triples than the cap) is sent with the header
``Causemap-Truncated: rows=N`` (or ``triples=N``), since the exchange formats have no place for it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from graph.errors import (CausemapError, QueryBusy, QueryMemoryError, QueryRejected,
                          QuerySyntaxError, QueryTimeout, QueryTooLarge, ResultFormatError)
from graph.query import run_query
from graph.query.results import serialize
from graph.serve.access_log import AccessLog, safe
from graph.serve.description import Limits, service_description
from graph.serve.negotiation import negotiate, result_offer
from graph.serve.ontology import ONTOLOGY_TYPES, ontology_as
from graph.serve.protocol import ProtocolError, read_operation

__all__ = ["ServeConfig", "create_app", "status_for"]

_log = logging.getLogger("causemap.serve")
_BASE_RE = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?/")
_DESCRIPTION_TYPES = {media: name for media, name in (
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"))}
_SUFFIXES = {"ttl": "text/turtle", "html": "text/html", "nt": "application/n-triples",
             "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}
_TEXT_TYPES = ("text/", "application/sparql-results+", "application/n-", "application/ld+json",
               "application/rdf+xml", "application/trig")
_SECURITY = {"X-Content-Type-Options": "nosniff"}
_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class ServeConfig:
    """How the endpoint bounds queries and whom it lets read from a browser.

    Attributes
    ----------
    timeout : float
        Seconds each query may run (parsing included).
    max_rows, max_triples : int
        Caps on SELECT rows and CONSTRUCT/DESCRIBE triples; more are dropped and reported in the
        ``Causemap-Truncated`` header.
    cors_origins : tuple of str
        Origins whose pages may query the endpoint (``"*"`` for any); empty: no CORS headers.
    base_url : str, optional
        The endpoint's public base (``http://127.0.0.1:7878/``), used in the service description
        when a request's own ``Host`` is not a plain host name.
    """

    timeout: float = 10.0
    max_rows: int = 5000
    max_triples: int = 20000
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    base_url: str = "http://127.0.0.1/"


_STATUSES = (  # the first class that matches decides (subclasses before their bases)
    (QuerySyntaxError, 400), (QueryRejected, 400), (QueryBusy, 503), (QueryTimeout, 504),
    (QueryMemoryError, 500), (QueryTooLarge, 500), (ResultFormatError, 406),
)


def status_for(exc: CausemapError) -> int:
    """The HTTP status of an expected error (see the module docstring).

    >>> from graph.errors import QueryRejected, QueryBusy
    >>> status_for(QueryRejected("no")), status_for(QueryBusy("later"))
    (400, 503)
    """
    for cls, status in _STATUSES:
        if isinstance(exc, cls):
            return status
    return 500


def _text(message: str, status: int, headers: dict | None = None) -> Response:
    """A one-line error as ``text/plain`` (never HTML: messages quote the user's query)."""
    return PlainTextResponse(safe(message, 2000) + "\n", status_code=status,
                             headers={**_SECURITY, **(headers or {})})


def _typed(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith(_TEXT_TYPES) else media


def _not_acceptable(offer) -> Response:
    return _text("none of the formats this result can be written in is acceptable (Accept "
                 f"header); ask for one of: {', '.join(offer)}", 406)


def _endpoint(request: Request, config: ServeConfig) -> str:
    base = str(request.base_url)
    if not _BASE_RE.fullmatch(base):  # a Host header that is not a plain host: not in our RDF
        base = config.base_url
    return base + "sparql"


class _Endpoint:
    """The handlers, bound to one store and one configuration."""

    def __init__(self, kg, config: ServeConfig):
        self.kg, self.config = kg, config
        self.limits = Limits(config.timeout, config.max_rows, config.max_triples)
        self._triples: int | None = None

    def _count(self) -> int | None:
        if self._triples is None:
            try:
                self._triples = len(self.kg)
            except CausemapError:  # a remote store that cannot count now: leave it out
                return None
        return self._triples

    async def sparql(self, request: Request) -> Response:
        try:
            operation = await read_operation(request)
        except ProtocolError as exc:
            return _text(str(exc), exc.status, exc.headers)
        request.state.causemap_query = operation.query if operation.query is not None \
            else operation.update
        if operation.update is not None:
            return _text(self._update_refusal(operation.update), 400)
        if operation.query is None:
            return await self.description(request)
        try:
            return await run_in_threadpool(self._answer, operation.query,
                                           request.headers.get("accept"))
        except CausemapError as exc:
            status = status_for(exc)
            return _text(str(exc), status, {"Retry-After": "2"} if status == 503 else None)
        except Exception as exc:  # a bug: one line to the client, the traceback to the log
            _log.exception("internal error answering a query")
            return _text(f"internal error (please report it): {type(exc).__name__}", 500)

    @staticmethod
    def _update_refusal(text: str) -> str:
        from graph.query.guard import screen

        try:
            screen(text)
        except CausemapError as exc:  # the guard names the update ("INSERT DATA is an update …")
            return str(exc)
        return "this endpoint is read-only: updates are refused (send queries as query=…)"

    def _answer(self, text: str, accept: str | None) -> Response:
        config = self.config
        result = run_query(self.kg, text, timeout=config.timeout, max_rows=config.max_rows,
                           max_triples=config.max_triples)
        offer = result_offer(result.kind)
        media = negotiate(accept, list(offer))
        if media is None:
            return _not_acceptable(offer)
        headers = {"Vary": "Accept", **_SECURITY}
        if result.truncated:
            unit = "rows" if result.kind == "SELECT" else "triples"
            headers["Causemap-Truncated"] = f"{unit}={result.limit}"
        body = serialize(result, offer[media])
        return Response(body.encode("utf-8"), media_type=_typed(media), headers=headers)

    async def description(self, request: Request) -> Response:
        media = negotiate(request.headers.get("accept"), list(_DESCRIPTION_TYPES))
        if media is None:
            return _not_acceptable(_DESCRIPTION_TYPES)
        triples = await run_in_threadpool(self._count)
        body = service_description(_endpoint(request, self.config), self.limits, triples=triples,
                                   fmt=_DESCRIPTION_TYPES[media])
        return Response(body.encode("utf-8"), media_type=_typed(media),
                        headers={"Vary": "Accept", **_SECURITY})

    async def ontology(self, request: Request) -> Response:
        suffix = request.path_params.get("suffix")
        if suffix is not None:
            media = _SUFFIXES.get(suffix)
            if media is None:
                return _text(f"no ontology format .{safe(suffix, 20)}; use one of: "
                             + ", ".join(f".{s}" for s in _SUFFIXES), 404)
        else:
            media = negotiate(request.headers.get("accept"), list(ONTOLOGY_TYPES))
            if media is None:
                return _not_acceptable(ONTOLOGY_TYPES)
        body = await run_in_threadpool(ontology_as, ONTOLOGY_TYPES[media])
        headers = {"Vary": "Accept", **_SECURITY}
        if media == "text/html":
            headers["Content-Security-Policy"] = _PAGE_POLICY
        return Response(body.encode("utf-8"), media_type=_typed(media), headers=headers)


def create_app(kg, config: ServeConfig | None = None) -> Starlette:
    """The endpoint over one store, as an ASGI application (run it with uvicorn).

    Parameters
    ----------
    kg : Store
        Any backend (:func:`graph.store.open_store`); it is only read.
    config : ServeConfig, optional
        Limits and CORS; the defaults are those of ``causemap serve``.

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> from graph.store import load
    >>> client = TestClient(create_app(load()))
    >>> r = client.get("/sparql", params={"query": "ASK { cm:Hypocalcemia ?p ?o }"})
    >>> r.status_code, r.headers["content-type"], r.json()["boolean"]
    (200, 'application/sparql-results+json; charset=utf-8', True)
    >>> r = client.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"})
    >>> r.status_code, r.text.strip()
    (400, 'DELETE WHERE is an update; Causemap only reads the graph (SELECT, ASK, CONSTRUCT or DESCRIBE)')
    """
    config = config or ServeConfig()
    endpoint = _Endpoint(kg, config)
    routes = [
        Route("/", endpoint.sparql, methods=["GET", "POST"]),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
        Route("/ontology", endpoint.ontology, methods=["GET"]),
        Route("/ontology.{suffix}", endpoint.ontology, methods=["GET"]),
    ]
    middleware = [Middleware(AccessLog)]
    if config.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"], expose_headers=["Causemap-Truncated"],
            max_age=600))
    return Starlette(routes=routes, middleware=middleware)
