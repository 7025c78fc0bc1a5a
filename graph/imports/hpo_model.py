"""Map the HPO release to RDF in the Causemap model: IRIs, qualifiers, and the quads of each record.

The model, in short (``docs/hpo-model.md`` has it whole):

- **Terms** keep HPO's IRIs (``obo:HP_0002901``) and are typed by branch (:data:`BRANCH_CLASSES`):
  Phenotypic abnormality → ``cm:Symptom``, Onset → ``cm:OnsetAge``, Mode of inheritance →
  ``cm:InheritanceMode``, other Clinical modifiers → ``cm:ClinicalModifier``, Past medical history
  → ``cm:HistoryFinding``, Frequency → ``cm:FrequencyCategory``. Each has an English
  ``rdfs:label``, EXACT synonyms as ``skos:altLabel``, its ``skos:definition`` when HPO has one,
  ``skos:notation "HP:0002901"``, and is-a as ``rdfs:subClassOf``. Obsolete terms are never
  written; annotations on them move to their ``replaced_by`` term (alternative ids to their primary
  id) or are dropped when there is none.
- **Diseases** are ``cm:Condition`` at ``disease:OMIM_188400`` with the canonical IRI the article
  uses as ``skos:exactMatch`` (:func:`canonical_disease_iri`), ``skos:notation "OMIM:188400"`` and
  their name in ``phenotype.hpoa`` as label.
- **Annotations**: every distinct line of ``phenotype.hpoa`` is a ``cm:PhenotypeAnnotation`` at a
  content-derived IRI (:func:`annotation_iri`) with ``cm:annotatedCondition``,
  ``cm:annotatedTerm``, ``cm:evidenceCode``, ``cm:citesReference``, the frequency
  (``cm:frequencyTerm`` or ``cm:observedFrequency``, and ``cm:frequencyValue`` from 0 to 1),
  ``cm:onset``, ``cm:sex``, ``cm:modifier`` and ``cm:negated true`` for NOT lines. Beside a
  positive annotation stands one plain edge from the disease to the term, chosen by the term's
  branch (:data:`BRANCH_EDGES`): ``cm:hasSymptom``, ``cm:typicalOnset``, ``cm:modeOfInheritance``
  or ``cm:hasClinicalModifier``. A NOT annotation, or one whose frequency is zero (0/n, 0%,
  Excluded), is never an edge.
- **Genes** are ``cm:Gene`` at ``gene:NCBIGene_6899``, labelled by symbol, with NCBI Gene's page as
  ``skos:exactMatch``, and ``disease cm:associatedGene gene``.
- **Provenance**: all of it sits in the named graph ``src:hpo-<release>``, which is also the IRI of
  the ``cm:SourceRelease`` that describes the release (label, version, date, licence). Imported
  entities say ``cm:importedFrom`` it.

Examples
--------
>>> canonical_disease_iri("ORPHA:567")
'http://www.orpha.net/ORDO/Orphanet_567'
>>> parse_frequency("3/5")
Frequency(term=None, text='3/5', value=Decimal('0.6'))
>>> parse_frequency("HP:0040281").value
Decimal('0.895')
>>> reference_iri("PMID:31675180")
'https://pubmed.ncbi.nlm.nih.gov/31675180/'
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import NamedTuple

from pyoxigraph import Literal, NamedNode

from ..namespace import ANNOTATION, CM, DISEASE, GENE, SOURCE
from .hpo_files import Annotation, Ontology

__all__ = [
    "HP_IRI",
    "BRANCH_CLASSES",
    "BRANCH_EDGES",
    "FREQUENCY_BANDS",
    "Frequency",
    "term_iri",
    "disease_iri",
    "canonical_disease_iri",
    "gene_iri",
    "gene_page",
    "reference_iri",
    "release_iri",
    "annotation_iri",
    "parse_frequency",
    "sample_keeps",
    "Vocab",
]

HP_IRI = "http://purl.obolibrary.org/obo/HP_"

#: The Causemap class of the terms of each imported branch (keys of ``hpo_files.BRANCH_ROOTS``).
BRANCH_CLASSES = {
    "phenotype": str(CM.Symptom),
    "onset": str(CM.OnsetAge),
    "inheritance": str(CM.InheritanceMode),
    "frequency": str(CM.FrequencyCategory),
    "modifier": str(CM.ClinicalModifier),
    "history": str(CM.HistoryFinding),
}

#: The plain edge from a disease to the term of a positive annotation, by the term's branch.
#: Past medical history findings get none: "maternal diabetes" is not a feature of the child's
#: disease in the sense of any of our relations, so only the annotation records it.
BRANCH_EDGES = {
    "phenotype": str(CM.hasSymptom),
    "onset": str(CM.typicalOnset),
    "inheritance": str(CM.modeOfInheritance),
    "modifier": str(CM.hasClinicalModifier),
}

#: HPO's frequency categories: (lowest, highest) share of patients, as their definitions in
#: hp.obo state (tests/test_import_hpo.py checks the definitions still say so). Their value is
#: the middle of the band.
FREQUENCY_BANDS: dict[str, tuple[Decimal, Decimal]] = {
    "HP:0040280": (Decimal("1"), Decimal("1")),        # Obligate (100%)
    "HP:0040281": (Decimal("0.80"), Decimal("0.99")),  # Very frequent (99-80%)
    "HP:0040282": (Decimal("0.30"), Decimal("0.79")),  # Frequent (79-30%)
    "HP:0040283": (Decimal("0.05"), Decimal("0.29")),  # Occasional (29-5%)
    "HP:0040284": (Decimal("0.01"), Decimal("0.04")),  # Very rare (<4-1%)
    "HP:0040285": (Decimal("0"), Decimal("0")),        # Excluded (0%)
}

_DISEASE_ID = re.compile(r"(OMIM|ORPHA|DECIPHER):(\d+)")
_HPO_ID = re.compile(r"HP:(\d{7})")
_RATIO = re.compile(r"(\d+)/(\d+)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_ISBN = re.compile(r"ISBN(?:-1[03])?:([0-9Xx-]+)")
_WEB_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_FOUR_PLACES = Decimal("0.0001")

# Namespaces the quads use, as plain strings (pyoxigraph terms are built from them once).
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"


def term_iri(hpo_id: str) -> str:
    """HPO's own IRI for ``HP:nnnnnnn``.

    >>> term_iri("HP:0002901")
    'http://purl.obolibrary.org/obo/HP_0002901'
    """
    m = _HPO_ID.fullmatch(hpo_id)
    if not m:
        raise ValueError(f"not an HPO id: {hpo_id!r}")
    return HP_IRI + m.group(1)


def disease_iri(disease_id: str) -> str | None:
    """Our IRI for an OMIM, ORPHA or DECIPHER disease id; ``None`` for any other id.

    >>> disease_iri("OMIM:188400")
    'https://w3id.org/causemap/disease/OMIM_188400'
    >>> disease_iri("MONDO:0008564") is None
    True
    """
    m = _DISEASE_ID.fullmatch(disease_id)
    return f"{DISEASE}{m.group(1)}_{m.group(2)}" if m else None


def canonical_disease_iri(disease_id: str) -> str | None:
    """The canonical web IRI of a disease id: the ones ``data/article.trig`` uses for OMIM and
    Orphanet, DECIPHER's syndrome page for DECIPHER.

    >>> canonical_disease_iri("OMIM:188400"), canonical_disease_iri("DECIPHER:1")
    ('https://omim.org/entry/188400', 'https://www.deciphergenomics.org/syndrome/1')
    """
    m = _DISEASE_ID.fullmatch(disease_id)
    if not m:
        return None
    prefix, local = m.groups()
    return {"OMIM": "https://omim.org/entry/", "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
            "DECIPHER": "https://www.deciphergenomics.org/syndrome/"}[prefix] + local


def gene_iri(ncbi_gene_id: str) -> str:
    """Our IRI for an NCBI Gene id (digits).

    >>> gene_iri("6899")
    'https://w3id.org/causemap/gene/NCBIGene_6899'
    """
    return f"{GENE}NCBIGene_{ncbi_gene_id}"


def gene_page(ncbi_gene_id: str) -> str:
    """NCBI Gene's page for a gene id, the gene's ``skos:exactMatch``."""
    return f"https://www.ncbi.nlm.nih.gov/gene/{ncbi_gene_id}"


def reference_iri(reference: str) -> str | None:
    """The web IRI of a reference of ``phenotype.hpoa``; ``None`` when it has no known form.

    >>> reference_iri("OMIM:188400"), reference_iri("ISBN-13:978-0721606156")
    ('https://omim.org/entry/188400', 'urn:isbn:9780721606156')
    >>> reference_iri("http://example.org/page"), reference_iri("WHO:42")
    ('http://example.org/page', None)
    """
    reference = reference.strip()
    if reference.startswith("PMID:") and reference[5:].isdigit():
        return f"https://pubmed.ncbi.nlm.nih.gov/{reference[5:]}/"
    if (iri := canonical_disease_iri(reference)) is not None:
        return iri
    if m := _ISBN.fullmatch(reference):
        return "urn:isbn:" + m.group(1).replace("-", "").upper()
    if _WEB_IRI.fullmatch(reference):
        return reference
    return None


def release_iri(release: str) -> str:
    """The IRI of a release, which also names the graph of everything imported from it.

    >>> release_iri("2025-01-16")
    'https://w3id.org/causemap/source/hpo-2025-01-16'
    """
    return f"{SOURCE}hpo-{release}"


def annotation_iri(ann: Annotation, hpo_id: str) -> str:
    """A deterministic IRI for an annotation line: disease, term, and a hash of its content.

    The hash covers every column but the disease name and the biocuration (which the source
    rewrites each release for its Orphanet lines), so the IRI is stable across releases as long as
    the annotation says the same thing, and two lines that say the same thing are one record.
    ``hpo_id`` is the live term the annotation is about (after ``replaced_by``).

    >>> from graph.imports.hpo_files import Annotation
    >>> a = Annotation("OMIM:188400", "DiGeorge syndrome", False, "HP:0002901", ("PMID:1",),
    ...                "TAS", "", "HP:0040281", "", (), "P")
    >>> annotation_iri(a, "HP:0002901")
    'https://w3id.org/causemap/annotation/OMIM_188400-HP_0002901-6355b98b'
    """
    content = "\t".join((ann.disease_id, "NOT" if ann.negated else "", hpo_id,
                         ";".join(ann.references), ann.evidence, ann.onset, ann.frequency,
                         ann.sex, ";".join(ann.modifiers), ann.aspect))
    digest = hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
    return f"{ANNOTATION}{ann.disease_id.replace(':', '_')}-{hpo_id.replace(':', '_')}-{digest}"


class Frequency(NamedTuple):
    """A frequency column, read: the HPO category, or the text of a count or percentage, and the
    share of patients from 0 to 1 (``None`` when the column is empty or unreadable)."""

    term: str | None
    text: str | None
    value: Decimal | None


def _band_middle(term: str) -> Decimal:
    low, high = FREQUENCY_BANDS[term]
    return ((low + high) / 2).quantize(_FOUR_PLACES).normalize()


def parse_frequency(text: str) -> Frequency:
    """Read a frequency column: an HPO frequency term, a count ``n/m`` or a percentage.

    A count whose numerator exceeds its denominator, or a percentage over 100, is kept as text
    with no value.

    >>> parse_frequency("HP:0040285")
    Frequency(term='HP:0040285', text=None, value=Decimal('0'))
    >>> parse_frequency("32.3%")
    Frequency(term=None, text='32.3%', value=Decimal('0.323'))
    >>> parse_frequency("1/3").value, parse_frequency("").value
    (Decimal('0.3333'), None)
    """
    text = text.strip()
    if not text:
        return Frequency(None, None, None)
    if text in FREQUENCY_BANDS:
        return Frequency(text, None, _band_middle(text))
    if _HPO_ID.fullmatch(text):
        return Frequency(text, None, None)
    if m := _RATIO.fullmatch(text):
        n, total = int(m.group(1)), int(m.group(2))
        if total == 0 or n > total:
            return Frequency(None, text, None)
        return Frequency(None, text, (Decimal(n) / Decimal(total)).quantize(_FOUR_PLACES)
                         .normalize())
    if m := _PERCENT.fullmatch(text):
        share = Decimal(m.group(1)) / 100
        if share > 1:
            return Frequency(None, text, None)
        return Frequency(None, text, share.quantize(_FOUR_PLACES).normalize())
    return Frequency(None, text, None)


def decimal_lexical(value: Decimal) -> str:
    """``value`` in the canonical lexical form of ``xsd:decimal`` (always with a point).

    >>> [decimal_lexical(Decimal(x)) for x in ("1", "0.6", "0E-4")]
    ['1.0', '0.6', '0.0']
    """
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return text


def sample_keeps(disease_id: str, share: float) -> bool:
    """Whether a deterministic sample of ``share`` (0–1) of the diseases holds ``disease_id``.

    A disease is kept when the first 32 bits of the SHA-1 of its id, read as a fraction, fall
    below ``share``: the same disease is chosen in every run and every release, whatever the file
    order, and a 10 % sample is part of the 20 % one.

    >>> sample_keeps("OMIM:188400", 1.0), sample_keeps("OMIM:188400", 0.0)
    (True, False)
    """
    digest = hashlib.sha1(disease_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


class Vocab:
    """The pyoxigraph terms the quads use, made once: each NamedNode checks its IRI when built,
    so reusing them is most of the import's speed."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self._nodes: dict[str, NamedNode] = {}
        self.graph = self.node(release_iri(ontology.release))

    def node(self, iri: str) -> NamedNode:
        """The NamedNode for ``iri``, shared."""
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = NamedNode(iri)
        return found

    def term(self, hpo_id: str) -> NamedNode:
        """The NamedNode of a live HPO term."""
        return self.node(term_iri(hpo_id))

    def text(self, value: str) -> Literal:
        """An English literal."""
        return Literal(value, language="en")

