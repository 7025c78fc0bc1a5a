"""SPARQL text from terms: an IRI as a term, a ``VALUES`` clause, entities written into a query.

Values never reach a query as pasted user text. A picked entity enters generated SPARQL as a
``VALUES`` row (so a student can read, edit and re-run the query without hidden bindings) only
after checking that it is a well-formed IRI, written as a CURIE such as ``cm:Hypocalcemia`` where
one exists, else as ``<iri>``; callers check that it is an entity of the graph. The question
builder (:mod:`graph.learn.questions`) and the SPARQL page's examples use these.

Examples
--------
>>> print(inline_values("SELECT ?x WHERE { ?x cm:actsThrough ?m }",
...                     {"m": "https://w3id.org/causemap/Hypocalcemia"}))
SELECT ?x WHERE {
  VALUES ?m { cm:Hypocalcemia }
  ?x cm:actsThrough ?m }
"""
from __future__ import annotations

import re
from typing import Mapping

from rdflib import URIRef

from graph.namespace import curie

__all__ = ["sparql_term", "values_clause", "inline_values"]

# An IRI that may stand between < and > in SPARQL (the IRIREF production, minus escapes).
_IRIREF_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")


def sparql_term(iri: URIRef | str) -> str:
    """Write an IRI as a SPARQL term: a CURIE of the project prefixes, else ``<iri>``.

    Raises
    ------
    ValueError
        When the IRI has characters that cannot stand in a SPARQL IRI (spaces, ``<``, ``>``,
        quotes, braces …): such a string would change the query around it.

    Examples
    --------
    >>> sparql_term(URIRef("https://w3id.org/causemap/Hypocalcemia"))
    'cm:Hypocalcemia'
    >>> sparql_term("https://example.org/a#b")
    '<https://example.org/a#b>'
    >>> sparql_term("https://example.org/a> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    ValueError: not an IRI that can be written in SPARQL: 'https://example.org/a> } ; DROP ALL #'
    """
    text = str(iri)
    if not _IRIREF_RE.fullmatch(text):
        raise ValueError(f"not an IRI that can be written in SPARQL: {text!r}")
    short = curie(text)
    return short if short != text else f"<{text}>"


def values_clause(terms: Mapping[str, URIRef | str]) -> str:
    """A ``VALUES`` clause that fixes each variable to one IRI (see :func:`sparql_term`).

    >>> values_clause({"effect": URIRef("https://w3id.org/causemap/Ptosis")})
    'VALUES ?effect { cm:Ptosis }'
    >>> values_clause({"a": "https://w3id.org/causemap/A", "b": "https://example.org/b"})
    'VALUES (?a ?b) { (cm:A <https://example.org/b>) }'
    """
    names = [str(k).lstrip("?$") for k in terms]
    if not names or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in names):
        raise ValueError(f"VALUES needs variable names, not {names!r}")
    written = [sparql_term(v) for v in terms.values()]
    if len(names) == 1:
        return f"VALUES ?{names[0]} {{ {written[0]} }}"
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(written)}) }}"


# What the scanner in _where_brace skips: comments, strings and IRIs, so that a brace or the word
# WHERE inside them is never taken for the query's own.
_SKIP_RE = re.compile(r"""\#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>""")
_WORD_OR_BRACE_RE = re.compile(r"\bWHERE\b|\{", re.I)


def _where_brace(text: str) -> int | None:
    """Offset just after the brace that opens the query's WHERE group, or None."""
    masked = _SKIP_RE.sub(lambda m: " " * len(m.group()), text)
    first_brace = None
    construct = re.search(r"\bCONSTRUCT\b", masked, re.I) is not None
    for m in _WORD_OR_BRACE_RE.finditer(masked):
        if m.group() == "{":
            if first_brace is None:
                first_brace = m.end()
            continue
        brace = masked.find("{", m.end())
        if brace >= 0 and not masked[m.end():brace].strip():
            return brace + 1
    # WHERE is optional before the group, except after a CONSTRUCT template.
    return None if construct else first_brace


def inline_values(text: str, terms: Mapping[str, URIRef | str]) -> str:
    r"""Fix query variables to IRIs by writing a ``VALUES`` line at the top of the WHERE group.

    This turns a parameterised query (whose variables a caller would bind) into one a student can
    read and re-run on its own. For the top-level group, it gives the same answers as binding
    the variables; ``tests/test_builder.py`` checks that on every template.

    Raises
    ------
    ValueError
        No WHERE group was found, or an IRI cannot be written in SPARQL.

    Examples
    --------
    >>> print(inline_values("# a { comment }\nSELECT ?x WHERE {\n  ?x a ?t .\n}",
    ...                     {"t": "https://w3id.org/causemap/Condition"}))
    # a { comment }
    SELECT ?x WHERE {
      VALUES ?t { cm:Condition }
      ?x a ?t .
    }
    >>> inline_values("SELECT ?x WHERE { ?x a ?t }", {})
    'SELECT ?x WHERE { ?x a ?t }'
    """
    if not terms:
        return text
    at = _where_brace(text)
    if at is None:
        raise ValueError("the query has no WHERE group to put the values in")
    line_start = text.rfind("\n", 0, at) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group() + "  "
    rest = text[at:]
    if rest.startswith("\n"):
        return f"{text[:at]}\n{indent}{values_clause(terms)}{rest}"
    return f"{text[:at]}\n{indent}{values_clause(terms)}\n{indent}{rest.lstrip(' ')}"
