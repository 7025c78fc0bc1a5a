"""Benchmark: many users at once — normal page loads with and without hostile neighbours, and memory.

One ``streamlit run`` of the app (the bundled graph) on a free 127.0.0.1 port. Each session is its
own Streamlit session (its own websocket), as twenty students' tabs would be:

- **one measured tab**, in headless Debian Chromium (``/usr/bin/chromium``, Playwright's async
  API), which does what a student does and is timed as a student sees it: a new tab's full load
  of a deep link (from ``goto`` until the page's script has finished and its title is drawn),
  every page opened in the app as its links do (the same tab, the script rerun for the new page
  and query string: Explore, Entity, Relate in deep-link states) and a search on each ("low
  calcium" typed into its search box, timed until the matches are listed), one second apart,
  round after round. Nothing is blocked (images, fonts, scripts all load) and nothing leaves the
  machine: every request and websocket to a host other than 127.0.0.1 is aborted and counted,
  and the run fails if there is one;
- **the other sessions** speak Streamlit's websocket protocol directly (``bench/st_ws.py``):
  exactly the reruns a tab asks for, at no cost of rendering on this machine — twenty students'
  browsers run on twenty machines, not on the server's two cores. A *normal* one opens the same
  pages as the measured tab in random order, reading for a think time (``--think``, 3–8 s,
  seeded random) after each; a *hostile* one opens the SPARQL page with a hostile query (a
  cartesian product of three triple patterns under ORDER BY, or a string doubled 24 times with
  CONCAT) and asks again as soon as each run is answered, for the whole phase. What each run got
  is counted by the limit that answered it (the per-tab caps of ``app/session_queries.py``, the
  process and worker caps, the time limit, the memory cap).

Phases, each on the same server, the memory sampled every 0.2 s (the server process, and the
server with every process it started, i.e. its query workers):

1. **unloaded**: the measured tab alone, ``--baseline-rounds`` rounds (after one untimed warm-up);
2. **normal only**: the measured tab and ``--sessions`` − 1 normal sessions for ``--seconds``;
3. **with hostile**: the same, ``--hostile`` of those sessions hostile.

Targets: in each loaded phase the measured tab's median first load, page opened in the app and
search are each at most 2× their unloaded medians, no action of it fails to finish within 30 s,
and the peak resident memory of the server and its workers stays under 2 GiB. Every figure is
printed (medians and p90 by kind, the ratio, the background sessions' rerun times, the peaks,
the cores busy, the hostile runs by limit); exit status 0 when the targets hold in both loaded
phases, 1 otherwise.

Run: ``.venv/bin/python bench/bench_app_load.py [--sessions 20] [--hostile 5] [--seconds 45]``
(about 2.5 minutes with the defaults; a phase is at most 60 s, plus 35 s to cut off what is late).
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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from st_ws import WsSession  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, is_local, start_streamlit  # noqa: E402

APP = ROOT / "app" / "streamlit_app.py"
MAX_SECONDS = 60  # per loaded phase
LOAD_MS = 30_000  # an action that takes longer has failed
GIB = 1024 ** 3
RATIO_TARGET = 2.0
RSS_TARGET = 2 * GIB

PAGES = [  # (kind, path): the normal pages, in deep-link states
    ("explore", "/?focus=cm:Hypocalcemia&radius=1&entity=cm:DiGeorgeSyndrome"),
    ("entity", "/entity?entity=cm:Hypocalcemia"),
    ("entity", "/entity?entity=cm:ParkinsonsDisease"),
    ("relate", "/relate?a=cm:DiGeorgeSyndrome&b=cm:Hypoparathyroidism"),
]
PAGE_KINDS = {kind for kind, _ in PAGES}
SEARCH = "low calcium"  # typed into the page's first search box; the matches must be listed


def _concat(times: int) -> str:
    binds = "".join(f' BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})' for i in range(times))
    return f'SELECT (STRLEN(?s{times}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?s0){binds} }}'


HOSTILE = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i",
    _concat(24),
]

# What answered a hostile run: (a phrase of its message, the limit). First match wins.
LIMITS = [
    ("this tab is already running", "per tab: one query at a time (CAUSEMAP_SESSION_QUERIES)"),
    ("of the last minute", "per tab: query seconds a minute (CAUSEMAP_SESSION_QUERY_SECONDS)"),
    ("query slots of this process", "per process: queries at once (CAUSEMAP_PROCESS_QUERIES)"),
    ("query workers are busy", "per store: workers, after the queue (CAUSEMAP_QUERY_WORKERS)"),
    ("needed more than", "memory cap (CAUSEMAP_QUERY_MEMORY_MB)"),
    ("stopped after", "time limit (CAUSEMAP_QUERY_SECONDS)"),
    ("busy", "busy (other)"),
]
SCRIPT_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@dataclass
class Phase:
    """One loaded phase (or the unloaded one): its normal actions, hostile runs and memory."""

    name: str
    sessions: int = 1
    hostile: int = 0
    actions: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    background: list[float] = field(default_factory=list)  # normal sessions' page reruns
    failures: list[str] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)  # hostile runs by what answered them
    peak_rss: int = 0
    peak_tree_rss: int = 0
    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds: server, clients, machine

    def times(self, kind: str | None = None) -> list[float]:
        kinds = PAGE_KINDS if kind == "page" else {kind}
        return [s for k, s in self.actions if kind is None or k in kinds]


@dataclass
class Results:
    unloaded: Phase = field(default_factory=lambda: Phase("unloaded"))
    loaded: list[Phase] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: int = 0
    current: Phase | None = None  # where the sampler writes
    server_pid: int = 0


def _tree(root: int) -> list[psutil.Process]:
    """A process and every process under it (the server's query zygote and workers)."""
    try:
        top = psutil.Process(root)
        return [top, *top.children(recursive=True)]
    except psutil.Error:
        return []


def _cpu(processes) -> float:
    """CPU seconds used so far by ``processes`` (and by their children they have waited for)."""
    total = 0.0
    for proc in processes:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass  # it ended meanwhile
    return total


def _rss(processes) -> int:
    total = 0
    for proc in processes:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def cpu_now(server_pid: int) -> dict[str, float]:
    server = _tree(server_pid)
    ours = {p.pid for p in server} | {os.getpid()}
    clients = [p for p in _tree(os.getpid()) if p.pid not in ours]
    machine = psutil.cpu_times()  # every process on the machine, this run's and others'
    return {"server": _cpu(server), "clients": _cpu(clients),
            "bench": _cpu([psutil.Process()]), "wall": time.monotonic(),
            "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)}


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before}


def sample_memory(pid: int, results: Results, stop: threading.Event) -> None:
    while not stop.wait(0.2):
        phase = results.current
        if phase is not None:
            tree = _tree(pid)
            phase.peak_rss = max(phase.peak_rss, _rss(tree[:1]))
            phase.peak_tree_rss = max(phase.peak_tree_rss, _rss(tree))


async def _new_page(browser, results: Results):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def guard(route):
        results.requests += 1
        if is_local(route.request.url):
            await route.continue_()
        else:
            results.outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", guard)
    page = await context.new_page()
    page.on("websocket", lambda ws: None if is_local(ws.url) else results.outside.append(ws.url))
    return context, page


async def timed_load(page, url: str) -> float:
    started = time.perf_counter()
    await page.goto(url, timeout=LOAD_MS)
    await page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=LOAD_MS)
    await page.locator(SCRIPT_DONE).wait_for(timeout=LOAD_MS)
    return time.perf_counter() - started


