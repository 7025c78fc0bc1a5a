"""The app's network view: a Streamlit components-v2 component that draws vis-network data.

:func:`network` draws what :func:`graph.view.render.to_vis_data` returns with vis-network (the copy that
pyvis bundles, inlined into the component's JavaScript, so the page works offline) and hands the id
of the node the user clicks (or picks from its list of entities) back to Python as a ``click``
event, so that a page can show that entity's details or expand around it. It is an event, not a
widget state, because a state is sent again with every rerun: after the browser's Back, the old
click would have selected its node again. The drawing itself (the readable first view, edge labels,
zoom, fit, find in view, keyboard, tooltips) is ``app/assets/network-component.js``, whose header
says what it does and why. The component only draws what it is
given (views are bounded in :mod:`graph.view.network`); data reaches the browser as JSON, labels are
drawn on a canvas and tooltips are set through ``textContent``, so nothing from the data is ever
parsed as HTML. When the data changes (a new selection, an expanded view) the drawing is updated in
place: nodes that stay keep their positions, and only new nodes are laid out.

Testing without a browser: ``AppTest`` runs no JavaScript, so a test simulates a click by setting
the component's value through its key before a run, exactly what the browser would have sent::

    at = AppTest.from_file("page.py").run()
    at.session_state["explore_network"] = click_value("https://w3id.org/causemap/Hypocalcemia")
    at.run()  # network(..., key="explore_network") now returns that IRI, once

``tests/test_network_component.py`` proves it; ``tests/browser/test_component_browser.py`` clicks a
real node in headless Chromium.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from graph.view.render import ASSETS, vis_network_js

__all__ = ["network", "click_value", "COMPONENT_NAME", "component_js"]

COMPONENT_NAME = "causemap_network"

ASSET_DIR = Path(__file__).resolve().parent / "assets"
_JS = ASSET_DIR / "network-component.js"
_CSS = ASSET_DIR / "network-component.css"


@functools.cache
def component_js() -> str:
    """The component's JavaScript module, with vis-network inlined (built once per process).

    >>> js = component_js()
    >>> js.count("export default function") == 1 and "setTriggerValue" in js
    True
    """
    return _JS.read_text(encoding="utf-8").replace("/*%VIS%*/", vis_network_js(), 1)


@functools.cache
def _component() -> Callable[..., Any]:
    import streamlit as st

    css = (ASSETS / "network.css").read_text(encoding="utf-8") + _CSS.read_text(encoding="utf-8")
    return st.components.v2.component(COMPONENT_NAME, css=css, js=component_js())


def click_value(node_id: str) -> dict[str, Any]:
    """What the browser sends when the student clicks (or picks from the list) ``node_id``.

    Tests without a browser set it through the component's key:
    ``at.session_state[key] = click_value(iri)``.

    >>> click_value("x")["click"]["id"]
    'x'
    """
    import uuid

    return {"click": {"id": str(node_id), "nonce": uuid.uuid4().hex}}


def network(data: Mapping[str, Any], *, key: str, height: int = 600,
            on_click: Callable[[str], None] | None = None, label: str | None = None,
            back: bool | None = None, centre: str | None = None,
            announce: Mapping[str, Any] | None = None, toolbar: bool = True) -> str | None:
    """Draw a network; return the id of the node the student has just clicked, else ``None``.

    Parameters
    ----------
    data : mapping
        ``{"nodes": [...], "edges": [...], "options": {...}}`` from
        :func:`graph.view.render.to_vis_data`; only JSON-able values.
    key : str
        The component's key.
    height : int
        Height of the drawing in pixels (taller on a phone).
    on_click : callable, optional
        Called with the clicked node's id, as a Streamlit callback: before the page runs, so the
        page can draw what the click changed in the same run. A click it handled is not returned.
    label : str, optional
        The drawing's accessible name (what a screen reader says on reaching it); by default
        "Network of N entities and M relations".
    back : bool, optional
        Show a "Back" button that steps back through the browser's history (``None``: no button;
        ``False``: shown disabled). Pages whose views are history entries use it as "undo".
    centre : str, optional
        A node to centre and pulse once, when this value is new (e.g. after a search picked it).
    announce : mapping, optional
        ``{"id": …, "text": …, "focus": bool}``: said once by the drawing's live region when ``id``
        is new, moving keyboard focus to the drawing when ``focus`` is true.
    toolbar : bool
        Show the zoom, fit and find controls.

    Returns
    -------
    str or None
        The node clicked since the last run (once: a click is an event, so a rerun, or the
        browser's Back, never replays it); ``None`` when there was none, or ``on_click`` took it.

    Raises
    ------
    ValueError
        If ``data`` lacks ``nodes`` or ``edges`` or is not JSON-able.
    """
    import streamlit as st

    if not isinstance(data, Mapping) or not {"nodes", "edges"} <= set(data):
        raise ValueError("network() needs the dict from graph.view.render.to_vis_data (nodes, edges, options)")
    ui: dict[str, Any] = {"toolbar": bool(toolbar)}
    if label:
        ui["label"] = str(label)
    if back is not None:
        ui["back"] = {"enabled": bool(back)}
    if centre:
        ui["centre"] = {"id": f"{centre}#{len(data['nodes'])}", "node": str(centre)}
    if announce:
        ui["announce"] = {"id": str(announce.get("id")), "text": str(announce.get("text", "")),
                          "focus": bool(announce.get("focus"))}
    payload = {"nodes": list(data["nodes"]), "edges": list(data["edges"]),
               "options": dict(data.get("options") or {}), "height": int(height), "ui": ui}
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as err:
        raise ValueError(f"network() data must be JSON-able: {err}") from None
    seen_key = f"{key}_seen"

    def take(event) -> str | None:
        if not isinstance(event, Mapping) or not event.get("id") or not event.get("nonce"):
            return None
        if st.session_state.get(seen_key) == event["nonce"]:
            return None
        st.session_state[seen_key] = event["nonce"]
        return str(event["id"])

    def callback() -> None:
        node = take((st.session_state.get(key) or {}).get("click"))
        if node is not None and on_click is not None:
            on_click(node)
        elif node is not None:
            st.session_state[f"{key}_pending"] = node

    result = _component()(key=key, data=payload, on_click_change=callback, width="stretch",
                          height="content")
    pending = st.session_state.pop(f"{key}_pending", None)
    late = take(result.get("click") if hasattr(result, "get") else None)
    if late is not None and on_click is not None:
        on_click(late)  # a click the callback did not see (AppTest sets it by key)
        st.rerun()
    return pending or late
