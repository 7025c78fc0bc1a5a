"""Hubs and bridges: which mechanisms explain the most, and which concepts hold the graph together.

Two views of importance. :func:`mechanism_ranking` counts, for every mechanism, the symptoms it
can cause (directly or down a chain of "can cause") and the conditions and triggers that act
through it: the mechanisms worth learning first. :func:`centrality` scores every entity of the
networkx projection (:func:`graph.learn.projection.to_networkx`, read without edge direction and with
parallel relations merged) with the measures in :data:`MEASURES`, each with the one-sentence meaning
a page shows beside the chart. Degree finds hubs; betweenness and cut points find bridges, the
concepts through which otherwise separate groups connect.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> top = mechanism_ranking(kg)[0]
>>> top.label, [kg.label(s) for s in top.symptoms]
('hypocalcemia', ["Chvostek's sign", 'tetany', 'upper-lip twitching'])
>>> centrality(kg)[0].label
'upper-lip twitching'
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from graph.namespace import CM
from graph.learn.projection import WHOLE_PROJECTION_LIMIT, to_networkx
from graph.learn.stats import entity_count
from graph.store import Store

__all__ = ["MEASURES", "MechanismRank", "CentralityRow", "mechanism_ranking", "centrality"]

#: Each measure and what it means, in one sentence for a student.
MEASURES: dict[str, str] = {
    "degree": "Degree counts the concepts an entity is directly related to: a high degree marks a "
              "hub that many causes, symptoms or treatments meet at.",
    "betweenness": "Betweenness is the share of shortest paths between other concepts that pass "
                   "through this one: a high value marks a bridge that links groups which would "
                   "otherwise be far apart.",
    "cut_point": "A cut point is a concept whose removal would split the graph into separate "
                 "pieces: everything on one side reaches the other only through it.",
}


@dataclass(frozen=True)
class MechanismRank:
    """A mechanism with the symptoms it explains and the conditions and triggers acting through it."""

    node: URIRef
    label: str
    symptoms: tuple[URIRef, ...]
    sources: tuple[URIRef, ...]

    @property
    def n_symptoms(self) -> int:
        return len(self.symptoms)


def mechanism_ranking(kg: Store) -> list[MechanismRank]:
    """Mechanisms ranked by the number of symptoms they explain, then by what acts through them.

    A mechanism explains a symptom it can cause, directly or through a chain of "can cause"
    relations. Ties are broken by the number of conditions and triggers acting through it, then by
    label.

    >>> from graph.store import load
    >>> kg = load()
    >>> [(m.label, m.n_symptoms) for m in mechanism_ranking(kg)][:3]
    [('hypocalcemia', 3), ('autonomic stress response', 3), ('dopamine deficiency', 3)]
    """
    causes = nx.DiGraph((s, o) for s, o in kg.subject_objects(CM.canCause))
    out = []
    for m in (e for e in kg.entities() if kg.class_of(e) == CM.Mechanism):
        reach = nx.descendants(causes, m) if m in causes else set()
        symptoms = tuple(sorted((s for s in reach if kg.class_of(s) == CM.Symptom),
                                key=lambda s: kg.label(s).lower()))
        sources = tuple(sorted(kg.subjects(CM.actsThrough, m), key=lambda s: kg.label(s).lower()))
        out.append(MechanismRank(m, kg.label(m), symptoms, sources))
    return sorted(out, key=lambda r: (-r.n_symptoms, -len(r.sources), r.label.lower()))


@dataclass(frozen=True)
class CentralityRow:
    """The measures of one entity; ``degree`` is a count, ``betweenness`` is normalised to 0–1.

    On a graph too big to walk whole (more than
    :data:`graph.learn.projection.WHOLE_PROJECTION_LIMIT` entities) betweenness and cut points
    are not computed and are ``None``: both need every shortest path of the graph.
    """

    node: URIRef
    label: str
    cls_label: str
    degree: int
    betweenness: float | None
    cut_point: bool | None


def centrality(kg: Store, top: int = 200) -> list[CentralityRow]:
    """Degree, betweenness and cut points of every entity, by betweenness then degree then label.

    Computed on the undirected simple graph: "how are these connected" ignores arrow direction, and
    two relations between the same pair are one connection.

    >>> from graph.store import load
    >>> kg = load()
    >>> rows = {r.label: r for r in centrality(kg)}
    >>> rows["hypocalcemia"].degree  # DiGeorge syndrome, hypoparathyroidism, three signs, calcium
    6
    >>> rows["hypocalcemia"].cut_point  # DiGeorge syndrome also causes hypoparathyroidism directly
    False
    >>> rows["facial-nerve compression"].cut_point
    False
    """
    if entity_count(kg) > WHOLE_PROJECTION_LIMIT:
        from graph.view.network import degree_ranking
        rows = []
        for node, degree in degree_ranking(kg, top):
            cls = kg.class_of(node)
            rows.append(CentralityRow(node, kg.label(node), kg.label(cls), degree, None, None))
        return rows
    G = to_networkx(kg)
    U = nx.Graph(G.to_undirected(as_view=True))
    betweenness = nx.betweenness_centrality(U, normalized=True)
    cuts = set(nx.articulation_points(U))
    rows = [CentralityRow(URIRef(n), U.nodes[n]["label"], U.nodes[n]["cls_label"], U.degree(n),
                          betweenness[n], n in cuts) for n in U.nodes]
    return sorted(rows, key=lambda r: (-r.betweenness, -r.degree, r.label.lower()))
