"""Tests of graph.query: the guarded entry point that runs every SPARQL query.

The fixture graph is a slice of the DiGeorge syndrome story in the bundled data's own layout (one
named graph per claim, claim records and source sections in the default graph), written out here
so that these tests do not move when the curated data does.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from graph.errors import QueryError, QueryRejected, QuerySyntaxError, QueryTimeout
from graph.namespace import CLAIM, CM, entity
from graph.query import MAX_QUERY_LENGTH, check_query, run_query
from graph.store import Store
from graph.store.oxigraph_store import OxigraphStore

DIGEORGE = """
@prefix cm: <https://w3id.org/causemap/> .
@prefix claim: <https://w3id.org/causemap/claim/> .
@prefix src: <https://w3id.org/causemap/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

claim:DiGeorgeSyndrome-actsThrough-Hypocalcemia {
    cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia .
}
claim:Hypocalcemia-canCause-UpperLipTwitching {
    cm:Hypocalcemia cm:canCause cm:UpperLipTwitching .
}
claim:Hypocalcemia-treatedBy-CalciumReplacement {
    cm:Hypocalcemia cm:treatedBy cm:CalciumReplacement .
}

claim:DiGeorgeSyndrome-actsThrough-Hypocalcemia a cm:Claim ;
    cm:citesSection src:upper-lip-twitching-4 ;
    cm:claimText "People with DiGeorge syndrome can develop low blood calcium."@en .
claim:Hypocalcemia-canCause-UpperLipTwitching a cm:Claim ;
    cm:citesSection src:upper-lip-twitching-4 ;
    cm:claimText "Low blood calcium makes nerves fire too easily, so muscles twitch."@en .
claim:Hypocalcemia-treatedBy-CalciumReplacement a cm:Claim ;
    cm:citesSection src:upper-lip-twitching-4 ;
    cm:claimText "Low blood calcium is treated by replacing calcium."@en .
src:upper-lip-twitching-4 a cm:SourceSection ;
    rdfs:label "4. DiGeorge Syndrome"@en ;
    cm:sectionNumber 4 .

cm:DiGeorgeSyndrome a cm:Condition ; rdfs:label "DiGeorge syndrome"@en ;
    skos:altLabel "22q11.2 deletion syndrome"@en .
cm:Hypocalcemia a cm:Mechanism ; rdfs:label "hypocalcemia"@en ;
    skos:altLabel "low blood calcium"@en .
cm:UpperLipTwitching a cm:Symptom ; rdfs:label "upper-lip twitching"@en .
cm:CalciumReplacement a cm:Treatment ; rdfs:label "calcium replacement"@en .
"""

SELECT_LABELS = "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label"


def _kg(trig: str) -> Store:
    ds = Dataset(default_union=True)
    ds.parse(data=trig, format="trig")
    return OxigraphStore.from_dataset(ds)


@pytest.fixture(scope="module")
def digeorge() -> Store:
    """The DiGeorge slice: 3 claims, 1 section, 4 entities; 5 things have labels."""
    return _kg(DIGEORGE)


@pytest.fixture(scope="module")
def chain() -> Store:
    """300 triples in a chain: a 3-way cartesian product over them is 27 million rows."""
    lines = ["@prefix cm: <https://w3id.org/causemap/> ."]
    lines += [f"cm:n{i} cm:canCause cm:n{i + 1} ." for i in range(300)]
    return _kg("\n".join(lines))


def _store_state(kg: Store) -> tuple[int, set]:
    quads = list(kg.quads())
    return len(quads), {g for *_t, g in quads}


def _child_processes() -> list[tuple[str, str]]:
    """(pid, state) of every process whose parent is this one, zombies included (Linux /proc)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError):
            continue
        if int(ppid) == me:
            found.append((stat.parent.name, state))
    return found


# -- results of each kind ------------------------------------------------------------------------

