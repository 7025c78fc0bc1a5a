"""Relate page: "How are X and Y connected?" Paths with sources, a network, shared neighbours.

A thin page over :func:`graph.learn.relate.relate`. State lives under ``relate_*`` keys and in the URL
(``?a=cm:X&b=cm:Y&len=3``), so a link reproduces the question.
"""

from __future__ import annotations


import streamlit as st
from rdflib import URIRef

from app.network_component import network
from app.details import cite
from app.state import get_kg
from app.ui import (disclaimer, entity_from_param, entity_picker, explore_url, int_from_param,
                    legend_markdown, markdown_text, url_changed, write_url)
from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.learn.relate import MAX_LENGTH, connection_graph, relate
from graph.view.render import to_vis_data

kg = get_kg()
S = st.session_state


def _sources_caption(path) -> str:
    parts = []
    for step, provs in zip(path.steps, path.sources):
        for prov in provs:
            hop = f"{kg.label(step.source)} → {kg.label(step.target)}"
            parts.append(f"{markdown_text(hop)}: “{markdown_text(prov.claim_text)}” "
                         f"({cite(prov)})")
    return "  \n".join(parts) or "No source recorded."


if url_changed("relate"):  # a link, a reload, Back or Forward: the URL decides
    S.relate_a = entity_from_param(kg, "a")
    S.relate_b = entity_from_param(kg, "b")
    S.relate_len = int_from_param("len", 3, 1, MAX_LENGTH, "steps")

st.title("How are they connected?")
disclaimer()
st.write("Pick two entities to see every path between them, shortest first, through the relations "
         "of the graph (never through merely being of the same kind), and what they share.")
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    a = entity_picker(kg, "First entity", key="relate_a")
with c2:
    b = entity_picker(kg, "Second entity", key="relate_b")
with c3:
    st.slider("Longest path (steps)", 1, MAX_LENGTH, key="relate_len",
              help="Longer paths find more connections, and more far-fetched ones.")

params = {"len": str(S.relate_len)}
params.update({k: curie(str(v)) for k, v in (("a", a), ("b", b)) if v})
write_url("relate", params)

if not a or not b:
    st.info("Example: DiGeorge syndrome and hypoparathyroidism, or Parkinson's disease and "
            "essential tremor.")
    st.stop()
if a == b:
    st.warning("Pick two different entities.")
    st.stop()

# Kept for the page's reruns (a hub and a hub on the HPO graph take two seconds).
c = kg.memo(("relate", a, b, int(S.relate_len)),
            lambda: relate(kg, URIRef(a), URIRef(b), int(S.relate_len)))
name_a, name_b = capitalise(kg.label(c.a)), kg.label(c.b)
st.markdown(f"Open in Explore: [{markdown_text(name_a)} ↗]({explore_url(c.a, selected=c.b)}) · "
            f"[{markdown_text(capitalise(name_b))} ↗]({explore_url(c.b, selected=c.a)})")

st.subheader(f"Paths ({len(c.paths)}{'+' if c.truncated else ''})")
if not c.paths:
    st.info(f"{markdown_text(name_a)} and {markdown_text(name_b)} are not connected within "
            f"{c.max_length} steps. "
            "Allow longer paths with the slider.")
else:
    left, right = st.columns([1, 1], gap="medium")
    with left:
        for i, path in enumerate(c.paths, 1):
            st.markdown(f"**{i}.** {markdown_text(path.sentence)}")
            with st.expander(f"Sources of path {i}", expanded=False):
                st.markdown(_sources_caption(path))
        if c.truncated:
            st.caption(f"Only the first {len(c.paths)} paths are listed.")
    with right:
        choices = ["all paths", *[f"path {i}" for i in range(1, len(c.paths) + 1)]]
        shown = st.selectbox("Highlight", choices, key="relate_highlight")
        chosen = c.paths if shown == "all paths" else [c.paths[choices.index(shown) - 1]]
        highlight = [str(n) for p in chosen for n in p.nodes]
        data = to_vis_data(connection_graph(kg, c, include_shared=False), highlight=highlight,
                           selected=str(c.a))
        network(data, key="relate_network", height=460)
        st.markdown(legend_markdown(), unsafe_allow_html=True)  # constants only, no data

st.subheader("Shared neighbours")
if not c.shared:
    st.info(f"{markdown_text(name_a)} and {markdown_text(name_b)} have no neighbour in common, "
            "directly or through a mechanism.")
else:
    st.caption("What both reach directly, or through one of their mechanisms.")
    for s in c.shared:
        if s.cls_label == "Mechanism" and s.direct:
            st.success(markdown_text(s.sentence), icon=":material/link:")
    # st.table wraps the sentences (st.dataframe cuts them) and reads Markdown: escape the data.
    st.table(
        {"class": [s.cls_label for s in c.shared],
         "shared neighbour": [markdown_text(s.label) for s in c.shared],
         f"how {markdown_text(kg.label(c.a))} reaches it":
             [markdown_text(s.via_a.sentence) for s in c.shared],
         f"how {markdown_text(kg.label(c.b))} reaches it":
             [markdown_text(s.via_b.sentence) for s in c.shared]},
        hide_index=True)
