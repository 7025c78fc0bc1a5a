"""The W3C SPARQL 1.1 syntax test suites through the guard (issue 8, "The guard on every backend").

Every entry of the four syntax manifests vendored under ``tests/data/w3c/sparql11/`` (see
``tests/data/w3c/README.md``) becomes one test, id ``suite/mf:name``. The rules:

- a positive query test is accepted by ``check_query(text, prefixes=False)``, unless it uses FROM
  or SERVICE (all of ``syntax-fed`` does): then it is refused with :class:`QueryRejected`, and the
  message names the clause;
- a negative query test raises :class:`QuerySyntaxError` or :class:`QueryRejected`;
- every update test raises :class:`QueryRejected` or :class:`QuerySyntaxError`; a positive one
  (a valid update) must be :class:`QueryRejected`, refused because it is an update;
- every refusal is one non-empty line without a traceback, and a :class:`QuerySyntaxError` that
  has a ``line`` (and ``column``) points inside the text.

"Uses FROM or SERVICE" is read from the test file's own tokens (after SPARQL's ``\\uXXXX`` codepoint
escapes, outside comments, strings, IRIs, prefixed names and language tags), not from the guard's
own parse. The text is passed as it is, with no base IRI: a guard must cope with relative IRIs
(pyoxigraph refuses them without one, so a pyoxigraph guard resolves them against a fixed base).
Three positive update tests (``syntax-update-38/39/40``) are empty requests, a comment or a
prologue and nothing else: valid updates that do nothing, so they too must be refused as updates.

When this file was written, the same rules with a stand-in guard built on pyoxigraph 0.5.13 (its
parser, a fixed base IRI, SERVICE and FROM refused) passed all 144 entries.

Each call runs in a daemon thread with a deadline, so a parser that hangs fails its test instead
of hanging CI; after one hang the rest fail at once. The whole file takes about a second.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from rdflib import Graph, Namespace, RDF
from rdflib.collection import Collection

from graph.errors import QueryRejected, QuerySyntaxError
from graph.query import check_query

SUITES_DIR = Path(__file__).parent / "data" / "w3c" / "sparql11"
SUITES = ("syntax-query", "syntax-update-1", "syntax-update-2", "syntax-fed")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
_TYPES = {  # mf type -> (positive, update)
    MF.PositiveSyntaxTest11: (True, False),
    MF.NegativeSyntaxTest11: (False, False),
    MF.PositiveUpdateSyntaxTest11: (True, True),
    MF.NegativeUpdateSyntaxTest11: (False, True),
}
QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

#: Seconds one check may take before its test fails (the slowest takes a few milliseconds).
DEADLINE = 5.0


@dataclass(frozen=True)
class Entry:
    suite: str
    name: str
    path: Path
    positive: bool
    update: bool

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"

    @property
    def text(self) -> str:
        # Bytes decoded as they are: no newline translation, so line numbers match the file.
        return self.path.read_bytes().decode("utf-8")


def _action_path(manifest: Path, action) -> Path:
    url = urlparse(str(action))
    assert url.scheme == "file", f"{manifest}: mf:action {action} is not a local file"
    return Path(unquote(url.path))


def load_entries(suite: str) -> list[Entry]:
    """The entries of one manifest, in manifest order (only those listed in ``mf:entries``)."""
    manifest = SUITES_DIR / suite / "manifest.ttl"
    g = Graph()
    g.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    (root,) = g.subjects(RDF.type, MF.Manifest)
    entries = []
    for test in Collection(g, g.value(root, MF.entries)):
        types = [t for t in g.objects(test, RDF.type) if t in _TYPES]
        assert len(types) == 1, f"{suite}: {test} has no single syntax-test type"
        positive, update = _TYPES[types[0]]
        entries.append(Entry(suite, str(g.value(test, MF.name)),
                             _action_path(manifest, g.value(test, MF.action)), positive, update))
    return entries


ENTRIES = [entry for suite in SUITES for entry in load_entries(suite)]


# -- what a test file uses, from its own tokens --------------------------------------------------

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEX = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\r\n]|\\.)*" | '(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.X | re.S)


def keywords(text: str) -> set[str]:
    """The bare words of a SPARQL text, upper-cased: keywords and function names, nothing else."""
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return {m.group().upper() for m in _LEX.finditer(text) if m.lastgroup == "word"}


def uses_remote(entry: Entry) -> list[str]:
    """Which of FROM and SERVICE the entry's text uses (all of syntax-fed is about SERVICE)."""
    used = sorted(keywords(entry.text) & {"FROM", "SERVICE"})
    if entry.suite == "syntax-fed" and "SERVICE" not in used:
        used.append("SERVICE")
    return used


# -- running the guard with a deadline -----------------------------------------------------------