def test_select_returns_rows_of_terms(digeorge):
    result = run_query(digeorge, "SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }")
    assert result.kind == "SELECT"
    assert result.variables == ["m"]
    assert result.rows == [(entity("Hypocalcemia"),)]
    assert (result.truncated, result.limit, result.boolean, result.graph) == (False, 5000, None,
                                                                              None)
    assert 0 < result.elapsed < 5


def test_select_star_keeps_the_order_variables_are_written_in(digeorge):
    result = run_query(digeorge, "SELECT * WHERE { ?zeta cm:actsThrough ?alpha . "
                                 "?alpha cm:treatedBy ?mid }")
    assert result.variables == ["zeta", "alpha", "mid"]
    assert result.rows == [(entity("DiGeorgeSyndrome"), entity("Hypocalcemia"),
                            entity("CalciumReplacement"))]


def test_optional_row_with_nothing_bound_is_kept(digeorge):
    # SPARQL gives one solution with ?x unbound; rdflib's Result iterator would drop it.
    result = run_query(digeorge, "SELECT ?x WHERE { OPTIONAL { cm:Nothing cm:canCause ?x } }")
    assert result.rows == [(None,)]


def test_group_by_over_no_solutions_gives_no_rows(digeorge):
    # rdflib on its own answers this with one empty group.
    result = run_query(digeorge, "SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x cm:nothing ?y } "
                                 "GROUP BY ?x")
    assert result.rows == []


@pytest.mark.parametrize("text, expected", [
    ("ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }", True),
    ("ASK { cm:Hypocalcemia cm:actsThrough cm:DiGeorgeSyndrome }", False),
])
def test_ask_returns_a_boolean(digeorge, text, expected):
    result = run_query(digeorge, text)
    assert (result.kind, result.boolean, result.rows, result.limit) == ("ASK", expected, [], None)


def test_construct_returns_a_graph_with_the_project_prefixes(digeorge):
    result = run_query(digeorge, "CONSTRUCT { ?m cm:isMechanismOf ?c } "
                                 "WHERE { ?c cm:actsThrough ?m }")
    assert result.kind == "CONSTRUCT"
    assert isinstance(result.graph, Graph)
    assert set(result.graph) == {(entity("Hypocalcemia"), entity("isMechanismOf"),
                                  entity("DiGeorgeSyndrome"))}
    assert ("cm", URIRef(CM._NS)) in set(result.graph.namespaces())
    assert result.limit == 20000 and not result.truncated


