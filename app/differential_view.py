"""The Differential page's pieces: the next-finding box, and the whole page on an HPO store.

:mod:`app.app_pages.differential` draws the curated-graph differential itself and hands a store
with HPO annotations to :func:`hpo_page`: every disease ranked by phenotype similarity
(:func:`graph.learn.differential_hpo.phenotype_differential`), the why of each, the next finding to
ask about. Both keep the findings under ``differential_findings`` and in the URL (``?f=…``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from rdflib import URIRef

from app.ui import entities_from_param, entities_picker, markdown_text, url_changed, write_url
from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.store import Store

__all__ = ["next_finding_box", "hpo_page", "SHOWN"]

S = st.session_state
SHOWN = 8  # candidates listed in detail; the table or chart shows them all


def _add_finding(node: URIRef) -> None:
    # A callback: it runs before the next run draws the widget, so changing its value is allowed.
    S.differential_findings = [*S.differential_findings, node]


def next_finding_box(nf, id_note: str = "") -> None:
    """The next best finding, why, and a button that adds it (both kinds of differential)."""
    with st.container(border=True):
        st.markdown(f"**Next best finding to ask about: {markdown_text(nf.label)}**{id_note}")
        st.markdown(markdown_text(nf.reason))
        st.button(f"Add “{markdown_text(capitalise(nf.label))}” to my findings",
                  key="differential_add", on_click=_add_finding, args=(nf.finding,))


def hpo_page(kg: Store) -> None:
    """The page on a store with HPO annotations: every disease ranked by phenotype similarity."""
    from graph.errors import CausemapError
    from graph.learn.differential_hpo import (HPO_LEARNING_NOTE, phenotype_differential,
                                              resolve_phenotypes, short_id)
    from graph.learn.phenotype_index import phenotype_index

    index = phenotype_index(kg)  # built once per store, or loaded from beside it

    def is_phenotype(node) -> bool:
        return str(node) in index.term_id

    def add_typed() -> None:
        # A callback: resolve what was typed, add what resolves, say what did not.
        texts = [t for t in S.get("differential_typed", "").replace(";", ",").split(",")
                 if t.strip()]
        added, errors = list(S.differential_findings), []
        for text in texts:
            try:
                added += [n for n in resolve_phenotypes(kg, [text]) if n not in added]
            except CausemapError as exc:
                errors.append(str(exc))
        S.differential_findings, S.differential_errors = added, errors
        S.differential_typed = ""

    if url_changed("differential"):
        S.differential_findings = entities_from_param(
            kg, "f", allowed=is_phenotype, kind="an HPO phenotype (a symptom or sign)")

    st.title("Differential trainer")
    st.warning(f"**{HPO_LEARNING_NOTE}** See a clinician about any symptom.",
               icon=":material/school:")
    findings = entities_picker(
        kg, "Findings: HPO phenotypes (symptoms, signs, test results)",
        key="differential_findings", allowed=is_phenotype,
        placeholder="e.g. hypocalcemia, cleft palate, thymic hypoplasia, tetralogy of Fallot")
    with st.form("differential_typed_form", clear_on_submit=False, border=False):
        st.text_input("Or type findings, separated by commas (names, synonyms or HP ids)",
                      key="differential_typed",
                      placeholder="low calcium, cleft palate, HP:0001636")
        st.form_submit_button("Add findings", on_click=add_typed)
    for message in S.pop("differential_errors", []):
        st.error(message, icon=":material/error:")
    write_url("differential", {"f": ",".join(curie(str(n)) for n in findings)} if findings else {})

    if not findings:
        st.info(f"Pick one or more findings: the {len(index):,} diseases of this store are then "
                "ranked by how well their HPO annotations match them. Try hypocalcemia, cleft "
                "palate, thymic hypoplasia and tetralogy of Fallot.")
        st.stop()

    d = phenotype_differential(kg, findings, limit=20)
    if not d.candidates:
        st.info("No disease of this store is annotated with anything related to these findings.")
        st.stop()

    st.subheader("Diseases that match these findings")
    n = len(d.findings)
    df = pd.DataFrame({
        "rank": range(1, len(d.candidates) + 1),
        "disease": [c.label for c in d.candidates],
        "score": [c.score for c in d.candidates],  # second: in view on a phone too
        "explains": [f"{c.n_explained} of {n}" for c in d.candidates],
        "id": [short_id(c.node) for c in d.candidates],
        "findings explained": [", ".join(m.label for m in c.explained) for c in d.candidates],
    })
    # Eight rows in view (the rest scroll), so that the next finding stays near the top.
    st.dataframe(df, hide_index=True, width="stretch", height=35 * 9 + 3, column_config={
        "rank": st.column_config.NumberColumn("rank", width="small"),
        "score": st.column_config.ProgressColumn("score", min_value=0.0, max_value=1.0,
                                                 format="%.2f"),
    })
    st.caption(f"{d.n_matching:,} of {d.n_diseases:,} diseases share something with these "
               "findings; the best 20 are shown. Score: phenotype similarity from 0 to 1 — for "
               "each finding, the information content of the most specific HPO term it shares "
               "with one of the disease's annotations (the finding itself, a broader or a "
               "narrower term), weighted by how often the disease shows that feature, averaged "
               "over the findings. 1: every finding is annotated exactly as a frequent feature.")

    if d.next_finding:
        nf = d.next_finding
        next_finding_box(nf, f" ({short_id(nf.finding)})")

    for rank, cand in enumerate(d.candidates[:SHOWN], 1):
        title = (f"{rank}\\. {markdown_text(cand.label)} ({short_id(cand.node)}): "
                 f"score {cand.score:.2f}, explains {cand.n_explained} of {n}")
        with st.expander(title, expanded=rank <= 2):
            for m in cand.links:
                mark = (":green[:material/check_circle:]" if m.explained
                        else ":red[:material/cancel:]" if m.relation == "contradicted"
                        else ":gray[:material/radio_button_unchecked:]")
                st.markdown(f"{mark} **{markdown_text(m.label)}**: {markdown_text(m.reason)}")
    if len(d.candidates) > SHOWN:
        st.caption(f"Ranks {SHOWN + 1}–{len(d.candidates)} are in the table above.")
