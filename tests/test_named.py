"""Tests of graph.query.named: the .rq files with a header, and running them with parameters.

Header parsing uses small files written to a temporary folder; the bundled files are each checked
and run; the two generic queries are checked for content against a DiGeorge slice written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from graph.errors import EntityNotFound, NamedQueryError, QueryTimeout
from graph.query.named import (
    QUERIES_DIR,
    NamedQuery,
    Param,
    check_named_query,
    get_named_query,
    list_named_queries,
    run_named,
)
from graph.namespace import CLAIM, CM, SOURCE, entity
from graph.store import Store
from graph.store.oxigraph_store import OxigraphStore

BUNDLED = sorted(QUERIES_DIR.glob("*.rq"), key=lambda p: p.stem)

DIGEORGE = """
@prefix cm: <https://w3id.org/causemap/> .
@prefix claim: <https://w3id.org/causemap/claim/> .
@prefix src: <https://w3id.org/causemap/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

claim:DiGeorgeSyndrome-actsThrough-Hypocalcemia {
    cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia .
}
claim:Hypocalcemia-treatedBy-CalciumReplacement {
    cm:Hypocalcemia cm:treatedBy cm:CalciumReplacement .
}
claim:DiGeorgeSyndrome-actsThrough-Hypocalcemia a cm:Claim ;
    cm:citesSection src:upper-lip-twitching-4 ;
    cm:claimText "People with DiGeorge syndrome can develop low blood calcium."@en .
claim:Hypocalcemia-treatedBy-CalciumReplacement a cm:Claim ;
    cm:citesSection src:upper-lip-twitching-4 .
src:upper-lip-twitching-4 a cm:SourceSection ;
    rdfs:label "4. DiGeorge Syndrome"@en ;
    cm:sectionNumber 4 ;
    cm:partOfSource src:upper-lip-twitching .

cm:Condition rdfs:subClassOf cm:Entity ; rdfs:label "Condition"@en .
cm:Mechanism rdfs:subClassOf cm:Entity ; rdfs:label "Mechanism"@en .
cm:Treatment rdfs:subClassOf cm:Entity ; rdfs:label "Treatment"@en .
cm:DiGeorgeSyndrome a cm:Condition ; rdfs:label "DiGeorge syndrome"@en ;
    skos:altLabel "22q11.2 deletion syndrome"@en , "thymic aplasia"@en .
cm:Hypocalcemia a cm:Mechanism ; rdfs:label "hypocalcemia"@en ;
    skos:altLabel "low blood calcium"@en .
cm:CalciumReplacement a cm:Treatment ; rdfs:label "calcium replacement"@en .
"""

SECTION_QUERY = """\
# title: Claims of a section
# question: Which claims cite section 4?
# param: n: integer = 4 — the section number
SELECT ?claim WHERE { ?claim cm:citesSection/cm:sectionNumber ?n } ORDER BY ?claim
"""

ENTITY_QUERY = """\
# title: Relations of an entity
# question: What does DiGeorge syndrome act through?
# param: thing: entity — the entity to start from
SELECT ?o WHERE { ?thing cm:actsThrough ?o }
"""


@pytest.fixture(scope="module")
def digeorge() -> Store:
    ds = Dataset(default_union=True)
    ds.parse(data=DIGEORGE, format="trig")
    return OxigraphStore.from_dataset(ds)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder with two small named queries."""
    _write(tmp_path, "section-claims", SECTION_QUERY)
    _write(tmp_path, "acts-through", ENTITY_QUERY)
    return tmp_path


# -- the bundled files ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_query_is_well_formed(path):
    nq = get_named_query(path.stem)
    check_named_query(nq)
    assert nq.title and nq.question.endswith("?")
    assert all(p.description for p in nq.params)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_query_runs_on_the_bundled_graph(kg, path):
    nq = get_named_query(path.stem)
    # Parameters without a default get a value of the right kind; defaults are used as written.
    filler = {"entity": "cm:Hypocalcemia", "text": "a", "integer": "1"}
    params = {p.name: filler[p.kind] for p in nq.params if p.default is None}
    result = run_named(kg, nq, params)
    assert result.warnings == []