def test_describe_returns_the_resource_description(digeorge):
    result = run_query(digeorge, "DESCRIBE cm:UpperLipTwitching")
    assert result.kind == "DESCRIBE"
    assert (entity("UpperLipTwitching"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("upper-lip twitching", lang="en")) in result.graph


def test_a_query_can_tell_where_an_edge_comes_from(digeorge):
    result = run_query(digeorge, """
        SELECT ?claim ?n WHERE {
          GRAPH ?claim { cm:Hypocalcemia cm:canCause cm:UpperLipTwitching }
          ?claim cm:citesSection/cm:sectionNumber ?n }""")
    assert result.rows == [(CLAIM["Hypocalcemia-canCause-UpperLipTwitching"], Literal(4))]


# -- prefixes ------------------------------------------------------------------------------------

def test_a_user_prefix_may_redeclare_a_project_prefix(digeorge):
    text = "PREFIX cm: <https://example.org/> ASK { ?s cm:actsThrough ?o }"
    assert run_query(digeorge, text).boolean is False
    assert run_query(digeorge, text.replace("https://example.org/", CM._NS)).boolean is True


def test_without_project_prefixes_the_hint_names_the_missing_declaration(digeorge):
    with pytest.raises(QuerySyntaxError, match=r"unknown prefix cm:.*PREFIX cm: "
                                               r"<https://w3id.org/causemap/>") as err:
        run_query(digeorge, "ASK { ?s cm:actsThrough ?o }", prefixes=False)
    assert (err.value.line, err.value.column, err.value.token) == (1, 10, "cm:actsThrough")


# -- syntax errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message, line, column, token", [
    # a missing dot between two triple patterns on one line
    ("SELECT * WHERE { ?s ?p ?o ?x ?y ?z }",
     r"^line 1, column 27: unexpected \?x; is a '\.' missing", 1, 27, "?x"),
    # ... and across lines: the position is in the user's text, not after the prepended prefixes
    ("SELECT * WHERE {\n  ?s cm:actsThrough ?m\n  ?m cm:canCause ?x\n}",
     r"^line 3, column 3: unexpected \?m; is a '\.' missing", 3, 3, "?m"),
    # an unknown prefix is named, with the likely intended one
    ("SELECT * WHERE {\n  ?s cn:actsThrough ?o }",
     r"^line 2, column 6: unknown prefix cn:; did you mean cm:\?", 2, 6, "cn:actsThrough"),
    # an unknown prefix with no near miss lists the declared ones
    ("SELECT * WHERE { ?s foo:bar ?o }",
     r"unknown prefix foo:; declare it with PREFIX foo: <…>; declared for you: cm, claim",
     1, 21, "foo:bar"),
    # a misspelt keyword
    ("SELEC ?x WHERE { ?x ?p ?o }", r"^line 1, column 1: unexpected SELEC; did you mean SELECT\?",
     1, 1, "SELEC"),
    ("SELECT ?x WHERE { ?x ?p ?o }\nLIMT 5", r"did you mean LIMIT\?", 2, 1, "LIMT"),
    # a misspelt function: the parser itself only knows that the FILTER failed
    ("ASK { ?s ?p ?o FILTER(CONTAIN(?o, 'a')) }",
     r"column 23: unknown function CONTAIN; did you mean CONTAINS\?", 1, 23, "CONTAIN"),
    # an unclosed string
    ('SELECT * WHERE { ?s rdfs:label "hypo }', r"column 32: this string is never closed",
     1, 32, '"'),
    # an unclosed brace
    ("SELECT * WHERE { ?s ?p ?o", r"ends too early; '\{' opened at line 1, column 16 is never "
     r"closed", 1, 26, None),
    # a closing bracket of the wrong kind
    ("SELECT * WHERE { ?s ?p ?o )", r"unexpected '\)' \(the open one is '\{'\)", 1, 27, ")"),
    # a PREFIX line without its colon
    ("PREFIX ex <https://example.org/>\nSELECT * {}", r"PREFIX name: <https://…>", 1, 1,
     "PREFIX"),
    # a \u escape before the error is one character for rdflib but six in the user's text
    ('SELECT * WHERE { ?s ?p "caf\\u00e9" . ?s ?p ?o ?q }', r"unexpected \?q", 1, 47, "?q"),
])
def test_syntax_errors_point_into_the_users_text(digeorge, text, message, line, column, token):
    with pytest.raises(QuerySyntaxError, match=message) as err:
        run_query(digeorge, text)
    assert (err.value.line, err.value.column, err.value.token) == (line, column, token)
    assert "\n" not in str(err.value) and "Traceback" not in str(err.value)


@pytest.mark.parametrize("text, message", [
    # SPARQL forbids selecting one name twice; rdflib would return two equal columns
    ("SELECT ?x (1 AS ?x) WHERE {}", r"\?x is selected twice"),
    # too deep for the parser's recursion
    ("SELECT * WHERE " + "{" * 400 + "}" * 400, r"nested too deeply to read \(more than 256"),
    ("SELECT * WHERE { FILTER(" + "(" * 30000 + "1" + ")" * 30000 + ") }", r"nested too deeply"),
])
def test_other_malformed_queries(digeorge, text, message):
    with pytest.raises(QuerySyntaxError, match=message):
        run_query(digeorge, text)


def test_a_selected_variable_never_used_is_a_warning_not_an_error(digeorge):
    result = run_query(digeorge, "SELECT ?x ?lable WHERE { ?x rdfs:label ?label }")
    assert len(result.rows) == 5 and {row[1] for row in result.rows} == {None}
    assert result.warnings == ["?lable is selected but never used in the query, so its column "
                               "stays empty (did you mean ?label?)"]


