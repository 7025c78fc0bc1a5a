"""The entity details view, shared by the Explore page's panel and the Entity page.

Shows what :func:`graph.learn.entities.describe` returns: class, synonyms, definition, cross-reference
links, curator notes, and every relation in and out as a sentence with its source section and
claim. Data text is escaped before it reaches Markdown, and never goes through unsafe HTML.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from app.ui import code_text, entity_url, markdown_text
from graph.learn.entities import EntityDetails, Relation
from graph.learn.explain import capitalise
from graph.store import Store

__all__ = ["show_details", "relation_line", "cite"]


def relation_line(kg: Store, rel: Relation, *, link_pages: bool = True) -> str:
    """Markdown for one relation: the sentence, with the other entity linked to its page."""
    other = rel.object if rel.direction == "out" else rel.subject
    sentence = markdown_text(rel.sentence)
    if link_pages:
        sentence += f" [→ {markdown_text(kg.label(other))}]({entity_url(str(other))})"
    return sentence


def cite(prov) -> str:
    """A provenance as a reader cites it, escaped: "§ 4. DiGeorge Syndrome" for a section of
    the article, the release's name for an imported edge ("Human Phenotype Ontology release …")."""
    return markdown_text(f"§ {prov.section_label}" if prov.section is not None else prov.section_label)


def _source_caption(rel: Relation) -> str:
    if not rel.provenance:
        return "No source recorded."
    parts = []
    for prov in rel.provenance:
        where = cite(prov)
        parts.append(f"{where} — “{markdown_text(prov.claim_text)}”" if prov.claim_text else where)
    return " · ".join(parts)


def _corroboration(rel: Relation) -> list[str]:
    """What the HPO release says of a curated claim: the annotations that support it, or that
    contradict it (``docs/hpo-model.md``), as captions."""
    lines = []
    for prov in rel.provenance:
        for said, found in (("✓ HPO supports this", prov.supported),
                            ("✗ HPO contradicts this", prov.contradicted)):
            if found:
                rest = f" (and {len(found) - 2} more)" if len(found) > 2 else ""
                lines.append(f"{said}: " + "; ".join(markdown_text(a) for a in found[:2]) + rest)
    return lines


def _more_caption(kg: Store, n: int, d: EntityDetails, direction: str, predicate) -> str:
    """The relations not written out, and a SPARQL link that lists them all."""
    me, p = f"<{d.iri}>", f"<{predicate}>"
    pattern = f"{me} {p} ?other" if direction == "out" else f"?other {p} {me}"
    query = (f"SELECT ?other ?label WHERE {{\n  {pattern} .\n  ?other rdfs:label ?label\n}}\n"
             "ORDER BY ?label")
    link = "/query?" + urlencode({"q": query})
    return (f"… and {n:,} more. [List them all on the SPARQL page ↗]({link})")


def _by_frequency(kg: Store, rels: list[Relation], link_pages: bool) -> None:
    """Relations from HPO annotations, in HPO's frequency bands (most frequent first), one
    Markdown list per band, the first band open."""
    bands: dict[str, list[Relation]] = {}
    for rel in rels:
        bands.setdefault(rel.band, []).append(rel)
    for i, (band, members) in enumerate(bands.items()):
        with st.expander(f"{band} · {len(members)}", expanded=i == 0):
            lines = []
            for rel in members:
                detail = next((p.claim_text for p in rel.provenance if p.claim_text), "")
                lines.append("- " + relation_line(kg, rel, link_pages=link_pages)
                             + (f" — *{markdown_text(detail)}*" if detail else ""))
            st.markdown("\n".join(lines))


def show_details(kg: Store, d: EntityDetails, *, heading_level: int = 2,
                 link_pages: bool = True) -> None:
    """Render an entity's details.

    Relations are listed by kind; a kind whose relations come from HPO annotations with
    frequencies (a disease's phenotypes, a phenotype's diseases) is grouped by frequency band.
    A curated claim that the HPO release corroborates or contradicts says so under it.
    """
    title = markdown_text(capitalise(d.label))
    st.markdown(f"{'#' * heading_level} {title}")
    st.caption(f"{markdown_text(d.cls_label)} · {code_text(d.curie)}")
    if d.synonyms:
        st.markdown("**Also called:** " + ", ".join(markdown_text(s) for s in d.synonyms[:30])
                    + (f" and {len(d.synonyms) - 30} more" if len(d.synonyms) > 30 else ""))
    if d.definition:
        st.markdown(markdown_text(d.definition))
    if d.xrefs:
        links = [f"[{markdown_text(x.short_id)}]({x.url}) ({x.kind})" for x in d.xrefs]
        st.markdown("**Cross-references:** " + " · ".join(links))
    for note in d.notes:
        st.warning(f"Curator's note: {markdown_text(note)}", icon=":material/edit_note:")
    for direction, heading, rels in (("out", "Relations from here", d.outgoing),
                                     ("in", "Relations to here", d.incoming)):
        if not rels:
            continue
        hidden = sum(n for (way, _), n in d.more.items() if way == direction)
        st.markdown(f"**{heading}** ({len(rels) + hidden:,})")
        kinds: dict = {}
        for rel in rels:
            kinds.setdefault(rel.predicate, []).append(rel)
        for predicate, members in kinds.items():
            more = d.more.get((direction, predicate), 0)
            if any(r.frequency is not None for r in members):
                name = capitalise(kg.label(predicate))
                st.markdown(f"*{markdown_text(name)}* — {len(members) + more:,}, by how often HPO "
                            "sees them")
                _by_frequency(kg, members, link_pages)
            else:
                for rel in members:
                    st.markdown("- " + relation_line(kg, rel, link_pages=link_pages))
                    st.caption(_source_caption(rel))
                    for line in _corroboration(rel):
                        st.caption(line)
                    for prov in rel.provenance:
                        for note in prov.notes:
                            st.caption(f"✎ Curator's note: {markdown_text(note)}")
            if more:
                st.caption(_more_caption(kg, more, d, direction, predicate))
