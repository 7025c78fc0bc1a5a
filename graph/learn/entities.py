"""Find entities by what a student types, and gather everything known about one entity.

Search is over labels and synonyms (``skos:altLabel``), forgiving about case, punctuation and small
typos, so that "parkinsons", "als" and "digorge" all land where a student expects. :func:`resolve`
turns one user string (a label, a synonym, a CURIE such as ``cm:Hypocalcemia`` or a full IRI) into
exactly one entity or raises a specific error; :func:`describe` returns the details panel's content:
type, synonyms, definition, cross-references, curator notes, and every relation in and out written
as a sentence with its source.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> kg.label(resolve(kg, "parkinsons"))
"Parkinson's disease"
>>> kg.label(resolve(kg, "als"))
'amyotrophic lateral sclerosis'
>>> [m.label for m in search(kg, "hypocalc")][:1]
['hypocalcemia']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from graph.errors import AmbiguousEntity, EntityNotFound
from graph.namespace import CM, RELATIONS, curie, expand_curie, xref_link
from graph.learn.search import Match, index_of, normalise, search
from graph.store import Store

__all__ = ["Match", "Xref", "Relation", "EntityDetails", "search", "resolve", "describe",
           "normalise", "xref_link", "edge_provenance", "annotation_sentence", "Provenance"]

_MATCH_PROPS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch,
                SKOS.relatedMatch)


def resolve(kg: Store, text: str) -> URIRef:
    """Turn a label, synonym, CURIE or IRI into exactly one curated entity.

    Raises
    ------
    EntityNotFound
        Nothing matches well enough; the message suggests the closest names.
    AmbiguousEntity
        Several entities match exactly; the message lists them.

    Examples
    --------
    >>> from graph.store import load
    >>> kg = load()
    >>> resolve(kg, "cm:Hypocalcemia") == resolve(kg, "low calcium")
    True
    >>> resolve(kg, "xyzzy")
    Traceback (most recent call last):
    ...
    graph.errors.EntityNotFound: no entity called 'xyzzy'
    """
    raw = text.strip()
    if not raw:
        raise EntityNotFound("an entity name is required")
    iri = None
    if raw.startswith("<") and raw.endswith(">"):
        iri = URIRef(raw[1:-1])
    elif raw.startswith(("http://", "https://")):
        iri = URIRef(raw)
    elif ":" in raw and " " not in raw:
        iri = expand_curie(raw)
    if iri is not None:
        if kg.class_of(iri) is None:
            raise EntityNotFound(f"{curie(str(iri))} is not an entity in this graph")
        return iri
    index = index_of(kg)
    at = index.exact.get(normalise(raw))
    exact = {ent for ent, _, _ in index.entries[at]} if at is not None else set()
    if len(exact) == 1:
        return exact.pop()
    if len(exact) > 1:
        names = ", ".join(sorted(f"{kg.label(e)} ({curie(str(e))})" for e in exact))
        raise AmbiguousEntity(f"'{raw}' names several entities: {names}; use one of the CURIEs")
    hits = search(kg, raw, limit=5)
    if hits and hits[0].score >= 0.7 and (len(hits) == 1 or hits[0].score - hits[1].score >= 0.05):
        return hits[0].iri
    if hits:
        names = ", ".join(f"'{h.label}'" for h in hits[:3])
        raise EntityNotFound(f"no entity called '{raw}'; did you mean {names}?")
    raise EntityNotFound(f"no entity called '{raw}'")


@dataclass(frozen=True)
class Xref:
    """A cross-reference: SKOS mapping kind, target IRI, short id (``HP:0002901``) and a web page."""

    kind: str
    iri: str
    short_id: str
    url: str


@dataclass(frozen=True)
class Provenance:
    """Where one relation comes from: a curated claim (its text, section and notes) or an imported
    release (its label, and the evidence of each annotation that states the relation).

    ``supported`` and ``contradicted`` say, for a curated claim, which HPO annotations agree or
    disagree with it (the corroboration of ``docs/hpo-model.md``), each as one sentence.
    """

    claim: URIRef
    claim_text: str
    section: URIRef | None
    section_label: str
    section_number: int | None
    notes: tuple[str, ...] = ()
    supported: tuple[str, ...] = ()
    contradicted: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """The citation as a reader sees it: "§4. DiGeorge Syndrome", or a release's name."""
        return f"§{self.section_label}" if self.section is not None else self.section_label


def annotation_sentence(kg: Store, annotation, *, subject: bool = True) -> str:
    """One HPO annotation as a phrase: what it annotates, how often, on what evidence, from where.

    With ``subject`` False the disease and the term are left out (they are the edge's own ends).
    """
    parts = []
    if subject:
        disease, term = kg.value(annotation, CM.annotatedCondition), kg.value(annotation, CM.annotatedTerm)
        notation = kg.value(disease, SKOS.notation) if disease is not None else None
        parts.append(f"{kg.label(disease)}{f' ({notation})' if notation else ''} has "
                     f"{kg.label(term)}")
    freq = kg.value(annotation, CM.frequencyTerm)
    observed = kg.value(annotation, CM.observedFrequency)
    if freq is not None:
        parts.append(f"frequency {kg.label(freq)}")
    elif observed is not None:
        parts.append(f"seen in {observed}")
    evidence = kg.value(annotation, CM.evidenceCode)
    if evidence is not None:
        parts.append(f"evidence {evidence}")
    refs = sorted(xref_link(str(r))[0] for r in kg.objects(annotation, CM.citesReference))
    if refs:
        parts.append(", ".join(refs[:3]) + (" …" if len(refs) > 3 else ""))
    return ", ".join(parts) if parts else curie(str(annotation))


