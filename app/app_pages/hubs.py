"""Hubs and bridges page: mechanisms ranked by symptoms explained, and centrality as charts.

A thin page over :func:`graph.learn.hubs.mechanism_ranking` and :func:`graph.learn.hubs.centrality`; each
measure is shown with its one-sentence meaning (:data:`graph.learn.hubs.MEASURES`). The chosen measure
lives under ``hubs_measure`` and in the URL (``?measure=degree``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.state import get_kg
from app.ui import disclaimer, markdown_text, url_changed, write_url
from graph.learn.hubs import MEASURES, centrality, mechanism_ranking
from graph.view.render import class_style

kg = get_kg()
S = st.session_state
MEASURE_TITLES = {"degree": "Degree (hubs)", "betweenness": "Betweenness (bridges)"}

if url_changed("hubs"):  # a link, a reload, Back or Forward: the URL decides
    wanted = st.query_params.get("measure")
    S.hubs_measure = wanted if wanted in MEASURE_TITLES else "betweenness"
    if wanted and wanted not in MEASURE_TITLES:
        st.warning(f"The link's measure={markdown_text(wanted[:40])} is not one of "
                   f"{', '.join(MEASURE_TITLES)}: showing betweenness.")
    S.hubs_top = 15

st.title("Hubs and bridges")
disclaimer()

st.subheader("Which mechanisms explain the most symptoms?")
ranking = mechanism_ranking(kg)
mech = pd.DataFrame({
    "mechanism": [m.label for m in ranking],
    "symptoms explained": [m.n_symptoms for m in ranking],
    "symptoms": [", ".join(kg.label(s) for s in m.symptoms) or "none" for m in ranking],
    "acting through it": [", ".join(kg.label(s) for s in m.sources) or "none" for m in ranking],
})
bars = alt.Chart(mech).mark_bar(color=class_style("Mechanism").colour).encode(
    x=alt.X("symptoms explained:Q", axis=alt.Axis(tickMinStep=1)),
    y=alt.Y("mechanism:N", sort=list(mech["mechanism"]), title=None, axis=alt.Axis(labelLimit=260)),
    tooltip=["mechanism", "symptoms explained", "symptoms", "acting through it"],
)
st.altair_chart(bars.properties(height=28 * len(mech) + 30), width="stretch")
st.caption("A mechanism explains a symptom it can cause, directly or down a chain of “can cause”. "
           "Hover over a bar for the symptoms and for what acts through the mechanism.")

st.subheader("Which concepts are hubs, and which are bridges?")
c1, c2 = st.columns([2, 1])
measure = c1.radio("Measure", list(MEASURE_TITLES), key="hubs_measure", horizontal=True,
                   format_func=MEASURE_TITLES.get)
top = c2.slider("Show the top", 5, 40, key="hubs_top")
write_url("hubs", {"measure": measure})
st.info(MEASURES[measure], icon=":material/lightbulb:")

rows = centrality(kg)
df = pd.DataFrame({
    "entity": [r.label for r in rows],
    "class": [r.cls_label for r in rows],
    "degree": [r.degree for r in rows],
    "betweenness": [round(r.betweenness, 3) for r in rows],
    "cut point": ["yes" if r.cut_point else "" for r in rows],
}).sort_values([measure, "entity"], ascending=[False, True]).head(top)
# The same colour per class as in the network views, so a student's eye carries over.
class_iri = {r.cls_label: str(kg.class_of(r.node)) for r in rows}
classes = sorted(set(df["class"]))
colours = [class_style(class_iri[c]).colour for c in classes]
chart = alt.Chart(df).mark_bar().encode(
    x=alt.X(f"{measure}:Q", title=MEASURE_TITLES[measure]),
    y=alt.Y("entity:N", sort=list(df["entity"]), title=None, axis=alt.Axis(labelLimit=260)),
    color=alt.Color("class:N", scale=alt.Scale(domain=classes, range=colours), title="class"),
    tooltip=["entity", "class", "degree", "betweenness", "cut point"],
)
st.altair_chart(chart.properties(height=24 * len(df) + 30), width="stretch")
# The chosen measure is explained above the chart; the table's other columns here, once each.
for name, meaning in MEASURES.items():
    if name != measure:
        st.markdown(f"**{name.replace('_', ' ').capitalize()}**: {markdown_text(meaning)}")
st.dataframe(df, hide_index=True, width="stretch")
