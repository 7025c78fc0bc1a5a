"""A fair share of the query workers for each app session: "busy, try again" past it.

The query workers (:mod:`graph.store.workers`) are few and shared by every session of the process.
Streamlit starts a new script thread for each rerun while the previous one may still wait for its
query (``runner.fastReruns``), so one session that clicks *Run* again and again, or sends rerun
after rerun, could hold every worker and starve everyone else. Two bounds per session:

- at most ``CAUSEMAP_SESSION_QUERIES`` of its queries run at once (default 1): another gets
  :class:`~graph.errors.QueryBusy` at once, without taking a worker;
- at most ``CAUSEMAP_SESSION_QUERY_SECONDS`` seconds of query time in any minute (default 40):
  past that, "busy" until enough of the minute has gone by.

A session is Streamlit's (one browser tab). The process-wide caps (workers per store, queries
per process) stay the engine's; this only keeps one session from taking all of them.

Examples
--------
>>> quota = SessionQuota(concurrent=1, seconds_per_minute=5)
>>> with quota.slot("tab-1"):
...     with quota.slot("tab-1"):
...         pass
Traceback (most recent call last):
...
graph.errors.QueryBusy: busy: this tab is already running a query (1 at a time, CAUSEMAP_SESSION_QUERIES); try again when it has finished
>>> with quota.slot("tab-2"):   # another session is not affected
...     pass
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Iterator

from graph.errors import QueryBusy
from graph.store.limits import env_whole_number

__all__ = ["SessionQuota", "QUOTA", "session_id", "CONCURRENT_ENV", "SECONDS_ENV"]

CONCURRENT_ENV = "CAUSEMAP_SESSION_QUERIES"
SECONDS_ENV = "CAUSEMAP_SESSION_QUERY_SECONDS"
WINDOW = 60.0


def _setting(env: str, default: int, low: int, high: int) -> int:
    return env_whole_number(env, default, low, high)


class SessionQuota:
    """Per-session bounds on concurrent queries and on query seconds per minute.

    ``concurrent`` and ``seconds_per_minute`` fix the bounds; ``None`` reads them from the
    environment at each query (so a changed variable applies to the next one).
    """

    def __init__(self, concurrent: int | None = None, seconds_per_minute: int | None = None):
        self._concurrent, self._seconds = concurrent, seconds_per_minute
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._spent: dict[str, deque] = {}

    @property
    def concurrent(self) -> int:
        return self._concurrent if self._concurrent is not None else \
            _setting(CONCURRENT_ENV, 1, 1, 64)

    @property
    def seconds_per_minute(self) -> int:
        return self._seconds if self._seconds is not None else \
            _setting(SECONDS_ENV, 40, 1, 3600)

    def _used(self, session: str, now: float) -> float:
        spent = self._spent.get(session)
        if not spent:
            return 0.0
        while spent and spent[0][0] < now - WINDOW:
            spent.popleft()
        return sum(seconds for _, seconds in spent)

    def running(self, session: str) -> int:
        """Queries of ``session`` running now."""
        with self._lock:
            return self._running.get(session, 0)

    @contextmanager
    def slot(self, session: str) -> Iterator[None]:
        """Hold one of ``session``'s query slots while the query runs; its time is counted.

        Raises
        ------
        QueryBusy
            The session already runs its limit of queries, or has used its query seconds.
        """
        cap, budget = self.concurrent, self.seconds_per_minute
        now = time.monotonic()
        with self._lock:
            if self._running.get(session, 0) >= cap:
                raise QueryBusy(f"busy: this tab is already running a query ({cap} at a time, "
                                f"{CONCURRENT_ENV}); try again when it has finished")
            used = self._used(session, now)
            if used >= budget:
                oldest = self._spent[session][0][0]
                wait = max(1, round(oldest + WINDOW - now))
                raise QueryBusy(f"busy: this tab's queries took {used:.0f} s of the last minute, "
                                f"its share ({budget} s, {SECONDS_ENV}); try again in {wait} s")
            self._running[session] = self._running.get(session, 0) + 1
        started = time.monotonic()
        try:
            yield
        finally:
            ended = time.monotonic()
            with self._lock:
                left = self._running.get(session, 1) - 1
                if left:
                    self._running[session] = left
                else:
                    self._running.pop(session, None)
                self._spent.setdefault(session, deque()).append((ended, ended - started))
                # Forget sessions whose minute is over: the table stays as big as the active ones.
                for key in [k for k, d in self._spent.items()
                            if k not in self._running and (not d or d[-1][0] < ended - WINDOW)]:
                    del self._spent[key]


#: The one quota of this process.
QUOTA = SessionQuota()


def session_id() -> str:
    """This Streamlit session's id (``"bare"`` outside a Streamlit run)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx(suppress_warning=True)
    except ImportError:  # pragma: no cover - streamlit always has it
        ctx = None
    return ctx.session_id if ctx is not None else "bare"
