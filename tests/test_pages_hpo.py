"""Every page on a big HPO store (a 10 % sample: 280,000 triples, large-graph mode).

The pages run in-process with Streamlit's AppTest against an on-disk Oxigraph store built once per
session (``hpo_sample_store``), as ``causemap --store oxigraph:PATH app`` opens it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from streamlit.testing.v1 import AppTest

from graph.namespace import CM, curie

PAGES = Path(__file__).resolve().parent.parent / "app" / "app_pages"
ALL = ["home", "explore", "entity", "ontology", "query", "relate", "compare", "differential",
       "treatments", "quiz", "hubs"]


@pytest.fixture(scope="module")
def store(hpo_sample_store):
    from graph.store import open_store
    return open_store(f"oxigraph:{hpo_sample_store}")


@pytest.fixture
def page(hpo_sample_store, monkeypatch):
    monkeypatch.setenv("CAUSEMAP_STORE", f"oxigraph:{hpo_sample_store}")
    monkeypatch.delenv("CAUSEMAP_DATA", raising=False)

    def open_page(name: str, **params: str) -> AppTest:
        at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return open_page


def _diseases(store, n: int) -> list[str]:
    """The ``n`` sampled diseases with the most phenotypes."""
    rows = store.select_text(f"""SELECT ?d (COUNT(?t) AS ?k) WHERE {{
        ?d cm:hasSymptom ?t FILTER(STRSTARTS(STR(?d), "https://w3id.org/causemap/disease/")) }}
        GROUP BY ?d ORDER BY DESC(?k) ?d LIMIT {n}""")
    return [curie(d) for d, _ in rows]


@pytest.mark.parametrize("name", ALL)
def test_every_page_opens_on_the_big_store(page, name):
    at = page(name)
    assert at.title  # the page drew its heading, with no exception


@pytest.mark.parametrize("tab", ["Examples", "Question builder", "History"])
def test_every_sparql_tab_opens_on_the_big_store(page, tab):
    # The Examples and Question builder tabs are drawn only when open: open each one.
    at = page("query")
    at.session_state["query_tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if tab == "Examples":
        assert any(b.key.startswith("query_example_run_") for b in at.button)
    if tab == "Question builder":
        assert at.selectbox(key="query_builder_template")


def test_overview_says_what_is_loaded(page, hpo_sample_store):
    at = page("home")
    assert any("The store you opened" in m.value for m in at.markdown)
    # The store by its folder's name: the server's folders are nobody's business.
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert f"oxigraph:{Path(hpo_sample_store).name}" in said
    assert str(Path(hpo_sample_store).parent) not in said
    assert int(at.metric[0].value.replace(",", "")) > 5000


def test_explore_groups_a_big_disease_into_clusters(page, store):
    import json

    disease = _diseases(store, 1)[0]
    at = page("explore", focus=disease, radius="1")
    data = [json.loads(el.proto.json or el.proto.mixed.json) for el in at.get("bidi_component")
            if el.proto.component_name == "causemap_network"][0]
    assert len(data["nodes"]) <= 40
    assert sum(1 for n in data["nodes"] if n.get("isCluster")) >= 3


def test_entity_groups_a_diseases_phenotypes_by_frequency(page, store):
    at = page("entity", entity=_diseases(store, 1)[0])
    assert [e.label.split(" · ")[0] for e in at.expander][:1] in (["Obligate"], ["Very frequent"],
                                                                 ["Frequent"], ["Occasional"])


def test_entity_of_a_common_phenotype_lists_a_bounded_number(page, store):
    # The phenotype with the most diseases: its page writes out 100 and counts the rest.
    (term, n), = store.select_text("""SELECT ?t (COUNT(?d) AS ?k) WHERE { ?d cm:hasSymptom ?t }
        GROUP BY ?t ORDER BY DESC(?k) LIMIT 1""")
    assert int(n) > 100
    at = page("entity", entity=curie(term))
    shown = sum(int(e.label.split(" · ")[1]) for e in at.expander)
    assert shown == 100
    assert any(f"and {int(n) - 100:,} more" in c.value for c in at.caption)


def test_compare_two_diseases_by_organ_system(page, store):
    import json

    import pyarrow as pa
    a, b = _diseases(store, 2)
    at = page("compare", c=f"{a},{b}")
    assert any(h.value == "Phenotypes by organ system" for h in at.subheader)
    assert any(h.value == "How alike are these conditions?" for h in at.subheader)
    organs, alike = at.get("vega_lite_chart")
    spec = json.loads(organs.proto.spec)
    data = pa.ipc.open_stream(organs.proto.datasets[0].data.data).read_all().to_pandas()
    # Columns headed A, B, all (a disease's name has no room above a phone's column), and the key
    # above the chart names them.
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["A", "B", "all"]
    key = next(c.value for c in at.caption if c.value.startswith("**A**")).replace("\\", "")
    for letter in ("A", "B"):
        named, = data[data.column == letter].condition.unique()
        assert f"**{letter}** {named}" in key
    assert set(data[data.column == "A"].condition) != set(data[data.column == "B"].condition)
    assert key.endswith("**all** shared by all")
    spec = json.loads(alike.proto.spec)
    rows = spec["layer"][0]["encoding"]["y"]["sort"]
    assert [r.split(" · ")[0] for r in rows] == ["1", "2"]
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["1", "2"]


def test_compare_without_a_pick_does_not_score_every_pair(page):
    at = page("compare")
    assert any("pick two or three above" in c.value for c in at.caption)


def test_quiz_asks_for_frequent_features(page):
    at = page("quiz")
    assert any(m.value.startswith("#### Which of these is a frequent feature of")
               for m in at.markdown)


def test_hubs_offers_degree_only(page):
    at = page("hubs")
    assert at.radio[0].options == ["Degree (hubs)"]
    assert any("betweenness and cut points need" in c.value for c in at.caption)


def test_relate_two_diseases(page, store):
    a, b = _diseases(store, 2)
    at = page("relate", a=a, b=b)
    assert not at.error


def test_the_start_view_of_a_big_graph_is_its_best_connected_disease_in_groups(page, store):
    import json

    at = page("explore")
    data = [json.loads(el.proto.json or el.proto.mixed.json) for el in at.get("bidi_component")
            if el.proto.component_name == "causemap_network"][0]
    focus = next(n for n in data["nodes"] if n.get("isFocus"))
    assert store.class_of(URIRef(focus["id"])) == CM.Condition  # not "Autosomal recessive …"
    assert any(n.get("isCluster") for n in data["nodes"]) and len(data["nodes"]) <= 40
