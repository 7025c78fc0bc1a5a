"""The ontology as tables and as a small network: what the Ontology page and ``stats`` show.

Classes come with their definitions and how many entities each has; relations with their readings,
domains, ranges (``owl:unionOf`` lists spelled out) and how often they are used. The schema graph
draws class → relation → class: one edge per (domain class, range class) pair of each relation.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> [c.label for c in class_table(kg)][:3]
['Age at onset', 'Anatomical structure', 'Condition']
>>> rel = {r.label: r for r in relation_table(kg)}["acts through"]
>>> rel.domain, rel.range, rel.inverse
(['Condition', 'Trigger or exposure'], ['Mechanism'], 'is a mechanism of')
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.namespace import CM, RELATIONS
from graph.learn.stats import instance_counts, relation_counts
from graph.store import Store

__all__ = ["ClassInfo", "RelationInfo", "class_table", "relation_table", "class_union",
           "schema_graph"]


@dataclass(frozen=True)
class ClassInfo:
    iri: URIRef
    label: str
    definition: str
    count: int


@dataclass(frozen=True)
class RelationInfo:
    iri: URIRef
    label: str
    inverse: str
    definition: str
    domain: list[str]
    range: list[str]
    count: int


def class_union(kg: Store, node) -> list[URIRef]:
    """The classes a domain or range names: one class, or the members of an ``owl:unionOf``."""
    if isinstance(node, BNode):
        items, cell, seen = [], kg.value(node, OWL.unionOf), set()
        while cell is not None and cell != RDF.nil and cell not in seen:
            seen.add(cell)
            first = kg.value(cell, RDF.first)
            if first is not None:
                items.append(first)
            cell = kg.value(cell, RDF.rest)
        return items
    return [node] if node is not None else []


def class_table(kg: Store) -> list[ClassInfo]:
    """The entity classes, sorted by label, with definitions and entity counts."""
    counts = instance_counts(kg)
    rows = []
    for cls in kg.entity_classes:
        rows.append(ClassInfo(cls, kg.label(cls), str(kg.value(cls, SKOS.definition) or ""),
                              counts.get(cls, 0)))
    return sorted(rows, key=lambda c: c.label.lower())


def relation_table(kg: Store) -> list[RelationInfo]:
    """The content relations, sorted by label, with readings, domain, range and use counts."""
    counts = relation_counts(kg)
    rows = []
    for p in RELATIONS:
        g = kg
        rows.append(RelationInfo(
            p, kg.label(p), str(g.value(p, CM.inverseLabel) or ""),
            str(g.value(p, SKOS.definition) or ""),
            [kg.label(c) for c in class_union(kg, g.value(p, RDFS.domain))],
            [kg.label(c) for c in class_union(kg, g.value(p, RDFS.range))],
            counts.get(p, 0)))
    return sorted(rows, key=lambda r: r.label)


def schema_graph(kg: Store) -> nx.MultiDiGraph:
    """Class → relation → class, in the attribute layout of :func:`graph.learn.projection.local_graph`."""
    G = nx.MultiDiGraph()
    for c in class_table(kg):
        G.add_node(str(c.iri), label=c.label, cls=str(c.iri), cls_label=c.label,
                   title=f"{c.definition} ({c.count} entities)")
    for p in RELATIONS:
        for d in class_union(kg, kg.value(p, RDFS.domain)):
            for r in class_union(kg, kg.value(p, RDFS.range)):
                if str(d) in G and str(r) in G:
                    G.add_edge(str(d), str(r), key=str(p), predicate=str(p), label=kg.label(p))
    return G
