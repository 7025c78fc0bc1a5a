"""What the SPARQL page's four tabs and its share box draw (the page: :mod:`app.app_pages.query`).

Each function draws one tab's contents inside the tab the page opened; what a button does is in
:mod:`app.query_session` (its callbacks load a query into the editor, and run it).
"""

from __future__ import annotations

import shlex
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from rdflib import URIRef

from app.query_session import bound_for, load, named_with_params, on_editor_run
from app.sparql_editor import completions, sparql_editor
from app.ui import entity_picker, markdown_text
from graph.errors import CausemapError
from graph.learn.explain import capitalise
from graph.namespace import RELATIONS, curie, sparql_prefixes
from graph.learn.questions import TEMPLATES, build, get_template
from graph.query.named import list_named_queries
from graph.store import Store

__all__ = ["editor_tab", "examples_tab", "builder_tab", "history_tab", "share_box"]

S = st.session_state


def editor_tab(kg: Store) -> None:
    """The editor with its prefixes, the error marker of the last run, and the limits."""
    with st.expander("Prefixes declared for you (editable)"):
        st.caption("Every query may use these prefixes without declaring them. Add your own "
                   "here, or declare one in the query itself with a PREFIX line.")
        st.text_area("Prefixes", key="query_prefixes", height=260, label_visibility="collapsed")
        st.button("Reset to the project's prefixes", key="query_prefixes_reset",
                  on_click=lambda: S.update(query_prefixes=sparql_prefixes()))
    outcome_now = S.query_outcome or {}
    marker = None
    if outcome_now.get("kind") == "syntax" and outcome_now.get("where") == "query" \
            and outcome_now.get("text") == S.query_text and outcome_now.get("line"):
        marker = {k: outcome_now.get(k) for k in ("line", "column", "token")}
        marker["message"] = outcome_now["problem"] + (
            f" — {outcome_now['hint']}" if outcome_now.get("hint") else "")
    submitted = sparql_editor(S.query_text, key="query_editor", version=S.query_version,
                              height=300, error=marker, suggestions=completions(kg),
                              on_run=on_editor_run)
    if submitted is not None:  # a request the callback did not see (AppTest sets it by key)
        on_editor_run(submitted)
        st.rerun()  # draw the page again, so the editor shows this run's error marker
    if bound := bound_for(S.query_text):
        st.caption("The example's form binds " + ", ".join(
            f"?{k} = {markdown_text(str(v))}" for k, v in bound.items())
            + " for this query; change it in the Examples tab.")
    with st.expander("Limits"):
        left, right = st.columns(2)
        left.slider("Time limit (seconds)", 1, 30, key="query_timeout")
        right.number_input("Row cap", 10, 20000, step=500, key="query_max_rows",
                           help="More rows than this are cut off, and the result says so.")


def examples_tab(kg: Store) -> None:
    """The gallery of named queries, each with its entities to pick and a button that runs it."""
    st.caption("Each example answers one question. Pick its entities, then open it: it loads "
               "into the editor and runs.")
    queries = list_named_queries()
    columns = st.columns(2)
    for i, nq in enumerate(queries):
        with columns[i % 2].container(border=True):
            st.markdown(f"**{markdown_text(nq.title)}**")
            st.write(nq.question)
            values: dict[str, object] = {}
            for param in nq.params:
                key = f"query_example_{nq.name}_{param.name}"
                default = None
                if param.kind == "entity" and param.default:
                    try:
                        default = param.to_term(param.default)
                    except CausemapError:
                        default = None
                if param.kind == "entity" and default is not None and kg.class_of(default):
                    values[param.name] = entity_picker(
                        kg, capitalise(param.description), key=key, default=default)
                elif param.kind == "entity" and default in RELATIONS:
                    # First values through the session state, not index= or value=: the tab is
                    # drawn only when open, and its values are written back while it is not.
                    S.setdefault(key, default)
                    values[param.name] = st.selectbox(
                        capitalise(param.description), RELATIONS, key=key, format_func=kg.label)
                else:
                    S.setdefault(key, param.default or "")
                    values[param.name] = st.text_input(capitalise(param.description), key=key)
            missing = [name for name, value in values.items() if value in (None, "")]
            try:
                text, others = named_with_params(
                    nq, {k: str(v) if not isinstance(v, URIRef) else f"<{v}>"
                              for k, v in values.items() if v not in (None, "")})
            except (CausemapError, ValueError) as exc:
                text, others = None, {}
                if not missing:
                    st.warning(markdown_text(str(exc)))
            st.button("Open and run", key=f"query_example_run_{nq.name}", type="primary",
                      disabled=text is None, icon=":material/play_arrow:", on_click=load,
                      kwargs={"text": text, "run": True, "source": f"example: {nq.name}",
                              "bindings": others or None})
            with st.expander("SPARQL and command line"):
                st.code(text or nq.text, language="sparql")
                cli = " ".join(
                    "--param " + shlex.quote(f"{k}={curie(str(v)) if isinstance(v, URIRef) else v}")
                    for k, v in values.items() if v not in (None, ""))
                st.code(f"causemap query --named {nq.name} {cli}".rstrip(), language="bash",
                        wrap_lines=True)


