"""The Causemap vocabulary as a closed rdflib namespace, and the prefixes every query may use.

``CM`` lists the ontology's terms (``ontology/causemap.ttl``) and raises on a typo, the way rdflib's
own vocabularies do; ``tests/test_ontology.py`` keeps the list in sync with the Turtle file. Entities
share the namespace (``cm:DiGeorgeSyndrome``) so that a student's SPARQL needs one prefix; they are
data, not vocabulary, so they are built with :func:`entity` rather than attribute access.

Examples
--------
>>> CM.actsThrough
rdflib.term.URIRef('https://w3id.org/causemap/actsThrough')
>>> entity("Hypocalcemia")
rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia')
>>> curie(entity("Hypocalcemia"))
'cm:Hypocalcemia'
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = [
    "BASE",
    "CM",
    "CLAIM",
    "SOURCE",
    "HP",
    "OMIM",
    "ORPHA",
    "PREFIXES",
    "RELATIONS",
    "DISEASE",
    "GENE",
    "ANNOTATION",
    "entity",
    "curie",
    "expand_curie",
    "sparql_prefixes",
    "xref_curie",
    "xref_link",
]

BASE = "https://w3id.org/causemap/"


class CM(DefinedNamespace):
    """Classes and properties of the Causemap ontology."""

    _NS = Namespace(BASE)
    _fail = True

    # classes
    AnatomicalStructure: URIRef
    Claim: URIRef
    Condition: URIRef
    Entity: URIRef
    GeneticFactor: URIRef
    Mechanism: URIRef
    MovementKind: URIRef
    OnsetAge: URIRef
    Pathogen: URIRef
    RejectedClaim: URIRef
    SourceDocument: URIRef
    SourceSection: URIRef
    Substance: URIRef
    Symptom: URIRef
    Treatment: URIRef
    Trigger: URIRef
    # relations between entities
    actsThrough: URIRef
    affects: URIRef
    aggravatedBy: URIRef
    canCause: URIRef
    compresses: URIRef
    hasSymptom: URIRef
    innervates: URIRef
    involvesSubstance: URIRef
    showsAs: URIRef
    treatedBy: URIRef
    typicalOnset: URIRef
    withdrawalFrom: URIRef
    # attributes of entities
    movementPattern: URIRef
    # provenance and annotations
    citesSection: URIRef
    claimText: URIRef
    curatorNote: URIRef
    inverseLabel: URIRef
    partOfSource: URIRef
    sectionNumber: URIRef
    # --- HPO import (graph/imports/, ontology section "HPO import") ---
    # classes
    ClinicalModifier: URIRef
    FrequencyCategory: URIRef
    Gene: URIRef
    HistoryFinding: URIRef
    InheritanceMode: URIRef
    PhenotypeAnnotation: URIRef
    SourceRelease: URIRef
    # relations between entities
    associatedGene: URIRef
    hasClinicalModifier: URIRef
    modeOfInheritance: URIRef
    # annotation records and provenance
    annotatedCondition: URIRef
    annotatedTerm: URIRef
    citesReference: URIRef
    contradictedBy: URIRef
    corroboratedBy: URIRef
    evidenceCode: URIRef
    frequencyTerm: URIRef
    frequencyValue: URIRef
    importedFrom: URIRef
    modifier: URIRef
    negated: URIRef
    observedFrequency: URIRef
    onset: URIRef
    sex: URIRef


CLAIM = Namespace(BASE + "claim/")
SOURCE = Namespace(BASE + "source/")
HP = Namespace("http://purl.obolibrary.org/obo/HP_")
OMIM = Namespace("https://omim.org/entry/")
ORPHA = Namespace("http://www.orpha.net/ORDO/Orphanet_")

#: The content relations: edges between curated entities (what networkx projects, what paths use).
RELATIONS: tuple[URIRef, ...] = (
    CM.actsThrough,
    CM.affects,
    CM.aggravatedBy,
    CM.canCause,
    CM.compresses,
    CM.hasSymptom,
    CM.innervates,
    CM.involvesSubstance,
    CM.showsAs,
    CM.treatedBy,
    CM.typicalOnset,
    CM.withdrawalFrom,
)

#: Prefixes declared for every query (a query may redeclare them).
PREFIXES: dict[str, str] = {
    "cm": BASE,
    "claim": str(CLAIM),
    "src": str(SOURCE),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "obo": "http://purl.obolibrary.org/obo/",
}

# --- HPO import (graph/imports/): namespaces of imported records, their prefixes, relations ---
#: Diseases imported from HPO annotations (``disease:OMIM_188400``), genes (``gene:NCBIGene_6899``)
#: and the annotation records themselves (``annotation:OMIM_188400-HP_0002901-1a2b3c4d``).
DISEASE = Namespace(BASE + "disease/")
GENE = Namespace(BASE + "gene/")
ANNOTATION = Namespace(BASE + "annotation/")
PREFIXES.update({
    "disease": str(DISEASE),
    "gene": str(GENE),
    "annotation": str(ANNOTATION),
})
RELATIONS = RELATIONS + (
    CM.associatedGene,
    CM.hasClinicalModifier,
    CM.modeOfInheritance,
)
# --- end of HPO import ---


def entity(local_name: str) -> URIRef:
    """Return the IRI of the curated entity with this local name (no check that it exists)."""
    return URIRef(BASE + local_name)


def curie(iri: str) -> str:
    """Shorten an IRI with the longest matching prefix of :data:`PREFIXES`, else return it whole.

    >>> curie("http://www.w3.org/2004/02/skos/core#altLabel")
    'skos:altLabel'
    >>> curie("https://example.org/x")
    'https://example.org/x'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    if best is None:
        return iri
    local = iri[len(PREFIXES[best]):]
    # A CURIE is only useful when the local part is a plain name.
    if not local or not all(c.isalnum() or c in "_-." for c in local):
        return iri
    return f"{best}:{local}"


