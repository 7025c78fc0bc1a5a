"""graph.learn.hubs: mechanisms ranked by symptoms explained; degree, betweenness and cut points."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.learn.hubs import MEASURES, centrality, mechanism_ranking
from graph.namespace import CM, entity
from graph.learn.projection import to_networkx


@pytest.fixture(scope="module")
def rows(kg):
    return {r.node: r for r in centrality(kg)}


@pytest.fixture(scope="module")
def simple(kg):
    return nx.Graph(to_networkx(kg).to_undirected())


def test_mechanisms_ranked_by_symptoms_explained(kg):
    ranking = mechanism_ranking(kg)
    # Hypocalcemia now also causes tetany and Chvostek's sign (links the review found missing),
    # and dopamine deficiency lip tremor and soft monotone speech (review findings 9, 15); ties
    # go to the mechanism more conditions act through.
    assert [(m.label, m.n_symptoms) for m in ranking[:4]] == [
        ("hypocalcemia", 3), ("autonomic stress response", 3), ("dopamine deficiency", 3),
        ("disordered nerve control of movement", 2)]
    assert [m.n_symptoms for m in ranking] == sorted((m.n_symptoms for m in ranking), reverse=True)
    assert {kg.class_of(m.node) for m in ranking} == {CM.Mechanism}
    assert len(ranking) == sum(1 for e in kg.entities() if kg.class_of(e) == CM.Mechanism)


def test_a_mechanism_explains_what_it_can_cause(kg):
    for m in mechanism_ranking(kg):
        stated = {o for o in kg.objects(m.node, CM.canCause) if kg.class_of(o) == CM.Symptom}
        assert stated <= set(m.symptoms), m.label
        assert set(m.sources) == set(kg.subjects(CM.actsThrough, m.node))


def test_upper_lip_twitching_is_the_biggest_hub_and_bridge(kg):
    top = centrality(kg)[0]
    assert top.node == entity("UpperLipTwitching")
    assert top.degree == max(r.degree for r in centrality(kg))


def test_degree_counts_distinct_neighbours(rows, simple):
    for node, row in rows.items():
        assert row.degree == simple.degree(str(node))


def test_betweenness_is_normalised_and_sorted(kg):
    values = [r.betweenness for r in centrality(kg)]
    assert values == sorted(values, reverse=True)
    assert all(0 <= v <= 1 for v in values)


@pytest.mark.parametrize("name", ["Hypocalcemia", "FacialNerve", "UpperLipTwitching",
                                  "FacialNerveCompression", "Thymus"])
def test_a_cut_point_splits_the_graph_when_removed(rows, simple, name):
    node = entity(name)
    without = simple.copy()
    without.remove_node(str(node))
    splits = nx.number_connected_components(without) > nx.number_connected_components(simple)
    assert rows[node].cut_point == splits


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measure_has_a_one_sentence_meaning(measure):
    meaning = MEASURES[measure]
    assert meaning.endswith(".") and meaning.count(". ") == 0 and len(meaning) < 240