def test_a_selected_variable_set_by_a_binding_is_no_warning(digeorge):
    result = run_query(digeorge, "SELECT ?x ?given WHERE { ?x rdfs:label ?label }",
                       bindings={"given": Literal("yes")})
    assert result.warnings == []
    assert {row[1] for row in result.rows} == {Literal("yes")}


def test_check_query_vets_without_running():
    info = check_query("CONSTRUCT { ?s cm:x ?o } WHERE { ?s cm:actsThrough ?o }")
    assert (info.kind, info.variables, info.mentioned, info.warnings) == (
        "CONSTRUCT", [], ["o", "s"], [])


# -- what is never run ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    # the update forms, each named
    ("INSERT DATA { cm:a cm:b cm:c }", r"^INSERT DATA is an update"),
    ("DELETE DATA { cm:a cm:b cm:c }", r"^DELETE DATA is an update"),
    ("DELETE WHERE { ?s ?p ?o }", r"^DELETE WHERE is an update"),
    ("INSERT { ?s cm:b 1 } WHERE { ?s ?p ?o }", r"^INSERT … WHERE is an update"),
    ("WITH <https://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
     r"^DELETE/INSERT … WHERE is an update"),
    ("LOAD <file:///etc/passwd>", r"^LOAD is an update"),
    ("CLEAR ALL", r"^CLEAR is an update"),
    ("CREATE GRAPH <https://example.org/g>", r"^CREATE is an update"),
    ("DROP DEFAULT", r"^DROP is an update"),
    ("COPY DEFAULT TO <https://example.org/g>", r"^COPY is an update"),
    ("MOVE DEFAULT TO <https://example.org/g>", r"^MOVE is an update"),
    ("ADD DEFAULT TO <https://example.org/g>", r"^ADD is an update"),
    # an update behind the user's own prologue
    ("PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", r"^INSERT DATA is an"),
    # an update rdflib's update parser would not accept still is one
    ("INSERT DATA { ?s ?p ?o . FILTER }", r"^INSERT DATA is an update"),
    # nothing at all, only a comment, only a prologue: empty update requests
    ("", r"^the query is empty: write a SELECT"),
    ("# SELECT * WHERE { ?s ?p ?o }\n", r"^the query is empty"),
    ("PREFIX ex: <https://example.org/>", r"^there is no query here, only PREFIX or BASE lines"),
    # two requests: rejected at the first, nothing runs
    ("DROP ALL ; LOAD <https://example.org/data.ttl>", r"^DROP is an update"),
    # SERVICE at the top and nested deep inside
    ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
     r"^SERVICE <https://example.org/sparql> \(line 1\) is not allowed"),
    ("SELECT * WHERE {\n ?s ?p ?o\n OPTIONAL { FILTER NOT EXISTS {\n"
     "   SERVICE SILENT <https://example.org/sparql> { ?s ?p ?x } } } }",
     r"^SERVICE <https://example.org/sparql> \(line 4\) is not allowed"),
    ("ASK { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }", r"^SERVICE \?endpoint"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <https://example.org/s> {} })",
     r"^SERVICE <https://example.org/s>"),
    ("CONSTRUCT { ?s ?p ?z } WHERE { BIND(EXISTS { SERVICE <https://e.org/s> {} } AS ?z) }",
     r"^SERVICE <https://e.org/s>"),
    # FROM and FROM NAMED would make rdflib fetch them
    ("SELECT * FROM <https://example.org/data.ttl> WHERE { ?s ?p ?o }",
     r"^FROM <https://example.org/data.ttl> \(line 1\) is not allowed: Causemap queries the "
     r"loaded graph only, never a file or a URL"),
    ("SELECT *\nFROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
     r"^FROM NAMED <file:///etc/passwd> \(line 2\) is not allowed"),
    ("CONSTRUCT { ?s ?p ?o } FROM cm:elsewhere WHERE { ?s ?p ?o }", r"^FROM cm:elsewhere"),
    ("DESCRIBE ?s FROM <https://example.org/d.ttl> WHERE { ?s ?p ?o }", r"^FROM <https://"),
    # a query longer than the parser is allowed to chew on
    ("ASK {}" + " " * MAX_QUERY_LENGTH, r"characters long; the limit is"),
])
def test_rejected_before_anything_runs(digeorge, text, message):
    before = _store_state(digeorge)
    with pytest.raises(QueryRejected, match=message) as err:
        run_query(digeorge, text)
    assert "\n" not in str(err.value)
    assert _store_state(digeorge) == before


