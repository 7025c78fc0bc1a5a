"""How two entities connect: shortest and simple paths, each explained as a sentence.

Paths run over the undirected view, since "how are X and Y connected" rarely follows arrows, and
each step remembers whether it follows its triple forwards or backwards so it can be read as a
sentence (:func:`graph.learn.explain.explain_path`).

Nothing here projects the whole graph. Every node of a path of at most L steps from a to b lies
within ⌊L/2⌋ hops of a or within ⌊L/2⌋ hops of b (the node at step i is at most i from a and at
most L − i from b), so the search projects just those two balls
(:func:`graph.learn.projection.ball`, with a budget) and runs networkx's path algorithms on the
result. For shortest paths the balls grow one hop at a time, from both ends, until they meet.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> [len(p) for p in shortest_paths(kg, entity("DiGeorgeSyndrome"), entity("UpperLipTwitching"))]
[2]
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

import networkx as nx
from rdflib import URIRef

from graph.errors import InvalidRequest
from graph.learn.explain import ExplainedPath, Step, explain_path
from graph.learn.projection import DEFAULT_BUDGET, ball, local_graph, require_entity
from graph.store import Store

__all__ = ["shortest_paths", "simple_paths", "path_graph", "MAX_SEARCH_LENGTH"]

#: The longest path a search considers.
MAX_SEARCH_LENGTH = 8


def path_graph(kg: Store, a, b, max_length: int, *,
               relations: Collection[str] | None = None,
               budget: int = DEFAULT_BUDGET) -> tuple[nx.MultiDiGraph, bool]:
    """The projection that holds every path of at most ``max_length`` steps from a to b.

    Returns the graph and whether the walk was complete (within ``budget``).
    """
    near_a, done_a = ball(kg, a, max_length // 2, relations=relations, budget=budget)
    near_b, done_b = ball(kg, b, max_length // 2, relations=relations, budget=budget)
    return local_graph(kg, [*near_a, *near_b], relations=relations), done_a and done_b


def _distance(kg: Store, a, b, relations, budget: int) -> int | None:
    """Hops between a and b (growing both balls in turn), or None past MAX_SEARCH_LENGTH."""
    for length in range(1, MAX_SEARCH_LENGTH + 1):
        near_a, _ = ball(kg, a, (length + 1) // 2, relations=relations, budget=budget)
        near_b, _ = ball(kg, b, length // 2, relations=relations, budget=budget)
        for node, hops in near_a.items():
            if node in near_b and hops + near_b[node] <= length:
                return length
    return None


def _steps_for(G: nx.MultiDiGraph, nodes: list[str], relations: Collection[str] | None):
    """Every way of walking a node path edge by edge (parallel edges give several)."""
    hops = []
    for u, v in zip(nodes, nodes[1:]):
        options = [Step(URIRef(u), URIRef(k), URIRef(v), True)
                   for k in (G.get_edge_data(u, v) or {})]
        options += [Step(URIRef(u), URIRef(k), URIRef(v), False)
                    for k in (G.get_edge_data(v, u) or {})]
        if relations is not None:
            options = [s for s in options if str(s.predicate) in relations]
        hops.append(options)
    return itertools.product(*hops)


def _explained(kg, G, a, b, generator, limit, relations) -> list[ExplainedPath]:
    out: list[ExplainedPath] = []
    try:
        # A simple undirected graph for the walk; parallel edges come back in _steps_for.
        for nodes in generator(nx.Graph(G.to_undirected(as_view=True)), str(a), str(b)):
            for steps in _steps_for(G, nodes, relations):
                out.append(explain_path(kg, steps))
                if len(out) >= limit:
                    return out
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        pass
    return out


def _endpoints(kg: Store, a, b) -> tuple[URIRef, URIRef]:
    src, dst = require_entity(kg, a), require_entity(kg, b)
    if src == dst:
        raise InvalidRequest("pick two different entities")
    return src, dst


def shortest_paths(kg: Store, a, b, *, limit: int = 20,
                   relations: Collection[str] | None = None) -> list[ExplainedPath]:
    """All shortest paths (up to :data:`MAX_SEARCH_LENGTH` steps) between two entities, explained.

    Raises
    ------
    EntityNotFound
        When ``a`` or ``b`` is not an entity.
    InvalidRequest
        When ``a`` and ``b`` are the same entity.

    Returns an empty list when they are not connected.
    """
    src, dst = _endpoints(kg, a, b)
    rels = None if relations is None else {str(r) for r in relations}
    length = _distance(kg, src, dst, rels, DEFAULT_BUDGET)
    if length is None:
        return []
    G, _ = path_graph(kg, src, dst, length, relations=rels)
    return _explained(kg, G, src, dst, nx.all_shortest_paths, limit, rels)


def simple_paths(kg: Store, a, b, *, max_length: int = 4, limit: int = 50,
                 relations: Collection[str] | None = None) -> list[ExplainedPath]:
    """Paths of at most ``max_length`` hops between two entities, shortest first.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> paths = simple_paths(kg, entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism"), max_length=2)
    >>> paths[0].sentence
    'DiGeorge syndrome can cause hypoparathyroidism.'
    """
    src, dst = _endpoints(kg, a, b)
    rels = None if relations is None else {str(r) for r in relations}
    G, _ = path_graph(kg, src, dst, max_length, relations=rels)

    def generator(U, s, t):
        # shortest_simple_paths yields in order of length, so the cutoff can stop it early.
        for nodes in nx.shortest_simple_paths(U, s, t):
            if len(nodes) - 1 > max_length:
                return
            yield nodes
    return _explained(kg, G, src, dst, generator, limit, rels)
