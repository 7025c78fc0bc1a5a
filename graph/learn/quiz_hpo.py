"""Quiz questions drawn from the HPO graph: which of these is a frequent feature of a disease?

On a graph of thousands of diseases the curated-graph quiz (:mod:`graph.learn.quiz`, which walks
the whole projection) gives way to questions from the annotations themselves. A question names a
disease with at least :data:`MIN_FREQUENT` very frequent features (an annotation frequency of at
least :data:`FREQUENT`), offers one of them, and three phenotypes that are common elsewhere but
are not features of that disease — neither one of its annotated terms, nor an ancestor or a
descendant of one (so no option is half right). The explanation is the annotation itself: its
frequency, evidence and source.

The diseases that can be asked about and the pool of distractors are computed once per store
(:meth:`graph.store.Store.fact`); a question then costs two small queries.

Examples
--------
>>> from graph.store import DATA_DIR, load
>>> kg = load([DATA_DIR / "article.trig", DATA_DIR / "optional" / "hpo-enrichment.trig"])
>>> (q,) = hpo_quiz(kg, n=1, seed=3)
>>> q.prompt.startswith("Which of these is a frequent feature of"), len(q.options)
(True, 4)
"""

from __future__ import annotations

import functools
import random

import numpy as np
from rdflib import URIRef

from graph.learn.entities import annotation_sentence
from graph.learn.explain import Step, explain_path
from graph.learn.phenotype_index import has_phenotype_annotations, phenotype_index
from graph.learn.quiz import Question
from graph.namespace import CM
from graph.store import Store
from graph.store.terms import to_nt

__all__ = ["hpo_quiz", "has_annotations", "prepare", "FREQUENT", "MIN_FREQUENT", "KIND"]

#: Annotation frequency (0–1) from which a feature counts as frequent.
FREQUENT = 0.8
#: Frequent features a disease needs to be asked about.
MIN_FREQUENT = 3
#: The question kind, as :class:`graph.learn.quiz.Question` records it.
KIND = "frequent_feature"


def has_annotations(kg: Store) -> bool:
    """Whether the store holds HPO phenotype annotations (so these questions can be asked)."""
    return has_phenotype_annotations(kg)


def _askable(kg: Store) -> list[str]:
    """Diseases with at least :data:`MIN_FREQUENT` frequent phenotypes (a frequency ≥ 0.8 is
    never a NOT), read from the phenotype index (:mod:`graph.learn.phenotype_index`), which holds
    each disease's phenotype annotations with their frequencies. Onset, inheritance and course
    terms carry frequencies too, but are not features to ask about."""
    def compute():
        index = phenotype_index(kg)
        per_disease = np.diff(index.ann_ptr)
        disease_of = np.repeat(np.arange(len(index.diseases)), per_disease)
        frequent = np.bincount(disease_of[index.ann_freq >= FREQUENT],
                               minlength=len(index.diseases))
        return sorted(index.diseases[i] for i in np.flatnonzero(frequent >= MIN_FREQUENT))
    return kg.fact("quiz_diseases", compute)


def _distractor_pool(kg: Store) -> dict[str, list[str]]:
    """The phenotypes annotated to the most diseases (plausible, so good distractors), each with
    its ancestors (to tell a more specific form of a disease's feature)."""
    def compute():
        top = [t for t, _ in kg.select_text(f"""SELECT ?t (COUNT(?d) AS ?n) WHERE {{
            ?d {to_nt(CM.hasSymptom)} ?t . ?t a {to_nt(CM.Symptom)} }}
            GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 400""")]
        values = " ".join(to_nt(URIRef(t)) for t in top)
        ancestors: dict[str, list[str]] = {t: [] for t in top}
        for t, up in kg.select_text(f"""SELECT ?t ?u WHERE {{ VALUES ?t {{ {values} }}
                ?t rdfs:subClassOf+ ?u }}"""):
            ancestors[t].append(up)
        return ancestors
    return kg.fact("quiz_distractors", compute)


def _question(kg: Store, disease: str, rng: random.Random) -> Question | None:
    d = URIRef(disease)
    frequent = sorted({t for t, in kg.select_text(f"""SELECT DISTINCT ?t WHERE {{
        ?a cm:annotatedCondition {to_nt(d)} ; cm:annotatedTerm ?t ; cm:frequencyValue ?f
        FILTER(?f >= {FREQUENT}) {to_nt(d)} {to_nt(CM.hasSymptom)} ?t }}""")})
    if not frequent:
        return None
    # Everything the disease has, with their ancestors: none of it may be a wrong option …
    near = {t for t, in kg.select_text(f"""SELECT DISTINCT ?u WHERE {{
        {to_nt(d)} {to_nt(CM.hasSymptom)} ?t . ?t rdfs:subClassOf* ?u }}""")}
    has = {t for t, in kg.select_text(f"SELECT ?t WHERE {{ {to_nt(d)} {to_nt(CM.hasSymptom)} ?t }}")}
    pool = _distractor_pool(kg)
    # … nor a descendant of something the disease has (a more specific form of a feature).
    candidates = sorted(t for t, ups in pool.items() if t not in near and not has.intersection(ups))
    rng.shuffle(candidates)
    wrong = [URIRef(t) for t in candidates[:3]]
    if len(wrong) < 3:
        return None
    answer = URIRef(rng.choice(frequent))
    nodes = [answer, *wrong]
    rng.shuffle(nodes)
    path = explain_path(kg, [Step(d, CM.hasSymptom, answer)])
    annotations = [URIRef(a) for a, in kg.select_text(f"""SELECT ?a WHERE {{
        ?a cm:annotatedCondition {to_nt(d)} ; cm:annotatedTerm {to_nt(answer)} }} LIMIT 20""")]
    evidence = "; ".join(sorted(annotation_sentence(kg, a) for a in annotations)[:2])
    explanation = (f"{path.sentence} HPO records it as frequent: {evidence}. The other options are "
                   f"not among {kg.label(d)}'s annotated features.")
    return Question(KIND, f"Which of these is a frequent feature of {kg.label(d)}?",
                    tuple(kg.label(n) for n in nodes), tuple(nodes), nodes.index(answer),
                    explanation, (path,), (d,), (CM.hasSymptom,))


def prepare(kg: Store) -> None:
    """Compute the whole-store facts the quiz draws from (``causemap load`` keeps them)."""
    if has_annotations(kg):
        _askable(kg)
        _distractor_pool(kg)


def hpo_quiz(kg: Store, n: int = 10, seed: int = 0) -> list[Question]:
    """``n`` questions on frequent features of HPO diseases; the same seed, the same quiz.

    Kept per store for the last 64 (seed, n): a quiz page asks for the same quiz on every click.
    """
    return list(_quiz(kg, n, seed))


@functools.lru_cache(maxsize=64)
def _quiz(kg: Store, n: int, seed: int) -> tuple[Question, ...]:
    rng = random.Random(seed)
    diseases = list(_askable(kg))
    rng.shuffle(diseases)
    out: list[Question] = []
    for disease in diseases:
        q = _question(kg, disease, rng)
        if q is not None:
            out.append(q)
        if len(out) == n:
            break
    return tuple(out)
