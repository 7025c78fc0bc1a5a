"""Differential trainer (a learning exercise): which conditions and triggers explain the findings.

A thin page over :func:`graph.learn.differential.differential`, or, on a store with HPO
annotations, :func:`app.differential_view.hpo_page` (every disease ranked by phenotype
similarity, the why of each, the next finding to ask about). The findings live under
``differential_findings`` and in the URL (``?f=cm:A,cm:B``, ``?f=obo:HP_0002901,…``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.details import cite
from app.differential_view import SHOWN, hpo_page, next_finding_box
from app.state import get_kg
from app.ui import entities_from_param, entities_picker, markdown_text, url_changed, write_url
from graph.learn.differential import LEARNING_NOTE, differential, finding_options
from graph.learn.explain import capitalise
from graph.learn.phenotype_index import has_phenotype_annotations
from graph.namespace import curie
from graph.view.render import class_style

kg = get_kg()
S = st.session_state

# What may be picked as a finding, worked out once per store (graph.learn.differential decides).
FINDINGS = kg.__dict__.get("_app_findings")
if FINDINGS is None and not has_phenotype_annotations(kg):
    FINDINGS = kg.__dict__["_app_findings"] = frozenset(finding_options(kg))

if has_phenotype_annotations(kg):
    hpo_page(kg)
    st.stop()

if url_changed("differential"):  # a link, a reload, Back or Forward: the URL decides
    S.differential_findings = entities_from_param(
        kg, "f", allowed=FINDINGS.__contains__,
        kind="a finding (a symptom or sign, an age at onset, a trigger or a past condition)")

st.title("Differential trainer")
# One note, the page's own: it says "not a diagnosis", so the general disclaimer would repeat it.
st.warning(f"**{LEARNING_NOTE}** See a clinician about any symptom.", icon=":material/school:")
findings = entities_picker(
    kg, "Findings: symptoms and signs, age at onset, history (a trigger, an exposure, a past condition)",
    key="differential_findings", allowed=FINDINGS.__contains__,
    placeholder="e.g. upper-lip twitching, tremor of the hands, age 40 or older, stopping coffee")
write_url("differential", {"f": ",".join(curie(str(n)) for n in findings)} if findings else {})

if not findings:
    st.info("Pick one or more findings. Try upper-lip twitching, tremor of the hands and age 40 or "
            "older; or recent thyroid surgery; or stopping coffee.")
    st.stop()

d = differential(kg, findings)
if not d.candidates:
    st.info("No condition or trigger in the graph explains these findings.")
    st.stop()

st.subheader("What explains these findings")
df = pd.DataFrame({
    "rank": range(1, len(d.candidates) + 1),
    "candidate": [c.label for c in d.candidates],
    "kind": [c.cls_label for c in d.candidates],
    "explains": [c.n_explained for c in d.candidates],
    "coverage": [round(c.coverage, 2) for c in d.candidates],
    "explained findings": [", ".join(link.label for link in c.explained) for c in d.candidates],
})
# The classes keep their colours from the network views.
kind_iri = {c.cls_label: str(kg.class_of(c.node)) for c in d.candidates}
kinds = sorted(kind_iri)
chart = alt.Chart(df).mark_bar().encode(
    x=alt.X("explains:Q", title=f"findings explained (of {len(d.findings)})",
            scale=alt.Scale(domain=[0, len(d.findings)]), axis=alt.Axis(tickMinStep=1)),
    y=alt.Y("candidate:N", sort=list(df["candidate"]), title=None, axis=alt.Axis(labelLimit=240)),
    color=alt.Color("kind:N", title="kind",
                    scale=alt.Scale(domain=kinds,
                                    range=[class_style(kind_iri[k]).colour for k in kinds])),
    tooltip=["rank", "candidate", "kind", "explains", alt.Tooltip("coverage:Q", format=".0%"),
             "explained findings"],
)
st.altair_chart(chart.properties(height=26 * len(df) + 30), width="stretch")
st.caption("Ranked by the number of findings explained, then by coverage (the share of the "
           "candidate's own findings in the graph that you picked), then by name.")

if d.next_finding:
    nf = d.next_finding
    next_finding_box(nf)

for rank, cand in enumerate(d.candidates[:SHOWN], 1):
    title = (f"{rank}\\. {markdown_text(capitalise(cand.label))} ({markdown_text(cand.cls_label)}): "
             f"explains {cand.n_explained} of {len(d.findings)}")
    with st.expander(title, expanded=rank <= 2):
        for link in cand.links:
            # Material icons ship with Streamlit; emoji would depend on the reader's fonts.
            mark = (":green[:material/check_circle:]" if link.explained
                    else ":red[:material/cancel:]")
            st.markdown(f"{mark} **{markdown_text(capitalise(link.label))}**: "
                        f"{markdown_text(link.reason)}")
            if link.path is not None:
                sources = [f"{cite(p)}: “{markdown_text(p.claim_text)}”"
                           for provs in link.path.sources for p in provs]
                if sources:
                    st.caption("  \n".join(sources))
if len(d.candidates) > SHOWN:
    st.caption(f"{len(d.candidates) - SHOWN} more candidates explain fewer findings: see the chart.")
