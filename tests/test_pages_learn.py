"""AppTest for the Learn pages: Relate, Compare, Differential, Treatments, Quiz, Hubs & bridges.

Each page file runs on its own (``AppTest.from_file``), the way the router runs it; the tests pick
entities, press buttons and follow deep links, then assert what the page shows, charts included
(Altair specs and the data they plot, decoded from the Arrow payload Streamlit sends).
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest


from graph.namespace import entity
from graph.learn.quiz import make_quiz
from graph.store import ROOT
from tests.test_pages_explore import network_data, press_enter, search_boxes, type_into

PAGES = ROOT / "app" / "app_pages"
DISCLAIMER_START = ":material/school: Causemap is for learning"


def open_page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Every Altair chart on the page: its Vega-Lite spec and the data it plots."""
    found = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in el.proto.datasets]
        found.append((spec, frames[0] if frames else pd.DataFrame()))
    return found


def marks(spec: dict) -> list[str]:
    layers = spec.get("layer", [spec])
    return [m if isinstance(m, str) else m["type"] for m in (layer["mark"] for layer in layers)]


def texts(at: AppTest) -> list[str]:
    """Markdown as written, with the escaping backslashes dropped."""
    return [m.value.replace("\\", "") for m in at.markdown]


def assert_clean(at: AppTest, *, disclaimer: bool = True) -> None:
    assert not at.exception, [e.value for e in at.exception]
    notes = [c.value for c in at.caption if c.value.startswith(DISCLAIMER_START)]
    assert len(notes) == (1 if disclaimer else 0), "the disclaimer, once"


# Each page's pickers, and what "upper lip" and "low calcium" should find there (the same search
# everywhere; a page's own rule may leave an entity out: Compare takes conditions and triggers).
PICKERS = [
    ("relate", "relate_a", {}, "Upper-lip twitching", "Hypocalcemia"),
    ("relate", "relate_b", {}, "Upper-lip twitching", "Hypocalcemia"),
    ("differential", "differential_findings", {}, "Upper-lip twitching", "Chvostek's sign"),
    ("treatments", "treatments_pick", {}, "Calcium replacement", "Calcium replacement"),
    ("compare", "compare_sel", {}, "Caffeine intake", "DiGeorge syndrome"),
    ("entity", "entity_pick", {}, "Upper-lip twitching", "Hypocalcemia"),
]


@pytest.mark.parametrize("page, key, params, upper_lip, low_calcium", PICKERS)
def test_every_picker_uses_the_one_search(kg, page, key, params, upper_lip, low_calcium):
    at = open_page(page, **params)
    found_upper = type_into(at, key, "upper lip")
    found_low = type_into(at, key, "low calcium")
    if upper_lip:
        assert found_upper[0] == upper_lip, found_upper
    if low_calcium:
        assert found_low[0] == low_calcium, found_low
    for box in search_boxes(at):
        assert len(box["options"]) <= 8


@pytest.mark.parametrize("page", ["treatments", "compare", "differential"])
def test_pickers_of_one_kind_find_by_synonym_within_their_kind(kg, page):
    # "low calcium" is a mechanism: these pages offer the nearest entities of their own kinds.
    key = {"treatments": "treatments_pick", "compare": "compare_sel",
           "differential": "differential_findings"}[page]
    at = open_page(page)
    options = [o for b in search_boxes(at) for o in b["options"]]
    assert options == []  # nothing before typing: no list of entities is sent
    type_into(at, key, "calcium")
    (box,) = [b for b in search_boxes(at) if b["for"] == "calcium"]
    assert all(o["cls"] != "Mechanism" for o in box["options"])


# -- Relate ----------------------------------------------------------------------------------------

def test_relate_asks_for_two_entities(kg):
    at = open_page("relate")
    assert_clean(at)
    assert "DiGeorge syndrome and hypoparathyroidism" in at.info[0].value


def test_relate_picking_two_entities_shows_paths_network_and_shared(kg):
    at = open_page("relate")
    press_enter(at, "relate_a", "digeorge")
    press_enter(at, "relate_b", "hypoparathyroidism")
    assert_clean(at)
    assert ("Open in Explore: [DiGeorge syndrome ↗](/?focus=cm:DiGeorgeSyndrome&"
            "entity=cm:Hypoparathyroidism)") in texts(at)[1]
    shown = texts(at)
    # The review added the direct link (the parathyroid glands fail to form in DiGeorge
    # syndrome) and the signs of low calcium, tetany and Chvostek's sign.
    assert "**1.** DiGeorge syndrome can cause hypoparathyroidism." in shown
    assert ("**2.** DiGeorge syndrome acts through hypocalcemia, which is a mechanism of "
            "hypoparathyroidism.") in shown
    assert any("§ 4. DiGeorge Syndrome" in t for t in shown)
    assert at.success[0].value.replace("\\", "") == (
        "DiGeorge syndrome and hypoparathyroidism both act through hypocalcemia, which can cause "
        "Chvostek's sign, tetany and upper-lip twitching and is treated by calcium replacement.")
    shared = at.table[0].value
    assert list(shared["shared neighbour"].str.replace("\\", "")) == [
        "hypocalcemia", "Chvostek's sign", "tetany", "upper-lip twitching", "calcium replacement"]
    assert at.query_params["a"] == "cm:DiGeorgeSyndrome"
    assert network_data(at)["nodes"]  # the component is drawn


