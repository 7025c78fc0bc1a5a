"""How the SPARQL page shows a run: errors, tables, charts, networks and downloads.

A run's outcome (kept by the page in ``st.session_state.query_outcome``) is either an error (syntax,
refused, timed out, failed), shown in one sentence with, for a syntax error, the line, column,
offending token and a hint; or a :class:`graph.query.QueryResult`: SELECT as a table whose entity
cells show labels, link to the entity page and show their IRI on hover (pandas Styler tooltips in
``st.table``, a page of rows at a time), with a bar chart when a column is numeric; ASK as yes or
no; CONSTRUCT and DESCRIBE as a network drawn by :mod:`app.network_component` and as Turtle. Every
result can be downloaded in the W3C formats (:func:`graph.query.results.serialize`). Text from the data
is escaped before it reaches Markdown; nothing goes through ``unsafe_allow_html``.
"""

from __future__ import annotations

from urllib.parse import quote

import networkx as nx
import pandas as pd
import streamlit as st
from rdflib import BNode, Graph, Literal, URIRef

from app.network_component import network
from app.ui import code_text, entity_url, markdown_text
from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.view.network import bounded_view
from graph.view.render import to_vis_data
from graph.query.results import serialize
from graph.store import Store

__all__ = ["show_outcome", "summary", "result_network", "PAGE_ROWS", "NETWORK_NODES"]

PAGE_ROWS = 100          # rows per page of the results table
NETWORK_NODES = 150      # cap on the nodes a CONSTRUCT/DESCRIBE network draws
DOWNLOADS = {  # format → (button label, file suffix, MIME type)
    "csv": ("CSV", "csv", "text/csv"),
    "tsv": ("TSV", "tsv", "text/tab-separated-values"),
    "json": ("SPARQL JSON", "srj", "application/sparql-results+json"),
    "turtle": ("Turtle", "ttl", "text/turtle"),
    "json-ld": ("JSON-LD", "jsonld", "application/ld+json"),
    "nt": ("N-Triples", "nt", "application/n-triples"),
}
S = st.session_state


def summary(outcome: dict) -> str:
    """One line for the history and the caption: "3 rows", "yes", "syntax error" …"""
    if outcome["kind"] != "ok":
        return {"syntax": "syntax error", "rejected": "refused", "timeout": "timed out"}.get(
            outcome["kind"], "failed")
    result = outcome["result"]
    if result.kind == "ASK":
        return "yes" if result.boolean else "no"
    n = len(result.rows) if result.kind == "SELECT" else len(result.graph)
    unit = "row" if result.kind == "SELECT" else "triple"
    return f"{n} {unit}{'' if n == 1 else 's'}" + (" (truncated)" if result.truncated else "")


def _tooltip(term) -> str:
    """The hover text of a cell: the full IRI, or a literal's datatype or language."""
    if isinstance(term, URIRef):
        text = str(term)
    elif isinstance(term, Literal) and term.language:
        text = f"language: {term.language}"
    elif isinstance(term, Literal) and term.datatype is not None:
        text = f"datatype: {curie(str(term.datatype))}"
    else:
        return ""
    # The tooltip goes into a CSS content string: keep only characters that cannot end it.
    return quote(text, safe=":/#?&=%@.-_~+,;!$*()'[] ")


