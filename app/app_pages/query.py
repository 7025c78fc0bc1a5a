"""SPARQL page: write, learn and share queries.

An editor (:mod:`app.sparql_editor`) with the project's prefixes declared, an example gallery built
from the ``.rq`` files, a question builder that shows the SPARQL of a plain-English question clause
by clause (:mod:`graph.learn.questions`), results (:mod:`app.query_results`), a link that restores and
runs the query, and the session's history. The tabs are drawn by :mod:`app.query_tabs`; running,
the history and deep links (``?q=<query text>`` or ``?named=NAME&PARAM=value``) are
:mod:`app.query_session`'s. Session keys start with ``query_``.
"""

from __future__ import annotations

import streamlit as st

from app.query_results import show_outcome
from app.query_session import TABS, apply_deep_link, init_state, keep_hidden_tabs_state
from app.query_tabs import builder_tab, editor_tab, examples_tab, history_tab, share_box
from app.state import get_kg
from app.ui import disclaimer

kg = get_kg()

init_state()
apply_deep_link()

st.title("SPARQL workbench")
disclaimer()
st.caption("Ask the graph anything in SPARQL, the query language of knowledge graphs. Start from "
           "an example or build a question in plain English and read the SPARQL behind it.")

keep_hidden_tabs_state()
editor, examples, builder, history = st.tabs(TABS, key="query_tab", on_change="rerun")
with editor:  # always drawn: the browser keeps what is typed but not yet run
    editor_tab(kg)
if examples.open:  # drawn only when open: the gallery was four fifths of every rerun of the page
    with examples:
        examples_tab(kg)
if builder.open:
    with builder:
        builder_tab(kg)
with history:
    history_tab()

st.divider()
st.subheader("Results")
show_outcome(kg, st.session_state.query_outcome)
share_box()
