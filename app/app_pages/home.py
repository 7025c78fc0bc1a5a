"""Overview page: what the graph holds and where it comes from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app.state import current_dataset, get_kg
from app.ui import disclaimer, markdown_text
from graph.learn.stats import graph_stats

kg = get_kg()
st.title("Causemap")
disclaimer()
dataset = current_dataset()
st.write("A knowledge graph of conditions, their causes and triggers, the mechanisms through which "
         "they act, their symptoms and signs, and their treatments. Every relation says where it "
         "comes from; where a source was wrong, a curator's note says so.")
st.markdown(f"**Loaded now: {markdown_text(dataset.label)}.** {markdown_text(dataset.help)} "
            "Switch graphs with *Graph* in the sidebar.")
s = graph_stats(kg)
cols = st.columns(4)
# Thousands separated: 280,761 relations, not 280761.
cols[0].metric("Entities", f"{s.entities:,}")
cols[1].metric("Relations", f"{s.relations:,}")
cols[2].metric("Curator notes", f"{s.notes:,}")
cols[3].metric("Cross-references", f"{s.xrefs:,}")
left, right = st.columns(2)
# st.table shows every row (a data grid hid the last one behind its scroll bar); escaped Markdown.
left.subheader("Entities by class")
left.table(pd.DataFrame({"class": [markdown_text(c) for c, _ in s.classes],
                         "entities": [n for _, n in s.classes]}).style.format(
    {"entities": "{:,}"}), hide_index=True)
right.subheader("Relations by kind")
right.table(pd.DataFrame({"relation": [markdown_text(r) for r, _ in s.relation_kinds],
                          "count": [n for _, n in s.relation_kinds]}).style.format(
    {"count": "{:,}"}), hide_index=True)
st.subheader("Where the data comes from")
KINDS = {"file": "a file", "bundled": "bundled with Causemap", "store": "an on-disk store",
         "endpoint": "a SPARQL endpoint"}
# File names only: the server's folders are nobody's business.
st.table({"source": [markdown_text(src.location if src.kind == "endpoint" else Path(src.location).name)
                     for src in kg.sources],
          "kind": [KINDS.get(src.kind, src.kind) for src in kg.sources]}, hide_index=True)
