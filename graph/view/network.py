"""What the browser draws: a bounded view of the graph, as a networkx graph.

:func:`bounded_view` selects a focus and its neighbourhood, filtered by class and relation and
capped at ``max_nodes``, and says how many matching nodes it left out ("N more not shown"). On a
store it reads only the neighbourhood (:func:`graph.learn.projection.ball`, with a budget), so a
view of one disease in a graph of millions of triples costs what the view holds; on a small
networkx graph (a query's CONSTRUCT result) it filters that graph. The projection itself, and
paths between entities, are in :mod:`graph.learn.projection` and :mod:`graph.learn.paths`.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> view = bounded_view(kg, focus=str(entity("Hypocalcemia")), radius=1)
>>> view.graph.nodes[str(entity("Hypocalcemia"))]["cls_label"], view.hidden
('Mechanism', 0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

import networkx as nx
from rdflib import URIRef

from graph.errors import EntityNotFound
from graph.learn.projection import (WHOLE_PROJECTION_LIMIT, ball, degrees, local_graph,
                                    require_entity, to_networkx)
from graph.learn.stats import instance_counts
from graph.namespace import RELATIONS, curie
from graph.store import Store

__all__ = ["neighbourhood", "bounded_view", "BoundedView", "DEFAULT_MAX_NODES", "hubs_by_degree",
           "degree_ranking"]

DEFAULT_MAX_NODES = 300
#: How many of the best-connected entities a large store keeps ranked.
_HUBS = 2000
#: Nodes whose degree is read to rank a large view; the rest are ranked by label.
_RANKED = 3000

def _require(G: nx.MultiDiGraph, node) -> str:
    key = str(node)
    if key not in G:
        raise EntityNotFound(f"{curie(key)} is not an entity in this graph")
    return key


def neighbourhood(G: nx.MultiDiGraph, node, radius: int = 1) -> nx.MultiDiGraph:
    """The subgraph within ``radius`` hops of ``node``, following edges either way.

    >>> G = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> sorted(neighbourhood(G, "a", 2))
    ['a', 'b', 'c']
    """
    key = _require(G, node)
    reach = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), key, cutoff=radius)
    return G.subgraph(reach).copy()


class BoundedView:
    """A view of at most ``max_nodes`` nodes, and how many matching nodes it left out.

    Attributes
    ----------
    graph : networkx.MultiDiGraph
        What to draw.
    hidden : int
        Nodes that matched the view but were left out by the cap ("N more not shown").
    total : int
        Nodes that matched before the cap.
    complete : bool
        False when the walk stopped at its budget: ``total`` is then a lower bound.
    """

    def __init__(self, graph: nx.MultiDiGraph, hidden: int, total: int, complete: bool = True):
        self.graph, self.hidden, self.total, self.complete = graph, hidden, total, complete

    def __repr__(self) -> str:
        return f"<BoundedView {self.graph.number_of_nodes()} shown, {self.hidden} hidden>"


def bounded_view(G, *, focus=None, radius: int = 1,
                 classes: Collection[str] | None = None, relations: Collection[str] | None = None,
                 max_nodes: int = DEFAULT_MAX_NODES, expanded: Iterable[str] = ()) -> BoundedView:
    """Select what the browser draws: a focus and its neighbourhood, filtered and capped.

    Parameters
    ----------
    G : Store or networkx.MultiDiGraph
        A store (read around the focus only), or a small projection.
    focus : str, optional
        Centre the view on this node; ``None`` shows the whole graph (still capped).
    radius : int
        Hops around the focus (1–3 in the app).
    classes, relations : collections of IRI strings, optional
        Keep only nodes of these classes / edges of these predicates (the focus always stays).
    max_nodes : int
        The cap. Nodes nearest the focus (then the best-connected) are kept first.
    expanded : iterable of str
        Nodes whose direct neighbours are added to the view (the app's "expand").

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("hub", f"n{i}", "p", {"predicate": "p"}) for i in range(10)])
    ['p', 'p', 'p', 'p', 'p', 'p', 'p', 'p', 'p', 'p']
    >>> view = bounded_view(G, focus="hub", max_nodes=4)
    >>> view.graph.number_of_nodes(), view.hidden
    (4, 7)
    """
    if isinstance(G, Store):
        return _store_view(G, focus=focus, radius=radius, classes=classes, relations=relations,
                           max_nodes=max_nodes, expanded=expanded)
    H = G
    if relations is not None:
        keep = set(relations)
        H = nx.subgraph_view(G, filter_edge=lambda u, v, k: G.edges[u, v, k].get("predicate") in keep)
    focus_key = _require(G, focus) if focus is not None else None
    if classes is not None:
        wanted = set(classes)
        H = nx.subgraph_view(H, filter_node=lambda n: n == focus_key or G.nodes[n].get("cls") in wanted)
    undirected = H.to_undirected(as_view=True)
    if focus_key is None:
        order = sorted(H.nodes, key=lambda n: (-undirected.degree(n), G.nodes[n].get("label", n)))
        distance = {n: 0 for n in order}
    else:
        distance = nx.single_source_shortest_path_length(undirected, focus_key, cutoff=radius)
        order = sorted(distance, key=lambda n: (distance[n], -undirected.degree(n),
                                                G.nodes[n].get("label", n)))
    chosen = list(order)
    for node in expanded:
        if node in H and node in distance:
            chosen.extend(n for n in undirected.neighbors(node) if n not in distance)
            distance.update({n: radius + 1 for n in undirected.neighbors(node)})
    chosen = list(dict.fromkeys(chosen))
    total = len(chosen)
    shown = chosen[:max_nodes]
    return BoundedView(H.subgraph(shown).copy(), total - len(shown), total)




def hubs_by_degree(kg: Store, limit: int) -> list[URIRef]:
    """The ``limit`` best-connected entities (content relations), computed once per store.

    A small store ranks its whole projection; a large one asks the engine for the top of a
    GROUP BY (one query, cached with the store).
    """
    if sum(instance_counts(kg).values()) <= WHOLE_PROJECTION_LIMIT:
        U = to_networkx(kg).to_undirected(as_view=True)
        order = sorted(U.nodes, key=lambda n: (-U.degree(n), U.nodes[n]["label"]))
        return [URIRef(n) for n in order[:limit]]

    return [node for node, _ in degree_ranking(kg, limit)]


def degree_ranking(kg: Store, limit: int) -> list[tuple[URIRef, int]]:
    """The best-connected entities of a large store with their degrees (at most 2,000), once per
    store: one grouped query, kept beside an on-disk store (:meth:`graph.store.Store.fact`)."""
    def compute():
        # Out- and in-degree as two groupings, summed here: one UNION of both directions costs
        # 2.1 s on the full HPO graph, the two 1.4 s. A subject is never a literal, so only the
        # blank nodes among them are filtered (isBlank is the cheaper test).
        values = " ".join(f"<{p}>" for p in RELATIONS)
        degree: Counter = Counter()
        for pattern in ("?x ?p ?o FILTER(isIRI(?o))", "?o ?p ?x FILTER(!isBlank(?o))"):
            for x, d in kg.select_text(f"SELECT ?x (COUNT(*) AS ?d) WHERE {{ VALUES ?p {{ {values} }} "
                                       f"{pattern} }} GROUP BY ?x"):
                degree[x] += int(d)
        top = sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:_HUBS * 2]
        return [[x, d] for x, d in top if kg.class_of(URIRef(x)) is not None][:_HUBS]
    return [(URIRef(x), d) for x, d in kg.fact("degree_ranking", compute)[:limit]]


def _filtered_degree(kg: Store, node, rels, classes, focus) -> int:
    n = 0
    for s, p, o in kg.edges(node):
        if rels is not None and str(p) not in rels:
            continue
        other = o if s == node else s
        cls = kg.class_of(other)
        if cls is None or (classes is not None and other != focus and str(cls) not in classes):
            continue
        n += 1
    return n


def _store_view(kg: Store, *, focus, radius, classes, relations, max_nodes,
                expanded) -> BoundedView:
    rels = None if relations is None else {str(r) for r in relations}
    wanted = None if classes is None else {str(c) for c in classes}
    if focus is None:
        order = [n for n in hubs_by_degree(kg, max_nodes + 1000)
                 if wanted is None or str(kg.class_of(n)) in wanted]
        counts = instance_counts(kg)
        total_guess = sum(n for c, n in counts.items() if wanted is None or str(c) in wanted)
        distance, complete = {n: 0 for n in order}, total_guess <= WHOLE_PROJECTION_LIMIT
    else:
        centre = require_entity(kg, focus)
        distance, complete = ball(kg, centre, radius, relations=rels, classes=wanted,
                                  keep=centre)
        ranked = sorted(distance, key=lambda n: distance[n])[:_RANKED]
        if kg.is_small:
            degree = {n: _filtered_degree(kg, n, rels, wanted, centre) for n in ranked}
        else:  # one grouped query; the class filter is left out of the ranking here
            degree = degrees(kg, ranked, relations=rels)
        order = sorted(distance, key=lambda n: (distance[n], -degree.get(n, 0),
                                                kg.label(n)))
        total_guess = None
    chosen = list(order)
    for node in expanded:
        node = URIRef(str(node))
        if node in distance:
            near, _ = ball(kg, node, 1, relations=rels, classes=wanted)
            extra = sorted((n for n in near if n not in distance), key=kg.label)
            chosen.extend(extra)
            distance.update({n: radius + 1 for n in extra})
    chosen = list(dict.fromkeys(chosen))
    total = len(chosen) if total_guess is None else max(total_guess, len(chosen))
    shown = chosen[:max_nodes]
    graph = local_graph(kg, shown, relations=rels)
    return BoundedView(graph, total - len(shown), total, complete)