def test_the_bundled_queries_are_listed_by_name():
    names = [nq.name for nq in list_named_queries()]
    assert names == sorted(names) == [p.stem for p in BUNDLED]
    assert {"entity-search", "edge-source"} <= set(names)


# -- the two generic queries ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("CALC", {"hypocalcemia", "calcium replacement"}),
    # a synonym finds the entity, and says which name matched
    ("thymic", {"DiGeorge syndrome"}),
    ("no such thing", set()),
])
def test_entity_search_matches_labels_and_synonyms_in_any_case(digeorge, text, expected):
    result = run_named(digeorge, "entity-search", {"text": text})
    assert result.variables[:2] == ["entity", "label"]
    assert {str(row[1]) for row in result.rows} == expected


def test_entity_search_reports_class_and_matched_name(digeorge):
    (row,) = run_named(digeorge, "entity-search", {"text": "thymic"}).rows
    assert row == (entity("DiGeorgeSyndrome"), Literal("DiGeorge syndrome", lang="en"),
                   Literal("Condition", lang="en"), Literal("thymic aplasia"))  # MIN(STR(…)): plain


def test_edge_source_finds_the_claim_section_and_text(digeorge):
    result = run_named(digeorge, "edge-source", {"s": "cm:DiGeorgeSyndrome",
                                                 "p": "cm:actsThrough", "o": "cm:Hypocalcemia"})
    (row,) = result.rows
    assert dict(zip(result.variables, row)) == {
        "claim": CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"],
        "sectionNumber": Literal(4),
        "sectionLabel": Literal("4. DiGeorge Syndrome", lang="en"),
        "claimText": Literal("People with DiGeorge syndrome can develop low blood calcium.",
                             lang="en"),
        "section": SOURCE["upper-lip-twitching-4"],
        "source": SOURCE["upper-lip-twitching"],
    }


def test_edge_source_of_a_claim_without_text_still_gives_the_section(digeorge):
    result = run_named(digeorge, "edge-source", {"s": "cm:Hypocalcemia", "p": "cm:treatedBy",
                                                 "o": "cm:CalciumReplacement"})
    (row,) = result.rows
    record = dict(zip(result.variables, row))
    assert record["claimText"] is None and record["sectionNumber"] == Literal(4)


def test_edge_source_of_a_triple_no_claim_holds_is_empty(digeorge):
    result = run_named(digeorge, "edge-source", {"s": "cm:Hypocalcemia", "p": "cm:actsThrough",
                                                 "o": "cm:DiGeorgeSyndrome"})
    assert result.rows == []


# -- reading headers -----------------------------------------------------------------------------

def test_a_header_is_read_into_a_named_query(folder):
    nq = get_named_query("section-claims", folder)
    assert nq == NamedQuery("section-claims", "Claims of a section",
                            "Which claims cite section 4?",
                            [Param("n", "integer", "4", "the section number")],
                            SECTION_QUERY, folder / "section-claims.rq")
    assert [q.name for q in list_named_queries(folder)] == ["acts-through", "section-claims"]


def test_header_details(tmp_path):
    _write(tmp_path, "details", """\
# title: A long title
# question: A question that goes on
#   over a second line?
# A free-text comment in prose is ignored.
#
# param: ?label: text = "calcium — or not" -- a default that contains an em dash
# param: n: integer — required, no default
#   and described over two lines
SELECT ?x WHERE {
  # title: not a header line any more
  ?x rdfs:label ?label ; cm:sectionNumber ?n }
""")
    nq = get_named_query("details.rq", tmp_path)
    assert nq.question == "A question that goes on over a second line?"
    assert nq.params == [
        Param("label", "text", "calcium — or not", "a default that contains an em dash"),
        Param("n", "integer", None, "required, no default and described over two lines"),
    ]
    check_named_query(nq)


