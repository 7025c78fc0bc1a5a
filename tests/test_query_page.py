"""The SPARQL page under AppTest: run from the editor, the gallery, the builder and the history;
results, errors, refusals, networks, links.

AppTest runs no JavaScript, so a run of the editor is simulated the way the browser reports one:
by setting the editor component's value through its key (:func:`app.sparql_editor.submission`).
``tests/browser/test_query_browser.py`` types and presses Ctrl+Enter in a real Chromium.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # pages import app.*, which lives at the project root
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import graph.query  # noqa: E402
from app.sparql_editor import submission  # noqa: E402
from graph.errors import QueryTimeout  # noqa: E402
from tests.test_pages_explore import press_enter, type_into  # noqa: E402

PAGE = str(ROOT / "app" / "app_pages" / "query.py")
EDITOR = "query_editor"


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open one of the page's tabs, as a click on it does (Examples and Question builder are
    drawn only when open)."""
    at.session_state["query_tab"] = name
    return at.run()


@pytest.fixture
def at():
    """The page, run once."""
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    return app


def run_text(app: AppTest, text: str) -> AppTest:
    """Do what Ctrl+Enter in the editor does, and rerun."""
    app.session_state[EDITOR] = submission(text)
    app.run()
    assert not app.exception, app.exception
    return app


def bidi(app: AppTest, name: str) -> list[dict]:
    """The data sent to each instance of the component called ``name``."""
    return [json.loads(e.proto.json or e.proto.mixed.json) for e in app.get("bidi_component")
            if e.proto.component_name == name]


def editor_data(app: AppTest) -> dict:
    (data,) = bidi(app, "causemap_sparql_editor")
    return data


