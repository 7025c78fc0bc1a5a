"""The store layer: one read-only interface to a Causemap dataset, whatever holds it.

:class:`Store` is the interface (:mod:`graph.store.base`); :func:`open_store` picks a backend by a
descriptor (:mod:`graph.store.descriptor`): Oxigraph in memory (the default) or on disk, rdflib,
or a SPARQL 1.1 server. :func:`load` is the short way to the default store. Files are read by
:mod:`graph.store.files`; queries from users run in :mod:`graph.store.workers`.

Examples
--------
>>> kg = load()
>>> len(kg) > 500
True
>>> kg.label(entity("Hypocalcemia"))
'hypocalcemia'
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from graph.namespace import entity  # noqa: F401  (doctest)
from graph.store.base import DEFAULT_LIMITS, Limits, Payload, QueryRequest, Source, Store
from graph.store.descriptor import DEFAULT_STORE, STORE_ENV, open_store, parse_descriptor
from graph.store.files import (CHECKS_DIR, DATA_DIR, ONTOLOGY, ONTOLOGY_GRAPH, ROOT, SHAPES,
                               bundled_files)

__all__ = ["Store", "Source", "Limits", "DEFAULT_LIMITS", "QueryRequest", "Payload", "open_store",
           "parse_descriptor", "load", "DEFAULT_STORE", "STORE_ENV", "ROOT", "ONTOLOGY", "SHAPES",
           "CHECKS_DIR", "DATA_DIR", "ONTOLOGY_GRAPH", "bundled_files"]


def load(paths: Iterable[str | Path] | None = None, *, store: str = DEFAULT_STORE) -> Store:
    """Load RDF files, or the bundled dataset when ``paths`` is ``None``, beside the ontology.

    Parameters
    ----------
    paths : iterable of str or Path, optional
        RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, N3 or JSON-LD, chosen by extension).
        Triple formats go to the default graph; TriG and N-Quads keep their named graphs.
    store : str
        An in-memory descriptor: ``oxigraph:`` (default) or ``rdflib:``.

    Raises
    ------
    DataLoadError
        When a file is missing, of an unknown format, or does not parse; the message names the file.

    Examples
    --------
    >>> load(["/no/such/file.ttl"])
    Traceback (most recent call last):
    ...
    graph.errors.DataLoadError: /no/such/file.ttl: no such file
    """
    return open_store(store, None if paths is None else list(paths))
