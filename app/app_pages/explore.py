"""Explore page: the interactive network. Search, focus, filter, click for details, expand.

State lives in ``st.session_state`` under ``explore_*`` keys and is mirrored in the URL
(``?entity=…&focus=…&radius=…&classes=…&relations=…``) so a shared link reproduces the view.
The browser only ever receives a bounded view (:func:`graph.view.network.bounded_view`).
"""

from __future__ import annotations

import streamlit as st
from rdflib import URIRef

from app.details import show_details
from app.network_component import network
from app.state import get_kg
from app.ui import disclaimer, entity_from_param, entity_url, legend_markdown, markdown_text
from graph.learn.entities import describe, search
from graph.learn.explain import capitalise
from graph.view.export import view_graph
from graph.namespace import curie
from graph.view.network import DEFAULT_MAX_NODES, bounded_view
from graph.view.render import standalone_html, to_vis_data
from graph.learn.schema import class_table, relation_table

kg = get_kg()
CLASSES = {c.label: str(c.iri) for c in class_table(kg)}
RELATIONS = {r.label: str(r.iri) for r in relation_table(kg)}
S = st.session_state


def _is_entity(iri: str) -> bool:
    return kg.class_of(URIRef(iri)) is not None


def _entity_param(name: str) -> str | None:
    node = entity_from_param(kg, name)
    return str(node) if node is not None else None


def _list_param(name: str, allowed: dict[str, str]) -> list[str] | None:
    raw = st.query_params.get(name)
    if not raw:
        return None
    by_local = {iri.rsplit("/", 1)[-1]: label for label, iri in allowed.items()}
    picked = [by_local[x] for x in raw.split(",") if x in by_local]
    return picked or None


# -- state from the URL, once per session ----------------------------------------------------------
if "explore_init" not in S:
    S.explore_init = True
    S.explore_selected = _entity_param("entity")
    S.explore_focus = _entity_param("focus")
    try:
        S.explore_radius = min(3, max(1, int(st.query_params.get("radius", 2))))
    except ValueError:
        S.explore_radius = 2
    S.explore_classes = _list_param("classes", CLASSES) or list(CLASSES)
    S.explore_relations = _list_param("relations", RELATIONS) or list(RELATIONS)
    S.explore_expanded = []  # a stack, so "undo" pops the last expansion
    S.explore_cap = DEFAULT_MAX_NODES
    S.explore_last_click = None


def _sync_url() -> None:
    params = {}
    if S.explore_selected:
        params["entity"] = curie(S.explore_selected)
    if S.explore_focus:
        params["focus"] = curie(S.explore_focus)
        params["radius"] = str(S.explore_radius)
    if set(S.explore_classes) != set(CLASSES):
        params["classes"] = ",".join(CLASSES[c].rsplit("/", 1)[-1] for c in S.explore_classes)
    if set(S.explore_relations) != set(RELATIONS):
        params["relations"] = ",".join(RELATIONS[r].rsplit("/", 1)[-1] for r in S.explore_relations)
    st.query_params.from_dict(params)


def _focus(iri: str | None) -> None:
    S.explore_focus = iri
    S.explore_selected = iri
    S.explore_expanded = []


# -- controls --------------------------------------------------------------------------------------
st.title("Explore the graph")
disclaimer()

with st.sidebar:
    st.subheader("Find")
    query = st.text_input("Search by name or synonym", key="explore_search",
                          placeholder="e.g. parkinsons, als, low calcium")
    if query.strip():
        hits = search(kg, query, limit=8)
        if not hits:
            st.caption(f"Nothing matches “{query}”.")
        for hit in hits:
            label = f"{capitalise(hit.label)} · {hit.cls_label}"
            if st.button(label, key=f"explore_hit_{curie(str(hit.iri))}", width="stretch"):
                _focus(str(hit.iri))
    st.subheader("View")
    st.slider("Hops around the focus", 1, 3, key="explore_radius",
              help="How far from the focused entity the view reaches.")
    st.multiselect("Classes", list(CLASSES), key="explore_classes")
    st.multiselect("Relations", list(RELATIONS), key="explore_relations")
    st.number_input("Most nodes to draw", min_value=20, max_value=1000, step=20, key="explore_cap")
    if S.explore_focus and st.button("Show the whole graph", width="stretch"):
        _focus(None)

