"""Benchmark: Causemap's store backends against plain rdflib and raw pyoxigraph, on the HPO graph.

For the 10 % and the full HPO graph (``bench/hpo_graphs.py``: 0.28 M and 2.3 M triples), each
engine runs in a process of its own, loads (or opens) the graph, and times a suite of queries an
explorer runs, median of ``--runs`` runs each:

- ``rdflib``: plain rdflib, ``Dataset.parse`` and ``Dataset.query`` (no guard; one run per query,
  each stopped at ``--rdflib-timeout`` seconds);
- ``pyoxigraph``: raw pyoxigraph in memory, every answer read — the floor;
- ``cm-inprocess``: Causemap's in-process path on the same in-memory Oxigraph store — what its own
  lookups use (:meth:`graph.store.Store.select`: rdflib terms, no guard, no worker, so no time
  limit); not a target, the measure of what the worker process costs;
- ``cm-rdflib``, ``cm-oxigraph``, ``cm-disk``, ``cm-sparql``: Causemap's guarded path
  (:func:`graph.query.run_query`: guard, worker process, caps, rdflib terms) on ``rdflib:``,
  ``oxigraph:`` with ``--data``, ``oxigraph:PATH`` (built by ``causemap load``) and ``sparql:URL``
  against a local ``oxigraph serve-read-only`` over that store.

It also times the command line on the full graph (``causemap load``; opening the on-disk store;
a whole ``causemap query`` process on it; ``--data`` with the 2.3 M-triple file against
pyoxigraph's own load and query) and, with ``--app``, the web app on the full graph
(``bench/bench_app_hpo.py``). It prints tables, the ratios, every target with whether it holds,
and writes everything to ``--json``.

Run: ``.venv/bin/python bench/bench_store.py [--scales 10% full] [--runs 5] [--app]
[--json bench-store.json]``. Needs about 8 GiB of memory (rdflib on the full graph) and, for
``cm-sparql``, the ``oxigraph`` executable (``pip install oxigraph``).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from hpo_graphs import CACHE, graph_file  # noqa: E402

ENGINES = ["pyoxigraph", "cm-inprocess", "cm-oxigraph", "cm-disk", "cm-sparql", "cm-rdflib",
           "rdflib"]
CM = "https://w3id.org/causemap/"
PY = sys.executable


# -- the query suite ----------------------------------------------------------------------------

def suite(disease: str, term: str) -> dict[str, str]:
    """The queries an explorer runs, around one disease and one of its phenotype terms."""
    d, t = f"<{disease}>", f"<{term}>"
    return {
        "label search": """SELECT ?e ?l WHERE { ?e rdfs:label ?l
            FILTER(STRSTARTS(LCASE(STR(?l)), "cleft")) }""",
        "1-hop": f"""SELECT ?p ?x WHERE {{ {{ {d} ?p ?x }} UNION {{ ?x ?p {d} }} }}""",
        "2-hop": f"""SELECT DISTINCT ?m ?x WHERE {{ {d} ?p ?m . ?m ?q ?x FILTER(isIRI(?x)) }}""",
        "shared phenotypes": f"""SELECT ?other (COUNT(?ph) AS ?n) WHERE {{
            {d} cm:hasSymptom ?ph . ?other cm:hasSymptom ?ph FILTER(?other != {d}) }}
            GROUP BY ?other HAVING (COUNT(?ph) >= 3) ORDER BY DESC(?n) ?other LIMIT 20""",
        "ancestors": f"SELECT DISTINCT ?a WHERE {{ {t} rdfs:subClassOf+ ?a }}",
        "count by class": "SELECT ?c (COUNT(?e) AS ?n) WHERE { ?e a ?c } GROUP BY ?c",
        "construct": f"""CONSTRUCT {{ {d} ?p ?o . ?o rdfs:label ?l }} WHERE {{
            {d} ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} }}""",
        "details (optional)": f"""SELECT ?ph ?phl ?fl ?onset ?ev ?ref WHERE {{
            ?ann cm:annotatedCondition {d} ; cm:annotatedTerm ?ph . ?ph rdfs:label ?phl
            OPTIONAL {{ ?ann cm:frequencyTerm ?f . ?f rdfs:label ?fl }}
            OPTIONAL {{ ?ann cm:onset ?onset }} OPTIONAL {{ ?ann cm:evidenceCode ?ev }}
            OPTIONAL {{ ?ann cm:citesReference ?ref }} }}""",
    }


def pick_subjects(nq: Path) -> tuple[str, str]:
    """The sampled disease with the most phenotypes, and its deepest-labelled phenotype term."""
    import pyoxigraph as ox
    store = ox.Store()
    store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    row = next(iter(store.query(f"""SELECT ?d (COUNT(?p) AS ?n) WHERE {{ ?d <{CM}hasSymptom> ?p }}
        GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 1""", use_default_graph_as_union=True)))
    disease = row["d"].value
    term = next(iter(store.query(f"""SELECT ?p (COUNT(?a) AS ?n) WHERE {{ <{disease}> <{CM}hasSymptom> ?p .
        ?p <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?a }} GROUP BY ?p ORDER BY DESC(?n) ?p
        LIMIT 1""", use_default_graph_as_union=True)))["p"].value
    return disease, term


# -- one engine, in its own process ---------------------------------------------------------------

def _peak_mb() -> float:
    """This engine process's peak (VmHWM, its own high-water mark: getrusage's RUSAGE_SELF would
    also remember the orchestrator it was started from, which holds the whole graph), or its
    largest child's."""
    with open("/proc/self/status") as status:
        own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _prefixes() -> str:
    from graph.namespace import PREFIXES
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