WATCH = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__benchRan = false;
  if (window.__benchObserver) window.__benchObserver.disconnect();
  window.__benchObserver = new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") !== "notRunning") window.__benchRan = true; });
  window.__benchObserver.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}"""
RAN = """() => window.__benchRan && document.querySelector(
  "[data-testid='stApp']").getAttribute("data-test-script-state") === "notRunning" """
NAVIGATE = """url => { history.pushState({}, "", url);
  window.dispatchEvent(new PopStateEvent("popstate", { state: {} })); }"""


async def timed_nav(page, url: str) -> float:
    """In-app navigation, as a click on a link between pages is: the same tab and session, a
    rerun of the script for the new page and its query string (no new page load in the browser).
    Timed until that rerun has finished and the page's title is drawn."""
    await page.evaluate(WATCH)
    started = time.perf_counter()
    await page.evaluate(NAVIGATE, url)
    await page.wait_for_function(RAN, timeout=LOAD_MS, polling=50)
    await page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=LOAD_MS)
    return time.perf_counter() - started


async def timed_search(page) -> float:
    """Type the search into the page's first search box; the time until its matches are listed."""
    box = page.locator(".cms-input").first
    await box.click(timeout=LOAD_MS)
    await box.fill("")
    started = time.perf_counter()
    await box.fill(SEARCH)  # one input event, as a paste sends
    await page.locator(".cms-list:not([hidden]) .cms-option").first.wait_for(timeout=LOAD_MS)
    elapsed = time.perf_counter() - started
    await box.press("Escape")
    return elapsed