# -- the view --------------------------------------------------------------------------------------
view = bounded_view(
    kg, focus=S.explore_focus, radius=S.explore_radius,
    classes=[CLASSES[c] for c in S.explore_classes] or None,
    relations=[RELATIONS[r] for r in S.explore_relations] or None,
    max_nodes=int(S.explore_cap), expanded=S.explore_expanded)

left, right = st.columns([3, 2], gap="medium")
with left:
    where = (f"around **{markdown_text(capitalise(kg.label(URIRef(S.explore_focus))))}** "
             f"({S.explore_radius} hop{'s' if S.explore_radius > 1 else ''})" if S.explore_focus
             else "the whole graph")
    n_nodes, n_edges = view.graph.number_of_nodes(), view.graph.number_of_edges()
    st.markdown(f"Showing {n_nodes} {'entity' if n_nodes == 1 else 'entities'} and {n_edges} "
                f"{'relation' if n_edges == 1 else 'relations'} of {where}.")
    if view.hidden:
        c1, c2 = st.columns([3, 1])
        c1.warning(f"{view.hidden} more not shown: the view is capped at {int(S.explore_cap)} nodes.")
        # A callback: the cap is a widget's state, which may only change before the widget runs.
        c2.button("Show 100 more", key="explore_more",
                  on_click=lambda: S.update(explore_cap=int(S.explore_cap) + 100))
    data = to_vis_data(view.graph, selected=S.explore_selected)
    clicked = network(data, key="explore_network", height=620)
    # The component keeps reporting its last click on every rerun: act on a click only once, so
    # a later search or "focus here" is not overridden by an old click.
    if clicked != S.explore_last_click:
        S.explore_last_click = clicked
        if clicked and _is_entity(clicked) and clicked != S.explore_selected:
            S.explore_selected = clicked
            st.rerun()
    st.markdown(legend_markdown(), unsafe_allow_html=True)  # constants only, no data
    d1, d2 = st.columns(2)
    # Built only when clicked: serialising every rerun cost more than drawing the view.
    shown = view.graph
    d1.download_button("Download view as HTML",
                       lambda: standalone_html(shown, title="Causemap view"),
                       file_name="causemap-view.html", mime="text/html", width="stretch")
    d2.download_button("Download view as Turtle",
                       lambda: view_graph(kg, shown.nodes).serialize(format="turtle"),
                       file_name="causemap-view.ttl", mime="text/turtle", width="stretch")

with right:
    sel = S.explore_selected
    if not sel or not _is_entity(sel):
        st.info("Click a node to see what it is, how it relates to others, and where each "
                "relation comes from. Search in the sidebar to focus on an entity.")
    else:
        a1, a2, a3 = st.columns(3)
        if a1.button("Focus here", key="explore_focus_btn", width="stretch"):
            _focus(sel)
            st.rerun()
        if sel in S.explore_expanded:
            if a2.button("Collapse", key="explore_collapse", width="stretch"):
                S.explore_expanded = [n for n in S.explore_expanded if n != sel]
                st.rerun()
        elif a2.button("Expand", key="explore_expand", width="stretch",
                       help="Add this entity's direct neighbours to the view."):
            S.explore_expanded = [*S.explore_expanded, sel]
            st.rerun()
        if a3.button("Undo", key="explore_undo", width="stretch",
                     disabled=not S.explore_expanded, help="Undo the last expansion."):
            S.explore_expanded = S.explore_expanded[:-1]
            st.rerun()
        show_details(kg, describe(kg, URIRef(sel)), heading_level=3)
        st.markdown(f"[Open the entity page ↗]({entity_url(sel)})")

_sync_url()
