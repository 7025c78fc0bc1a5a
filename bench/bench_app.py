"""Benchmark: one AppTest run of the Explore page against one of a bare one-line Streamlit script.

Target (from the issue): the Explore page's script run is within 3x the bare script's
(``import streamlit as st; st.write("hello")``), both run with ``streamlit.testing.v1.AppTest`` in
the same process. Each timed run is a fresh ``AppTest`` (a new session, as when someone opens a
link): ``from_file``, set the query string, ``run()``. The Explore page is timed on three views:

- ``start view``: no query string, the start view (the best-connected entity, 2 hops);
- ``whole graph``: ``?view=whole``, every entity, capped at 300 nodes;
- ``focus``: the deep link ``?focus=cm:Hypocalcemia&radius=2``;
- ``focus + entity``: the same with ``&entity=cm:DiGeorgeSyndrome``, so the details panel is drawn;
- ``expanded``: the same with ``&expand=cm:DiGeorgeSyndrome``, a view with an expansion.

The first (cold) run of each script is timed alone and reported separately: for the Explore page
it includes importing the page's modules and loading the graph (``st.cache_resource``) and its
networkx projection; the graph load is also timed on its own. The timed runs come after, with the
graph cached, interleaved so that drift in the machine's speed hits every case alike; the script
prints medians, the ratio Explore/bare and whether it meets 3x. Every run is checked: an exception
in the page, or a page that did not draw its network, stops the benchmark.

It also splits each Explore run into the page's own script (timed inside the script thread, by
running the page through a small wrapper script) and the rest, AppTest's own work per run. With
``--profile`` it then runs the slowest view under cProfile, twice: the page's script (profiled in
the script thread, where it runs) and AppTest's side (the main thread), and prints where the time
goes.

Run: ``.venv/bin/python bench/bench_app.py [--runs 7] [--profile] [--top 25]``. The data is the
bundled graph, or the files named in ``CAUSEMAP_DATA`` when it is set.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the page imports app.* and graph.*, as under the router
from streamlit.testing.v1 import AppTest  # noqa: E402

# Outside `streamlit run` every new AppTest logs "missing ScriptRunContext ... can be ignored".
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage())

__all__ = ["VIEWS", "TARGET", "timed_run", "script_seconds", "main"]

EXPLORE = ROOT / "app" / "app_pages" / "explore.py"
BARE = 'import streamlit as st; st.write("hello")\n'  # the one-line script
TARGET = 3.0
TIMEOUT_S = 120  # AppTest's per-run timeout; a cold run loads the graph
VIEWS: dict[str, dict[str, str]] = {
    "start view": {},
    "whole graph": {"view": "whole"},
    "focus": {"focus": "cm:Hypocalcemia", "radius": "2"},
    "focus + entity": {"focus": "cm:Hypocalcemia", "radius": "2", "entity": "cm:DiGeorgeSyndrome"},
    "expanded": {"focus": "cm:Hypocalcemia", "radius": "2", "entity": "cm:DiGeorgeSyndrome",
                 "expand": "cm:DiGeorgeSyndrome"},
}

# The wrapper runs the page as the router would and reports, through a module that this process
# registers, how long the page's own code took (and profiles it, when asked) in the script thread.
PROBE = types.ModuleType("causemap_bench_probe")
PROBE.seconds, PROBE.profiler = [], None
sys.modules[PROBE.__name__] = PROBE
WRAPPER = f"""\
import runpy, time
import causemap_bench_probe as probe
start = time.perf_counter()
if probe.profiler is not None:
    probe.profiler.enable()
try:
    runpy.run_path({str(EXPLORE)!r}, run_name="__main__")
finally:
    if probe.profiler is not None:
        probe.profiler.disable()
    probe.seconds.append(time.perf_counter() - start)
