"""Cluster nodes: a big neighbourhood drawn as groups by class and organ system, opened on demand."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.store import DATA_DIR, load
from graph.view.clusters import CLUSTER_PREFIX, clustered_view, neighbour_groups, organ_systems

DIGEORGE = URIRef("https://w3id.org/causemap/disease/OMIM_188400")
CARDIO = "http://purl.obolibrary.org/obo/HP_0001626"  # Abnormality of the cardiovascular system


@pytest.fixture(scope="module")
def enriched():
    """The article with its HPO enrichment: DiGeorge syndrome's annotations and their terms."""
    return load([DATA_DIR / "article.trig", DATA_DIR / "optional" / "hpo-enrichment.trig"])


def test_phenotypes_fall_under_their_organ_systems(enriched):
    systems = organ_systems(enriched)
    # tetralogy of Fallot is a cardiovascular abnormality
    assert CARDIO in systems["http://purl.obolibrary.org/obo/HP_0001636"]


def test_a_big_neighbourhood_is_drawn_as_clusters_with_counts(enriched):
    groups = neighbour_groups(enriched, DIGEORGE)
    neighbours = sum(len(g.members) for g in groups)
    assert neighbours > 40
    view = clustered_view(enriched, DIGEORGE)
    clusters = {n: d for n, d in view.graph.nodes(data=True) if d.get("cluster")}
    assert clusters and view.graph.number_of_nodes() < neighbours / 2
    cardio = clusters[CLUSTER_PREFIX + CARDIO]
    assert cardio["label"].startswith("Abnormality of the cardiovascular system · ")
    assert cardio["count"] == len(next(g for g in groups if g.key == CARDIO).members)
    # every neighbour is drawn or inside a drawn cluster
    drawn = view.graph.number_of_nodes() - 1 - len(clusters)
    assert drawn + sum(d["count"] for d in clusters.values()) == neighbours == view.total
    assert view.hidden == 0


def test_an_opened_cluster_draws_its_members_most_frequent_first(enriched):
    view = clustered_view(enriched, DIGEORGE, open_groups=[CLUSTER_PREFIX + CARDIO])
    assert CLUSTER_PREFIX + CARDIO not in view.graph
    group = next(g for g in neighbour_groups(enriched, DIGEORGE) if g.key == CARDIO)
    assert all(str(m) in view.graph for m in group.members)
    freqs = enriched.select_text(f"""SELECT ?t (MAX(?f) AS ?x) WHERE {{
        ?a cm:annotatedCondition <{DIGEORGE}> ; cm:annotatedTerm ?t ; cm:frequencyValue ?f }}
        GROUP BY ?t""")
    freq = {t: float(f) for t, f in freqs}
    ranked = [freq.get(str(m), 0.0) for m in group.members]
    assert ranked == sorted(ranked, reverse=True)


def test_the_cap_applies_to_what_is_drawn(enriched):
    view = clustered_view(enriched, DIGEORGE, open_groups=[CLUSTER_PREFIX + CARDIO], max_nodes=8)
    assert view.graph.number_of_nodes() <= 8


def test_a_small_neighbourhood_is_drawn_as_it_is(enriched):
    view = clustered_view(enriched, URIRef("https://w3id.org/causemap/Hypocalcemia"))
    assert not any(d.get("cluster") for _, d in view.graph.nodes(data=True))
