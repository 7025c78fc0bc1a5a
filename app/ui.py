"""Small UI pieces shared by the pages: the disclaimer, entity pickers, entity links.

Everything from the data is shown as text: labels go through widgets that escape them, and no
data-derived string ever reaches ``unsafe_allow_html``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import streamlit as st
from rdflib import URIRef

from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.store import Store

__all__ = ["DISCLAIMER", "disclaimer", "entity_picker", "entities_picker", "entity_url",
           "explore_url", "markdown_text", "code_text", "entities_from_param", "entity_from_param",
           "int_from_param", "legend_markdown", "GLOBAL_CSS", "url_changed", "write_url"]

DISCLAIMER = ("Causemap is for learning how conditions, causes and mechanisms relate. "
              "It is not for diagnosis: see a clinician about any symptom.")


def disclaimer() -> None:
    """The visible "for learning, not for diagnosis" note (once per page, in the main column)."""
    st.caption(f":material/school: {DISCLAIMER}")
    _say_if_nothing_here()


def _say_if_nothing_here() -> None:
    """On a graph without any Causemap entity (an upload of other RDF), say so once per page,
    where the page starts: its pickers then find nothing, and that is not a fault."""
    from app.state import get_kg
    from graph.learn.stats import entity_count

    try:
        empty = entity_count(get_kg()) == 0
    except Exception:  # a store that cannot count must not take the page down
        empty = False
    if empty:
        st.info("Nothing of that kind here: this graph has no Causemap entities (conditions, "
                "causes, mechanisms, symptoms, treatments, anatomy), so the learning pages have "
                "nothing to show. The SPARQL page queries any RDF; *Graph* in the sidebar, or "
                "*Your graph*, goes back to the bundled graph.", icon=":material/info:")


# The app's own stylesheet: constants only, never data. Streamlit's captions are its text colour
# at 60 % opacity, 3.9:1 on white (WCAG AA asks 4.5:1 for small text); ours are a solid grey at
# 6.4:1 on white and 5.7:1 on the sidebar's grey. Table cells wrap (Streamlit keeps them on one
# line on a phone); a table still wider than the screen scrolls, and app.a11y lets the keyboard
# reach that scroll region.
GLOBAL_CSS = """<style data-causemap>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] { color: #57606a !important; opacity: 1 !important; }
[data-testid="stTable"] td, [data-testid="stTable"] th { white-space: normal !important; }
[data-testid="stTable"] td > div { max-width: none !important; }
/* The element holding this stylesheet takes no room on the page. */
[data-testid="stElementContainer"]:has(style[data-causemap]) { display: none; }
</style>"""


def entity_picker(kg: Store, label: str, *, key: str, classes=None, default=None,
                  allowed=None, placeholder: str = "Type a name or synonym…") -> URIRef | None:
    """One entity, found with the app's one search box (:mod:`app.search_box`); its IRI or None.

    The value lives in ``st.session_state[key]``; ``default`` is its first value in a session.
    """
    from app.search_box import search_box

    if key not in st.session_state:
        # A default the graph does not have (an example's entity, in someone's own data) is none.
        cls = kg.class_of(URIRef(str(default))) if default is not None else None
        ok = cls is not None and (classes is None or cls in {URIRef(str(c)) for c in classes})
        st.session_state[key] = URIRef(str(default)) if ok else None
    return search_box(kg, label, key=key, classes=classes, allowed=allowed,
                      placeholder=placeholder)


def entities_picker(kg: Store, label: str, *, key: str, classes=None, allowed=None,
                    max_selections: int | None = None,
                    placeholder: str = "Type a name or synonym…") -> list[URIRef]:
    """Several entities, found with the same search box, shown as removable chips."""
    from app.search_box import search_box

    st.session_state.setdefault(key, [])
    return search_box(kg, label, key=key, classes=classes, allowed=allowed, multi=True,
                      max_selections=max_selections, placeholder=placeholder)


def entity_url(iri: str) -> str:
    """A relative deep link to the entity page (``?entity=cm:X``)."""
    return f"/entity?entity={quote(curie(str(iri)), safe=':')}"


#: Characters that are not text: C0 controls but newline and tab, DEL, C1 controls, and the
#: Unicode format characters that reorder or hide text (bidirectional overrides and isolates,
#: zero-width joiners, the byte-order mark): a label could otherwise disguise what a link says.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2069\ufeff]")
#: The ASCII punctuation that starts or closes something in Markdown, GitHub's autolinks
#: (``http:``, ``www.``, ``@``), HTML and entities (``<``, ``&``), KaTeX (``$``) or Streamlit's
#: directives (``:red[…]``, ``:material/…:``). CommonMark lets any ASCII punctuation be escaped
#: with a backslash; the rest (``, ; ? ' " % /``) starts nothing and is left readable.
_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~$:@&=^]")
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|www)\\[:.]|\\@")


#: The longest text :func:`markdown_text` passes on by default: ten times the longest text in
#: the bundled data, so that a 50,000-character URL parameter or label cannot flood a message.
TEXT_LIMIT = 5000


def markdown_text(text: object, limit: int | None = TEXT_LIMIT) -> str:
    r"""Text from a user or the data, made safe for anything Streamlit renders as Markdown.

    The one escaping helper of the app: every message that quotes user input, a URL parameter, a
    file name or the data goes through it before ``st.markdown``, ``st.write``, ``st.error``,
    ``st.warning``, ``st.info``, ``st.success``, ``st.caption``, ``st.toast``, ``help=``
    tooltips, widget labels and ``st.table`` cells (all Markdown). The ASCII punctuation that
    Markdown reads is backslash-escaped, literal autolinks are broken with an invisible word
    joiner, control and invisible format characters become spaces, and ``limit`` cuts the text
    to that many characters (with "…"; :data:`TEXT_LIMIT` by default, ``None``: no cut). Never for plain-text places (``st.code``, ``st.dataframe``, ``format_func``
    options), which would show the backslashes.

    >>> markdown_text("![i](http://host/x)")
    '\\!\\[i\\]\\(http\u2060\\://host/x\\)'
    >>> markdown_text("a\x00b\u202ec", limit=2)
    'a…'
    """
    text = _NOT_TEXT.sub(" ", str(text))
    if limit is not None and len(text) > limit:
        text = text[:max(limit - 1, 0)] + "…"
    text = _PUNCTUATION.sub(lambda m: "\\" + m.group(0), text)
    # GitHub's literal autolinks are found in the text *after* escapes are read, so no backslash
    # stops them: an invisible word joiner (U+2060) breaks "http://", "www." and "a@b" instead.
    return _AUTOLINK.sub(lambda m: m.group(0)[:-2] + "\u2060" + m.group(0)[-2:]
                         if m.group(0) != "\\@" else "\\@\u2060", text)


def code_text(text: object, limit: int | None = 200) -> str:
    """Text from a user or the data as inline code (``st.markdown(f"Near: {code_text(t)}")``).

    Inside a code span Markdown is not read; the span's own delimiter (a backtick) and line
    breaks are what could end it, so they are taken out.

    >>> code_text("a`b")
    '`a b`'
    """
    text = _NOT_TEXT.sub(" ", str(text)).replace("`", " ").replace("\n", " ").replace("\r", " ")
    if limit is not None and len(text) > limit:
        text = text[:max(limit - 1, 0)] + "…"
    return f"` {text} `" if text.startswith(" ") or text.endswith(" ") else f"`{text or ' '}`"


def entities_from_param(kg: Store, name: str, classes=None, *, allowed=None,
                        limit: int | None = None, kind: str = "") -> list[URIRef]:
    """Entities named in a comma-separated URL parameter, in order, without repeats.

    Names that do not resolve, or name an entity of the wrong kind (not of ``classes``, or
    failing ``allowed``), are skipped with a warning that says why, so a stale link still opens
    the page and the student knows what was dropped. ``kind`` says in words what the page takes.
    """
    from graph.errors import CausemapError
    from graph.learn.entities import resolve

    wanted = None if classes is None else {URIRef(str(c)) for c in classes}
    picked: list[URIRef] = []
    for raw in (st.query_params.get(name) or "").split(","):
        if not raw.strip():
            continue
        try:
            node = resolve(kg, raw.strip())
        except CausemapError as exc:
            st.warning(f"The link names something not in this graph: "
                       f"{markdown_text(str(exc), limit=300)}")
            continue
        cls = kg.class_of(node)
        if (wanted is not None and cls not in wanted) or (allowed is not None and not allowed(node)):
            what = f" {markdown_text(kind)}" if kind else " of the kind this page takes"
            st.warning(f"The link's {markdown_text(capitalise(kg.label(node)))} is "
                       f"{'a ' if cls is not None else ''}{markdown_text(kg.label(cls)) if cls else 'unclassified'}, "
                       f"not{what}: left out.")
            continue
        if node not in picked:
            picked.append(node)
    if limit and len(picked) > limit:
        st.warning(f"The link names {len(picked)} entities; this page takes at most {limit}.")
    return picked[:limit] if limit else picked


def entity_from_param(kg: Store, name: str, classes=None, *, allowed=None,
                      kind: str = "") -> URIRef | None:
    """The entity a URL parameter names (label, synonym, CURIE or IRI), or None.

    A name that does not resolve, or is not of ``classes``, gets an escaped warning: the text comes
    from the URL, so it must not become Markdown links or formatting.
    """
    picked = entities_from_param(kg, name, classes, allowed=allowed, limit=1, kind=kind)
    return picked[0] if picked else None


def int_from_param(name: str, default: int, low: int, high: int, what: str, *,
                   quiet: bool = False) -> int:
    """An integer URL parameter within ``low``–``high``; a warning and ``default`` otherwise.

    The raw text is echoed escaped (it comes from the URL). ``quiet``: no warning (callbacks).
    """
    raw = st.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        if quiet:
            return default
        st.warning(f"The link's {markdown_text(name)}={markdown_text(raw[:40])} is not a number "
                   f"of {markdown_text(what)} ({low}–{high}): showing {default}.")
        return default
    if not low <= value <= high:
        clamped = min(high, max(low, value))
        if quiet:
            return clamped
        st.warning(f"The link's {markdown_text(name)}={value} is outside {low}–{high} "
                   f"{markdown_text(what)}: showing {clamped}.")
        return clamped
    return value


def url_changed(page: str) -> bool:
    """Whether the URL is not the one this page last wrote: a link, a reload, Back or Forward.

    Pages keep their choices in the session and write them to the URL (each change a browser
    history entry); when the URL changes under them, they read their choices from it again, so
    Back and Forward step through what the student chose. Arriving from the menu (Streamlit drops
    the query string between pages) keeps the session's choices.
    """
    last = st.session_state.get(f"{page}_url")
    now = st.query_params.to_dict()
    return last is None or (now != last and bool(now))


def write_url(page: str, params: dict[str, str]) -> None:
    """Write the page's choices to the URL, and remember them (see :func:`url_changed`)."""
    st.query_params.from_dict(params)
    st.session_state[f"{page}_url"] = {k: str(v) for k, v in params.items()}


def explore_url(focus, *, selected=None, radius: int | None = None) -> str:
    """A relative deep link to the Explore page (the start page, so its path is ``/``)."""
    params = {"focus": curie(str(focus))}
    if radius is not None:
        params["radius"] = str(int(radius))
    if selected is not None:
        params["entity"] = curie(str(selected))
    return "/?" + "&".join(f"{k}={quote(v, safe=':')}" for k, v in params.items())


def legend_markdown() -> str:
    """The class legend as inline SVG symbols and names, for ``st.markdown(unsafe_allow_html=True)``.

    Built only from the renderer's constants (never from data), so raw HTML is safe here.
    """
    from graph.view.render import legend, legend_svg

    return " &nbsp; ".join(f"{legend_svg(shape, colour)} {name}" for name, colour, shape in legend())
