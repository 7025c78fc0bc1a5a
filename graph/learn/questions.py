"""The question builder: a question template and picked entities become SPARQL a student can read.

Each :class:`Template` is a question in plain English with blanks ("What can cause X?"); filling the
blanks with entities gives a :class:`BuiltQuestion`: the English question, the SPARQL that answers
it, and the query cut into clauses, each with what it means in plain words, so a student can learn
SPARQL by reading a query beside the question it answers. Every template has a twin named query in
``graph/query/queries/`` with the same name and the same parameters, so ``causemap query --named NAME
--param x=…`` gives the same answer (a test keeps the twins in step).

Values never reach the query as pasted user text: a picked entity, checked to be a curated entity
of the graph, is written as a ``VALUES`` row by :func:`graph.query.builder.sparql_term`, and free
text is never accepted. The templates are :mod:`graph.learn.question_templates`'s; the named twins
take their parameters as bindings (:func:`graph.query.named.run_named`).

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

from typing import Mapping

from rdflib import URIRef

from graph.errors import EntityNotFound, NamedQueryError
from graph.learn.entities import resolve
from graph.learn.question_templates import (TEMPLATES, BuiltQuestion, Clause, Slot,  # noqa: F401
                                            Template, _fill)
from graph.namespace import curie
from graph.query.builder import sparql_term
from graph.store import Store

__all__ = ["Slot", "Clause", "Template", "BuiltQuestion", "TEMPLATES", "get_template", "build"]


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
