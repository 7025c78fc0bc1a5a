"""Worker processes for user queries: a time limit and a memory cap that really stop the work.

Neither Oxigraph nor rdflib can be interrupted in-process, so a user's query runs in a worker
process that is killed at its deadline. Workers come from a *zygote*: a small process forked right
after the data is loaded, before any other thread touches it, whose only job is to fork workers.
Every worker therefore shares the loaded data copy-on-write, starts in milliseconds, and never
inherits a lock that another thread of the app held. Each worker caps its own address space
(``RLIMIT_AS``: what it had at birth plus ``memory_mb``), so a query that needs more memory fails in
that worker alone, with "the query needed more than N MB" — never the server — and runs at a
lower CPU priority (:data:`WORKER_NICENESS`), so pages are drawn first when the cores are busy.

The pool holds at most ``size`` workers (``CAUSEMAP_QUERY_WORKERS``, the cap on concurrent queries
of one store), and all the pools of one process together run at most ``CAUSEMAP_PROCESS_QUERIES``
queries at once (an app whose users upload their own graphs has one store per upload: this bounds
them all, and with the memory cap per worker, the process's memory). A caller that finds no free
worker or no free slot waits up to ``queue_wait`` seconds (``CAUSEMAP_QUERY_QUEUE_SECONDS``), then
gets :class:`QueryBusy` ("busy, try again"). A worker that timed out or died is replaced. Workers
and the zygote die with the process that made them, ignore Ctrl+C (the parent handles it), and
write nothing to the terminal.
"""

from __future__ import annotations

import ctypes
import os
import queue
import resource
import select
import signal
import threading
import time
import weakref
from multiprocessing.connection import Connection, Pipe
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any, Callable

from graph.errors import QueryBusy, QueryError, QueryMemoryError, QueryTimeout
from graph.store.limits import how_to_change, setting

__all__ = ["WorkerPool", "ProcessSlots", "PROCESS_SLOTS"]


class ProcessSlots:
    """The cap on queries running at once in this process, over every pool (a counter, not a
    semaphore, so that a changed ``CAUSEMAP_PROCESS_QUERIES`` applies to the next query)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.busy = 0

    def acquire(self, wait: float) -> None:
        """Take a slot within ``wait`` seconds, else raise :class:`QueryBusy`."""
        deadline = time.monotonic() + wait
        with self._cond:
            while self.busy >= setting("process_queries"):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QueryBusy(
                        f"all {self.busy} query slots of this process are busy with other queries, "
                        f"the limit ({how_to_change('process_queries')}); try again in a moment")
                self._cond.wait(left)
            self.busy += 1

    def release(self) -> None:
        with self._cond:
            self.busy -= 1
            self._cond.notify()


#: The one :class:`ProcessSlots` of this process.
PROCESS_SLOTS = ProcessSlots()

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's finaliser still kills them
        pass


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


#: How much lower a worker's CPU priority is than the server's (``nice``): a user's query gets the
#: cores the pages leave it, so twenty students' page loads stay quick while a neighbour's
#: cartesian product runs out its time limit (bench/bench_app_load.py).
WORKER_NICENESS = 10


def _worker_main(conn: Connection, handler: Callable, init: Callable | None, memory_mb: int) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(WORKER_NICENESS)
    except OSError:
        pass  # not allowed here: the worker runs at the server's priority
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the engine's own panic or allocation messages must not reach a user
    context = init() if init is not None else None
    try:
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            result = handler(context, job)
        except MemoryError:
            result = ("memory", None)
        except Exception as exc:  # a bug in a handler must still answer
            result = ("failed", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("memory", None))


def _keep_only(*fds: int) -> None:
    """Close every inherited descriptor but stdio and ``fds`` (others' pipes, sockets, databases)."""
    start = 3
    for fd in sorted(f for f in fds if f >= 3):
        if start < fd:  # never closerange(a, b) with b <= a: CPython then closes everything
            os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 65536)


