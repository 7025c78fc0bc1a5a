"""Export a view of the graph: the RDF behind a set of entities, for "download this view as Turtle".

>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> g = view_graph(kg, [entity("DiGeorgeSyndrome"), entity("Hypocalcemia")])
>>> (entity("DiGeorgeSyndrome"), CM.actsThrough, entity("Hypocalcemia")) in g
True
>>> len(g) < 40
True
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef

from graph.namespace import CM, PREFIXES, RELATIONS
from graph.store import Store

__all__ = ["view_graph"]


def view_graph(kg: Store, nodes: Iterable[URIRef | str]) -> Graph:
    """The descriptions of ``nodes`` and the relations among them, with each relation's claim.

    Parameters
    ----------
    kg : Store
    nodes : iterable of IRIs
        The entities in view (IRI strings are accepted).

    Returns
    -------
    rdflib.Graph
        Entity triples (type, label, synonyms, definition, cross-references, notes), the relations
        whose both ends are in view, and for each relation its claim record (section, claim text).
    """
    keep = {URIRef(str(n)) for n in nodes}
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    union = kg
    relations = set(RELATIONS)
    for node in keep:
        for p, o in union.predicate_objects(node):
            if p in relations:
                if o in keep:
                    g.add((node, p, o))
                    for _s, _p, _o, claim in kg.quads(node, p, o):
                        if claim is None:
                            continue
                        for cp, co in union.predicate_objects(claim):
                            g.add((claim, cp, co))
            else:
                g.add((node, p, o))
    return g