def plain(markdown: str) -> str:
    """Markdown as the reader sees it: without the backslashes that escape data text, or the
    invisible word joiners that keep a URL from becoming a link (app.ui.markdown_text)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def errors(app: AppTest) -> str:
    return plain("\n".join(e.value for e in app.error))


def captions(app: AppTest) -> str:
    return "\n".join(c.value for c in app.caption)


def result_table(app: AppTest):
    """The results table (the last st.table on the page; the builder's clause table comes first)."""
    return app.table[-1].value


def count_triples(app: AppTest) -> int:
    run_text(app, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(result_table(app)["?n"].iloc[0])


# -- the editor ----------------------------------------------------------------------------------

def test_the_page_opens_with_a_starter_query_and_suggestions(at):
    data = editor_data(at)
    assert "SELECT ?condition ?conditionLabel" in data["value"]
    assert "cm" in data["prefixes"] and "rdfs" in data["prefixes"]
    hypo = next(t for t in data["terms"] if t["label"] == "cm:Hypocalcemia")
    assert hypo["detail"] == "hypocalcemia (Mechanism)"
    assert "Run a query to see its results here" in at.info[-1].value


def test_a_select_shows_labels_linked_to_the_entity_page(at):
    run_text(at, "SELECT ?condition ?label WHERE { ?condition cm:actsThrough cm:Hypocalcemia ; "
                 "rdfs:label ?label } ORDER BY ?label")
    table = result_table(at)
    assert list(table.columns) == ["?condition", "?label"]
    assert list(table["?condition"]) == [
        "[DiGeorge syndrome](/entity?entity=cm:DiGeorgeSyndrome)",
        "[hypoparathyroidism](/entity?entity=cm:Hypoparathyroidism)"]
    assert "SELECT · 2 rows ·" in captions(at)
    # The same run is in the URL and in the history.
    assert at.query_params["q"].startswith("SELECT ?condition ?label")
    assert at.session_state["query_history"][0]["summary"] == "2 rows"


def test_a_run_request_is_answered_once(at):
    run_text(at, "ASK { ?s ?p ?o }")
    at.run()  # the same request is still in the widget's value: it must not run again
    assert len(at.session_state["query_history"]) == 1


# -- the example gallery ---------------------------------------------------------------------------

def test_an_example_loads_into_the_editor_and_runs(at):
    before = editor_data(at)["version"]
    open_tab(at, "Examples")
    at.button(key="query_example_run_causes-of").click().run()
    assert not at.exception
    data = editor_data(at)
    assert data["version"] == before + 1
    assert "VALUES ?effect { cm:Hypoparathyroidism }" in data["value"]
    assert "# question: What can cause" in data["value"]  # the header comes along: it explains
    # Real causes instead of "hormonal disorder" (review finding 11).
    assert [row.split("](")[0].lstrip("[") for row in result_table(at)["?cause"]] == [
        "autoimmune disease", "DiGeorge syndrome", "hypomagnesemia", "thyroid surgery"]
    assert at.session_state["query_tab"] == "Editor"


def test_an_example_takes_the_picked_entity(at):
    from graph.namespace import entity
    open_tab(at, "Examples")
    assert type_into(at, "query_example_causes-of_effect", "upper lip")[0] == "Upper-lip twitching"
    assert type_into(at, "query_example_causes-of_effect", "low calcium")[0] == "Hypocalcemia"
    press_enter(at, "query_example_causes-of_effect", "upper lip twitching")
    assert at.session_state["query_example_causes-of_effect"] == entity("UpperLipTwitching")
    at.button(key="query_example_run_causes-of").click().run()
    assert "VALUES ?effect { cm:UpperLipTwitching }" in editor_data(at)["value"]
    causes = list(result_table(at)["?cause"])
    assert "[hemifacial spasm](/entity?entity=cm:HemifacialSpasm)" in causes
    # Bell's palsy is a paralysis; its late twitching is synkinesis (review finding 4).
    assert "[Bell's palsy](/entity?entity=cm:BellsPalsy)" not in causes


def test_hidden_tabs_are_not_drawn_and_keep_what_was_chosen_in_them(at):
    from graph.namespace import entity
    gallery = "query_example_run_causes-of"
    assert not [b for b in at.button if b.key == gallery]  # the Editor is open: no gallery
    open_tab(at, "Examples")
    assert at.button(key=gallery)
    press_enter(at, "query_example_causes-of_effect", "upper lip twitching")
    at.text_input(key="query_example_entity-search_text").set_value("thymus").run()
    open_tab(at, "Question builder")
    at.selectbox(key="query_builder_template").set_value("how-connected").run()
    press_enter(at, "query_builder_how-connected_second", "calcium replacement")
    open_tab(at, "Editor")
    assert not [b for b in at.button if b.key == gallery]
    at.run()  # a rerun with both tabs hidden
    open_tab(at, "Examples")
    assert not at.exception and not at.warning  # no "default value set via Session State" either
    assert at.session_state["query_example_causes-of_effect"] == entity("UpperLipTwitching")
    assert at.text_input(key="query_example_entity-search_text").value == "thymus"
    open_tab(at, "Question builder")
    assert at.selectbox(key="query_builder_template").value == "how-connected"
    assert at.session_state["query_builder_how-connected_second"] == entity("CalciumReplacement")


def test_a_text_parameter_is_bound_not_pasted(at):
    open_tab(at, "Examples")
    at.text_input(key="query_example_entity-search_text").set_value('thym"us').run()
    at.button(key="query_example_run_entity-search").click().run()
    assert not at.exception
    assert 'thym"us' not in editor_data(at)["value"]
    assert "Bound for this run: ?text = thym\"us" in captions(at)


# -- errors a student can act on -------------------------------------------------------------------

@pytest.mark.parametrize("text, where, hint", [
    # a missing dot between two triple patterns
    ("SELECT ?x ?label\nWHERE {\n  ?x rdfs:label ?label\n  ?x a cm:Condition .\n}",
     "line 4, column 3", "Is a '.' missing between two triple patterns"),
    # a mistyped prefix
    ("SELECT ?x WHERE {\n  ?x a cn:Condition .\n}", "line 2, column 8", "Did you mean cm:?"),
    # a misspelt keyword
    ("SELEC ?x WHERE { ?x a cm:Condition }", "line 1, column 1", "Did you mean SELECT?"),
])
def test_a_malformed_query_shows_line_column_and_a_hint(at, text, where, hint):
    run_text(at, text)
    assert f"Syntax error at {where}" in errors(at)
    assert hint in plain("\n".join(i.value for i in at.info))
    line, column = (int(n) for n in where.replace("line ", "").split(", column "))
    marker = editor_data(at)["error"]  # the editor underlines the same spot
    assert (marker["line"], marker["column"]) == (line, column)
    assert not [t for t in at.table if str(t.value.columns[0]).startswith("?")]  # no results


def test_an_unbound_selected_variable_is_flagged(at):
    run_text(at, "SELECT ?x ?lable WHERE { ?x rdfs:label ?label } LIMIT 2")
    assert "?lable is selected but never used" in "\n".join(w.value for w in at.warning)


@pytest.mark.parametrize("text, says", [
    ("INSERT DATA { cm:Intruder cm:canCause cm:Hypocalcemia }", "INSERT DATA is an update"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE is an update"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM <http://example.org/g>"),
])
def test_updates_and_remote_access_are_refused_and_nothing_changes(at, text, says):
    before = count_triples(at)
    run_text(at, text)
    message = errors(at)
    assert message.startswith("**Not run.**") and says in message
    assert "Traceback" not in message
    assert count_triples(at) == before
    run_text(at, "ASK { cm:Intruder ?p ?o }")
    assert "**No**" in at.info[-1].value


def test_a_timeout_is_explained_in_one_sentence(at, monkeypatch):
    def too_slow(*args, **kwargs):
        raise QueryTimeout("the query was stopped after 1 s, its time limit; make the patterns "
                           "more specific or add a LIMIT")
    monkeypatch.setattr(graph.query, "run_query", too_slow)
    run_text(at, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
    (warning,) = at.warning
    assert warning.value.startswith("**Stopped.** The query was stopped after 1 s")


def test_an_unexpected_failure_shows_no_traceback(at, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail /secret/path.py line 3")
    monkeypatch.setattr(graph.query, "run_query", broken)
    run_text(at, "ASK { ?s ?p ?o }")
    assert errors(at) == "The query could not be run (RuntimeError)"
    assert not at.exception


# -- results ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, answer", [
    ("ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }", "**Yes**"),
    ("ASK { cm:Hypocalcemia cm:actsThrough cm:DiGeorgeSyndrome }", "**No**"),
])
def test_ask_is_a_clear_yes_or_no(at, text, answer):
    run_text(at, text)
    shown = [e.value for e in (*at.success, *at.info)]
    assert any(v.startswith(answer) for v in shown)


@pytest.mark.parametrize("text", [
    "CONSTRUCT { ?c cm:actsThrough ?m } WHERE { ?c cm:actsThrough ?m }",
    "DESCRIBE cm:Hypocalcemia",
])
def test_a_graph_result_is_drawn_as_a_network_and_written_as_turtle(at, text):
    run_text(at, text)
    (drawing,) = bidi(at, "causemap_network")
    assert "https://w3id.org/causemap/Hypocalcemia" in {n["id"] for n in drawing["nodes"]}
    assert drawing["edges"]
    turtle = next(c.value for c in at.code if "@prefix cm:" in c.value)
    assert "cm:Hypocalcemia" in turtle


def test_truncation_is_visible(at):
    at.number_input(key="query_max_rows").set_value(10).run()
    run_text(at, "SELECT ?s WHERE { ?s ?p ?o }")
    assert "Truncated at 10 rows" in "\n".join(w.value for w in at.warning)
    assert len(result_table(at)) == 10


def test_a_numeric_column_gets_a_chart(at):
    open_tab(at, "Examples")
    at.button(key="query_example_run_entities-per-class").click().run()
    assert [t.label for t in at.tabs][-2:] == ["Table", "Chart"]
    assert at.get("vega_lite_chart")


def test_labels_from_data_are_escaped(tmp_path, monkeypatch):
    data = tmp_path / "mine.ttl"
    data.write_text(
        '@prefix cm: <https://w3id.org/causemap/> .\n'
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        'cm:X a cm:Condition ; rdfs:label "**bold** [click](javascript:alert(1))" .\n',
        encoding="utf-8")
    monkeypatch.setenv("CAUSEMAP_DATA", str(data))
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    run_text(app, "SELECT ?x ?l WHERE { ?x a cm:Condition ; rdfs:label ?l }")
    cell = result_table(app)["?x"].iloc[0]
    assert cell == (r"[\*\*bold\*\* \[click\]\(javascript\:alert\(1\)\)]"
                    "(/entity?entity=cm:X)")


# -- prefixes, links, builder, history -------------------------------------------------------------

def test_declared_prefixes_can_be_extended_and_errors_still_point_into_the_query(at):
    at.text_area(key="query_prefixes").set_value(
        at.session_state["query_prefixes"] + "PREFIX ex: <http://example.org/>\n").run()
    run_text(at, "SELECT ?x WHERE { BIND (ex:thing AS ?x) }")
    assert [plain(c) for c in result_table(at)["?x"]] == ["http://example.org/thing"]
    run_text(at, "SELECT ?x\nWHERE { ?x a cm:Condition\n ?x a cm:Symptom }")
    assert "Syntax error at line 3, column 2" in errors(at)
    at.button(key="query_prefixes_reset").click().run()
    assert "PREFIX ex:" not in at.text_area(key="query_prefixes").value


def test_the_link_restores_and_runs_the_query(at):
    text = "SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }"
    run_text(at, text)
    link = at.query_params["q"]
    assert link == text
    opened = AppTest.from_file(PAGE, default_timeout=60)
    opened.query_params["q"] = link
    opened.run()
    assert not opened.exception
    assert editor_data(opened)["value"] == text
    assert list(result_table(opened)["?m"]) == ["[hypocalcemia](/entity?entity=cm:Hypocalcemia)"]
    assert opened.session_state["query_history"][0]["source"] == "link"
    share = next(c.value for c in opened.code if "?q=" in c.value)
    assert share.endswith("/query?q=SELECT+%3Fm+WHERE+%7B+cm%3ADiGeorgeSyndrome+cm%3AactsThrough"
                          "+%3Fm+%7D")


def test_a_named_link_fills_in_its_parameters():
    opened = AppTest.from_file(PAGE, default_timeout=60)
    opened.query_params.update({"named": "how-connected", "first": "hypoparathyroidism",
                                "second": "calcium replacement"})
    opened.run()
    assert not opened.exception
    assert [plain(c) for c in result_table(opened)["?reading"]] == [
        "Hypoparathyroidism is treated by calcium replacement.",
        "Hypoparathyroidism acts through hypocalcemia, which is treated by calcium replacement."]


@pytest.mark.parametrize("params, says", [
    ({"named": "no-such-query"}, "no named query 'no-such-query'"),
    ({"named": "causes-of", "effect": "xyzzy"}, "no entity called 'xyzzy'"),
])
def test_a_broken_named_link_says_why(params, says):
    opened = AppTest.from_file(PAGE, default_timeout=60)
    opened.query_params.update(params)
    opened.run()
    assert not opened.exception
    assert says in errors(opened)


def test_the_builder_shows_sparql_beside_the_question_and_runs_it(at):
    open_tab(at, "Question builder")
    at.selectbox(key="query_builder_template").set_value("how-connected").run()
    from graph.namespace import entity
    press_enter(at, "query_builder_how-connected_second", "calcium replacement")
    assert at.session_state["query_builder_how-connected_second"] == entity("CalciumReplacement")
    assert "How are DiGeorge syndrome and calcium replacement connected?" in [
        m.value for m in at.markdown if m.value.startswith("###")][0]
    clauses = at.table[0].value
    assert list(clauses.columns) == ["SPARQL", "Meaning"]
    assert "`VALUES (?first ?second) { (cm:DiGeorgeSyndrome cm:CalciumReplacement) }`" in list(
        clauses["SPARQL"])
    assert any(c.value.startswith("causemap query --named how-connected") for c in at.code)
    at.button(key="query_builder_run").click().run()
    # The review added "DiGeorge syndrome can cause hypoparathyroidism" (a missing link).
    assert [plain(c) for c in result_table(at)["?reading"]] == [
        "DiGeorge syndrome acts through hypocalcemia, which is treated by calcium replacement.",
        "DiGeorge syndrome can cause hypoparathyroidism, which is treated by calcium replacement."]
    open_tab(at, "Question builder")  # running it opened the Editor
    at.button(key="query_builder_edit").click().run()
    assert "VALUES (?first ?second)" in editor_data(at)["value"]
    assert at.session_state["query_tab"] == "Editor"


def test_history_reruns_an_earlier_query(at):
    run_text(at, "ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }")
    run_text(at, "SELECT ?x WHERE { ?x a cm:Treatment }")
    history = at.session_state["query_history"]
    # Eight treatments since the review added three (findings 7 and 10).
    assert [h["summary"] for h in history] == ["8 rows", "yes"]
    at.button(key="query_history_run_1").click().run()
    assert at.session_state["query_outcome"]["text"].startswith("ASK")
    assert editor_data(at)["value"].startswith("ASK")


def test_a_long_result_is_shown_a_page_at_a_time(at):
    run_text(at, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 250")
    assert len(result_table(at)) == 100
    at.number_input(key="query_page").set_value(3).run()
    assert len(result_table(at)) == 50
    assert not at.warning  # no "value set twice" warning from Streamlit


def test_clicking_an_entity_of_a_network_links_to_its_page(at):
    run_text(at, "DESCRIBE cm:Hypocalcemia")
    from app.network_component import click_value

    at.session_state["query_network"] = click_value("https://w3id.org/causemap/Hypocalcemia")
    at.run()
    assert any(m.value.startswith("Selected: [hypocalcemia](/entity?entity=cm:Hypocalcemia)")
               for m in at.markdown)


def test_a_shared_link_keeps_the_values_bound_to_text_parameters():
    # Regression: the URL used to hold only the query text, so a text parameter came back unbound.
    first = AppTest.from_file(str(PAGE), default_timeout=60)
    first.query_params["named"] = "entity-search"
    first.query_params["text"] = "calc"
    first.run()
    rows = len(first.session_state["query_outcome"]["result"].rows)
    assert rows > 0
    link = {k: v for k, v in first.query_params.items()}
    assert link["bind.text"] == '"calc"'
    again = AppTest.from_file(str(PAGE), default_timeout=60)
    for key, value in link.items():
        again.query_params[key] = value
    again.run()
    assert not again.exception
    assert len(again.session_state["query_outcome"]["result"].rows) == rows


def test_a_link_with_a_malformed_bound_value_says_so():
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.query_params["q"] = "SELECT ?x WHERE { BIND(?text AS ?x) }"
    at.query_params["bind.text"] = "not a term ]"
    at.run()
    assert not at.exception
    assert "could not be read" in at.session_state["query_outcome"]["message"]


# -- why a query found nothing ---------------------------------------------------------------------

@pytest.mark.parametrize("text, name, suggestion", [
    ("SELECT ?c WHERE { ?c a cm:Conditon }", "cm:Conditon", "cm:Condition"),        # a typo
    ("SELECT ?x WHERE { ?x cm:actsThru cm:Hypocalcemia }", "cm:actsThru", "cm:actsThrough"),
    ("ASK { cm:Hypocalcemia cm:canCause cm:Nothingness }", "cm:Nothingness", None),
])
def test_an_empty_result_names_the_terms_the_graph_does_not_use(at, text, name, suggestion):
    run_text(at, text)
    hints = [w.value for w in at.warning if "is not used anywhere in this graph" in w.value]
    assert len(hints) == 1 and hints[0].startswith(f"`{name}`")
    assert (f"Did you mean `{suggestion}`?" in hints[0]) if suggestion else "Did you mean" not in hints[0]


def test_a_query_with_results_gets_no_term_hint(at):
    run_text(at, "SELECT ?c WHERE { ?c a cm:Condition }")
    assert not [w for w in at.warning if "not used anywhere" in w.value]


def test_the_editor_is_not_sent_every_entity_of_a_big_store(monkeypatch):
    from app import sparql_editor
    from graph.store import load

    kg = load()
    monkeypatch.setattr(sparql_editor, "ENTITY_COMPLETIONS", 10)
    sparql_editor.completions.cache_clear()
    try:
        constants = [c for c in sparql_editor.completions(kg) if c["type"] == "constant"]
        assert len(constants) == 10
    finally:
        sparql_editor.completions.cache_clear()
