"""The one entity search box: every entity picker of the app, with the same search and ranking.

A Streamlit components-v2 component (``app/assets/search-box.js``) draws a combobox; what the
student types comes back to Python (debounced, as the component's ``query`` state) and Python
answers with the best few matches of :func:`graph.learn.entities.search`, the same search as the
CLI's ``causemap search``: labels and synonyms, typos forgiven, one ranking everywhere. Each option
shows the entity's name, its class (and the class colour of the network views) and, when a synonym
matched, which one. Enter takes the top match. So the browser never receives the list of entities:
on a 40,000-entity store it receives at most ``limit`` options per keystroke.

The box lives in a fragment (:func:`streamlit.fragment`), so typing reruns only the box; a pick
reruns the page. Its value is kept in ``st.session_state[key]`` (an IRI, or a list of IRIs when
``multi``), where a page may also set it (from a link, say) before drawing the box.

Testing without a browser (AppTest runs no JavaScript): set what the browser would send, by the
component's key (:func:`box_key`), before a run::

    at.session_state[box_key("relate_a")] = {"query": "upper lip"}
    at.run()                                        # the options now answer "upper lip"
    at.session_state[box_key("relate_a")] = pick_value("upper lip")   # Enter: the top match
    at.run()
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from rdflib import URIRef

from graph.learn.entities import search
from graph.learn.explain import capitalise
from graph.store import Store

__all__ = ["search_box", "options_for", "Offer", "box_key", "pick_value", "remove_value", "COMPONENT_NAME",
           "LIMIT"]

COMPONENT_NAME = "causemap_search"
LIMIT = 8
ASSETS = Path(__file__).resolve().parent / "assets"


@functools.cache
def _component():
    return st.components.v2.component(
        COMPONENT_NAME, js=(ASSETS / "search-box.js").read_text(encoding="utf-8"),
        css=(ASSETS / "search-box.css").read_text(encoding="utf-8"))


def box_key(key: str) -> str:
    """The component's own key for the picker whose value lives at ``key``."""
    return f"{key}_search"


def pick_value(text: str, iri: str | None = None) -> dict[str, Any]:
    """What the browser sends when the student picks (an option's ``iri``, or Enter on ``text``).

    >>> pick_value("low calcium")["pick"]["text"]
    'low calcium'
    """
    return {"query": text, "pick": {"id": iri, "text": text, "nonce": uuid.uuid4().hex}}


def remove_value(iri: str) -> dict[str, Any]:
    """What the browser sends when the student removes a chosen entity."""
    return {"remove": {"id": str(iri), "nonce": uuid.uuid4().hex}}


def _colour(kg: Store, iri) -> str:
    from graph.view.render import class_style

    cls = kg.class_of(iri)
    return class_style(str(cls) if cls is not None else None).colour


def _describe(kg: Store, iri) -> dict[str, str]:
    cls = kg.class_of(iri)
    return {"id": str(iri), "label": capitalise(kg.label(iri)),
            "cls": kg.label(cls) if cls is not None else "", "colour": _colour(kg, iri)}


@dataclass(frozen=True)
class Offer:
    """One option of a picker: a search hit, or an entity linked to one (``via`` its label)."""

    iri: URIRef
    label: str
    cls_label: str
    matched: str = ""
    via: str = ""


#: A hit outside a picker's kinds this good lends its neighbours of the right kind (below).
_VIA_SCORE = 0.7
_VIA_HITS = 2
_VIA_FAN = 30  # neighbours whose own neighbours are read, when none of the first fits


