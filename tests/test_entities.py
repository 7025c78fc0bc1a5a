"""Search, resolve and describe entities."""

from __future__ import annotations

import pytest

from graph.learn.entities import describe, resolve, search
from graph.errors import AmbiguousEntity, EntityNotFound
from graph.namespace import CM, entity


@pytest.mark.parametrize("typed,expected", [
    ("parkinsons", "ParkinsonsDisease"),
    ("Parkinson's", "ParkinsonsDisease"),
    ("als", "AmyotrophicLateralSclerosis"),
    ("Lou Gehrig's disease", "AmyotrophicLateralSclerosis"),
    ("digeorge", "DiGeorgeSyndrome"),
    ("digorge syndrome", "DiGeorgeSyndrome"),  # typo
    ("upper lip twitching", "UpperLipTwitching"),
    ("hypocalcaemia", "Hypocalcemia"),  # British spelling
    ("cm:Hypocalcemia", "Hypocalcemia"),
    ("<https://w3id.org/causemap/Thymus>", "Thymus"),
    ("https://w3id.org/causemap/Thymus", "Thymus"),
    ("stopping caffeine", "CaffeineWithdrawal"),  # withdrawal by substance (review finding 14)
])
def test_resolve_finds_what_a_student_types(kg, typed, expected):
    assert resolve(kg, typed) == entity(expected)


@pytest.mark.parametrize("typed,message", [
    ("", "required"),
    ("xyzzy plugh", "no entity called 'xyzzy plugh'"),
    ("cm:NotThere", "cm:NotThere is not an entity"),
    ("cm:canCause", "not an entity"),  # a relation, not an entity
    ("tremr", "did you mean"),  # close to several names
])
def test_resolve_errors_are_specific(kg, typed, message):
    with pytest.raises(EntityNotFound, match=message):
        resolve(kg, typed)


def test_ambiguous_name_lists_candidates():
    from rdflib import Dataset

    from graph.store import Store
    from graph.store.oxigraph_store import OxigraphStore
    ds = Dataset(default_union=True)
    ds.parse(data="""@prefix cm: <https://w3id.org/causemap/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        cm:Condition rdfs:subClassOf cm:Entity ; rdfs:label "Condition" .
        cm:A a cm:Condition ; rdfs:label "twin" . cm:B a cm:Condition ; rdfs:label "Twin" .""",
             format="turtle")
    with pytest.raises(AmbiguousEntity, match="names several entities") as err:
        resolve(OxigraphStore.from_dataset(ds), "twin")
    assert "cm:A" in str(err.value) and "cm:B" in str(err.value)


def test_search_ranks_exact_label_first_and_filters_by_class(kg):
    hits = search(kg, "tremor")
    assert hits[0].label == "tremor"
    only_conditions = search(kg, "tremor", classes={CM.Condition})
    assert [h.label for h in only_conditions] == ["essential tremor"]


def test_describe_gives_relations_as_sentences_with_sources(kg):
    d = describe(kg, entity("Hypoparathyroidism"))
    assert d.cls == CM.Condition and d.definition
    assert {x.short_id for x in d.xrefs} == {"HP:0000829", "OMIM:146200"}
    out = {r.sentence: r for r in d.outgoing}
    rel = out["Hypoparathyroidism acts through hypocalcemia."]
    assert rel.provenance[0].section_label == "10. Hypoparathyroidism"
    assert "reverse" in rel.provenance[0].notes[0]
    assert "Thyroid surgery can cause hypoparathyroidism." in {r.sentence for r in d.incoming}


def test_every_relation_has_exactly_one_source(kg):
    for ent in kg.entities():
        for rel in describe(kg, ent).outgoing:
            assert len(rel.provenance) == 1, rel.sentence
