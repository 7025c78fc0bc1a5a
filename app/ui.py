"""Small UI pieces shared by the pages: the disclaimer, entity pickers, entity links.

Everything from the data is shown as text: labels go through widgets that escape them, and no
data-derived string ever reaches ``unsafe_allow_html``.
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st
from rdflib import URIRef

from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.store import Store

__all__ = ["DISCLAIMER", "disclaimer", "entity_options", "entity_picker", "entity_url",
           "markdown_text"]

DISCLAIMER = ("Causemap is for learning how conditions, causes and mechanisms relate. "
              "It is not for diagnosis: see a clinician about any symptom.")


def disclaimer() -> None:
    """The visible "for learning, not for diagnosis" note."""
    st.caption(f":material/school: {DISCLAIMER}")


def entity_options(kg: Store, classes=None) -> list[URIRef]:
    """Entities for a picker, sorted by label, optionally only of some classes."""
    ents = kg.entities()
    if classes is not None:
        ents = [e for e in ents if kg.class_of(e) in classes]
    return ents


def entity_picker(kg: Store, label: str, *, key: str, classes=None, default=None,
                  placeholder: str = "Type to search…") -> URIRef | None:
    """A searchable select box of entities showing "Label (Class)"; returns the IRI or None."""
    options = entity_options(kg, classes)
    index = options.index(default) if default in options else None

    def fmt(e: URIRef) -> str:
        cls = kg.class_of(e)
        return f"{capitalise(kg.label(e))} ({kg.label(cls)})" if cls else capitalise(kg.label(e))

    return st.selectbox(label, options, index=index, format_func=fmt, key=key,
                        placeholder=placeholder)


def entity_url(iri: str) -> str:
    """A relative deep link to the entity page (``?entity=cm:X``)."""
    return f"/entity?entity={quote(curie(str(iri)), safe=':')}"


def markdown_text(text: str) -> str:
    """Escape Markdown in data text so that it shows literally in st.markdown/st.write."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join("\\" + c if c in specials else c for c in text)


def entities_from_param(kg: Store, name: str, allowed, *, limit: int | None = None) -> list[URIRef]:
    """Entities named in a comma-separated URL parameter, in order, without repeats.

    Names that do not resolve, or are not in ``allowed``, are skipped with a warning, so a stale
    link still opens the page.
    """
    from graph.learn.entities import resolve
    from graph.errors import CausemapError

    picked: list[URIRef] = []
    for raw in (st.query_params.get(name) or "").split(","):
        if not raw.strip():
            continue
        try:
            node = resolve(kg, raw.strip())
        except CausemapError as exc:
            st.warning(f"The link names something not in this graph: {markdown_text(str(exc))}")
            continue
        if node in allowed and node not in picked:
            picked.append(node)
    return picked[:limit] if limit else picked


def entity_from_param(kg: Store, name: str, classes=None) -> URIRef | None:
    """The entity a URL parameter names (label, synonym, CURIE or IRI), or None.

    A name that does not resolve, or is not of ``classes``, gets an escaped warning: the text comes
    from the URL, so it must not become Markdown links or formatting.
    """
    picked = entities_from_param(kg, name, set(entity_options(kg, classes)), limit=1)
    return picked[0] if picked else None


def legend_markdown() -> str:
    """The class legend as inline SVG symbols and names, for ``st.markdown(unsafe_allow_html=True)``.

    Built only from the renderer's constants (never from data), so raw HTML is safe here.
    """
    from graph.view.render import legend, legend_svg

    return " &nbsp; ".join(f"{legend_svg(shape, colour)} {name}" for name, colour, shape in legend())
