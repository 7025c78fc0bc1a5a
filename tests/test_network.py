"""The networkx projection, bounded views and paths as sentences."""

from __future__ import annotations

import pytest

from graph.errors import EntityNotFound, InvalidRequest
from graph.namespace import CM, RELATIONS, entity
from graph.learn.paths import shortest_paths, simple_paths
from graph.learn.projection import to_networkx
from graph.view.network import bounded_view, neighbourhood


def test_projection_keeps_entities_and_content_relations_only(kg):
    G = to_networkx(kg)
    assert G.number_of_nodes() == len(kg.entities())
    assert {d["predicate"] for *_e, d in G.edges(data=True)} <= {str(r) for r in RELATIONS}
    # Classes are attributes, never nodes: "both are conditions" is not a connection.
    assert str(CM.Condition) not in G


def test_neighbourhood_radius(kg):
    G = to_networkx(kg)
    one = neighbourhood(G, str(entity("Hypocalcemia")), 1)
    # Tetany and Chvostek's sign: the signs of low calcium the review found missing.
    assert {G.nodes[n]["label"] for n in one} == {
        "hypocalcemia", "DiGeorge syndrome", "hypoparathyroidism", "upper-lip twitching",
        "calcium replacement", "tetany", "Chvostek's sign"}
    assert len(neighbourhood(G, str(entity("Hypocalcemia")), 2)) > len(one)


def test_bounded_view_caps_and_counts_hidden(kg):
    G = to_networkx(kg)
    view = bounded_view(G, max_nodes=20)
    assert view.graph.number_of_nodes() == 20
    assert view.hidden == G.number_of_nodes() - 20


def test_bounded_view_filters_by_class_but_keeps_focus(kg):
    G = to_networkx(kg)
    focus = str(entity("UpperLipTwitching"))
    view = bounded_view(G, focus=focus, radius=1, classes={str(CM.Condition)})
    classes = {G.nodes[n]["cls"] for n in view.graph if n != focus}
    assert classes == {str(CM.Condition)}


def test_digeorge_path_reads_as_a_sentence(kg):
    [path] = shortest_paths(kg, entity("DiGeorgeSyndrome"), entity("UpperLipTwitching"))
    assert path.sentence == ("DiGeorge syndrome acts through hypocalcemia, "
                             "which can cause upper-lip twitching.")
    assert [pr[0].section_number for pr in path.sources] == [4, 4]


def test_simple_paths_are_shortest_first_and_bounded(kg):
    paths = simple_paths(kg, entity("ParkinsonsDisease"), entity("AmyotrophicLateralSclerosis"),
                         max_length=3)
    lengths = [len(p) for p in paths]
    assert lengths == sorted(lengths) and max(lengths) <= 3
    assert any("neurodegeneration" in p.sentence for p in paths if len(p) == 2)


@pytest.mark.parametrize("a,b,error,message", [
    # unknown entity
    ("cm:Nope", "cm:Hypocalcemia", EntityNotFound, "cm:Nope is not an entity"),
    # the same entity twice
    ("cm:Hypocalcemia", "cm:Hypocalcemia", InvalidRequest, "two different"),
])
def test_path_errors(kg, a, b, error, message):
    from graph.namespace import expand_curie
    with pytest.raises(error, match=message):
        shortest_paths(kg, expand_curie(a), expand_curie(b))