def test_relate_deep_link_and_path_length(kg):
    at = open_page("relate", a="cm:EssentialTremor", b="cm:ParkinsonsDisease", len="1")
    assert_clean(at)
    assert "not connected within 1 steps" in at.info[0].value
    at.slider(key="relate_len").set_value(2).run()
    assert [s.value for s in at.subheader][0] == "Paths (2)"
    assert at.query_params["len"] == "2"


def test_relate_same_entity_twice(kg):
    at = open_page("relate", a="cm:Hypocalcemia", b="low calcium")
    assert at.warning[0].value == "Pick two different entities."


@pytest.mark.parametrize("params, warning", [
    ({"a": "cm:NoSuchThing"}, "not in this graph"),                        # unknown entity
    ({"a": "cm:Hypocalcemia", "len": "abc"}, "len=abc is not a number of steps"),
])
def test_relate_bad_link_warns(kg, params, warning):
    at = open_page("relate", **params)
    assert warning in at.warning[0].value.replace("\\", "")
    assert_clean(at)


# -- Compare ---------------------------------------------------------------------------------------

def test_compare_side_by_side_shared_and_heatmap(kg):
    at = open_page("compare")
    assert_clean(at)
    press_enter(at, "compare_sel", "essential tremor")
    press_enter(at, "compare_sel", "parkinsons")
    assert_clean(at)
    assert [c["label"] for c in search_boxes(at)[0]["selected"]] == [
        "Essential tremor", "Parkinson's disease"]
    assert [s.value for s in at.subheader][:2] == ["Essential tremor", "Parkinson's disease"]
    table = at.table[0].value.set_index("")
    # A lip tremor, not a twitch (review finding 9).
    assert table.loc["Symptoms and signs", "shared by all"].replace("\\", "") == (
        "lip tremor, tremor of the hands")
    assert table.loc["Anatomy", "only Parkinson's disease"] == "substantia nigra"
    assert ("Essential tremor and Parkinson's disease share 2 of their 8 features (lip tremor, "
            "tremor of the hands): similarity 2/8 = 0.25.") in texts(at)
    (spec, data), = charts(at)
    assert marks(spec) == ["rect", "text"]
    cell = data[(data.a == "essential tremor") & (data.b == "Parkinson's disease")]
    assert cell.similarity.tolist() == [0.25]
    # Rows numbered and named, columns numbered: no slanted names to take the cells' room.
    rows, columns = (spec["layer"][0]["encoding"][axis]["sort"] for axis in ("y", "x"))
    assert rows[0].startswith("1 · ") and columns == [str(i) for i in range(1, len(rows) + 1)]
    assert set(data.row) == set(rows) and set(data.column) == set(columns)
    number = {r.split(" · ", 1)[1]: r.split(" · ", 1)[0] for r in rows}
    assert cell.column.tolist() == [number["Parkinson's disease"]]
    # The numbers in the cells are drawn only where a cell has room for them.
    assert "width / " in json.dumps(spec["layer"][1]["encoding"]["opacity"])
    assert "Jaccard" in " ".join(c.value for c in at.caption)
    assert at.query_params["c"] == "cm:EssentialTremor,cm:ParkinsonsDisease"


def test_compare_deep_link_three(kg):
    at = open_page("compare", c="cm:AmyotrophicLateralSclerosis,parkinsons,cm:EssentialTremor")
    assert_clean(at)
    table = at.table[0].value.set_index("")
    assert len(table.columns) == 5  # shared by all, shared by two, and one per condition
    assert table.loc["Mechanisms", "shared by two"].replace("\\", "") == (
        "neurodegeneration (amyotrophic lateral sclerosis and Parkinson's disease)")


def test_compare_link_with_a_mechanism_says_why_it_is_left_out(kg):
    at = open_page("compare", c="cm:Hypocalcemia,cm:EssentialTremor")
    assert_clean(at)
    warning = at.warning[0].value.replace("\\", "")
    assert warning == ("The link's Hypocalcemia is a Mechanism, not a condition or a trigger: "
                       "left out.")
    assert at.session_state["compare_sel"] == [entity("EssentialTremor")]


