"""Shared fixtures for tests that drive a real Streamlit app in headless Chromium.

``shared_app(script, env=None)`` is the same for the whole session, one server per script and
environment (the app's tests use it: starting Streamlit costs seconds).
``streamlit_server(script, query_string="", env=None)`` starts ``streamlit run`` on 127.0.0.1 and a
free port (``env`` adds or overrides environment variables, e.g. ``CAUSEMAP_DATA``), waits for
``/_stcore/health`` and returns the page URL (every server is stopped at teardown);
``browser_page`` is a fresh Chromium page that records every request, dialog and console error, so a
test can assert that nothing left the machine and no injected script ran. Chromium is Debian's
(``/usr/bin/chromium``, installed by ``.ci/run``), never a Playwright download. Without it the tests
are skipped, unless ``CI`` is set, where a missing browser is a failure.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CAUSEMAP_CHROMIUM", "/usr/bin/chromium"))  # Debian's, never a download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SERVER_START_TIMEOUT = 60.0

# Streamlit scripts that the tests serve; pytest's --doctest-modules must not import (run) them.
collect_ignore_glob = ["*_app.py"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    # http.client, not urllib: graph.store.offline's audit hook forbids urllib requests in this process.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@dataclass
class StreamlitServer:
    """A running ``streamlit run``; ``url`` includes the query string it was started for."""

    process: subprocess.Popen
    port: int
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_streamlit(script: Path, log_dir: Path, query_string: str = "",
                    env: dict[str, str] | None = None) -> StreamlitServer:
    """Start ``streamlit run script`` headless on 127.0.0.1 and wait until it answers.

    ``env`` holds extra environment variables for the server, on top of this process's.
    """
    port = free_port()
    log = log_dir / f"streamlit-{port}.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                      os.environ.get("PYTHONPATH")])),
           **(env or {})}  # the caller's variables win
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--global.developmentMode", "false",
               # As `causemap app` runs it: students see the app, not Streamlit's developer menu.
               "--client.toolbarMode", "minimal", "--runner.postScriptGC", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    query = query_string.lstrip("?")
    server = StreamlitServer(process, port, f"http://127.0.0.1:{port}/" + (f"?{query}" if query else ""),
                             log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')[-3000:]}")
        if _healthy(port):
            return server
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def streamlit_server(tmp_path):
    """Factory: ``url = streamlit_server(script, query_string="", env=None)``; stopped at teardown."""
    servers: list[StreamlitServer] = []

    def start(script: str | Path, query_string: str = "", env: dict[str, str] | None = None) -> str:
        server = start_streamlit(Path(script), tmp_path, query_string, env)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory):
    """Factory: ``url = shared_app(script, env=None)``: one server per script and environment for
    the whole session (each test still gets its own browser context, so its own app session).

    Starting Streamlit costs seconds; the app's tests share their servers to keep the browser
    suite short. Servers are stopped at the end of the session.
    """
    servers: dict[tuple, StreamlitServer] = {}

    def get(script: str | Path, env: dict[str, str] | None = None) -> str:
        key = (str(script), tuple(sorted((env or {}).items())))
        if key not in servers:
            servers[key] = start_streamlit(Path(script), tmp_path_factory.mktemp("server"), env=env)
        return servers[key].url

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the session (Playwright drives it; it downloads nothing).

    Skips the test when Chromium is missing, or fails it when ``CI`` is set (CI installs it).
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found and CI is set: .ci/run must apt-get install chromium")
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (loopback, or data:/blob:/about: URLs)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.hostname in LOCAL_HOSTS


@dataclass
class RecordedPage:
    """A Playwright page plus what it did: requests, dialogs, console errors, page errors."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]


@pytest.fixture
def browser_page(chromium):
    """A fresh page (own context) that records requests, dialogs and errors; see RecordedPage."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = RecordedPage(page)
    page.on("request", lambda request: record.requests.append(request.url))
    # A dialog is what an injected `alert(1)` would open: record it, then dismiss it.
    page.on("dialog", lambda dialog: (record.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda msg: record.console_errors.append(msg.text)
            if msg.type == "error" else None)
    page.on("pageerror", lambda err: record.page_errors.append(str(err)))
    try:
        yield record
    finally:
        context.close()
