"""The Compare page's two heatmaps (the page: :mod:`app.app_pages.compare`).

- :func:`organ_systems_heatmap`: for HPO diseases, how many of each one's phenotypes fall under
  each organ system, and how many all of them share;
- :func:`similarity_heatmap`: how alike every pair of conditions is
  (:func:`graph.learn.compare.similarity_matrix`).
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from app.ui import markdown_text
from graph.learn.compare import organ_system_table
from graph.learn.explain import capitalise
from graph.store import Store

__all__ = ["organ_systems_heatmap", "similarity_heatmap"]


def organ_systems_heatmap(kg: Store, nodes) -> None:
    """Phenotypes per organ system for the conditions picked (HPO diseases), and shared."""
    rows = organ_system_table(kg, nodes)
    if not rows:
        return
    st.subheader("Phenotypes by organ system")
    names = [capitalise(kg.label(n)) for n in nodes]
    cols = [*names, "shared by all"]
    # Columns headed by letters: a disease's name is often longer than a phone leaves a column
    # (slanted, the last one ran off the chart's edge), so the key says which is which.
    letters = [*"ABC"[:len(names)], "all"]
    st.caption(" · ".join(f"**{letter}** {markdown_text(name)}"
                          for letter, name in zip(letters, cols)))
    # "Abnormality of the cardiovascular system" → "Cardiovascular system": room for the cells.
    short = {r.label: capitalise(re.sub(r"^Abnormality of (the )?", "", r.label)) for r in rows}
    records = [{"system": short[r.label], "condition": col, "column": letter, "phenotypes": n}
               for r in rows
               for col, letter, n in zip(cols, letters, (*r.counts, r.shared))]
    df_sys = pd.DataFrame(records)
    top = max(df_sys["phenotypes"].max(), 1)
    grid = alt.Chart(df_sys).encode(
        # Every label shown (Vega-Lite would drop ones it thinks overlap).
        x=alt.X("column:N", sort=letters, title=None, axis=alt.Axis(
            labelAngle=0, labelOverlap=False, orient="top")),
        y=alt.Y("system:N", sort=[short[r.label] for r in rows], title=None,
                axis=alt.Axis(labelLimit=170, labelOverlap=False)))
    cells = grid.mark_rect().encode(
        color=alt.Color("phenotypes:Q", scale=alt.Scale(domain=[0, top],
                        range=["#ffffff", "#08519c"], interpolate="rgb"), title="phenotypes",
                        legend=alt.Legend(orient="bottom", gradientLength=140)),
        tooltip=["system", "condition", "phenotypes"])
    counts = grid.mark_text(fontSize=11).encode(
        text="phenotypes:Q",
        color=alt.condition(f"datum.phenotypes > {top / 2}", alt.value("white"),
                            alt.value("#1f2328")))
    st.altair_chart((cells + counts).properties(height=26 * len(rows) + 40), width="stretch")
    st.caption("How many of each condition's HPO phenotypes fall under each organ system (the "
               "top-level branches of HPO's “Phenotypic abnormality”), and how many of those all "
               "of them share. A phenotype under two systems counts in both.")


def similarity_heatmap(m) -> None:
    """The matrix of :func:`graph.learn.compare.similarity_matrix`, one cell per pair.

    Rows are numbered and named, columns numbered: names above the columns had to be slanted,
    and then took the cells' height (two long HPO names left no room for them at all) or ran off
    the chart's edge on a phone.
    """
    order = list(m.labels)
    if not order:  # a graph without comparable conditions: nothing to draw
        return
    df = pd.DataFrame(m.records())
    number = {name: i for i, name in enumerate(order, 1)}
    df["row"] = [f"{number[a]} · {a}" for a in df["a"]]
    df["column"] = [str(number[b]) for b in df["b"]]
    base = alt.Chart(df).encode(
        # Every label shown (Vega-Lite would drop overlapping ones).
        x=alt.X("column:N", sort=[str(i) for i in range(1, len(order) + 1)], title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, orient="top")),
        y=alt.Y("row:N", sort=[f"{i} · {name}" for i, name in enumerate(order, 1)], title=None,
                axis=alt.Axis(labelLimit=220)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("similarity:Q", scale=alt.Scale(domain=[0, 1], range=["#ffffff", "#08519c"],
                                                        interpolate="rgb"),
                        title="similarity", legend=alt.Legend(orient="bottom", gradientLength=140)),
        tooltip=[alt.Tooltip("a:N", title="condition"), alt.Tooltip("b:N", title="compared with"),
                 alt.Tooltip("similarity:Q", format=".2f")],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("similarity:Q", format=".2f"),
        color=alt.condition("datum.similarity > 0.5", alt.value("white"), alt.value("#1f2328")),
        # On a phone, eleven columns leave each cell about 17 px: no room for "0.00" (the colour
        # and the tooltip still say it).
        opacity=alt.condition(f"width / {len(order)} >= 34", alt.value(1), alt.value(0)),
    )
    st.altair_chart((heat + text).properties(height=36 * len(order) + 80), width="stretch")