def _zygote_main(ctrl: Connection, handler: Callable, init: Callable | None, memory_mb: int,
                 parent: int) -> None:
    # Not PR_SET_PDEATHSIG here: it fires when the *thread* that forked us ends, and Streamlit
    # runs every script in a short-lived thread. The zygote leaves when its parent process does:
    # its pipe closes (the zygote holds no other copy of it), or its parent id changes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _keep_only(ctrl.fileno())
    statuses: dict[int, int] = {}
    while True:
        try:
            while not ctrl.poll(2.0):
                if os.getppid() != parent:
                    os._exit(0)
            message = ctrl.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message[0] == "spawn":
            mine, theirs = Pipe(duplex=True)
            pid = os.fork()
            if pid == 0:
                ctrl.close()
                theirs.close()
                try:
                    _worker_main(mine, handler, init, memory_mb)
                finally:
                    os._exit(0)
            mine.close()
            ctrl.send(("spawned", pid))
            send_handle(ctrl, theirs.fileno(), os.getppid())
            theirs.close()
        elif message[0] == "status":
            pid = message[1]
            if pid not in statuses:
                try:
                    _, status = os.waitpid(pid, 0)
                    statuses[pid] = status
                except ChildProcessError:
                    statuses[pid] = 0
            ctrl.send(("status", statuses.pop(pid)))
        # Reap anything else that has ended, so no zombie is left behind.
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            statuses[pid] = status


#: How long a caller checks for its answer before it sleeps until the answer comes (seconds).
#: Most queries a page runs answer within a fraction of a millisecond; a sleeping caller is woken
#: by the scheduler some tens of microseconds after its answer arrived, which is most of such a
#: query's cost. A short, bounded spin saves that, and costs at most this much CPU a query. Each
#: check yields the core: Linux often wakes the worker on its caller's own core (a pipe's wake-up
#: says the writer is about to sleep), and a spin that kept it would keep the worker from running
#: (measured: 81 µs a round trip without the spin, 379 µs spinning, 71 µs spinning and yielding).
SPIN_SECONDS = 0.0003