class _Timeout(Exception):
    pass


def run_engine(engine: str, nq: Path, disk: Path, url: str | None, queries: dict, runs: int,
               rdflib_timeout: float) -> dict:
    """Load, then time every query: ``{"load": s, "peak_mb": …, "queries": {name: {…}}}``."""
    started = time.perf_counter()
    if engine == "rdflib":
        from rdflib import Dataset, URIRef

        from graph.store.files import ONTOLOGY, ONTOLOGY_GRAPH
        ds = Dataset(default_union=True)
        ds.graph(URIRef(ONTOLOGY_GRAPH)).parse(str(ONTOLOGY), format="turtle")
        ds.parse(str(nq), format="nquads")
        header = _prefixes()

        def run(text):
            res = ds.query(header + text)
            return len(res.graph) if res.type in ("CONSTRUCT", "DESCRIBE") else \
                (1 if res.type == "ASK" else sum(1 for _ in res))
        runs = 1
    elif engine == "pyoxigraph":
        import pyoxigraph as ox

        from graph.namespace import PREFIXES
        from graph.store.files import ONTOLOGY, ONTOLOGY_GRAPH
        store = ox.Store()  # the same data as Causemap loads: the ontology beside the file
        store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
        store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)

        def run(text):
            res = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
            if isinstance(res, ox.QuerySolutions):  # every value read, the fastest way
                return sum(1 for sol in res if tuple(sol) is not None)
            if isinstance(res, ox.QueryBoolean):
                return 1
            return sum(1 for t in res if tuple(t))
    elif engine == "cm-inprocess":
        import pyoxigraph as ox

        from graph.namespace import PREFIXES
        from graph.store import open_store
        from graph.store.terms import from_ox
        kg = open_store("oxigraph:", [nq])

        def run(text):
            if text.lstrip().upper().startswith("CONSTRUCT"):  # select's conversion, for triples
                res = kg._store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
                return sum(1 for t in res if tuple(map(from_ox, t)))
            return sum(1 for row in kg.select(text) if row)
    else:
        from graph.query import run_query
        from graph.store import open_store
        descriptor = {"cm-rdflib": "rdflib:", "cm-oxigraph": "oxigraph:",
                      "cm-disk": f"oxigraph:{disk}", "cm-sparql": f"sparql:{url}"}[engine]
        data = [nq] if engine in ("cm-rdflib", "cm-oxigraph") else None
        kg = open_store(descriptor, data)

        def run(text):
            r = run_query(kg, text, timeout=rdflib_timeout, max_rows=10_000_000,
                          max_triples=10_000_000)
            if r.kind == "ASK":
                return 1
            rows = r.rows if r.kind == "SELECT" else r.triples
            return sum(1 for row in rows if row)  # every row made of rdflib terms, as callers get
    load = time.perf_counter() - started
    out = {"load": load, "queries": {}}
    for name, text in queries.items():
        times, rows = [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            if engine == "rdflib":
                def alarm(*_):
                    raise _Timeout
                signal.signal(signal.SIGALRM, alarm)
                signal.setitimer(signal.ITIMER_REAL, rdflib_timeout)
                try:
                    rows = run(text)
                except _Timeout:
                    times.append(math.inf)
                    break
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            else:
                rows = run(text)
            times.append(time.perf_counter() - t0)
        out["queries"][name] = {"median": statistics.median(times), "rows": rows,
                                "runs": len(times)}
    out["peak_mb"] = _peak_mb()
    return out


# -- orchestration ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _disk_store(scale: str, nq: Path) -> tuple[Path, float]:
    folder = CACHE / f"store-{scale.rstrip('%')}"
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "causemap") if (ROOT / ".venv").exists()
                    else "causemap", "--data", str(nq), "load", str(folder)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder, time.perf_counter() - started


