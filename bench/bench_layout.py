"""Benchmark: how long vis-network takes to lay out a Causemap view, ours against pyvis's defaults.

For random graphs of 100, 300 and 500 nodes that carry our node and edge attributes (a
Barabási–Albert graph, so a few hubs and many leaves as in the curated data), it writes one offline
page per case (the same nodes and edges, styled by :func:`graph.view.render.to_vis_data`; the options are
either ours, :func:`graph.view.render.vis_options`, or pyvis's default ``Network().options``), opens each
in headless Chromium from ``file://`` and records, from inside the page, the milliseconds from
``new vis.Network`` to ``stabilizationIterationsDone`` (the first draw of a settled layout; our pages
switch physics off there) and to ``stabilized`` (the simulation has come to rest with physics left
on). It prints the medians over ``--runs`` runs and the ratios pyvis/ours. Nothing is asserted:
the target (300 nodes settled in under 2 s with our options) is for a person to read.

Run: ``.venv/bin/python bench/bench_layout.py [--sizes 100 300 500] [--runs 3]``. Needs Debian's
``chromium`` at ``/usr/bin/chromium`` (``apt-get install chromium``) and the ``playwright`` package.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.view.render import CLASS_STYLE, to_vis_data, vis_network_js  # noqa: E402

__all__ = ["random_causemap_graph", "bench_page", "measure", "main"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PREDICATES = ["actsThrough", "canCause", "treatedBy", "affects", "triggers", "locatedIn"]
WORDS = ("calcium nerve facial dopamine stress palsy tremor gland thymus muscle twitch deficiency "
         "withdrawal caffeine syndrome ptosis speech cortex vitamin serum").split()


def random_causemap_graph(n: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A random graph of ``n`` entities with Causemap's node and edge attributes (about 2n edges)."""
    rng = random.Random(seed)
    skeleton = nx.barabasi_albert_graph(n, 2, seed=seed)
    classes = list(CLASS_STYLE)
    G = nx.MultiDiGraph()
    for i in skeleton.nodes:
        cls = rng.choice(classes)
        label = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3))).capitalize()
        G.add_node(f"https://w3id.org/causemap/E{i}", label=label, cls=cls,
                   cls_label=CLASS_STYLE[cls].label, title=f"{label}, a random entity")
    for u, v in skeleton.edges:
        if rng.random() < 0.5:
            u, v = v, u
        p = "https://w3id.org/causemap/" + rng.choice(PREDICATES)
        G.add_edge(f"https://w3id.org/causemap/E{u}", f"https://w3id.org/causemap/E{v}", key=p,
                   predicate=p, label=p.rsplit("/", 1)[-1])
    return G


def pyvis_default_options() -> dict:
    """The options a fresh ``pyvis.network.Network(directed=True)`` writes into its page."""
    from pyvis.network import Network

    return json.loads(Network(directed=True).options.to_json())


def bench_page(data: dict, options: dict) -> str:
    """An offline page that draws ``data`` with ``options`` and stores its timings in ``window``."""
    payload = json.dumps({"nodes": data["nodes"], "edges": data["edges"], "options": options})
    payload = payload.replace("<", "\\u003c")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<style>#net {{ width: 1200px; height: 800px; }}</style></head><body><div id="net"></div>
<script>{vis_network_js()}</script>
<script>
const d = {payload};
window.timings = {{}};
const t0 = performance.now();
const network = new vis.Network(document.getElementById("net"),
    {{nodes: new vis.DataSet(d.nodes), edges: new vis.DataSet(d.edges)}}, d.options);
network.once("stabilizationIterationsDone", () => {{
  window.timings.iterationsDone = performance.now() - t0; }});
network.once("stabilized", (p) => {{
  window.timings.stabilized = performance.now() - t0; window.timings.iterations = p.iterations; }});
</script></body></html>"""


def measure(page, path: Path, timeout_s: float) -> dict:
    """Load one page and wait until it has reported ``stabilized`` (or the timeout passed)."""
    page.goto(path.as_uri())
    try:
        page.wait_for_function("window.timings && window.timings.stabilized !== undefined",
                               timeout=timeout_s * 1000, polling=50)
    except Exception:  # noqa: BLE001 - a timeout is a result here, reported as such
        pass
    return page.evaluate("window.timings")


def _median(values: list) -> float | None:
    """The median, or None when any run did not get there (a timeout is not a number)."""
    return None if not values or None in values else statistics.median(values)


def _fmt(ms: float | None, timeout_s: float) -> str:
    return f">{timeout_s:.0f}s" if ms is None else f"{ms / 1000:.2f}s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for each page to come to rest")
    args = parser.parse_args(argv)

    from graph.view.render import vis_options
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    results: dict[tuple[int, str], dict[str, list]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                data = to_vis_data(random_causemap_graph(n))
                cases = {"ours": vis_options(n), "pyvis default": pyvis_default_options()}
                for name, options in cases.items():
                    path = Path(tmp) / f"bench-{n}-{name.replace(' ', '-')}.html"
                    path.write_text(bench_page(data, options), encoding="utf-8")
                    runs = results.setdefault((n, name), {"iterationsDone": [], "stabilized": []})
                    for _ in range(args.runs):
                        page = browser.new_page(viewport={"width": 1280, "height": 900})
                        timings = measure(page, path, args.timeout)
                        page.close()
                        runs["iterationsDone"].append(timings.get("iterationsDone"))
                        runs["stabilized"].append(timings.get("stabilized"))
                    print(f"  measured {n} nodes, {name}", file=sys.stderr, flush=True)
        finally:
            browser.close()

    print(f"Time to a stable layout in headless Chromium, median of {args.runs} runs, from "
          f"`new vis.Network` to the event")
    print("  first layout = stabilizationIterationsDone: the first settled drawing (our pages "
          "switch physics off here, so it is also when ours stop moving)")
    print("  at rest = stabilized: the simulation stopped by itself (pyvis's page leaves physics "
          "on, so this is when its drawing stops moving)")
    header = ("nodes", "ours: first layout", "ours: at rest", "pyvis: first layout",
              "pyvis: at rest", "pyvis first / ours", "pyvis at rest / ours")
    print("  ".join(f"{h:>20}" if i else f"{h:>5}" for i, h in enumerate(header)))
    for n in args.sizes:
        ours, base = results[(n, "ours")], results[(n, "pyvis default")]
        ours_done, ours_rest = _median(ours["iterationsDone"]), _median(ours["stabilized"])
        base_done, base_rest = _median(base["iterationsDone"]), _median(base["stabilized"])
        first = f"{base_done / ours_done:.1f}x" if base_done and ours_done else "n/a"
        rest = (f"{base_rest / ours_done:.1f}x" if base_rest and ours_done
                else f">{args.timeout * 1000 / ours_done:.0f}x" if ours_done else "n/a")
        row = (f"{n:>5}", _fmt(ours_done, args.timeout), _fmt(ours_rest, args.timeout),
               _fmt(base_done, args.timeout), _fmt(base_rest, args.timeout), first, rest)
        print("  ".join(f"{cell:>20}" if i else cell for i, cell in enumerate(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
