"""The guard: what a query may ask for, decided from its tokens before anything runs.

Causemap only reads the loaded graph. Updates (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` …),
``SERVICE`` (Oxigraph and the Oxigraph server would call the endpoint), ``FROM`` and ``FROM NAMED``
(rdflib would fetch them, ``file:`` URLs included) are refused here, in the calling process, in
linear time, whatever the spelling: a bare word of the query is a keyword, a function name, ``a``,
``true`` or ``false`` in the SPARQL grammar, so any bare ``SERVICE``, ``FROM`` or update word is
one, while the same letters in a string, an IRI, a comment, a variable, a prefixed name or a
language tag are not. The query is read twice — with SPARQL 1.1's codepoint escapes expanded and
without — so ``\\u0053ERVICE`` cannot slip through under either reading.

The guard also learns what the error messages and the runner need: the query form, the SELECT
columns in the order written, the variables the query mentions, where its WHERE clause opens (for
bindings), and the selected variables it never uses (a warning).

Examples
--------
>>> s = screen("SELECT ?x ?lable WHERE { ?x rdfs:label ?label }")
>>> s.kind, s.projection, sorted(s.mentioned), s.unused
('SELECT', ('x', 'lable'), ['label', 'lable', 'x'], ('lable',))
>>> screen("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.errors.QueryRejected: SERVICE <http://example.org/sparql> (line 1) is not allowed: Causemap queries the loaded graph only, never a remote endpoint
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import QueryRejected, QuerySyntaxError
from graph.query.cache import ByteBoundedCache
from graph.query.lexer import Token, line_col, tokens, unescape

__all__ = ["Screened", "screen", "QUERY_KINDS", "MAX_QUERY_LENGTH", "MAX_NESTING",
           "UPDATE_WORDS", "SCREENED", "screened_size"]

#: The query forms the guarded entry point runs.
QUERY_KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

#: Longest query text accepted (characters).
MAX_QUERY_LENGTH = 100_000
#: Deepest nesting of brackets accepted: deeper would exhaust the parser's stack.
MAX_NESTING = 256

#: Words that start (or only appear in) SPARQL Update requests.
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                          "ADD", "WITH", "USING"})
_PROLOGUE = frozenset({"PREFIX", "BASE"})


@dataclass(frozen=True)
class Screened:
    """A query the guard let through, and what it learnt about it.

    Attributes
    ----------
    text : str
        The query as the user wrote it.
    kind : str or None
        One of :data:`QUERY_KINDS`; None when no query form was found (the parser will say why).
    tokens : list of Token
        The query's tokens (of the text as written).
    projection : tuple of str or None
        The SELECT columns in order, without ``?``; None for ``SELECT *`` and other forms.
    mentioned : frozenset of str
        Every variable the query uses: the names that bindings may set.
    first_use : dict
        Each variable's first offset in the text (``SELECT *`` columns are ordered by it).
    unused : tuple of str
        Selected variables that appear nowhere else (their column is always empty).
    where : int or None
        Offset just inside the WHERE clause's opening brace: where bindings go.
    """

    text: str
    kind: str | None
    tokens: list[Token]
    projection: tuple[str, ...] | None
    mentioned: frozenset[str]
    first_use: dict
    unused: tuple[str, ...]
    where: int | None


def _term_after(toks: list[Token], i: int) -> str:
    for tok in toks[i + 1:i + 3]:
        if tok.kind in ("iri", "var", "pname"):
            return f" {tok.text}"
        if not (tok.kind == "word" and tok.text.upper() in ("SILENT", "NAMED")):
            break
    return ""


def _update_name(toks: list[Token], i: int) -> str:
    word = toks[i].text.upper()
    nxt = toks[i + 1].text.upper() if i + 1 < len(toks) and toks[i + 1].kind == "word" else ""
    if word in ("INSERT", "DELETE") and nxt in ("DATA", "WHERE"):
        return f"{word} {nxt}"
    if word in ("INSERT", "DELETE", "WITH", "USING"):
        found, depth = [], 0
        for tok in toks[i:]:
            depth += {"{": 1, "}": -1}.get(tok.text, 0)
            upper = tok.text.upper() if tok.kind == "word" else ""
            if depth == 0 and upper in ("DELETE", "INSERT") and upper not in found:
                found.append(upper)
            if depth == 0 and upper == "WHERE":
                break
        return "/".join(found or [word]) + " … WHERE"
    return word


def _check_nesting(text: str, toks: list[Token]) -> None:
    depth = 0
    for tok in toks:
        if tok.kind == "punct" and tok.text in "{([":
            depth += 1
            if depth > MAX_NESTING:
                line, col = line_col(text, tok.start)
                raise QuerySyntaxError(f"line {line}, column {col}: the query is nested too deeply "
                                       f"to read (more than {MAX_NESTING} levels of brackets)",
                                       line=line, column=col, token=tok.text)
        elif tok.kind == "punct" and tok.text in "})]":
            depth -= 1


def _refuse_unsafe(text: str, toks: list[Token]) -> None:
    """Raise QueryRejected at the first SERVICE, FROM or update word among ``toks``."""
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        line = line_col(text, tok.start)[0]
        if word == "SERVICE":
            raise QueryRejected(
                f"SERVICE{_term_after(toks, i)} (line {line}) is not allowed: Causemap queries "
                "the loaded graph only, never a remote endpoint")
        if word == "FROM":
            named = i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED"
            clause = "FROM NAMED" if named else "FROM"
            raise QueryRejected(
                f"{clause}{_term_after(toks, i)} (line {line}) is not allowed: Causemap queries "
                "the loaded graph only, never a file or a URL; use GRAPH <…> { … } for one named "
                "graph")
        if word in UPDATE_WORDS:
            raise QueryRejected(f"{_update_name(toks, i)} is an update; Causemap only reads the "
                                "graph (SELECT, ASK, CONSTRUCT or DESCRIBE)")


def _projection(toks: list[Token], start: int) -> tuple[tuple[str, ...] | None, list[str], int]:
    """SELECT columns (None for ``*``), the plain ``?x`` ones, and the index after the clause."""
    columns: list[str] = []
    plain: list[str] = []
    depth, i = 0, start + 1
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in ("DISTINCT",
                                                                                  "REDUCED"):
        i += 1
    if i < len(toks) and toks[i].text == "*":
        return None, [], i + 1
    while i < len(toks):
        tok = toks[i]
        if depth == 0 and (tok.text == "{" or (tok.kind == "word" and tok.text.upper() in
                                                ("WHERE", "FROM"))):
            break
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.kind == "var":
            if depth == 0:
                columns.append(tok.text[1:])
                plain.append(tok.text[1:])
            elif i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "AS":
                columns.append(tok.text[1:])
        i += 1
    return tuple(columns), plain, i


def _where_offset(kind: str, toks: list[Token], after: int) -> int | None:
    """Offset just inside the brace that opens the WHERE clause, or None."""
    i = after
    if kind == "CONSTRUCT":
        if i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() == "WHERE":
            return None  # CONSTRUCT WHERE { … }: the pattern is the template, no VALUES allowed
        if i < len(toks) and toks[i].text == "{":  # skip the template
            depth = 0
            while i < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0)
                i += 1
                if depth == 0:
                    break
    depth = 0
    while i < len(toks):
        tok = toks[i]
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "{" and depth == 0:
            return tok.start + 1
        i += 1
    return None


def _cache_budget() -> int:
    from graph.store.limits import setting
    return setting("parse_cache_mb") * 1024 * 1024


#: Queries screened lately (the pages run the same few queries again and again), bounded in
#: bytes by ``CAUSEMAP_PARSE_CACHE_MB``, not in entries: 128 queries of 100,000 characters would
#: otherwise pin about 400 MB of tokens.
SCREENED = ByteBoundedCache(_cache_budget)


def screened_size(screened: Screened) -> int:
    """An estimate of the bytes a :class:`Screened` holds (measured with tracemalloc: about 180
    bytes per token, plus the text and its variables)."""
    return 256 + 2 * len(screened.text) + 200 * len(screened.tokens) + \
        120 * len(screened.first_use)


def screen(text: str) -> Screened:
    """Refuse what Causemap never runs, and learn what the runner and the messages need.

    A query screened lately is answered from :data:`SCREENED`; a refused one is screened again
    each time (refusals are cheap and not worth keeping).

    Raises
    ------
    QueryRejected
        Too long, empty, an update, SERVICE, FROM or FROM NAMED (under either reading of the
        codepoint escapes). Nothing has run.
    TypeError
        ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"query text must be a str, not {type(text).__name__}")
    if type(text) is not str:  # a str subclass may compare equal to another text
        text = str.__str__(text)
    found = SCREENED.get(text)
    if found is None:
        found = _screen(text)
        SCREENED.put(text, found, screened_size(found))
    return found


