"""Benchmark: refusing hostile files, and what parsing a user's file in a child process costs.

1. For every hostile file of issue 9 (``tests/test_file_input.py::hostile_files``: a FIFO, a link
   to /dev/zero, a folder, a symlink loop, a 2 GB file, the billion laughs, an external entity and
   DTD, JSON-LD contexts as a file: IRI, a path, /dev/zero and a FIFO, /etc/passwd as Turtle) and
   two slow ones (RDF/XML nested 100,000 deep, JSON-LD nested 20,000 deep), it runs
   ``causemap --data FILE query 'ASK {}'`` in a fresh process and prints the exit code, the wall
   time and the peak resident memory of any process involved (``getrusage`` of the children), with
   the targets: exit 2, under 20 s, under 1 GiB.
2. On a realistic file (the 10 % HPO N-Quads sample, ``bench/hpo_graphs.py``), it times loading
   into an in-memory Oxigraph store in-process (``trusted=True``, as for the bundled data) and
   through the child parser (as for every user's file), median of ``--runs``.
3. With ``--full``, ``causemap --data hpo-full.nq load DIR`` (the child parser) against the same
   load with the file trusted (Oxigraph's parallel bulk loader from the path).

Run: ``.venv/bin/python bench/bench_file_input.py [--runs 3] [--full] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_file_input import RDF, hostile_files  # noqa: E402

CACHE = Path.home() / ".cache" / "causemap" / "bench"

_MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
try:
    p = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True, timeout=120)
    code, err = p.returncode, p.stderr.strip()
except subprocess.TimeoutExpired:
    code, err = "hang", ""
print(json.dumps([code, err, time.monotonic() - started,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))
"""


def measure(args: list[str], env: dict | None = None) -> tuple:
    """(exit code, stderr, seconds, peak MiB) of ``causemap ARGS`` in a fresh process."""
    command = [sys.executable, "-c", "from graph.cli import main; main()", *args]
    out = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(command)],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return tuple(json.loads(out.stdout))


def slow_files(folder: Path) -> dict[str, Path]:
    depth = 100_000
    deep_xml = folder / "deep.rdf"
    deep_xml.write_text(f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="{RDF}" '
                        'xmlns:ex="http://example.org/">' + "<rdf:Description><ex:p>" * depth
                        + "</ex:p></rdf:Description>" * depth + "</rdf:RDF>")
    deep_json = folder / "deep.jsonld"
    deep_json.write_text('{"http://example.org/p":' * 20_000 + '"x"' + "}" * 20_000)
    return {"deep-rdf-xml": deep_xml, "deep-json-ld": deep_json}


def refusals(folder: Path) -> list[dict]:
    files = {name: path for name, (path, _) in hostile_files(folder).items()}
    files.update(slow_files(folder))
    rows = []
    for name, path in files.items():
        code, err, seconds, peak = measure(["--data", str(path), "query", "ASK {}"])
        rows.append({"file": name, "exit": code, "seconds": round(seconds, 2),
                     "peak_mib": round(peak), "one_line": len(err.splitlines()) == 1,
                     "holds": code == 2 and seconds < 20 and peak < 1024
                     and len(err.splitlines()) == 1,
                     "message": err.split(": ", 2)[-1][:90]})
    return rows


def load_overhead(path: Path, runs: int) -> dict:
    import pyoxigraph as ox

    from graph.store.oxigraph_store import load_file

    def once(trusted: bool) -> float:
        store = ox.Store()
        started = time.perf_counter()
        load_file(store, path, trusted=trusted)
        elapsed = time.perf_counter() - started
        assert len(store) > 0
        return elapsed

    trusted = statistics.median(once(True) for _ in range(runs))
    child = statistics.median(once(False) for _ in range(runs))
    return {"file": path.name, "mb": round(path.stat().st_size / 1e6), "in_process_s":
            round(trusted, 2), "child_parser_s": round(child, 2),
            "overhead": f"{(child / trusted - 1) * 100:+.0f} %"}


def full_load(path: Path) -> dict:
    """``causemap load`` of the full file: the child parser against the trusted bulk loader."""
    out = {}
    for how in ("child", "trusted"):
        target = Path(tempfile.mkdtemp(prefix="cm-bench-load-"))
        shutil.rmtree(target)
        if how == "child":
            code, err, seconds, peak = measure(["--data", str(path), "load", str(target)])
        else:  # the same build with the file trusted, as the bundled data is
            script = ("import sys, time; from graph.store.disk import build_store; "
                      "import graph.store.disk as d; t = time.monotonic(); "
                      "orig = d._load; d._load = lambda s, f, g, p, trusted=False: "
                      "orig(s, f, g, p, trusted=True); "
                      f"build_store({str(target)!r}, [{str(path)!r}]); "
                      "print(time.monotonic() - t)")
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
            code, seconds = done.returncode, time.monotonic() - started
            err = done.stderr.strip()[-200:]
        out[how] = {"exit": code, "seconds": round(seconds, 1), "error": err if code else ""}
        shutil.rmtree(target, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also causemap load of the full HPO file")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="cm-hostile-") as tmp:
        report["refusals"] = refusals(Path(tmp))
    print(f"{'file':<18} {'exit':>4} {'seconds':>8} {'peak MiB':>9}  holds  message")
    for r in report["refusals"]:
        print(f"{r['file']:<18} {r['exit']!s:>4} {r['seconds']:>8.2f} {r['peak_mib']:>9}  "
              f"{'yes' if r['holds'] else 'NO ':<5}  {r['message']}")
    print("target: exit 2, one line, < 20 s, < 1 GiB: "
          + ("holds" if all(r["holds"] for r in report["refusals"]) else "DOES NOT HOLD"))
    sample = CACHE / "hpo-10.nq"
    if sample.exists():
        report["overhead"] = load_overhead(sample, args.runs)
        o = report["overhead"]
        print(f"\nload {o['file']} ({o['mb']} MB) into memory: in-process {o['in_process_s']} s, "
              f"child parser {o['child_parser_s']} s ({o['overhead']})")
    else:
        print(f"\n{sample} is missing: run bench/hpo_graphs.py for the load-time figures")
    full = CACHE / "hpo-full.nq"
    if args.full and full.exists():
        report["full_load"] = full_load(full)
        f = report["full_load"]
        print(f"causemap load {full.name}: child parser {f['child']['seconds']} s, trusted bulk "
              f"load {f['trusted']['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
