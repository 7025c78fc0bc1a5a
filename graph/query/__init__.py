"""Run SPARQL against the knowledge graph: the one guarded, bounded, parameterised entry point.

Every query a user or a page runs goes through :func:`run_query`. It reads only: SELECT, ASK,
CONSTRUCT and DESCRIBE are run, while updates, ``SERVICE`` and ``FROM``/``FROM NAMED`` (which make
rdflib fetch URLs, ``file:`` ones included) are rejected from the parse tree before anything runs.
The work itself happens in a forked child process that is killed at the time limit, because rdflib
cannot be interrupted in-process; the child caps rows and triples before it ships them back, so a
huge result is never copied whole. Values from users or from the data (search text, clicked IRIs)
are passed as bindings and never pasted into query text. Errors are one line, point at the line
and column of the user's own text (not at the project prefixes declared for them), and carry a
hint for the common mistakes.

Examples
--------
>>> from rdflib import Dataset
>>> from graph.store import KnowledgeGraph
>>> ds = Dataset(default_union=True)
>>> _ = ds.parse(format="trig", data='''
...     @prefix cm: <https://w3id.org/causemap/> .
...     cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia .''')
>>> text = "SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }"
>>> result = run_query(KnowledgeGraph(ds), text)
>>> result.kind, result.variables, result.rows
('SELECT', ['m'], [(rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia'),)])
"""

from __future__ import annotations

import difflib
import functools
import multiprocessing
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Mapping, NamedTuple

from pyparsing import ParseBaseException, ParseResults
from rdflib import Graph, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier

from graph.errors import QueryError, QueryRejected, QuerySyntaxError, QueryTimeout
from graph.namespace import PREFIXES, sparql_prefixes
from graph.store.offline import NetworkForbidden, forbid_network

__all__ = ["QueryResult", "QueryInfo", "run_query", "check_query", "QUERY_KINDS",
           "MAX_QUERY_LENGTH", "PARSER_LOCK"]

#: The query forms the guarded entry point runs.
QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

#: Longest query text accepted; parsing happens in-process, so pathological input is cut off here.
MAX_QUERY_LENGTH = 100_000

# "fork" lets the child inherit the loaded graph without pickling it. Without fork (Windows), the
# query runs in the calling thread under a trace-function deadline instead (see _run_here).
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else None

#: Held around every rdflib SPARQL parse here. rdflib's pyparsing grammar keeps state while it
#: parses, so two threads parsing at once (Streamlit runs each session in a thread) garble each
#: other's parse; other code that parses SPARQL in this process should hold it too.
PARSER_LOCK = threading.Lock()

# The same escapes rdflib expands before parsing; needed to map error offsets back to the user text.
_ESCAPE_RE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.I)

_UPDATE_OPERATIONS = {
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD",
    "Move": "MOVE", "Copy": "COPY",
}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                 "WITH"}
_KEYWORDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "PREFIX", "BASE", "DISTINCT",
             "REDUCED", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "AS",
             "ORDER", "GROUP", "BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "NOT", "EXISTS",
             "IN", "UNDEF", "SEPARATOR", "TRUE", "FALSE", "A")
# The SPARQL 1.1 built-in functions and aggregates (grammar rules BuiltInCall and Aggregate).
_FUNCTIONS = ("STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND",
              "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "SUBSTR", "STRLEN", "REPLACE", "UCASE",
              "LCASE", "ENCODE_FOR_URI", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE",
              "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ",
              "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256", "SHA384", "SHA512", "COALESCE",
              "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL",
              "ISNUMERIC", "REGEX", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE",
              "GROUP_CONCAT")