async def _act(page, base: str, action: tuple[str, str], phase: Phase) -> None:
    kind, path = action
    try:
        seconds = await asyncio.wait_for(
            timed_search(page) if kind == "search" else
            timed_load(page, base + path) if kind == "first" else timed_nav(page, base + path),
            LOAD_MS / 1000)
        phase.actions.append((kind, seconds))
    except Exception as exc:  # an action that never finished is a finding, not a crash
        phase.failures.append(f"{kind} {path}: {type(exc).__name__}")


def _page(path: str) -> tuple[str, str]:
    """A deep link's page name (its URL path, "" for the start page) and query string."""
    parts = urlsplit(path)
    return parts.path.strip("/"), parts.query


async def probe_session(browser, base: str, phase: Phase, results: Results, *,
                        deadline: float | None = None, rounds: int = 1, pause: float = 1.0,
                        first: int = 0) -> None:
    """The measured tab: rounds of a new tab's first load, then every page and a search on each,
    ``pause`` seconds apart; ``rounds`` of them, or as many as start before ``deadline``."""
    n = 0
    while (n < rounds) if deadline is None else (time.monotonic() < deadline):
        context, page = await _new_page(browser, results)
        try:
            await _act(page, base, ("first", PAGES[(first + n) % len(PAGES)][1]), phase)
            for action in PAGES:
                for step in (action, ("search", "")):
                    await asyncio.sleep(pause)
                    await _act(page, base, step, phase)
        finally:
            await context.close()
        n += 1


async def normal_session(port: int, deadline: float, phase: Phase, seed: int,
                         think: tuple[float, float]) -> None:
    """A student's tab without the browser: the pages in random order, a think time after each."""
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, think[1]))  # students do not all arrive in one instant
    try:
        async with WsSession(port) as session:
            while time.monotonic() < deadline:
                run = await asyncio.wait_for(session.rerun(*_page(rng.choice(PAGES)[1])),
                                             LOAD_MS / 1000)
                phase.background.append(run.seconds)
                await asyncio.sleep(min(rng.uniform(*think),
                                        max(0.0, deadline - time.monotonic())))
    except Exception as exc:  # a session that broke is a finding, not a crash
        phase.failures.append(f"background session: {type(exc).__name__}")


def _limit_of(alerts: list[str]) -> str:
    said = " ".join(alerts).lower()
    for phrase, limit in LIMITS:
        if phrase in said:
            return limit
    return "answered" if not said.strip() else f"other: {said.strip()[:60]}"


async def hostile_session(port: int, deadline: float, phase: Phase, which: int) -> None:
    """Open the SPARQL page with a hostile query, then ask again as soon as each run is answered."""
    query = "q=" + quote(HOSTILE[which % len(HOSTILE)])
    try:
        async with WsSession(port) as session:
            while time.monotonic() < deadline:
                try:
                    run = await asyncio.wait_for(session.rerun("query", query), LOAD_MS / 1000)
                    kind = _limit_of(run.alerts)
                except asyncio.TimeoutError:
                    kind = "failed (no answer within 30 s)"
                phase.refused[kind] += 1
    except Exception as exc:
        phase.refused[f"failed ({type(exc).__name__})"] += 1


