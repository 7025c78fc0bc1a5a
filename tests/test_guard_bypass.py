r"""Attempts to sneak SERVICE, FROM, LOAD and updates past the guard; look-alikes it must let by.

Issue 8, "The guard on every backend": SERVICE, FROM, FROM NAMED, LOAD and updates are refused
before anything runs, whatever the spelling, escapes or nesting. Every text in ``REFUSED`` is a
valid SPARQL 1.1 query or update (checked against pyoxigraph's parser when this file was written),
so the only right answer is :class:`QueryRejected` naming what was refused, never a syntax error:
a guard that calls ``sErViCe`` a typo has refused it by luck, not because it saw the SERVICE.
Every text in ``ACCEPTED`` is a valid query in which the word is not a keyword (a string, a
comment, a variable, a prefixed name, an IRI, a language tag …): refusing it is a false alarm.
``INVALID`` texts are neither a query nor an update by the grammar (a query and an update cannot
share one request; FROM cannot appear in a subquery): any refusal will do, acceptance will not.

SPARQL 1.1 replaces ``\uXXXX`` and ``\UXXXXXXXX`` escapes before it parses, everywhere in the text
(SPARQL 1.1 Query, section 19.2; rdflib does), so an escaped ``S`` spells SERVICE, an escaped
newline ends a comment and an escaped quote ends a string. pyoxigraph reads escapes only inside
IRIs and strings (oxigraph PR #574; SPARQL 1.2 is moving that way), so to it the first kind are
syntax errors and the others harmless. A guard must refuse what *any* of these readings would run,
because a text may reach a backend that reads it the other way: the cases whose ids say "escaped"
must still be refused as what the SPARQL 1.1 reading makes them.
The texts are raw strings: each ``\u`` below reaches the guard as a backslash and a ``u``.

Each case runs with and without the project prefixes declared (``prefixes=True`` is what users get).
"""

from __future__ import annotations

import pytest

from graph.errors import QueryRejected
from graph.query import check_query

E = "<http://example.org/sparql>"  # a remote endpoint
T = "<http://example.org/s> <http://example.org/p> <http://example.org/o>"  # one ground triple