def _screen(text: str) -> Screened:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRejected(f"the query is {len(text):,} characters long; the limit is "
                            f"{MAX_QUERY_LENGTH:,}")
    toks = tokens(text)
    expanded = unescape(text)
    expanded_toks = toks if expanded == text else tokens(expanded)
    if not toks and not expanded_toks:
        raise QueryRejected("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query "
                            "(an empty request is an update, which Causemap never runs)")
    _refuse_unsafe(text, toks)
    if expanded_toks is not toks:
        _refuse_unsafe(expanded, expanded_toks)
    _check_nesting(text, toks)

    words = [(i, t) for i, t in enumerate(toks) if t.kind == "word"]
    form = next(((i, t.text.upper()) for i, t in words if t.text.upper() in QUERY_KINDS), None)
    if form is None and all(t.text.upper() in _PROLOGUE for _, t in words):
        raise QueryRejected("there is no query here, only PREFIX or BASE lines: write a SELECT, "
                            "ASK, CONSTRUCT or DESCRIBE query (a prologue alone is an empty "
                            "update, which Causemap never runs)")
    first_use: dict[str, int] = {}
    counts: dict[str, int] = {}
    for tok in toks:
        if tok.kind == "var":
            name = tok.text[1:]
            first_use.setdefault(name, tok.start)
            counts[name] = counts.get(name, 0) + 1
    projection, where, unused = None, None, ()
    kind = form[1] if form else None
    if form is not None:
        after = form[0] + 1
        if kind == "SELECT":
            projection, plain, after = _projection(toks, form[0])
            unused = tuple(dict.fromkeys(v for v in plain if counts.get(v, 0) == 1))
        elif kind == "DESCRIBE":
            while after < len(toks) and (toks[after].kind in ("var", "iri", "pname")
                                         or toks[after].text == "*"):
                after += 1
        where = _where_offset(kind, toks, after)
    return Screened(text, kind, toks, projection, frozenset(first_use), first_use, unused, where)
