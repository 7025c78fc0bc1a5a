"""Multiple-choice questions generated from the graph, reproducible with a seed.

Four kinds of question, each built from relations in the graph and checked against it:

``mechanism_link``
    "Which mechanism links DiGeorge syndrome and upper-lip twitching?" The answer is the only
    mechanism related to both; the other options are mechanisms related to at most one of them.
``what_treats``
    "Which of these treats Parkinson's disease?" The answer is a stated treatment; the other options
    are treatments more than two steps away from it, so none of them treats it even indirectly
    (through a mechanism or a symptom).
``not_cause``
    "Which of these does not cause upper-lip twitching?" Three options lead to the symptom through a
    chain of "can cause", "acts through" and "has symptom" relations; the answer leads to it through
    none, and is not within three steps of it either (relations of "is made worse by" aside, so that
    an aggravating factor is a fair answer: making a tremor worse is not causing twitching).
``missing_step``
    "Fill in the missing step: DiGeorge syndrome acts through ___, which can cause upper-lip
    twitching." The answer completes a two-step chain of the graph; each other option, put in the
    gap, makes at least one of the two statements false.

Options are always of one class (mechanisms with mechanisms, triggers with triggers). Every
question carries the paths that prove its answer, with the source of every step, for the feedback.
:func:`make_quiz` draws questions with :class:`random.Random` seeded by the caller, from pools sorted
by IRI, so the same seed and graph give the same quiz on every machine.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> quiz = make_quiz(kg, n=4, seed=1)
>>> [q.kind for q in quiz]
['mechanism_link', 'what_treats', 'not_cause', 'missing_step']
>>> make_quiz(kg, n=4, seed=1) == quiz
True
>>> all(sum(q.is_correct(i) for i in range(len(q.options))) == 1 for q in quiz)
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from graph.learn.entities import Provenance
from graph.learn.explain import ExplainedPath, Step, capitalise, explain_path, relation_phrase
from graph.namespace import CM, RELATIONS
from graph.learn.projection import to_networkx
from graph.store import Store

__all__ = ["KINDS", "KIND_LABELS", "Question", "Score", "make_quiz", "question_pool", "score",
           "letter", "parse_answer", "CAUSAL_RELATIONS"]

KINDS = ("mechanism_link", "what_treats", "not_cause", "missing_step")
KIND_LABELS = {
    "mechanism_link": "Which mechanism links them?",
    "what_treats": "What treats it?",
    "not_cause": "Odd one out",
    "missing_step": "Fill in the missing step",
}
#: Relations read as "leads to" when deciding what causes a symptom (subject leads to object).
CAUSAL_RELATIONS = (CM.canCause, CM.actsThrough, CM.hasSymptom)
MAX_OPTIONS = 4
_NOT_CAUSE_MIN_DISTANCE = 4  # the odd one out is at least this many steps from the symptom


@dataclass(frozen=True)
class Question:
    """One multiple-choice question.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    prompt : str
    options : tuple of str
        Option labels, as stored (lower case unless a name).
    option_nodes : tuple of URIRef
        The entity behind each option.
    correct : int
        Index of the one correct option.
    explanation : str
        Why the answer is right, in a sentence or two.
    paths : tuple of ExplainedPath
        The paths of the graph that prove it, each step with its sources.
    about : tuple of URIRef
        The entities the question is about (for checking it against the graph).
    predicates : tuple of URIRef
        ``missing_step``: the two relations of the chain.
    """

    kind: str
    prompt: str
    options: tuple[str, ...]
    option_nodes: tuple[URIRef, ...]
    correct: int
    explanation: str
    paths: tuple[ExplainedPath, ...]
    about: tuple[URIRef, ...]
    predicates: tuple[URIRef, ...] = ()

    @property
    def answer(self) -> str:
        return self.options[self.correct]

    def is_correct(self, index: int) -> bool:
        return index == self.correct

    def sources(self) -> list[Provenance]:
        """Every claim behind the explanation paths, once each, in path order."""
        seen: dict[URIRef, Provenance] = {}
        for path in self.paths:
            for provs in path.sources:
                for prov in provs:
                    seen.setdefault(prov.claim, prov)
        return list(seen.values())


def letter(index: int) -> str:
    """The option letter for an index (``0`` → ``'A'``).

    >>> letter(0), letter(3)
    ('A', 'D')
    """
    return "ABCDEFGH"[index]


def parse_answer(text: str, n_options: int) -> int | None:
    """An answer typed as a letter or a 1-based number, as an index; ``None`` when invalid.

    >>> parse_answer("b", 4), parse_answer("3", 4), parse_answer("E", 4), parse_answer("", 4)
    (1, 2, None, None)
    """
    text = text.strip().upper()
    if len(text) == 1 and "A" <= text <= "Z":
        index = ord(text) - ord("A")
    elif text.isdigit():
        index = int(text) - 1
    else:
        return None
    return index if 0 <= index < n_options else None


# -- pools -----------------------------------------------------------------------------------------
# A pool entry is a draft: everything but the random choices (which distractors, which order).

@dataclass(frozen=True)
class _Draft:
    kind: str
    key: str
    prompt: str
    correct: tuple[URIRef, ...]  # candidates for the right answer (not_cause: the odd ones)
    wrong: tuple[URIRef, ...]  # candidates for the other options
    n_wrong: int
    about: tuple[URIRef, ...]
    predicates: tuple[URIRef, ...] = ()


def _of_class(kg: Store, cls: URIRef) -> list[URIRef]:
    return sorted((e for e in kg.entities() if kg.class_of(e) == cls), key=str)


def _adjacent(G: nx.MultiDiGraph, u: URIRef, v: URIRef) -> bool:
    return G.has_edge(str(u), str(v)) or G.has_edge(str(v), str(u))


def _neighbours(G: nx.MultiDiGraph, node: URIRef) -> list[URIRef]:
    key = str(node)
    return sorted({URIRef(n) for n in (*G.successors(key), *G.predecessors(key))}, key=str)


def _mechanism_link_pool(kg: Store) -> list[_Draft]:
    G = to_networkx(kg)
    mechanisms = _of_class(kg, CM.Mechanism)
    drafts = []
    for m in mechanisms:
        starts = sorted(kg.subjects(CM.actsThrough, m), key=str)
        for x in starts:
            for y in _neighbours(G, m):
                if y == x or (y in starts and str(y) < str(x)):
                    continue  # two conditions sharing m: ask once, not twice
                linking = [k for k in mechanisms if _adjacent(G, k, x) and _adjacent(G, k, y)]
                if linking != [m]:
                    continue  # exactly one right answer
                # Never offer what the question is about ("links X and Y": neither X nor Y).
                wrong = tuple(k for k in mechanisms if k not in (m, x, y))
                drafts.append(_Draft("mechanism_link", f"{x}|{y}",
                                     f"Which mechanism links {kg.label(x)} and {kg.label(y)}?",
                                     (m,), wrong, MAX_OPTIONS - 1, (x, y)))
    return drafts


def _what_treats_pool(kg: Store) -> list[_Draft]:
    G = to_networkx(kg)
    U = G.to_undirected(as_view=True)
    treatments = _of_class(kg, CM.Treatment)
    drafts = []
    for z in sorted(set(kg.subjects(CM.treatedBy, None)), key=str):
        if kg.class_of(z) is None:
            continue
        near = nx.single_source_shortest_path_length(U, str(z), cutoff=2)
        # A treatment within two steps may treat z indirectly: never offer it as wrong.
        wrong = tuple(t for t in treatments if str(t) not in near)
        # One question per treated entity (its first treatment is the answer), so that an entity
        # with several treatments never repeats the same prompt.
        for t in sorted(kg.objects(z, CM.treatedBy), key=str)[:1]:
            if len(wrong) >= 2:
                drafts.append(_Draft("what_treats", f"{z}|{t}",
                                     f"Which of these treats {kg.label(z)}?",
                                     (t,), wrong, min(len(wrong), MAX_OPTIONS - 1), (z,)))
    return drafts


def _causal_graph(kg: Store) -> nx.DiGraph:
    C = nx.DiGraph()
    for p in CAUSAL_RELATIONS:
        for s, o in kg.subject_objects(p):
            C.add_edge(s, o, predicate=p)
    return C


def _not_cause_pool(kg: Store) -> list[_Draft]:
    G = to_networkx(kg)
    C = _causal_graph(kg)
    # Distances ignore "is made worse by": an aggravating factor is a fair odd one out.
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v, k in G.edges(keys=True) if k != str(CM.aggravatedBy))
    drafts = []
    for target in _of_class(kg, CM.Symptom):
        if target not in C:
            continue
        causes = nx.ancestors(C, target)
        dist = nx.single_source_shortest_path_length(H, str(target))
        for cls in (CM.Condition, CM.Trigger):
            leading = tuple(sorted((c for c in causes if kg.class_of(c) == cls), key=str))
            odd = tuple(x for x in _of_class(kg, cls) if x not in causes and x != target
                        and dist.get(str(x), _NOT_CAUSE_MIN_DISTANCE) >= _NOT_CAUSE_MIN_DISTANCE)
            if len(leading) >= MAX_OPTIONS - 1 and odd:
                drafts.append(_Draft("not_cause", f"{target}|{cls}",
                                     f"Which of these does not cause {kg.label(target)}?",
                                     odd, leading, MAX_OPTIONS - 1, (target,)))
    return drafts


def _missing_step_pool(kg: Store) -> list[_Draft]:
    g = kg
    drafts: dict[tuple, _Draft] = {}
    for p1 in RELATIONS:
        for s, m in sorted(g.subject_objects(p1), key=lambda so: (str(so[0]), str(so[1]))):
            cls = kg.class_of(m)
            if cls is None or kg.class_of(s) is None:
                continue
            peers = _of_class(kg, cls)
            for p2 in RELATIONS:
                for o in sorted(g.objects(m, p2), key=str):
                    if o == s or kg.class_of(o) is None:
                        continue
                    # Wrong: an entity of the same class that breaks at least one of the two links.
                    # The chain's own ends are never options: "autoimmune disease can cause ___"
                    # once offered autoimmune disease itself.
                    wrong = tuple(d for d in peers if d not in (m, s, o)
                                  and not ((s, p1, d) in g and (d, p2, o) in g))
                    if len(wrong) < 2:
                        continue
                    prompt = (f"Fill in the missing step: {capitalise(kg.label(s))} "
                              f"{relation_phrase(kg, p1)} ___, which {relation_phrase(kg, p2)} "
                              f"{kg.label(o)}.")
                    # One question per chain end: eight conditions have the symptom upper-lip
                    # twitching, which is treated by psychotherapy; asking eight times is dull.
                    drafts.setdefault((p1, m, p2, o), _Draft(
                        "missing_step", f"{s}|{p1}|{m}|{p2}|{o}", prompt, (m,), wrong,
                        min(len(wrong), MAX_OPTIONS - 1), (s, o), (p1, p2)))
    return list(drafts.values())


_POOLS = {
    "mechanism_link": _mechanism_link_pool,
    "what_treats": _what_treats_pool,
    "not_cause": _not_cause_pool,
    "missing_step": _missing_step_pool,
}


def question_pool(kg: Store, kind: str) -> int:
    """How many different questions of ``kind`` the graph supports (before options are drawn).

    >>> from graph.store import load
    >>> question_pool(load(), "not_cause")
    4
    """
    if kind not in _POOLS:
        raise ValueError(f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}")
    return len(_POOLS[kind](kg))


# -- turning drafts into questions -----------------------------------------------------------------

def _causal_path(kg: Store, C: nx.DiGraph, source: URIRef, target: URIRef) -> ExplainedPath:
    nodes = nx.shortest_path(C, source, target)
    return explain_path(kg, [Step(u, C.edges[u, v]["predicate"], v) for u, v in zip(nodes, nodes[1:])])


def _one_step(kg: Store, u: URIRef, v: URIRef) -> Step:
    """The first relation between two adjacent entities, read from ``u``."""
    for p in RELATIONS:
        if (u, p, v) in kg:
            return Step(u, p, v, True)
    for p in RELATIONS:
        if (v, p, u) in kg:
            return Step(u, p, v, False)
    raise ValueError(f"{u} and {v} are not adjacent")  # pragma: no cover (drafts guarantee it)


def _build(kg: Store, draft: _Draft, rng: random.Random) -> Question:
    answer = rng.choice(draft.correct)
    others = rng.sample(draft.wrong, draft.n_wrong)
    nodes = [answer, *others]
    rng.shuffle(nodes)
    correct = nodes.index(answer)
    if draft.kind == "mechanism_link":
        x, y = draft.about
        path = explain_path(kg, [_one_step(kg, x, answer), _one_step(kg, answer, y)])
        paths, explanation = (path,), path.sentence
    elif draft.kind == "what_treats":
        path = explain_path(kg, [Step(draft.about[0], CM.treatedBy, answer)])
        paths, explanation = (path,), path.sentence
    elif draft.kind == "not_cause":
        target = draft.about[0]
        C = _causal_graph(kg)
        paths = tuple(_causal_path(kg, C, c, target) for c in others)
        # Say what the graph does link the odd one to, so the feedback teaches something.
        links = [f"{kg.label(s)} {relation_phrase(kg, p)} {kg.label(o)}" for p in RELATIONS
                 for s, o in sorted((*((answer, o) for o in kg.objects(answer, p)),
                                     *((s, answer) for s in kg.subjects(p, answer))),
                                    key=lambda so: (str(so[0]), str(so[1])))]
        explanation = (f"{capitalise(kg.label(answer))} does not lead to {kg.label(target)} in the "
                       "graph" + (f" (it says: {links[0]})." if links else ".")
                       + " The others do: " + " ".join(p.sentence for p in paths))
    else:  # missing_step
        s, o = draft.about
        p1, p2 = draft.predicates
        path = explain_path(kg, [Step(s, p1, answer), Step(answer, p2, o)])
        paths, explanation = (path,), path.sentence
    return Question(draft.kind, draft.prompt, tuple(kg.label(n) for n in nodes), tuple(nodes),
                    correct, explanation, paths, draft.about, draft.predicates)


def make_quiz(kg: Store, n: int = 10, seed: int = 0,
              kinds: Sequence[str] = KINDS) -> list[Question]:
    """Draw ``n`` questions, taking the kinds in turn, without repeating a question.

    Parameters
    ----------
    kg : Store
    n : int
        How many questions; fewer come back when the graph runs out of different ones.
    seed : int
        Seeds :class:`random.Random`: the same seed gives the same quiz.
    kinds : sequence of str
        Which kinds, in the order they take turns (see :data:`KINDS`).

    Raises
    ------
    ValueError
        An unknown kind, or ``n`` below 1.

    Examples
    --------
    >>> from graph.store import load
    >>> q = make_quiz(load(), n=1, seed=3, kinds=["missing_step"])[0]
    >>> q.prompt.startswith("Fill in the missing step: ")
    True
    >>> make_quiz(load(), n=1, kinds=["riddle"])
    Traceback (most recent call last):
    ...
    ValueError: unknown question kind 'riddle'; use one of mechanism_link, what_treats, not_cause, missing_step
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not kg.is_small:
        # The curated pools walk the whole projection: on a big graph, ask from its annotations.
        from graph.learn.quiz_hpo import has_annotations, hpo_quiz
        if has_annotations(kg):
            return hpo_quiz(kg, n, seed)
    kinds = list(kinds)
    for kind in kinds:
        if kind not in _POOLS:
            raise ValueError(f"unknown question kind {kind!r}; use one of {', '.join(KINDS)}")
    rng = random.Random(seed)
    pools = {kind: sorted(_POOLS[kind](kg), key=lambda d: d.key) for kind in dict.fromkeys(kinds)}
    questions: list[Question] = []
    turn = 0
    while len(questions) < n and any(pools.values()):
        kind = kinds[turn % len(kinds)]
        turn += 1
        if pools[kind]:
            draft = pools[kind].pop(rng.randrange(len(pools[kind])))
            questions.append(_build(kg, draft, rng))
    return questions


@dataclass(frozen=True)
class Score:
    """A session score: right answers out of answered questions, of ``total``."""

    right: int
    answered: int
    total: int

    def __str__(self) -> str:
        return f"{self.right}/{self.answered} right" + (
            f" ({self.total - self.answered} unanswered)" if self.answered < self.total else "")


def score(questions: Sequence[Question], answers: Sequence[int | None]) -> Score:
    """Score answers (option indices, ``None`` for unanswered) against the questions.

    >>> from graph.store import load
    >>> qs = make_quiz(load(), n=3, seed=0)
    >>> str(score(qs, [qs[0].correct, None, (qs[2].correct + 1) % len(qs[2].options)]))
    '1/2 right (1 unanswered)'
    """
    answers = list(answers) + [None] * (len(questions) - len(answers))
    pairs = [(q, a) for q, a in zip(questions, answers) if a is not None]
    return Score(sum(q.is_correct(a) for q, a in pairs), len(pairs), len(questions))
