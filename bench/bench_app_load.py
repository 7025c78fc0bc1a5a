"""Benchmark: many users at once — page loads with and without hostile neighbours, and memory.

One ``streamlit run`` of the app (the bundled graph) on a free 127.0.0.1 port; one headless Debian
Chromium (``/usr/bin/chromium``, driven by Playwright's async API) with one browser context per
session, so each is its own Streamlit session. Nothing leaves the machine: every request to a
host other than 127.0.0.1 is aborted (and counted).

1. **Unloaded**: one session opens the normal pages (Explore, Entity, Relate, in deep-link states)
   in turn; each page load is timed from ``goto`` until the page's script has finished and its
   title is drawn.
2. **Loaded**: ``--sessions`` sessions at once for ``--seconds`` (at most 120): ``--hostile`` of them
   send hostile SPARQL again and again (a cartesian product of three triple patterns under
   ORDER BY; a string doubled 24 times with CONCAT), the others keep opening the normal pages
   with a second of reading time between them, each load timed as above.
3. Meanwhile the server's memory is sampled every 0.2 s: the resident set of the server process,
   and of the server with every process it started (its query workers).

It prints the median page load unloaded and loaded, their ratio (target: at most 2×), the peak
resident memory of the server and of its process tree (target: under 2 GiB), and what the hostile
queries got ("busy", stopped at the time limit, the memory cap). Exit status 0 when both targets
hold, 1 otherwise.

Run: ``.venv/bin/python bench/bench_app_load.py [--sessions 20] [--hostile 5] [--seconds 90]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, is_local, start_streamlit  # noqa: E402

APP = ROOT / "app" / "streamlit_app.py"
MAX_SECONDS = 120
LOAD_MS = 90_000
GIB = 1024 ** 3

NORMAL = [
    "/?focus=cm:Hypocalcemia&radius=1&entity=cm:DiGeorgeSyndrome",
    "/entity?entity=cm:Hypocalcemia",
    "/entity?entity=cm:ParkinsonsDisease",
    "/relate?a=cm:DiGeorgeSyndrome&b=cm:Hypoparathyroidism",
]


def _concat(times: int) -> str:
    binds = "".join(f' BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})' for i in range(times))
    return f'SELECT (STRLEN(?s{times}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?s0){binds} }}'


HOSTILE = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i",
    _concat(24),
]


@dataclass
class Results:
    unloaded: list[float] = field(default_factory=list)
    loaded: list[float] = field(default_factory=list)
    hostile: dict[str, int] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    peak_rss: int = 0
    peak_tree_rss: int = 0


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def sample_memory(pid: int, results: Results, stop: threading.Event) -> None:
    while not stop.wait(0.2):
        results.peak_rss = max(results.peak_rss, _rss(pid))
        results.peak_tree_rss = max(results.peak_tree_rss,
                                    sum(_rss(p) for p in _descendants(pid)))


async def _new_page(browser, results: Results):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()

    async def guard(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            results.outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", guard)
    return context, page


async def timed_load(page, url: str) -> float:
    started = time.perf_counter()
    await page.goto(url)
    await page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=LOAD_MS)
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=LOAD_MS)
    return time.perf_counter() - started


async def normal_session(browser, base: str, deadline: float, results: Results, seed: int):
    rng = random.Random(seed)
    context, page = await _new_page(browser, results)
    try:
        await asyncio.sleep(rng.random() * 2)  # sessions do not all start in the same instant
        while time.monotonic() < deadline:
            path = rng.choice(NORMAL)
            try:
                results.loaded.append(await timed_load(page, base + path))
            except Exception as exc:  # a page that never finished is a finding, not a crash
                results.failures.append(f"{path}: {type(exc).__name__}")
            await asyncio.sleep(1.0)
    finally:
        await context.close()


async def hostile_session(browser, base: str, deadline: float, results: Results, seed: int):
    rng = random.Random(seed)
    context, page = await _new_page(browser, results)
    try:
        while time.monotonic() < deadline:
            query = rng.choice(HOSTILE)
            try:
                await timed_load(page, f"{base}/query?q={quote(query)}")
                alerts = await page.locator("[data-testid='stAlert']").all_inner_texts()
                said = " ".join(alerts).lower()
                kind = ("busy" if "busy" in said else "stopped" if "stopped" in said
                        else "memory" if "memory" in said else "other")
            except Exception as exc:
                kind = f"failed ({type(exc).__name__})"
            results.hostile[kind] = results.hostile.get(kind, 0) + 1
    finally:
        await context.close()


async def run(sessions: int, hostile: int, seconds: float, baseline_rounds: int) -> Results:
    from playwright.async_api import async_playwright

    results = Results()
    log_dir = Path(tempfile.mkdtemp(prefix="causemap-load-"))
    server = start_streamlit(APP, log_dir, env={"CAUSEMAP_DATA": ""})
    base = server.url.rstrip("/")
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.process.pid, results, stop),
                               daemon=True)
    sampler.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context, page = await _new_page(browser, results)
            for path in NORMAL:  # warm: the graph, the search index, the modules
                await timed_load(page, base + path)
            for _ in range(baseline_rounds):
                for path in NORMAL:
                    results.unloaded.append(await timed_load(page, base + path))
            await context.close()
            deadline = time.monotonic() + min(seconds, MAX_SECONDS)
            tasks = [hostile_session(browser, base, deadline, results, i)
                     for i in range(hostile)]
            tasks += [normal_session(browser, base, deadline, results, 1000 + i)
                      for i in range(sessions - hostile)]
            await asyncio.gather(*tasks)
            await browser.close()
    finally:
        stop.set()
        sampler.join()
        server.stop()
    return results


def report(r: Results, ratio_target: float, rss_target: int) -> tuple[str, bool]:
    un, lo = statistics.median(r.unloaded), statistics.median(r.loaded) if r.loaded else float("inf")
    ratio = lo / un
    p90 = statistics.quantiles(r.loaded, n=10)[-1] if len(r.loaded) >= 10 else lo
    holds = ratio <= ratio_target and r.peak_tree_rss < rss_target and not r.outside
    lines = [
        f"page loads unloaded: median {un * 1000:.0f} ms over {len(r.unloaded)} loads",
        f"page loads loaded:   median {lo * 1000:.0f} ms over {len(r.loaded)} loads "
        f"(p90 {p90 * 1000:.0f} ms, {len(r.failures)} did not finish)",
        f"ratio loaded/unloaded: {ratio:.2f}x (target <= {ratio_target:g}x)",
        f"peak RSS: server {r.peak_rss / 2 ** 20:.0f} MiB; server and its workers "
        f"{r.peak_tree_rss / 2 ** 20:.0f} MiB (target < {rss_target / GIB:g} GiB)",
        "hostile queries: " + (", ".join(f"{k} {v}" for k, v in sorted(r.hostile.items()))
                               or "none"),
        f"requests off 127.0.0.1: {len(r.outside)}",
        "targets hold" if holds else "TARGETS MISSED",
    ]
    return "\n".join(lines), holds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions at once (default 20)")
    parser.add_argument("--hostile", type=int, default=5, help="of which hostile (default 5)")
    parser.add_argument("--seconds", type=float, default=90, help="loaded phase (max 120)")
    parser.add_argument("--baseline-rounds", type=int, default=3,
                        help="rounds over the normal pages, unloaded (default 3)")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 40 or not 0 <= args.hostile < args.sessions:
        parser.error("--sessions must be 1–40 and --hostile fewer than --sessions")
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    results = asyncio.run(run(args.sessions, args.hostile, args.seconds, args.baseline_rounds))
    text, holds = report(results, 2.0, 2 * GIB)
    print(f"{args.sessions} sessions ({args.hostile} hostile) for {min(args.seconds, MAX_SECONDS):g} s")
    print(text)
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
