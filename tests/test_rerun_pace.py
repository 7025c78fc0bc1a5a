"""The rerun pace (app/rerun_pace.py): a tab that reruns faster than its pace waits, others do not."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest

from app.rerun_pace import RerunPace, WINDOW
from graph.errors import DataLoadError

ROOT = Path(__file__).resolve().parent.parent


def test_a_burst_is_free_then_reruns_come_at_the_pace():
    pace = RerunPace(reruns=5)  # 5 free, then one every 2 s
    assert [pace.wait("t", now=0.0) for _ in range(5)] == [0.0] * 5
    assert pace.wait("t", now=0.0) == pytest.approx(2.0)
    # the bucket refills with time: after a whole window the tab is free again
    assert pace.wait("t", now=WINDOW + 2.0) == 0.0


def test_a_flood_waits_at_most_one_window():
    pace = RerunPace(reruns=3)
    waits = [pace.wait("flood", now=0.0) for _ in range(50)]
    assert max(waits) == pytest.approx(WINDOW)
    assert pace.wait("calm", now=0.0) == 0.0  # another tab keeps its own bucket


def test_the_pace_reads_the_environment_and_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("CAUSEMAP_SESSION_RERUNS", "1")
    assert RerunPace().reruns == 1
    monkeypatch.setenv("CAUSEMAP_SESSION_RERUNS", "fast")
    with pytest.raises(DataLoadError, match="CAUSEMAP_SESSION_RERUNS must be a whole number"):
        RerunPace().wait("t")


def test_a_real_tab_that_floods_waits_and_another_does_not(tmp_path):
    # A Streamlit server with a pace of 2 reruns per 10 s: one websocket session reruns three
    # times in a row (the third waits about 5 s); a second session meanwhile is answered at once.
    sys.path.insert(0, str(ROOT / "bench"))
    from st_ws import WsSession

    from tests.browser.conftest import start_streamlit

    server = start_streamlit(ROOT / "app" / "streamlit_app.py", tmp_path,
                             env={"CAUSEMAP_DATA": "", "CAUSEMAP_SESSION_RERUNS": "2"})

    async def tabs():
        async with WsSession(server.port) as flood, WsSession(server.port) as calm:
            free = [await flood.rerun("overview") for _ in range(2)]
            third = asyncio.ensure_future(flood.rerun("overview"))
            await asyncio.sleep(0.5)
            started = time.perf_counter()
            other = await calm.rerun("overview")
            calm_seconds = time.perf_counter() - started
            return free, await third, other, calm_seconds
    # Its own thread: the browser tests' (sync) Playwright holds this thread's event loop.
    out: list = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(tabs())))
    try:
        worker.start()
        worker.join(timeout=60)
    finally:
        server.stop()
    assert out, "the sessions did not finish within a minute"
    free, third, other, calm_seconds = out[0]
    assert all(r.finished and r.headings for r in [*free, third, other])
    assert third.seconds >= 0.8 * WINDOW / 2, third.seconds  # waited its turn (5 s)
    assert calm_seconds < WINDOW / 2, calm_seconds  # was not held up by it
    assert all(r.seconds < WINDOW / 2 for r in free), [r.seconds for r in free]


def test_a_pace_that_is_not_a_number_is_said_on_the_page_and_the_app_works(monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("CAUSEMAP_SESSION_RERUNS", "fast")
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("CAUSEMAP_SESSION_RERUNS must be a whole number" in e.value for e in at.error)
    assert at.title[0].value == "Explore the graph"
