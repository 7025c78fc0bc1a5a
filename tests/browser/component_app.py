"""A tiny Streamlit app around the network component, for tests/browser/test_component_browser.py.

It draws three entities, one of them labelled ``<img src=x onerror=alert(1)>``, shows the id the
component sends back as ``selected=<id>`` and restyles the drawing around the selection. With
``?nodes=N`` it draws a ring of N entities instead; the "Add a neighbour" button grows the view by
one entity (the app's "expand"), to check that drawn entities keep their place.
"""

import networkx as nx
import streamlit as st

from app.network_component import network
from graph.view.render import to_vis_data

CM = "https://w3id.org/causemap/"
EVIL = "<img src=x onerror=alert(1)>"


def three_entities() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node(CM + "Hypocalcemia", label="Hypocalcemia", cls=CM + "Mechanism", cls_label="Mechanism",
               title="Too little calcium in the blood.")
    G.add_node(CM + "Evil", label=EVIL, cls=CM + "Symptom", cls_label="Symptom", title=EVIL)
    G.add_node(CM + "CalciumReplacement", label="Calcium replacement", cls=CM + "Treatment",
               cls_label="Treatment")
    G.add_edge(CM + "Hypocalcemia", CM + "Evil", key=CM + "canCause", predicate=CM + "canCause",
               label="can cause")
    G.add_edge(CM + "Hypocalcemia", CM + "CalciumReplacement", key=CM + "treatedBy",
               predicate=CM + "treatedBy", label="treated by")
    return G


n = int(st.query_params.get("nodes", 0))
G = nx.cycle_graph(n, create_using=nx.MultiDiGraph) if n else three_entities()
if n:
    G = nx.relabel_nodes(G, {i: f"{CM}N{i}" for i in range(n)})
    for node in G:
        G.nodes[node].update(label=node.rsplit("/", 1)[-1], cls=CM + "Condition", cls_label="Condition")
extra = st.session_state.setdefault("extra", 0)
if st.button("Add a neighbour"):
    st.session_state.extra = extra = extra + 1
for i in range(extra):
    G.add_node(f"{CM}Extra{i}", label=f"Extra {i}", cls=CM + "Pathogen", cls_label="Pathogen")
    G.add_edge(CM + "Hypocalcemia" if not n else f"{CM}N0", f"{CM}Extra{i}", key="p", label="related")

# A click is an event (app.network_component): the app keeps the last one, as the pages do.
selected = st.session_state.get("picked")
network(to_vis_data(G, selected=selected), key="net", height=480,
        on_click=lambda node: st.session_state.update(picked=node))
st.text(f"selected={st.session_state.get('picked')}")