# (id, text, a word the refusal must name). The word is matched case-sensitively, except "update".
REFUSED = [
    # -- SERVICE -------------------------------------------------------------------------------
    ("service", f"SELECT * WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-mixed-case", f"SELECT * WHERE {{ sErViCe {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-lower-case", f"select * where {{ service {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-escaped-S", rf"SELECT * WHERE {{ \u0053ERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-escaped-lower-hex", rf"SELECT * WHERE {{ \u0073ervice {E} {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-escaped-I", rf"SELECT * WHERE {{ SERV\u0049CE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-escaped-long-form", rf"SELECT * WHERE {{ \U00000053ERVICE {E} {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-every-letter-escaped",
     rf"SELECT * WHERE {{ \u0053\u0045\u0052\u0056\u0049\u0043\u0045 {E} {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-escaped-endpoint",
     r"SELECT * WHERE { SERVICE <http\u003A//example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("service-comments-between-tokens",
     f"SELECT * WHERE {{#one\nSERVICE#two\n{E}#three\n{{ ?s ?p ?o }}#four\n}}", "SERVICE"),
    ("service-newlines-tabs-crlf", f"SELECT * WHERE {{\r\n\tSERVICE\n\n\t{E}\r\n{{ ?s ?p ?o }}\n}}",
     "SERVICE"),
    ("service-no-spaces", f"SELECT*WHERE{{SERVICE{E}{{?s ?p ?o}}}}", "SERVICE"),
    ("service-silent", f"SELECT * WHERE {{ SERVICE SILENT {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-silent-mixed-case", f"SELECT * WHERE {{ Service Silent {E} {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-variable", "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE"),
    ("service-variable-bound-by-values",
     f"SELECT * WHERE {{ VALUES ?e {{ {E} }} SERVICE ?e {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-variable-bound-by-bind",
     f"SELECT * WHERE {{ BIND({E} AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-dollar-variable", "SELECT * WHERE { SERVICE $endpoint { ?s ?p ?o } }", "SERVICE"),
    ("service-prefixed-name",
     "PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }",
     "SERVICE"),
    ("service-empty-prefix",
     "PREFIX : <http://example.org/sparql> SELECT * WHERE { SERVICE : { ?s ?p ?o } }", "SERVICE"),
    ("service-relative-iri-with-base",
     "BASE <http://example.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "SERVICE"),
    ("service-prefix-named-service",
     "PREFIX service: <http://example.org/sparql> SELECT * WHERE { SERVICE service: { ?s ?p ?o } }",
     "SERVICE"),
    ("service-prefix-named-SERVICE",
     "PREFIX SERVICE: <http://example.org/> SELECT * WHERE { SERVICE SERVICE:sparql { ?s ?p ?o } }",
     "SERVICE"),
    ("service-prefix-redeclared",
     "PREFIX ex: <http://safe.example/> PREFIX ex: <http://example.org/> "
     "SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }", "SERVICE"),
    ("service-prefix-colon-escaped",
     r"PREFIX ex\u003A <http://example.org/> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }",
     "SERVICE"),
    ("service-after-ordinary-patterns",
     f"SELECT * WHERE {{ ?s ?p ?o . ?o ?q ?r . SERVICE {E} {{ ?o ?p ?x }} }}", "SERVICE"),
    ("service-in-optional",
     f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE {E} {{ ?s ?q ?x }} }} }}",
     "SERVICE"),
    ("service-in-union-left",
     f"SELECT * WHERE {{ {{ SERVICE {E} {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-in-union-right",
     f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
     "SERVICE"),
    ("service-in-minus", f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
     "SERVICE"),
    ("service-in-subquery",
     f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }} }} }}", "SERVICE"),
    ("service-in-subquery-in-subquery",
     "SELECT * WHERE { { SELECT * WHERE { "
     f"{{ SELECT ?s WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }} }} }} }} }}",
     "SERVICE"),
    ("service-in-filter-exists",
     f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }} }}", "SERVICE"),
    ("service-in-filter-not-exists",
     f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }} }}",
     "SERVICE"),
    ("service-in-exists-in-expression",
     f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o = 1 || EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }}) }}",
     "SERVICE"),
    ("service-in-bind-exists",
     f"SELECT * WHERE {{ BIND(EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }} AS ?x) }}", "SERVICE"),
    ("service-in-select-expression",
     f"SELECT (EXISTS {{ SERVICE {E} {{ ?s ?p ?o }} }} AS ?x) WHERE {{ }}", "SERVICE"),
    ("service-in-order-by",
     f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ SERVICE {E} {{ }} }})",
     "SERVICE"),
    ("service-in-having",
     f"SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ SERVICE {E} {{ }} }})",
     "SERVICE"),
    ("service-in-graph",
     f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE {E} {{ ?s ?p ?o }} }} }}", "SERVICE"),
    ("service-in-graph-iri",
     f"SELECT * WHERE {{ GRAPH <http://example.org/g> {{ ?s ?p ?o SERVICE {E} {{ ?s ?p ?o }} }} }}",
     "SERVICE"),
    ("service-in-service",
     f"SELECT * WHERE {{ SERVICE {E} {{ SERVICE <http://example.org/other> {{ }} }} }}",
     "SERVICE"),
    ("service-deeply-nested",
     "SELECT * WHERE { OPTIONAL { { ?s ?p ?o } UNION { GRAPH ?g { MINUS { FILTER NOT EXISTS { "
     f"{{ SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT {E} {{ ?s ?p ?o }} }} }} }} "
     "} } } } } }",
     "SERVICE"),
    ("service-in-ask", f"ASK {{ SERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-in-construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}",
     "SERVICE"),
    ("service-in-describe", f"DESCRIBE ?s WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-in-values-query",
     f"SELECT * WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }} VALUES ?s {{ UNDEF }}",
     "SERVICE"),
    # the word hidden from a reader of the raw text, revealed by escapes
    ("service-after-escaped-newline-in-comment",
     rf"SELECT * WHERE {{ ?s ?p ?o # a note\u000A SERVICE {E} {{ ?s ?p ?x }}" "\n}",
     "SERVICE"),
    ("service-after-escaped-quote-ending-a-string",
     rf'SELECT * WHERE {{ ?s ?p "x\u0022 . SERVICE {E} {{ ?s ?p ?o }} }} #" }}', "SERVICE"),
    ("service-after-escaped-apostrophe-ending-a-string",
     rf"SELECT * WHERE {{ ?s ?p 'x\u0027 . SERVICE {E} {{ ?s ?p ?o }} }} #' }}", "SERVICE"),
    # the word hidden from a reader that takes '#' or quotes at face value
    ("service-after-hash-in-string", f'SELECT * WHERE {{ ?s ?p "#" . SERVICE {E} {{ ?s ?p ?o }} }}',
     "SERVICE"),
    ("service-after-hash-in-iri",
     f"SELECT * WHERE {{ ?s ?p <http://example.org/#> . SERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    ("service-after-string-with-backslash-quote",
     f'SELECT * WHERE {{ ?s ?p "say \\"hi" . SERVICE {E} {{ ?s ?p ?o }} }} # "', "SERVICE"),
    ("service-after-long-string-with-quotes",
     f'SELECT * WHERE {{ ?s ?p """a "quoted" line\n# not a comment""" . SERVICE {E} {{ }} }}',
     "SERVICE"),
    ("service-after-apostrophe-in-long-string",
     f"SELECT * WHERE {{ ?s ?p '''it's''' . SERVICE {E} {{ ?s ?p ?o }} }}", "SERVICE"),
    # -- FROM and FROM NAMED -------------------------------------------------------------------
    ("from", "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("from-mixed-case", "SELECT * fRoM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("from-escaped-F", r"SELECT * \u0046ROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
     "FROM"),
    ("from-escaped-lower-hex",
     r"SELECT * \u0066rom <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
     "FROM"),
    ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("from-file-relative-with-base",
     "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
     "FROM"),
    ("from-prefixed-name",
     "PREFIX ex: <http://example.org/> SELECT * FROM ex:data WHERE { ?s ?p ?o }", "FROM"),
    ("from-prefix-named-from",
     "PREFIX from: <http://example.org/> SELECT * FROM from:data WHERE { ?s ?p ?o }", "FROM"),
    ("from-comments-and-newlines",
     "SELECT *\n# a comment\nFROM# another\n<http://example.org/data.ttl>\nWHERE { ?s ?p ?o }",
     "FROM"),
    ("from-second-of-two",
     "SELECT * FROM <http://example.org/a> FROM <http://example.org/b> WHERE { ?s ?p ?o }", "FROM"),
    ("from-named", "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "FROM"),
    ("from-named-mixed-case",
     "SELECT * From Named <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("from-named-escaped", r"SELECT * \u0046ROM \u004EAMED <http://example.org/g> WHERE { }",
     "FROM"),
    ("from-named-split-by-comment",
     "SELECT * FROM#\nNAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("from-named-after-from",
     "SELECT * FROM <http://example.org/a> FROM NAMED <http://example.org/g> WHERE { }", "FROM"),
    ("from-in-ask", "ASK FROM <http://example.org/data.ttl> { ?s ?p ?o }", "FROM"),
    ("from-in-construct",
     "CONSTRUCT { ?s ?p ?o } FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("from-in-construct-where", "CONSTRUCT FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
     "FROM"),
    ("from-in-describe",
     "DESCRIBE ?s FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("from-in-describe-without-where",
     "DESCRIBE <http://example.org/s> FROM <http://example.org/d>",
     "FROM"),
    ("from-after-escaped-newline-in-comment",
     r"SELECT * # note\u000A FROM <http://example.org/data.ttl>" "\nWHERE { ?s ?p ?o }", "FROM"),
    # -- LOAD and the other updates ------------------------------------------------------------
    ("load", "LOAD <http://example.org/data.ttl>", "update"),
    ("load-mixed-case", "lOaD <http://example.org/data.ttl>", "update"),
    ("load-escaped", r"\u004COAD <http://example.org/data.ttl>", "update"),
    ("load-file", "LOAD <file:///etc/passwd>", "update"),
    ("load-silent-into-graph", "LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <http://e/g>",
     "update"),
    ("load-after-prologue",
     "BASE <http://example.org/>\nPREFIX ex: <http://example.org/>\nLOAD <data.ttl>", "update"),
    ("load-after-comment",
     "# only a harmless comment\nLOAD <http://example.org/data.ttl>", "update"),
    ("insert-data", f"INSERT DATA {{ {T} }}", "update"),
    ("insert-data-mixed-case", f"iNsErT dAtA {{ {T} }}", "update"),
    ("insert-data-escaped", rf"\u0049NSERT DATA {{ {T} }}", "update"),
    ("insert-data-comment-between", f"INSERT#\nDATA {{ {T} }}", "update"),
    ("insert-data-into-graph",
     f"INSERT DATA {{ GRAPH <http://example.org/g> {{ {T} }} }}", "update"),
    ("insert-where", "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "update"),
    ("delete-data", f"DELETE DATA {{ {T} }}", "update"),
    ("delete-where", "DELETE WHERE { ?s ?p ?o }", "update"),
    ("delete-where-mixed-case", "DeLeTe\nWhErE { ?s ?p ?o }", "update"),
    ("delete-insert-where", "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "update"),
    ("with-delete-insert",
     "WITH <http://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
     "update"),
    ("delete-using", "DELETE { ?s ?p ?o } USING <http://example.org/d> WHERE { ?s ?p ?o }",
     "update"),
    ("insert-using-named",
     "INSERT { ?s ?p 1 } USING NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "update"),
    ("insert-where-service",
     f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE {E} {{ ?s ?p ?o }} }}", "update|SERVICE"),
    ("clear", "CLEAR ALL", "update"),
    ("clear-silent-graph", "CLEAR SILENT GRAPH <http://example.org/g>", "update"),
    ("drop", "DROP ALL", "update"),
    ("drop-mixed-case", "dRoP dEfAuLt", "update"),
    ("drop-escaped", r"\u0044ROP ALL", "update"),
    ("drop-comment-between", "DROP#\nALL", "update"),
    ("create", "CREATE GRAPH <http://example.org/g>", "update"),
    ("add", "ADD DEFAULT TO <http://example.org/g>", "update"),
    ("move", "MOVE SILENT GRAPH <http://example.org/a> TO DEFAULT", "update"),
    ("copy", "COPY <http://example.org/a> TO <http://example.org/b>", "update"),
    # an update after a ';'
    ("update-then-load", "CLEAR SILENT GRAPH <http://example.org/g> ; LOAD <http://example.org/d>",
     "update"),
    ("insert-then-delete", f"INSERT DATA {{ {T} }} ;\nDELETE WHERE {{ ?s ?p ?o }}", "update"),
    # (pyoxigraph 0.5.13 calls the next one a syntax error, wrongly:
    # Update ::= Prologue (Update1 (';' Update)?)?)
    ("update-then-prologue-then-update",
     f"INSERT DATA {{ {T} }} ; PREFIX ex: <http://example.org/> DROP GRAPH ex:g", "update"),
    ("update-with-trailing-semicolon", f"INSERT DATA {{ {T} }} ;", "update"),
    ("update-then-escaped-update", rf"CLEAR DEFAULT ; \u004COAD <http://example.org/d>", "update"),
]

# (id, text)
ACCEPTED = [
    ("service-in-string", f'SELECT * WHERE {{ ?s ?p "SERVICE {E} {{ ?s ?p ?o }}" }}'),
    ("service-in-single-quoted-string", f"SELECT * WHERE {{ ?s ?p 'SERVICE {E} {{ }}' }}"),
    ("service-in-long-string", f'SELECT * WHERE {{ ?s ?p """\nSERVICE {E} {{ }}\n""" }}'),
    ("service-in-long-string-with-quotes",
     f'SELECT * WHERE {{ ?s ?p """ "" SERVICE {E} {{ }} "" """ }}'),
    ("service-in-string-between-backslash-quotes",
     f'SELECT * WHERE {{ ?s ?p "a \\" SERVICE {E} {{ }} \\" b" }}'),
    ("service-escaped-in-string", rf'SELECT * WHERE {{ ?s ?p "\u0053ERVICE {E} {{ }}" }}'),
    ("from-in-string-in-filter",
     "ASK { ?s ?p ?o FILTER(?o = 'FROM NAMED <file:///etc/passwd>') }"),
    ("updates-in-string", f'SELECT * WHERE {{ ?s ?p "INSERT DATA {{ {T} }} ; LOAD <x:y>" }}'),
    ("service-in-comment", f"# SERVICE {E} {{ ?s ?p ?o }}\nSELECT * WHERE {{ ?s ?p ?o }}"),
    ("from-in-comment-after-select", "SELECT * # FROM <http://example.org/data.ttl>\nWHERE { }"),
    ("updates-in-comment", f"SELECT * WHERE {{ ?s ?p ?o }} # ; INSERT DATA {{ {T} }}"),
    ("service-in-comment-inside-pattern",
     f"SELECT * WHERE {{\n  ?s ?p ?o # SERVICE {E} {{ }}\n}}"),
    ("keywords-as-variables",
     "SELECT ?service ?from ?load ?insert ?delete ?named WHERE { ?service ?from ?load . "
     "?insert ?delete ?named }"),
    ("keywords-as-upper-case-variables",
     "SELECT ?SERVICE $FROM WHERE { ?SERVICE ?p $FROM } ORDER BY ?SERVICE"),
    ("keyword-as-bound-variable", 'SELECT ?service WHERE { BIND("x" AS ?service) }'),
    ("keyword-as-projected-name", "SELECT (STR(?s) AS ?insert) WHERE { ?s ?p ?o }"),
    ("keyword-as-graph-variable", "SELECT * WHERE { GRAPH ?service { ?s ?p ?o } }"),
    ("keywords-as-local-names",
     "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ex:from . "
     "ex:LOAD ex:INSERT ex:SERVICE }"),
    ("keywords-as-empty-prefix-names",
     "PREFIX : <http://example.org/> SELECT * WHERE { :service :from :named }"),
    ("keywords-as-prefix-names",
     "PREFIX service: <http://example.org/service/> PREFIX from: <http://example.org/from/> "
     "SELECT * WHERE { service:a from:b ?o }"),
    ("keywords-as-upper-case-prefix-names",
     "PREFIX SERVICE: <http://example.org/service/> PREFIX FROM: <http://example.org/from/> "
     "SELECT * WHERE { SERVICE:a FROM:b ?o }"),
    ("keywords-as-prefixes-without-local-part",
     "PREFIX service: <http://example.org/service> PREFIX from: <http://example.org/from> "
     "SELECT * WHERE { service: from: ?o }"),
    ("keyword-as-datatype-local-name",
     'PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p "1"^^ex:service }'),
    ("keywords-in-iris",
     "SELECT * WHERE { <http://x/SERVICE> <http://x/FROM> <urn:load:insert> }"),
    ("keyword-in-iri-after-hash", "SELECT * WHERE { ?s ?p <http://x/#SERVICE> }"),
    ("keywords-in-prefix-iri",
     "PREFIX s: <http://example.org/SERVICE/FROM/> SELECT * WHERE { ?s s:p ?o }"),
    ("keyword-in-describe-iri", "DESCRIBE <http://example.org/SERVICE>"),
    ("keyword-in-construct-template",
     "CONSTRUCT { ?s <http://example.org/load> ?o } WHERE { ?s ?p ?o }"),
    ("keyword-as-language-tag", 'SELECT * WHERE { ?s ?p "x"@from }'),
    ("keyword-as-language-tag-service", 'ASK { ?s ?p "x"@service }'),
    ("keyword-as-language-subtag", 'ASK { ?s ?p "x"@en-from }'),
    ("keywords-as-blank-node-labels", "SELECT * WHERE { _:service ?p _:from }"),
    ("keyword-as-base-iri", "BASE <http://example.org/SERVICE/> SELECT * WHERE { <s> ?p ?o }"),
    ("graph-is-not-from", "SELECT * WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } }"),
    ("named-word-alone-as-variable", "SELECT ?named WHERE { ?named ?p ?o }"),
]

# Valid SPARQL 1.1 queries with no SERVICE, FROM or update, but only when codepoint escapes are read
# everywhere (section 19.2). pyoxigraph reads them only inside IRIs and strings (oxigraph PR #574,
# the way SPARQL 1.2 is going), so to it these are syntax errors. Either answer is harmless; calling
# them SERVICE or FROM is not.
ESCAPE_DEPENDENT = [
    ("keyword-local-name-by-escape",
     r"PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:\u0053ERVICE ?o }"),
    ("escape-spelling-a-prefix-colon",
     r"PREFIX ex\u003A <http://example.org/> SELECT * WHERE { ?s ex:p ?o }"),
]

INVALID = [
    # a query and an update cannot share one request
    ("query-then-update", f"SELECT * WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ {T} }}"),
    ("ask-then-drop", "ASK { } ; DROP ALL"),
    ("query-then-escaped-load", r"ASK { } ; \u004COAD <http://example.org/d>"),
    ("query-then-update-without-semicolon", f"SELECT * WHERE {{ }} INSERT DATA {{ {T} }}"),
    # FROM belongs to the outer query only
    ("from-in-subquery",
     "SELECT * WHERE { { SELECT * FROM <http://example.org/d> WHERE { ?s ?p ?o } } }"),
    # SERVICE needs an IRI or a variable
    ("service-with-literal", 'SELECT * WHERE { SERVICE "http://example.org/sparql" { } }'),
    # a prologue cannot be followed by ';'
    ("prologue-then-semicolon", f"PREFIX ex: <http://example.org/> ; INSERT DATA {{ {T} }}"),
]

PREFIXES = [pytest.param(False, id="own-prefixes"), pytest.param(True, id="project-prefixes")]


def _one_line(exc: Exception) -> None:
    message = str(exc)
    assert message.strip() and "\n" not in message and "\r" not in message, repr(message)
    assert "Traceback" not in message, message


@pytest.mark.parametrize("prefixes", PREFIXES)
@pytest.mark.parametrize("text, reason", [pytest.param(t, r, id=i) for i, t, r in REFUSED])
def test_refused_as_what_it_is(text, reason, prefixes):
    try:
        info = check_query(text, prefixes=prefixes)
    except QueryRejected as exc:
        _one_line(exc)
        message = str(exc)
        assert any(word in (message.lower() if word == "update" else message)
                   for word in reason.split("|")), f"the refusal does not name {reason}: {message}"
    except Exception as exc:
        pytest.fail(f"refused for the wrong reason: {type(exc).__name__}: {exc}")
    else:
        pytest.fail(f"accepted as {info.kind}")


@pytest.mark.parametrize("prefixes", PREFIXES)
@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in ACCEPTED])
def test_look_alikes_are_accepted(text, prefixes):
    try:
        check_query(text, prefixes=prefixes)
    except Exception as exc:
        pytest.fail(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("prefixes", PREFIXES)
@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in ESCAPE_DEPENDENT])
def test_escape_dependent_look_alikes_are_not_refused(text, prefixes):
    from graph.errors import QuerySyntaxError

    try:
        check_query(text, prefixes=prefixes)
    except QuerySyntaxError as exc:
        _one_line(exc)
    except Exception as exc:
        pytest.fail(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("prefixes", PREFIXES)
@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in INVALID])
def test_invalid_requests_are_refused(text, prefixes):
    from graph.errors import QuerySyntaxError

    with pytest.raises((QueryRejected, QuerySyntaxError)) as err:
        check_query(text, prefixes=prefixes)
    _one_line(err.value)


def test_case_ids_are_unique():
    for cases in (REFUSED, ACCEPTED, ESCAPE_DEPENDENT, INVALID):
        ids = [case[0] for case in cases]
        assert len(ids) == len(set(ids))
