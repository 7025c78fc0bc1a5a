"""Entity page: one entity's full details, reachable by deep link (``?entity=cm:Hypocalcemia``)."""

from __future__ import annotations

import streamlit as st

from app.details import show_details
from app.state import get_kg
from app.ui import disclaimer, entity_picker
from graph.learn.entities import describe, resolve
from graph.errors import CausemapError
from graph.namespace import curie

kg = get_kg()
st.title("Entity")
disclaimer()

requested = st.query_params.get("entity")
current = None
if requested:
    try:
        current = resolve(kg, requested)
    except CausemapError as exc:
        st.error(f"The link names an entity this graph does not have: {exc}")

picked = entity_picker(kg, "Look up an entity", key="entity_pick", default=current)
if picked is not None and picked != current:
    current = picked
    st.query_params["entity"] = curie(str(picked))

if current is None:
    st.info("Pick an entity above, or open a link such as `?entity=cm:Hypocalcemia`.")
else:
    show_details(kg, describe(kg, current))