def edge_provenance(kg: Store, s, p, o) -> list[Provenance]:
    """The claims that state the triple ``(s, p, o)``, each with its section and notes.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> [pr.section_label for pr in edge_provenance(kg, entity("DiGeorgeSyndrome"), CM.actsThrough,
    ...                                             entity("Hypocalcemia"))]
    ['4. DiGeorge Syndrome']
    """
    found = []
    for _s, _p, _o, name in kg.quads(s, p, o):
        if name is None:
            continue  # the default graph: no claim says where it comes from
        if (name, CM.citesSection, None) in kg:
            section = kg.value(name, CM.citesSection)
            number = kg.value(section, CM.sectionNumber) if section is not None else None
            found.append(Provenance(
                claim=name,
                claim_text=str(kg.value(name, CM.claimText) or ""),
                section=section,
                section_label=kg.label(section) if section is not None else "",
                section_number=int(number) if number is not None else None,
                notes=tuple(sorted(str(n) for n in kg.objects(name, CM.curatorNote))),
                supported=tuple(sorted(annotation_sentence(kg, a)
                                       for a in kg.objects(name, CM.corroboratedBy))),
                contradicted=tuple(sorted(annotation_sentence(kg, a)
                                          for a in kg.objects(name, CM.contradictedBy))),
            ))
        elif (name, RDF.type, CM.SourceRelease) in kg:
            annotations = [a for a in kg.subjects(CM.annotatedCondition, s)
                           if (a, CM.annotatedTerm, o) in kg]
            found.append(Provenance(
                claim=name,
                claim_text="; ".join(sorted(annotation_sentence(kg, a, subject=False)
                                            for a in annotations[:5])),
                section=None,
                section_label=kg.label(name),
                section_number=None,
            ))
    return sorted(found, key=lambda pr: str(pr.claim))


@dataclass(frozen=True)
class Relation:
    """One relation of an entity, seen from that entity (``direction`` is 'out' or 'in')."""

    subject: URIRef
    predicate: URIRef
    object: URIRef
    direction: str
    sentence: str
    provenance: tuple[Provenance, ...]


@dataclass
class EntityDetails:
    """Everything the details panel, the entity page and ``causemap`` show for one entity."""

    iri: URIRef
    curie: str
    label: str
    cls: URIRef | None
    cls_label: str
    synonyms: list[str]
    definition: str
    xrefs: list[Xref]
    notes: list[str]
    relations: list[Relation] = field(default_factory=list)

    @property
    def outgoing(self) -> list[Relation]:
        return [r for r in self.relations if r.direction == "out"]

    @property
    def incoming(self) -> list[Relation]:
        return [r for r in self.relations if r.direction == "in"]


def describe(kg: Store, iri: URIRef) -> EntityDetails:
    """Gather the details of one entity.

    Raises
    ------
    EntityNotFound
        When ``iri`` is not a curated entity.

    Examples
    --------
    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> d = describe(load(), entity("Hypocalcemia"))
    >>> d.cls_label, d.xrefs[0].short_id
    ('Mechanism', 'HP:0002901')
    >>> any(r.sentence == "DiGeorge syndrome acts through hypocalcemia." for r in d.incoming)
    True
    """
    from graph.learn.explain import edge_sentence  # explain imports entities for provenance

    cls = kg.class_of(iri)
    if cls is None:
        raise EntityNotFound(f"{curie(str(iri))} is not an entity in this graph")
    g = kg
    xrefs = []
    for prop in _MATCH_PROPS:
        for target in sorted(g.objects(iri, prop), key=str):
            short, url = xref_link(str(target))
            xrefs.append(Xref(curie(str(prop)).split(":")[1], str(target), short, url))
    relations = []
    for p in RELATIONS:
        for o in g.objects(iri, p):
            relations.append(Relation(iri, p, o, "out", edge_sentence(kg, iri, p, o),
                                      tuple(edge_provenance(kg, iri, p, o))))
        for s in g.subjects(p, iri):
            relations.append(Relation(s, p, iri, "in", edge_sentence(kg, s, p, iri),
                                      tuple(edge_provenance(kg, s, p, iri))))
    relations.sort(key=lambda r: (r.direction != "out", kg.label(r.predicate),
                                  kg.label(r.object if r.direction == "out" else r.subject).lower()))
    definition = g.value(iri, SKOS.definition)
    return EntityDetails(
        iri=iri,
        curie=curie(str(iri)),
        label=kg.label(iri),
        cls=cls,
        cls_label=kg.label(cls),
        synonyms=kg.synonyms(iri),
        definition=str(definition) if isinstance(definition, Literal) else "",
        xrefs=xrefs,
        notes=sorted(str(n) for n in g.objects(iri, CM.curatorNote)),
        relations=relations,
    )
