"""Pick a backend by a descriptor string, the way oaklib's ``get_adapter("sqlite:…")`` does.

=====================  ==============================================================
descriptor             store
=====================  ==============================================================
``oxigraph:``          Oxigraph in memory, loading the bundled data or the ``--data`` files
                       (the default)
``oxigraph:PATH``      an on-disk Oxigraph store made by ``causemap load`` or
                       ``causemap import-hpo``, opened read-only
``rdflib:``            rdflib in memory (pure Python; for comparison)
``sparql:URL``         any SPARQL 1.1 Protocol server (Oxigraph server, Virtuoso, QLever,
                       GraphDB, Fuseki …); see :mod:`graph.store.sparql_store`
=====================  ==============================================================

The CLI takes it as ``--store DESCRIPTOR``, the app and the CLI read ``CAUSEMAP_STORE`` when no
option is given. Query workers per store come from ``CAUSEMAP_QUERY_WORKERS`` (default 3) and the
memory cap per query from ``CAUSEMAP_QUERY_MEMORY_MB`` (default 512).

Examples
--------
>>> parse_descriptor("oxigraph:")
('oxigraph', '')
>>> parse_descriptor("sparql:http://127.0.0.1:7878/query")
('sparql', 'http://127.0.0.1:7878/query')
>>> parse_descriptor("neo4j:bolt://x")
Traceback (most recent call last):
...
graph.errors.DataLoadError: unknown store 'neo4j:bolt://x'; use oxigraph:, oxigraph:PATH, rdflib: or sparql:URL
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from graph.errors import DataLoadError

__all__ = ["DEFAULT_STORE", "STORE_ENV", "parse_descriptor", "open_store", "store_options"]

DEFAULT_STORE = "oxigraph:"
STORE_ENV = "CAUSEMAP_STORE"
_SCHEMES = ("oxigraph", "rdflib", "sparql")


def parse_descriptor(descriptor: str) -> tuple[str, str]:
    """Split ``scheme:rest``; raise a one-line :class:`DataLoadError` for anything else."""
    scheme, sep, rest = descriptor.strip().partition(":")
    if not sep or scheme not in _SCHEMES or (scheme == "rdflib" and rest):
        raise DataLoadError(f"unknown store '{descriptor}'; use oxigraph:, oxigraph:PATH, rdflib: "
                            "or sparql:URL")
    if scheme == "sparql" and not rest.startswith(("http://", "https://")):
        raise DataLoadError(f"store '{descriptor}': sparql: takes an http:// or https:// endpoint "
                            "URL")
    return scheme, rest


def store_options() -> dict:
    """Worker count and memory cap from the environment (validated, see
    :mod:`graph.store.limits`)."""
    from graph.store.limits import setting
    return {"workers": setting("query_workers"), "memory_mb": setting("query_memory_mb")}


def open_store(descriptor: str | None = None, data: Iterable[str | Path] | None = None):
    """Open the store a descriptor names (``CAUSEMAP_STORE``, else :data:`DEFAULT_STORE`).

    Parameters
    ----------
    descriptor : str, optional
        See the module docstring.
    data : iterable of paths, optional
        RDF files to load instead of the bundled data (in-memory stores only).

    Raises
    ------
    DataLoadError
        An unknown descriptor, files given to a store that cannot load them, or a load failure.
    """
    descriptor = descriptor or os.environ.get(STORE_ENV, "").strip() or DEFAULT_STORE
    scheme, rest = parse_descriptor(descriptor)
    options = store_options()
    data = list(data) if data is not None else None
    if data is not None and (scheme == "sparql" or (scheme == "oxigraph" and rest)):
        raise DataLoadError(f"--data loads files into an in-memory store; '{descriptor}' already "
                            "holds its data (use --store oxigraph: or rdflib: with --data)")
    if scheme == "oxigraph":
        from graph.store.oxigraph_store import OxigraphStore
        return OxigraphStore.open(rest, **options) if rest else \
            OxigraphStore.from_files(data, **options)
    if scheme == "rdflib":
        from graph.store.rdflib_store import RdflibStore
        return RdflibStore.from_files(data, **options)
    from graph.store.sparql_store import SparqlStore
    return SparqlStore(rest, **options)
