"""Overview page: what the graph holds and where it comes from."""

from __future__ import annotations

import streamlit as st

from app.state import get_kg
from app.ui import disclaimer, markdown_text
from graph.learn.stats import graph_stats

kg = get_kg()
st.title("Causemap")
disclaimer()
st.write("A knowledge graph of conditions, their causes and triggers, the mechanisms through which "
         "they act, their symptoms and signs, and their treatments, curated from one consumer-health "
         "article on upper-lip twitching. Every relation links to the article section it comes from; "
         "where the article was wrong, a curator's note says so.")
s = graph_stats(kg)
cols = st.columns(4)
cols[0].metric("Entities", s.entities)
cols[1].metric("Relations", s.relations)
cols[2].metric("Curator notes", s.notes)
cols[3].metric("Cross-references", s.xrefs)
left, right = st.columns(2)
# st.table shows every row (a data grid hid the last one behind its scroll bar); escaped Markdown.
left.subheader("Entities by class")
left.table({"class": [markdown_text(c) for c, _ in s.classes],
            "entities": [n for _, n in s.classes]}, hide_index=True)
right.subheader("Relations by kind")
right.table({"relation": [markdown_text(r) for r, _ in s.relation_kinds],
             "count": [n for _, n in s.relation_kinds]}, hide_index=True)