@pytest.mark.parametrize("text", [
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 'SERVICE <https://example.org/sparql> {}') }",
    "SELECT ?s WHERE { ?s ?p \"\"\"INSERT DATA { <a:a> <a:b> <a:c> }\nFROM <x:y>\"\"\" }",
    "# FROM <https://example.org/> and INSERT DATA in a comment\nASK { ?s ?p ?o }",
    "SELECT ?from ?service WHERE { ?from ?service ?insert }",
])
def test_keywords_inside_strings_comments_and_names_are_fine(digeorge, text):
    run_query(digeorge, text)


def test_the_store_is_unchanged_by_an_attempted_update(digeorge):
    before = _store_state(digeorge)
    with pytest.raises(QueryRejected):
        run_query(digeorge, "INSERT DATA { cm:a cm:b cm:c }")
    # Asking about a graph that does not exist must not create it either.
    run_query(digeorge, "SELECT * WHERE { GRAPH <https://example.org/new> { ?s ?p ?o } }")
    assert _store_state(digeorge) == before
    assert not run_query(digeorge, "ASK { cm:a cm:b cm:c }").boolean


# -- bindings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bindings, expected", [
    ({"text": Literal("calc")}, {"hypocalcemia", "calcium replacement"}),
    ({"?text": Literal("TWITCH")}, {"upper-lip twitching"}),
    # user text is data: quotes and braces cannot break out of the query
    ({"text": Literal('x" } } ; DROP ALL #')}, set()),
])
def test_text_reaches_the_query_as_a_binding(digeorge, bindings, expected):
    result = run_query(digeorge, "SELECT ?l WHERE { ?x rdfs:label ?l "
                                 "FILTER(CONTAINS(LCASE(STR(?l)), LCASE(STR(?text)))) }",
                       bindings=bindings)
    assert {str(row[0]) for row in result.rows} == expected


