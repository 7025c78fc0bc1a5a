"""Ontology page: the classes and relations with their definitions and counts, and the schema
drawn as a small network (class → relation → class)."""

from __future__ import annotations

import streamlit as st

from app.state import get_kg
from app.ui import disclaimer
from graph.learn.schema import class_table, relation_table, schema_graph

kg = get_kg()
st.title("Ontology")
disclaimer()
st.write("The classes and relations every entity and edge in the graph uses. Each relation reads "
         "forwards (its label) and backwards (its inverse reading), which is how paths become "
         "sentences.")

st.subheader("Classes")
st.dataframe(
    {"class": [c.label for c in class_table(kg)],
     "entities": [c.count for c in class_table(kg)],
     "definition": [c.definition for c in class_table(kg)]},
    hide_index=True, width="stretch")

st.subheader("Relations")
rels = relation_table(kg)
st.dataframe(
    {"relation": [r.label for r in rels],
     "read backwards": [r.inverse for r in rels],
     "from (domain)": [", ".join(r.domain) for r in rels],
     "to (range)": [", ".join(r.range) for r in rels],
     "uses": [r.count for r in rels],
     "definition": [r.definition for r in rels]},
    hide_index=True, width="stretch")

st.subheader("Schema")
st.caption("Each arrow is a relation allowed from one class to another.")
schema = schema_graph(kg)
try:
    from app.network_component import network
    from graph.view.render import to_vis_data
except ImportError:  # the renderer is optional for this page
    network = None
if network is not None:
    network(to_vis_data(schema), key="ontology_schema", height=520)
else:
    st.graphviz_chart("\n".join(
        ["digraph { rankdir=LR; node [shape=box];"]
        + [f'"{schema.nodes[u]["label"]}" -> "{schema.nodes[v]["label"]}" [label="{d["label"]}"];'
           for u, v, d in schema.edges(data=True)] + ["}"]))
