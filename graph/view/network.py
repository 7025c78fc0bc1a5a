"""Project the RDF graph onto networkx, and walk it: neighbourhoods, bounded views, paths.

The projection (:func:`to_networkx`) is a :class:`networkx.MultiDiGraph` with one node per curated
entity (keyed by its IRI string) and one edge per content relation (keyed by the predicate IRI).
Like rdflib's own ``rdflib.extras.external_graph_libs`` it is lossy, on purpose:

- kept: entities (label, class, definition as node attributes) and the relations in
  :data:`graph.namespace.RELATIONS`; parallel relations between the same two entities stay
  separate edges (the multigraph key is the predicate);
- dropped: literals other than label and definition (synonyms, notes), cross-references to HPO,
  OMIM and ORPHA, ``rdf:type`` (it becomes the ``cls`` attribute, never a node: two conditions are
  not "connected" by both being conditions), claims, sources and the ontology's own triples.

Paths run over the undirected view, since "how are X and Y connected" rarely follows arrows, and each
step remembers whether it follows its triple forwards or backwards so it can be read as a sentence.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> G = to_networkx(kg)
>>> G.nodes[str(entity("Hypocalcemia"))]["cls_label"]
'Mechanism'
>>> [len(p) for p in shortest_paths(kg, entity("DiGeorgeSyndrome"), entity("UpperLipTwitching"))]
[2]
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Collection, Iterable

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from graph.errors import EntityNotFound, InvalidRequest
from graph.learn.explain import ExplainedPath, Step, explain_path
from graph.namespace import RELATIONS, curie, entity  # noqa: F401  (entity is used by doctests)
from graph.store import Store

__all__ = ["to_networkx", "neighbourhood", "bounded_view", "BoundedView", "shortest_paths",
           "simple_paths", "DEFAULT_MAX_NODES"]

DEFAULT_MAX_NODES = 300

_cache: "weakref.WeakKeyDictionary[Store, nx.MultiDiGraph]" = weakref.WeakKeyDictionary()


def to_networkx(kg: Store) -> nx.MultiDiGraph:
    """The instance graph as a networkx multigraph (cached per store; treat it as read-only).

    Node attributes: ``label``, ``cls`` (class IRI), ``cls_label``, ``title`` (the definition, plain
    text). Edge attributes: ``predicate`` (IRI), ``label`` (the relation's reading).
    """
    if kg in _cache:
        return _cache[kg]
    G = nx.MultiDiGraph()
    for ent in kg.entities():
        cls = kg.class_of(ent)
        definition = kg.value(ent, SKOS.definition)
        G.add_node(str(ent), label=kg.label(ent), cls=str(cls), cls_label=kg.label(cls),
                   title=str(definition) if isinstance(definition, Literal) else "")
    for p in RELATIONS:
        label = kg.label(p)
        for s, o in kg.subject_objects(p):
            if str(s) in G and str(o) in G:
                G.add_edge(str(s), str(o), key=str(p), predicate=str(p), label=label)
    _cache[kg] = G
    return G


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
    """

    def __init__(self, graph: nx.MultiDiGraph, hidden: int, total: int):
        self.graph, self.hidden, self.total = graph, hidden, total

    def __repr__(self) -> str:
        return f"<BoundedView {self.graph.number_of_nodes()} shown, {self.hidden} hidden>"


def bounded_view(G: nx.MultiDiGraph, *, focus=None, radius: int = 1,
                 classes: Collection[str] | None = None, relations: Collection[str] | None = None,
                 max_nodes: int = DEFAULT_MAX_NODES, expanded: Iterable[str] = ()) -> BoundedView:
    """Select what the browser draws: a focus and its neighbourhood, filtered and capped.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From :func:`to_networkx`.
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


def _steps_for(G: nx.MultiDiGraph, nodes: list[str], relations: Collection[str] | None):
    """Every way of walking a node path edge by edge (parallel edges give several)."""
    hops = []
    for u, v in zip(nodes, nodes[1:]):
        options = [Step(URIRef(u), URIRef(k), URIRef(v), True) for k in (G.get_edge_data(u, v) or {})]
        options += [Step(URIRef(u), URIRef(k), URIRef(v), False) for k in (G.get_edge_data(v, u) or {})]
        if relations is not None:
            options = [s for s in options if str(s.predicate) in relations]
        hops.append(options)
    return itertools.product(*hops)


def _paths(kg, a, b, generator, limit, relations) -> list[ExplainedPath]:
    G = to_networkx(kg)
    src, dst = _require(G, a), _require(G, b)
    if src == dst:
        raise InvalidRequest("pick two different entities")
    H = G
    if relations is not None:
        relations = {str(r) for r in relations}
        H = nx.subgraph_view(G, filter_edge=lambda u, v, k: k in relations)
    out: list[ExplainedPath] = []
    try:
        # A simple undirected graph for the walk; parallel edges come back in _steps_for.
        for nodes in generator(nx.Graph(H.to_undirected(as_view=True)), src, dst):
            for steps in _steps_for(G, nodes, relations):
                out.append(explain_path(kg, steps))
                if len(out) >= limit:
                    return out
    except nx.NetworkXNoPath:
        pass
    return out


def shortest_paths(kg: Store, a, b, *, limit: int = 20,
                   relations: Collection[str] | None = None) -> list[ExplainedPath]:
    """All shortest paths between two entities, each explained, ignoring edge direction.

    Raises
    ------
    EntityNotFound
        When ``a`` or ``b`` is not an entity.
    InvalidRequest
        When ``a`` and ``b`` are the same entity.

    Returns an empty list when they are not connected.
    """
    return _paths(kg, a, b, nx.all_shortest_paths, limit, relations)


def simple_paths(kg: Store, a, b, *, max_length: int = 4, limit: int = 50,
                 relations: Collection[str] | None = None) -> list[ExplainedPath]:
    """Paths of at most ``max_length`` hops between two entities, shortest first.

    >>> from graph.store import load
    >>> kg = load()
    >>> paths = simple_paths(kg, entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism"), max_length=2)
    >>> paths[0].sentence
    'DiGeorge syndrome can cause hypoparathyroidism.'
    """
    def generator(U, s, t):
        # shortest_simple_paths yields in order of length, so the cutoff can stop it early.
        for nodes in nx.shortest_simple_paths(U, s, t):
            if len(nodes) - 1 > max_length:
                return
            yield nodes
    return _paths(kg, a, b, generator, limit, relations)
