"""Loading the bundled data and user files into a Store."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

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


_LANGS = ["en", "en-GB", "fr", "de-CH-1996", "zh-Hant-TW", "x-private"]


@given(text=st.text(), lang=st.sampled_from([None, *_LANGS]))
@settings(max_examples=300, deadline=None)
def test_decoded_string_literals_are_what_rdflib_makes(text, lang):
    # The fast path builds string literals without rdflib's constructor: every attribute, the
    # equality and the hash must be the constructor's.
    from graph.store.terms import decode
    fast, slow = decode((text, lang, None)), Literal(text, lang=lang)
    assert type(fast) is type(slow) and str(fast) == str(slow)
    for attr in ("language", "datatype", "value", "ill_typed"):
        assert getattr(fast, attr) == getattr(slow, attr), attr
    assert fast == slow and hash(fast) == hash(slow) and fast.n3() == slow.n3()
    assert fast.eq(slow) and fast.toPython() == slow.toPython()


@pytest.mark.parametrize("text, datatype", [
    ("01", "http://www.w3.org/2001/XMLSchema#integer"),
    ("1.50", "http://www.w3.org/2001/XMLSchema#decimal"),
    ("true", "http://www.w3.org/2001/XMLSchema#boolean"),
    ("2024-02-30", "http://www.w3.org/2001/XMLSchema#date"),
    ("abc", "http://www.w3.org/2001/XMLSchema#integer"),
    ("x", "https://w3id.org/causemap/custom")])
def test_decoded_typed_literals_are_normalised_as_rdflib_does(text, datatype):
    from graph.store.terms import decode
    fast, slow = decode((text, None, datatype)), Literal(text, datatype=URIRef(datatype))
    assert (str(fast), fast.datatype, fast.value, fast.ill_typed) == \
        (str(slow), slow.datatype, slow.value, slow.ill_typed)
    assert decode((text, None, datatype)) is fast  # kept: literals are immutable


@given(text=st.text(), lang=st.sampled_from([None, *_LANGS]),
       path=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_-.~/", max_size=30))
@settings(max_examples=300, deadline=None)
def test_oxigraph_terms_become_what_rdflib_makes(text, lang, path):
    # Every lookup a page makes converts Oxigraph's terms with the same fast paths as decode.
    import pyoxigraph as ox

    from graph.store.terms import from_ox
    term = ox.Literal(text, language=lang) if lang else ox.Literal(text)
    fast, slow = from_ox(term), Literal(text, lang=term.language)  # Oxigraph lowercases tags
    assert type(fast) is type(slow) and fast == slow and hash(fast) == hash(slow)
    for attr in ("language", "datatype", "value", "ill_typed"):
        assert getattr(fast, attr) == getattr(slow, attr), attr
    iri = f"https://w3id.org/causemap/{path}"
    assert type(from_ox(ox.NamedNode(iri))) is URIRef and from_ox(ox.NamedNode(iri)) == URIRef(iri)


@pytest.mark.parametrize("text, datatype", [
    ("01", "http://www.w3.org/2001/XMLSchema#integer"),
    ("2024-02-30", "http://www.w3.org/2001/XMLSchema#date"),
    ("x", "https://w3id.org/causemap/custom")])
def test_typed_oxigraph_literals_are_normalised_as_rdflib_does(text, datatype):
    import pyoxigraph as ox

    from graph.store.terms import from_ox
    fast = from_ox(ox.Literal(text, datatype=ox.NamedNode(datatype)))
    slow = Literal(text, datatype=URIRef(datatype))
    assert (str(fast), fast.datatype, fast.value, fast.ill_typed) == \
        (str(slow), slow.datatype, slow.value, slow.ill_typed)


def test_memo_keeps_the_most_recent_results_of_one_store():
    from graph.store.oxigraph_store import OxigraphStore
    one, other = OxigraphStore.from_files(workers=1), OxigraphStore.from_files(workers=1)
    try:
        calls = []

        def compute(tag):
            calls.append(tag)
            return [tag]  # a fresh object per computation
        first = one.memo(("k", 1), lambda: compute(1))
        assert one.memo(("k", 1), lambda: compute("again")) is first and calls == [1]
        assert other.memo(("k", 1), lambda: compute("other store")) == ["other store"]
        for i in range(2, one.MEMO_SIZE + 1):  # fills it; ("k", 1) was used last but one…
            one.memo(("k", i), lambda i=i: compute(i))
        one.memo(("k", 1), lambda: compute("used again"))  # …and is used again: kept
        one.memo(("k", "new"), lambda: compute("new"))  # evicts the least recently used, ("k", 2)
        assert "used again" not in calls
        one.memo(("k", 2), lambda: compute("recomputed"))
        assert calls[-1] == "recomputed" and len(one._memo) == one.MEMO_SIZE
    finally:
        one.close()
        other.close()


def test_explore_views_are_kept_for_reruns_whatever_is_selected(kg):
    from app.explore_view import View, draw
    view = View(focus=str(entity("Hypocalcemia")), radius=2)
    drawn = draw(kg, view)
    assert draw(kg, view.with_(selected=str(entity("Tetany")))) is drawn  # a click selects
    wider = draw(kg, view.with_(radius=3))
    assert wider is not drawn and wider.graph.number_of_nodes() > drawn.graph.number_of_nodes()
