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
from typing import Any

from graph.view.render import ASSETS, vis_network_js

__all__ = ["network", "COMPONENT_NAME", "component_js"]

COMPONENT_NAME = "causemap_network"

# The component's module. vis-network's UMD bundle is evaluated in a private scope with its own
# `exports`/`module`, so it defines no global and cannot clash with anything else on the page.
_JS_TEMPLATE = """\
const vis = (() => {
  const exports = {};
  const module = { exports };
  /* vis-network 9, bundled with pyvis */
  %VIS%
  ;
  return module.exports;
})();

const views = new WeakMap();  // parentElement -> the drawing mounted in it

function textTooltip(text) {
  // vis-network shows an Element as it is; a string would be shown too, but building the element
  // with textContent here guarantees that text from the data is never parsed as HTML.
  const el = document.createElement("div");
  el.className = "cm-tooltip";
  el.textContent = String(text);
  return el;
}

function withTextTitles(items) {
  return items.map((item) =>
    item.title === undefined || item.title === null || item.title === ""
      ? item : { ...item, title: textTooltip(item.title) });
}

function settle(view) {
  // The first settled layout is drawn; stop the simulation there so nothing keeps jiggling.
  view.network.setOptions({ physics: { enabled: false } });
  view.container.dataset.stabilized = "true";
  view.container.dataset.layoutMs = String(Math.round(performance.now() - view.started));
}

function layout(view, nodes, edges, options) {
  view.container.dataset.stabilized = "false";
  view.started = performance.now();
  const physics = !options.physics || options.physics.enabled !== false;
  view.network.setOptions({ ...options, physics: { ...(options.physics || {}), enabled: physics } });
  view.nodes = new vis.DataSet(nodes);
  view.edges = new vis.DataSet(edges);
  if (physics) view.network.once("stabilizationIterationsDone", () => settle(view));
  // setData (not DataSet.add) so that vis-network seeds the layout and runs its stabilisation.
  view.network.setData({ nodes: view.nodes, edges: view.edges });
  if (!physics) settle(view);
}

function createView(parentElement) {
  const container = document.createElement("div");
  container.className = "cm-network";
  container.setAttribute("role", "img");
  const empty = document.createElement("p");
  empty.className = "cm-empty";
  empty.textContent = "Nothing to draw: no entities in this view.";
  parentElement.appendChild(container);
  parentElement.appendChild(empty);
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(container, { nodes, edges }, {});
  const view = { container, empty, nodes, edges, network, started: 0, setStateValue: null };
  network.on("click", (params) => {
    if (params.nodes.length > 0 && view.setStateValue) {
      view.setStateValue("selected", String(params.nodes[0]));
    }
  });
  network.on("hoverNode", () => { container.style.cursor = "pointer"; });
  network.on("blurNode", () => { container.style.cursor = ""; });
  container.causemapNetwork = network;  // a JS property (not markup), for tests and debugging
  return view;
}

function update(view, data) {
  const nodes = withTextTitles(data.nodes || []);
  const edges = withTextTitles(data.edges || []);
  const options = data.options || {};
  view.container.style.height = `${data.height || 600}px`;
  view.container.dataset.nodeCount = String(nodes.length);
  view.container.dataset.edgeCount = String(edges.length);
  view.container.setAttribute("aria-label",
    `Network of ${nodes.length} entities and ${edges.length} relations. Click an entity to select it.`);
  view.empty.hidden = nodes.length > 0;

  const optionsKey = JSON.stringify(options);
  const before = new Set(view.nodes.getIds());
  const after = new Set(nodes.map((n) => n.id));
  const sameNodes = before.size === after.size && [...after].every((id) => before.has(id));
  if (sameNodes && optionsKey === view.optionsKey) {
    // Same entities (a new selection, say): restyle in place, positions untouched.
    view.nodes.update(nodes);
    const keepEdges = new Set(edges.map((e) => e.id));
    view.edges.remove(view.edges.getIds().filter((id) => !keepEdges.has(id)));
    view.edges.update(edges);
    return;
  }
  // New entities: those already drawn keep their place, new ones start next to a drawn neighbour.
  const positions = view.network.getPositions([...before].filter((id) => after.has(id)));
  const anchor = {};
  for (const e of edges) {
    if (positions[e.from] && !positions[e.to]) anchor[e.to] = positions[e.from];
    if (positions[e.to] && !positions[e.from]) anchor[e.from] = positions[e.to];
  }
  const placed = nodes.map((n, i) => {
    const at = positions[n.id] || anchor[n.id];
    if (!at) return n;
    const jitter = positions[n.id] ? 0 : 40;
    return { ...n, x: at.x + jitter * Math.cos(i), y: at.y + jitter * Math.sin(i) };
  });
  view.optionsKey = optionsKey;
  layout(view, placed, edges, options);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let view = views.get(parentElement);
  if (!view) {
    view = createView(parentElement);
    views.set(parentElement, view);
  }
  view.setStateValue = setStateValue;
  update(view, data || {});
  return () => {
    view.network.destroy();
    view.container.remove();
    view.empty.remove();
    views.delete(parentElement);
  };
}
"""

_CSS_EXTRA = """
:host { display: block; }
.cm-empty { margin: 0.5rem 0; color: #57606a; font: 14px system-ui, sans-serif; }
.cm-empty[hidden] { display: none; }
"""


@functools.cache
def component_js() -> str:
    """The component's JavaScript module, with vis-network inlined (built once per process).

    >>> js = component_js()
    >>> js.count("export default function") == 1 and "setStateValue" in js
    True
    """
    return _JS_TEMPLATE.replace("%VIS%", vis_network_js())


@functools.cache
def _component() -> Callable[..., Any]:
    import streamlit as st

    css = (ASSETS / "network.css").read_text(encoding="utf-8") + _CSS_EXTRA
    return st.components.v2.component(COMPONENT_NAME, css=css, js=component_js())


def network(data: Mapping[str, Any], *, key: str, height: int = 600,
            on_select: Callable[[], None] | None = None) -> str | None:
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
    payload = {"nodes": list(data["nodes"]), "edges": list(data["edges"]),
               "options": dict(data.get("options") or {}), "height": int(height)}
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
