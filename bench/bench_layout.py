"""Benchmark: how long vis-network takes to lay out a Causemap view, ours against pyvis's defaults.

For random graphs of 100, 300 and 500 nodes that carry our node and edge attributes (a
Barabási–Albert graph, so a few hubs and many leaves as in the curated data), it writes one offline
page per case (the same nodes and edges, styled by :func:`graph.render.to_vis_data`; the options are
either ours, :func:`graph.render.vis_options`, or pyvis's default ``Network().options``), opens each
in headless Chromium from ``file://`` and records, from inside the page, the milliseconds from
``new vis.Network`` to ``stabilizationIterationsDone`` (the first draw of a settled layout; our pages
switch physics off there) and to ``stabilized`` (the simulation has come to rest with physics left
on). It prints the medians over ``--runs`` runs and the ratio baseline/ours. Nothing is asserted:
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

from graph.render import CLASS_STYLE, to_vis_data, vis_network_js  # noqa: E402

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
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(ms: float | None) -> str:
    return "   n/a " if ms is None else f"{ms / 1000:6.2f}s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per page")
    args = parser.parse_args(argv)

    from graph.render import vis_options
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

    print(f"Layout time in headless Chromium, median of {args.runs} runs "
          f"(iterations done = first settled draw; stabilized = simulation at rest)")
    print(f"{'nodes':>5}  {'ours: iter. done':>16}  {'ours: stabilized':>16}  "
          f"{'pyvis: iter. done':>17}  {'pyvis: stabilized':>17}  {'ratio (pyvis stab. / ours iter.)':>32}")
    for n in args.sizes:
        ours, base = results[(n, "ours")], results[(n, "pyvis default")]
        ours_done, ours_stab = _median(ours["iterationsDone"]), _median(ours["stabilized"])
        base_done, base_stab = _median(base["iterationsDone"]), _median(base["stabilized"])
        ratio = f"{base_stab / ours_done:10.1f}x" if base_stab and ours_done else "n/a"
        print(f"{n:>5}  {_fmt(ours_done):>16}  {_fmt(ours_stab):>16}  {_fmt(base_done):>17}  "
              f"{_fmt(base_stab):>17}  {ratio:>32}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
