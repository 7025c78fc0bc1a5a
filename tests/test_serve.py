"""The SPARQL endpoint in-process (Starlette's TestClient): protocol, formats, statuses, limits.

Every request here goes through the same ASGI app that ``causemap serve`` runs; the real process
and real clients (SPARQLWrapper, rdflib's SPARQLStore, Causemap's own ``sparql:`` backend) are in
``tests/test_serve_clients.py``. Error cases are parametrised with one comment each and assert the
status and the one-line message.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDFS
from rdflib.query import Result

from graph.errors import QueryBusy
from graph.query import run_query
from graph.query.results import serialize
from graph.serve import ServeConfig, create_app
from graph.serve.access_log import LOGGER_NAME, QUERY_PREVIEW
from graph.serve.description import FORMATS_NS, SD, VOID
from graph.serve.protocol import MAX_BODY_BYTES

TestClient = pytest.importorskip("starlette.testclient").TestClient

SELECT = "SELECT ?m ?label WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m . ?m rdfs:label ?label }"
ASK = "ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }"
CONSTRUCT = "CONSTRUCT { cm:Hypocalcemia ?p ?o } WHERE { cm:Hypocalcemia ?p ?o }"
DESCRIBE = "DESCRIBE cm:Hypocalcemia"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def client(kg):
    return TestClient(create_app(kg))


def _get(client, query, accept=None, path="/sparql"):
    headers = {"Accept": accept} if accept else {}
    return client.get(path, params={"query": query}, headers=headers)


# -- the three ways of sending a query -----------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "form", "direct", "root"])
def test_every_protocol_binding_answers_the_same(client, kg, how):
    if how == "get":
        r = _get(client, SELECT)
    elif how == "root":
        r = _get(client, SELECT, path="/")
    elif how == "form":
        r = client.post("/sparql", data={"query": SELECT})
    else:
        r = client.post("/sparql", content=SELECT.encode(),
                        headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(serialize(run_query(kg, SELECT), "json"))


def test_a_head_request_sends_no_body(client):
    r = client.head("/sparql", params={"query": ASK})
    assert r.status_code == 200 and r.content == b""


# -- content negotiation -------------------------------------------------------------------------

@pytest.mark.parametrize("query, accept, media, fmt", [
    (SELECT, None, "application/sparql-results+json", "json"),
    (SELECT, "application/sparql-results+json", "application/sparql-results+json", "json"),
    (SELECT, "application/json", "application/sparql-results+json", "json"),
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    (SELECT, "text/csv", "text/csv", "csv"),
    (SELECT, "text/tab-separated-values", "text/tab-separated-values", "tsv"),
    (SELECT, "text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values", "tsv"),
    # a browser: SPARQL XML is the best it names
    (SELECT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "application/sparql-results+xml", "xml"),
    (ASK, None, "application/sparql-results+json", "json"),
    (ASK, "application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    (CONSTRUCT, None, "text/turtle", "turtle"),
    (CONSTRUCT, "application/n-triples", "application/n-triples", "nt"),
    (CONSTRUCT, "application/ld+json", "application/ld+json", "json-ld"),
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml", "xml"),
    (CONSTRUCT, "application/trig", "application/trig", "trig"),
    (CONSTRUCT, "application/n-quads", "application/n-quads", "nquads"),
    (DESCRIBE, "text/turtle", "text/turtle", "turtle"),
    (DESCRIBE, "*/*", "text/turtle", "turtle"),
])
def test_content_negotiation(client, kg, query, accept, media, fmt):
    r = _get(client, query, accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["vary"] == "Accept"
    assert r.text == serialize(run_query(kg, query), fmt)


@pytest.mark.parametrize("query, accept", [
    # CSV and TSV have no way to write a yes/no answer
    (ASK, "text/csv"),
    # a graph cannot be written as a results table
    (CONSTRUCT, "application/sparql-results+json"),
    # nothing RDF at all
    (SELECT, "image/png"),
    # a format refused outright (q=0)
    (SELECT, "application/sparql-results+json;q=0, text/html"),
])
def test_not_acceptable(client, query, accept):
    r = _get(client, query, accept)
    assert r.status_code == 406
    assert r.text.startswith("none of the formats this result can be written in is acceptable")


def test_truncation_is_reported_in_a_header(kg):
    small = TestClient(create_app(kg, ServeConfig(max_rows=2, max_triples=3)))
    r = _get(small, "SELECT * WHERE { ?s ?p ?o }")
    assert r.headers["causemap-truncated"] == "rows=2" and len(r.json()["results"]["bindings"]) == 2
    r = _get(small, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert r.headers["causemap-truncated"] == "triples=3" and len(r.text.splitlines()) == 3
    assert "causemap-truncated" not in _get(small, ASK).headers


# -- refusals: the same one-line messages as everywhere ------------------------------------------

@pytest.mark.parametrize("request_kwargs, status, message", [
    # malformed: line and column, and a hint
    ({"params": {"query": "SELECT * WHERE { ?s ?p ?o ?x }"}}, 400,
     "line 1, column 27: unexpected ?x; is a '.' missing between two triple patterns before it?"),
    # an update sent as a query
    ({"params": {"query": "INSERT DATA { cm:a cm:b cm:c }"}}, 400,
     "INSERT DATA is an update; Causemap only reads the graph (SELECT, ASK, CONSTRUCT or DESCRIBE)"),
    # an update sent as the Protocol's update operation: refused with the guard's message
    ({"method": "POST", "data": {"update": "DELETE WHERE { ?s ?p ?o }"}}, 400,
     "DELETE WHERE is an update; Causemap only reads the graph (SELECT, ASK, CONSTRUCT or DESCRIBE)"),
    ({"method": "POST", "content": b"CLEAR ALL",
      "headers": {"Content-Type": "application/sparql-update"}}, 400,
     "CLEAR is an update; Causemap only reads the graph (SELECT, ASK, CONSTRUCT or DESCRIBE)"),
    # SERVICE would make the server call out
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400,
     "SERVICE <http://127.0.0.1:9/> (line 1) is not allowed: Causemap queries the loaded graph "
     "only, never a remote endpoint"),
    # FROM would read a file or a URL
    ({"params": {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}}, 400,
     "FROM <file:///etc/passwd> (line 1) is not allowed"),
    # the dataset is the store's own
    ({"params": {"query": ASK, "default-graph-uri": "http://example.org/g"}}, 400,
     "default-graph-uri is not supported: this endpoint answers every query from its own dataset"),
    ({"method": "POST", "data": {"query": ASK, "named-graph-uri": "http://example.org/g"}}, 400,
     "named-graph-uri is not supported"),
    # two queries in one request
    ({"params": [("query", ASK), ("query", ASK)]}, 400, "give one query= parameter, not 2"),
    # a query and an update
    ({"method": "POST", "data": {"query": ASK, "update": "CLEAR ALL"}}, 400,
     "give either query= or update=, not both"),
    # a body that is not UTF-8
    ({"method": "POST", "content": b"ASK { \xff }",
      "headers": {"Content-Type": "application/sparql-query"}}, 400, "the query is not UTF-8 text"),
    # a body of another type
    ({"method": "POST", "content": b"{}", "headers": {"Content-Type": "application/json"}}, 415,
     "POST a query as application/x-www-form-urlencoded (query=…) or as application/sparql-query"),
    # more than the body cap
    ({"method": "POST", "content": b"x" * (MAX_BODY_BYTES + 1),
      "headers": {"Content-Type": "application/sparql-query"}}, 413,
     f"the request is larger than {MAX_BODY_BYTES:,} bytes"),
])
def test_refused_requests_get_a_status_and_one_line(client, request_kwargs, status, message):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "GET")
    r = client.request(method, "/sparql", **kwargs)
    assert r.status_code == status
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith(message) and r.text.count("\n") == 1


def test_other_methods_are_not_allowed(client):
    assert client.put("/sparql", content=b"ASK {}").status_code == 405
    assert client.delete("/sparql").status_code == 405


class _FakeStore:
    """A store whose every query fails one way, for the statuses of the bounds."""

    def __init__(self, error):
        self.error = error

    def execute(self, request):
        raise self.error

    def __len__(self):
        return 0


@pytest.mark.parametrize("error, status", [
    # every worker busy: try again later
    (QueryBusy("all 3 query workers are busy with other queries; try again in a moment"), 503),
])
def test_busy_is_503_with_retry_after(error, status):
    r = _get(TestClient(create_app(_FakeStore(error))), ASK)
    assert r.status_code == status and r.headers["retry-after"] == "2"
    assert r.text == str(error) + "\n"


def test_a_query_past_its_time_limit_is_504(kg):
    slow = TestClient(create_app(kg, ServeConfig(timeout=0.3)))
    r = _get(slow, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert r.status_code == 504
    assert r.text == ("the query was stopped after 0.3 s, its time limit; make the patterns more "
                      "specific or add a LIMIT\n")


def test_an_internal_error_is_one_line_without_a_traceback():
    r = _get(TestClient(create_app(_FakeStore(ZeroDivisionError("x")))), ASK)
    assert r.status_code == 500
    assert r.text == "internal error (please report it): ZeroDivisionError\n"


# -- the service description ----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/sparql", "/"])
def test_service_description_without_a_query(client, kg, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    service = g.value(None, SD.endpoint, URIRef("http://testserver/sparql"))
    assert service is not None
    assert set(g.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert {FORMATS_NS[n] for n in ("SPARQL_Results_JSON", "SPARQL_Results_XML",
                                    "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                                    "N-Triples", "JSON-LD", "TriG", "N-Quads", "RDF_XML")} \
        <= set(g.objects(service, SD.resultFormat))
    assert SD.UnionDefaultGraph in set(g.objects(service, SD.feature))
    assert int(next(g.objects(None, VOID.triples))) == len(kg)


def test_service_description_in_another_format(client):
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    g = Graph().parse(data=r.text, format="json-ld")
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in g


@pytest.mark.parametrize("host, endpoint", [
    (b"127.0.0.1:7878", "http://127.0.0.1:7878/sparql"),
    (b"[::1]:7878", "http://[::1]:7878/sparql"),
    (b"causemap.example.org", "http://causemap.example.org/sparql"),
    # a Host header that would break out of the IRI: never used (Starlette falls back to the
    # socket's address; our own check to the configured base)
    (b"evil> <x", {"http://127.0.0.1:7878/sparql", "http://127.0.0.1:9999/sparql"}),
])
def test_the_described_endpoint_is_a_clean_iri(host, endpoint):
    from starlette.requests import Request

    from graph.serve.app import _endpoint

    scope = {"type": "http", "method": "GET", "path": "/sparql", "query_string": b"",
             "scheme": "http", "server": ("127.0.0.1", 7878), "headers": [(b"host", host)]}
    found = _endpoint(Request(scope), ServeConfig(base_url="http://127.0.0.1:9999/"))
    assert found in endpoint if isinstance(endpoint, set) else found == endpoint


# -- the ontology ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, accept, media", [
    ("/ontology", None, "text/turtle"),
    ("/ontology", "text/turtle", "text/turtle"),
    ("/ontology", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
    ("/ontology", "application/ld+json", "application/ld+json"),
    ("/ontology", "application/rdf+xml", "application/rdf+xml"),
    ("/ontology", "application/n-triples", "application/n-triples"),
    ("/ontology.ttl", "text/html", "text/turtle"),
    ("/ontology.html", None, "text/html"),
    ("/ontology.jsonld", None, "application/ld+json"),
])
def test_ontology_negotiation(client, path, accept, media):
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    if media == "text/html":
        assert "<h1>Causemap ontology</h1>" in r.text
        assert r.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    else:
        fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml", "application/n-triples": "nt"}[media]
        g = Graph().parse(data=r.text, format=fmt)
        assert (URIRef("https://w3id.org/causemap/canCause"), RDFS.label,
                Literal("can cause", lang="en")) in g


def test_ontology_turtle_is_the_curated_file(client):
    from graph.store import ONTOLOGY
    assert client.get("/ontology").text == ONTOLOGY.read_text(encoding="utf-8")


def test_unknown_ontology_suffix(client):
    r = client.get("/ontology.yaml")
    assert r.status_code == 404 and r.text.startswith("no ontology format .yaml; use one of: .ttl")


def test_ontology_page_escapes_every_text(monkeypatch):
    from graph.serve import ontology

    hostile = Graph().parse(data="""
        @prefix cm: <https://w3id.org/causemap/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/causemap/ontology> a owl:Ontology ; rdfs:comment "<script>alert(1)</script>" .
        cm:X a owl:Class ; rdfs:label "<img src=x onerror=alert(1)>" ;
             skos:definition "a & b" ; rdfs:subClassOf <javascript:alert(1)> .
    """, format="turtle")
    monkeypatch.setattr(ontology, "ontology_graph", lambda: hostile)
    page = ontology.ontology_html()
    assert "<script>" not in page and "<img" not in page and 'href="javascript' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "a &amp; b" in page


# -- CORS -------------------------------------------------------------------------------------------

def test_no_cors_headers_by_default(client):
    r = _get(client, ASK, None)
    assert "access-control-allow-origin" not in client.get(
        "/sparql", params={"query": ASK}, headers={"Origin": "http://localhost:8080"}).headers
    assert r.status_code == 200


def test_cors_lets_a_yasgui_page_query(kg):
    yasgui = "http://localhost:8080"
    app = TestClient(create_app(kg, ServeConfig(cors_origins=(yasgui,))))
    preflight = app.options("/sparql", headers={
        "Origin": yasgui, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == yasgui
    r = app.post("/sparql", data={"query": ASK}, headers={"Origin": yasgui})
    assert r.headers["access-control-allow-origin"] == yasgui
    other = app.post("/sparql", data={"query": ASK}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# -- the access log ---------------------------------------------------------------------------------

def test_access_log_has_one_short_line_per_request(client, caplog):
    long_query = "ASK {\n# \x1b[31m red\n ?s ?p ?o } # " + "x" * 5000
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.post("/sparql", data={"query": long_query})
        _get(client, ASK)
        client.get("/ontology")
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert len(lines) == 3
    first = lines[0]
    assert first.startswith("testclient POST /sparql 200 ")
    assert f"({len(long_query)} chars)" in first and len(first) < QUERY_PREVIEW + 100
    assert "\x1b" not in first and "\n" not in first
    assert lines[1].endswith(f'"{ASK}"') and " GET /sparql 200 " in lines[1]
    assert lines[2].endswith(" -") and " GET /ontology 200 " in lines[2]


# -- the answers are the store's -----------------------------------------------------------------

def test_xml_results_read_back_with_rdflib(client, kg):
    r = _get(client, SELECT, "application/sparql-results+xml")
    parsed = Result.parse(io.BytesIO(r.content), format="xml")
    expected = run_query(kg, SELECT)
    assert [tuple(b[Variable(v)] for v in expected.variables) for b in parsed.bindings] == \
        expected.rows


# -- negotiation rules -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, accept, chosen", [
    # no header, or an empty one: the server's default
    ("SELECT", None, "application/sparql-results+json"),
    ("SELECT", "", "application/sparql-results+json"),
    ("CONSTRUCT", None, "text/turtle"),
    # the most specific range decides: Turtle at 0.1 loses to text/* at 1 (N-Triples' text/plain)
    ("CONSTRUCT", "text/*, text/turtle;q=0.1", "application/n-triples"),
    # text/* reaches SPARQL XML through its alias text/xml …
    ("SELECT", "text/*", "application/sparql-results+xml"),
    # … but not when its own name is refused
    ("SELECT", "text/*, application/sparql-results+xml;q=0", "text/csv"),
    # a tie goes to the server's order
    ("SELECT", "text/csv, application/sparql-results+xml", "application/sparql-results+xml"),
    # an alias a client sends for SPARQL JSON
    ("SELECT", "application/json", "application/sparql-results+json"),
    # garbage entries are skipped, a bad q counts as 0
    ("SELECT", "nonsense, text/csv;q=abc, text/tab-separated-values;q=0.4",
     "text/tab-separated-values"),
    # refused outright
    ("SELECT", "*/*;q=0", None),
])
def test_negotiate(kind, accept, chosen):
    from graph.serve.negotiation import negotiate, result_offer

    assert negotiate(accept, list(result_offer(kind))) == chosen