def options_for(kg: Store, text: str, *, classes: Collection | None = None,
                allowed: Callable[[URIRef], bool] | None = None,
                limit: int = LIMIT) -> list[Offer]:
    """The options a picker offers for ``text``: :func:`~graph.learn.entities.search`, filtered.

    ``classes`` narrows the search itself; ``allowed`` drops further entities (a page's own rule),
    asking the search for more so that ``limit`` can still be met. When the text names something
    of another kind ("low calcium" in the Treatments picker names a mechanism), the entities of
    the right kinds related to it follow, marked ``via`` it (calcium replacement, via
    hypocalcemia): bounded neighbour lookups (one, or up to :data:`_VIA_FAN` + 1 when nothing one
    step away fits) per strong hit, at most two hits.

    >>> from graph.store import load
    >>> [o.label for o in options_for(load(), "low calcium")][:1]
    ['hypocalcemia']
    >>> from graph.namespace import CM
    >>> [(o.label, o.via) for o in options_for(load(), "low calcium", classes=[CM.Treatment])]
    [('calcium replacement', 'hypocalcemia')]
    """
    if not text or not text.strip():
        return []
    wanted = None if classes is None else {URIRef(str(c)) for c in classes}

    def fits(iri: URIRef) -> bool:
        return (wanted is None or kg.class_of(iri) in wanted) and (allowed is None or allowed(iri))

    hits = search(kg, text, limit=limit * 4 if allowed else limit, classes=wanted)
    offers = [Offer(h.iri, h.label, h.cls_label, h.matched) for h in hits if fits(h.iri)][:limit]
    if len(offers) < limit and (wanted is not None or allowed is not None):
        seen = {o.iri for o in offers}
        for hit in search(kg, text, limit=_VIA_HITS):
            if hit.score < _VIA_SCORE or fits(hit.iri):
                continue
            near = kg.neighbours(hit.iri)
            linked = [n for n in near if fits(n)]
            if not linked:  # two steps then ("upper lip": the treatments of its causes)
                linked = [m for n in near[:_VIA_FAN] for m in kg.neighbours(n) if fits(m)]
            for n in sorted(dict.fromkeys(linked), key=lambda n: kg.label(n).lower()):
                if n not in seen and len(offers) < limit:
                    seen.add(n)
                    cls = kg.class_of(n)
                    offers.append(Offer(n, kg.label(n), kg.label(cls) if cls else "", "",
                                        hit.label))
    return offers


def _option(kg: Store, offer: Offer) -> dict[str, str]:
    item = _describe(kg, offer.iri)
    item["label"] = capitalise(offer.label)
    item["cls"] = offer.cls_label
    if offer.via:
        item["via"] = offer.via
    elif offer.matched and offer.matched.casefold() != offer.label.casefold():
        item["matched"] = offer.matched
    return item


def _current(key: str, multi: bool) -> list[URIRef]:
    value = st.session_state.get(key)
    if value is None:
        return []
    if multi:
        return [URIRef(str(v)) for v in value]
    return [URIRef(str(value))]


def _in_fragment_rerun() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def search_box(kg: Store, label: str, *, key: str, classes: Collection | None = None,
               allowed: Callable[[URIRef], bool] | None = None, multi: bool = False,
               max_selections: int | None = None, placeholder: str = "Type a name or synonym…",
               keep: bool = True, on_pick: Callable[[URIRef], None] | None = None,
               hide_label: bool = False, limit: int = LIMIT):
    """Draw the search box; return the chosen IRI (``None``), or the list of them when ``multi``.

    Parameters
    ----------
    kg : Store
    label : str
        The visible label (also the combobox's accessible name).
    key : str
        Where the value lives in ``st.session_state`` (page-prefixed).
    classes : collection of IRIs, optional
        Only entities of these classes are offered.
    allowed : callable, optional
        A further test an entity must pass to be offered or taken from a pick.
    multi : bool
        Several entities, shown as removable chips.
    max_selections : int, optional
        With ``multi``: at most this many.
    placeholder : str
    keep : bool
        Show the chosen entity as a chip (``False``: the box is an action, such as "focus on…",
        and ``on_pick`` does the work).
    on_pick : callable, optional
        Called with the picked IRI, as a callback, before the page reruns.
    hide_label : bool
        Keep the label for screen readers only.
    limit : int
        Options offered per query.
    """
    return _box(kg, label, key=key, classes=tuple(classes) if classes is not None else None,
                allowed=allowed, multi=multi, max_selections=max_selections,
                placeholder=placeholder, keep=keep, on_pick=on_pick, hide_label=hide_label,
                limit=limit)