def test_compare_heatmap_is_shown_before_any_choice(kg):
    at = open_page("compare")
    (spec, data), = charts(at)
    # Since the review a stroke weakens the face (finding 8); autoimmune disease has no features.
    assert set(data.a) == set(data.b) and "autoimmune disease" not in set(data.a)
    assert "stroke" in set(data.a)
    assert "Not shown, having no mechanisms" in at.caption[-1].value


# -- Differential ----------------------------------------------------------------------------------

def test_differential_is_labelled_a_learning_exercise(kg):
    at = open_page("differential")
    assert_clean(at, disclaimer=False)  # its own note says it, once
    assert at.warning[0].value.startswith("**Learning exercise:")
    assert "not a diagnosis" in at.warning[0].value and "clinician" in at.warning[0].value
    assert len([w for w in at.warning if "diagnosis" in w.value]) == 1


def test_differential_ranks_and_explains(kg):
    # A lip that shakes rhythmically is a lip tremor, not upper-lip twitching (review finding 9).
    at = open_page("differential")
    for typed in ("lip tremor", "tremor of the hands", "age 40 or older"):
        press_enter(at, "differential_findings", typed)
    assert at.session_state["differential_findings"] == [
        entity("LipTremor"), entity("HandTremor"), entity("AgeOver40")]
    assert_clean(at, disclaimer=False)
    titles = [e.label.replace("\\", "") for e in at.expander]
    assert titles[0] == "1. Essential tremor (Condition): explains 3 of 3"
    assert titles[1] == "2. Parkinson's disease (Condition): explains 2 of 3"
    shown = texts(at)
    assert any(t.endswith("Adulthood from age 40**: The graph does not link Parkinson's disease "
                          "to adulthood from age 40.") for t in shown)
    (spec, data), = charts(at)
    assert marks(spec) == ["bar"]
    ranked = data.candidate.tolist()
    assert ranked[:2] == ["essential tremor", "Parkinson's disease"]
    assert len(ranked) == len(titles)  # the chart ranks every candidate
    # Soft monotone speech, not slurred speech, is Parkinson's (review finding 15).
    assert "**Next best finding to ask about: soft monotone speech**" in shown


def test_differential_next_finding_button_adds_it(kg):
    # With a twitch, shaking hands and age over 40, the best next question is whether the lip
    # movement is a lip tremor (review finding 9).
    at = open_page("differential", f="cm:UpperLipTwitching,cm:HandTremor,cm:AgeOver40")
    at.button(key="differential_add").click().run()
    assert_clean(at, disclaimer=False)
    assert at.session_state["differential_findings"][-1] == entity("LipTremor")
    assert at.query_params["f"].endswith(",cm:LipTremor")


def test_differential_stopping_caffeine(kg):
    # Withdrawal is curated by substance (review finding 14).
    at = open_page("differential", f="stopping caffeine")
    assert at.expander[0].label.replace("\\", "").startswith("1. Caffeine withdrawal")


# -- Treatments ------------------------------------------------------------------------------------

def test_treatments_page(kg):
    at = open_page("treatments")
    assert_clean(at)
    press_enter(at, "treatments_pick", "calcium replacement")
    assert_clean(at)
    assert "[Open in Explore ↗](/?focus=cm:CalciumReplacement&radius=2&" \
           "entity=cm:CalciumReplacement)" in texts(at)
    shown = texts(at)
    assert ("- DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip "
            "twitching.") in shown
    assert ("- DiGeorge syndrome acts through hypocalcemia, which is treated by calcium "
            "replacement.") in shown
    assert list(at.table[0].value["target"]) == ["hypocalcemia", "hypoparathyroidism"]
    assert at.query_params["treatment"] == "cm:CalciumReplacement"


def test_treatments_link_to_a_mechanism_is_warned(kg):
    at = open_page("treatments", treatment="cm:Hypocalcemia")
    assert_clean(at)
    assert "not a treatment: left out" in at.warning[0].value.replace("\\", "")


def test_treatments_untraced(kg):
    at = open_page("treatments", treatment="cm:TicMedication")
    assert_clean(at)
    infos = [i.value for i in at.info]
    assert "None traced." in infos
    assert any("treats Tourette syndrome but not through which mechanism" in i for i in infos)


# -- Quiz ------------------------------------------------------------------------------------------

