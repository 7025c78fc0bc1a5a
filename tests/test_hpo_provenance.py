"""Where an edge comes from, when HPO is loaded: the release and its evidence, and corroboration."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.learn.entities import describe, edge_provenance
from graph.namespace import CM, entity
from graph.store import DATA_DIR, load

DIGEORGE_OMIM = URIRef("https://w3id.org/causemap/disease/OMIM_188400")
HYPOCALCEMIA = URIRef("http://purl.obolibrary.org/obo/HP_0002901")


@pytest.fixture(scope="module")
def enriched():
    return load([DATA_DIR / "article.trig", DATA_DIR / "optional" / "hpo-enrichment.trig"])


def test_an_imported_edge_names_the_release_and_the_evidence(enriched):
    (prov,) = edge_provenance(enriched, DIGEORGE_OMIM, CM.hasSymptom, HYPOCALCEMIA)
    assert prov.where == "Human Phenotype Ontology release 2025-01-16"
    assert "evidence" in prov.claim_text and "OMIM:188400" in prov.claim_text


def test_an_article_claim_shows_which_hpo_annotations_support_it(enriched):
    (prov,) = edge_provenance(enriched, entity("DiGeorgeSyndrome"), CM.actsThrough,
                              entity("Hypocalcemia"))
    assert prov.where == "§4. DiGeorge Syndrome"
    assert any("(OMIM:188400) has Hypocalcemia" in s for s in prov.supported)
    assert prov.contradicted == ()


def test_a_claim_hpo_does_not_state_has_no_support(enriched):
    (prov,) = edge_provenance(enriched, entity("DiGeorgeSyndrome"), CM.hasSymptom,
                              entity("AbsentThymus"))
    assert prov.supported == ()  # HPO has thymus hypoplasia, not aplasia (docs/hpo-model.md)


def test_the_details_of_an_hpo_disease_cite_the_release(enriched):
    details = describe(enriched, DIGEORGE_OMIM)
    symptoms = [r for r in details.relations if r.predicate == CM.hasSymptom]
    assert len(symptoms) > 40
    assert all(p.where.startswith("Human Phenotype Ontology release") for r in symptoms
               for p in r.provenance)
