"""Treatments page: what a treatment acts on, what it reaches, which symptom paths it interrupts.

A thin page over :func:`graph.learn.treatments.treatment_view`. The treatment lives under
``treatments_pick`` and in the URL (``?treatment=cm:X``).
"""

from __future__ import annotations


import streamlit as st
from rdflib import URIRef

from app.network_component import network
from app.state import get_kg
from app.ui import (disclaimer, entity_from_param, entity_picker, explore_url, legend_markdown,
                    markdown_text, url_changed, write_url)
from graph.learn.explain import capitalise
from graph.namespace import CM, curie
from graph.view.render import to_vis_data
from graph.learn.treatments import treatment_graph, treatment_view

kg = get_kg()
S = st.session_state


def _sources(path) -> str:
    return "  \n".join(f"§ {markdown_text(p.section_label)}: “{markdown_text(p.claim_text)}”"
                       for provs in path.sources for p in provs) or "No source recorded."


if url_changed("treatments"):  # a link, a reload, Back or Forward: the URL decides
    S.treatments_pick = entity_from_param(kg, "treatment", classes={CM.Treatment},
                                          kind="a treatment")

st.title("Treatments")
disclaimer()
pick = entity_picker(kg, "Treatment", key="treatments_pick", classes={CM.Treatment},
                     placeholder="e.g. calcium replacement")
write_url("treatments", {"treatment": curie(str(pick))} if pick else {})
if not pick:
    st.info("Pick a treatment to see which mechanisms and conditions it acts on, and which "
            "symptom paths it interrupts.")
    st.stop()

v = treatment_view(kg, URIRef(pick))
st.header(markdown_text(capitalise(v.label)))
st.markdown(f"[Open in Explore ↗]({explore_url(v.node, selected=v.node, radius=2)})")
if v.definition:
    st.markdown(markdown_text(v.definition))

left, right = st.columns(2, gap="medium")
with left:
    st.subheader("Acts on")
    # st.table wraps long cells (st.dataframe cuts them) and reads Markdown: escape the data.
    # Class names come from the ontology (data too): escaped like the rest.
    st.table({"target": [markdown_text(t.label) for t in v.targets],
              "class": [markdown_text(t.cls_label) for t in v.targets],
              "source": [markdown_text("; ".join(f"§ {p.section_label}"
                                                 for provs in t.path.sources for p in provs))
                         for t in v.targets]},
             hide_index=True)
    st.subheader("Conditions it reaches")
    if not v.conditions:
        st.caption("No condition: the graph links this treatment only to triggers, mechanisms or "
                   "symptoms.")
    for c in v.conditions:
        st.markdown(f"- {markdown_text(c.path.sentence)}")
with right:
    st.subheader("Symptom paths it interrupts")
    st.caption("Chains from a mechanism or trigger it acts on down to a symptom.")
    if not v.interrupted:
        st.info("None traced.")
    for path in v.interrupted:
        st.markdown(f"- {markdown_text(path.sentence)}")
        st.caption(_sources(path))
    for u in v.untraced:
        st.info(f"The graph says this treatment treats {markdown_text(kg.label(u))} but not "
                "through which mechanism, so no symptom path is traced for it.")
    if v.symptoms:
        st.markdown("**Symptoms it reaches:** " + ", ".join(markdown_text(kg.label(s))
                                                            for s in v.symptoms))

st.subheader("In the network")
H = treatment_graph(kg, v)
# Everything drawn belongs to a listed sentence, so nothing is dimmed; the treatment is selected.
network(to_vis_data(H, selected=str(v.node), highlight=list(H.nodes)), key="treatments_network",
        height=420)
st.caption("The treatment, what it acts on, and the paths it interrupts.")
st.markdown(legend_markdown(), unsafe_allow_html=True)  # constants only, no data