@pytest.mark.parametrize("header, message", [
    # no title
    ("# question: Why?\n", r"bad\.rq: the header has no '# title:' line"),
    # no question
    ("# title: T\n", r"bad\.rq: the header has no '# question:' line"),
    # a field name with a typo
    ("# title: T\n# question: Q?\n# parm: x: text — d\n",
     r"bad\.rq, line 3: unknown header field 'parm' \(did you mean param\?\)"),
    # a field nobody could mean
    ("# title: T\n# question: Q?\n# zzz: x\n", r"line 3: unknown header field 'zzz' \(use title"),
    # a field given twice
    ("# title: T\n# title: U\n# question: Q?\n", r"line 2: title is given twice"),
    # an empty field
    ("# title:\n# question: Q?\n", r"line 1: title is empty"),
    # a param without a description
    ("# title: T\n# question: Q?\n# param: x: text\n",
     r"line 3: param x needs a description after '—'"),
    # a param of an unknown kind
    ("# title: T\n# question: Q?\n# param: x: iri — d\n",
     r"line 3: param x has kind 'iri'; use one of entity, text, integer"),
    # a param whose name is not a variable name
    ("# title: T\n# question: Q?\n# param: 9x: text — d\n", r"line 3: a param line reads"),
    # a param with '=' and nothing after it
    ("# title: T\n# question: Q?\n# param: x: text = — d\n",
     r"line 3: param x has '=' but no default value"),
    # a param declared twice
    ("# title: T\n# question: Q?\n# param: x: text — d\n# param: x: text — e\n",
     r"line 4: param x is declared twice"),
])
def test_malformed_headers_name_the_file_and_line(tmp_path, header, message):
    _write(tmp_path, "bad", header + "SELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(NamedQueryError, match=message):
        list_named_queries(tmp_path)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "latin.rq").write_bytes("# title: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(NamedQueryError, match=r"latin\.rq: not a text file in UTF-8"):
        list_named_queries(tmp_path)


@pytest.mark.parametrize("body, message", [
    # a param that the query never uses
    ("# title: T\n# question: Q?\n# param: y: text — d\nSELECT ?x WHERE { ?x ?p ?o }\n",
     r"bad\.rq, line 3: param y is not a variable of the query"),
    # a default that does not fit the kind
    ("# title: T\n# question: Q?\n# param: x: integer = four — d\nASK { ?s ?p ?x }\n",
     r"bad\.rq, line 3: default: parameter x: 'four' is not a whole number"),
    # a query that does not parse
    ("# title: T\n# question: Q?\nSELECT ?x WHERE { ?x ?p ?o ?y ?z ?w }\n",
     r"bad\.rq: line 3, column 28: unexpected \?y"),
    # an update dressed as a named query
    ("# title: T\n# question: Q?\nDELETE WHERE { ?s ?p ?o }\n",
     r"bad\.rq: DELETE WHERE is an update"),
])
def test_check_named_query_finds_mismatches(tmp_path, body, message):
    _write(tmp_path, "bad", body)
    nq = get_named_query("bad", tmp_path)
    with pytest.raises(NamedQueryError, match=message):
        check_named_query(nq)
    if "default" not in message:  # running fails the same way, before any user value is read
        with pytest.raises(NamedQueryError, match=message):
            run_named(None, nq, {"x": "1"} if nq.params else None)


@pytest.mark.parametrize("name, message", [
    # a near miss suggests the right name
    ("section-claim", r"no named query 'section-claim'; did you mean section-claims\?"),
    # nothing near: list what there is
    ("xyz", r"no named query 'xyz'; there are: acts-through, section-claims"),
    # a path is a name like any other, and is not found
    ("../section-claims", r"no named query '\.\./section-claims'; did you mean section-claims"),
])
def test_unknown_names(folder, name, message):
    with pytest.raises(NamedQueryError, match=message):
        get_named_query(name, folder)


def test_one_malformed_file_does_not_hide_the_others(folder):
    _write(folder, "broken", "# title: T\nSELECT * {}\n")
    assert get_named_query("acts-through", folder).title == "Relations of an entity"
    with pytest.raises(NamedQueryError, match=r"broken\.rq: the header has no '# question:'"):
        get_named_query("broken", folder)


# -- running with parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "cm:DiGeorgeSyndrome",
    "<https://w3id.org/causemap/DiGeorgeSyndrome>",
    "https://w3id.org/causemap/DiGeorgeSyndrome",
    "  cm:DiGeorgeSyndrome ",
    URIRef("https://w3id.org/causemap/DiGeorgeSyndrome"),
])
def test_entity_values_are_curies_or_iris(digeorge, folder, value):
    result = run_named(digeorge, "acts-through", {"thing": value}, directory=folder)
    assert result.rows == [(entity("Hypocalcemia"),)]


