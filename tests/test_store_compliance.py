"""One compliance suite for every store backend (in the spirit of oaklib's ComplianceTester).

The same behavioural tests, named queries and feature outputs run against each backend and must
give the answers of the reference, Oxigraph in memory:

- ``rdflib``: rdflib in memory;
- ``oxigraph-disk``: an on-disk store built by :func:`graph.store.disk.build_store`;
- ``sparql-oxigraph``: the ``sparql:URL`` backend against a real ``oxigraph serve-read-only``;
- ``sparql-virtuoso``: the same backend against a real Virtuoso open source server.

The servers are started on 127.0.0.1 by ``tests/servers.py`` (and stopped by PID); a backend whose
server binary is missing is skipped with the reason (``.ci/run`` installs both).
"""

from __future__ import annotations

import pytest
from rdflib import Literal

from graph.errors import QueryRejected, QuerySyntaxError
from graph.learn.compare import compare
from graph.learn.differential import differential, resolve_findings
from graph.learn.entities import describe, resolve, search
from graph.learn.paths import shortest_paths, simple_paths
from graph.learn.relate import relate
from graph.learn.stats import graph_stats
from graph.learn.treatments import treatment_view
from graph.namespace import CM, entity
from graph.query import run_query
from graph.query.named import list_named_queries, run_named
from graph.store import load
from graph.store.disk import build_store
from graph.store.oxigraph_store import OxigraphStore
from graph.validate import validate
from graph.view.network import bounded_view

from tests import servers

BACKENDS = ["rdflib", "oxigraph-disk", "sparql-oxigraph", "sparql-virtuoso"]
ENTITIES = ["Hypocalcemia", "DiGeorgeSyndrome", "UpperLipTwitching", "BellsPalsy",
            "ParkinsonsDisease", "CalciumReplacement", "FacialNerve", "ChvosteksSign"]


@pytest.fixture(scope="module")
def reference():
    return load()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, tmp_path_factory):
    name = request.param
    files = servers.bundled_files()
    if name == "rdflib":
        kg = load(store="rdflib:")
        kg.compliance_name = name
        yield kg
        kg.close()
    elif name == "oxigraph-disk":
        folder = tmp_path_factory.mktemp("disk") / "store"
        build_store(folder)
        kg = OxigraphStore.open(folder)
        kg.compliance_name = name
        yield kg
        kg.close()
    else:
        kind = name.split("-", 1)[1]
        if kind == "oxigraph" and not servers.oxigraph_binary():
            pytest.skip("no 'oxigraph' executable: pip install oxigraph ([test] extras)")
        if kind == "virtuoso" and not servers.virtuoso_binaries():
            pytest.skip("no Virtuoso: apt-get install virtuoso-opensource (.ci/run does)")
        run = servers.running_oxigraph if kind == "oxigraph" else servers.running_virtuoso
        with run(files, tmp_path_factory.mktemp(kind)) as server:
            from graph.store import open_store
            kg = open_store(server.descriptor)
            kg.compliance_name = name
            yield kg
            kg.close()


# -- the store interface ---------------------------------------------------------------------------

def test_same_size_and_entities(reference, backend):
    assert len(backend) == len(reference)
    assert backend.entities() == reference.entities()
    assert backend.entity_classes == reference.entity_classes


@pytest.mark.parametrize("name", ENTITIES)
def test_same_lookups(reference, backend, name):
    node = entity(name)
    assert backend.label(node) == reference.label(node)
    assert backend.class_of(node) == reference.class_of(node)
    assert backend.synonyms(node) == reference.synonyms(node)
    assert backend.definition(node) == reference.definition(node)
    assert backend.edges(node) == reference.edges(node)
    assert sorted(backend.quads(node, CM.actsThrough)) == sorted(reference.quads(node, CM.actsThrough))


@pytest.mark.parametrize("text", ["low calcium", "parkinsons", "upper lip", "als", "digorge"])
def test_same_search(reference, backend, text):
    assert search(backend, text) == search(reference, text)
    assert resolve(backend, text) == resolve(reference, text)


# -- named queries and user queries ----------------------------------------------------------------

@pytest.mark.parametrize("name", [q.name for q in list_named_queries()])
def test_same_named_query_answers(reference, backend, name):
    ours = run_named(reference, name, resolve_entity=lambda t: resolve(reference, t))
    theirs = run_named(backend, name, resolve_entity=lambda t: resolve(backend, t))
    assert theirs.variables == ours.variables
    assert sorted(theirs.rows, key=repr) == sorted(ours.rows, key=repr)