def _cell(kg: Store, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if kg.class_of(term) is not None:
            return f"[{markdown_text(kg.label(term))}]({entity_url(str(term))})"
        return markdown_text(kg.label(term))  # a class or property: its label, else its CURIE
    if isinstance(term, BNode):
        return markdown_text(f"_:{term}")
    return markdown_text(str(term))


def _number(term):
    if isinstance(term, Literal) and isinstance(term.value, (int, float)) and \
            not isinstance(term.value, bool):
        return term.value
    return None


def _numeric_columns(result) -> list[str]:
    found = []
    for i, name in enumerate(result.variables):
        values = [row[i] for row in result.rows if row[i] is not None]
        if values and all(_number(v) is not None for v in values):
            found.append(name)
    return found


def _select_table(kg: Store, result) -> None:
    numeric = set(_numeric_columns(result))
    pages = max(1, -(-len(result.rows) // PAGE_ROWS))
    S.query_page = min(int(S.query_page), pages)
    page = S.query_page
    if pages > 1:  # the value comes from the key alone (a value too would make Streamlit warn)
        page = st.number_input(f"Page (of {pages}, {PAGE_ROWS} rows each)", 1, pages,
                               key="query_page")
    rows = result.rows[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    cells = {f"?{v}": [(_number(r[i]) if v in numeric else _cell(kg, r[i])) for r in rows]
             for i, v in enumerate(result.variables)}
    tips = {f"?{v}": [_tooltip(r[i]) for r in rows] for i, v in enumerate(result.variables)}
    frame = pd.DataFrame(cells, columns=[f"?{v}" for v in result.variables])
    if frame.empty:
        st.info("No rows: nothing in the graph matches this pattern.")
        return
    # The hover text is pandas' CSS tooltip: anchored to its cell, just below it.
    styled = frame.style.format(na_rep="", precision=3).set_table_styles(
        [{"selector": "td", "props": "position: relative;"}]).set_tooltips(
        pd.DataFrame(tips, columns=frame.columns),
        props="visibility: hidden; position: absolute; z-index: 5; left: 0.3em; top: 85%; "
              "background: #31333f; color: #fff; padding: 0.15em 0.5em; border-radius: 4px; "
              "font-size: 0.8em; white-space: nowrap; pointer-events: none;")
    st.table(styled, hide_index=True)
    st.caption("Entities link to their page; hover a cell to see its full IRI (or a value's "
               "datatype).")


def _select_chart(kg: Store, result) -> None:
    import altair as alt

    numeric = _numeric_columns(result)
    value = st.selectbox("Value", numeric, key="query_chart_value") if len(numeric) > 1 \
        else numeric[0]
    others = [v for v in result.variables if v not in numeric]
    label_var = next((v for v in others if v.lower().endswith("label")), others[0] if others else None)
    i_value = result.variables.index(value)
    i_label = result.variables.index(label_var) if label_var else None
    names, seen = [], {}
    for n, r in enumerate(result.rows):
        name = (kg.label(r[i_label]) if isinstance(r[i_label], URIRef) else str(r[i_label] or "")) \
            if i_label is not None else str(n + 1)
        seen[name] = seen.get(name, 0) + 1
        # Rows with the same name get their own bar; one bar would add their values up.
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    data = pd.DataFrame({"name": names, value: [_number(r[i_value]) for r in result.rows]})
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=f"?{value}"),
        y=alt.Y("name:N", sort="-x", title=f"?{label_var}" if label_var else "row"),
        tooltip=["name", value])
    st.altair_chart(chart, width="stretch")


def result_network(kg: Store, graph: Graph) -> nx.MultiDiGraph:
    """A CONSTRUCT/DESCRIBE graph as networkx, labelled from the main graph; literals go into
    the tooltips of their subjects rather than becoming nodes."""
    G = nx.MultiDiGraph()

    def add(node) -> str:
        key = str(node)
        if key not in G:
            cls = kg.class_of(node) if isinstance(node, URIRef) else None
            G.add_node(key, label=kg.label(node) if isinstance(node, URIRef) else f"_:{node}",
                       cls=str(cls) if cls else "", cls_label=kg.label(cls) if cls else "",
                       title=curie(key) if isinstance(node, URIRef) else f"_:{node}")
        return key

    for s, p, o in sorted(graph, key=lambda t: tuple(map(str, t))):
        if isinstance(o, Literal):
            key = add(s)
            G.nodes[key]["title"] += f"\n{curie(str(p))}: {str(o)[:200]}"
            continue
        G.add_edge(add(s), add(o), key=str(p), predicate=str(p), label=kg.label(p))
    return G


def _graph_result(kg: Store, result) -> None:
    view = bounded_view(result_network(kg, result.graph), max_nodes=NETWORK_NODES)
    drawn, turtle_tab = st.tabs(["Network", "Turtle"])
    with drawn:
        if view.graph.number_of_nodes() == 0:
            st.info("No entities to draw: the result holds only literal values (see Turtle).")
        else:
            if view.hidden:
                st.caption(f"Showing {view.graph.number_of_nodes()} of {view.total} nodes "
                           f"(the best connected); {view.hidden} more are in the Turtle.")
            # A click is an event: the page remembers the last one itself.
            picked = S.get("query_network_picked")
            picked = picked if picked in view.graph else None
            network(to_vis_data(view.graph, selected=picked), key="query_network", height=480,
                    on_click=lambda node: S.update(query_network_picked=node))
            if picked and kg.class_of(URIRef(picked)) is not None:
                st.markdown(f"Selected: [{markdown_text(kg.label(URIRef(picked)))}]"
                            f"({entity_url(picked)}) (opens its page)")
            else:
                st.caption("Click an entity to get a link to its page.")
    with turtle_tab:
        st.code(serialize(result, "turtle"), language="turtle")


def _downloads(result) -> None:
    formats = {"SELECT": ("csv", "tsv", "json"), "ASK": ("json",),
               "CONSTRUCT": ("turtle", "json-ld", "nt"), "DESCRIBE": ("turtle", "json-ld", "nt")}
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown("**Download**")
    for fmt in formats[result.kind]:
        label, suffix, mime = DOWNLOADS[fmt]
        row.download_button(label, serialize(result, fmt), file_name=f"query-results.{suffix}",
                            mime=mime, key=f"query_download_{fmt}", icon=":material/download:",
                            on_click="ignore")


def _show_error(outcome: dict) -> None:
    kind = outcome["kind"]
    if kind == "syntax":
        line, column = outcome.get("line"), outcome.get("column")
        where = "in the prefixes you declared, " if outcome.get("where") == "prefixes" else ""
        at = f" at {where}line {line}, column {column}" if line else ""
        st.error(f"**Syntax error{at}:** {markdown_text(capitalise(outcome['problem']), limit=300)}",
                 icon=":material/error:")
        lines = outcome["text"].splitlines()
        if line and column and outcome.get("where") == "query" and 0 < line <= len(lines):
            st.code(f"{line:>4} | {lines[line - 1]}\n       {' ' * (column - 1)}^", language=None)
        if outcome.get("token") and outcome["token"] not in outcome["problem"]:
            st.markdown(f"Near: {code_text(outcome['token'])}")
        if outcome.get("hint"):
            st.info(f"**Hint:** {markdown_text(capitalise(outcome['hint']))}",
                    icon=":material/lightbulb:")
    elif kind == "rejected":
        st.error(f"**Not run.** {markdown_text(capitalise(outcome['message']), limit=300)}.",
                 icon=":material/block:")
    elif kind == "timeout":
        st.warning(f"**Stopped.** {markdown_text(capitalise(outcome['message']), limit=300)}.",
                   icon=":material/timer_off:")
    else:
        st.error(markdown_text(capitalise(outcome["message"]), limit=300), icon=":material/error:")


def _empty(result) -> bool:
    if result.kind == "ASK":
        return not result.boolean
    if result.kind == "SELECT":
        return not result.rows
    return len(result.graph) == 0


def _hint_unused_terms(kg: Store, text: str) -> None:
    """Say which prefixed names of an empty query the graph never uses (a typo, often)."""
    from app.sparql_editor import completions
    from app.term_check import unused_terms

    declared = S.get("query_prefixes") or ""
    found = unused_terms(kg, declared + "\n" + text, [c["label"] for c in completions(kg)])
    for name, suggestion in found:
        hint = f" Did you mean `{suggestion}`?" if suggestion else ""
        st.warning(f"`{name}` is not used anywhere in this graph, so nothing can match it.{hint}",
                   icon=":material/spellcheck:")


def show_outcome(kg: Store, outcome: dict | None) -> None:
    """Show a run's outcome: its error, or its result with downloads."""
    if outcome is None:
        st.info("Run a query to see its results here: write one in the editor, try an example, "
                "or build a question.", icon=":material/play_arrow:")
        return
    if outcome["kind"] != "ok":
        _show_error(outcome)
        return
    result = outcome["result"]
    for warning in result.warnings:
        st.warning(markdown_text(warning), icon=":material/warning:")
    if outcome["bindings"]:
        st.caption("Bound for this run: " + ", ".join(
            f"?{k} = {markdown_text(str(v))}" for k, v in outcome["bindings"].items()))
    st.caption(f"{result.kind} · {summary(outcome)} · {result.elapsed:.2f} s")
    if _empty(result):
        _hint_unused_terms(kg, outcome["text"])
    if result.truncated:
        unit = "rows" if result.kind == "SELECT" else "triples"
        st.warning(f"Truncated at {result.limit} {unit}: the result has more. Add a LIMIT or "
                   "narrow the pattern, or raise the cap under Limits.", icon=":material/content_cut:")
    if result.kind == "ASK":
        if result.boolean:
            st.success("**Yes**: the pattern matches the graph.", icon=":material/check_circle:")
        else:
            st.info("**No**: nothing in the graph matches the pattern.", icon=":material/cancel:")
    elif result.kind == "SELECT":
        if _numeric_columns(result) and result.rows:
            table_tab, chart_tab = st.tabs(["Table", "Chart"])
            with table_tab:
                _select_table(kg, result)
            with chart_tab:
                _select_chart(kg, result)
        else:
            _select_table(kg, result)
    else:
        _graph_result(kg, result)
    _downloads(result)
