"""The question builder: turn a question template and picked entities into SPARQL a student can read.

Each :class:`Template` is a question in plain English with blanks ("What can cause X?"); filling the
blanks with entities gives a :class:`BuiltQuestion`: the English question, the SPARQL that answers
it, and the query cut into clauses, each with what it means in plain words, so a student can learn
SPARQL by reading a query beside the question it answers. Every template has a twin named query in
``graph/query/queries/`` with the same name and the same parameters, so ``causemap query --named NAME
--param x=…`` gives the same answer (a test keeps the twins in step).

Values never reach the query as pasted user text. A picked entity enters the generated SPARQL as a
``VALUES`` row, because a student must be able to read, edit and re-run the query without hidden
bindings; that is safe because the term is written from an IRI the graph already holds (checked to
be a curated entity) and only after checking that it is a well-formed IRI, as a CURIE such as
``cm:Hypocalcemia`` where one exists, else as ``<iri>``. Free text is never accepted. The named
twins take their parameters as bindings (:func:`graph.query.named.run_named`).

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> q = build(kg, "causes-of", {"effect": "hypoparathyroidism"})
>>> q.english
'What can cause hypoparathyroidism?'
>>> print(q.clauses[2].text)
  VALUES ?effect { cm:Hypoparathyroidism }
>>> q.command
'causemap query --named causes-of --param effect=cm:Hypoparathyroidism'
"""

from __future__ import annotations

import re
from typing import Mapping

from rdflib import URIRef

from graph.learn.entities import resolve
from graph.errors import EntityNotFound, NamedQueryError
from graph.namespace import curie
from graph.store import Store

__all__ = ["Slot", "Clause", "Template", "BuiltQuestion", "TEMPLATES", "get_template", "build",
           "sparql_term", "values_clause", "inline_values"]

# An IRI that may stand between < and > in SPARQL (the IRIREF production, minus escapes).
_IRIREF_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")


from graph.query.templates import (TEMPLATES, BuiltQuestion, Clause, Slot, Template,  # noqa: F401
                                   _fill)


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


def get_template(name: str) -> Template:
    """The template called ``name``.

    Raises
    ------
    NamedQueryError
        No template has that name.

    Examples
    --------
    >>> get_template("shared-mechanism").pattern()
    'Which conditions share a mechanism with X?'
    >>> get_template("what-causes")
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: no question template 'what-causes'; there are: causes-of, shared-mechanism, treats-mechanism-behind, how-connected, symptoms-of-condition, conditions-through-mechanism
    """
    for template in TEMPLATES:
        if template.name == name:
            return template
    raise NamedQueryError(f"no question template {name!r}; there are: "
                          + ", ".join(t.name for t in TEMPLATES))


def build(kg: Store, name: str | Template,
          entities: Mapping[str, URIRef | str] | None = None) -> BuiltQuestion:
    """Fill a template's blanks with entities: the English question, its SPARQL and its clauses.

    Parameters
    ----------
    kg : Store
        The graph the entities must belong to (it also gives their labels).
    name : str or Template
        The template, or its name (see :data:`TEMPLATES`).
    entities : dict of str to URIRef or str, optional
        One entity per slot: an IRI, or text :func:`graph.learn.entities.resolve` understands (a
        label, synonym or CURIE). Missing slots take the slot's default.

    Returns
    -------
    BuiltQuestion

    Raises
    ------
    NamedQueryError
        Unknown template or slot name.
    EntityNotFound
        An entity is not a curated entity of ``kg``, or text matches none.

    Examples
    --------
    >>> from graph.store import load
    >>> q = build(load(), "how-connected", {"first": "als", "second": "cm:TouretteSyndrome"})
    >>> q.english
    'How are amyotrophic lateral sclerosis and Tourette syndrome connected?'
    >>> print(q.clauses[2].text)
      VALUES (?first ?second) { (cm:AmyotrophicLateralSclerosis cm:TouretteSyndrome) }
    >>> q.clauses[2].meaning
    '?first stands for amyotrophic lateral sclerosis and ?second for Tourette syndrome, the entities you picked.'
    >>> build(load(), "causes-of", {"cause": "ptosis"})
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: causes-of has no blank 'cause'; its blanks: effect
    """
    template = name if isinstance(name, Template) else get_template(name)
    given = dict(entities or {})
    names = [slot.name for slot in template.slots]
    for key in given:
        if key not in names:
            raise NamedQueryError(f"{template.name} has no blank {key!r}; its blanks: "
                                  + ", ".join(names))
    picked: dict[str, URIRef] = {}
    for slot in template.slots:
        value = given.get(slot.name)
        if value is None:
            iri = slot.default
        elif isinstance(value, URIRef):
            iri = value
        else:
            iri = resolve(kg, str(value))
        if kg.class_of(iri) is None:
            # Only IRIs the graph holds as entities may be written into the query text.
            raise EntityNotFound(f"{curie(str(iri))} is not an entity in this graph")
        picked[slot.name] = iri
    terms = {k: sparql_term(v) for k, v in picked.items()}
    labels = {k: kg.label(v) for k, v in picked.items()}
    clauses = tuple(Clause(_fill(text, terms), _fill(meaning, labels))
                    for text, meaning in template.clauses)
    params = {k: (curie(str(v)) if curie(str(v)) != str(v) else f"<{v}>")
              for k, v in picked.items()}
    return BuiltQuestion(template, picked, template.english(labels), clauses, params)
