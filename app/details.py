"""The entity details view, shared by the Explore page's panel and the Entity page.

Shows what :func:`graph.learn.entities.describe` returns: class, synonyms, definition, cross-reference
links, curator notes, and every relation in and out as a sentence with its source section and
claim. Data text is escaped before it reaches Markdown, and never goes through unsafe HTML.
"""

from __future__ import annotations

import streamlit as st

from app.ui import code_text, entity_url, markdown_text
from graph.learn.entities import EntityDetails, Relation
from graph.learn.explain import capitalise
from graph.store import Store

__all__ = ["show_details", "relation_line"]


def relation_line(kg: Store, rel: Relation, *, link_pages: bool = True) -> str:
    """Markdown for one relation: the sentence, with the other entity linked to its page."""
    other = rel.object if rel.direction == "out" else rel.subject
    sentence = markdown_text(rel.sentence)
    if link_pages:
        sentence += f" [→ {markdown_text(kg.label(other))}]({entity_url(str(other))})"
    return sentence


def _source_caption(rel: Relation) -> str:
    if not rel.provenance:
        return "No source recorded."
    parts = []
    for prov in rel.provenance:
        parts.append(f"§ {markdown_text(prov.section_label)} — “{markdown_text(prov.claim_text)}”")
    return " · ".join(parts)


def show_details(kg: Store, d: EntityDetails, *, heading_level: int = 2,
                 link_pages: bool = True) -> None:
    """Render an entity's details."""
    title = markdown_text(capitalise(d.label))
    st.markdown(f"{'#' * heading_level} {title}")
    st.caption(f"{markdown_text(d.cls_label)} · {code_text(d.curie)}")
    if d.synonyms:
        st.markdown("**Also called:** " + ", ".join(markdown_text(s) for s in d.synonyms))
    if d.definition:
        st.markdown(markdown_text(d.definition))
    if d.xrefs:
        links = [f"[{x.short_id}]({x.url}) ({x.kind})" for x in d.xrefs]
        st.markdown("**Cross-references:** " + " · ".join(links))
    for note in d.notes:
        st.warning(f"Curator's note: {markdown_text(note)}", icon=":material/edit_note:")
    for direction, heading, rels in (("out", "Relations from here", d.outgoing),
                                     ("in", "Relations to here", d.incoming)):
        if not rels:
            continue
        st.markdown(f"**{heading}** ({len(rels)})")
        for rel in rels:
            st.markdown("- " + relation_line(kg, rel, link_pages=link_pages))
            st.caption(_source_caption(rel))
            for prov in rel.provenance:
                for note in prov.notes:
                    st.caption(f"✎ Curator's note: {markdown_text(note)}")
