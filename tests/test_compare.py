"""graph.learn.compare: profiles, shared and unique features, and the Jaccard similarity."""

from __future__ import annotations

import itertools

import pytest

from graph.learn.compare import (CATEGORIES, compare, explain_similarity, features, profile, similarity,
                           similarity_matrix)
from graph.errors import CausemapError, EntityNotFound
from graph.namespace import CM, entity

DIGEORGE, HYPOPARA = entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism")
ET, PD = entity("EssentialTremor"), entity("ParkinsonsDisease")
ALS = entity("AmyotrophicLateralSclerosis")


def labels(kg, nodes):
    return [kg.label(n) for n in nodes]


def test_profile_counts_what_comes_through_a_mechanism(kg):
    p = profile(kg, DIGEORGE)
    assert labels(kg, p.nodes("mechanisms")) == ["hypocalcemia"]
    assert labels(kg, p.nodes("causes")) == ["22q11.2 deletion"]
    twitching = next(i for i in p.items["symptoms"] if i.label == "upper-lip twitching")
    assert twitching.via == entity("Hypocalcemia")
    assert twitching.path.sentence == ("DiGeorge syndrome acts through hypocalcemia, which can cause "
                                       "upper-lip twitching.")
    # What is stated of the condition itself has no "via".
    assert next(i for i in p.items["symptoms"] if i.label == "cleft palate").via is None


@pytest.mark.parametrize("node,category,expected", [
    (PD, "anatomy", ["substantia nigra"]),
    (PD, "treatments", ["dopamine replacement"]),
    (ET, "onset", ["adulthood from age 40"]),
    (ET, "aggravated_by", ["ageing", "emotional stress", "environmental stress", "physical exertion"]),
    # Real causes instead of "hormonal disorder" (review finding 11).
    (HYPOPARA, "causes", ["autoimmune disease", "DiGeorge syndrome", "hypomagnesemia",
                          "thyroid surgery"]),
    (entity("HemifacialSpasm"), "anatomy", ["facial nerve"]),  # stated, and via its mechanism
    # Withdrawal is curated by substance (review finding 14); stimulants share one.
    (entity("StimulantWithdrawal"), "causes", ["amphetamines", "cocaine"]),
])
def test_profile_headings(kg, node, category, expected):
    assert labels(kg, profile(kg, node).nodes(category)) == expected


def test_compare_splits_shared_from_unique(kg):
    c = compare(kg, [DIGEORGE, HYPOPARA])
    assert labels(kg, c.shared["mechanisms"]) == ["hypocalcemia"]
    # Tetany and Chvostek's sign, the signs of low calcium the review found missing.
    assert labels(kg, c.shared["symptoms"]) == ["Chvostek's sign", "tetany", "upper-lip twitching"]
    assert labels(kg, c.shared["treatments"]) == ["calcium replacement"]
    assert labels(kg, c.unique[DIGEORGE]["anatomy"]) == ["thymus"]
    assert labels(kg, c.unique[HYPOPARA]["anatomy"]) == ["parathyroid glands"]
    for cat in CATEGORIES:  # shared and unique never overlap, and together they are everything
        for p in c.profiles:
            assert not set(c.shared[cat]) & set(c.unique[p.node][cat])


def test_compare_three(kg):
    c = compare(kg, [ALS, PD, ET])
    # ALS twitches with fasciculations, the other two shake with a tremor (review findings 2, 9),
    # and Parkinson's speech is soft and monotone, not slurred (finding 15).
    assert labels(kg, c.shared["symptoms"]) == []
    assert labels(kg, c.unique[PD]["symptoms"]) == ["soft monotone speech"]
    assert len(c.similarities) == 3  # every pair once
    partly = c.partly_shared("symptoms")
    assert partly == {entity("HandTremor"): (PD, ET), entity("LipTremor"): (PD, ET)}
    assert c.partly_shared("mechanisms") == {entity("Neurodegeneration"): (ALS, PD)}


def test_similarity_is_the_jaccard_index_of_the_features(kg):
    fa, fb = features(kg, ET), features(kg, PD)
    assert labels(kg, sorted(fa & fb, key=str)) == ["tremor of the hands", "lip tremor"]
    assert len(fa | fb) == 8
    assert similarity(kg, ET, PD) == 2 / 8
    assert explain_similarity(kg, ET, PD).endswith("similarity 2/8 = 0.25.")


def test_treatments_do_not_count_towards_similarity(kg):
    # Calcium replacement treats hypoparathyroidism and dopamine replacement Parkinson's disease,
    # yet neither is a feature: generic advice would otherwise make unrelated disorders alike.
    assert not {entity("CalciumReplacement"), entity("DopamineReplacement")} & features(kg, HYPOPARA)
    assert entity("DopamineReplacement") not in features(kg, PD)


def test_similarity_matrix_is_symmetric_with_ones_on_the_diagonal(kg):
    m = similarity_matrix(kg)
    n = len(m.nodes)
    assert n >= 5 and all(kg.class_of(x) == CM.Condition for x in m.nodes)
    for i, j in itertools.product(range(n), repeat=2):
        assert m.values[i][j] == m.values[j][i]
        assert 0 <= m.values[i][j] <= 1
    assert all(m.values[i][i] == 1.0 for i in range(n))
    assert len(m.records()) == n * n
    i, j = m.nodes.index(ET), m.nodes.index(PD)
    assert m.values[i][j] == similarity(kg, ET, PD)


def test_featureless_conditions_are_left_out_and_listed(kg):
    m = similarity_matrix(kg)
    # A stroke and an intracranial tumour now weaken the face (review findings 8, 12), and
    # "hormonal disorder" is gone (finding 11): only autoimmune disease has no features.
    assert labels(kg, m.left_out) == ["autoimmune disease"]
    assert all(not features(kg, n) for n in m.left_out)
    everything = similarity_matrix(kg, drop_featureless=False)
    assert len(everything.nodes) == len(m.nodes) + len(m.left_out)
    autoimmune = everything.nodes.index(entity("AutoimmuneDisease"))
    assert everything.values[autoimmune][autoimmune] == 0.0  # nothing to compare, by definition


@pytest.mark.parametrize("nodes,error,message", [
    # one condition is not a comparison
    ([DIGEORGE], CausemapError, "compare two or three conditions, not 1"),
    # four is too many for side by side
    ([DIGEORGE, HYPOPARA, ET, PD], CausemapError, "compare two or three conditions, not 4"),
    # the same condition twice
    ([DIGEORGE, DIGEORGE], CausemapError, "one was given twice"),
    # a mechanism is not comparable
    ([DIGEORGE, entity("Hypocalcemia")], CausemapError,
     "hypocalcemia is a mechanism; compare conditions or triggers"),
    # not an entity at all
    ([DIGEORGE, entity("Nope")], EntityNotFound, "cm:Nope is not an entity"),
])
def test_compare_errors(kg, nodes, error, message):
    with pytest.raises(error, match=message):
        compare(kg, nodes)