async def _loaded(browser, base: str, port: int, results: Results, phase: Phase,
                  seconds: float, think: tuple[float, float], seed: int) -> None:
    results.loaded.append(phase)
    results.current = phase
    before = cpu_now(results.server_pid)
    deadline = time.monotonic() + min(seconds, MAX_SECONDS)
    tasks = [hostile_session(port, deadline, phase, i) for i in range(phase.hostile)]
    tasks += [normal_session(port, deadline, phase, seed + i, think)
              for i in range(phase.sessions - 1 - phase.hostile)]
    tasks.append(probe_session(browser, base, phase, results, deadline=deadline, first=seed))
    try:  # bounded: an action takes at most LOAD_MS, then the phase is cut off
        await asyncio.wait_for(asyncio.gather(*tasks), min(seconds, MAX_SECONDS) + LOAD_MS / 1000 + 5)
    except asyncio.TimeoutError:
        phase.failures.append("phase: cut off after its time")
    phase.cpu = _spent(before, cpu_now(results.server_pid))


async def run(sessions: int = 20, hostile: int = 5, seconds: float = 45, baseline_rounds: int = 2,
              think: tuple[float, float] = (3.0, 8.0), phases: tuple[str, ...] = ("normal", "hostile"),
              seed: int = 1, pause: float = 1.0) -> Results:
    """Start the server and the browser, run the unloaded phase and then each of ``phases``
    ("normal": ``sessions`` normal sessions, the measured tab among them; "hostile": ``hostile``
    of the others hostile); ``pause`` is the measured tab's pause between actions."""
    from playwright.async_api import async_playwright

    results = Results()
    log_dir = Path(tempfile.mkdtemp(prefix="causemap-load-"))
    server = start_streamlit(APP, log_dir, env={"CAUSEMAP_DATA": ""})
    base = server.url.rstrip("/")
    results.server_pid = server.process.pid
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.process.pid, results, stop),
                               daemon=True)
    sampler.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            results.current = results.unloaded
            # The first round warms up (graph, index, modules) and is not timed.
            await probe_session(browser, base, Phase("warm-up"), results, pause=pause)
            before = cpu_now(server.process.pid)
            await probe_session(browser, base, results.unloaded, results, rounds=baseline_rounds,
                                pause=pause, first=1)
            results.unloaded.cpu = _spent(before, cpu_now(server.process.pid))
            for n, name in enumerate(phases):
                phase = Phase(f"{sessions} sessions, " + (
                    f"{hostile} of them hostile" if name == "hostile" else "none hostile"),
                    sessions, hostile if name == "hostile" else 0)
                await _loaded(browser, base, server.port, results, phase, seconds, think,
                              seed + 1000 * (n + 1))
            results.current = None
            await browser.close()
    finally:
        stop.set()
        sampler.join()
        server.stop()
    return results


def _q(values: list[float], q: str) -> float:
    if not values:
        return float("nan")
    if q == "median":
        return statistics.median(values)
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]


GROUPS = {"page": "pages opened in the app (Explore, Entity, Relate)", "search": "searches",
          "first": "first loads (a new tab)"}
TARGETED = ("page", "search", "first")


def phase_holds(phase: Phase, unloaded: Phase, ratio_target: float = RATIO_TARGET,
                rss_target: int = RSS_TARGET) -> tuple[dict[str, float], bool]:
    """Loaded/unloaded ratio of the median page load and of the median search, and whether the
    targets hold (both ratios, no normal action failed, the memory bound)."""
    ratios = {}
    for group in GROUPS:
        base, loaded = unloaded.times(group), phase.times(group)
        ratios[group] = (_q(loaded, "median") / _q(base, "median") if base and loaded
                         else float("inf"))
    ok = all(ratios[g] <= ratio_target for g in TARGETED) and not phase.failures \
        and phase.peak_tree_rss < rss_target
    return ratios, ok


