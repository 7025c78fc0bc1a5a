"""AppTest for the Explore, Entity, Ontology and Overview pages and for the router.

AppTest runs no JavaScript, so a click on the network is simulated the way the component documents:
by setting the component's state through its key (``{"selected": IRI}``) before a run.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from graph.namespace import entity
from graph.store import ROOT

PAGES = ROOT / "app" / "app_pages"
DIGEORGE = str(entity("DiGeorgeSyndrome"))


def open_page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_router_runs_the_explore_page_with_the_disclaimer():
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Explore the graph"
    assert any("not for diagnosis" in i.value for i in at.sidebar.info)


def test_explore_whole_graph_is_bounded_and_says_so():
    at = open_page("explore")
    assert not at.exception
    assert texts(at)[0].startswith("Showing 101 entities")
    at.session_state["explore_cap"] = 40
    at.run()
    assert texts(at)[0].startswith("Showing 40 entities")
    assert any("61 more not shown" in w.value for w in at.warning)
    at.button(key="explore_more").click().run()
    assert texts(at)[0].startswith("Showing 101 entities")


def test_explore_deep_link_focus_and_radius():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    # Tetany and Chvostek's sign, the signs of low calcium the review added, are one hop away.
    assert texts(at)[0] == "Showing 7 entities and 10 relations of around **Hypocalcemia** (1 hop)."


def test_explore_search_then_focus():
    at = open_page("explore")
    at.text_input(key="explore_search").input("parkinsons").run()
    at.button(key="explore_hit_cm:ParkinsonsDisease").click().run()
    assert "around **Parkinson's disease**" in texts(at)[0]
    assert at.query_params["focus"] == "cm:ParkinsonsDisease"
    assert any(m.value == "### Parkinson's disease" for m in at.markdown)


def test_explore_search_with_no_match_says_so():
    at = open_page("explore")
    at.text_input(key="explore_search").input("qqqzzz").run()
    assert any("Nothing matches" in c.value for c in at.caption)


def test_simulated_click_opens_details_then_expand_and_undo():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    at.session_state["explore_network"] = {"selected": DIGEORGE}
    at.run()
    assert not at.exception
    assert "### DiGeorge syndrome" in texts(at)
    assert at.query_params["entity"] == "cm:DiGeorgeSyndrome"
    assert any("22nd chromosome" in w.value for w in at.warning)  # the curator's note
    at.button(key="explore_expand").click().run()
    assert texts(at)[0].startswith("Showing 13 entities")
    at.button(key="explore_undo").click().run()
    assert texts(at)[0].startswith("Showing 7 entities")


def test_focus_here_recentres_the_view():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1", entity="cm:DiGeorgeSyndrome")
    at.button(key="explore_focus_btn").click().run()
    assert "around **DiGeorge syndrome**" in texts(at)[0]


def test_class_filter_is_in_the_url_and_restores():
    at = open_page("explore", focus="cm:UpperLipTwitching", radius="1", classes="Condition")
    assert at.session_state["explore_classes"] == ["Condition"]
    # The symptom and the two conditions that have it directly (DiGeorge syndrome and
    # hypoparathyroidism reach it through hypocalcemia, two hops away; since the review, ALS,
    # Bell's palsy, essential tremor and Parkinson's disease reach it through a kind of movement).
    assert texts(at)[0].startswith("Showing 3 entities")


def test_explore_bad_link_warns_and_still_renders():
    at = open_page("explore", focus="cm:NoSuchThing")
    assert not at.exception
    assert any("not in this graph" in w.value for w in at.warning)
    assert texts(at)[0].startswith("Showing 101 entities")


def test_explore_downloads_are_offline_html_and_turtle():
    at = open_page("explore", focus="cm:Hypocalcemia", radius="1")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download view as HTML", "Download view as Turtle"]


@pytest.mark.parametrize("param,expected_heading", [
    ("cm:Hypocalcemia", "## Hypocalcemia"),
    ("low calcium", "## Hypocalcemia"),  # a synonym works in links too
    ("als", "## Amyotrophic lateral sclerosis"),
])
def test_entity_page_deep_link(param, expected_heading):
    at = open_page("entity", entity=param)
    assert not at.exception
    assert expected_heading in texts(at)


def test_entity_page_shows_sources_notes_and_xrefs():
    at = open_page("entity", entity="cm:SubstantiaNigra")
    assert any("substantial niagra" in w.value for w in at.warning)
    at = open_page("entity", entity="cm:Hypocalcemia")
    assert any("[HP:0002901](https://hpo.jax.org/browse/term/HP:0002901)" in t for t in texts(at))
    assert any("4\\. DiGeorge Syndrome" in c.value for c in at.caption)


def test_entity_page_unknown_link_is_a_clear_error():
    at = open_page("entity", entity="cm:Nope")
    assert not at.exception
    assert "does not have" in at.error[0].value


def test_ontology_page_lists_classes_relations_and_draws_the_schema():
    at = open_page("ontology")
    assert not at.exception
    classes, relations = at.dataframe[0].value, at.dataframe[1].value
    assert "Mechanism" in list(classes["class"])
    row = relations[relations["relation"] == "acts through"].iloc[0]
    assert row["read backwards"] == "is a mechanism of"
    assert row["from (domain)"] == "Condition, Trigger or exposure"


def test_overview_page_counts():
    at = open_page("home")
    assert [m.value for m in at.metric][:2] == ["101", "129"]


def test_an_old_click_does_not_override_a_later_search():
    # Regression: the component reports its last click on every rerun.
    at = open_page("explore")
    at.session_state["explore_network"] = {"selected": str(entity("Thymus"))}
    at.run()
    assert "### Thymus" in texts(at)
    at.text_input(key="explore_search").input("parkinsons").run()
    at.button(key="explore_hit_cm:ParkinsonsDisease").click().run()
    assert "### Parkinson's disease" in texts(at)
    assert "### Thymus" not in texts(at)


def test_link_text_from_the_url_is_escaped():
    at = open_page("explore", entity="[Click here](https://evil.example/x)")
    warning = at.warning[0].value
    assert "](https" not in warning and "\\[Click here\\]" in warning
