"""The access log: one line per request, short and safe to read in a terminal.

uvicorn's own access log prints the request line whole, so a long ``GET /sparql?query=…`` would
put the whole query in the log; this one is used instead (``causemap serve`` turns uvicorn's off).
A line holds the client address, the method, the path, the status, the response size, the time
taken, and a *digest* of the query: its form and the first words (:data:`QUERY_PREVIEW`
characters), newlines and control characters folded to spaces, with its length when it was cut.
Nothing a client sends can start a new log line or colour the terminal.

Examples
--------
>>> query_digest("SELECT ?x\\nWHERE { ?x a cm:Condition }")
'"SELECT ?x WHERE { ?x a cm:Condition }"'
>>> query_digest("SELECT * WHERE { " + "?s ?p ?o . " * 100 + "}")[:30]
'"SELECT * WHERE { ?s ?p ?o . ?'
>>> query_digest("SELECT * WHERE { " + "?s ?p ?o . " * 100 + "}")[-15:]
'…" (1118 chars)'
"""

from __future__ import annotations

import logging
import re
import time

__all__ = ["LOGGER_NAME", "QUERY_PREVIEW", "AccessLog", "query_digest", "safe"]

LOGGER_NAME = "causemap.serve.access"
#: Characters of a query shown in a log line.
QUERY_PREVIEW = 80

_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def safe(text: str, limit: int = 200) -> str:
    """``text`` on one line without control characters, cut to ``limit`` characters."""
    text = _UNSAFE_RE.sub(" ", text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def query_digest(query: str | None) -> str:
    """The start of a query for the log, quoted, with its length when it is cut."""
    if query is None:
        return "-"
    folded = " ".join(_UNSAFE_RE.sub(" ", query).split())
    if len(folded) <= QUERY_PREVIEW:
        return '"' + folded.replace('"', "'") + '"'
    return '"' + folded[:QUERY_PREVIEW].replace('"', "'") + f'…" ({len(query)} chars)'


class AccessLog:
    """ASGI middleware that logs one line per HTTP request once its response is sent.

    The handler puts the query it read into ``scope["state"]["causemap_query"]`` so that the line
    can carry its digest (the body is read once, by the handler).
    """

    def __init__(self, app, logger: logging.Logger | None = None):
        self.app = app
        self.logger = logger or logging.getLogger(LOGGER_NAME)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        facts = {"status": 500, "bytes": 0}
        scope.setdefault("state", {})

        async def send_logged(message):
            if message["type"] == "http.response.start":
                facts["status"] = message["status"]
            elif message["type"] == "http.response.body":
                facts["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            client = scope.get("client") or ("-", 0)
            self.logger.info(
                "%s %s %s %d %dB %.0fms %s", safe(str(client[0]), 64), safe(scope["method"], 16),
                safe(scope.get("path", ""), 120), facts["status"], facts["bytes"],
                (time.perf_counter() - started) * 1000,
                query_digest(scope["state"].get("causemap_query")))
