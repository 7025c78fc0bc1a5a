"""Shared app state: which graph a session explores, and the stores, opened once per process.

A session explores one *dataset* at a time, picked in the sidebar (:func:`dataset_picker`):

- **the store you opened**, when the app was started with ``causemap --store … app`` (for example
  the full HPO store that ``causemap import-hpo`` builds) or ``causemap --data FILE… app``;
- **the article**: the bundled graph curated from the article on upper-lip twitching;
- **the article and its HPO enrichment**: the same, with ``data/optional/hpo-enrichment.trig``
  (the article's conditions as HPO annotates them, and which of the article's claims HPO
  corroborates);
- **your upload**, once a session has uploaded its own RDF (see :func:`set_session_store`): that
  store lives in the session only.

Shared stores are cached with ``st.cache_resource`` and shared by every user, so nothing may
change them: queries go through the guarded path in :mod:`graph.query`, which never runs updates.
The choice is kept in the session and in the ``graph`` URL parameter, so a shared link opens the
same graph.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app.ui import markdown_text

from graph.errors import CausemapError
from graph.store import STORE_ENV, Store, open_store
from graph.store.files import DATA_DIR, bundled_files

__all__ = ["get_kg", "data_files_from_env", "store_from_env", "DATA_ENV", "Dataset", "datasets",
           "current_dataset", "dataset_picker", "set_session_store", "ENRICHMENT_FILE",
           "DATASET_PARAM"]

DATA_ENV = "CAUSEMAP_DATA"
DATASET_PARAM = "graph"
ENRICHMENT_FILE = DATA_DIR / "optional" / "hpo-enrichment.trig"
_CHOICE = "cm_dataset"
_UPLOAD = "cm_upload_store"


@dataclass(frozen=True)
class Dataset:
    """One graph a session can explore: a store descriptor and data files (``None``: bundled)."""

    key: str
    label: str
    help: str
    descriptor: str | None = None
    files: tuple[str, ...] | None = None


def data_files_from_env() -> list[Path] | None:
    """The data files named in ``CAUSEMAP_DATA`` (os.pathsep-separated), or ``None`` for bundled."""
    raw = os.environ.get(DATA_ENV, "").strip()
    return [Path(p) for p in raw.split(os.pathsep) if p] if raw else None


def store_from_env() -> str | None:
    """The store descriptor in ``CAUSEMAP_STORE``, or ``None`` for the default."""
    return os.environ.get(STORE_ENV, "").strip() or None


def datasets() -> list[Dataset]:
    """The datasets this app offers, the default first."""
    descriptor, files = store_from_env(), data_files_from_env()
    found: list[Dataset] = []
    if files or (descriptor and descriptor not in ("oxigraph:", "oxigraph")):
        if files:
            names = ", ".join(p.name for p in files[:3]) + (" …" if len(files) > 3 else "")
            label, help_ = f"Your files ({names})", "The files given with --data when the app started."
        else:
            shown = _public(descriptor)
            label = f"The store you opened ({_short(shown)})"
            help_ = f"The store given with --store when the app started: {shown}."
        found.append(Dataset("opened", label, help_, descriptor,
                             tuple(str(p) for p in files) if files else None))
    article = tuple(str(p) for p in bundled_files())
    found.append(Dataset("article", "The article (bundled)",
                         "81 conditions, causes, mechanisms, symptoms and treatments curated from "
                         "one consumer-health article on upper-lip twitching.",
                         descriptor if not found and descriptor else None, None))
    if ENRICHMENT_FILE.is_file():
        found.append(Dataset("article-hpo", "The article + HPO enrichment",
                             "The article's graph, plus how the Human Phenotype Ontology annotates "
                             "its conditions and which of the article's claims HPO corroborates.",
                             None, article + (str(ENRICHMENT_FILE),)))
    if _UPLOAD in st.session_state:
        name = st.session_state.get(_UPLOAD + "_name", "your upload")
        found.append(Dataset("upload", f"Your upload ({name})",
                             "The RDF you uploaded: it lives in your session only."))
    return found


def _public(descriptor: str) -> str:
    """The descriptor as every student may see it: an on-disk store by its folder's name only,
    as the Overview names files (the server's folders are nobody's business).

    >>> _public("oxigraph:/srv/causemap/hpo-store"), _public("sparql:http://127.0.0.1:7878/query")
    ('oxigraph:hpo-store', 'sparql:http://127.0.0.1:7878/query')
    """
    scheme, _, rest = descriptor.partition(":")
    if scheme in ("oxigraph", "rdflib") and rest:
        return f"{scheme}:{Path(rest).name or rest}"
    return descriptor


def _short(descriptor: str) -> str:
    return descriptor if len(descriptor) <= 40 else descriptor[:18] + "…" + descriptor[-18:]


def current_dataset() -> Dataset:
    """The dataset this session explores: its choice, the ``graph`` URL parameter, or the default."""
    offered = datasets()
    keys = {d.key: d for d in offered}
    linked = st.query_params.get(DATASET_PARAM)
    if linked in keys and linked != st.session_state.get(_CHOICE):
        st.session_state[_CHOICE] = linked  # a link names the graph: it wins, and is kept
    return keys.get(st.session_state.get(_CHOICE), offered[0])


def set_session_store(store: Store | None, name: str = "") -> None:
    """Make ``store`` this session's own dataset and switch to it (``None``: drop it and go back
    to the default dataset)."""
    previous = st.session_state.get(_UPLOAD)
    if previous is not None and previous is not store:
        previous.close()  # its worker processes go now, not when the session is collected
    if store is None:
        st.session_state.pop(_UPLOAD, None)
        st.session_state.pop(_UPLOAD + "_name", None)
        if st.session_state.get(_CHOICE) == "upload":
            st.session_state.pop(_CHOICE)
        return
    st.session_state[_UPLOAD] = store
    st.session_state[_UPLOAD + "_name"] = name or "your upload"
    st.session_state[_CHOICE] = "upload"


@st.cache_resource(show_spinner="Opening the knowledge graph…")
def _open(descriptor: str | None, files: tuple[str, ...] | None) -> Store:
    kg = open_store(descriptor, list(files) if files is not None else None)
    kg.entity_classes  # noqa: B018  (warm the small caches every page needs)
    # Everything loaded so far lives as long as the process: take it out of the collector's
    # generations so that no collection walks it again (see `causemap app`'s postScriptGC).
    gc.freeze()
    return kg


def get_kg() -> Store:
    """The store this session explores; stops the page with an error if it cannot be opened."""
    chosen = current_dataset()
    if chosen.key == "upload":
        return st.session_state[_UPLOAD]
    try:
        return _open(chosen.descriptor, chosen.files)
    except CausemapError as exc:
        st.error(f"The graph could not be opened: {markdown_text(str(exc))}")
        st.stop()


def dataset_picker() -> None:
    """The sidebar's choice of graph (shown only when there is more than one to choose)."""
    offered = datasets()
    if len(offered) < 2:
        return
    keys = [d.key for d in offered]
    chosen = current_dataset()

    def changed() -> None:
        st.session_state[_CHOICE] = st.session_state["cm_dataset_box"]
        if st.session_state[_CHOICE] == offered[0].key:
            st.query_params.pop(DATASET_PARAM, None)
        else:
            st.query_params[DATASET_PARAM] = st.session_state[_CHOICE]

    # Pages rewrite the query string with their own state: put the graph back into it, so that
    # every link still opens the same graph.
    if chosen.key != offered[0].key and st.query_params.get(DATASET_PARAM) != chosen.key:
        st.query_params[DATASET_PARAM] = chosen.key
    labels = {d.key: d.label for d in offered}
    st.sidebar.selectbox("Graph", keys, index=keys.index(chosen.key), key="cm_dataset_box",
                         format_func=labels.__getitem__, on_change=changed,
                         help=markdown_text(chosen.help))
