"""Entity page: one entity's full details and its neighbourhood, by deep link (``?entity=cm:X``).

A click on the small network opens that entity's page (a new history entry, so Back returns).
"""

from __future__ import annotations

import streamlit as st
from rdflib import URIRef

from app.details import show_details
from app.network_component import network
from app.state import get_kg
from app.ui import disclaimer, entity_from_param, entity_picker, explore_url, legend_markdown
from graph.learn.entities import describe
from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.view.network import bounded_view
from graph.view.render import to_vis_data

NEIGHBOURHOOD = 30  # nodes in the small network
kg = get_kg()
S = st.session_state


def _open(iri: str) -> None:
    """A click on the small network: that entity's page (a new history entry)."""
    if kg.class_of(URIRef(iri)) is not None:
        st.query_params["entity"] = curie(iri)

st.title("Entity")
disclaimer()

requested = st.query_params.get("entity")
current = entity_from_param(kg, "entity") if requested else None
if requested and current is None:
    st.error("The link names an entity this graph does not have: pick one below.")
# The URL decides on every run (a link, Back): the picker follows it.
if S.get("entity_pick_url") != requested:
    S.entity_pick_url = requested
    S.entity_pick = current
picked = entity_picker(kg, "Look up an entity", key="entity_pick")
if picked is not None and picked != current:
    current = picked
    S.entity_pick_url = curie(str(picked))
    st.query_params["entity"] = curie(str(picked))

if current is None:
    st.info("Type a name or a synonym above (\"low calcium\", \"upper lip\"), or open a link such "
            "as `?entity=cm:Hypocalcemia`.")
    st.stop()

details, around = st.columns([3, 2], gap="large")
with details:
    show_details(kg, describe(kg, current))
with around:
    st.subheader("Around it")
    st.markdown(f"[Open in Explore ↗]({explore_url(current, selected=current, radius=1)})")
    view = bounded_view(kg, focus=str(current), radius=1, max_nodes=NEIGHBOURHOOD)
    network(to_vis_data(view.graph, focus=str(current)), key="entity_network", height=420,
            on_click=_open,
            label=f"{capitalise(kg.label(current))} and its direct neighbours")
    if view.hidden:
        st.caption(f"The {NEIGHBOURHOOD} nearest of {view.total}: Explore shows more.")
    st.caption("Click an entity to open its page.")
    st.markdown(legend_markdown(), unsafe_allow_html=True)  # constants only, no data
