"""Quiz page: multiple-choice questions generated from the graph, one at a time, with feedback.

A thin page over :func:`graph.learn.quiz.make_quiz`. The seed makes a quiz reproducible (and shareable:
``?seed=N``); answers and the score live under ``quiz_*`` keys for the session.
"""

from __future__ import annotations

import streamlit as st

from app.state import get_kg
from app.ui import disclaimer, markdown_text
from graph.learn.explain import capitalise
from graph.learn.quiz import KIND_LABELS, KINDS, letter, make_quiz, score

kg = get_kg()
S = st.session_state

if "quiz_init" not in S:
    S.quiz_init = True
    try:
        S.quiz_seed = max(0, int(st.query_params.get("seed", 0)))
    except ValueError:
        S.quiz_seed = 0
    S.quiz_count = 8
    S.quiz_kinds = list(KINDS)


def _reset() -> None:
    S.quiz_answers = {}
    S.quiz_current = 0


st.title("Quiz")
disclaimer()
with st.expander("Quiz settings", icon=":material/tune:"):
    st.number_input("Seed (same seed, same quiz)", min_value=0, max_value=10**6, step=1,
                    key="quiz_seed", on_change=_reset)
    st.slider("Questions", 3, 20, key="quiz_count", on_change=_reset)
    st.multiselect("Kinds of question", list(KINDS), key="quiz_kinds",
                   format_func=lambda k: KIND_LABELS[k], on_change=_reset)
    st.button("Start again", key="quiz_restart", on_click=_reset)
st.query_params.from_dict({"seed": str(S.quiz_seed)})

if "quiz_answers" not in S:
    _reset()
questions = make_quiz(kg, n=int(S.quiz_count), seed=int(S.quiz_seed), kinds=S.quiz_kinds or KINDS)
answers: dict[int, int] = S.quiz_answers
result = score(questions, [answers.get(i) for i in range(len(questions))])

c1, c2 = st.columns([3, 1])
c1.progress(len(answers) / len(questions), text=f"{len(answers)} of {len(questions)} answered")
c2.metric("Score", f"{result.right} / {result.answered}")

i = min(S.quiz_current, len(questions) - 1)
q = questions[i]
with st.container(border=True):
    st.caption(f"Question {i + 1} of {len(questions)} · {KIND_LABELS[q.kind]}")
    st.markdown(f"#### {markdown_text(q.prompt)}")
    answered = i in answers
    choice = st.radio("Your answer", range(len(q.options)), index=answers.get(i),
                      format_func=lambda j: f"{letter(j)}) {capitalise(q.options[j])}",
                      key=f"quiz_choice_{S.quiz_seed}_{i}", disabled=answered)
    if not answered:
        if st.button("Check answer", key="quiz_check", type="primary", disabled=choice is None):
            answers[i] = int(choice)
            st.rerun()
    else:
        chosen = answers[i]
        if q.is_correct(chosen):
            st.success(f"Right: {markdown_text(capitalise(q.answer))}.", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: you chose {letter(chosen)}. The answer is {letter(q.correct)}) "
                     f"{markdown_text(capitalise(q.answer))}.", icon=":material/cancel:")
        st.markdown(f"**Why:** {markdown_text(q.explanation)}")
        st.caption("  \n".join(f"Source: § {markdown_text(p.section_label)}: "
                               f"“{markdown_text(p.claim_text)}”" for p in q.sources()))

b1, b2, _ = st.columns([1, 1, 3])
if b1.button("← Previous", key="quiz_prev", disabled=i == 0, width="stretch"):
    S.quiz_current = i - 1
    st.rerun()
if b2.button("Next →", key="quiz_next", disabled=i >= len(questions) - 1, width="stretch"):
    S.quiz_current = i + 1
    st.rerun()

if len(answers) == len(questions):
    st.success(f"Quiz complete: {result.right} of {len(questions)} right. Change the seed for a new "
               "quiz, or start again.", icon=":material/emoji_events:")
