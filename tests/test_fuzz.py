"""Property-based tests (Hypothesis) of what takes input from users: the guard, the loaders, the
query runner and its hints, the command line, and the parsers of URL parameters.

The property is the same everywhere: no input gives a traceback (anything but a
:class:`~graph.errors.CausemapError` escaping), an exit code other than 0, 1 or 2, a run past its
limit, or an outbound connection. Connections are watched by an audit hook installed before the
store under test (and its worker processes) exists: every ``socket.connect`` of this process or its
workers is written to a file, which must stay empty. Each test is bounded (``max_examples`` and a
deadline) so the whole file adds well under a minute to the suite.

URL parameters: :func:`app.explore_view.view_from_params` (the Explore page's view), the entity
resolver every ``?entity=`` goes through (:func:`graph.learn.entities.resolve`), a named query's
parameters (:meth:`graph.query.named.Param.to_term`) and the SPARQL page's shared-link reader
(:func:`app.query_session.term_from_link`, the ``bind.NAME=`` values) are pure and fuzzed here.
``app.ui``'s ``int_from_param`` / entity readers read ``st.query_params`` inside page code, so
they are not pure functions and are not fuzzed here.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from graph.errors import CausemapError, DataLoadError, QueryRejected
from graph.query import check_query, run_query
from graph.query.guard import screen
from graph.store.files import FORMATS, check_rdf_xml, parse_failure

NET_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / f"causemap-fuzz-net-{os.getpid()}.log"


_WATCHING = [False]  # on while this module's tests run (the hook stays for the whole session)


def _watch_connections(event: str, args) -> None:
    if event == "socket.connect" and _WATCHING[0]:
        sock, address = args
        if getattr(sock, "family", None) != socket.AF_UNIX:
            fd = os.open(NET_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.write(fd, f"{os.getpid()} {address!r}\n".encode())
            os.close(fd)


sys.addaudithook(_watch_connections)  # audit hooks cannot be removed: it only ever writes a log

FAST = settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_kg(no_connections):
    """A store made while the hook watches, so its workers watch their connections too."""
    from graph.store.oxigraph_store import OxigraphStore
    kg = OxigraphStore.from_files()
    yield kg
    kg.close()


@pytest.fixture(scope="module", autouse=True)
def no_connections():
    NET_LOG.unlink(missing_ok=True)
    _WATCHING[0] = True
    yield
    _WATCHING[0] = False
    log = NET_LOG.read_text() if NET_LOG.exists() else ""
    NET_LOG.unlink(missing_ok=True)
    assert log == "", f"outbound connections during fuzzing:\n{log}"


# -- the guard ------------------------------------------------------------------------------------

SPARQL_BITS = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", ".", ";", ",",
    "?s", "?p", "?o", "$x", "*", "<http://example.org/a>", "cm:Hypocalcemia", "rdfs:label", "a",
    '"text"', "'x'", '"""long"""', "@en", "^^xsd:integer", "42", "1.5e3", "#comment\n", "\n",
    "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "AS", "VALUES", "UNDEF", "GROUP BY",
    "ORDER BY", "LIMIT", "OFFSET", "PREFIX", "BASE", "SERVICE", "FROM", "NAMED", "INSERT",
    "DELETE", "LOAD", "\\u0053ERVICE", "\\U00000046ROM", "CONCAT(", "REGEX(", "COUNT(", "|", "/",
    "^", "+", "?", "!", "&&", "||", "=", "<", ">", "\\", '"', "'", "<", "DATA"])
QUERY_TEXT = st.one_of(st.text(max_size=400),
                       st.lists(SPARQL_BITS, max_size=60).map(" ".join))


@FAST
@given(QUERY_TEXT)
def test_the_guard_only_raises_its_own_errors(text):
    started = time.perf_counter()
    try:
        screened = screen(text)
    except CausemapError:
        return
    finally:
        assert time.perf_counter() - started < 0.5
    assert screened.text == text and screened.kind in (None, "SELECT", "ASK", "CONSTRUCT",
                                                       "DESCRIBE")


def _spelled(word: str, data) -> str:
    """``word`` in random case, some letters as SPARQL \\u or \\U escapes."""
    out = []
    for ch in word:
        ch = ch.lower() if data.draw(st.booleans()) else ch
        how = data.draw(st.sampled_from(["plain", "plain", "u", "U"]))
        out.append(ch if how == "plain" else f"\\u{ord(ch):04X}" if how == "u"
                   else f"\\U{ord(ch):08X}")
    return "".join(out)


@FAST
@given(st.data(), st.sampled_from(["SERVICE", "FROM", "INSERT", "LOAD", "DELETE", "CLEAR"]),
       st.sampled_from([" ", "\n", "\t", " #x\n ", "\r\n"]))
def test_a_forbidden_word_is_refused_however_spelt(data, word, gap):
    spelt = _spelled(word, data)
    text = data.draw(st.sampled_from([
        f"SELECT * WHERE {{{gap}{spelt}{gap}<http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT *{gap}{spelt}{gap}<file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
        f"PREFIX x: <urn:x>{gap}{spelt}{gap}DATA {{ x:a x:b x:c }}",
        f"ASK {{ ?s ?p ?o{gap}}}{gap}{spelt}"]))
    with pytest.raises(QueryRejected):
        screen(text)


# -- the runner, its worker and its hints ---------------------------------------------------------

@SLOW
@given(QUERY_TEXT)
def test_any_query_text_gives_an_answer_or_one_line_error(fuzz_kg, text):
    started = time.monotonic()
    try:
        result = run_query(fuzz_kg, text, timeout=2, max_rows=50)
        assert result.kind in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    except CausemapError as exc:
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
    assert time.monotonic() - started < 5  # the 2 s limit, the hints and the worker's start


@settings(max_examples=60, deadline=None)
@given(QUERY_TEXT)
def test_checking_a_query_only_raises_its_own_errors(text):
    started = time.monotonic()
    try:
        check_query(text, timeout=2)
    except CausemapError as exc:
        assert "\n" not in str(exc)
    assert time.monotonic() - started < 5


# -- the command line ----------------------------------------------------------------------------

@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(st.one_of(
    st.sampled_from(["query", "--timeout", "inf", "nan", "1e308", "-1", "0.5", "--limit", "0",
                     "--format", "csv", "xml", "--named", "--param", "x=y", "--data",
                     "/dev/zero", "/nonexistent.ttl", "--store", "rdflib:", "sparql:ftp://x",
                     "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "SERVICE", "search",
                     "show", "path", "stats", "-o", "/", "--file", "/etc"]),
    st.text(max_size=30)), max_size=6))
def test_the_command_line_exits_0_1_or_2(run_cli, args):
    assume(not {"app", "serve", "load", "import-hpo"} & set(args))  # servers and writers
    code, out, err = run_cli(*args)
    assert code in (0, 1, 2, None), (args, code, err)
    assert "Traceback" not in err and "internal error" not in err, (args, err)


# -- the loaders -----------------------------------------------------------------------------------

SAMPLES = {
    ".ttl": b'@prefix ex: <http://example.org/> .\nex:a ex:p "x"@en ; ex:q ex:b , [ ex:r 1 ] .\n',
    ".nt": b'<http://example.org/a> <http://example.org/p> "x" .\n',
    ".nq": b'<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n',
    ".trig": b'@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p "x" . }\n',
    ".rdf": b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:ex="http://example.org/"><rdf:Description rdf:about="&ex;a">'
            b'<ex:p>x</ex:p></rdf:Description></rdf:RDF>\n',
    ".jsonld": b'{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:p": "x"}',
}


@st.composite
def mutated(draw):
    """A sample document of one format, damaged by a few random edits (or random bytes)."""
    suffix = draw(st.sampled_from(sorted(SAMPLES)))
    if draw(st.integers(0, 4)) == 0:
        return suffix, draw(st.binary(max_size=300))
    doc = bytearray(SAMPLES[suffix])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(doc)))
        edit = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from([
            b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"&x;", b"<!DOCTYPE r [", b"]>",
            b'"@context": "file:///dev/zero",', b"{", b"}", b"[", b"\x00", b"\xff\xfe",
            b'"@id": "', b"@prefix", b"<", b">", b"\n"])))
        if edit == "delete":
            del doc[at:at + len(piece)]
        elif edit == "insert":
            doc[at:at] = piece
        else:
            doc[at:at + len(piece)] = piece
    return suffix, bytes(doc)


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_a_damaged_file_loads_or_is_refused_in_one_line(tmp_path_factory, backend, case):
    from graph.store.oxigraph_store import OxigraphStore
    from graph.store.rdflib_store import RdflibStore

    suffix, content = case
    path = tmp_path_factory.mktemp("fuzz") / f"doc{suffix}"
    path.write_bytes(content)
    started = time.monotonic()
    try:
        kg = (OxigraphStore if backend == "oxigraph" else RdflibStore).from_files([path])
        kg.close()
    except DataLoadError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message
    assert time.monotonic() - started < 20


@FAST
@given(st.binary(max_size=2000))
def test_the_rdf_xml_check_only_refuses_with_data_load_errors(content):
    import io
    try:
        check_rdf_xml(Path("doc.rdf"), io.BytesIO(b"<!DOCTYPE " + content))
    except DataLoadError as exc:
        assert str(exc).startswith("doc.rdf: ")


@FAST
@given(st.sampled_from(sorted(FORMATS)), st.text(min_size=1, max_size=200),
       st.sampled_from(["Parser error at line 3 between columns 1 and 9: ", "", "error: ",
                        "Unexpected text event: ", "The prefix x: has not been declared: "]))
def test_a_parse_error_message_never_quotes_the_parser(name, quoted, lead):
    secret = f"SECRET{abs(hash(quoted))}"
    message = str(parse_failure(Path("f"), FORMATS[name], SyntaxError(lead + quoted + secret)))
    assert secret not in message and message.startswith("f: not valid ")


# -- URL parameters ---------------------------------------------------------------------------

PARAM_TEXT = st.one_of(st.text(max_size=60), st.sampled_from([
    "cm:Hypocalcemia", "low calcium", "<https://w3id.org/causemap/Thymus>", "![i](http://x/y)",
    "<script>alert(1)</script>", "1", "-5", "99999999999999999999", "nan", "inf", "Condition",
    "Condition,Symptom", ",,,", "whole", "HP:0002901", "%00", "\x00", "cm:", "http://x"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["focus", "radius", "cap", "expand", "entity", "view",
                                        "classes", "relations", "other"]), PARAM_TEXT,
                       max_size=6))
def test_the_explore_view_reads_any_url(kg, params):
    from app.explore_view import View, view_from_params, view_params

    classes = {"Condition": "https://w3id.org/causemap/Condition",
               "Symptom": "https://w3id.org/causemap/Symptom"}
    view, problems = view_from_params(kg, params, classes, {})
    assert isinstance(view, View) and all(isinstance(p, str) for p in problems)
    assert 1 <= view.radius <= 3 and 20 <= view.cap <= 1000
    again, _ = view_from_params(kg, view_params(view), classes, {})  # its own link reads too
    assert again.focus == view.focus


@settings(max_examples=50, deadline=None)
@given(PARAM_TEXT)
def test_resolving_any_text_finds_one_entity_or_says_why(kg, text):
    from rdflib import URIRef

    from graph.learn.entities import resolve
    try:
        assert isinstance(resolve(kg, text), URIRef)
    except CausemapError:
        pass  # its message quotes the text as given (a newline included): the app escapes it


@settings(max_examples=100, deadline=1000)
@given(st.sampled_from(["entity", "text", "integer"]), PARAM_TEXT)
def test_a_named_query_parameter_takes_any_text(kind, value):
    from graph.query.named import Param
    try:
        Param("x", kind, None, "a value").to_term(value, lambda t: (_ for _ in ()).throw(
            DataLoadError(f"no entity {t[:20]}")))
    except CausemapError:
        pass


N3_TEXT = st.one_of(st.text(max_size=120), st.from_regex(
    r'\A(<[^>]{0,40}>|"[^"]{0,20}"(@[a-z]{1,8}|\^\^<[^>]{0,30}>)?|_:\w{0,5}|\?\w{0,5}|\{.{0,20}\})\Z'))


@settings(max_examples=300, deadline=1000)
@given(N3_TEXT)
def test_the_shared_link_reader_takes_any_text(text):
    # A shared link's ``bind.NAME=`` value: an IRI or a literal, or one clear ValueError — never
    # another exception, a blank node, a variable or a formula.
    from rdflib import Literal, URIRef

    from app.query_session import term_from_link
    try:
        term = term_from_link(text)
    except ValueError as exc:
        assert "is not an IRI in <…> or a quoted literal" in str(exc)
        return
    assert type(term) in (URIRef, Literal)
