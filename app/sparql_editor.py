"""The SPARQL editor widget: CodeMirror 6 in a Streamlit components-v2 component.

The editor highlights SPARQL, numbers lines, matches brackets, suggests keywords, prefixes, terms
and entities (with their labels) as the student types, underlines the spot a syntax error points
at, and runs the query on Ctrl/Cmd+Enter or its Run button. It is one ES module built from pinned
npm packages (``app/assets/sparql-editor/``: source, lockfile and ``build.sh``; licences in
``app/assets/sparql-editor.LICENSE.txt``) and passed inline to ``st.components.v2.component``, so
nothing is fetched at run time and the app works offline (the browser test records every request).
streamlit-code-editor (react-ace) was the other candidate; it was not taken because it is a
components-v1 iframe, and a v2 component of our own lets the editor underline errors from Python
and suggest the graph's own terms, with a bundle we build and pin ourselves.

How text moves: Python sends ``value`` with a ``version``; the browser replaces the editor's text
only when the version changes (an example or a built question was loaded), so reruns never undo
typing. Running sends the trigger ``run = {"text": …, "nonce": …}``; :func:`sparql_editor` returns
the text once per nonce. Tests (which have no browser) set the same value through the widget's key:
``at.session_state[key] = submission(text)``.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from graph.namespace import PREFIXES, curie
from graph.store import Store

__all__ = ["ASSET", "sparql_editor", "submission", "completions"]

ASSET = Path(__file__).resolve().parent / "assets" / "sparql-editor.min.js"

_CSS = """
.cm-sparql { border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: var(--st-base-radius, 0.5rem); overflow: hidden; }
.cm-sparql-host { resize: vertical; overflow: hidden; min-height: 6rem; }
.cm-sparql-host .cm-editor { height: 100%; }
.cm-sparql-bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: 0.35rem 0.5rem; background: var(--st-secondary-background-color, #f0f2f6);
  border-top: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  font-family: var(--st-font, sans-serif); font-size: 0.85rem; }
.cm-sparql-hint { color: #57606a; }
.cm-sparql-run { font: inherit; font-weight: 600; cursor: pointer; color: #fff;
  background: var(--st-primary-color, #ff4b4b); border: none;
  border-radius: var(--st-base-radius, 0.5rem); padding: 0.3rem 1rem; }
.cm-sparql-run:hover { filter: brightness(0.92); }
.cm-sparql-run:focus-visible { outline: 2px solid var(--st-text-color, #31333f);
  outline-offset: 2px; }
"""


@lru_cache(maxsize=1)
def _component():
    # Registered once per process: the module text is large, and registering twice only warns.
    return st.components.v2.component("causemap_sparql_editor", js=ASSET.read_text("utf-8"),
                                      css=_CSS)


def submission(text: str, nonce: str | None = None) -> dict[str, Any]:
    """The value the browser sends when the student runs ``text``; tests set it by key.

    >>> submission("ASK {}", nonce="n1")
    {'run': {'text': 'ASK {}', 'nonce': 'n1'}}
    """
    return {"run": {"text": text, "nonce": nonce or uuid.uuid4().hex}}


#: Entities the editor suggests at most: a big store's best-connected ones (the editor receives
#: the list, and a 40,000-entity list is no help in a completion menu anyway).
ENTITY_COMPLETIONS = 2000


@lru_cache(maxsize=4)
def completions(kg: Store) -> list[dict[str, str]]:
    """What the editor suggests after a prefix: ontology terms and entities, with their labels.

    Each item is ``{"label": CURIE, "detail": label, "type": kind}``; the kinds are CodeMirror's
    completion icons (``class``, ``property``, ``constant``). Entities: all of them up to
    :data:`ENTITY_COMPLETIONS`, else that many of the best connected. Cached per graph: do not
    mutate.
    """
    from rdflib.namespace import OWL, RDF

    items: dict[str, dict[str, str]] = {}
    for cls in sorted(kg.entity_classes, key=str):
        items[curie(str(cls))] = {"label": curie(str(cls)), "detail": kg.label(cls), "type": "class"}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for prop in kg.subjects(RDF.type, kind):
            short = curie(str(prop))
            if short != str(prop):
                items[short] = {"label": short, "detail": kg.label(prop), "type": "property"}
    ents = kg.entities()
    if len(ents) > ENTITY_COMPLETIONS:
        from graph.view.network import hubs_by_degree

        ents = hubs_by_degree(kg, ENTITY_COMPLETIONS)
    for ent in ents:
        short = curie(str(ent))
        cls = kg.class_of(ent)
        detail = f"{kg.label(ent)} ({kg.label(cls)})" if cls is not None else kg.label(ent)
        items.setdefault(short, {"label": short, "detail": detail, "type": "constant"})
    for short in ("rdf:type", "rdfs:label", "rdfs:subClassOf", "rdfs:comment", "skos:altLabel",
                  "skos:definition", "skos:exactMatch", "skos:closeMatch"):
        items.setdefault(short, {"label": short, "detail": "", "type": "property"})
    return sorted(items.values(), key=lambda item: item["label"].lower())


def sparql_editor(value: str, *, key: str, version: int = 0, height: int = 300,
                  error: dict[str, Any] | None = None,
                  suggestions: list[dict[str, str]] | None = None,
                  placeholder: str | None = None,
                  on_run: Callable[[str], None] | None = None) -> str | None:
    """Show the editor; return the query text when the student has just run it, else ``None``.

    Parameters
    ----------
    value : str
        The text to show. It replaces what is in the editor only when ``version`` changes.
    key : str
        The widget key (page-prefixed, e.g. ``"query_editor"``).
    version : int
        Bump it to load ``value`` into the editor (an example, a built question, history).
    height : int
        Editor height in pixels; the student can drag it taller.
    error : dict, optional
        ``{"line", "column", "token", "message"}`` of a syntax error to underline (1-based).
    suggestions : list of dict, optional
        Completions after a prefix, as made by :func:`completions`.
    placeholder : str, optional
        Grey text shown while the editor is empty.
    on_run : callable, optional
        Called with the text as a Streamlit callback, before the rerun draws the page, so that
        what the run changes (results, the error underline) shows at once. A request answered
        by the callback is not returned again.

    Returns
    -------
    str or None
        The submitted text, once per run request (``None`` when ``on_run`` answered it).
    """
    data = {"value": value, "version": version, "height": height, "error": error,
            "prefixes": list(PREFIXES), "terms": suggestions or [],
            "placeholder": placeholder or "", "label": "SPARQL query"}

    def callback() -> None:
        if on_run is not None:
            text = _take(key, (st.session_state.get(key) or {}).get("run"))
            if text is not None:
                on_run(text)

    result = _component()(key=key, data=data, on_run_change=callback)
    return _take(key, getattr(result, "run", None))


def _take(key: str, request: Any) -> str | None:
    """The text of a run request not answered before; marks it answered."""
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        return None
    seen_key = f"{key}__answered"
    nonce = str(request.get("nonce", ""))
    if st.session_state.get(seen_key) == nonce:
        return None  # answered already (by the callback, or on an earlier rerun)
    st.session_state[seen_key] = nonce
    return request["text"]