@dataclass
class QueryResult:
    """What a query returned, already bounded.

    Attributes
    ----------
    kind : str
        ``'SELECT'``, ``'ASK'``, ``'CONSTRUCT'`` or ``'DESCRIBE'``.
    variables : list of str
        The SELECT columns, in order (for ``SELECT *``: in order of first use in the query).
    rows : list of tuple
        One tuple per solution, one rdflib term or ``None`` (unbound) per variable.
    boolean : bool or None
        The ASK answer.
    graph : rdflib.Graph or None
        The CONSTRUCT or DESCRIBE triples, with the project prefixes bound.
    truncated : bool
        True when rows or triples beyond ``limit`` were dropped.
    limit : int or None
        The cap that applied: ``max_rows`` for SELECT, ``max_triples`` for graph results.
    elapsed : float
        Seconds from the call to the answer (parsing included).
    warnings : list of str
        Things that are legal SPARQL but probably a mistake, such as a selected variable that
        the WHERE clause never mentions (its column is always empty).
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    limit: int | None = None
    elapsed: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class QueryInfo:
    """What :func:`check_query` learnt about a query without running it.

    Attributes
    ----------
    kind : str
        One of :data:`QUERY_KINDS`.
    variables : list of str
        The SELECT columns (empty for other kinds).
    mentioned : list of str
        Every variable the query uses, sorted: the names that bindings may set.
    warnings : list of str
        As in :attr:`QueryResult.warnings`.
    """

    kind: str
    variables: list[str]
    mentioned: list[str]
    warnings: list[str]


# -- tokens: only for locating things in the user's text and for hints ---------------------------

class _Token(NamedTuple):
    kind: str
    text: str
    start: int


_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\r\n]|\\.)*" | '(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^@?$])
  | (?P<bad>.)
""", re.X | re.S)
_TERMS = {"string", "iri", "var", "pname", "number"}
_OPENERS = {"{": "}", "(": ")", "[": "]"}


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN_RE.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax(text: str, offset: int, problem: str, token: str | None = None,
            hint: str | None = None) -> QuerySyntaxError:
    line, col = _line_col(text, offset)
    message = f"line {line}, column {col}: {problem}" + (f"; {hint}" if hint else "")
    return QuerySyntaxError(message, line=line, column=col, token=token, hint=hint)


def _user_offset(full: str, head: str, expanded_loc: int) -> int:
    """Map an offset in rdflib's escape-expanded text back to the user's own text."""
    shift = 0
    for m in _ESCAPE_RE.finditer(full):
        if m.start() - shift >= expanded_loc:
            break
        shift += len(m.group()) - 1
    return max(0, expanded_loc + shift - len(head))


