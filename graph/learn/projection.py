"""The graph as networkx, for the algorithms: bounded local graphs, and whole small graphs.

A projection is a :class:`networkx.MultiDiGraph` with one node per curated entity (keyed by its IRI
string) and one edge per content relation (keyed by the predicate IRI). Like rdflib's own
``rdflib.extras.external_graph_libs`` it is lossy, on purpose:

- kept: entities (label, class, definition as node attributes) and the relations in
  :data:`graph.namespace.RELATIONS`; parallel relations between the same two entities stay
  separate edges (the multigraph key is the predicate);
- dropped: literals other than label and definition (synonyms, notes), cross-references to HPO,
  OMIM and ORPHA, ``rdf:type`` (it becomes the ``cls`` attribute, never a node: two conditions are
  not "connected" by both being conditions), claims, sources and the ontology's own triples.

Requests only ever project what they need: :func:`ball` walks out from a node through the store's
lookups with a budget, and :func:`local_graph` projects a set of nodes and the edges among them.
:func:`to_networkx` projects a whole store, once, and only a small one (at most
:data:`WHOLE_PROJECTION_LIMIT` entities): the whole-graph measures (centralities, quiz pools) are
computed on it once per store.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> G = local_graph(kg, [entity("DiGeorgeSyndrome"), entity("Hypocalcemia")])
>>> sorted(G.nodes[n]["label"] for n in G), G.number_of_edges()
(['DiGeorge syndrome', 'hypocalcemia'], 1)
>>> reach, complete = ball(kg, entity("Hypocalcemia"), 1)
>>> complete, len(reach) > 3
(True, True)
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable

import networkx as nx
from rdflib import URIRef

from graph.errors import EntityNotFound, InvalidRequest
from graph.namespace import RELATIONS, curie
from graph.store import Store
from graph.store.terms import to_nt

__all__ = ["node_attributes", "local_graph", "steps_graph", "ball", "to_networkx", "require_entity",
           "degrees", "WHOLE_PROJECTION_LIMIT", "DEFAULT_BUDGET"]

#: The largest store (in entities) that :func:`to_networkx` projects whole.
WHOLE_PROJECTION_LIMIT = 20_000
#: Edges a bounded walk may read before it stops and says it is incomplete.
DEFAULT_BUDGET = 200_000

_whole: "weakref.WeakKeyDictionary[Store, nx.MultiDiGraph]" = weakref.WeakKeyDictionary()
_RELATION_SET = frozenset(RELATIONS)


def require_entity(kg: Store, node) -> URIRef:
    """``node`` as an IRI of a curated entity, or :class:`EntityNotFound`."""
    iri = URIRef(str(node))
    if kg.class_of(iri) is None:
        raise EntityNotFound(f"{curie(str(iri))} is not an entity in this graph")
    return iri


def node_attributes(kg: Store, node) -> dict:
    """The node attributes of a projection: label, class IRI and label, definition as title."""
    cls = kg.class_of(node)
    return {"label": kg.label(node), "cls": str(cls), "cls_label": kg.label(cls),
            "title": kg.definition(node)}


def steps_graph(kg: Store, nodes: Iterable, steps: Iterable) -> nx.MultiDiGraph:
    """Project ``nodes`` and exactly the edges that ``steps`` (path steps) walk, nothing else."""
    G = nx.MultiDiGraph()
    for n in nodes:
        G.add_node(str(n), **node_attributes(kg, n))
    for step in steps:
        s, p, o = step.triple
        for n in (s, o):
            if str(n) not in G:
                G.add_node(str(n), **node_attributes(kg, n))
        G.add_edge(str(s), str(o), key=str(p), predicate=str(p), label=kg.label(p))
    return G


def local_graph(kg: Store, nodes: Iterable, *, relations: Collection[str] | None = None,
                classes: Collection[str] | None = None) -> nx.MultiDiGraph:
    """Project ``nodes`` (entities) and the content relations among them.

    Nodes are added in label order and edges in (predicate, subject, object) order, so the
    algorithms that walk the result do so in a stable order.
    """
    rels = None if relations is None else {str(r) for r in relations}
    keep = []
    for n in dict.fromkeys(URIRef(str(n)) for n in nodes):
        cls = kg.class_of(n)
        if cls is not None and (classes is None or str(cls) in classes):
            keep.append(n)
    keep.sort(key=lambda n: (kg.label(n).lower(), str(n)))
    G = nx.MultiDiGraph()
    for n in keep:
        G.add_node(str(n), **node_attributes(kg, n))
    edges = set()
    if kg.is_small:
        for n in keep:
            for s, p, o in kg.edges(n):
                if str(s) in G and str(o) in G and (rels is None or str(p) in rels):
                    edges.add((str(p), str(s), str(o)))
    else:  # the out-edges of the kept nodes in a few queries, not every edge of every hub
        wanted = {str(n) for n in keep}
        for chunk in _chunks(keep, 400):
            values = " ".join(to_nt(n) for n in chunk)
            for s, p, o in kg.select_text(f"""SELECT ?s ?p ?o WHERE {{
                    VALUES ?s {{ {values} }} ?s ?p ?o FILTER(isIRI(?o)) }}"""):
                if o in wanted and (rels is None or p in rels) and URIRef(p) in _RELATION_SET:
                    edges.add((p, s, o))
    for p, s, o in sorted(edges):
        G.add_edge(s, o, key=p, predicate=p, label=kg.label(URIRef(p)))
    return G


def _rels(rels) -> str:
    """The relations as a FILTER(?p IN (…)) list. Not a VALUES block: joined with a VALUES of
    nodes, Oxigraph would scan every triple of each predicate instead of reading the node's own."""
    return ", ".join(to_nt(URIRef(p)) for p in (sorted(rels) if rels is not None else RELATIONS))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def degrees(kg: Store, nodes: Iterable, *, relations: Collection[str] | None = None) -> dict:
    """How many content relations touch each node: one grouped query per 400 nodes."""
    out: dict = {}
    rels = None if relations is None else {str(r) for r in relations}
    for chunk in _chunks(list(nodes), 400):
        values = " ".join(to_nt(n) for n in chunk)
        for n, d in kg.select_text(f"""SELECT ?n (COUNT(*) AS ?d) WHERE {{
                VALUES ?n {{ {values} }} {{ ?n ?p ?x }} UNION {{ ?x ?p ?n }}
                FILTER(?p IN ({_rels(rels)}) && isIRI(?x)) }} GROUP BY ?n"""):
            out[URIRef(n)] = int(d)
    return out


