"""Tests of graph.query.results: the terminal table and the W3C result formats.

Most results are built by hand so that every kind of term (IRI, language-tagged and typed
literal, blank node, unbound) appears; the round-trip tests read the exchange formats back with
rdflib's own result parsers, which implement the W3C specifications.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from rdflib.query import Result

from graph.errors import CausemapError, ResultFormatError
from graph.namespace import CLAIM, entity
from graph.query import QueryResult
from graph.query.results import MAX_CELL_WIDTH, media_type, result_formats, serialize

HYPO = entity("Hypocalcemia")
# Not rdflib's XSD namespace: pytest probes test-module globals, and XSD warns on each probe.
XSD_ = "http://www.w3.org/2001/XMLSchema#"
DIGEORGE = entity("DiGeorgeSyndrome")


@pytest.fixture
def select() -> QueryResult:
    """Two rows with every kind of term, and an unbound cell."""
    return QueryResult("SELECT", ["thing", "label", "n"], [
        (DIGEORGE, Literal("DiGeorge syndrome", lang="en"), Literal(4)),
        (BNode("b0"), Literal('say "hi",\tthen\nleave'), None),
    ], limit=5000)


@pytest.fixture
def construct() -> QueryResult:
    graph = Graph()
    graph.add((HYPO, RDFS.label, Literal("hypocalcemia", lang="en")))
    graph.add((DIGEORGE, entity("actsThrough"), HYPO))
    return QueryResult("CONSTRUCT", graph=graph, limit=20000)


@pytest.mark.parametrize("kind, formats", [
    ("SELECT", ["table", "csv", "tsv", "json", "xml"]),
    ("ASK", ["table", "json", "xml"]),
    ("CONSTRUCT", ["table", "turtle", "nt", "json-ld", "xml", "trig", "nquads"]),
    ("DESCRIBE", ["table", "turtle", "nt", "json-ld", "xml", "trig", "nquads"]),
])
def test_result_formats(kind, formats):
    assert result_formats(kind) == formats


def test_result_formats_of_an_unknown_kind():
    with pytest.raises(ValueError, match=r"unknown result kind 'UPDATE'"):
        result_formats("UPDATE")


# -- the table -----------------------------------------------------------------------------------

def test_select_table_is_aligned_with_curies_and_a_count(select):
    assert serialize(select, "table") == (
        "thing                label                 n\n"
        "-------------------  --------------------  -\n"
        "cm:DiGeorgeSyndrome  DiGeorge syndrome     4\n"
        "_:b0                 say \"hi\", then leave\n"
        "2 rows")


@pytest.mark.parametrize("rows, truncated, footer", [
    ([], False, "0 rows"),
    ([(HYPO,)], False, "1 row"),
    ([(HYPO,), (DIGEORGE,)], True, "truncated at 2 rows"),
])
def test_table_footer(rows, truncated, footer):
    result = QueryResult("SELECT", ["x"], rows, truncated=truncated, limit=2)
    assert serialize(result, "table").splitlines()[-1] == footer


def test_long_values_are_clipped_in_the_table_only():
    text = "x" * (MAX_CELL_WIDTH + 40)
    result = QueryResult("SELECT", ["t"], [(Literal(text),)])
    cell = serialize(result, "table").splitlines()[2]
    assert len(cell) == MAX_CELL_WIDTH and cell.endswith("…")
    assert text in serialize(result, "csv")


@pytest.mark.parametrize("answer, expected", [(True, "true"), (False, "false")])
def test_ask_table(answer, expected):
    assert serialize(QueryResult("ASK", boolean=answer), "table") == expected


def test_graph_table_lists_sorted_triples(construct):
    assert serialize(construct, "table") == (
        "subject              predicate       object\n"
        "-------------------  --------------  ---------------\n"
        "cm:DiGeorgeSyndrome  cm:actsThrough  cm:Hypocalcemia\n"
        "cm:Hypocalcemia      rdfs:label      hypocalcemia\n"
        "2 triples")
    construct.truncated = True
    assert serialize(construct, "table").endswith("\ntruncated at 2 triples")


# -- the W3C formats -----------------------------------------------------------------------------

def test_csv_is_the_w3c_format(select):
    # Header without '?', CRLF line ends, bare IRIs and lexical forms, quoting as in RFC 4180.
    assert serialize(select, "csv") == (
        "thing,label,n\r\n"
        "https://w3id.org/causemap/DiGeorgeSyndrome,DiGeorge syndrome,4\r\n"
        '_:b0,"say ""hi"",\tthen\nleave",\r\n')


def test_tsv_is_the_w3c_format(select):
    # Header with '?', terms in Turtle syntax, tabs and newlines escaped, unbound empty.
    assert serialize(select, "tsv") == (
        "?thing\t?label\t?n\n"
        '<https://w3id.org/causemap/DiGeorgeSyndrome>\t"DiGeorge syndrome"@en\t4\n'
        '_:b0\t"say \\"hi\\",\\tthen\\nleave"\t\n')


@pytest.mark.parametrize("term, written", [
    (Literal(4), "4"),
    (Literal("-07", datatype=URIRef(XSD_ + "integer")), "-7"),
    (Literal("1.50", datatype=URIRef(XSD_ + "decimal")), "1.50"),
    (Literal(True), "true"),
    (Literal("2026-11-23", datatype=URIRef(XSD_ + "date")),
     '"2026-11-23"^^<http://www.w3.org/2001/XMLSchema#date>'),
    (Literal("plain"), '"plain"'),
    (Literal("typed string", datatype=URIRef(XSD_ + "string")), '"typed string"'),
    (Literal("back\\slash"), '"back\\\\slash"'),
])
def test_tsv_terms(term, written):
    result = QueryResult("SELECT", ["x"], [(term,)])
    assert serialize(result, "tsv").splitlines()[1] == written


def test_json_is_the_w3c_format(select):
    assert json.loads(serialize(select, "json")) == {
        "head": {"vars": ["thing", "label", "n"]},
        "results": {"bindings": [
            {"thing": {"type": "uri", "value": str(DIGEORGE)},
             "label": {"type": "literal", "value": "DiGeorge syndrome", "xml:lang": "en"},
             "n": {"type": "literal", "value": "4", "datatype": XSD_ + "integer"}},
            {"thing": {"type": "bnode", "value": "b0"},
             "label": {"type": "literal", "value": 'say "hi",\tthen\nleave'}},
        ]},
    }


@pytest.mark.parametrize("answer", [True, False])
def test_ask_json(answer):
    assert json.loads(serialize(QueryResult("ASK", boolean=answer), "json")) == {
        "head": {}, "boolean": answer}


def test_xml_is_the_w3c_format(select):
    assert serialize(select, "xml") == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        '  <head>\n'
        '    <variable name="thing"/>\n'
        '    <variable name="label"/>\n'
        '    <variable name="n"/>\n'
        '  </head>\n'
        '  <results>\n'
        '    <result>\n'
        f'      <binding name="thing"><uri>{DIGEORGE}</uri></binding>\n'
        '      <binding name="label"><literal xml:lang="en">DiGeorge syndrome</literal></binding>\n'
        f'      <binding name="n"><literal datatype="{XSD_}integer">4</literal></binding>\n'
        '    </result>\n'
        '    <result>\n'
        '      <binding name="thing"><bnode>b0</bnode></binding>\n'
        '      <binding name="label"><literal>say "hi",\tthen\nleave</literal></binding>\n'
        '    </result>\n'
        '  </results>\n'
        '</sparql>\n')


@pytest.mark.parametrize("answer", [True, False])
def test_ask_xml(answer):
    parsed = Result.parse(io.BytesIO(serialize(QueryResult("ASK", boolean=answer), "xml")
                                     .encode("utf-8")), format="xml")
    assert parsed.askAnswer is answer


@pytest.mark.parametrize("term", [
    # rdflib's own XML writer writes these three as empty elements
    Literal(0), Literal(False), Literal(""),
    # markup in a value is escaped
    Literal("<b>&amp;</b>"),
])
def test_xml_keeps_every_value(term):
    result = QueryResult("SELECT", ["x"], [(term,)])
    parsed = Result.parse(io.BytesIO(serialize(result, "xml").encode("utf-8")), format="xml")
    assert [b[Variable("x")] for b in parsed.bindings] == [term]


def test_xml_refuses_what_xml_cannot_carry():
    result = QueryResult("SELECT", ["x"], [(Literal("bell \x07"),)])
    with pytest.raises(ResultFormatError, match="control character that XML cannot carry"):
        serialize(result, "xml")


def test_table_shows_hpo_omim_and_orpha_ids_as_curies():
    rows = [(URIRef("http://purl.obolibrary.org/obo/HP_0002901"),),
            (URIRef("https://omim.org/entry/188400"),),
            (URIRef("http://www.orpha.net/ORDO/Orphanet_567"),)]
    table = serialize(QueryResult("SELECT", ["xref"], rows), "table")
    assert table.splitlines()[2:5] == ["HP:0002901", "OMIM:188400", "ORPHA:567"]


@pytest.mark.parametrize("fmt", ["tsv", "json", "xml"])
def test_exchange_formats_read_back_to_the_same_solutions(select, fmt):
    parsed = Result.parse(io.BytesIO(serialize(select, fmt).encode("utf-8")), format=fmt)
    assert [str(v) for v in parsed.vars] == select.variables
    expected = [{Variable(v): t for v, t in zip(select.variables, row) if t is not None}
                for row in select.rows]
    assert [dict(b) for b in parsed.bindings] == expected


@pytest.mark.parametrize("fmt, parse_as", [
    ("turtle", "turtle"), ("ttl", "turtle"), ("nt", "nt"), ("json-ld", "json-ld"),
    ("xml", "xml"), ("rdfxml", "xml"),
])
def test_graph_formats_read_back_to_the_same_graph(construct, fmt, parse_as):
    text = serialize(construct, fmt)
    assert isomorphic(Graph().parse(data=text, format=parse_as), construct.graph)


@pytest.mark.parametrize("fmt", ["trig", "nquads", "nq"])
def test_quad_formats_put_the_triples_in_the_default_graph(construct, fmt):
    import pyoxigraph as ox

    parsed = list(ox.parse(serialize(construct, fmt).encode("utf-8"),
                           format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS))
    assert len(parsed) == len(construct.graph)
    assert all(q.graph_name == ox.DefaultGraph() for q in parsed)


@pytest.mark.parametrize("kind, fmt, media", [
    ("SELECT", "json", "application/sparql-results+json"),
    ("SELECT", "xml", "application/sparql-results+xml"),
    ("SELECT", "csv", "text/csv"),
    ("SELECT", "tsv", "text/tab-separated-values"),
    ("ASK", "xml", "application/sparql-results+xml"),
    ("CONSTRUCT", "turtle", "text/turtle"),
    ("CONSTRUCT", "xml", "application/rdf+xml"),
    ("DESCRIBE", "nq", "application/n-quads"),
    ("DESCRIBE", "json-ld", "application/ld+json"),
])
def test_media_types(kind, fmt, media):
    assert media_type(kind, fmt) == media


def test_turtle_uses_the_project_prefixes():
    graph = Graph(bind_namespaces="none")
    graph.bind("cm", "https://w3id.org/causemap/")
    graph.add((CLAIM["x"], entity("citesSection"), HYPO))
    assert "cm:citesSection cm:Hypocalcemia" in serialize(QueryResult("DESCRIBE", graph=graph),
                                                          "turtle")


# -- wrong formats -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, fmt, message", [
    # a graph format for a table of rows
    ("SELECT", "turtle",
     r"^turtle is for CONSTRUCT/DESCRIBE results; use table, csv, tsv, json or xml$"),
    # a table format for a graph
    ("CONSTRUCT", "csv",
     r"^csv is for SELECT results; use table, turtle, nt, json-ld, xml, trig or nquads$"),
    # CSV has no way to write a yes/no answer
    ("ASK", "tsv", r"^tsv is for SELECT results; use table, json or xml$"),
    # JSON-LD is for graphs, the results JSON for rows
    ("ASK", "json-ld", r"^json-ld is for CONSTRUCT/DESCRIBE results; use table, json or xml$"),
    # quads are for graphs
    ("SELECT", "nquads", r"^nquads is for CONSTRUCT/DESCRIBE results"),
    # no such format at all
    ("SELECT", "yaml", r"^unknown format 'yaml'; use one of csv, json, json-ld, nquads, nt, "
                       r"table, trig, tsv, turtle, xml$"),
])
def test_wrong_formats(kind, fmt, message):
    result = QueryResult(kind, graph=Graph(), boolean=True)
    with pytest.raises(ResultFormatError, match=message) as err:
        serialize(result, fmt)
    assert isinstance(err.value, CausemapError)


@pytest.mark.parametrize("fmt", ["JSON", "Table", "text"])
def test_format_names_ignore_case_and_have_aliases(select, fmt):
    assert serialize(select, fmt) == serialize(select, "table" if fmt != "JSON" else "json")


def test_a_real_result_serialises(kg):
    from graph.query import run_query

    result = run_query(kg, "SELECT ?c WHERE { GRAPH ?c { cm:DiGeorgeSyndrome cm:actsThrough "
                           "cm:Hypocalcemia } }")
    assert serialize(result, "csv") == (
        "c\r\nhttps://w3id.org/causemap/claim/DiGeorgeSyndrome-actsThrough-Hypocalcemia\r\n")
    assert URIRef(CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"]) == result.rows[0][0]


# -- identifiers: the same CURIEs and pages in the API, the CLI and the tables ------------------

@pytest.mark.parametrize("name", ["DiGeorge syndrome", "hypocalcemia", "amyotrophic lateral sclerosis"])
def test_cli_show_prints_each_xref_as_the_api_describes_it(kg, run_cli, name):
    from graph.learn.entities import describe, resolve

    details = describe(kg, resolve(kg, name))
    assert details.xrefs, f"{name} should have cross-references"
    code, out, _ = run_cli("show", name)
    assert code == 0
    for xref in details.xrefs:
        assert re.fullmatch(r"(HP|OMIM|ORPHA):\d+", xref.short_id)
        assert f"{xref.kind}: {xref.short_id}  {xref.url}" in out.splitlines()
        assert xref.url.startswith("https://")


def test_query_tables_show_xrefs_as_curies(run_cli):
    code, out, _ = run_cli("query", "SELECT ?id WHERE { cm:DiGeorgeSyndrome skos:exactMatch|"
                                    "skos:closeMatch ?id } ORDER BY ?id")
    assert code == 0 and sorted(out.splitlines()[2:4]) == ["OMIM:188400", "ORPHA:567"]


# -- the CLI offers every format ----------------------------------------------------------------

@pytest.mark.parametrize("query, fmt", [
    ("SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }", "xml"),
    ("ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }", "xml"),
    ("CONSTRUCT WHERE { cm:Hypocalcemia cm:treatedBy ?t }", "xml"),
    ("CONSTRUCT WHERE { cm:Hypocalcemia cm:treatedBy ?t }", "trig"),
    ("DESCRIBE cm:Hypocalcemia", "nquads"),
])
def test_cli_query_formats(kg, run_cli, query, fmt):
    from graph.query import run_query

    code, out, err = run_cli("query", query, "--format", fmt)
    assert code == 0, err
    assert out.rstrip("\n") == serialize(run_query(kg, query), fmt).rstrip("\n")


def test_cli_export_nquads_keeps_every_named_graph(kg, run_cli):
    import pyoxigraph as ox

    code, out, err = run_cli("export", "--format", "nquads")
    assert code == 0, err
    quads = list(ox.parse(out.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    named = {str(g) for *_t, g in kg.quads() if g is not None}
    assert {q.graph_name.value for q in quads if q.graph_name != ox.DefaultGraph()} == named
    assert len(quads) == sum(1 for _ in kg.quads())


def test_cli_export_refuses_quads_for_a_view(run_cli):
    code, _, err = run_cli("export", "--format", "nquads", "--focus", "hypocalcemia")
    assert code == 2 and "has no named graphs" in err
