"""AppTest for the Explore, Entity, Ontology and Overview pages and for the router.

AppTest runs no JavaScript, so what the browser would send is set through the components' keys
before a run: a click on the network (:func:`app.network_component.click_value`), what the student typed into a search
box or picked from it (:func:`app.search_box.pick_value`). The helpers here are shared with the
other page tests.
"""

from __future__ import annotations

import doctest
import json

import pytest
from streamlit.testing.v1 import AppTest

from app.network_component import click_value
from app.search_box import box_key, pick_value, remove_value
from graph.namespace import entity
from graph.store import ROOT
from graph.view.network import bounded_view

PAGES = ROOT / "app" / "app_pages"
ROUTER = ROOT / "app" / "streamlit_app.py"
DIGEORGE = str(entity("DiGeorgeSyndrome"))
HYPOCALCEMIA = str(entity("Hypocalcemia"))


def open_page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def components(at: AppTest, name: str) -> list[dict]:
    """The data each components-v2 element called ``name`` was drawn with."""
    return [json.loads(el.proto.json or el.proto.mixed.json) for el in at.get("bidi_component")
            if el.proto.component_name == name]


def search_boxes(at: AppTest) -> list[dict]:
    return components(at, "causemap_search")


def network_data(at: AppTest, index: int = 0) -> dict:
    return components(at, "causemap_network")[index]


def type_into(at: AppTest, key: str, text: str) -> list[str]:
    """Type ``text`` into the search box whose value lives at ``key``; the options' labels."""
    at.session_state[box_key(key)] = {"query": text}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (box,) = [b for b in search_boxes(at) if b["for"] == text]
    return [o["label"] for o in box["options"]]