def test_an_iri_binding_sets_a_variable(digeorge):
    result = run_query(digeorge, "SELECT ?claim WHERE { GRAPH ?claim { ?s ?p ?o } }",
                       bindings={"s": entity("DiGeorgeSyndrome"), "p": CM.actsThrough})
    assert result.rows == [(CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"],)]


@pytest.mark.parametrize("bindings, error, message", [
    # a name the query does not use
    ({"nope": Literal("x")}, QueryError, r"\?nope is not a variable of this query.*\?l, \?x"),
    # a plain str is ambiguous (IRI or literal?): the caller must decide
    ({"x": "cm:Hypocalcemia"}, TypeError, r"binding \?x must be an rdflib URIRef"),
])
def test_bad_bindings(digeorge, bindings, error, message):
    with pytest.raises(error, match=message):
        run_query(digeorge, "SELECT ?x WHERE { ?x rdfs:label ?l }", bindings=bindings)


# -- caps and limits -----------------------------------------------------------------------------

@pytest.mark.parametrize("max_rows, kept, truncated", [
    (2, 2, True),
    (5, 5, False),  # exactly at the cap is not truncation
    (10, 5, False),
])
def test_rows_beyond_max_rows_are_dropped_and_reported(digeorge, max_rows, kept, truncated):
    result = run_query(digeorge, SELECT_LABELS, max_rows=max_rows)
    assert (len(result.rows), result.truncated, result.limit) == (kept, truncated, max_rows)


def test_triples_beyond_max_triples_are_dropped_and_reported(digeorge):
    result = run_query(digeorge, "CONSTRUCT WHERE { ?s rdfs:label ?o }", max_triples=3)
    assert (len(result.graph), result.truncated, result.limit) == (3, True, 3)


def test_the_row_cap_also_stops_the_work(chain):
    started = time.monotonic()
    result = run_query(chain, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", max_rows=10)
    assert len(result.rows) == 10 and result.truncated
    assert time.monotonic() - started < 3


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_time_limit_stops_the_query_and_leaves_no_process(chain):
    # Other tests may leave long-lived children (the session's Playwright driver): compare with
    # what was there before this query started.
    before = set(_child_processes())
    run_query(chain, "ASK {}")  # a worker is alive and idle
    workers = set(chain.pool.pids)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"^the query was stopped after 1 s, its time limit"):
        run_query(chain, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                  timeout=1)
    assert time.monotonic() - started < 5
    assert multiprocessing.active_children() == []
    # The worker that ran it is killed and reaped (by the pool's zygote): no process, no zombie.
    gone = workers | set(chain.pool.pids)
    gone -= set(chain.pool.pids)
    for pid in gone:
        assert not Path(f"/proc/{pid}").exists()
    assert {p for p, state in set(_child_processes()) - before if state == "Z"} == set()


@pytest.mark.parametrize("kwargs, message", [
    # a time limit of nothing
    ({"timeout": 0}, r"timeout must be a positive number, not 0"),
    # negative caps
    ({"max_rows": -1}, r"max_rows must be a positive number, not -1"),
    ({"max_triples": 0}, r"max_triples must be a positive number"),
    # True is an int to Python, not a cap
    ({"max_rows": True}, r"max_rows must be a positive number, not True"),
])
def test_bad_limits(digeorge, kwargs, message):
    with pytest.raises(QueryError, match=message):
        run_query(digeorge, "ASK {}", **kwargs)


# -- failures while running ----------------------------------------------------------------------

def test_an_evaluation_error_is_one_short_line(digeorge):
    with pytest.raises(QueryError, match=r"^the query failed while running: .*custom function") \
            as err:
        run_query(digeorge, "SELECT (<https://example.org/f>(?l) AS ?n) WHERE { ?x rdfs:label ?l }")
    assert "\n" not in str(err.value) and len(str(err.value)) < 250


def test_sum_over_non_numbers_is_unbound_as_the_standard_says(digeorge):
    # SPARQL 1.1 §18.5: an error in an aggregate makes it unbound, it does not fail the query.
    result = run_query(digeorge, "SELECT (SUM(?l) AS ?n) WHERE { ?x rdfs:label ?l }")
    assert result.rows == [(None,)]


def test_a_worker_that_dies_is_reported_and_reaped(monkeypatch):
    from graph.store import oxigraph_store

    # The zygote of a store made after the patch inherits it: its workers exit without answering.
    monkeypatch.setattr(oxigraph_store, "run_on_oxigraph", lambda store, request: os._exit(3))
    kg = _kg(DIGEORGE)
    try:
        with pytest.raises(QueryError, match=r"ended without an answer"):
            run_query(kg, "ASK { ?s ?p ?o }")
        assert kg.pool.pids == []
    finally:
        kg.close()


def test_blank_nodes_come_back_as_blank_nodes():
    kg = _kg("@prefix cm: <https://w3id.org/causemap/> . cm:a cm:affects [ cm:affects cm:b ] .")
    (row,) = run_query(kg, "SELECT ?x WHERE { cm:a cm:affects ?x }").rows
    assert isinstance(row[0], BNode)


def test_queries_run_from_threads_as_streamlit_does(digeorge):
    # Streamlit runs each script in its own thread; each call forks from whichever thread it is in.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: run_query(digeorge, SELECT_LABELS).rows, range(8)))
    assert all(rows == results[0] for rows in results) and len(results[0]) == 5
    assert multiprocessing.active_children() == []