def report(r: Results, ratio_target: float = RATIO_TARGET,
           rss_target: int = RSS_TARGET) -> tuple[str, bool]:
    phases = [r.unloaded, *r.loaded]
    lines = []
    for group, title in GROUPS.items():
        lines.append(f"{title}: {'count':>5} {'median':>7} {'p90':>7}")
        for phase in phases:
            t = phase.times(group)
            lines.append(f"  {phase.name:<34} {len(t):>5} {_q(t, 'median') * 1000:>5.0f} ms "
                         f"{_q(t, 'p90') * 1000:>5.0f} ms")
    holds = not r.outside and bool(r.loaded) and bool(r.unloaded.actions)
    for phase in phases:
        cpu = phase.cpu
        if cpu.get("wall"):
            cores = {k: cpu[k] / cpu["wall"] for k in ("server", "clients", "bench", "machine")}
            rest = cores["machine"] - cores["server"] - cores["clients"] - cores["bench"]
            lines.append(f"cores busy, {phase.name}: server and workers {cores['server']:.2f}, "
                         f"the measured tab's browser {cores['clients']:.2f}, the other "
                         f"sessions' websocket clients {cores['bench']:.2f}, everything else "
                         f"on the machine {max(0.0, rest):.2f} (of {os.cpu_count()})")
    for phase in r.loaded:
        ratios, ok = phase_holds(phase, r.unloaded, ratio_target, rss_target)
        holds = holds and ok
        p90 = {g: _q(phase.times(g), "p90") / _q(r.unloaded.times(g), "p90") for g in GROUPS}
        lines += [
            f"[{phase.name}]",
            f"  loaded/unloaded (target <= {ratio_target:g}x for the median): " + "; ".join(
                f"{g} median {ratios[g]:.2f}x, p90 {p90[g]:.2f}x" for g in GROUPS),
            f"  the other sessions' page reruns: {len(phase.background)}, median "
            f"{_q(phase.background, 'median') * 1000:.0f} ms, p90 "
            f"{_q(phase.background, 'p90') * 1000:.0f} ms (not a target: no browser drew them)",
            f"  normal actions that did not finish within {LOAD_MS // 1000} s: {len(phase.failures)}"
            + (f" ({', '.join(sorted(set(phase.failures))[:3])})" if phase.failures else ""),
            f"  peak RSS: server {phase.peak_rss / 2 ** 20:.0f} MiB; server and its workers "
            f"{phase.peak_tree_rss / 2 ** 20:.0f} MiB (target < {rss_target / GIB:g} GiB)",
        ]
        if phase.hostile:
            lines.append(f"  hostile runs: {sum(phase.refused.values())}, answered by:")
            lines += [f"    {n:>4}  {k}" for k, n in phase.refused.most_common()]
        lines.append("  " + ("holds" if ok else "MISSED"))
    lines += [f"requests: {r.requests}, off 127.0.0.1: {len(r.outside)}",
              "targets hold" if holds else "TARGETS MISSED"]
    return "\n".join(lines), holds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions at once (default 20)")
    parser.add_argument("--hostile", type=int, default=5, help="of which hostile (default 5)")
    parser.add_argument("--seconds", type=float, default=45,
                        help=f"each loaded phase (default 45, at most {MAX_SECONDS})")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"),
                        help="a normal session's think time between actions (default 3 8 s)")
    parser.add_argument("--baseline-rounds", type=int, default=2,
                        help="unloaded rounds over the pages and searches (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 40 or not 0 <= args.hostile < args.sessions:
        parser.error("--sessions must be 1–40 and --hostile fewer than --sessions")
    if not 0 <= args.think[0] <= args.think[1] <= 60:
        parser.error("--think needs 0 <= MIN <= MAX <= 60")
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = asyncio.run(run(args.sessions, args.hostile, args.seconds, args.baseline_rounds,
                              tuple(args.think), seed=args.seed))
    text, holds = report(results)
    print(f"{args.sessions} sessions ({args.hostile} hostile in the second phase), "
          f"{min(args.seconds, MAX_SECONDS):g} s a phase, think time {args.think[0]:g}–"
          f"{args.think[1]:g} s, one measured Chromium tab and websocket sessions on "
          f"{os.cpu_count()} cores; "
          f"{time.monotonic() - started:.0f} s in all")
    print(text)
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