def builder_tab(kg: Store) -> None:
    """A plain-English question, the SPARQL that answers it, and what each clause means."""
    st.caption("Pick a question and its entities. The SPARQL that answers it appears beside it, "
               "with what each clause means.")
    template = get_template(st.selectbox(
        "Question", [t.name for t in TEMPLATES], key="query_builder_template",
        format_func=lambda name: get_template(name).pattern()))
    picks = {}
    slot_columns = st.columns(len(template.slots))
    for col, slot in zip(slot_columns, template.slots):
        with col:
            picks[slot.name] = entity_picker(
                kg, capitalise(slot.role), key=f"query_builder_{template.name}_{slot.name}",
                classes=set(slot.classes) or None, default=slot.default)
    if any(v is None for v in picks.values()):
        st.info("Pick an entity for every blank.")
    else:
        built = build(kg, template, picks)
        english, sparql = st.columns([2, 3])
        with english:
            st.markdown(f"### {markdown_text(built.english)}")
            st.caption(f"Shows: {template.teaches}.")
            st.button("Run this question", key="query_builder_run", type="primary",
                      icon=":material/play_arrow:", on_click=load,
                      kwargs={"text": built.sparql, "run": True,
                              "source": f"builder: {template.name}"})
            st.button("Edit it in the editor", key="query_builder_edit", icon=":material/edit:",
                      on_click=load, kwargs={"text": built.sparql, "run": False,
                                              "source": "builder"})
            st.caption("The same question from the command line:")
            st.code(built.command, language="bash", wrap_lines=True)
        with sparql:
            st.code(built.sparql, language="sparql", line_numbers=True)
        st.markdown("**What each clause means**")
        st.table(pd.DataFrame({
            "SPARQL": [f"`{c.text.strip()}`" for c in built.clauses],
            "Meaning": [markdown_text(c.meaning) for c in built.clauses]}), hide_index=True)


def history_tab() -> None:
    """This session's queries, newest first, each to load or run again."""
    if not S.query_history:
        st.info("The queries you run in this session will be listed here.")
    for n, entry in enumerate(S.query_history):
        with st.container(border=True):
            info, load_col, run_col = st.columns([6, 1, 1])
            first = next((ln for ln in entry["text"].splitlines()
                          if ln.strip() and not ln.lstrip().startswith(("#", "PREFIX", "prefix"))),
                         "")
            info.markdown(f"`{first.strip()[:90].replace('`', '')}`")
            info.caption(f"{entry['when']} · {markdown_text(entry['source'])} · {entry['summary']}")
            load_col.button("Load", key=f"query_history_load_{n}", on_click=load,
                            kwargs={"text": entry["text"], "run": False, "source": "history",
                                    "bindings": entry["bindings"] or None})
            run_col.button("Run again", key=f"query_history_run_{n}", on_click=load,
                           kwargs={"text": entry["text"], "run": True, "source": "history",
                                   "bindings": entry["bindings"] or None})


def share_box() -> None:
    """The link that opens this page with the query last run, and runs it."""
    if not (S.query_outcome and S.query_outcome.get("text")):
        return
    base = (getattr(st.context, "url", "") or "").split("?")[0].rstrip("/")
    if not base.endswith("/query"):
        base += "/query"
    link = f"{base}?{urlencode({'q': S.query_outcome['text']})}"
    with st.expander("Share this query"):
        st.caption("This link opens the SPARQL page with the query in the editor, and runs it.")
        st.code(link, language=None, wrap_lines=True)