def _diagnose(text: str, tokens: list[_Token], offset: int) -> QuerySyntaxError:
    """Turn a parser failure at ``offset`` (in ``text``) into a specific message and hint."""
    # Lexical and bracket problems are certain; pyparsing often reports them far too early.
    for tok in tokens:
        if tok.kind == "bad" and tok.text in "\"'":
            return _syntax(text, tok.start, "this string is never closed", tok.text,
                           f"end it with {tok.text} on the same line")
    stack: list[_Token] = []
    for tok in tokens:
        if tok.kind == "punct" and tok.text in _OPENERS:
            stack.append(tok)
        elif tok.kind == "punct" and tok.text in _OPENERS.values():
            if not stack or _OPENERS[stack[-1].text] != tok.text:
                opened = f" (the open one is '{stack[-1].text}')" if stack else ""
                return _syntax(text, tok.start, f"unexpected '{tok.text}'{opened}", tok.text,
                               "brackets must be closed in the order they were opened")
            stack.pop()
    if stack:
        line, col = _line_col(text, stack[-1].start)
        return _syntax(text, len(text.rstrip()), "the query ends too early", None,
                       f"'{stack[-1].text}' opened at line {line}, column {col} is never closed")

    at = next((i for i, t in enumerate(tokens) if t.start + len(t.text) > offset), None)
    if at is None:
        if not any(t.kind == "word" and t.text.upper() in QUERY_KINDS for t in tokens):
            return _syntax(text, len(text.rstrip()), "there is no query here", None,
                           "write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        return _syntax(text, len(text.rstrip()), "the query ends too early")
    tok, prev = tokens[at], tokens[at - 1] if at else None
    depth = sum(1 if t.text == "{" else -1 for t in tokens[:at] if t.kind == "punct"
                and t.text in "{}")
    prev_is_term = prev is not None and (
        prev.kind in _TERMS or prev.text == "]"
        or (prev.kind == "word" and at >= 2 and tokens[at - 2].text == "@"))
    if depth > 0 and tok.kind in _TERMS and prev_is_term:
        return _syntax(text, tok.start, f"unexpected {tok.text}", tok.text,
                       "is a '.' missing between two triple patterns before it?")
    # A misspelt function makes the parser give up at the start of its FILTER or BIND.
    for i in range(at, len(tokens) - 1):
        name = tokens[i].text.upper()
        if (tokens[i].kind == "word" and tokens[i + 1].text == "("
                and name not in _FUNCTIONS and name not in _KEYWORDS):
            close = difflib.get_close_matches(name, _FUNCTIONS, n=1, cutoff=0.75)
            return _syntax(text, tokens[i].start, f"unknown function {tokens[i].text}",
                           tokens[i].text, f"did you mean {close[0]}?" if close else None)
    if tok.kind == "word":
        close = difflib.get_close_matches(tok.text.upper(), _KEYWORDS + _FUNCTIONS, n=1,
                                          cutoff=0.75)
        if close and close[0] != tok.text.upper():
            return _syntax(text, tok.start, f"unexpected {tok.text}", tok.text,
                           f"did you mean {close[0]}?")
    if tok.text.upper() == "PREFIX" or (prev is not None and prev.text.upper() == "PREFIX"):
        return _syntax(text, tok.start, f"unexpected {tok.text}", tok.text,
                       "a PREFIX line reads PREFIX name: <https://…>")
    return _syntax(text, tok.start, f"unexpected {tok.text}", tok.text)


# -- parse-tree inspection -----------------------------------------------------------------------

def _nodes(tree: Any):
    """Yield every CompValue and every term in an rdflib parse tree, depth first, in order."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, Identifier):
            yield node
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(reversed(list(node)))
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))


def _get(node: CompValue, key: str) -> Any:
    # CompValue.get returns the key itself when it is missing; read the raw dict instead.
    return dict.get(node, key)


def _term_text(node: Any) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Variable):
        return f"?{node}"
    if isinstance(node, CompValue) and node.name == "pname":
        return f"{_get(node, 'prefix') or ''}:{_get(node, 'localname') or ''}"
    return str(node)


def _located(text: str, tokens: list[_Token], word: str) -> str:
    tok = next((t for t in tokens if t.kind == "word" and t.text.upper() == word), None)
    return f" (line {_line_col(text, tok.start)[0]})" if tok else ""


def _reject_unsafe(tree: ParseResults, text: str, tokens: list[_Token]) -> None:
    for node in _nodes(tree):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRejected(
                f"SERVICE {_term_text(_get(node, 'term'))}{_located(text, tokens, 'SERVICE')} is "
                "not allowed: Causemap queries the loaded graph only, never a remote endpoint")
        if isinstance(node, CompValue) and node.name == "DatasetClause":
            named = _get(node, "named")
            clause = f"FROM NAMED {_term_text(named)}" if named is not None else \
                f"FROM {_term_text(_get(node, 'default'))}"
            raise QueryRejected(
                f"{clause}{_located(text, tokens, 'FROM')} is not allowed: rdflib would fetch "
                "it from the web or from a file; query the loaded graph, and use "
                "GRAPH <…> { … } for one named graph")


def _reject_update(full: str) -> None:
    try:
        with PARSER_LOCK:
            request = parseUpdate(full).request
    except Exception:  # not an update either: the caller reports the query syntax error
        return
    for op in request or ():
        name = _UPDATE_OPERATIONS.get(op.name)
        if name is None:  # Modify: DELETE { } INSERT { } WHERE { }
            name = "/".join(w for w in ("DELETE", "INSERT") if _get(op, w.lower()) is not None)
            name += " … WHERE"
        raise QueryRejected(f"{name} is an update; Causemap only reads the graph "
                            "(SELECT, ASK, CONSTRUCT or DESCRIBE)")


class _Prepared(NamedTuple):
    query: Any  # rdflib.plugins.sparql.sparql.Query
    kind: str
    variables: list[str]
    mentioned: frozenset[str]
    unused: tuple[str, ...]  # selected variables the rest of the query never mentions
    grouped: bool  # has a top-level GROUP BY


def _prepare(text: str, prefixes: bool) -> _Prepared:
    if not isinstance(text, str):
        raise TypeError(f"query text must be a str, not {type(text).__name__}")
    return _prepare_text(text, bool(prefixes))


# Parsing costs more than running most queries here; rdflib means prepared queries for reuse.
@functools.lru_cache(maxsize=128)
def _prepare_text(text: str, prefixes: bool) -> _Prepared:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRejected(f"the query is {len(text):,} characters long; the limit is "
                            f"{MAX_QUERY_LENGTH:,}")
    tokens = _tokens(text)
    if not tokens:
        raise QuerySyntaxError("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE "
                               "query", line=1, column=1)
    head = sparql_prefixes() if prefixes else ""
    full = head + text
    failed_at = None
    try:
        with PARSER_LOCK:
            tree = parseQuery(full)
    except ParseBaseException as exc:
        failed_at = _user_offset(full, head, exc.loc)
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply to read") from None
    except ValueError as exc:  # rdflib's own unicode-escape check
        raise QuerySyntaxError(f"the query is not valid SPARQL: {exc}") from None
    if failed_at is not None:
        at = next((t for t in tokens if t.start + len(t.text) > failed_at), None)
        # The query parser stops where a query form should start; an update starts there.
        if at is not None and at.kind == "word" and at.text.upper() in _UPDATE_WORDS:
            _reject_update(full)
            raise QueryRejected(f"{at.text.upper()} starts an update; Causemap only reads the "
                                "graph (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        raise _diagnose(text, tokens, failed_at)

    _reject_unsafe(tree, text, tokens)
    top = tree[1]
    mentioned = frozenset(str(n) for n in _nodes(tree) if isinstance(n, Variable))
    # Which variables the query uses besides listing them after SELECT.
    projection = _get(top, "projection") or ()
    plain = [str(_get(p, "var")) for p in projection if _get(p, "var") is not None]
    elsewhere = {str(n) for n in _nodes([v for k, v in top.items() if k != "projection"])
                 if isinstance(n, Variable)}
    elsewhere |= {str(n) for p in projection if _get(p, "var") is None
                  for n in _nodes(p) if isinstance(n, Variable)}
    unused = tuple(dict.fromkeys(v for v in plain if v not in elsewhere))

    try:
        with PARSER_LOCK:
            query = translateQuery(tree)
    except Exception as exc:  # rdflib raises bare Exceptions from the algebra translation
        raise _translation_error(text, tokens, str(exc), prefixes) from None
    kind = query.algebra.name.removesuffix("Query").upper()
    variables: list[str] = []
    if kind == "SELECT":
        variables = [str(v) for v in query.algebra.PV]
        if len(set(variables)) < len(variables):
            twice = next(v for v in variables if variables.count(v) > 1)
            raise QuerySyntaxError(f"?{twice} is selected twice; give the expression its own name",
                                   token=f"?{twice}")
        if _get(top, "projection") is None:  # SELECT *: the order the user wrote them in
            first = {}
            for t in tokens:
                if t.kind == "var":
                    first.setdefault(t.text[1:], t.start)
            variables.sort(key=lambda v: (first.get(v, len(text)), v))
    return _Prepared(query, kind, variables, mentioned, unused,
                     _get(top, "groupby") is not None)


def _translation_error(text: str, tokens: list[_Token], reason: str,
                       prefixes: bool) -> QuerySyntaxError:
    m = re.match(r"Unknown namespace prefix : (.*)", reason)
    if not m:
        return QuerySyntaxError(f"the query is not valid SPARQL: {' '.join(reason.split())[:200]}")
    prefix = m.group(1) if m.group(1) != "None" else ""
    tok = next((t for t in tokens if t.kind == "pname" and t.text.split(":")[0] == prefix), None)
    # Prefixes are short, so only a near miss with the same first letter counts as a typo.
    close = [p for p in difflib.get_close_matches(prefix, list(PREFIXES), n=3, cutoff=0.5)
             if p[:1] == prefix[:1]]
    if prefix in PREFIXES and not prefixes:
        hint = f"declare it with PREFIX {prefix}: <{PREFIXES[prefix]}>"
    elif close:
        hint = f"did you mean {close[0]}:? Otherwise declare it with PREFIX {prefix}: <…>"
    else:
        hint = (f"declare it with PREFIX {prefix}: <…>; declared for you: "
                + ", ".join(PREFIXES))
    problem = f"unknown prefix {prefix}:"
    if tok is None:
        return QuerySyntaxError(f"{problem}; {hint}", token=f"{prefix}:", hint=hint)
    return _syntax(text, tok.start, problem, tok.text, hint)


# -- running -------------------------------------------------------------------------------------

def _evaluate(dataset: Any, prepared: _Prepared, bindings: Mapping[str, Identifier],
              max_rows: int, max_triples: int) -> tuple:
    """Run the query and return a picklable, already capped payload."""
    res = evalQuery(dataset, prepared.query, dict(bindings))
    if prepared.kind == "SELECT":
        order = [Variable(v) for v in prepared.variables]
        rows, truncated = [], False
        # The solutions are a generator: stopping at the cap stops the work too (unless sorted).
        for solution in res["bindings"]:
            row = tuple(solution.get(v) for v in order)
            # rdflib answers GROUP BY over no solutions with one empty group instead of none.
            if prepared.grouped and not any(t is not None for t in row):
                continue
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append(row)
        return ("rows", rows, truncated)
    if prepared.kind == "ASK":
        return ("boolean", bool(res["askAnswer"]))
    triples = list(islice(iter(res["graph"]), max_triples + 1))
    return ("triples", triples[:max_triples], len(triples) > max_triples)


def _evaluate_safely(*args) -> tuple:
    try:
        return _evaluate(*args)
    except NetworkForbidden as exc:
        return ("error", str(exc))
    except RecursionError:
        return ("error", "the query is nested too deeply to run")
    except MemoryError:
        return ("error", "the query ran out of memory; narrow it down")
    except Exception as exc:  # rdflib's evaluation raises many unrelated types
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return ("error", f"the query failed while running: {reason}")


def _child(conn, *args) -> None:
    forbid_network()
    payload = _evaluate_safely(*args)
    try:
        conn.send(payload)
    except Exception as exc:  # an unpicklable term should not leave the parent waiting
        conn.send(("error", f"the result could not be sent back: {type(exc).__name__}"))
    conn.close()
    # Leave at once: multiprocessing's normal exit flushes the stdout buffer inherited from the
    # parent (printing its pending output twice) and could wait on a lock another parent
    # thread held at the fork.
    os._exit(0)


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query was stopped after {timeout:g} s, its time limit; make the "
                        "patterns more specific or add a LIMIT")


def _run_forked(timeout: float, *args) -> tuple:
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, *args), daemon=True,
                       name="causemap-query")
    try:
        proc.start()
    except OSError:  # no memory or process slots left to fork: still answer, in-process
        receiver.close()
        sender.close()
        return _run_here(timeout, *args)
    sender.close()
    answered = False
    try:
        if not receiver.poll(timeout):
            raise _timeout_error(timeout)
        try:
            payload = receiver.recv()
        except EOFError:
            proc.join(1)
            code = proc.exitcode if proc.exitcode is not None else "unknown"
            raise QueryError(f"the query process ended without an answer (exit code {code}); "
                             "it may have run out of memory") from None
        answered = True
        return payload
    finally:
        # Reap the child on every path (answer, timeout, error, KeyboardInterrupt): no zombies.
        if answered:
            proc.join(1)
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()


class _Deadline(BaseException):
    """Raised by the trace function; BaseException so rdflib's ``except Exception`` won't eat it."""


def _run_here(timeout: float, *args) -> tuple:
    """The fallback without fork: run in this thread and stop at the deadline via a trace hook.

    The hook checks the clock at every Python function call; that slows the query down but,
    unlike a watchdog thread, really stops it.
    """
    deadline = time.monotonic() + timeout

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise _Deadline
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return _evaluate_safely(*args)
    except _Deadline:
        raise _timeout_error(timeout) from None
    finally:
        sys.settrace(previous)


def check_query(text: str, *, prefixes: bool = True) -> QueryInfo:
    """Parse and vet a query without running it; raise what :func:`run_query` would raise.

    Parameters
    ----------
    text : str
        The SPARQL query.
    prefixes : bool, default True
        Declare the project prefixes (:data:`graph.namespace.PREFIXES`) for the query.

    Returns
    -------
    QueryInfo

    Raises
    ------
    QuerySyntaxError
        The query does not parse; ``line`` and ``column`` point into ``text``.
    QueryRejected
        The query is an update, or uses SERVICE, FROM or FROM NAMED.

    Examples
    --------
    >>> info = check_query("SELECT ?x ?lable WHERE { ?x rdfs:label ?label }")
    >>> info.kind, info.variables, info.mentioned
    ('SELECT', ['x', 'lable'], ['label', 'lable', 'x'])
    >>> print(*info.warnings)
    ?lable is selected but never used in the query, so its column stays empty (did you mean ?label?)
    >>> try:
    ...     check_query("SELECT * WHERE { ?s ?p ?o ?x ?y ?z }")
    ... except QuerySyntaxError as err:
    ...     print(err.line, err.column, err.token, "|", err.hint)
    1 27 ?x | is a '.' missing between two triple patterns before it?
    """
    prepared = _prepare(text, prefixes)
    return QueryInfo(prepared.kind, prepared.variables, sorted(prepared.mentioned),
                     _warnings(prepared, {}))


def _warnings(prepared: _Prepared, bindings: Mapping[str, Identifier]) -> list[str]:
    out = []
    for name in prepared.unused:
        if name in bindings:
            continue
        close = difflib.get_close_matches(name, sorted(prepared.mentioned - {name}), n=1)
        out.append(f"?{name} is selected but never used in the query, so its column stays empty"
                   + (f" (did you mean ?{close[0]}?)" if close else ""))
    return out


def _check_bindings(prepared: _Prepared, bindings: Mapping[str, Identifier] | None
                    ) -> dict[str, Identifier]:
    checked: dict[str, Identifier] = {}
    for key, value in (bindings or {}).items():
        name = str(key).lstrip("?$")
        if not isinstance(value, Identifier) or isinstance(value, Variable):
            raise TypeError(f"binding ?{name} must be an rdflib URIRef, Literal or BNode, "
                            f"not {type(value).__name__}")
        if name not in prepared.mentioned:
            known = ", ".join(f"?{v}" for v in sorted(prepared.mentioned)) or "none"
            raise QueryError(f"?{name} is not a variable of this query, so it cannot be bound "
                             f"(its variables: {known})")
        checked[name] = value
    return checked


def run_query(kg: Any, text: str, *, bindings: Mapping[str, Identifier] | None = None,
              timeout: float = 10.0, max_rows: int = 5000, max_triples: int = 20000,
              prefixes: bool = True) -> QueryResult:
    """Run one read-only SPARQL query under a time limit and result caps.

    Parameters
    ----------
    kg : KnowledgeGraph
        The graph to query (an rdflib Dataset or Graph is accepted too).
    text : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings : dict of str to rdflib term, optional
        Initial values of query variables (names with or without ``?``). Every name must be a
        variable the query uses. This is how user input and clicked IRIs reach a query.
    timeout : float, default 10
        Seconds the evaluation may take before it is stopped (parsing is not counted).
    max_rows : int, default 5000
        SELECT rows kept; more set ``truncated``.
    max_triples : int, default 20000
        CONSTRUCT/DESCRIBE triples kept; more set ``truncated``.
    prefixes : bool, default True
        Declare the project prefixes for the query; its own PREFIX lines may redeclare them.

    Returns
    -------
    QueryResult

    Raises
    ------
    QuerySyntaxError
        The query does not parse; ``line``/``column`` point into ``text``, ``hint`` helps.
    QueryRejected
        An update, SERVICE, FROM or FROM NAMED; nothing was run.
    QueryTimeout
        The evaluation ran past ``timeout`` and was stopped.
    QueryError
        A binding names no variable of the query, or the evaluation failed.

    Notes
    -----
    The evaluation runs in a child forked from the calling thread (Streamlit runs scripts in
    threads; forking from one is fine on Linux because the child only evaluates and exits, but
    Python 3.12+ warns about fork in threaded processes). The child is killed at the deadline and
    always reaped. Where fork does not exist, the query runs in the calling thread and a trace
    hook stops it at the deadline, at some cost in speed. Each call pays for one fork (a few ms).

    Examples
    --------
    >>> from rdflib import Dataset, Literal
    >>> from graph.store import KnowledgeGraph
    >>> ds = Dataset(default_union=True)
    >>> _ = ds.parse(format="trig", data='''
    ...     @prefix cm: <https://w3id.org/causemap/> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     cm:Hypocalcemia rdfs:label "Hypocalcemia"@en .
    ...     cm:Ptosis rdfs:label "Ptosis"@en .''')
    >>> kg = KnowledgeGraph(ds)
    >>> q = "SELECT ?x WHERE { ?x rdfs:label ?l FILTER(CONTAINS(LCASE(?l), ?text)) }"
    >>> run_query(kg, q, bindings={"text": Literal("calc")}).rows
    [(rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia'),)]
    >>> run_query(kg, "ASK { cm:Ptosis rdfs:label ?l }").boolean
    True
    >>> result = run_query(kg, "SELECT * WHERE { ?s ?p ?o }", max_rows=1)
    >>> len(result.rows), result.truncated, result.limit
    (1, True, 1)
    >>> run_query(kg, "INSERT DATA { cm:a cm:b cm:c }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: INSERT DATA is an update; Causemap only reads the graph ...
    """
    started = time.perf_counter()
    forbid_network()
    for name, value in (("timeout", timeout), ("max_rows", max_rows),
                        ("max_triples", max_triples)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise QueryError(f"{name} must be a positive number, not {value!r}")
    prepared = _prepare(text, prefixes)
    checked = _check_bindings(prepared, bindings)
    dataset = getattr(kg, "dataset", kg)
    run = _run_forked if _START_METHOD == "fork" else _run_here
    payload = run(timeout, dataset, prepared, checked, int(max_rows), int(max_triples))

    result = QueryResult(prepared.kind, warnings=_warnings(prepared, checked))
    if payload[0] == "error":
        raise QueryError(payload[1])
    if payload[0] == "rows":
        result.variables, result.rows, result.truncated = prepared.variables, payload[1], payload[2]
        result.limit = int(max_rows)
    elif payload[0] == "boolean":
        result.boolean = payload[1]
    else:
        graph = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for triple in payload[1]:
            graph.add(triple)
        result.graph, result.truncated, result.limit = graph, payload[2], int(max_triples)
    result.elapsed = time.perf_counter() - started
    return result
