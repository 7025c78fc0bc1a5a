"""Readable focus views of big neighbourhoods: neighbours grouped into cluster nodes that open.

A disease of the HPO graph has a hundred or more phenotypes (Kabuki syndrome 1: 178 neighbours);
drawn one by one they are a hairball. :func:`clustered_view` groups a focus's neighbours by class
and, for symptoms and signs from HPO, by organ system (the top-level branch of "Phenotypic
abnormality" the term falls under), and draws each group of more than :data:`SMALL_GROUP` members
as one cluster node with a count ("Abnormality of the cardiovascular system · 23"). Opening a
cluster (the app: a click) draws its members instead, most frequent annotation first; the node cap
applies to what is drawn. A neighbourhood of at most ``threshold`` nodes is drawn as it is.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> view = clustered_view(kg, entity("UpperLipTwitching"), threshold=5)
>>> [d["label"] for n, d in view.graph.nodes(data=True) if d.get("cluster")]
['Symptom or sign · 8']
>>> view.graph.number_of_nodes(), view.hidden
(9, 0)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rdflib import URIRef

from graph.learn.projection import local_graph, require_entity
from graph.namespace import CM
from graph.store import Store
from graph.store.terms import to_nt
from graph.view.network import DEFAULT_MAX_NODES, BoundedView

__all__ = ["Group", "neighbour_groups", "clustered_view", "organ_systems", "CLUSTER_PREFIX",
           "SMALL_GROUP", "DEFAULT_THRESHOLD"]

#: Node ids of cluster nodes start with this (the rest is the group's key).
CLUSTER_PREFIX = "cluster:"
#: Groups of at most this many members are drawn member by member.
SMALL_GROUP = 3
#: Neighbourhoods of at most this many nodes are not clustered at all.
DEFAULT_THRESHOLD = 30
_PHENOTYPIC_ABNORMALITY = "http://purl.obolibrary.org/obo/HP_0000118"


@dataclass(frozen=True)
class Group:
    """Neighbours of a focus of one kind: a class, or an organ system for HPO phenotypes."""

    key: str
    label: str
    members: tuple[URIRef, ...]
    predicates: tuple[str, ...]

    @property
    def node_id(self) -> str:
        return CLUSTER_PREFIX + self.key


def organ_systems(kg: Store) -> dict[str, list[str]]:
    """Each HPO phenotype term's top-level branches (organ systems), once per store."""
    def compute():
        systems: dict[str, list[str]] = {}
        for term, system in kg.select_text(f"""SELECT ?t ?s WHERE {{
                ?s rdfs:subClassOf <{_PHENOTYPIC_ABNORMALITY}> . ?t rdfs:subClassOf* ?s }}"""):
            systems.setdefault(term, []).append(system)
        return {t: sorted(s) for t, s in systems.items()}
    return kg.fact("organ_systems", compute)


def _frequencies(kg: Store, focus: URIRef) -> dict[str, float]:
    rows = kg.select_text(f"""SELECT ?t (MAX(?f) AS ?freq) WHERE {{
        ?a cm:annotatedCondition {to_nt(focus)} ; cm:annotatedTerm ?t ; cm:frequencyValue ?f }}
        GROUP BY ?t""")
    out = {}
    for term, freq in rows:
        try:
            out[term] = float(freq)
        except (TypeError, ValueError):
            continue
    return out


def neighbour_groups(kg: Store, focus: URIRef, *, relations: Collection[str] | None = None,
                     classes: Collection[str] | None = None) -> list[Group]:
    """The focus's neighbours grouped by class, and HPO phenotypes by organ system.

    Members are ordered by annotation frequency (most frequent first, for a disease of the HPO
    graph), then by label; groups by size (largest first), then by label.
    """
    focus = require_entity(kg, focus)
    rels = None if relations is None else {str(r) for r in relations}
    by_key: dict[str, dict] = {}
    systems = None
    for s, p, o in kg.edges(focus):
        if rels is not None and str(p) not in rels:
            continue
        other = o if s == focus else s
        cls = kg.class_of(other)
        if other == focus or cls is None or (classes is not None and str(cls) not in classes):
            continue
        key = str(cls)
        if cls == CM.Symptom:
            if systems is None:
                systems = organ_systems(kg)
            found = systems.get(str(other))
            if found:
                key = found[0]
        group = by_key.setdefault(key, {"members": {}, "predicates": set()})
        group["members"][other] = None
        group["predicates"].add(str(p))
    freq = _frequencies(kg, focus) if any(k != str(CM.Symptom) for k in by_key) else {}
    groups = []
    for key, g in by_key.items():
        members = sorted(g["members"], key=lambda n: (-freq.get(str(n), 0.0),
                                                       kg.label(n).lower(), str(n)))
        groups.append(Group(key, kg.label(URIRef(key)), tuple(members), tuple(sorted(g["predicates"]))))
    return sorted(groups, key=lambda g: (-len(g.members), g.label.lower()))


def clustered_view(kg: Store, focus, *, open_groups: Iterable[str] = (),
                   threshold: int = DEFAULT_THRESHOLD, max_nodes: int = DEFAULT_MAX_NODES,
                   relations: Collection[str] | None = None,
                   classes: Collection[str] | None = None) -> BoundedView:
    """The focus and its neighbours, with big groups drawn as cluster nodes (see the module).

    ``open_groups`` are group keys (or cluster node ids) whose members are drawn. The result's
    ``total`` counts neighbours; ``hidden`` those neither drawn nor inside a drawn cluster.
    """
    focus = require_entity(kg, focus)
    opened = {g.removeprefix(CLUSTER_PREFIX) for g in open_groups}
    groups = neighbour_groups(kg, focus, relations=relations, classes=classes)
    total = sum(len(g.members) for g in groups)
    if total <= threshold:
        drawn = [focus, *(m for g in groups for m in g.members)]
        return BoundedView(local_graph(kg, drawn, relations=relations), 0, total)
    members: list[URIRef] = []
    clusters: list[Group] = []
    budget = max_nodes - 1
    for g in groups:
        if g.key in opened or len(g.members) <= SMALL_GROUP:
            take = list(g.members[:max(0, budget - len(clusters) - len(members))])
            members.extend(take)
            if len(take) < len(g.members):
                clusters.append(Group(g.key, g.label, g.members[len(take):], g.predicates))
        else:
            clusters.append(g)
    graph = local_graph(kg, [focus, *members], relations=relations)
    for g in clusters[:max(0, budget - len(members))]:
        cls = kg.class_of(g.members[0])
        graph.add_node(g.node_id, label=f"{g.label} · {len(g.members)}", cluster=True,
                       cls=str(cls), cls_label=kg.label(cls), count=len(g.members),
                       title=f"{len(g.members)} {kg.label(cls).lower()}: "
                             + ", ".join(kg.label(m) for m in g.members[:8])
                             + (" …" if len(g.members) > 8 else "") + " — open to see them")
        for p in g.predicates:
            forward = any((focus, URIRef(p), m) in kg for m in g.members[:1])
            u, v = (str(focus), g.node_id) if forward else (g.node_id, str(focus))
            graph.add_edge(u, v, key=p, predicate=p, label=kg.label(URIRef(p)))
    in_clusters = sum(len(g.members) for g in clusters[:max(0, budget - len(members))])
    return BoundedView(graph, total - len(members) - in_clusters, total)
