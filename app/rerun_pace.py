"""A steady pace for each tab's reruns: a tab that asks for rerun after rerun waits its turn.

Every click, link and widget change reruns the page's script in the server process, and every
tab's scripts share that process's one interpreter lock. A tab that reruns as fast as it is
answered — a script, or someone holding down *Run* on the SPARQL page — takes a share of it
that no quota on queries bounds: measured with ``bench/bench_app_load.py``'s websocket sessions,
five such tabs on the SPARQL page held the lock 70 % of the time, and a normal page's rerun went
from 22 ms to 163 ms for everyone else.

So each tab (a Streamlit session) has a bucket of ``CAUSEMAP_SESSION_RERUNS`` reruns (default
:data:`DEFAULT_RERUNS`) that refills at that many per ten seconds: a student's bursts (typing in
a search box, expanding nodes) never wait, and a tab past its pace sleeps before its script runs —
sleeping holds no lock, and a rerun that Streamlit supersedes meanwhile is dropped when it wakes.
The wait is at most ten seconds.

The default was 10 while a rerun of the SPARQL page cost 53 ms (20 let five hostile tabs slow
pages 2.9×). Since that page draws only its open tab, a rerun costs 8 ms, and at 30 the same five
tabs left pages at 0.97× and first loads at 1.13× their unloaded times.

Examples
--------
>>> pace = RerunPace(reruns=2)
>>> [round(pace.wait("tab", now=0.0), 1) for _ in range(4)]   # two free, then 5 s apart
[0.0, 0.0, 5.0, 10.0]
>>> pace.wait("another tab", now=0.0)
0.0
"""

from __future__ import annotations

import threading
import time

from graph.errors import DataLoadError
from graph.store.limits import env_whole_number

__all__ = ["RerunPace", "PACE", "keep_pace", "RERUNS_ENV", "DEFAULT_RERUNS"]

RERUNS_ENV = "CAUSEMAP_SESSION_RERUNS"
#: Reruns a tab may ask for at once, and again every :data:`WINDOW` seconds.
DEFAULT_RERUNS = 30
#: The window the bucket refills over (and the longest a rerun ever waits).
WINDOW = 10.0


class RerunPace:
    """Per-session token buckets of reruns; ``reruns`` None reads ``CAUSEMAP_SESSION_RERUNS``."""

    def __init__(self, reruns: int | None = None):
        self._reruns = reruns
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # session → (tokens, when)

    @property
    def reruns(self) -> int:
        return self._reruns if self._reruns is not None else \
            env_whole_number(RERUNS_ENV, DEFAULT_RERUNS, 1, 100_000)

    def wait(self, session: str, now: float | None = None) -> float:
        """Take one rerun for ``session``: the seconds it must wait first (0 within its pace)."""
        capacity = float(self.reruns)
        rate = capacity / WINDOW
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.get(session, (capacity, now))
            tokens = min(capacity, tokens + (now - then) * rate) - 1
            tokens = max(tokens, -capacity)  # a flood owes at most one window
            self._buckets[session] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget full buckets: the table stays small
                full = [k for k, (t, w) in self._buckets.items()
                        if t + (now - w) * rate >= capacity]
                for k in full:
                    del self._buckets[k]
        return 0.0 if tokens >= 0 else -tokens / rate


#: The one pace of this process.
PACE = RerunPace()
#: The pace kept when ``CAUSEMAP_SESSION_RERUNS`` is not a valid number (its default).
_DEFAULT_PACE = RerunPace(DEFAULT_RERUNS)


def keep_pace() -> float:
    """At the top of every run: sleep as long as this tab must wait; the seconds slept.

    A ``CAUSEMAP_SESSION_RERUNS`` that is not a whole number in range is said on the page (one
    line) and the default pace is kept.
    """
    from app.session_queries import session_id
    try:
        seconds = PACE.wait(session_id())
    except DataLoadError as exc:
        import streamlit as st
        st.error(str(exc))
        seconds = _DEFAULT_PACE.wait(session_id())
    if seconds:
        time.sleep(seconds)
    return seconds
