"""Ontology page: the classes and relations with their definitions and counts, and the schema
drawn as a small network (class → relation → class)."""

from __future__ import annotations

import streamlit as st

from app.network_component import network
from app.state import get_kg
from app.ui import disclaimer, markdown_text
from graph.learn.schema import class_table, relation_table, schema_graph
from graph.view.render import to_vis_data

kg = get_kg()
st.title("Ontology")
disclaimer()
st.write("The classes and relations every entity and edge in the graph uses. Each relation reads "
         "forwards (its label) and backwards (its inverse reading), which is how paths become "
         "sentences.")

# st.table, not st.dataframe: it wraps long definitions and shows every row, where a data grid
# cut the definitions and hid the last row behind its own scroll bar. It reads Markdown: escape.
classes = class_table(kg)
st.subheader("Classes")
st.table(
    {"class": [markdown_text(c.label) for c in classes],
     "entities": [c.count for c in classes],
     "definition": [markdown_text(c.definition) for c in classes]},
    hide_index=True)

st.subheader("Relations")
rels = relation_table(kg)
st.table(
    {"relation": [markdown_text(r.label) for r in rels],
     "read backwards": [markdown_text(r.inverse) for r in rels],
     "from (domain)": [markdown_text(", ".join(r.domain)) for r in rels],
     "to (range)": [markdown_text(", ".join(r.range)) for r in rels],
     "uses": [r.count for r in rels],
     "definition": [markdown_text(r.definition) for r in rels]},
    hide_index=True)

st.subheader("Schema")
st.caption("Each arrow is a relation allowed from one class to another. A relation's name shows "
           "where it has room; hover an arrow or a class to read the others.")
schema = schema_graph(kg)
network(to_vis_data(schema), key="ontology_schema", height=560,
        label=f"The schema: {schema.number_of_nodes()} classes and the relations between them")
