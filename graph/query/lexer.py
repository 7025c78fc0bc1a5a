"""SPARQL tokens: enough to guard a query and to explain its errors, in linear time.

This is not a parser (Oxigraph judges the syntax, :mod:`graph.store.engine`); it splits a query into
the tokens of the SPARQL grammar's lexical rules — strings, IRIs, variables, prefixed names,
numbers, words and punctuation, with comments and whitespace dropped — so that the guard can tell a
``SERVICE`` keyword from the word "SERVICE" inside a string, a comment, an IRI, a prefixed name or a
language tag, and so that error messages can name the token at a position. One compiled regular
expression, one pass: the cost is linear in the query's length whatever the input.

Examples
--------
>>> [(t.kind, t.text) for t in tokens('SELECT ?s { ?s rdfs:label "SERVICE"@en }')]  # doctest: +NORMALIZE_WHITESPACE
[('word', 'SELECT'), ('var', '?s'), ('punct', '{'), ('var', '?s'), ('pname', 'rdfs:label'),
 ('string', '"SERVICE"'), ('lang', '@en'), ('punct', '}')]
>>> unescape(r"\\u0053ERVICE")
'SERVICE'
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Token", "tokens", "line_col", "offset_of", "unescape", "TERM_KINDS"]


class Token(NamedTuple):
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
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^@?$])
  | (?P<bad>.)
""", re.X | re.S)

#: Token kinds that are RDF terms or variables (what a triple pattern is made of).
TERM_KINDS = frozenset({"string", "iri", "var", "pname", "number"})

_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def tokens(text: str) -> list[Token]:
    """The query's tokens, comments and whitespace left out."""
    return [Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN_RE.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def unescape(text: str) -> str:
    """Expand SPARQL 1.1 codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) everywhere in the text.

    SPARQL 1.1 processes them before parsing, anywhere in a query; Oxigraph (like SPARQL 1.2)
    only inside strings and IRIs. The guard reads both ways, so neither reading can smuggle a
    keyword past it. An escape of an impossible code point is left as it is.
    """
    def expand(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()
    return _ESCAPE_RE.sub(expand, text) if "\\" in text else text


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    start = 0
    for _ in range(line - 1):
        nxt = text.find("\n", start)
        if nxt < 0:
            return len(text)
        start = nxt + 1
    return min(len(text), start + max(0, column - 1))
