"""SPARQL page: write, learn and share queries.

An editor (:mod:`app.sparql_editor`) with the project's prefixes declared, an example gallery built
from the ``.rq`` files, a question builder that shows the SPARQL of a plain-English question clause
by clause (:mod:`graph.query.builder`), results (:mod:`app.query_results`), a link that restores and
runs the query, and the session's history. Every query goes through :func:`graph.query.run_query`; session keys start
with ``query_``. Deep links: ``?q=<query text>`` or ``?named=NAME&PARAM=value``.
"""

from __future__ import annotations

import re
import shlex
import time
from datetime import datetime
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from rdflib import URIRef

from app.query_results import show_outcome, summary
from app.session_queries import QUOTA, session_id
from app.sparql_editor import completions, sparql_editor
from app.state import get_kg
from app.ui import disclaimer, entity_picker, markdown_text
from graph.query.builder import TEMPLATES, build, get_template, inline_values
from graph.learn.entities import resolve
from graph.learn.explain import capitalise
from graph.errors import (CausemapError, QueryError, QueryRejected, QuerySyntaxError,
                          QueryTimeout)
from graph.query.named import NamedQuery, get_named_query, list_named_queries
from graph.namespace import RELATIONS, curie, sparql_prefixes
from graph.query import run_query

kg = get_kg()
S = st.session_state

TABS = ("Editor", "Examples", "Question builder", "History")
HISTORY_SIZE = 30
STARTER = """# Which conditions act through hypocalcemia? Ctrl+Enter (⌘+Enter on a Mac) runs the query.
SELECT ?condition ?conditionLabel
WHERE {
  ?condition cm:actsThrough cm:Hypocalcemia ;
             rdfs:label ?conditionLabel .
}
ORDER BY ?conditionLabel
"""
_LOCATED_RE = re.compile(r"^line \d+, column \d+: ")


# -- running ---------------------------------------------------------------------------------------

def _init_state() -> None:
    S.setdefault("query_text", STARTER)
    S.setdefault("query_version", 0)
    S.setdefault("query_history", [])
    S.setdefault("query_outcome", None)
    S.setdefault("query_bound", None)  # (text, bindings) of a query whose non-entity
    # parameters are bound, not written in (an example's search text, say)
    S.setdefault("query_prefixes", sparql_prefixes())
    S.setdefault("query_timeout", 10)
    S.setdefault("query_max_rows", 5000)
    S.setdefault("query_page", 1)


def _declared(text: str) -> tuple[str, bool, int]:
    """The text to run, whether to declare the project prefixes, and how many lines were added."""
    block = S.query_prefixes
    if block.strip() == sparql_prefixes().strip():
        return text, True, 0
    block = block.rstrip("\n") + "\n"
    return block + text, False, block.count("\n")


def _syntax_outcome(exc: QuerySyntaxError, added: int) -> dict:
    problem = _LOCATED_RE.sub("", str(exc))
    if exc.hint and problem.endswith(f"; {exc.hint}"):
        problem = problem[: -len(exc.hint) - 2]
    line, where = exc.line, "query"
    if line is not None and added:
        if line <= added:
            where = "prefixes"
        else:
            line -= added
    return {"kind": "syntax", "problem": problem, "line": line, "column": exc.column,
            "token": exc.token, "hint": exc.hint, "where": where}


def _execute(text: str, source: str, bindings: dict | None = None) -> None:
    """Run ``text`` and keep the outcome (result or error) and a history entry in the session."""
    S.query_text = text
    S.query_page = 1
    full, declare, added = _declared(text)
    outcome: dict = {"text": text, "source": source, "bindings": bindings or {}}
    started = time.perf_counter()
    try:
        with QUOTA.slot(session_id()):  # this tab's fair share of the workers
            outcome["result"] = run_query(kg, full, bindings=bindings, prefixes=declare,
                                          timeout=float(S.query_timeout),
                                          max_rows=int(S.query_max_rows),
                                          max_triples=int(S.query_max_rows) * 4)
        outcome["kind"] = "ok"
    except QuerySyntaxError as exc:
        outcome.update(_syntax_outcome(exc, added))
    except QueryRejected as exc:
        outcome.update(kind="rejected", message=str(exc))
    except QueryTimeout as exc:
        outcome.update(kind="timeout", message=str(exc))
    except (QueryError, CausemapError) as exc:
        outcome.update(kind="failed", message=str(exc))
    except Exception as exc:  # a bug must not show a student a traceback
        outcome.update(kind="failed", message=f"the query could not be run ({type(exc).__name__})")
    outcome["elapsed"] = time.perf_counter() - started
    S.query_outcome = outcome
    S.query_bound = (text, bindings) if bindings else None
    _remember(outcome)
    # The URL always holds the query last run, and its bound values (as N3 terms, "bind.NAME"),
    # so copying it shares exactly this query with exactly these values.
    bound = {f"bind.{name}": term.n3() for name, term in (bindings or {}).items()}
    S.query_link = ("q", text, tuple(sorted(bound.items())))
    st.query_params.clear()
    st.query_params.from_dict({"q": text, **bound})


