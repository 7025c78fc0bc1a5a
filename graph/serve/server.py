"""Run the endpoint: uvicorn on one address, the access log on stderr, a clean stop on a signal.

The store is opened (and its query workers forked) before uvicorn starts any thread; uvicorn then
serves the ASGI app of :mod:`graph.serve.app` from one process. Queries wait for their worker in
uvicorn's thread pool, so a slow query never blocks the event loop; past ``limit_concurrency``
open connections uvicorn itself answers 503. SIGINT and SIGTERM stop the server gracefully.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["serve", "MAX_CONNECTIONS"]

#: Open connections accepted at once; more get HTTP 503 from uvicorn.
MAX_CONNECTIONS = 64


def _logging(access_log: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("causemap.serve", "causemap.serve.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logging.getLogger("causemap.serve.access").disabled = not access_log


def serve(app, *, host: str = "127.0.0.1", port: int = 7878, access_log: bool = True,
          ready: str | None = None) -> None:
    """Serve an ASGI app until a signal stops it.

    Parameters
    ----------
    app : ASGI application
        From :func:`graph.serve.app.create_app`.
    host, port : str, int
        Where to listen (127.0.0.1 by default: this machine only).
    access_log : bool
        Log one line per request on stderr (:mod:`graph.serve.access_log`).
    ready : str, optional
        A line printed on stderr once the socket listens; ``{base}`` in it becomes the base URL
        with the port actually bound (``port=0`` lets the system choose a free one).
    """
    import uvicorn

    _logging(access_log)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning",
        access_log=False,  # ours instead: uvicorn's prints the whole query string
        limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5, server_header=False,
        lifespan="off", proxy_headers=False, use_colors=False)
    server = uvicorn.Server(config)
    if ready:
        _announce_when_started(server, ready)
    server.run()


def _announce_when_started(server, line: str) -> None:
    """Print ``line`` once uvicorn has bound its socket (its own startup line is at INFO)."""
    startup = server.startup

    async def startup_then_announce(*args, **kwargs):
        await startup(*args, **kwargs)
        if server.started:
            host, port = server.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            print(line.replace("{base}", f"http://{shown}:{port}/"), file=sys.stderr, flush=True)

    server.startup = startup_then_announce