def _answered(conn: Connection, timeout: float) -> bool:
    """Whether ``conn`` has an answer within ``timeout`` seconds: checked without sleeping for
    :data:`SPIN_SECONDS`, then waited for."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    end = time.perf_counter() + min(SPIN_SECONDS, timeout)
    while True:
        if poller.poll(0):
            return True
        if time.perf_counter() >= end:
            break
        os.sched_yield()
    return conn.poll(max(0.0, timeout - SPIN_SECONDS))


class _Worker:
    __slots__ = ("pid", "conn")

    def __init__(self, pid: int, conn: Connection):
        self.pid, self.conn = pid, conn


def _shutdown(zygote_pid: int, ctrl: Connection, workers: list) -> None:
    for w in list(workers):
        try:
            os.kill(w.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        ctrl.close()
    except OSError:
        pass
    try:
        os.kill(zygote_pid, signal.SIGKILL)
        os.waitpid(zygote_pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


class WorkerPool:
    """At most ``size`` worker processes that run ``handler(context, job)`` for the caller.

    Parameters
    ----------
    handler : callable
        ``handler(context, job) -> result``; runs in a worker. ``result`` must be picklable.
    init : callable, optional
        Runs once in each new worker; its return value is the ``context`` (an engine handle that
        must not be shared across a fork, such as an on-disk store opened read-only).
    size : int, optional
        Most workers alive at once: the cap on concurrent queries of this pool
        (default ``CAUSEMAP_QUERY_WORKERS``).
    memory_mb : int, optional
        Address space a worker may add to what it inherited, in MiB
        (default ``CAUSEMAP_QUERY_MEMORY_MB``).
    queue_wait : float, optional
        Seconds a caller waits for a free worker before :class:`QueryBusy`
        (default ``CAUSEMAP_QUERY_QUEUE_SECONDS``).
    """

    def __init__(self, handler: Callable, *, init: Callable | None = None,
                 size: int | None = None, memory_mb: int | None = None,
                 queue_wait: float | None = None):
        size = setting("query_workers") if size is None else size
        memory_mb = setting("query_memory_mb") if memory_mb is None else memory_mb
        queue_wait = setting("queue_seconds") if queue_wait is None else queue_wait
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size, self.memory_mb, self.queue_wait = size, memory_mb, queue_wait
        self._idle: "queue.Queue[_Worker]" = queue.Queue()
        self._alive: list[_Worker] = []
        self._lock = threading.Lock()
        ctrl, child_end = Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                _zygote_main(child_end, handler, init, memory_mb, parent)
            finally:
                os._exit(0)
        child_end.close()
        self._zygote, self._ctrl = pid, ctrl
        self._finalizer = weakref.finalize(self, _shutdown, pid, ctrl, self._alive)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Kill every worker and the zygote."""
        self._finalizer()

    @property
    def pids(self) -> list[int]:
        """The worker processes alive now (for tests and the status panel)."""
        return [w.pid for w in self._alive]

    def _spawn(self) -> _Worker:
        # Called with self._lock held: one conversation with the zygote at a time.
        self._ctrl.send(("spawn",))
        _, pid = self._ctrl.recv()
        fd = recv_handle(self._ctrl)
        worker = _Worker(pid, Connection(fd))
        self._alive.append(worker)
        return worker

    def _status(self, pid: int) -> int:
        with self._lock:
            self._ctrl.send(("status", pid))
            return self._ctrl.recv()[1]

    def _retire(self, worker: _Worker, kill: bool) -> int | None:
        if kill:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.conn.close()
        with self._lock:
            if worker in self._alive:
                self._alive.remove(worker)
        return self._status(worker.pid)

    def _acquire(self, wait: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._alive) < self.size:
                return self._spawn()
        try:
            return self._idle.get(timeout=max(0.0, wait))
        except queue.Empty:
            raise QueryBusy(f"all {self.size} query workers are busy with other queries, the "
                            f"limit ({how_to_change('query_workers')}); try again in a moment") \
                from None

    def run(self, job: Any, timeout: float) -> Any:
        """Send ``job`` to a free worker and return its answer within ``timeout`` seconds.

        Raises
        ------
        QueryTimeout
            No answer in time: the worker is killed (and replaced on demand).
        QueryMemoryError
            The worker died on its way to an answer: it hit the memory cap (or crashed).
        QueryBusy
            Every worker stayed busy for ``queue_wait`` seconds.
        """
        queued = time.monotonic()
        PROCESS_SLOTS.acquire(self.queue_wait)
        try:
            worker = self._acquire(self.queue_wait - (time.monotonic() - queued))
            return self._run_on(worker, job, timeout)
        finally:
            PROCESS_SLOTS.release()

    def _run_on(self, worker: _Worker, job: Any, timeout: float) -> Any:
        started = time.monotonic()
        try:
            worker.conn.send(job)
            ready = _answered(worker.conn, timeout)
        except (OSError, EOFError):
            ready = True  # a dead worker: recv() below tells
        except BaseException:  # KeyboardInterrupt while waiting: the worker's state is unknown
            self._retire(worker, kill=True)
            raise
        if not ready:
            self._retire(worker, kill=True)
            raise QueryTimeout(f"the query was stopped after {timeout:g} s, its time limit; make "
                               "the patterns more specific or add a LIMIT")
        try:
            result = worker.conn.recv()
        except (EOFError, OSError):
            status = self._retire(worker, kill=False)
            raise self._death_error(status) from None
        if time.monotonic() - started > timeout:  # poll() rounds up to whole milliseconds
            self._idle.put(worker)
            raise QueryTimeout(f"the query was stopped after {timeout:g} s, its time limit; make "
                               "the patterns more specific or add a LIMIT")
        if isinstance(result, tuple) and result and result[0] == "memory":
            self._retire(worker, kill=True)  # its heap may be fragmented past the cap: start anew
            raise QueryMemoryError(self._memory_message())
        if isinstance(result, tuple) and result and result[0] == "failed":
            self._idle.put(worker)
            raise QueryError(f"the query failed in its worker: {result[1][:200]}")
        self._idle.put(worker)
        return result

    def _memory_message(self) -> str:
        return (f"the query needed more than {self.memory_mb} MB of memory, its limit "
                f"({how_to_change('query_memory_mb')}); narrow it down (fewer variables in "
                "ORDER BY or GROUP BY, a LIMIT, shorter strings)")

    def _death_error(self, status: int | None) -> QueryError:
        if status is not None and os.WIFSIGNALED(status) and \
                os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGSEGV, signal.SIGKILL, signal.SIGBUS):
            return QueryMemoryError(self._memory_message())
        return QueryError("the query process ended without an answer; it may have needed more "
                          f"memory than its {self.memory_mb} MB limit "
                          f"({how_to_change('query_memory_mb')})")

