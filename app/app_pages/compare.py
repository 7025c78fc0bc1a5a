"""Compare page: two or three conditions side by side, what they share, and a similarity heatmap.

A thin page over :func:`graph.learn.compare.compare` and ``similarity_matrix`` (the heatmaps are
:mod:`app.compare_charts`'s); the selection lives under ``compare_sel`` and in the URL
(``?c=cm:A,cm:B``).
"""

from __future__ import annotations

import streamlit as st

from app.compare_charts import organ_systems_heatmap, similarity_heatmap
from app.state import get_kg
from app.ui import (disclaimer, entities_from_param, entities_picker, explore_url, markdown_text,
                    url_changed, write_url)
from graph.learn.compare import (CATEGORIES, CATEGORY_LABELS, COMPARABLE_CLASSES, MATRIX_LIMIT,
                                 SIMILARITY_EXPLAINED, compare, similarity_matrix)
from graph.learn.stats import instance_counts
from graph.namespace import CM
from graph.learn.explain import capitalise
from graph.namespace import curie

kg = get_kg()
S = st.session_state
LIST_CAP = 25  # items per heading and condition in the side-by-side lists

if url_changed("compare"):  # a link, a reload, Back or Forward: the URL decides
    S.compare_sel = entities_from_param(kg, "c", COMPARABLE_CLASSES, limit=3,
                                        kind="a condition or a trigger")


st.title("Compare conditions")
disclaimer()
sel = entities_picker(kg, "Two or three conditions (or triggers)", key="compare_sel",
                      classes=COMPARABLE_CLASSES, max_selections=3,
                      placeholder="e.g. essential tremor, Parkinson's disease")
write_url("compare", {"c": ",".join(curie(str(n)) for n in sel)} if sel else {})

if len(sel) < 2:
    st.info("Pick two or three conditions to line them up: causes, mechanisms, symptoms, anatomy "
            "and treatments, and what is shared or unique.")
else:
    organ_systems_heatmap(kg, sel)  # HPO diseases: the overview first, then the long lists
    c = compare(kg, sel)
    # One row per heading, one column per condition, so the same heading lines up across them.
    for col, p in zip(st.columns(len(c.profiles)), c.profiles):
        col.subheader(markdown_text(capitalise(p.label)))
        col.markdown(f"[Open in Explore ↗]({explore_url(p.node, selected=p.node, radius=1)})")
    for cat in CATEGORIES:
        if not any(p.items[cat] for p in c.profiles):
            continue
        st.markdown(f"**{CATEGORY_LABELS[cat]}**")
        for col, p in zip(st.columns(len(c.profiles)), c.profiles):
            lines = []
            items = p.items[cat]
            if len(items) > LIST_CAP:  # shared first, then the rest, up to the cap
                items = sorted(items, key=lambda it: it.node not in c.shared[cat])[:LIST_CAP]
            for item in items:
                mark = " ✱" if item.node in c.shared[cat] else ""
                via = f" *(via {markdown_text(kg.label(item.via))})*" if item.via else ""
                lines.append(f"- {markdown_text(item.label)}{via}{mark}")
            if len(p.items[cat]) > LIST_CAP:
                lines.append(f"- *… and {len(p.items[cat]) - LIST_CAP} more "
                             "(the table below has them all)*")
            col.markdown("\n".join(lines) if lines else "—")
    st.caption("✱ shared by all the conditions compared; *via* marks what comes through a "
               "mechanism.")

    st.subheader("Shared and unique")
    # st.table wraps long cells (st.dataframe cuts them) and reads Markdown: escape the data.

    def cell(nodes) -> str:
        return markdown_text(", ".join(kg.label(n) for n in nodes)) or "—"

    table = {"": [CATEGORY_LABELS[cat] for cat in CATEGORIES],
             "shared by all": [cell(c.shared[cat]) for cat in CATEGORIES]}
    if len(c.profiles) == 3:
        table["shared by two"] = [
            markdown_text("; ".join(f"{kg.label(n)} ({' and '.join(kg.label(w) for w in who)})"
                                    for n, who in c.partly_shared(cat).items())) or "—"
            for cat in CATEGORIES]
    for p in c.profiles:
        table[f"only {markdown_text(p.label)}"] = [cell(c.unique[p.node][cat]) for cat in CATEGORIES]
    st.table(table, hide_index=True)
    for _, _, _, sentence in c.similarities:
        st.markdown(markdown_text(sentence))


many = instance_counts(kg).get(CM.Condition, 0) > MATRIX_LIMIT
st.subheader("How alike are the conditions?" if not many else "How alike are these conditions?")
if many and len(sel) < 2:
    st.caption(f"This graph has {instance_counts(kg).get(CM.Condition, 0):,} conditions: pick two "
               "or three above to score how alike they are.")
    st.stop()
m = similarity_matrix(kg, sel if many else None)
similarity_heatmap(m)
st.caption(SIMILARITY_EXPLAINED)
if m.left_out:
    st.caption("Not shown, having no mechanisms, symptoms or anatomy in the graph: "
               + markdown_text(", ".join(kg.label(n) for n in m.left_out)) + ".")
