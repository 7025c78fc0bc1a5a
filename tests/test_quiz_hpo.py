"""Quiz questions from the HPO annotations: one right option, three that are not features."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.learn.quiz_hpo import FREQUENT, KIND, has_annotations, hpo_quiz
from graph.namespace import CM
from graph.store import DATA_DIR, load


@pytest.fixture(scope="module")
def enriched():
    return load([DATA_DIR / "article.trig", DATA_DIR / "optional" / "hpo-enrichment.trig"])


def test_the_bundled_graph_has_no_annotations_to_ask_about():
    assert not has_annotations(load())


@pytest.mark.parametrize("seed", range(4))
def test_every_question_has_one_frequent_feature_and_three_that_are_not(enriched, seed):
    questions = hpo_quiz(enriched, n=3, seed=seed)
    assert questions
    for q in questions:
        assert q.kind == KIND and len(q.options) == 4 and len(set(q.option_nodes)) == 4
        (disease,) = q.about
        answer = q.option_nodes[q.correct]
        # the right option: a positive annotation with a frequency of at least FREQUENT
        rows = enriched.select_text(f"""SELECT ?f WHERE {{ ?a cm:annotatedCondition <{disease}> ;
            cm:annotatedTerm <{answer}> ; cm:frequencyValue ?f }}""")
        assert max(float(f) for f, in rows) >= FREQUENT
        for i, node in enumerate(q.option_nodes):
            if i == q.correct:
                continue
            # a wrong option is not a feature, nor the ancestor or a descendant of one
            assert (disease, CM.hasSymptom, node) not in enriched
            assert not enriched.select_text(f"""SELECT ?t WHERE {{ <{disease}> cm:hasSymptom ?t .
                {{ ?t rdfs:subClassOf* <{node}> }} UNION {{ <{node}> rdfs:subClassOf+ ?t }} }}
                LIMIT 1""")
        assert "HPO records it as frequent" in q.explanation and "evidence" in q.explanation


def test_the_same_seed_gives_the_same_quiz(enriched):
    assert [q.prompt for q in hpo_quiz(enriched, n=2, seed=7)] == \
        [q.prompt for q in hpo_quiz(enriched, n=2, seed=7)]
    assert all(isinstance(n, URIRef) for q in hpo_quiz(enriched, n=1, seed=7) for n in q.option_nodes)


def test_askable_diseases_have_three_frequent_phenotypes_not_onsets(hpo_sample_store):
    # Onset, inheritance and course annotations carry frequencies too; only phenotypes count. In
    # the 10 % sample some diseases reach three frequent terms only with an onset among them.
    from graph.learn.quiz_hpo import MIN_FREQUENT, _askable
    from graph.store.oxigraph_store import OxigraphStore
    kg = OxigraphStore.open(hpo_sample_store, workers=1)
    try:
        kg._facts.pop("quiz_diseases", None)  # computed again, not read from the folder
        phenotypes = {d for d, in kg.select_text(f"""SELECT ?d WHERE {{
            ?a cm:frequencyValue ?f FILTER(?f >= {FREQUENT})
            ?a cm:annotatedCondition ?d ; cm:annotatedTerm ?t . ?t a cm:Symptom }}
            GROUP BY ?d HAVING (COUNT(DISTINCT ?t) >= {MIN_FREQUENT})""")}
        any_term = {d for d, in kg.select_text(f"""SELECT ?d WHERE {{
            ?a cm:frequencyValue ?f FILTER(?f >= {FREQUENT})
            ?a cm:annotatedCondition ?d ; cm:annotatedTerm ?t }}
            GROUP BY ?d HAVING (COUNT(DISTINCT ?t) >= {MIN_FREQUENT})""")}
        assert any_term - phenotypes, "the sample no longer tells the two apart"
        assert set(_askable(kg)) == phenotypes
    finally:
        kg.close()
