"""Shared app state: the graph, loaded once per process and never mutated.

The bundled graph (or the files named in ``CAUSEMAP_DATA``, set by ``causemap --data … app``) is
cached with ``st.cache_resource`` and shared by every user, so nothing may change it: queries go
through the guarded path in :mod:`graph.query`, which never runs updates.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from graph.errors import CausemapError
from graph.store import Store, load

__all__ = ["get_kg", "data_files_from_env", "DATA_ENV"]

DATA_ENV = "CAUSEMAP_DATA"


def data_files_from_env() -> list[Path] | None:
    """The data files named in ``CAUSEMAP_DATA`` (os.pathsep-separated), or ``None`` for bundled."""
    raw = os.environ.get(DATA_ENV, "").strip()
    return [Path(p) for p in raw.split(os.pathsep) if p] if raw else None


@st.cache_resource(show_spinner="Loading the knowledge graph…")
def _load(files: tuple[str, ...] | None) -> Store:
    return load(list(files) if files is not None else None)


def get_kg() -> Store:
    """The shared, read-only knowledge graph; stops the page with an error if it cannot load."""
    files = data_files_from_env()
    try:
        return _load(tuple(str(p) for p in files) if files else None)
    except CausemapError as exc:
        st.error(f"The graph could not be loaded: {exc}")
        st.stop()
