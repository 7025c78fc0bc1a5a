"""Size and shape of a loaded graph: the figures ``causemap stats`` and the app's home page show.

>>> from graph.store import load
>>> s = graph_stats(load())
>>> s.entities > 50 and s.claims == s.relations
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.namespace import CM, RELATIONS
from graph.store import Store
from graph.store.terms import to_nt

__all__ = ["GraphStats", "graph_stats", "instance_counts", "relation_counts", "entity_count"]


@dataclass(frozen=True)
class GraphStats:
    """Counts; ``classes`` and ``relation_kinds`` are (label, count) pairs, largest first."""

    triples: int
    entities: int
    classes: list[tuple[str, int]]
    relations: int
    relation_kinds: list[tuple[str, int]]
    claims: int
    sections: int
    notes: int
    xrefs: int


def instance_counts(kg: Store) -> dict[URIRef, int]:
    """Instances of each entity class (every rdf:type counted), once per store (:meth:`Store.fact`)."""
    def compute():
        values = " ".join(to_nt(c) for c in sorted(kg.entity_classes, key=str))
        return {c: int(n) for c, n in kg.select_text(f"""SELECT ?c (COUNT(DISTINCT ?e) AS ?n)
            WHERE {{ VALUES ?c {{ {values} }} ?e a ?c }} GROUP BY ?c""")}
    return {URIRef(c): n for c, n in kg.fact("instance_counts", compute).items()}


def entity_count(kg: Store) -> int:
    """Distinct curated entities (of any entity class), once per store, cached."""
    def compute():
        values = " ".join(to_nt(c) for c in sorted(kg.entity_classes, key=str))
        return _count(kg, f"SELECT DISTINCT ?e WHERE {{ VALUES ?c {{ {values} }} "
                          "?e a ?c FILTER(isIRI(?e)) }")
    return kg.fact("entity_count", compute)


def relation_counts(kg: Store) -> dict[URIRef, int]:
    """Uses of each content relation (distinct triples), once per store (:meth:`Store.fact`)."""
    def compute():
        values = " ".join(to_nt(p) for p in RELATIONS)
        return {p: int(n) for p, n in kg.select_text(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{
            SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}
        }} GROUP BY ?p""")}
    return {URIRef(p): n for p, n in kg.fact("relation_counts", compute).items()}


def _count(kg: Store, where: str) -> int:
    rows = kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def graph_stats(kg: Store) -> GraphStats:
    """Count what the graph holds, with a handful of COUNT queries (never the whole graph in Python).

    An entity with several entity classes counts once, under the class :meth:`Store.class_of`
    gives it (the first by IRI).
    """
    classes_values = " ".join(to_nt(c) for c in sorted(kg.entity_classes, key=str))
    per_class = kg.select(f"""SELECT ?cls (COUNT(*) AS ?n) WHERE {{
        SELECT ?e (MIN(STR(?c)) AS ?cls) WHERE {{ VALUES ?c {{ {classes_values} }} ?e a ?c .
                                                  FILTER(isIRI(?e)) }} GROUP BY ?e
    }} GROUP BY ?cls""")
    classes = Counter({kg.label(URIRef(str(c))): int(n) for c, n in per_class})
    kinds = Counter({kg.label(p): n for p, n in relation_counts(kg).items()})
    xref_values = " ".join(to_nt(p) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch,
                                              SKOS.broadMatch, SKOS.relatedMatch))
    return GraphStats(
        triples=len(kg),
        entities=sum(classes.values()),
        classes=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        relations=sum(kinds.values()),
        relation_kinds=[kv for kv in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])) if kv[1]],
        claims=_count(kg, f"SELECT DISTINCT ?c WHERE {{ ?c a {to_nt(CM.Claim)} }}"),
        sections=_count(kg, f"SELECT DISTINCT ?x WHERE {{ ?c {to_nt(CM.citesSection)} ?x }}"),
        notes=_count(kg, f"SELECT DISTINCT ?s ?n WHERE {{ ?s {to_nt(CM.curatorNote)} ?n }}"),
        xrefs=_count(kg, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {xref_values} }} ?s ?p ?o }}"),
    )