def _oxigraph_server(folder: Path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        return None, None
    port = _free_port()
    proc = subprocess.Popen([binary, "serve-read-only", "--location", str(folder), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}/query"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    return None, None


def _child(engine, nq, disk, url, queries, runs, rdflib_timeout) -> dict:
    args = json.dumps({"engine": engine, "nq": str(nq), "disk": str(disk), "url": url,
                       "queries": queries, "runs": runs, "rdflib_timeout": rdflib_timeout})
    proc = subprocess.run([PY, __file__, "--child", args], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _timed_process(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of one whole process (GNU time's %M)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak = int(proc.stderr.strip().splitlines()[-1]) / 1024 if proc.returncode == 0 else math.nan
    return elapsed, peak


def geomean(values) -> float:
    values = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else math.nan


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", nargs="+", default=["10%", "full"])
    ap.add_argument("--engines", nargs="+", default=ENGINES)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rdflib-timeout", type=float, default=120.0)
    ap.add_argument("--app", action="store_true", help="also time the web app on the full graph")
    ap.add_argument("--json", type=Path, default=Path("bench-store.json"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        a = json.loads(args.child)
        print(json.dumps(run_engine(a["engine"], Path(a["nq"]), Path(a["disk"]), a["url"],
                                    a["queries"], a["runs"], a["rdflib_timeout"])))
        return 0

    cm = str(ROOT / ".venv" / "bin" / "causemap")
    report: dict = {"scales": {}, "cli": {}, "targets": []}
    for scale in args.scales:
        nq = graph_file(scale)
        disease, term = pick_subjects(nq)
        queries = suite(disease, term)
        folder, load_seconds = _disk_store(scale, nq)
        server, url = _oxigraph_server(folder)
        results = {}
        try:
            for engine in args.engines:
                if engine == "cm-sparql" and url is None:
                    results[engine] = {"error": "no oxigraph executable"}
                    continue
                print(f"[{scale}] {engine} …", file=sys.stderr, flush=True)
                results[engine] = _child(engine, nq, folder, url, queries, args.runs,
                                         args.rdflib_timeout)
        finally:
            if server is not None:
                server.terminate()
                server.wait(10)
        report["scales"][scale] = {"file": str(nq), "disease": disease, "term": term,
                                   "load_cli": load_seconds, "engines": results}
        _print_scale(scale, queries, results)
        if scale == "full":
            report["cli"] = _cli(cm, nq, folder, results, queries, load_seconds)
    if args.app and "full" in report["scales"]:
        from bench_app_hpo import time_app
        report["app"] = time_app(cm, CACHE / "store-full-import")
    report["targets"] = _targets(report)
    _print_targets(report["targets"])
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


def _cli(cm: str, nq: Path, folder: Path, results: dict, queries: dict, load_seconds: float) -> dict:
    from graph.store.oxigraph_store import OxigraphStore
    started = time.perf_counter()
    kg = OxigraphStore.open(folder, workers=1)
    opened = time.perf_counter() - started
    kg.close()
    query = queries["shared phenotypes"]
    whole, _ = _timed_process([cm, "--store", f"oxigraph:{folder}", "query", query])
    data, data_peak = _timed_process([cm, "--data", str(nq), "query", query])
    raw = results.get("pyoxigraph", {})
    raw_total = raw.get("load", math.nan) + raw.get("queries", {}).get("shared phenotypes", {}).get(
        "median", math.nan)
    out = {"load": load_seconds, "open": opened, "query_process": whole, "data_process": data,
           "data_peak_mb": data_peak, "pyoxigraph_load_and_query": raw_total}
    print("\ncommand line, full graph")
    for k, v in out.items():
        print(f"  {k:<28} {v:8.2f}")
    return out


def _print_scale(scale: str, queries: dict, results: dict) -> None:
    engines = [e for e in results if "error" not in results[e]]
    print(f"\n== {scale}: median milliseconds per query ==")
    print(f"{'query':<20}" + "".join(f"{e:>13}" for e in engines))
    for name in queries:
        cells = []
        for e in engines:
            q = results[e]["queries"][name]
            cells.append(">timeout" if not math.isfinite(q["median"]) else
                         f"{q['median'] * 1000:.3f}")
        print(f"{name:<20}" + "".join(f"{c:>13}" for c in cells))
    print(f"{'load/open (s)':<20}" + "".join(f"{results[e]['load']:>13.2f}" for e in engines))
    print(f"{'peak MiB':<20}" + "".join(f"{results[e]['peak_mb']:>13.0f}" for e in engines))
    floor = results.get("pyoxigraph")
    if floor and "error" not in floor:
        print(f"{'× pyoxigraph (geo)':<20}" + "".join(
            f"{geomean(results[e]['queries'][n]['median'] / floor['queries'][n]['median'] for n in queries):>13.2f}"
            for e in engines))
    for e, r in results.items():
        if "error" in r:
            print(f"  {e}: {r['error']}")
    rows = {e: {n: results[e]["queries"][n]["rows"] for n in queries} for e in engines}
    for n in queries:
        counts = {rows[e][n] for e in engines if rows[e][n] is not None}
        if len(counts) > 1:
            print(f"  note: engines disagree on the size of '{n}': "
                  + ", ".join(f"{e}={rows[e][n]}" for e in engines))


def _targets(report: dict) -> list[dict]:
    out = []

    def target(name, value, limit, holds):
        out.append({"target": name, "value": value, "limit": limit, "holds": bool(holds)})

    full = report["scales"].get("full", {}).get("engines", {})
    if full.get("cm-oxigraph") and full.get("pyoxigraph") and "error" not in full["cm-oxigraph"]:
        names = list(full["cm-oxigraph"]["queries"])
        cm_t = {n: full["cm-oxigraph"]["queries"][n]["median"] for n in names}
        raw = {n: full["pyoxigraph"]["queries"][n]["median"] for n in names}
        ratio = geomean(cm_t[n] / raw[n] for n in names)
        target("guarded Oxigraph / raw pyoxigraph (geomean, full)", ratio, 1.3, ratio <= 1.3)
        if full.get("rdflib") and "error" not in full["rdflib"]:
            rd = {n: full["rdflib"]["queries"][n]["median"] for n in names}
            speed = geomean(rd[n] / cm_t[n] for n in names)
            target("faster than plain rdflib (geomean, full; timeouts count as the limit)",
                   speed, 15, speed >= 15)
        worst = max(cm_t.values())
        target("slowest suite query, median (s, guarded Oxigraph, full)", worst, 0.25, worst < 0.25)
        if full.get("cm-disk") and "error" not in full["cm-disk"]:
            worst = max(q["median"] for q in full["cm-disk"]["queries"].values())
            target("slowest suite query, median (s, on-disk store, full)", worst, 0.25, worst < 0.25)
    cli = report.get("cli") or {}
    if cli:
        target("causemap load, full (s)", cli["load"], 20, cli["load"] < 20)
        target("open the on-disk store (s)", cli["open"], 2, cli["open"] < 2)
        target("a whole causemap query process on it (s)", cli["query_process"], 2,
               cli["query_process"] < 2)
        ratio = cli["data_process"] / cli["pyoxigraph_load_and_query"]
        target("--data 2.3 M triples: load + query / pyoxigraph's", ratio, 1.5, ratio <= 1.5)
        target("--data 2.3 M triples: peak memory (MiB)", cli["data_peak_mb"], 1536,
               cli["data_peak_mb"] < 1536)
    app = report.get("app") or {}
    if app:
        target("app: first usable page after start (s)", app["first_page"], 5, app["first_page"] < 5)
        for name, seconds in app["clicks"].items():
            target(f"app: {name} (s)", seconds, 1.5, seconds < 1.5)
        target("app: server memory (MiB)", app["memory_mb"], 2048, app["memory_mb"] < 2048)
    return out


def _print_targets(targets: list[dict]) -> None:
    print("\n== targets ==")
    for t in targets:
        mark = "holds" if t["holds"] else "MISSED"
        print(f"  [{mark:>6}] {t['target']}: {t['value']:.3f} (limit {t['limit']})")


if __name__ == "__main__":
    sys.exit(main())
