"""The ontology is complete (labels, definitions, domains, ranges, inverse readings) and in sync with
the closed namespace in graph/namespace.py."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.namespace import CM, RELATIONS
from graph.store import ONTOLOGY


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY)


def test_namespace_class_matches_the_ontology_terms(onto):
    in_file = {str(s) for s in onto.subjects(RDFS.label, None) if str(s).startswith(str(CM._NS))}
    in_code = {str(CM._NS) + name for name in CM.__annotations__}
    assert in_file == in_code


def test_closed_namespace_raises_on_typo():
    with pytest.raises(AttributeError):
        CM.actThrough  # noqa: B018


def test_ontology_header(onto):
    [ont] = onto.subjects(RDF.type, OWL.Ontology)
    for prop in ("title", "description", "license", "modified"):
        assert onto.value(ont, RDF.uri if False else __import__("rdflib").DCTERMS[prop]) is not None
    assert onto.value(ont, OWL.versionInfo) is not None


@pytest.mark.parametrize("term", sorted(CM.__annotations__))
def test_every_term_is_labelled_and_defined(onto, term):
    iri = CM[term]
    assert onto.value(iri, RDFS.label) is not None, term
    assert onto.value(iri, SKOS.definition) is not None, term


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.split("/")[-1])
def test_every_relation_has_domain_range_and_inverse_reading(onto, relation):
    assert onto.value(relation, RDFS.domain) is not None
    assert onto.value(relation, RDFS.range) is not None
    assert onto.value(relation, CM.inverseLabel) is not None
