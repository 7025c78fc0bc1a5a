"""Quiz page: multiple-choice questions generated from the graph, one at a time, with feedback.

A thin page over :func:`graph.learn.quiz.make_quiz`. The URL holds the quiz and its progress
(``?seed=3&n=8&answers=AC-B&q=4``: seed, count, a letter per answer and ``-`` per open question,
the question shown), so a reload or a link keeps them; ``quiz_missed`` reviews what was missed.
"""

from __future__ import annotations

import streamlit as st

from app.state import get_kg
from app.ui import disclaimer, int_from_param, markdown_text
from graph.learn.explain import capitalise
from graph.learn.quiz import KIND_LABELS, KINDS, letter, make_quiz, parse_answer, score
from graph.learn.quiz_hpo import has_annotations

kg = get_kg()
S = st.session_state
HPO_QUIZ = not kg.is_small and has_annotations(kg)  # make_quiz asks from HPO's annotations
COUNT = (3, 20)


def _state(quiet: bool = True) -> dict:
    """The quiz the URL describes (seed, count, kinds, answers, current question)."""
    kinds = [k for k in (st.query_params.get("kinds") or "").split(",") if k in KINDS]
    return {"seed": int_from_param("seed", 0, 0, 10**6, "a seed", quiet=quiet),
            "n": int_from_param("n", 8, *COUNT, "questions", quiet=quiet),
            "kinds": kinds or list(KINDS),
            "answers": st.query_params.get("answers") or "",
            "q": int_from_param("q", 1, 1, COUNT[1], "a question", quiet=quiet) - 1}


def _write(state: dict) -> None:
    params = {"seed": str(state["seed"]), "n": str(state["n"])}
    if state["kinds"] != list(KINDS):
        params["kinds"] = ",".join(state["kinds"])
    if state["answers"].strip("-"):
        params["answers"] = state["answers"].rstrip("-")
    if state["q"]:
        params["q"] = str(state["q"] + 1)
    st.query_params.from_dict(params)


def _settings_changed() -> None:
    # A new quiz: the answers of the old one do not apply to it.
    _write({"seed": int(S.quiz_seed), "n": int(S.quiz_count), "kinds": S.quiz_kinds or list(KINDS),
            "answers": "", "q": 0})


def _restart() -> None:
    _write({**_state(), "answers": "", "q": 0})


def _go_to(index: int) -> None:
    _write({**_state(), "q": index})


st.title("Quiz")
disclaimer()
state = _state(quiet=False)
S.quiz_seed, S.quiz_count, S.quiz_kinds = state["seed"], state["n"], state["kinds"]

with st.expander("Quiz settings", icon=":material/tune:"):
    st.number_input("Seed (same seed, same quiz)", min_value=0, max_value=10**6, step=1,
                    key="quiz_seed", on_change=_settings_changed)
    st.slider("Questions", *COUNT, key="quiz_count", on_change=_settings_changed)
    if HPO_QUIZ:
        st.caption("On this graph every question asks for a frequent feature of an HPO disease "
                   "(seen in at least 80 % of patients), with three options it does not have.")
    else:
        st.multiselect("Kinds of question", list(KINDS), key="quiz_kinds",
                       format_func=lambda k: KIND_LABELS[k], on_change=_settings_changed)
    st.button("Start again", key="quiz_restart", on_click=_restart)

questions = make_quiz(kg, n=state["n"], seed=state["seed"], kinds=state["kinds"])
if not questions:  # a graph with nothing to ask about (an upload without Causemap entities)
    st.info("No quiz questions in this graph: it has no conditions, mechanisms or symptoms "
            "linked the way the questions need.", icon=":material/info:")
    st.stop()
answers = {i: parse_answer(ch, len(q.options)) for i, (ch, q) in
           enumerate(zip(state["answers"], questions)) if ch != "-"}
answers = {i: a for i, a in answers.items() if a is not None}
result = score(questions, [answers.get(i) for i in range(len(questions))])
missed = S.setdefault("quiz_missed", {})
for i, a in answers.items():
    if not questions[i].is_correct(a):
        missed[(state["seed"], questions[i].prompt)] = (questions[i], a)

c1, c2 = st.columns([3, 1])
c1.progress(len(answers) / len(questions), text=f"{len(answers)} of {len(questions)} answered")
c2.metric("Score", f"{result.right} / {result.answered}")

i = min(state["q"], len(questions) - 1)
q = questions[i]
with st.container(border=True):
    st.caption(f"Question {i + 1} of {len(questions)} · {KIND_LABELS[q.kind]}")
    st.markdown(f"#### {markdown_text(q.prompt)}")
    answered = i in answers
    if not answered:
        choice = st.radio("Your answer", range(len(q.options)), index=None,
                          format_func=lambda j: f"{letter(j)}) {capitalise(q.options[j])}",
                          key=f"quiz_choice_{state['seed']}_{state['n']}_{i}")
    else:
        # The options as text, marked, rather than a greyed-out radio (unreadable at 2.3:1).
        marks = {answers[i]: "your answer", q.correct: "the answer"}
        if answers[i] == q.correct:
            marks[q.correct] = "your answer, right"
        st.markdown("\n".join(
            f"- {letter(j)}) {markdown_text(capitalise(opt))}" + (f" — **{marks[j]}**" if j in marks else "")
            for j, opt in enumerate(q.options)))
    if not answered:
        def _check(index=i) -> None:
            chosen = S.get(f"quiz_choice_{state['seed']}_{state['n']}_{index}")
            now = _state()
            marks = list(now["answers"].ljust(len(questions), "-"))
            marks[index] = letter(int(chosen))
            _write({**now, "answers": "".join(marks)})

        st.button("Check answer", key="quiz_check", type="primary", disabled=choice is None,
                  on_click=_check)
    else:
        chosen = answers[i]
        if q.is_correct(chosen):
            st.success(f"Right: {markdown_text(capitalise(q.answer))}.", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: you chose {letter(chosen)}. The answer is {letter(q.correct)}) "
                     f"{markdown_text(capitalise(q.answer))}.", icon=":material/cancel:")
        st.markdown(f"**Why:** {markdown_text(q.explanation)}")
        st.caption("  \n".join(f"Source: {markdown_text(p.where)}: "
                               f"“{markdown_text(p.claim_text)}”" for p in q.sources()))

b1, b2, _ = st.columns([1, 1, 3])
b1.button("← Previous", key="quiz_prev", disabled=i == 0, width="stretch", on_click=_go_to, args=(i - 1,))
b2.button("Next →", key="quiz_next", disabled=i >= len(questions) - 1, width="stretch",
          on_click=_go_to, args=(i + 1,))

if len(answers) == len(questions):
    st.success(f"Quiz complete: {result.right} of {len(questions)} right. Change the seed for a new "
               "quiz, or start again.", icon=":material/emoji_events:")

st.subheader("Review")
if not missed:
    st.caption("The questions you miss in this session are listed here, with the answer and why.")
for (seed, _), (mq, chose) in missed.items():
    with st.expander(f"{markdown_text(mq.prompt)} (quiz {seed})"):
        st.markdown(f"You chose {letter(chose)}) {markdown_text(capitalise(mq.options[chose]))}; "
                    f"the answer is {letter(mq.correct)}) {markdown_text(capitalise(mq.answer))}.")
        st.markdown(f"**Why:** {markdown_text(mq.explanation)}")
