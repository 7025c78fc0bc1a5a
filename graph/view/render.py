"""Turn a networkx view of the graph into vis-network data, and into an offline HTML page.

:func:`to_vis_data` styles a (bounded) :class:`networkx.MultiDiGraph` from :mod:`graph.view.network`
as JSON-able vis-network items and options (built with pyvis) for the app's network component;
:func:`standalone_html` writes the same network as a self-contained page for download, with the
vis-network that pyvis bundles inlined (no CDN) and a Content-Security-Policy that forbids every
fetch and inline handler. Data stays text: labels are drawn on a canvas, tooltips are set through
``textContent``. Options favour a fast, still layout (``bench/bench_layout.py`` measures them).

Legibility is decided here (with :mod:`graph.view.style`) and in the browser together. Here: node
labels of :data:`NODE_FONT` canvas units in ink that meets WCAG AA against what is behind them
(:func:`~graph.view.style.label_contrast`); views of more than :data:`LOD_NODES` nodes keep full
labels for the focus, the selection, their neighbours and the hubs, and mark the rest ``minor``
(level of detail). In the browser (``app/assets/network-component.js``): the first view is drawn
at scale 1, so at 14 CSS px per label, minor labels appear on zooming in, and edge labels show
only where they do not collide (and on hover).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.view.bundle import vis_network_css, vis_network_js
from graph.view.style import (CLASS_STYLE, LABEL_INSIDE, OTHER_STYLE, ClassStyle,
                              _CANVAS, _DIM_MIX, _EDGE, _EDGE_STRONG, _EDGE_TEXT, _FONT_FACE,
                              _SELECTED_BORDER, _TEXT, _TEXT_DIM, _ink_on, _marker_image, _mix,
                              class_style, contrast_ratio, label_contrast, legend, legend_svg)

__all__ = [
    "CLASS_STYLE",
    "NODE_FONT",
    "LOD_NODES",
    "label_contrast",
    "contrast_ratio",
    "OTHER_STYLE",
    "ClassStyle",
    "class_style",
    "legend",
    "legend_svg",
    "vis_options",
    "to_vis_data",
    "standalone_html",
    "vis_network_js",
    "vis_network_css",
    "ASSETS",
]

ASSETS = Path(__file__).with_name("assets")
MAX_LABEL_CHARS = 60
LAYOUT_SEED = 7  # a fixed seed: the same view gets the same layout, so a shared link looks the same
#: Node label size in canvas units; the browser draws the first view at scale 1, so also CSS px.
NODE_FONT = 14
EDGE_FONT = 12
#: Views bigger than this label only their major nodes at first (level of detail).
LOD_NODES = 100
#: How many of the best-connected nodes keep a full label in a level-of-detail view.
MAJOR_LABELS = 40
#: Minor nodes' labels: smaller, and hidden by vis-network below 12 on-screen px (``drawThreshold``
#: hides a label whose size on screen is under the threshold minus one).
MINOR_FONT = 11
MINOR_DRAW_THRESHOLD = 13


# -------------------------------------------------------------------------------------- options

def vis_options(n_nodes: int = 0, *, physics: bool = True) -> dict[str, Any]:
    """vis-network options tuned to settle fast and stay readable (see ``bench/bench_layout.py``).

    Straight edges (curved "dynamic" edges add a hidden physics node per edge), forceAtlas2Based
    with strong damping and a 150-iteration stabilisation run before the first draw, no
    Kamada–Kawai seeding above 100 nodes (vis-network's ``improvedLayout`` clusters big graphs
    first, which costs seconds), and edges hidden while dragging or zooming big views. Pages switch
    physics off once the stabilisation is done, so nothing jiggles afterwards.

    Parameters
    ----------
    n_nodes : int
        Size of the view; a few options depend on it.
    physics : bool
        ``False`` for no force simulation: views of up to 100 nodes keep vis-network's
        Kamada–Kawai layout, bigger ones stay where vis-network put them at random.

    Returns
    -------
    dict
        JSON-able vis-network options.

    Examples
    --------
    >>> opts = vis_options(300)
    >>> opts["edges"]["smooth"], opts["interaction"]["hideEdgesOnDrag"]
    (False, True)
    >>> opts["physics"]["stabilization"]["iterations"]
    150
    """
    big = n_nodes > 150
    seeded = n_nodes <= 100
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": seeded},
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "size": 14,
            "font": {"face": _FONT_FACE, "size": NODE_FONT, "color": _TEXT,
                     "strokeWidth": 4, "strokeColor": _CANVAS},
            # Long names wrap onto a second line rather than run across their neighbours.
            "widthConstraint": {"maximum": 150},
            "shapeProperties": {"interpolation": False},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "arrowStrikethrough": False,
            "color": {"color": _EDGE, "highlight": _EDGE_STRONG, "hover": _EDGE_STRONG,
                      "inherit": False},
            "width": 1.2,
            "selectionWidth": 1.5,
            "hoverWidth": 0.8,
            "font": {"face": _FONT_FACE, "size": EDGE_FONT, "color": _EDGE_TEXT,
                     "align": "horizontal", "strokeWidth": 4, "strokeColor": _CANVAS},
            "labelHighlightBold": False,
        },
        "physics": {
            "enabled": physics,
            # Small views start from vis-network's Kamada–Kawai layout, which barnesHut only
            # relaxes; big ones start at random, where forceAtlas2Based spreads the hubs better
            # within the same number of iterations.
            "solver": "barnesHut" if seeded else "forceAtlas2Based",
            "barnesHut": {"gravitationalConstant": -4000, "centralGravity": 0.25,
                          "springLength": 130, "springConstant": 0.05, "damping": 0.5,
                          "avoidOverlap": 0.2},
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.012,
                                 "springLength": 110, "springConstant": 0.08, "damping": 0.6,
                                 "avoidOverlap": 0.2},
            "maxVelocity": 60,
            "minVelocity": 1.5,
            "timestep": 0.6,
            # The browser fits the settled layout itself, at a readable scale.
            "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 25,
                              "fit": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": True,
            "hideEdgesOnZoom": big,
            # The component draws its own zoom, fit and find controls and handles the keyboard
            # itself (vis-network's keyboard handler listens to the whole window).
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
            "zoomSpeed": 0.6,
        },
    }


# ----------------------------------------------------------------------------------- nodes/edges

def _clean_label(text: Any, fallback: str) -> str:
    """One line of at most :data:`MAX_LABEL_CHARS` characters (the tooltip keeps the full text)."""
    text = " ".join(str(text).split()) if text is not None else ""
    if not text:
        text = fallback
    if len(text) > MAX_LABEL_CHARS:
        text = text[: MAX_LABEL_CHARS - 1].rstrip() + "…"
    return text


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _short_id(node: str) -> str:
    from graph.namespace import curie  # the namespace table; cheap, but only needed here

    return curie(node)


def _node_tooltip(node: str, attrs: Mapping[str, Any], style: ClassStyle) -> str:
    """Name, class and short id (``cm:Hypocalcemia``, not the full IRI), then the definition."""
    label = " ".join(str(attrs.get("label") or _local_name(node)).split())
    cls_label = attrs.get("cls_label") or style.label
    lines = [label, f"{cls_label} · {_short_id(node)}"]
    if attrs.get("title"):
        lines.append(str(attrs["title"]).strip())
    return "\n".join(lines)


def _node_item(node: str, attrs: Mapping[str, Any], degree: int, role: str, *,
               focus: bool = False, minor: bool = False) -> dict[str, Any]:
    """One vis-network node.

    ``role`` is ``"selected"``, ``"highlight"``, ``"dim"`` or ``"plain"``; ``focus`` marks the
    view's centre (drawn with a double ring by the component); ``minor`` gives a level-of-detail
    label that shows only when zoomed in.
    """
    style = class_style(attrs.get("cls"))
    fill = style.colour
    border = _mix(fill, "#000000", 0.35) if style is not OTHER_STYLE else "#8c8c8c"
    if role == "dim":
        fill, border = _mix(fill, "#ffffff", _DIM_MIX), _mix(border, "#ffffff", _DIM_MIX)
    inside = style.shape in LABEL_INSIDE
    font: dict[str, Any] = {"color": _ink_on(fill), "strokeWidth": 0} if inside else \
        {"color": _TEXT_DIM if role == "dim" else _TEXT}
    item: dict[str, Any] = {
        "label": _clean_label(attrs.get("label"), _local_name(node)),
        "title": _node_tooltip(node, attrs, style),
        "shape": style.shape,
        "color": {"background": fill, "border": border,
                  "highlight": {"background": fill, "border": _SELECTED_BORDER},
                  "hover": {"background": fill, "border": _SELECTED_BORDER}},
        "size": round(8 + 2.5 * math.sqrt(min(degree, 25)), 1),
        "cls": attrs.get("cls") or "",
        "clsLabel": attrs.get("cls_label") or style.label,
        "curie": _short_id(node),
    }
    if role == "selected":
        item["borderWidth"] = 4
        item["color"]["border"] = _SELECTED_BORDER
        item["size"] += 6
        item["shadow"] = {"enabled": True, "color": "rgba(0,0,0,0.45)", "size": 16, "x": 0, "y": 0}
        font["size"] = NODE_FONT + 2
        item["isSelected"] = True
    elif role == "highlight":
        item["borderWidth"] = 2.5
    if focus:
        item["isFocus"] = True
        item["borderWidth"] = max(item.get("borderWidth", 1.5), 3)
        font["size"] = NODE_FONT + 2
    elif minor and role != "selected":
        item["minor"] = True
        font["size"] = MINOR_FONT
        item["scaling"] = {"label": {"drawThreshold": MINOR_DRAW_THRESHOLD}}
    item["font"] = font
    if style.shape == "chromosome":
        colours = item["color"]
        width = item.get("borderWidth", 1.5) * 1.6
        item.update(shape="image", image=_marker_image(colours["background"], colours["border"], width))
    return item


def _edge_groups(G) -> dict[tuple[str, str], list[str]]:
    """Edge labels grouped by (source, target): parallel relations are drawn as one edge."""
    groups: dict[tuple[str, str], list[str]] = {}
    for u, v, data in G.edges(data=True):
        label = data.get("label") or _local_name(str(data.get("predicate", "")))
        label = " ".join(str(label).split())
        labels = groups.setdefault((str(u), str(v)), [])
        if label and label not in labels:
            labels.append(label)
    return groups


def to_vis_data(G, *, selected: str | None = None, highlight: Iterable[str] = (),
                focus: str | None = None, physics: bool = True) -> dict[str, Any]:
    """Style a networkx graph as vis-network data: ``{"nodes": [...], "edges": [...], "options": {...}}``.

    Nodes are the graph's nodes (ids are the IRI strings), styled by class (:data:`CLASS_STYLE`);
    parallel edges between the same two nodes are merged into one edge whose label lists the
    relations. The result contains only str/int/float/bool/list/dict values, so it can go straight
    to the network component or to ``json.dumps``. Text from the data stays plain text: ``label``
    is drawn on a canvas and ``title`` (the tooltip) is a plain string that the browser side shows
    through ``textContent``; neither is ever HTML-escaped here, which would show ``&lt;`` literally.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.MultiDiGraph or networkx.Graph
        Node attributes ``label``, ``cls``, ``cls_label`` and optional ``title``; edge attributes
        ``predicate`` and ``label``. Render only bounded views (:func:`graph.view.network.bounded_view`).
    selected : str, optional
        The selected node: drawn larger, with a dark border and a halo.
    highlight : iterable of str
        Nodes to emphasise (a path, say). When empty and ``selected`` is given, the selected node's
        direct neighbours are emphasised. When anything is selected or highlighted, all other
        nodes and the edges not between emphasised nodes are dimmed. Unknown ids are ignored.
    focus : str, optional
        The view's centre, marked (``"isFocus": true``; the component draws a double ring) so that
        it can be found in a view of three hops.
    physics : bool
        Passed to :func:`vis_options`.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` in vis-network DataSet format, ``options`` for ``vis.Network``.
        Node items also carry ``clsLabel`` and ``curie`` (for the component's list of entities),
        ``isFocus``/``isSelected`` flags, and ``minor`` for level-of-detail labels (views of more
        than :data:`LOD_NODES` nodes).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/causemap/Hypocalcemia", label="Hypocalcemia",
    ...            cls="https://w3id.org/causemap/Mechanism", cls_label="Mechanism")
    >>> G.add_node("https://w3id.org/causemap/Tetany", label="<b>Tetany</b>",
    ...            cls="https://w3id.org/causemap/Symptom", cls_label="Symptom")
    >>> _ = G.add_edge("https://w3id.org/causemap/Hypocalcemia", "https://w3id.org/causemap/Tetany",
    ...                key="https://w3id.org/causemap/canCause", label="can cause")
    >>> data = to_vis_data(G, selected="https://w3id.org/causemap/Hypocalcemia")
    >>> [(n["label"], n["shape"]) for n in data["nodes"]]
    [('Hypocalcemia', 'diamond'), ('<b>Tetany</b>', 'dot')]
    >>> data["edges"][0]["label"], data["edges"][0]["arrows"]
    ('can cause', 'to')
    >>> data["nodes"][0]["borderWidth"], data["nodes"][0]["curie"]
    (4, 'cm:Hypocalcemia')
    """
    from pyvis.network import Network  # imported here: pyvis pulls in jinja2 and IPython bits

    directed = G.is_directed()
    nodes = sorted(str(n) for n in G.nodes)
    attrs = {str(n): G.nodes[n] for n in G.nodes}
    undirected = G.to_undirected(as_view=True) if directed else G
    present = set(nodes)

    selected = str(selected) if selected is not None and str(selected) in present else None
    focus = str(focus) if focus is not None and str(focus) in present else None
    emphasis = {str(n) for n in highlight} & present
    if selected and not emphasis:
        emphasis = {str(n) for n in undirected.neighbors(selected)} - {selected}
    focused = emphasis | ({selected} if selected else set())
    degree = {node: len(set(undirected.neighbors(node))) for node in nodes}
    major: set[str] = set(nodes)
    if len(nodes) > LOD_NODES:
        # Level of detail: the focus, the selection and what it emphasises, the focus's
        # neighbours and the best-connected nodes keep their labels.
        keep = set(focused) | ({focus} if focus else set())
        if focus:
            keep |= {str(n) for n in undirected.neighbors(focus)}
        ranked = sorted(nodes, key=lambda n: (-degree[n], n))
        major = keep | set(ranked[:max(0, MAJOR_LABELS - len(keep))])

    net = Network(directed=directed, cdn_resources="in_line")
    for node in nodes:
        if node == selected:
            role = "selected"
        elif not focused:
            role = "plain"
        else:
            role = "highlight" if node in emphasis else "dim"
        item = _node_item(node, attrs[node], degree[node], role, focus=node == focus,
                          minor=node not in major)
        net.add_node(node, label=item.pop("label"), shape=item.pop("shape"),
                     color=item.pop("color"), **item)

    groups = _edge_groups(G)
    reciprocal = {pair for pair in groups if (pair[1], pair[0]) in groups and pair[0] != pair[1]}
    node_label = {n: " ".join(str(attrs[n].get("label") or _local_name(n)).split()) for n in nodes}
    arrow = " → " if directed else " — "
    for index, ((u, v), labels) in enumerate(sorted(groups.items())):
        label = " · ".join(labels)
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "label": _clean_label(label, ""),
            "title": "\n".join(f"{node_label[u]} — {lab}{arrow}{node_label[v]}" for lab in labels)
                     or f"{node_label[u]}{arrow}{node_label[v]}",
            "predicates": sorted({str(d["predicate"]) for d in _edge_data(G, u, v)
                                  if d.get("predicate")}),
        }
        if not directed:
            edge["arrows"] = ""
        if (u, v) in reciprocal:
            # two opposite straight edges would overlap: bend both (they bend to opposite sides)
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18}
        if focused:
            if u in focused and v in focused:
                edge.update(width=2.2, color={"color": _EDGE_STRONG, "inherit": False})
            else:
                edge.update(color={"color": "#dddddd", "inherit": False})
        net.add_edge(u, v, **edge)

    net.options = vis_options(len(nodes), physics=physics)
    return {"nodes": [dict(n) for n in net.nodes], "edges": [dict(e) for e in net.edges],
            "options": net.options}


def _edge_data(G, u: str, v: str) -> list[Mapping[str, Any]]:
    if G.is_multigraph():
        return list(G.get_edge_data(u, v, default={}).values())
    data = G.get_edge_data(u, v)
    return [data] if data is not None else []


# ---------------------------------------------------------------------------------- HTML assets

@functools.cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def standalone_html(G, *, title: str = "Causemap network", selected: str | None = None,
                    highlight: Iterable[str] = ()) -> str:
    """A complete, offline HTML page that draws ``G`` (for download).

    The page is rendered by pyvis (:meth:`pyvis.network.Network.generate_html`) from Causemap's own
    template (``graph/view/assets/standalone.html``): pyvis's template loads Bootstrap and vis-network
    from CDNs and writes its heading and select menu into the HTML unescaped. Ours inlines the
    vis-network script and stylesheet bundled with pyvis, autoescapes every value, carries the
    graph as JSON in ``<script type="application/json">`` blocks, and sets a Content-Security-Policy
    that allows only the page's own two scripts (by hash), no network fetches and no inline event
    handlers.

    Parameters
    ----------
    G : networkx graph
        As for :func:`to_vis_data`.
    title : str
        Page title and heading (escaped; may come from data).
    selected, highlight
        As for :func:`to_vis_data`.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/causemap/X", label="<img src=x onerror=alert(1)>",
    ...            cls="https://w3id.org/causemap/Symptom", cls_label="Symptom")
    >>> page = standalone_html(G, title="<script>alert(1)</script>")
    >>> "<img src=x" in page or "<script>alert" in page
    False
    >>> any(host in page for host in ("cdnjs.cloudflare.com", "cdn.jsdelivr.net"))
    False
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    data = to_vis_data(G, selected=selected, highlight=highlight)
    net = Network(height="100%", width="100%", directed=G.is_directed(), cdn_resources="in_line")
    net.nodes, net.edges, net.node_ids = data["nodes"], data["edges"], [n["id"] for n in data["nodes"]]
    net.options = data["options"]

    page_js = _asset("standalone.js")
    vis_js = vis_network_js()
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}",
        "style-src 'unsafe-inline'",  # vis-network positions its tooltip with inline styles
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    env = Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=select_autoescape(default=True))
    env.globals.update(
        page_title=title,
        csp=csp,
        vis_js=Markup(vis_js),
        page_js=Markup(page_js),
        vis_css=Markup(vis_network_css()),
        page_css=Markup(_asset("network.css")),
        vis_options=data["options"],
        legend=[(label, Markup(legend_svg(shape, colour))) for label, colour, shape in legend()],
        node_count=len(data["nodes"]),
        edge_count=len(data["edges"]),
    )
    net.templateEnv = env
    net.path = "standalone.html"
    return net.generate_html()