QUERIES = [
    # OPTIONAL-heavy details
    """SELECT ?x ?label ?def ?syn WHERE { ?x a cm:Condition ; rdfs:label ?label .
       OPTIONAL { ?x skos:definition ?def } OPTIONAL { ?x skos:altLabel ?syn } }""",
    # GROUP BY / HAVING
    """SELECT ?m (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c cm:actsThrough ?m } GROUP BY ?m
       HAVING (COUNT(DISTINCT ?c) > 1)""",
    # property paths
    "SELECT DISTINCT ?s WHERE { ?s (cm:actsThrough/cm:canCause)+ cm:UpperLipTwitching }",
    # VALUES … OPTIONAL (rdflib's engine used to drop rows here)
    """SELECT ?x ?l WHERE { VALUES ?x { cm:Hypocalcemia cm:Nothing } OPTIONAL { ?x rdfs:label ?l } }""",
    # named graphs: where an edge comes from
    """SELECT ?claim ?text WHERE { GRAPH ?claim { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }
       ?claim cm:claimText ?text }""",
    "ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }",
    "ASK { cm:Hypocalcemia cm:actsThrough cm:DiGeorgeSyndrome }",
    "CONSTRUCT { ?c cm:actsThrough ?m } WHERE { ?c cm:actsThrough ?m }",
    "DESCRIBE cm:Hypocalcemia",
]


@pytest.mark.parametrize("text", QUERIES)
def test_same_query_answers(reference, backend, text):
    if backend.scheme == "rdflib" and "VALUES ?x" in text:
        pytest.xfail("rdflib's engine drops the unmatched VALUES row under OPTIONAL (a known "
                     "rdflib bug, one reason Oxigraph is the default)")
    if "DESCRIBE" in text and backend.compliance_name == "sparql-virtuoso":
        pytest.skip("DESCRIBE's answer is the server's choice (SPARQL 1.1 §16.4): Virtuoso adds "
                    "the triples that point at the resource")
    ours, theirs = run_query(reference, text), run_query(backend, text)
    assert (theirs.kind, theirs.variables, theirs.boolean) == (ours.kind, ours.variables, ours.boolean)
    assert sorted(theirs.rows, key=repr) == sorted(ours.rows, key=repr)
    if ours.graph is not None:
        assert set(theirs.graph) == set(ours.graph)


def test_bindings_reach_the_query_on_every_backend(reference, backend):
    text = "SELECT ?x WHERE { ?x rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), ?text)) }"
    bound = {"text": Literal("calc")}
    assert sorted(run_query(backend, text, bindings=bound).rows) == \
        sorted(run_query(reference, text, bindings=bound).rows)


@pytest.mark.parametrize("text, error", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", QueryRejected),
    ("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", QueryRejected),
    ("INSERT DATA { cm:a cm:b cm:c }", QueryRejected),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", QuerySyntaxError),
    ("SELECT * WHERE { ?s ?p ?o ?x }", QuerySyntaxError),
])
def test_same_refusals(reference, backend, text, error):
    with pytest.raises(error) as ours:
        run_query(reference, text)
    with pytest.raises(error) as theirs:
        run_query(backend, text)
    assert str(theirs.value) == str(ours.value)


def test_the_row_cap_is_reported_as_truncation(backend):
    result = run_query(backend, "SELECT * WHERE { ?s ?p ?o }", max_rows=3)
    assert len(result.rows) == 3 and result.truncated


# -- features ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Hypocalcemia", "DiGeorgeSyndrome", "UpperLipTwitching"])
def test_same_details(reference, backend, name):
    assert describe(backend, entity(name)) == describe(reference, entity(name))


def test_same_paths_and_relations(reference, backend):
    a, b = entity("DiGeorgeSyndrome"), entity("UpperLipTwitching")
    assert [p.sentence for p in shortest_paths(backend, a, b)] == \
        [p.sentence for p in shortest_paths(reference, a, b)]
    assert [p.sentence for p in simple_paths(backend, a, b, max_length=3)] == \
        [p.sentence for p in simple_paths(reference, a, b, max_length=3)]
    assert relate(backend, a, entity("Hypoparathyroidism")) == \
        relate(reference, a, entity("Hypoparathyroidism"))


def test_same_learning_outputs(reference, backend):
    pair = (entity("EssentialTremor"), entity("ParkinsonsDisease"))
    assert compare(backend, list(pair)) == compare(reference, list(pair))
    findings = ["lip tremor", "tremor of the hands"]
    assert differential(backend, resolve_findings(backend, findings)) == \
        differential(reference, resolve_findings(reference, findings))
    node = entity("CalciumReplacement")
    assert treatment_view(backend, node) == treatment_view(reference, node)
    assert graph_stats(backend) == graph_stats(reference)


def test_same_view(reference, backend):
    focus = str(entity("Hypocalcemia"))
    ours, theirs = bounded_view(reference, focus=focus, radius=2), \
        bounded_view(backend, focus=focus, radius=2)
    assert list(theirs.graph.nodes(data=True)) == list(ours.graph.nodes(data=True))
    assert sorted(theirs.graph.edges(keys=True)) == sorted(ours.graph.edges(keys=True))
    assert (theirs.hidden, theirs.total) == (ours.hidden, ours.total)


def test_same_validation(reference, backend):
    ours, theirs = validate(reference), validate(backend)
    assert theirs.conforms == ours.conforms and theirs.results == ours.results