def _remember(outcome: dict) -> None:
    history = S.query_history
    entry = {"text": outcome["text"], "source": outcome["source"], "summary": summary(outcome),
             "bindings": outcome["bindings"], "when": datetime.now().strftime("%H:%M:%S")}
    if history and history[0]["text"] == entry["text"] and history[0]["bindings"] == entry["bindings"]:
        history[0] = entry  # the same query again: refresh its entry rather than repeat it
    else:
        history.insert(0, entry)
        del history[HISTORY_SIZE:]


def _load(text: str, *, run: bool, source: str, bindings: dict | None = None) -> None:
    """Put ``text`` into the editor (and run it); used by buttons as an on_click callback."""
    S.query_text = text
    S.query_version += 1
    S.query_tab = TABS[0]
    if run:
        _execute(text, source, bindings)
    else:
        S.query_bound = (text, bindings) if bindings else None


def _bound_for(text: str) -> dict | None:
    """The bindings that go with ``text``, if it is the query an example bound them for."""
    bound = S.query_bound
    return bound[1] if bound and bound[0].strip() == text.strip() else None


def _on_editor_run(text: str) -> None:
    _execute(text, "editor", _bound_for(text))


# -- deep links ------------------------------------------------------------------------------------

def _named_with_params(nq: NamedQuery, values: dict[str, str]) -> tuple[str, dict]:
    """A named query's text with entity parameters written in, and bindings for the others."""
    entities, others = {}, {}
    for param in nq.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise CausemapError(f"{nq.name} needs a value for {param.name} ({param.description})")
        term = param.to_term(raw, lambda t: resolve(kg, t))
        (entities if param.kind == "entity" else others)[param.name] = term
    return inline_values(nq.text, entities), others


def _term_from_link(text: str):
    """An RDF term written in N3 (``<iri>`` or ``"text"@en``) from a shared link's ``bind.*``."""
    from rdflib import Literal, URIRef
    from rdflib.util import from_n3

    try:
        term = from_n3(text)
    except Exception:  # from_n3 raises several types on malformed input
        term = None
    if not isinstance(term, (URIRef, Literal)):
        raise ValueError(f"{text[:60]!r} is not an IRI in <…> or a quoted literal")
    return term


def _apply_deep_link() -> None:
    params = st.query_params.to_dict()
    if "q" in params:
        bound = tuple(sorted((k, v) for k, v in params.items() if k.startswith("bind.")))
        link = ("q", params["q"], bound)
    elif "named" in params:
        link = ("named", tuple(sorted(params.items())))
    else:
        return
    if S.get("query_link") == link:
        return  # already applied (or produced by our own last run)
    S.query_link = link
    if link[0] == "q":
        try:
            bindings = {k.removeprefix("bind."): _term_from_link(v) for k, v in link[2]}
        except ValueError as exc:
            S.query_outcome = {"kind": "link", "message": f"The link's values could not be read: {exc}",
                               "text": "", "source": "link", "bindings": {}}
            return
        _load(params["q"], run=True, source="link", bindings=bindings or None)
        return
    name = params.pop("named")
    try:
        text, others = _named_with_params(get_named_query(name), params)
    except (CausemapError, ValueError) as exc:
        S.query_outcome = {"kind": "link", "message": f"The link's query could not be opened: {exc}",
                           "text": "", "source": "link", "bindings": {}}
        return
    _load(text, run=True, source=f"link: {name}", bindings=others or None)  # sets query_link


# -- the page --------------------------------------------------------------------------------------

