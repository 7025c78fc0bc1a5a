"""A Streamlit session over its websocket, without a browser: what ``bench_app_load.py`` runs
beside its one measured Chromium tab.

A browser tab talks to a Streamlit server over one websocket (``/_stcore/stream``): it sends a
``BackMsg`` asking for a rerun of the script for a page and a query string (as a click on a link
between pages does), and the server answers with ``ForwardMsg`` protobufs — the page's elements,
then ``script_finished``. :class:`WsSession` speaks that protocol with Streamlit's own protobuf
classes and the ``websockets`` client (both come with Streamlit), so a session costs the server
exactly what a student's tab costs it, and this machine nothing of a browser's rendering.

Examples
--------
>>> async def tour(port):  # doctest: +SKIP
...     async with WsSession(port) as s:
...         run = await s.rerun("entity", "entity=cm:Hypocalcemia")
...         return run.seconds, run.headings[:1]
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

__all__ = ["WsSession", "Run"]


@dataclass
class Run:
    """One rerun as the server answered it: how long until ``script_finished``, and what it drew
    that a bench cares about (headings, and the text of alerts and exceptions)."""

    seconds: float
    headings: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    finished: bool = False


class WsSession:
    """One Streamlit session on ``127.0.0.1:port``, opened on entering the ``async with``."""

    def __init__(self, port: int):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self._ws = None
        self._connection = None

    async def __aenter__(self) -> "WsSession":
        self._connection = connect(self.url, subprotocols=["streamlit"], max_size=None,
                                   open_timeout=30, ping_interval=None)
        self._ws = await self._connection.__aenter__()
        return self

    async def __aexit__(self, *exc) -> None:
        await self._connection.__aexit__(*exc)

    async def rerun(self, page: str, query_string: str = "") -> Run:
        """Run the script for ``page`` (its URL path: "" for the start page, "entity" …) with
        ``query_string``, as in-app navigation does; wait for the run to finish."""
        msg = BackMsg()
        msg.rerun_script.page_name = page
        msg.rerun_script.query_string = query_string
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        run = Run(0.0)
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self._ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "heading":
                    run.headings.append(element.heading.body)
                elif which == "alert":
                    run.alerts.append(element.alert.body)
                elif which == "exception":
                    run.alerts.append(f"{element.exception.type}: {element.exception.message}")
            elif kind == "script_finished":
                # A rerun another message interrupted ends "early"; ours is the one that ran.
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run.finished = True
                    run.seconds = time.perf_counter() - started
                    return run