@st.fragment
def _box(kg, label, *, key, classes, allowed, multi, max_selections, placeholder, keep, on_pick,
         hide_label, limit):
    S = st.session_state
    ckey = box_key(key)
    flag = f"{key}__picked"
    message_key = f"{key}__message"
    wanted = None if classes is None else {URIRef(str(c)) for c in classes}

    def acceptable(iri: URIRef) -> bool:
        cls = kg.class_of(iri)
        return cls is not None and (wanted is None or cls in wanted) and \
            (allowed is None or allowed(iri))

    answered = f"{key}__answered"

    def fresh(request) -> dict | None:
        """A pick or remove request not handled before (the callback and the run both look)."""
        if not isinstance(request, dict) or not request.get("nonce"):
            return None
        if S.get(answered) == request["nonce"]:
            return None
        S[answered] = request["nonce"]
        return request

    def picked(request=None) -> None:
        request = fresh(request if request is not None else (S.get(ckey) or {}).get("pick"))
        if request is None:
            return
        iri = URIRef(request["id"]) if request.get("id") else None
        text = str(request.get("text") or "")
        if iri is None or not acceptable(iri):
            top = options_for(kg, text, classes=wanted, allowed=allowed, limit=1)
            iri = top[0].iri if top else None
        S[flag] = True
        if iri is None:
            S[message_key] = f"Nothing matches “{text.strip()}”." if text.strip() else ""
            return
        S.pop(message_key, None)
        if keep:
            if multi:
                chosen = _current(key, True)
                if iri not in chosen:
                    if max_selections and len(chosen) >= max_selections:
                        S[message_key] = f"At most {max_selections}: remove one first."
                        return
                    chosen.append(iri)
                S[key] = chosen
            else:
                S[key] = iri
        if on_pick is not None:
            on_pick(iri)

    def removed(request=None) -> None:
        request = fresh(request if request is not None else (S.get(ckey) or {}).get("remove"))
        if request is None:
            return
        gone = URIRef(str(request.get("id")))
        S.pop(message_key, None)
        if multi:
            S[key] = [n for n in _current(key, True) if n != gone]
        elif S.get(key) is not None and URIRef(str(S.get(key))) == gone:
            S[key] = None
        S[flag] = True

    query = str((S.get(ckey) or {}).get("query") or "")
    matches = options_for(kg, query, classes=wanted, allowed=allowed, limit=limit)
    selected = [n for n in _current(key, multi) if kg.class_of(n) is not None] if keep else []
    data = {
        "label": label, "placeholder": placeholder, "multi": multi, "hideLabel": hide_label,
        "for": query, "options": [_option(kg, m) for m in matches],
        "empty": f"Nothing matches “{query.strip()}”." if query.strip() else "",
        "selected": [_describe(kg, n) for n in selected],
        "message": S.get(message_key, ""),
    }
    result = _component()(key=ckey, data=data, default={"query": ""},
                          on_query_change=lambda: None, on_pick_change=picked,
                          on_remove_change=removed, width="stretch", height="content")
    # A request the callback did not see (AppTest sets the state by key, without callbacks):
    # handle it now, then draw the page again so that everything shows the new value.
    late = False
    for name, handle in (("pick", picked), ("remove", removed)):
        request = result.get(name) if hasattr(result, "get") else None
        if isinstance(request, dict) and request.get("nonce") != S.get(answered):
            handle(request)
            late = True
    if S.pop(flag, False) and (late or _in_fragment_rerun()):
        st.rerun()  # a pick changes the page, not only the box
    value = _current(key, multi) if keep else []
    if multi:
        return value
    return value[0] if value else None


def describe_options(kg: Store, nodes: Iterable) -> list[dict[str, str]]:
    """The chip data of ``nodes`` (for tests and pages that show the same)."""
    return [_describe(kg, n) for n in nodes]