_init_state()
_apply_deep_link()

st.title("SPARQL workbench")
disclaimer()
st.caption("Ask the graph anything in SPARQL, the query language of knowledge graphs. Start from "
           "an example or build a question in plain English and read the SPARQL behind it.")

editor_tab, examples_tab, builder_tab, history_tab = st.tabs(
    TABS, key="query_tab", on_change="rerun")

with editor_tab:
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
                              on_run=_on_editor_run)
    if submitted is not None:  # a request the callback did not see (AppTest sets it by key)
        _on_editor_run(submitted)
        st.rerun()  # draw the page again, so the editor shows this run's error marker
    if bound := _bound_for(S.query_text):
        st.caption("The example's form binds " + ", ".join(
            f"?{k} = {markdown_text(str(v))}" for k, v in bound.items())
            + " for this query; change it in the Examples tab.")
    with st.expander("Limits"):
        left, right = st.columns(2)
        left.slider("Time limit (seconds)", 1, 30, key="query_timeout")
        right.number_input("Row cap", 10, 20000, step=500, key="query_max_rows",
                           help="More rows than this are cut off, and the result says so.")

with examples_tab:
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
                    values[param.name] = st.selectbox(
                        capitalise(param.description), RELATIONS, key=key,
                        index=RELATIONS.index(default), format_func=kg.label)
                else:
                    values[param.name] = st.text_input(capitalise(param.description),
                                                       value=param.default or "", key=key)
            missing = [name for name, value in values.items() if value in (None, "")]
            try:
                text, others = _named_with_params(
                    nq, {k: str(v) if not isinstance(v, URIRef) else f"<{v}>"
                              for k, v in values.items() if v not in (None, "")})
            except (CausemapError, ValueError) as exc:
                text, others = None, {}
                if not missing:
                    st.warning(markdown_text(str(exc)))
            st.button("Open and run", key=f"query_example_run_{nq.name}", type="primary",
                      disabled=text is None, icon=":material/play_arrow:", on_click=_load,
                      kwargs={"text": text, "run": True, "source": f"example: {nq.name}",
                              "bindings": others or None})
            with st.expander("SPARQL and command line"):
                st.code(text or nq.text, language="sparql")
                cli = " ".join(
                    "--param " + shlex.quote(f"{k}={curie(str(v)) if isinstance(v, URIRef) else v}")
                    for k, v in values.items() if v not in (None, ""))
                st.code(f"causemap query --named {nq.name} {cli}".rstrip(), language="bash",
                        wrap_lines=True)

with builder_tab:
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
                      icon=":material/play_arrow:", on_click=_load,
                      kwargs={"text": built.sparql, "run": True,
                              "source": f"builder: {template.name}"})
            st.button("Edit it in the editor", key="query_builder_edit", icon=":material/edit:",
                      on_click=_load, kwargs={"text": built.sparql, "run": False,
                                              "source": "builder"})
            st.caption("The same question from the command line:")
            st.code(built.command, language="bash", wrap_lines=True)
        with sparql:
            st.code(built.sparql, language="sparql", line_numbers=True)
        st.markdown("**What each clause means**")
        st.table(pd.DataFrame({
            "SPARQL": [f"`{c.text.strip()}`" for c in built.clauses],
            "Meaning": [markdown_text(c.meaning) for c in built.clauses]}), hide_index=True)

with history_tab:
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
            load_col.button("Load", key=f"query_history_load_{n}", on_click=_load,
                            kwargs={"text": entry["text"], "run": False, "source": "history",
                                    "bindings": entry["bindings"] or None})
            run_col.button("Run again", key=f"query_history_run_{n}", on_click=_load,
                           kwargs={"text": entry["text"], "run": True, "source": "history",
                                   "bindings": entry["bindings"] or None})

st.divider()
st.subheader("Results")
show_outcome(kg, S.query_outcome)
if S.query_outcome and S.query_outcome.get("text"):
    base = (getattr(st.context, "url", "") or "").split("?")[0].rstrip("/")
    if not base.endswith("/query"):
        base += "/query"
    link = f"{base}?{urlencode({'q': S.query_outcome['text']})}"
    with st.expander("Share this query"):
        st.caption("This link opens the SPARQL page with the query in the editor, and runs it.")
        st.code(link, language=None, wrap_lines=True)
