"""Shared app state: the store, opened once per process and never mutated.

The store is the one ``CAUSEMAP_STORE`` names (``causemap --store … app`` sets it; the default is
Oxigraph in memory), loading the files named in ``CAUSEMAP_DATA`` (``causemap --data … app``) or
the bundled data. It is cached with ``st.cache_resource`` and shared by every user, so nothing may
change it: queries go through the guarded path in :mod:`graph.query`, which never runs updates.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import streamlit as st

from graph.errors import CausemapError
from graph.store import STORE_ENV, Store, open_store

__all__ = ["get_kg", "data_files_from_env", "store_from_env", "DATA_ENV"]

DATA_ENV = "CAUSEMAP_DATA"


def data_files_from_env() -> list[Path] | None:
    """The data files named in ``CAUSEMAP_DATA`` (os.pathsep-separated), or ``None`` for bundled."""
    raw = os.environ.get(DATA_ENV, "").strip()
    return [Path(p) for p in raw.split(os.pathsep) if p] if raw else None


def store_from_env() -> str | None:
    """The store descriptor in ``CAUSEMAP_STORE``, or ``None`` for the default."""
    return os.environ.get(STORE_ENV, "").strip() or None


@st.cache_resource(show_spinner="Opening the knowledge graph…")
def _open(descriptor: str | None, files: tuple[str, ...] | None) -> Store:
    kg = open_store(descriptor, list(files) if files is not None else None)
    kg.entity_classes  # noqa: B018  (warm the small caches every page needs)
    # Everything loaded so far lives as long as the process: take it out of the collector's
    # generations so that no collection walks it again (see `causemap app`'s postScriptGC).
    gc.freeze()
    return kg


def get_kg() -> Store:
    """The shared, read-only store; stops the page with an error if it cannot be opened."""
    files = data_files_from_env()
    try:
        return _open(store_from_env(), tuple(str(p) for p in files) if files else None)
    except CausemapError as exc:
        st.error(f"The graph could not be opened: {exc}")
        st.stop()