_hung: list[str] = []


def run_check(text: str):
    """``check_query(text, prefixes=False)``: return ``("ok", info)`` or ``("raised", exc)``."""
    if _hung:
        pytest.fail(f"skipped: an earlier check ({_hung[0]}) never returned")
    outcome: list = []

    def target():
        try:
            outcome.append(("ok", check_query(text, prefixes=False)))
        except Exception as exc:  # judged by the caller
            outcome.append(("raised", exc))

    worker = threading.Thread(target=target, daemon=True, name="w3c-check")
    worker.start()
    worker.join(DEADLINE)
    if worker.is_alive():
        _hung.append(text[:60])
        pytest.fail(f"check_query took more than {DEADLINE:g} s")
    return outcome[0]


def assert_one_clear_line(exc: Exception, text: str) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, f"message is not one line: {message!r}"
    assert "Traceback" not in message, f"message carries a traceback: {message!r}"
    if isinstance(exc, QuerySyntaxError) and exc.line is not None:
        lines = text.split("\n")
        assert 1 <= exc.line <= len(lines), (
            f"line {exc.line} is outside the text's {len(lines)} lines: {message!r}")
        if exc.column is not None:
            width = len(lines[exc.line - 1].rstrip("\r"))
            assert 1 <= exc.column <= width + 1, (
                f"column {exc.column} is outside line {exc.line} ({width} characters): "
                f"{message!r}")


def _describe(outcome) -> str:
    status, value = outcome
    if status == "ok":
        return f"accepted as {value.kind}"
    return f"{type(value).__name__}: {value}"


def judge(entry: Entry) -> None:
    """Apply the rules to one entry; raise AssertionError (or pytest's failure) when one breaks."""
    text = entry.text
    outcome = run_check(text)
    status, value = outcome
    if status == "raised" and not isinstance(value, (QueryRejected, QuerySyntaxError)):
        pytest.fail(f"raised {type(value).__name__} (neither QuerySyntaxError nor "
                    f"QueryRejected): {value}")
    if status == "raised":
        assert_one_clear_line(value, text)

    if entry.update:
        if entry.positive:
            assert status == "raised" and isinstance(value, QueryRejected), (
                f"a valid update must be refused with QueryRejected; got {_describe(outcome)}")
            assert "update" in str(value).lower(), (
                f"a valid update must be refused as an update: {value}")
        else:
            assert status == "raised", f"an invalid update was {_describe(outcome)}"
        return

    if not entry.positive:
        assert status == "raised", f"an invalid query was {_describe(outcome)}"
        return

    remote = uses_remote(entry)
    if remote:
        assert status == "raised" and isinstance(value, QueryRejected), (
            f"a valid query using {' and '.join(remote)} must be refused with QueryRejected; "
            f"got {_describe(outcome)}")
        assert any(word in str(value).upper() for word in remote), (
            f"the refusal should name {' or '.join(remote)}: {value}")
    else:
        assert status == "ok", f"a valid query must be accepted; got {_describe(outcome)}"
        assert value.kind in QUERY_KINDS, f"accepted as {value.kind!r}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_w3c_syntax(entry):
    judge(entry)


# -- the harness itself ---------------------------------------------------------------------------

def test_every_suite_is_read_in_full():
    counts = {}
    for e in ENTRIES:
        key = (e.suite, "update" if e.update else "query", "positive" if e.positive else "negative")
        counts[key] = counts.get(key, 0) + 1
    assert counts == {
        ("syntax-query", "query", "positive"): 60,
        ("syntax-query", "query", "negative"): 26,
        ("syntax-update-1", "update", "positive"): 41,
        ("syntax-update-1", "update", "negative"): 13,
        ("syntax-update-2", "update", "positive"): 1,
        ("syntax-fed", "query", "positive"): 3,
    }
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)
    assert all(e.path.is_file() for e in ENTRIES)


def test_the_harness_finds_from_and_service_only_where_they_are_keywords():
    found = {e.id for e in ENTRIES if not e.update and keywords(e.text) & {"FROM", "SERVICE"}}
    assert found == {
        "syntax-query/syntax-construct-where-02.rq",
        "syntax-fed/syntax-service-01.rq",
        "syntax-fed/syntax-service-02.rq",
        "syntax-fed/syntax-service-03.rq",
    }  # not syn-bad-02.rq, whose "from" is in a comment
    assert keywords("SELECT ?from { ?s ex:service :from . ?s <http://x/SERVICE> 'FROM' } "
                    "# SERVICE <x>\n") == {"SELECT"}
    assert keywords('ASK { ?s ?p "x"@from }') == {"ASK"}
    assert keywords(r"SELECT * { \u0053ERVICE <x> {} }") == {"SELECT", "SERVICE"}