def _ring(kg: Store, frontier: list, rels, limit: int) -> tuple[list, bool]:
    """The IRIs one content relation away from any node of ``frontier`` (a few queries)."""
    found: dict = {}
    for chunk in _chunks(frontier, 400):
        values = " ".join(to_nt(n) for n in chunk)
        rows = kg.select_text(f"""SELECT DISTINCT ?x WHERE {{
            VALUES ?m {{ {values} }} {{ ?m ?p ?x }} UNION {{ ?x ?p ?m }}
            FILTER(?p IN ({_rels(rels)}) && isIRI(?x)) }} LIMIT {limit + 1}""")
        for (x,) in rows:
            found[x] = None
        if len(found) > limit:
            return [URIRef(x) for x in list(found)[:limit]], False
    return sorted(URIRef(x) for x in found), True


def _ball_batched(kg, start, radius, rels, classes, budget, keep) -> tuple[dict, bool]:
    distance = {start: 0}
    frontier = [start]
    for hop in range(1, radius + 1):
        if not frontier:
            break
        found, complete = _ring(kg, frontier, rels, max(1, budget // 20 - len(distance)))
        nxt = []
        for v in found:
            if v in distance:
                continue
            cls = kg.class_of(v)
            if cls is None or (classes is not None and v != keep and str(cls) not in classes):
                continue
            distance[v] = hop
            nxt.append(v)
        if not complete:
            return distance, False
        frontier = nxt
    return distance, True


def ball(kg: Store, node, radius: int, *, relations: Collection[str] | None = None,
         classes: Collection[str] | None = None, budget: int = DEFAULT_BUDGET,
         keep=None) -> tuple[dict, bool]:
    """Entities within ``radius`` hops of ``node`` (either direction), with their distances.

    Returns ``({iri: hops}, complete)``; ``complete`` is False when the walk read ``budget``
    edges and stopped (the dict then holds what it reached). ``classes`` limits the nodes walked
    through (``keep``, when given, is always allowed: the focus of a filtered view).
    """
    rels = None if relations is None else {str(r) for r in relations}
    start = URIRef(str(node))
    if not kg.is_small:
        return _ball_batched(kg, start, radius, rels, classes, budget, keep)
    distance = {start: 0}
    frontier = [start]
    read = 0
    for hop in range(1, radius + 1):
        nxt = []
        for u in frontier:
            for s, p, o in kg.edges(u):
                read += 1
                if read > budget:
                    return distance, False
                if rels is not None and str(p) not in rels:
                    continue
                v = o if s == u else s
                if v in distance or kg.class_of(v) is None:
                    continue
                if classes is not None and v != keep and str(kg.class_of(v)) not in classes:
                    continue
                distance[v] = hop
                nxt.append(v)
        frontier = nxt
    return distance, True


def to_networkx(kg: Store) -> nx.MultiDiGraph:
    """The whole store as a projection, cached per store (treat it as read-only).

    Raises
    ------
    InvalidRequest
        The store holds more than :data:`WHOLE_PROJECTION_LIMIT` entities: use bounded
        projections (:func:`ball`, :func:`local_graph`) instead.
    """
    if kg in _whole:
        return _whole[kg]
    entities = kg.entities()
    if len(entities) > WHOLE_PROJECTION_LIMIT:
        raise InvalidRequest(f"this graph has {len(entities):,} entities; whole-graph measures "
                             f"are computed for up to {WHOLE_PROJECTION_LIMIT:,}")
    G = local_graph(kg, entities)
    _whole[kg] = G
    return G
