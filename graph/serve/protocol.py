"""Read a SPARQL 1.1 Protocol request: which query it asks, or why it cannot be answered.

The three ways the Protocol (W3C, 2013, §2.1) sends a query are all accepted:

- ``GET /sparql?query=…``;
- ``POST`` with ``Content-Type: application/x-www-form-urlencoded`` and ``query=…`` in the body;
- ``POST`` with ``Content-Type: application/sparql-query`` and the query as the body.

An *update* (``update=…``, or ``application/sparql-update``) is refused: the endpoint is read-only,
and the guard's own message says so. The RDF dataset parameters ``default-graph-uri`` and
``named-graph-uri`` are refused too (the Protocol lets a service do that, §2.1.4): a query is
always answered from the store's own dataset, whose default graph is the union of its graphs.
Bodies are read with a byte cap (:data:`MAX_BODY_BYTES`) before anything is parsed, so a client
cannot make the server buffer more than that.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from graph.query import MAX_QUERY_LENGTH

__all__ = ["Operation", "ProtocolError", "read_operation", "MAX_BODY_BYTES"]

#: The largest request body read (bytes): a query of the longest allowed length, percent-encoded.
MAX_BODY_BYTES = MAX_QUERY_LENGTH * 3 + 65536
_MAX_FIELDS = 100
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_DATASET = ("default-graph-uri", "named-graph-uri")


class ProtocolError(Exception):
    """A request the endpoint answers with an error status; ``str()`` is the one-line message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class Operation:
    """What a request asks for: a query, an update (always refused), or neither."""

    query: str | None = None
    update: str | None = None


async def _body(request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> ProtocolError:
    return ProtocolError(413, f"the request is larger than {MAX_BODY_BYTES:,} bytes; queries are "
                              f"limited to {MAX_QUERY_LENGTH:,} characters")


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {what} is not UTF-8 text") from None


def _form(raw: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
    except ValueError:
        raise ProtocolError(400, f"the request has more than {_MAX_FIELDS} parameters") from None


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"give one {name}= parameter, not {len(values)}")
    return values[0] if values else None


def _operation(params: list[tuple[str, str]], body_query: str | None = None) -> Operation:
    for name in _DATASET:
        if any(k == name for k, _ in params):
            raise ProtocolError(400, f"{name} is not supported: this endpoint answers every query "
                                     "from its own dataset (the default graph is the union of its "
                                     "graphs; use GRAPH ?g for the named ones)")
    query, update = _one(params, "query"), _one(params, "update")
    if body_query is not None:
        if query is not None:
            raise ProtocolError(400, "a query sent as application/sparql-query cannot also have "
                                     "a query= parameter")
        query = body_query
    if query is not None and update is not None:
        raise ProtocolError(400, "give either query= or update=, not both")
    return Operation(query=query, update=update)


async def read_operation(request) -> Operation:
    """The operation of a Starlette request, or a :class:`ProtocolError` (400, 413 or 415).

    Parameters
    ----------
    request : starlette.requests.Request
    """
    url_params = _form(request.url.query)
    if request.method in ("GET", "HEAD"):
        return _operation(url_params)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == _FORM:
        body = _text(await _body(request), "form body")
        return _operation(url_params + _form(body))
    if media == _QUERY:
        return _operation(url_params, _text(await _body(request), "query"))
    if media == _UPDATE:
        return Operation(update=_text(await _body(request), "update"))
    raise ProtocolError(415, f"POST a query as {_FORM} (query=…) or as {_QUERY}, not "
                             f"{media or 'a body without a Content-Type'}"[:300])
