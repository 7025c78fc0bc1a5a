"""graph.learn.relate: paths between two entities, shared neighbours, and the sentences that say them."""

from __future__ import annotations

import pytest

from graph.errors import EntityNotFound, InvalidRequest
from graph.namespace import CM, RELATIONS, entity
from graph.learn.relate import MAX_LENGTH, connection_graph, plural_phrase, relate, shared_neighbours

DIGEORGE, HYPOPARA = entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism")
HYPOCALCEMIA = entity("Hypocalcemia")


@pytest.fixture(scope="module")
def digeorge_hypopara(kg):
    return relate(kg, DIGEORGE, HYPOPARA, max_length=3)


def test_digeorge_and_hypoparathyroidism_connect_through_hypocalcemia(digeorge_hypopara):
    # The parathyroid glands fail to form in DiGeorge syndrome: the review added the direct link.
    first, second = digeorge_hypopara.paths[:2]
    assert first.nodes == [DIGEORGE, HYPOPARA]
    assert first.sentence == "DiGeorge syndrome can cause hypoparathyroidism."
    assert second.nodes == [DIGEORGE, HYPOCALCEMIA, HYPOPARA]
    assert second.sentence == ("DiGeorge syndrome acts through hypocalcemia, which is a mechanism "
                               "of hypoparathyroidism.")
    # Every other connection the graph knows runs through hypocalcemia.
    assert all(HYPOCALCEMIA in p.nodes for p in digeorge_hypopara.paths[1:])


def test_the_issue_example_sentence(digeorge_hypopara):
    mechanism = digeorge_hypopara.shared[0]
    assert (mechanism.node, mechanism.cls_label) == (HYPOCALCEMIA, "Mechanism")
    assert mechanism.sentence == (
        "DiGeorge syndrome and hypoparathyroidism both act through hypocalcemia, which can cause "
        "Chvostek's sign, tetany and upper-lip twitching and is treated by calcium replacement.")


def test_shared_neighbours_are_grouped_by_class(kg, digeorge_hypopara):
    groups = {cls: [s.label for s in group]
              for cls, group in digeorge_hypopara.shared_by_class().items()}
    # Tetany and Chvostek's sign: the signs of low calcium the review found missing.
    assert groups == {"Mechanism": ["hypocalcemia"],
                      "Symptom or sign": ["Chvostek's sign", "tetany", "upper-lip twitching"],
                      "Treatment": ["calcium replacement"]}


def test_a_neighbour_reached_through_a_mechanism_keeps_its_path(digeorge_hypopara):
    twitching = next(s for s in digeorge_hypopara.shared if s.label == "upper-lip twitching")
    assert not twitching.direct
    assert twitching.via_a.nodes == [DIGEORGE, HYPOCALCEMIA, entity("UpperLipTwitching")]


@pytest.mark.parametrize("max_length", [1, 2, 3, 4])
def test_paths_are_shortest_first_and_within_the_limit(kg, max_length):
    c = relate(kg, entity("EssentialTremor"), entity("ParkinsonsDisease"), max_length=max_length)
    lengths = [len(p) for p in c.paths]
    assert lengths == sorted(lengths)
    assert all(1 <= n <= max_length for n in lengths)
    assert (len(c.paths) > 0) == (max_length >= 2)  # they share no direct relation


def test_being_of_the_same_class_is_not_a_connection(kg):
    # Two conditions with no relation between them: no one-step path, even though both are
    # cm:Condition; and no path anywhere walks rdf:type.
    assert relate(kg, entity("EssentialTremor"), entity("Stroke"), max_length=1).paths == ()
    for p in relate(kg, entity("EssentialTremor"), entity("Stroke"), max_length=4).paths:
        assert all(step.predicate in RELATIONS for step in p.steps)


def test_every_step_of_every_path_has_a_source(kg):
    c = relate(kg, entity("TouretteSyndrome"), entity("CalciumReplacement"), max_length=4)
    assert c.paths
    for p in c.paths:
        assert len(p.sources) == len(p.steps)
        assert all(provs and provs[0].section_label for provs in p.sources), p.sentence


def test_the_limit_is_reported(kg):
    # ALS and Parkinson's disease no longer share lip twitching or slurred speech (review findings
    # 2, 9, 15), so fewer paths join them: a limit of 1 leaves some out.
    c = relate(kg, entity("AmyotrophicLateralSclerosis"), entity("ParkinsonsDisease"), 4, limit=1)
    assert len(c.paths) == 1 and c.truncated
    assert not relate(kg, DIGEORGE, HYPOPARA, 2).truncated


def test_shared_neighbours_are_symmetric(kg):
    ab = {s.node for s in shared_neighbours(kg, DIGEORGE, HYPOPARA)}
    ba = {s.node for s in shared_neighbours(kg, HYPOPARA, DIGEORGE)}
    assert ab == ba


def test_connection_graph_draws_only_what_the_paths_walk(kg, digeorge_hypopara):
    H = connection_graph(kg, digeorge_hypopara, include_shared=False)
    walked = {tuple(str(x) for x in step.triple)
              for p in digeorge_hypopara.paths for step in p.steps}
    assert {(u, k, v) for u, v, k in H.edges(keys=True)} == walked
    assert H.nodes[str(DIGEORGE)]["label"] == "DiGeorge syndrome"


@pytest.mark.parametrize("phrase,expected", [
    ("acts through", "act through"),
    ("has symptom", "have symptom"),
    ("can cause", "can cause"),
    ("is treated by", "are treated by"),
    ("is a mechanism of", "are mechanisms of"),
    ("compresses", "compress"),
    ("affects", "affect"),
    ("typically begins in", "typically begin in"),
    ("treats", "treat"),
])
def test_plural_phrase(phrase, expected):
    assert plural_phrase(phrase) == expected


def test_every_relation_reads_in_the_plural(kg):
    # The sentence "A and B both …" must never keep a singular verb.
    for p in RELATIONS:
        plural = plural_phrase(kg.label(p)).split()
        assert plural[0] not in {"is", "has", "acts", "affects"}, kg.label(p)


@pytest.mark.parametrize("a,b,max_length,error,message", [
    # the same entity twice
    (DIGEORGE, DIGEORGE, 3, InvalidRequest, "pick two different entities"),
    # an IRI that is not an entity
    (entity("NoSuchThing"), HYPOPARA, 3, EntityNotFound, "cm:NoSuchThing is not an entity"),
    # a class is not an entity either
    (CM.Condition, HYPOPARA, 3, EntityNotFound, "cm:Condition is not an entity"),
    # path length out of range, both ends
    (DIGEORGE, HYPOPARA, 0, ValueError, "max_length must be between 1 and 6, got 0"),
    (DIGEORGE, HYPOPARA, MAX_LENGTH + 1, ValueError, "max_length must be between 1 and 6, got 7"),
])
def test_errors(kg, a, b, max_length, error, message):
    with pytest.raises(error, match=message):
        relate(kg, a, b, max_length)


def test_two_step_neighbours_count_only_through_a_mechanism(kg):
    # Through upper-lip twitching, a hub, essential tremor would "share" half the graph with
    # Parkinson's disease; only a mechanism makes a two-step neighbour.
    shared = shared_neighbours(kg, entity("EssentialTremor"), entity("ParkinsonsDisease"))
    assert [s.label for s in shared] == ["lip tremor", "tremor of the hands"]
    assert all(s.direct for s in shared)
