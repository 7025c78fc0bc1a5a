"""Causemap's pure-Python core: open a store, query it, search, describe, relate, differential.

``import graph`` gives the small API most programs need; every name is a thin re-export of the
module that documents it (numpydoc, with doctests), imported on first use, so that ``import graph``
and ``causemap --help`` stay fast. A walk-through is in ``docs/python-api.md``.

===========================  ==========================================================
name                         what it does
===========================  ==========================================================
:func:`open_store`           a store by descriptor: ``"oxigraph:"`` (default),
                             ``"oxigraph:PATH"``, ``"rdflib:"``, ``"sparql:URL"``
:func:`load`                 the bundled data, or your RDF files, in memory
:func:`run_query`            any read-only SPARQL query, guarded and bounded
:func:`run_named`            a named query (``graph/query/queries/*.rq``) with parameters
:func:`list_named_queries`   the named queries with their titles and parameters
:func:`serialize`            a result as a table, SPARQL JSON/XML/CSV/TSV, Turtle, JSON-LD …
:func:`search`               entities by name or synonym, typos forgiven
:func:`resolve`              one entity from a label, synonym, CURIE or IRI
:func:`describe`             an entity's details: class, synonyms, definition,
                             HPO/OMIM/ORPHA ids with links, relations as sentences
:func:`shortest_paths`       how two entities connect, as sentences with sources
:func:`relate`               paths between two entities and what they share
:func:`differential`         rank what explains a set of findings (a learning exercise)
:func:`resolve_findings`     findings from what a student types
:func:`entity`               the IRI of an entity (``entity("Hypocalcemia")``)
:func:`curie`                an IRI shortened with the project prefixes
:func:`xref_link`            an HPO, OMIM or ORPHA IRI as a CURIE and its public page
:class:`CM`                  the ontology's terms (a closed namespace)
:class:`Store`               the store interface every backend implements
:class:`QueryResult`         what :func:`run_query` returns
:class:`CausemapError`       the base of every error Causemap raises on purpose
===========================  ==========================================================

Never imports streamlit (or pyvis, outside :mod:`graph.view.render`).

Examples
--------
>>> import graph
>>> kg = graph.load()
>>> graph.resolve(kg, "low calcium") == graph.entity("Hypocalcemia")
True
>>> graph.run_query(kg, "ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }").boolean
True
"""

from __future__ import annotations

import importlib

from graph.errors import CausemapError
from graph.namespace import CM, curie, entity, xref_link
from graph.store import Store, load, open_store

__version__ = "0.1.0"

# name → module that defines it; imported on first use (PEP 562).
_LAZY = {
    "run_query": "graph.query",
    "QueryResult": "graph.query",
    "run_named": "graph.query.named",
    "list_named_queries": "graph.query.named",
    "serialize": "graph.query.results",
    "search": "graph.learn.entities",
    "resolve": "graph.learn.entities",
    "describe": "graph.learn.entities",
    "shortest_paths": "graph.learn.paths",
    "relate": "graph.learn.relate",
    "differential": "graph.learn.differential",
    "resolve_findings": "graph.learn.differential",
}

__all__ = ["CausemapError", "CM", "Store", "curie", "entity", "load", "open_store", "xref_link",
           *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