def test_a_resolver_turns_labels_into_entities(digeorge, folder):
    labels = {"digeorge syndrome": entity("DiGeorgeSyndrome")}

    def resolve(text):
        if text.lower() not in labels:
            raise EntityNotFound(f"no entity is called {text!r}")
        return labels[text.lower()]

    result = run_named(digeorge, "acts-through", {"thing": "DiGeorge Syndrome"},
                       directory=folder, resolve_entity=resolve)
    assert result.rows == [(entity("Hypocalcemia"),)]
    with pytest.raises(EntityNotFound, match="no entity is called 'Bells palsy'"):
        run_named(digeorge, "acts-through", {"thing": "Bells palsy"}, directory=folder,
                  resolve_entity=resolve)


@pytest.mark.parametrize("params, expected", [
    (None, [CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"],
            CLAIM["Hypocalcemia-treatedBy-CalciumReplacement"]]),  # the default, 4
    ({"n": None}, [CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"],
                   CLAIM["Hypocalcemia-treatedBy-CalciumReplacement"]]),  # None means "not given"
    ({"n": " +4 "}, [CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"],
                     CLAIM["Hypocalcemia-treatedBy-CalciumReplacement"]]),
    ({"n": "5"}, []),
])
def test_integer_values_and_defaults(digeorge, folder, params, expected):
    result = run_named(digeorge, "section-claims", params, directory=folder)
    assert [row[0] for row in result.rows] == expected


@pytest.mark.parametrize("name, params, message", [
    # a parameter the query does not have
    ("acts-through", {"thing": "cm:A", "other": "x"},
     r"acts-through has no parameter 'other'; its parameters: thing"),
    # a required parameter left out
    ("acts-through", {}, r"acts-through needs a value for thing \(the entity to start from\)"),
    # a label without a resolver
    ("acts-through", {"thing": "DiGeorge syndrome"},
     r"parameter thing: 'DiGeorge syndrome' is not a CURIE such as cm:Hypocalcemia"),
    # a CURIE with an unknown prefix
    ("acts-through", {"thing": "cmm:DiGeorgeSyndrome"},
     r"parameter thing: unknown prefix cmm: in 'cmm:DiGeorgeSyndrome' \(known: cm, claim"),
    # an IRI with a space in it
    ("acts-through", {"thing": "<https://w3id.org/causemap/DiGeorge Syndrome>"},
     r"parameter thing: .* is not a CURIE"),
    # not a whole number
    ("section-claims", {"n": "4.5"}, r"parameter n: '4\.5' is not a whole number"),
])
def test_bad_parameter_values(digeorge, folder, name, params, message):
    with pytest.raises(NamedQueryError, match=message):
        run_named(digeorge, name, params, directory=folder)


def test_run_options_reach_run_query(digeorge, folder):
    result = run_named(digeorge, "section-claims", directory=folder, max_rows=1)
    assert len(result.rows) == 1 and result.truncated
    with pytest.raises(QueryTimeout):
        run_named(digeorge, "section-claims", directory=folder, timeout=1e-9)


def test_text_parameters_are_plain_literals():
    assert Param("text", "text", None, "d").to_term("calc") == Literal("calc")
    assert Param("t", "entity", None, "d").to_term("skos:altLabel") == \
        URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    assert Param("t", "entity", None, "d").to_term("cm:actsThrough") == CM.actsThrough
