"""Loading the bundled data and user files into a Store."""

from __future__ import annotations

import pytest

from graph.errors import DataLoadError
from graph.namespace import CM, entity
from graph.store import ONTOLOGY_GRAPH, load


def test_bundled_graph_has_entities_relations_and_ontology(kg):
    assert len(kg.entities()) >= 80
    assert (entity("DiGeorgeSyndrome"), CM.actsThrough, entity("Hypocalcemia")) in kg
    assert sum(1 for *_t, g in kg.quads() if g == ONTOLOGY_GRAPH) > 100


def test_relation_lives_in_its_claim_graph(kg):
    graphs = {str(g) for *_t, g in kg.quads(
        entity("DiGeorgeSyndrome"), CM.actsThrough, entity("Hypocalcemia"))}
    assert graphs == {"https://w3id.org/causemap/claim/DiGeorgeSyndrome-actsThrough-Hypocalcemia"}


def test_user_turtle_file_loads_beside_the_ontology(tmp_path):
    f = tmp_path / "mine.ttl"
    f.write_text('@prefix cm: <https://w3id.org/causemap/> .\n@prefix rdfs: '
                 '<http://www.w3.org/2000/01/rdf-schema#> .\n'
                 'cm:X a cm:Condition ; rdfs:label "x disease" .\n', encoding="utf-8")
    kg = load([f])
    assert [kg.label(e) for e in kg.entities()] == ["x disease"]
    assert kg.label(CM.canCause) == "can cause"


@pytest.mark.parametrize("name,content,message", [
    # missing file
    ("absent.ttl", None, "no such file"),
    # unknown extension
    ("notes.txt", "hello", "unknown RDF format"),
    # Turtle syntax error
    ("broken.ttl", "<a> <b> .", "not valid Turtle"),
    # binary garbage
    ("binary.ttl", b"\xff\xfe\x00\x01", "not"),
    # JSON-LD with a remote context must not reach the network
    ("remote.jsonld", '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "x"}', "not valid JSON-LD"),
])
def test_bad_user_files_fail_with_a_specific_message(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DataLoadError, match=message) as err:
        load([path])
    assert name in str(err.value)


def test_empty_file_list_is_an_error():
    with pytest.raises(DataLoadError, match="no data files"):
        load([])
