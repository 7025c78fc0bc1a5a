"""graph.learn.treatments: what a treatment acts on and which symptom paths it interrupts."""

from __future__ import annotations

import pytest

from graph.errors import CausemapError, EntityNotFound
from graph.namespace import CM, entity
from graph.learn.treatments import treatment_graph, treatment_options, treatment_view


@pytest.fixture(scope="module", params=["CalciumReplacement", "DopamineReplacement",
                                        "LifestyleChanges", "Psychotherapy", "TicMedication"])
def view(request, kg):
    return treatment_view(kg, entity(request.param))


def labels(kg, nodes):
    return [kg.label(n) for n in nodes]


def test_calcium_replacement(kg):
    v = treatment_view(kg, entity("CalciumReplacement"))
    assert [t.label for t in v.targets] == ["hypocalcemia", "hypoparathyroidism"]
    assert [c.path.sentence for c in v.conditions] == [
        "DiGeorge syndrome acts through hypocalcemia, which is treated by calcium replacement.",
        "Hypoparathyroidism is treated by calcium replacement."]
    assert all(entity("Hypocalcemia") in p.nodes for p in v.interrupted)
    # Tetany and Chvostek's sign: the signs of low calcium the review found missing.
    assert labels(kg, v.symptoms) == ["Chvostek's sign", "tetany", "upper-lip twitching"]
    assert v.untraced == ()


def test_dopamine_replacement_interrupts_only_the_dopamine_paths(kg):
    v = treatment_view(kg, entity("DopamineReplacement"))
    # Lip tremor and soft monotone speech, not twitching and slurring (review findings 9, 15).
    assert [p.sentence for p in v.interrupted] == [
        "Parkinson's disease acts through dopamine deficiency, which can cause lip tremor.",
        "Parkinson's disease acts through dopamine deficiency, which can cause soft monotone speech.",
        "Parkinson's disease acts through dopamine deficiency, which can cause tremor of the hands."]
    # Neurodegeneration is not what it treats, so no path through it is claimed.
    assert all(entity("Neurodegeneration") not in p.nodes for p in v.interrupted)


def test_a_treatment_without_a_named_mechanism_traces_nothing(kg):
    v = treatment_view(kg, entity("TicMedication"))
    assert labels(kg, v.untraced) == ["Tourette syndrome"]
    assert v.interrupted == () and v.symptoms == ()


def test_a_treatment_reaches_a_symptom_only_through_its_cause(kg):
    # Review finding 1: no treatment is attached to a symptom "whatever the cause". Psychotherapy
    # reaches lip twitching through emotional stress, the cause it treats.
    v = treatment_view(kg, entity("Psychotherapy"))
    assert entity("UpperLipTwitching") in v.symptoms
    sentences = [p.sentence for p in v.interrupted]
    assert "Emotional stress can cause upper-lip twitching." in sentences
    assert "Emotional stress acts through autonomic stress response, which can cause facial " \
           "flushing." in sentences
    assert [t.label for t in v.targets] == ["emotional stress"]


def test_interrupted_paths_start_at_what_it_acts_on_and_end_at_a_symptom(kg, view):
    targets = {t.node for t in view.targets}
    for p in view.interrupted:
        assert kg.class_of(p.nodes[-1]) == CM.Symptom, p.sentence
        assert targets & set(p.nodes), p.sentence
        assert all(provs for provs in p.sources), p.sentence
    for t in view.targets:
        assert (t.node, CM.treatedBy, view.node) in kg


def test_treatment_graph_holds_only_graph_edges(kg, view):
    H = treatment_graph(kg, view)
    assert str(view.node) in H
    for u, v, k in H.edges(keys=True):
        assert (entity(u.rsplit("/", 1)[1]), CM[k.rsplit("/", 1)[1]],
                entity(v.rsplit("/", 1)[1])) in kg


def test_treatment_options(kg):
    assert {kg.class_of(t) for t in treatment_options(kg)} == {CM.Treatment}
    # Active vitamin D, parathyroid hormone and nutrient replacement were added in review
    # (findings 7 and 10).
    assert len(treatment_options(kg)) == 8


@pytest.mark.parametrize("node,error,message", [
    # a mechanism, not a treatment
    (entity("Hypocalcemia"), CausemapError, "hypocalcemia is a mechanism, not a treatment"),
    # nothing at all
    (entity("Nope"), EntityNotFound, "cm:Nope is not an entity"),
])
def test_errors(kg, node, error, message):
    with pytest.raises(error, match=message):
        treatment_view(kg, node)
