"""graph.learn.quiz: every generated question has exactly one right option, and the graph agrees.

The checks here re-derive each answer from the triples directly, independently of how
:mod:`graph.learn.quiz` builds its questions, so a generator bug cannot mark its own homework.
"""

from __future__ import annotations

from collections import Counter

import pytest

from graph.namespace import CM, RELATIONS
from graph.learn.quiz import KINDS, make_quiz, parse_answer, question_pool, score

SEEDS = range(6)

def adjacent(kg, u, v) -> bool:
    return any((u, p, v) in kg or (v, p, u) in kg for p in RELATIONS)


def leads_to(kg, start, target) -> bool:
    """A chain of can cause / acts through / has symptom from start to target."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for p in (CM.canCause, CM.actsThrough, CM.hasSymptom):
            for o in kg.objects(node, p):
                if o == target:
                    return True
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
    return False


def option_is_right(kg, q, node) -> bool:
    """Whether ``node`` answers ``q`` correctly, judged from the triples alone."""
    if q.kind == "mechanism_link":
        x, y = q.about
        return kg.class_of(node) == CM.Mechanism and adjacent(kg, node, x) and adjacent(kg, node, y)
    if q.kind == "what_treats":
        return (q.about[0], CM.treatedBy, node) in kg
    if q.kind == "not_cause":
        return not leads_to(kg, node, q.about[0])
    if q.kind == "missing_step":
        (s, o), (p1, p2) = q.about, q.predicates
        return (s, p1, node) in kg and (node, p2, o) in kg
    raise AssertionError(q.kind)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def quiz(request, kg):
    return make_quiz(kg, n=20, seed=request.param)


def test_exactly_one_option_is_right_and_it_is_the_marked_one(kg, quiz):
    for q in quiz:
        verdicts = [option_is_right(kg, q, node) for node in q.option_nodes]
        assert verdicts.count(True) == 1, (q.prompt, q.options, verdicts)
        assert verdicts.index(True) == q.correct, q.prompt


def test_options_are_distinct_and_of_one_class(kg, quiz):
    for q in quiz:
        assert 3 <= len(q.options) <= 4
        assert len(set(q.option_nodes)) == len(q.option_nodes)
        assert len({kg.class_of(n) for n in q.option_nodes}) == 1, q.options
        assert q.options == tuple(kg.label(n) for n in q.option_nodes)


def test_feedback_has_the_path_and_its_sources(kg, quiz):
    for q in quiz:
        assert q.paths and q.explanation
        assert q.paths[0].sentence in q.explanation
        assert q.sources(), q.prompt
        assert all(p.section_label for p in q.sources())
        if q.kind != "not_cause":
            assert q.answer in q.explanation


def test_kinds_take_turns(quiz):
    assert [q.kind for q in quiz[:4]] == list(KINDS)


def test_no_question_twice(quiz):
    assert len({q.prompt for q in quiz}) == len(quiz)


def test_same_seed_same_quiz_other_seed_other_quiz(kg):
    assert make_quiz(kg, n=8, seed=7) == make_quiz(kg, n=8, seed=7)
    assert make_quiz(kg, n=8, seed=7) != make_quiz(kg, n=8, seed=8)


def test_the_right_answer_moves_around(kg):
    # Options are shuffled: the answer is not always A.
    positions = Counter(q.correct for q in make_quiz(kg, n=40, seed=0))
    assert len(positions) >= 3


def test_every_kind_is_supported_by_the_bundled_graph(kg):
    counts = {kind: question_pool(kg, kind) for kind in KINDS}
    assert all(counts.values()), counts


def test_the_graph_runs_out_rather_than_repeating(kg):
    total = sum(question_pool(kg, kind) for kind in KINDS)
    quiz = make_quiz(kg, n=total + 50, seed=1)
    assert len(quiz) == total
    assert len({(q.kind, q.prompt, q.about) for q in quiz}) == total


def test_not_cause_includes_the_issue_example(kg):
    prompts = {q.prompt for q in make_quiz(kg, n=200, seed=0, kinds=["not_cause"])}
    assert "Which of these does not cause upper-lip twitching?" in prompts


def test_score(kg):
    qs = make_quiz(kg, n=4, seed=2)
    wrong = (qs[1].correct + 1) % len(qs[1].options)
    s = score(qs, [qs[0].correct, wrong, qs[2].correct])
    assert (s.right, s.answered, s.total) == (2, 3, 4)
    assert str(s) == "2/3 right (1 unanswered)"


@pytest.mark.parametrize("text,expected", [
    ("a", 0), ("D", 3), ("2", 1), (" b ", 1),
    ("E", None),  # past the last option
    ("0", None),  # numbers count from 1
    ("ab", None), ("", None),
])
def test_parse_answer(text, expected):
    assert parse_answer(text, 4) == expected


@pytest.mark.parametrize("kwargs,message", [
    # no questions asked
    ({"n": 0}, "n must be at least 1, got 0"),
    # a kind that does not exist
    ({"kinds": ["riddle"]}, "unknown question kind 'riddle'"),
])
def test_make_quiz_errors(kg, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_quiz(kg, **kwargs)