def press_enter(at: AppTest, key: str, text: str) -> AppTest:
    """Type ``text`` and press Enter before any option arrived: the page takes the top match."""
    at.session_state[box_key(key)] = pick_value(text)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def query_params(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


# -- the router ---------------------------------------------------------------------------------

def test_router_runs_the_explore_page_with_one_disclaimer_and_search_first():
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Explore the graph"
    notes = [c.value for c in at.caption if "not for diagnosis" in c.value]
    assert len(notes) == 1  # once, on the page; not again in the sidebar
    assert not [i for i in at.sidebar.info if "not for diagnosis" in i.value]
    boxes = search_boxes(at)
    assert boxes[0]["label"] == "Find an entity"


# -- the view and its URL -------------------------------------------------------------------------

def test_the_start_view_is_the_best_connected_entity_two_hops_out():
    at = open_page("explore")
    assert not at.exception
    assert texts(at)[0] == ("Showing 41 of 41 entities and 55 relations: **Upper\\-lip twitching** "
                            "and what is within 2 hops of it.")
    data = network_data(at)
    focus = [n for n in data["nodes"] if n.get("isFocus")]
    assert [n["id"] for n in focus] == [str(entity("UpperLipTwitching"))]
    assert query_params(at) == {}  # the start view needs no URL; nothing was pushed


def test_the_whole_graph_is_bounded_and_says_so():
    at = open_page("explore", view="whole", cap="40")
    assert not at.exception
    assert texts(at)[0].startswith("Showing 40 of 101 entities")
    assert any("61 more not shown" in w.value for w in at.warning)
    at.button(key="explore_more").click().run()
    assert texts(at)[0].startswith("Showing 101 of 101 entities")
    assert query_params(at)["cap"] == "140"


def test_deep_link_focus_and_radius():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    # Tetany and Chvostek's sign, the signs of low calcium the review added, are one hop away.
    assert texts(at)[0] == ("Showing 7 of 7 entities and 10 relations: **Hypocalcemia** and what "
                            "is within 1 hop of it.")


@pytest.mark.parametrize("typed, focus", [
    ("parkinsons", "cm:ParkinsonsDisease"),
    ("low calcium", "cm:Hypocalcemia"),       # a synonym
    ("upper lip", "cm:UpperLipTwitching"),
    ("upper lip twitching", "cm:UpperLipTwitching"),
    ("digorge", "cm:DiGeorgeSyndrome"),        # a typo
])
def test_search_then_enter_focuses_on_the_top_match(typed, focus):
    at = press_enter(open_page("explore"), "explore_find", typed)
    assert query_params(at)["focus"] == focus and query_params(at)["entity"] == focus
    name = "Upper\\-lip twitching" if "Upper" in focus else None
    assert "**" in texts(at)[0] and (name is None or name in texts(at)[0])
    # The drawing announces the new view and takes the keyboard focus.
    ui = network_data(at)["ui"]
    assert ui["announce"]["focus"] is True and "centres on" in ui["announce"]["text"]


def test_search_options_show_class_and_the_synonym_that_matched():
    at = open_page("explore")
    assert type_into(at, "explore_find", "low calcium")[0] == "Hypocalcemia"
    (box,) = [b for b in search_boxes(at) if b["for"] == "low calcium"]
    top = box["options"][0]
    assert top["cls"] == "Mechanism" and top["matched"] == "low calcium"
    assert len(box["options"]) <= 8  # a few options per query, never the entity list


def test_search_with_no_match_says_so():
    at = open_page("explore")
    assert type_into(at, "explore_find", "qqqzzz") == []
    (box,) = [b for b in search_boxes(at) if b["for"] == "qqqzzz"]
    assert "Nothing matches" in box["empty"]
    press_enter(at, "explore_find", "qqqzzz")
    assert "focus" not in query_params(at)
    assert "Nothing matches" in search_boxes(at)[0]["message"]


def test_click_opens_details_then_expand_and_collapse_are_in_the_url():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    at.session_state["explore_network"] = click_value(DIGEORGE)
    at.run()
    assert not at.exception
    assert "### DiGeorge syndrome" in texts(at)
    assert query_params(at)["entity"] == "cm:DiGeorgeSyndrome"
    assert any("22nd chromosome" in w.value for w in at.warning)  # the curator's note
    at.button(key="explore_expand").click().run()
    assert texts(at)[0].startswith("Showing 13 of 13 entities")
    assert "with the neighbours of **DiGeorge syndrome**" in texts(at)[0]  # the caption is true
    assert query_params(at)["expand"] == "cm:DiGeorgeSyndrome"
    assert at.button(key="explore_expand").label == "Collapse"
    assert network_data(at)["ui"]["back"]["enabled"] is True  # Back steps to the last view
    at.button(key="explore_expand").click().run()
    assert texts(at)[0].startswith("Showing 7 of 7 entities")
    assert "expand" not in query_params(at)


def test_an_expansion_that_adds_nothing_says_so_and_changes_nothing(kg):
    # A node of the 2-hop view around hypocalcemia whose neighbours are all drawn already.
    view = bounded_view(kg, focus=HYPOCALCEMIA, radius=2)
    inner = next(n for n in sorted(view.graph) if n != HYPOCALCEMIA and
                 bounded_view(kg, focus=HYPOCALCEMIA, radius=2, expanded=[n]).graph.number_of_nodes()
                 == view.graph.number_of_nodes())
    at = open_page("explore", focus="cm:Hypocalcemia", radius="2")
    at.session_state["explore_network"] = click_value(inner)
    at.run()
    before = texts(at)[0]
    at.button(key="explore_expand").click().run()
    assert texts(at)[0] == before
    assert "expand" not in query_params(at)
    assert any(i.value.startswith("Nothing to add") for i in at.info)
    assert at.button(key="explore_expand").label == "Expand"


def test_focus_here_recentres_the_view():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1", entity="cm:DiGeorgeSyndrome")
    at.button(key="explore_focus_btn").click().run()
    assert "**DiGeorge syndrome** and what is within 1 hop" in texts(at)[0]
    assert query_params(at)["focus"] == "cm:DiGeorgeSyndrome"


def test_filters_are_in_the_url_and_the_caption():
    at = open_page("explore", focus="cm:UpperLipTwitching", radius="1", classes="Condition")
    assert at.session_state["explore_classes"] == ["Condition"]
    # The symptom and the two conditions that have it directly (DiGeorge syndrome and
    # hypoparathyroidism reach it through hypocalcemia, two hops away; since the review, ALS,
    # Bell's palsy, essential tremor and Parkinson's disease reach it through a kind of movement).
    assert texts(at)[0].startswith("Showing 3 of 3 entities")
    assert any(c.value == "Filtered to classes: Condition." for c in at.caption)
    at.slider(key="explore_radius").set_value(2).run()
    assert query_params(at)["radius"] == "2" and query_params(at)["classes"] == "Condition"


@pytest.mark.parametrize("params, warning", [
    ({"focus": "cm:NoSuchThing"}, "not an entity in this graph"),      # an unknown entity
    ({"focus": "cm:Hypocalcemia", "radius": "abc"}, "radius=abc is not a number of hops"),
    ({"focus": "cm:Hypocalcemia", "radius": "9"}, "radius=9 is outside 1–3"),
    ({"classes": "Conditon"}, "no class called Conditon"),               # a typo
])
def test_bad_link_parameters_are_warned_and_the_page_still_renders(params, warning):
    at = open_page("explore", **params)
    assert not at.exception
    assert any(warning in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert texts(at)[0].startswith("Showing ")


def test_downloads_are_offline_html_and_turtle():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download view as HTML", "Download view as Turtle"]


def test_link_text_from_the_url_is_escaped():
    at = open_page("explore", entity="[Click here](https://evil.example/x)")
    warning = at.warning[0].value
    assert "](https" not in warning and "\\[Click here\\]" in warning


# -- the Entity page -------------------------------------------------------------------------------

@pytest.mark.parametrize("param,expected_heading", [
    ("cm:Hypocalcemia", "## Hypocalcemia"),
    ("low calcium", "## Hypocalcemia"),  # a synonym works in links too
    ("als", "## Amyotrophic lateral sclerosis"),
])
def test_entity_page_deep_link(param, expected_heading):
    at = open_page("entity", entity=param)
    assert not at.exception
    assert expected_heading in texts(at)


def test_entity_page_shows_sources_notes_xrefs_a_network_and_a_link_to_explore():
    at = open_page("entity", entity="cm:SubstantiaNigra")
    assert any("substantial niagra" in w.value for w in at.warning)
    at = open_page("entity", entity="cm:Hypocalcemia")
    assert any("[HP\\:0002901](https://hpo.jax.org/browse/term/HP:0002901)" in t for t in texts(at))
    assert any("4\\. DiGeorge Syndrome" in c.value for c in at.caption)
    assert "[Open in Explore ↗](/?focus=cm:Hypocalcemia&radius=1&entity=cm:Hypocalcemia)" \
        in texts(at)
    data = network_data(at)
    assert len(data["nodes"]) == 7 and [n["id"] for n in data["nodes"] if n.get("isFocus")] \
        == [HYPOCALCEMIA]


@pytest.mark.parametrize("typed, heading", [
    ("upper lip", "## Upper\\-lip twitching"),
    ("low calcium", "## Hypocalcemia"),
    ("upper lip twitching", "## Upper\\-lip twitching"),
])
def test_entity_page_picker_finds_by_synonym_and_part_of_a_name(typed, heading):
    at = open_page("entity")
    assert type_into(at, "entity_pick", typed)
    press_enter(at, "entity_pick", typed)
    assert heading in texts(at)
    assert query_params(at)["entity"] in ("cm:UpperLipTwitching", "cm:Hypocalcemia")


def test_a_click_on_the_entity_pages_network_opens_that_entity():
    at = open_page("entity", entity="cm:Hypocalcemia")
    at.session_state["entity_network"] = click_value(DIGEORGE)
    at.run()
    assert "## DiGeorge syndrome" in texts(at)
    assert query_params(at)["entity"] == "cm:DiGeorgeSyndrome"


def test_entity_page_unknown_link_is_a_clear_error():
    at = open_page("entity", entity="cm:Nope")
    assert not at.exception
    assert "does not have" in at.error[0].value


# -- Ontology and Overview ------------------------------------------------------------------------

def test_ontology_page_lists_classes_relations_in_full_and_draws_the_schema():
    at = open_page("ontology")
    assert not at.exception
    classes, relations = at.table[0].value, at.table[1].value  # tables: nothing cut or hidden
    assert "Mechanism" in list(classes["class"])
    row = relations[relations["relation"] == "acts through"].iloc[0]
    assert row["read backwards"] == "is a mechanism of"
    assert row["from (domain)"] == "Condition, Trigger or exposure"
    assert network_data(at)["nodes"]


def test_overview_page_counts():
    at = open_page("home")
    assert [m.value for m in at.metric][:2] == ["101", "129"]
    assert len(at.table) == 3
    sources = at.table[2].value
    # st.table renders Markdown in its cells, so the page escapes them
    assert [c.replace("\\", "") for c in sources["source"]] == ["causemap.ttl", "article.trig"]
    assert "/" not in "".join(sources["source"])  # names only: no server folders
    assert any("Loaded now: The article \\(bundled\\)" in t for t in texts(at))


def test_overview_page_on_the_article_with_its_hpo_enrichment():
    at = open_page("home", graph="article-hpo")
    assert int(at.metric[0].value.replace(",", "")) > 101  # the HPO phenotypes of its conditions
    assert "hpo-enrichment.trig" in [c.replace("\\", "") for c in at.table[2].value["source"]]
    assert any("HPO enrichment" in t for t in texts(at))


def test_an_unknown_graph_in_the_link_falls_back_to_the_default():
    at = open_page("home", graph="![x](http://example.org/x)")
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["101", "129"]


def test_the_graph_picker_switches_every_page(monkeypatch):
    at = AppTest.from_file(str(ROUTER), default_timeout=60).run()
    box = next(b for b in at.sidebar.selectbox if b.label == "Graph")
    assert box.value == "article" and "The article + HPO enrichment" in box.options
    box.select("article-hpo").run()
    assert not at.exception
    assert at.query_params.get("graph") == "article-hpo"
    assert at.session_state["cm_dataset"] == "article-hpo"


# -- the modules behind the pages -----------------------------------------------------------------

@pytest.mark.parametrize("module", ["app.explore_view", "app.search_box", "app.term_check",
                                    "app.ui", "app.network_component"])
def test_app_doctests(module):
    import importlib

    failures, _ = doctest.testmod(importlib.import_module(module))
    assert failures == 0


def test_remove_value_takes_an_entity_off_a_multi_picker():
    at = open_page("compare", c="cm:EssentialTremor,cm:ParkinsonsDisease")
    assert len(at.session_state["compare_sel"]) == 2
    at.session_state[box_key("compare_sel")] = remove_value(str(entity("EssentialTremor")))
    at.run()
    assert at.session_state["compare_sel"] == [entity("ParkinsonsDisease")]


def test_every_page_explores_the_graph_the_link_names():
    # An HPO phenotype that only the enrichment graph holds: unknown to the article's graph.
    plain = open_page("entity", entity="Autosomal dominant inheritance")
    assert any("does not have" in e.value for e in plain.error)
    enriched = open_page("entity", entity="Autosomal dominant inheritance", graph="article-hpo")
    assert not enriched.error and not enriched.exception
    assert any("Autosomal dominant inheritance" in t for t in texts(enriched) + [h.value for h in enriched.subheader])


# -- big neighbourhoods: cluster nodes that open on click ----------------------------------------

OMIM_DIGEORGE = "disease:OMIM_188400"  # 77 neighbours in the HPO enrichment graph
CARDIO = "http://purl.obolibrary.org/obo/HP_0001626"  # Abnormality of the cardiovascular system


def test_a_one_hop_view_of_an_hpo_disease_groups_its_phenotypes():
    at = open_page("explore", graph="article-hpo", focus=OMIM_DIGEORGE, radius="1")
    assert not at.exception
    nodes = network_data(at)["nodes"]
    clusters = [n for n in nodes if n.get("isCluster")]
    assert len(nodes) <= 30 and len(clusters) >= 5
    cardio = next(n for n in clusters if n["id"] == "cluster:" + CARDIO)
    assert cardio["label"].startswith("Abnormality of the cardiovascular system · ")
    assert cardio["count"] == int(cardio["label"].rsplit("· ", 1)[1]) > 3
    assert "click to open" in cardio["title"]
    assert any("77 direct neighbours" in t and "Click a group" in t for t in texts(at))


def test_a_click_on_a_group_opens_it_and_the_link_keeps_it_open():
    at = open_page("explore", graph="article-hpo", focus=OMIM_DIGEORGE, radius="1")
    before = {n["id"] for n in network_data(at)["nodes"]}
    count = next(n["count"] for n in network_data(at)["nodes"] if n["id"] == "cluster:" + CARDIO)
    at.session_state["explore_network"] = click_value("cluster:" + CARDIO)
    at.run()
    assert not at.exception
    assert query_params(at)["open"] == "obo:HP_0001626"
    assert "entity" not in query_params(at)  # a group is opened, not selected
    after = {n["id"] for n in network_data(at)["nodes"]}
    assert "cluster:" + CARDIO not in after
    assert len(after - before) == count  # every member of the group is drawn
    again = open_page("explore", graph="article-hpo", **query_params(at))  # the link
    assert {n["id"] for n in network_data(again)["nodes"]} == after
    again.session_state["explore_network"] = click_value("cluster:" + CARDIO)
    again.run()
    assert "open" not in query_params(again)  # a second click closes it


def test_the_entity_page_groups_hpo_annotations_by_frequency_band():
    at = open_page("entity", entity=OMIM_DIGEORGE, graph="article-hpo")
    assert not at.exception and not at.error
    bands = [e.label for e in at.expander]
    assert bands and bands[0].startswith(("Obligate", "Very frequent"))
    order = ["Obligate", "Very frequent", "Frequent", "Occasional", "Very rare",
             "Frequency not given"]
    named = [b.split(" · ")[0] for b in bands]
    assert named == sorted(named, key=order.index)  # most frequent first
    assert sum(int(b.split(" · ")[1]) for b in bands) >= 60
    assert any("Hypocalcemia" in t for t in texts(at))  # known: OMIM:188400 has hypocalcemia


def test_the_entity_page_shows_which_article_claims_hpo_supports():
    at = open_page("entity", entity="cm:DiGeorgeSyndrome", graph="article-hpo")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("✓ HPO supports this") for c in captions)
    plain = open_page("entity", entity="cm:DiGeorgeSyndrome")  # the article alone: no HPO
    assert not any("HPO supports" in c.value for c in plain.caption)
