"""Worker processes: a time limit and a memory cap that really stop a query, while others are served."""

from __future__ import annotations

import os
import threading
import time

import pytest

from graph.errors import QueryBusy, QueryError, QueryMemoryError, QueryTimeout
from graph.query import run_query
from graph.store.oxigraph_store import OxigraphStore
from graph.store.workers import WorkerPool
from tests.servers import pid_exists

# Doubles a string 29 times: 16 bytes × 2^29 = 8 GiB if nothing stops it.
CONCAT_BOMB = ('SELECT ?n WHERE { BIND("0123456789abcdef" AS ?a0) '
               + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(29))
               + " BIND(STRLEN(?a29) AS ?n) }")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED_CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"



@pytest.fixture
def small():
    """A store of the bundled data with two workers and a 256 MB cap per query."""
    kg = OxigraphStore.from_files(workers=2, memory_mb=256)
    yield kg
    kg.close()


def test_the_memory_cap_stops_a_string_bomb(small):
    started = time.monotonic()
    with pytest.raises(QueryMemoryError, match=r"^the query needed more than 256 MB of memory"):
        run_query(small, CONCAT_BOMB, timeout=30)
    assert time.monotonic() - started < 20
    assert run_query(small, "ASK { ?s ?p ?o }").boolean  # a fresh worker serves the next query


def test_the_memory_cap_stops_a_sort_of_a_cartesian_product(small):
    with pytest.raises(QueryMemoryError, match="256 MB"):
        run_query(small, SORTED_CARTESIAN, timeout=30)


def test_a_runaway_query_does_not_hold_up_other_users(small):
    errors = []

    def runaway():
        try:
            run_query(small, CARTESIAN, timeout=3)
        except QueryTimeout as exc:
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    for _ in range(20):  # the other worker keeps answering
        assert run_query(small, "ASK { cm:DiGeorgeSyndrome ?p ?o }").boolean
    assert time.monotonic() - started < 2
    thread.join()
    assert len(errors) == 1


def test_the_timed_out_worker_is_killed_and_replaced(small):
    run_query(small, "ASK {}")
    before = set(small.pool.pids)
    with pytest.raises(QueryTimeout):
        run_query(small, CARTESIAN, timeout=0.5)
    gone = before - set(small.pool.pids)
    assert len(gone) == 1 and not any(pid_exists(pid) for pid in gone)
    assert run_query(small, "ASK {}").boolean is True


def test_busy_past_the_queue_says_try_again():
    kg = OxigraphStore.from_files(workers=1)
    kg.pool.queue_wait = 0.3
    try:
        blocker = threading.Thread(target=lambda: pytest.raises(
            QueryTimeout, run_query, kg, CARTESIAN, timeout=2))
        blocker.start()
        time.sleep(0.3)
        with pytest.raises(QueryBusy, match="all 1 query workers are busy"):
            run_query(kg, "ASK {}")
        blocker.join()
    finally:
        kg.close()


def test_closing_leaves_no_process():
    pool = WorkerPool(lambda ctx, job: ("ok", os.getpid()), size=2)
    pids = {pool.run(1, 5)[1]}
    zygote = pool._zygote
    pool.close()
    time.sleep(0.2)
    assert not pid_exists(zygote) and not any(pid_exists(pid) for pid in pids)


def test_a_handler_that_raises_answers_with_an_error():
    def handler(ctx, job):
        raise ValueError("broken handler")
    with WorkerPool(handler, size=1) as pool:
        with pytest.raises(QueryError, match="broken handler"):
            pool.run(1, 5)
        with pytest.raises(QueryError, match="broken handler"):  # the worker is still usable
            pool.run(2, 5)


def test_workers_run_at_a_lower_cpu_priority_than_their_server():
    from graph.store.workers import WORKER_NICENESS
    with WorkerPool(lambda ctx, job: os.getpriority(os.PRIO_PROCESS, 0), size=1) as pool:
        assert pool.run(1, 5) == os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS


def test_an_answer_is_seen_during_the_spin_after_it_and_never_invented():
    from multiprocessing.connection import Pipe

    from graph.store.workers import SPIN_SECONDS, _answered
    ours, theirs = Pipe()
    try:
        started = time.monotonic()
        assert _answered(ours, 0.2) is False  # nothing sent: waits out the whole time limit
        assert time.monotonic() - started >= 0.19
        theirs.send("now")
        assert _answered(ours, 0.2) is True and ours.recv() == "now"
        late = threading.Timer(SPIN_SECONDS * 50, theirs.send, ("late",))  # after the spin
        late.start()
        started = time.monotonic()
        assert _answered(ours, 5) is True and ours.recv() == "late"
        assert time.monotonic() - started < 4  # woken by the answer, not by the time limit
        late.join()
        assert _answered(ours, 0.0) is False  # a zero time limit still looks once
        theirs.send("x")
        assert _answered(ours, 0.0) is True
    finally:
        ours.close()
        theirs.close()