def test_quiz_feedback_score_progress_in_the_url_and_review(kg):
    at = open_page("quiz", seed="4")
    assert_clean(at)
    q = make_quiz(kg, n=8, seed=4)[0]
    assert at.markdown[0].value.replace("\\", "") == f"#### {q.prompt}"
    at.radio(key="quiz_choice_4_8_0").set_value(q.correct).run()  # choosing reruns, as in a browser
    at.button(key="quiz_check").click().run()
    assert_clean(at)
    assert at.success[0].value.startswith("Right:")
    assert any(t.startswith("**Why:** ") and q.paths[0].sentence in t for t in texts(at))
    assert at.metric[0].value == "1 / 1"
    assert at.query_params["answers"] == "ABCD"[q.correct]

    at.button(key="quiz_next").click().run()
    second = make_quiz(kg, n=8, seed=4)[1]
    wrong = (second.correct + 1) % len(second.options)
    at.radio(key="quiz_choice_4_8_1").set_value(wrong).run()
    at.button(key="quiz_check").click().run()
    assert at.error[0].value.startswith("Not quite: you chose")
    assert at.metric[0].value == "1 / 2"
    assert at.query_params["q"] == "2"
    # The review lists the missed question with the answer.
    review = [e for e in at.expander if second.prompt in e.label.replace("\\", "")]
    assert len(review) == 1

    # A reload is a new session on the same URL: the progress is still there.
    again = open_page("quiz", **{k: at.query_params[k] for k in at.query_params})
    assert again.metric[0].value == "1 / 2"
    assert again.error[0].value.startswith("Not quite")


def test_quiz_seed_changes_the_quiz_and_resets_the_score(kg):
    at = open_page("quiz", seed="0", answers="A")
    assert at.metric[0].value.endswith("/ 1")
    first_prompt = at.markdown[0].value
    at.number_input(key="quiz_seed").set_value(5).run()
    assert_clean(at)
    assert at.markdown[0].value != first_prompt
    assert at.metric[0].value == "0 / 0"
    assert at.query_params["seed"] == "5" and "answers" not in at.query_params


def test_quiz_bad_seed_is_warned(kg):
    at = open_page("quiz", seed="abc")
    assert_clean(at)
    assert "seed=abc is not a number" in at.warning[0].value


def test_quiz_never_offers_what_the_question_is_about(kg):
    # Regression: "Autoimmune disease can cause ___" once offered autoimmune disease itself.
    for seed in range(60):
        for q in make_quiz(kg, n=12, seed=seed):
            assert not set(q.option_nodes) & set(q.about), (seed, q.prompt, q.options)


# -- Hubs & bridges --------------------------------------------------------------------------------

def test_hubs_charts_and_meanings(kg):
    at = open_page("hubs")
    assert_clean(at)
    (mech_spec, mech), (cent_spec, cent) = charts(at)
    assert marks(mech_spec) == ["bar"] and marks(cent_spec) == ["bar"]
    # Hypocalcemia now also causes tetany and Chvostek's sign (links the review found missing).
    assert mech.mechanism.tolist()[0] == "hypocalcemia"
    assert mech["symptoms explained"].tolist()[0] == 3
    assert cent.entity.tolist()[0] == "upper-lip twitching"
    assert at.info[0].value.startswith("Betweenness is the share of shortest paths")
    assert any(t.startswith("**Cut point**: A cut point is a concept") for t in texts(at))
    # Each meaning once: the chosen measure's is above the chart, not repeated below it.
    assert not any(t.startswith("**Betweenness**") for t in texts(at))


@pytest.mark.parametrize("measure,first_words", [
    ("degree", "Degree counts the concepts"),
    ("betweenness", "Betweenness is the share"),
])
def test_hubs_measure_switch(kg, measure, first_words):
    at = open_page("hubs")
    at.radio(key="hubs_measure").set_value(measure).run()
    assert_clean(at)
    assert at.info[0].value.startswith(first_words)
    _, (_, cent) = charts(at)
    assert cent[measure].tolist() == sorted(cent[measure], reverse=True)
    assert at.query_params["measure"] == measure


def test_learn_pages_follow_the_url_when_it_changes_under_them(kg):
    # The browser's Back (or a link) changes the URL: the page reads its choices from it again.
    at = open_page("relate", a="cm:DiGeorgeSyndrome", b="cm:Hypoparathyroidism")
    assert at.session_state["relate_a"] == entity("DiGeorgeSyndrome")
    at.query_params["a"] = "cm:EssentialTremor"
    at.query_params["b"] = "cm:ParkinsonsDisease"
    at.run()
    assert at.session_state["relate_a"] == entity("EssentialTremor")
    assert at.session_state["relate_b"] == entity("ParkinsonsDisease")
    at = open_page("treatments", treatment="cm:CalciumReplacement")
    at.query_params["treatment"] = "cm:DopamineReplacement"
    at.run()
    assert at.session_state["treatments_pick"] == entity("DopamineReplacement")
