"""Build an on-disk Oxigraph store from RDF files: what ``causemap load PATH --data FILE…`` does.

A store on disk is parsed once and then opened read-only in about a second whatever its size
(``--store oxigraph:PATH``), instead of reparsing millions of triples at every start. The folder
gets a marker file (:data:`~graph.store.oxigraph_store.MARKER`) saying Causemap made it, from
which files, with how many triples; a folder without one is never overwritten, so a typo in PATH
cannot destroy someone's data. Rebuilding a store Causemap made replaces it.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> report = build_store(folder)
>>> report.triples > 1000, (folder / MARKER).exists()
(True, True)
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from graph.errors import DataLoadError
from graph.store.files import ONTOLOGY, ONTOLOGY_GRAPH, data_files, parse_failure, rdf_format
from graph.store.oxigraph_store import MARKER, read_marker
from graph.store.terms import to_ox

__all__ = ["build_store", "prepare_folder", "write_marker", "LoadReport", "MARKER"]

#: ``progress(step, done, total)``: a step name, and bytes read of the step's total.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LoadReport:
    """What :func:`build_store` made: where, from which files, how many triples, how long."""

    path: Path
    files: list[str]
    triples: int
    seconds: float


def prepare_folder(path: Path) -> None:
    """Make ``path`` ready for a new store: create it, or clear a store Causemap made there.

    Raises
    ------
    DataLoadError
        ``path`` is a file, or a non-empty folder without Causemap's marker.
    """
    if path.exists() and not path.is_dir():
        raise DataLoadError(f"{path}: is a file; give a folder for the store")
    if path.is_dir() and any(path.iterdir()):
        if read_marker(path) is None:
            raise DataLoadError(f"{path}: refusing to overwrite a folder that is not a store "
                                f"Causemap made (no {MARKER} in it); choose an empty or new folder")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def write_marker(path: Path, **fields) -> None:
    """Write the marker file that says Causemap made this store (and may replace it)."""
    from graph import __version__

    marker = {"made_by": "causemap", "version": __version__,
              "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), **fields}
    (path / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")


class _Counting:
    """A binary file that reports how far it has been read."""

    def __init__(self, handle, step: str, total: int, progress: Progress | None):
        self._handle, self._step, self._total, self._progress = handle, step, total, progress
        self._done, self._last = 0, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self._done += len(chunk)
        if self._progress and (self._done - self._last > 1 << 20 or not chunk):
            self._last = self._done
            self._progress(self._step, self._done, self._total)
        return chunk


def _load(store: ox.Store, path: Path, graph, progress: Progress | None) -> None:
    fmt = rdf_format(path)
    kind = getattr(ox.RdfFormat, fmt.oxigraph)
    target = None if fmt.quads else (to_ox(graph) if graph is not None else ox.DefaultGraph())
    try:
        with open(path, "rb") as handle:
            counted = _Counting(handle, path.name, path.stat().st_size, progress)
            store.bulk_load(counted, format=kind, base_iri=path.resolve().as_uri(),
                            to_graph=target)
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
        raise parse_failure(path, fmt, exc) from None


def build_store(path: str | Path, files: Iterable[str | Path] | None = None, *,
                progress: Progress | None = None) -> LoadReport:
    """Parse ``files`` (the bundled data when None) and the ontology into a new store at ``path``.

    Raises
    ------
    DataLoadError
        A bad file (nothing is left half-built: the folder is removed), or a folder that is not
        Causemap's to overwrite.
    """
    started = time.perf_counter()
    folder = Path(path)
    sources = data_files(None if files is None else list(files))
    prepare_folder(folder)
    try:
        store = ox.Store(str(folder))
        _load(store, ONTOLOGY, ONTOLOGY_GRAPH, progress)
        for file in sources:
            _load(store, file, None, progress)
        store.flush()
        count = len(store)
        del store
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    names = [str(Path(f).resolve()) for f in [ONTOLOGY, *sources]]
    write_marker(folder, files=names, triples=count, sources=["files"])
    return LoadReport(folder, names, count, time.perf_counter() - started)