def expand_curie(text: str) -> URIRef | None:
    """Expand ``prefix:local`` with :data:`PREFIXES`; ``None`` when the prefix is unknown.

    >>> expand_curie("cm:Hypocalcemia")
    rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia')
    >>> expand_curie("nope:x") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return URIRef(PREFIXES[prefix] + local)


def sparql_prefixes() -> str:
    """The ``PREFIX`` lines for :data:`PREFIXES`, one per line."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# Cross-reference IRIs: (pattern, CURIE prefix, the public page for the id, or None for the IRI).
_XREFS = (
    (re.compile(r"http://purl\.obolibrary\.org/obo/HP_(\d+)"), "HP",
     "https://hpo.jax.org/browse/term/HP:{}"),
    (re.compile(r"https://omim\.org/entry/(\d+)"), "OMIM", None),
    (re.compile(r"http://www\.orpha\.net/ORDO/Orphanet_(\d+)"), "ORPHA",
     "https://www.orpha.net/en/disease/detail/{}"),
    (re.compile(r"https://pubmed\.ncbi\.nlm\.nih\.gov/(\d+)/"), "PMID", None),
)
_OBO_RE = re.compile(r"http://purl\.obolibrary\.org/obo/([A-Za-z]+)_(\d+)")


def xref_curie(iri: str) -> str | None:
    """The usual short id of an HPO, OMIM, ORPHA (or other OBO) IRI, else ``None``.

    These ids are what students and papers write (``HP:0002901``, not ``obo:HP_0002901``), so
    tables and pages show them instead of a generic CURIE.

    >>> xref_curie("https://omim.org/entry/188400")
    'OMIM:188400'
    >>> xref_curie("https://w3id.org/causemap/Hypocalcemia") is None
    True
    """
    for pattern, prefix, _page in _XREFS:
        if m := pattern.fullmatch(iri):
            return f"{prefix}:{m.group(1)}"
    if m := _OBO_RE.fullmatch(iri):
        return f"{m.group(1)}:{m.group(2)}"
    return None


def xref_link(iri: str) -> tuple[str, str]:
    """The short id and a human web page for an HPO, OMIM or ORPHA IRI (else a CURIE and the IRI).

    >>> xref_link("http://purl.obolibrary.org/obo/HP_0002901")
    ('HP:0002901', 'https://hpo.jax.org/browse/term/HP:0002901')
    >>> xref_link("http://www.orpha.net/ORDO/Orphanet_567")
    ('ORPHA:567', 'https://www.orpha.net/en/disease/detail/567')
    >>> xref_link("https://omim.org/entry/188400")
    ('OMIM:188400', 'https://omim.org/entry/188400')
    >>> xref_link("https://pubmed.ncbi.nlm.nih.gov/16208694/")
    ('PMID:16208694', 'https://pubmed.ncbi.nlm.nih.gov/16208694/')
    """
    for pattern, prefix, page in _XREFS:
        if m := pattern.fullmatch(iri):
            return f"{prefix}:{m.group(1)}", page.format(m.group(1)) if page else iri
    return xref_curie(iri) or curie(iri), iri