"""


def _check(at: AppTest, script: Path) -> None:
    """Stop the benchmark if the run failed: timing a broken page measures nothing."""
    if at.exception:
        raise SystemExit(f"{script.name} raised: {[e.value for e in at.exception]}")
    if script == EXPLORE:
        drawn = [m for m in at.markdown if m.value.startswith("Showing ")]
        if not drawn:
            raise SystemExit("explore.py ran but did not say what it shows: did the view fail?")


def timed_run(script: Path, params: dict[str, str]) -> float:
    """Seconds for one fresh ``AppTest.from_file(script)`` with ``params`` to ``run()``."""
    start = time.perf_counter()
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    elapsed = time.perf_counter() - start
    _check(at, script)
    return elapsed


def script_seconds(wrapper: Path, params: dict[str, str]) -> tuple[float, float]:
    """One fresh AppTest run of the page through ``wrapper``: (whole run, the page's own code)."""
    PROBE.seconds.clear()
    total = timed_run(wrapper, params)
    (own,) = PROBE.seconds
    return total, own


def _graph_load_seconds() -> tuple[float, float]:
    """Seconds to load the graph the app loads, and to project it onto networkx (uncached)."""
    from app.state import data_files_from_env
    from graph.learn.projection import to_networkx
    from graph.store import load

    start = time.perf_counter()
    kg = load(data_files_from_env())
    loaded = time.perf_counter()
    to_networkx(kg)
    return loaded - start, time.perf_counter() - loaded


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _top(profiler: cProfile.Profile, top: int, *orders: str) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    for order in orders:
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()


def profile_page(wrapper: Path, params: dict[str, str], runs: int, top: int) -> str:
    """cProfile the page's own code (in the script thread) over ``runs`` warm runs."""
    PROBE.profiler = cProfile.Profile()
    try:
        for _ in range(runs):
            timed_run(wrapper, params)
        return _top(PROBE.profiler, top, "cumulative", "tottime")
    finally:
        PROBE.profiler = None


def profile_apptest(script: Path, params: dict[str, str], runs: int, top: int) -> str:
    """cProfile AppTest's side of ``runs`` runs (the main thread; the script's thread is not seen)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        timed_run(script, params)
    profiler.disable()
    return _top(profiler, top, "cumulative")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--profile", action="store_true",
                        help="then profile the slowest Explore view with cProfile")
    parser.add_argument("--top", type=int, default=25, help="functions to list when profiling")
    args = parser.parse_args(argv)
    data = os.environ.get("CAUSEMAP_DATA") or "the bundled data"

    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        wrapper = Path(tmp) / "explore_timed.py"
        wrapper.write_text(WRAPPER, encoding="utf-8")
        cases = {"bare script": (bare, {})}
        cases.update({f"explore: {name}": (EXPLORE, params) for name, params in VIEWS.items()})

        # Cold: the bare script first (AppTest's own first-use costs land there), then the page.
        cold_bare = timed_run(bare, {})
        cold_explore = timed_run(EXPLORE, VIEWS["whole graph"])
        load_s, project_s = _graph_load_seconds()
        for script, params in cases.values():  # one warm-up per case
            timed_run(script, params)

        times: dict[str, list[float]] = {name: [] for name in cases}
        split: dict[str, list[tuple[float, float]]] = {name: [] for name in VIEWS}
        for _ in range(args.runs):
            for name, (script, params) in cases.items():
                times[name].append(timed_run(script, params))
            for name, params in VIEWS.items():
                split[name].append(script_seconds(wrapper, params))

        print(f"AppTest runs of app/app_pages/explore.py against `{BARE.strip()}` "
              f"({data}; Python {sys.version.split()[0]})")
        print("Cold (first run in this process, timed once):")
        print(f"  bare script              {_ms(cold_bare)}")
        print(f"  explore: whole graph     {_ms(cold_explore)}  (imports the page's modules, "
              f"loads the graph and projects it)")
        print(f"  of which graph load ~    {_ms(load_s)}  + networkx projection {_ms(project_s)} "
              f"(timed again on their own, modules already imported)")
        print(f"Warm (graph cached; fresh AppTest per run; median of {args.runs}, min..max):")
        bare_median = statistics.median(times["bare script"])
        worst = None
        for name, values in times.items():
            median = statistics.median(values)
            ratio = median / bare_median
            verdict = "" if name == "bare script" else (
                f"  ratio {ratio:5.1f}x  {'meets' if ratio <= TARGET else 'MISSES'} "
                f"{TARGET:g}x")
            print(f"  {name:<24} {_ms(median)}  ({min(values) * 1000:.1f}..{max(values) * 1000:.1f})"
                  f"{verdict}")
            if name != "bare script" and (worst is None or ratio > worst[1]):
                worst = (name, ratio)

        met = worst is not None and worst[1] <= TARGET
        print(f"Target: every Explore view within {TARGET:g}x the bare script: "
              f"{'met' if met else 'NOT met'} (worst: {worst[0]}, {worst[1]:.1f}x)")
        print(f"Split of a warm Explore run (run through a wrapper; median of {args.runs}):")
        for name, pairs in split.items():
            total = statistics.median(t for t, _ in pairs)
            own = statistics.median(o for _, o in pairs)
            print(f"  explore: {name:<15} {_ms(total)} in all = page's own code {_ms(own)} "
                  f"+ AppTest and Streamlit {_ms(total - own)}")

        if args.profile:
            name = worst[0]
            script, params = cases[name]
            print(f"\ncProfile of the page's own code, {args.runs} warm runs of {name}:")
            print(profile_page(wrapper, params, args.runs, args.top))
            print(f"cProfile of AppTest's side (main thread), {args.runs} runs of the bare script:")
            print(profile_apptest(bare, {}, args.runs, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
