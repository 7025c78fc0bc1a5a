"""The app's network view: a Streamlit components-v2 component that draws vis-network data.

:func:`network` draws what :func:`graph.view.render.to_vis_data` returns with vis-network (the copy that
pyvis bundles, inlined into the component's JavaScript, so the page works offline) and hands the id
of the node the user last clicked back to Python as the component's ``selected`` state, so that a
page can show that entity's details or expand around it. The component only draws what it is
given (views are bounded in :mod:`graph.view.network`); data reaches the browser as JSON, labels are
drawn on a canvas and tooltips are set through ``textContent``, so nothing from the data is ever
parsed as HTML. When the data changes (a new selection, an expanded view) the drawing is updated in
place: nodes that stay keep their positions, and only new nodes are laid out.

Testing without a browser: ``AppTest`` runs no JavaScript, so a test simulates a click by setting
the component's state through its key before a run, exactly what the browser would have sent::

    at = AppTest.from_file("page.py").run()
    at.session_state["explore_network"] = {"selected": "https://w3id.org/causemap/Hypocalcemia"}
    at.run()  # network(..., key="explore_network") now returns that IRI

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

__all__ = ["network", "COMPONENT_NAME", "component_js"]

COMPONENT_NAME = "causemap_network"

ASSET_DIR = Path(__file__).resolve().parent / "assets"
_JS = ASSET_DIR / "network-component.js"
_CSS = ASSET_DIR / "network-component.css"


@functools.cache
def component_js() -> str:
    """The component's JavaScript module, with vis-network inlined (built once per process).

    >>> js = component_js()
    >>> js.count("export default function") == 1 and "setStateValue" in js
    True
    """
    return _JS.read_text(encoding="utf-8").replace("/*%VIS%*/", vis_network_js(), 1)


@functools.cache
def _component() -> Callable[..., Any]:
    import streamlit as st

    css = (ASSETS / "network.css").read_text(encoding="utf-8") + _CSS.read_text(encoding="utf-8")
    return st.components.v2.component(COMPONENT_NAME, css=css, js=component_js())


def network(data: Mapping[str, Any], *, key: str, height: int = 600,
            on_select: Callable[[], None] | None = None, label: str | None = None,
            back: bool | None = None, centre: str | None = None,
            announce: Mapping[str, Any] | None = None, toolbar: bool = True) -> str | None:
    """Draw a network and return the id of the node the user last clicked (``None`` before any).

    Parameters
    ----------
    data : mapping
        ``{"nodes": [...], "edges": [...], "options": {...}}`` from
        :func:`graph.view.render.to_vis_data`; only JSON-able values.
    key : str
        The component's key; also where its state lives (``st.session_state[key]["selected"]``).
    height : int
        Height of the drawing in pixels.
    on_select : callable, optional
        Called (as a Streamlit callback, before the rerun) when the user clicks a node.
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
        The clicked node's id. Like any widget value it persists across reruns until the next
        click; a page can forget it with ``st.session_state[key] = {"selected": None}`` before
        drawing the component. Clicks on the background change nothing.

    Raises
    ------
    ValueError
        If ``data`` lacks ``nodes`` or ``edges`` or is not JSON-able.
    """
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
    result = _component()(
        key=key,
        data=payload,
        default={"selected": None},
        on_selected_change=on_select or (lambda: None),
        width="stretch",
        height="content",
    )
    selected = result.get("selected")
    return str(selected) if selected is not None else None
