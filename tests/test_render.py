"""graph.view.render: class styles, vis-network data, layout options and the offline standalone page."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from html import escape
from html.parser import HTMLParser

import networkx as nx
import pytest

from graph.view import render
from graph.view.render import (CLASS_STYLE, LOD_NODES, NODE_FONT, OTHER_STYLE, class_style,
                               contrast_ratio, label_contrast, legend, legend_svg,
                               standalone_html, to_vis_data, vis_network_js, vis_options)

CM = "https://w3id.org/causemap/"
EVIL = "<img src=x onerror=alert(1)>"
CLASSES = ["Condition", "Trigger", "Mechanism", "Symptom", "Treatment", "AnatomicalStructure",
           "Pathogen", "Substance", "GeneticFactor", "OnsetAge"]


def entity(G, name, cls, label=None, **attrs):
    G.add_node(CM + name, label=label if label is not None else name, cls=CM + cls,
               cls_label=cls, **attrs)


def relate(G, s, p, o, label):
    G.add_edge(CM + s, CM + o, key=CM + p, predicate=CM + p, label=label)


@pytest.fixture
def digeorge():
    """A small piece of the article graph: DiGeorge syndrome, its mechanism, symptom, treatment."""
    G = nx.MultiDiGraph()
    entity(G, "DiGeorgeSyndrome", "Condition", "DiGeorge syndrome", title="22q11.2 deletion.")
    entity(G, "Hypocalcemia", "Mechanism")
    entity(G, "UpperLipTwitching", "Symptom", "Upper-lip twitching")
    entity(G, "CalciumReplacement", "Treatment", "Calcium replacement")
    entity(G, "Thymus", "AnatomicalStructure")
    relate(G, "DiGeorgeSyndrome", "actsThrough", "Hypocalcemia", "acts through")
    relate(G, "Hypocalcemia", "canCause", "UpperLipTwitching", "can cause")
    relate(G, "Hypocalcemia", "treatedBy", "CalciumReplacement", "treated by")
    relate(G, "DiGeorgeSyndrome", "affects", "Thymus", "affects")
    return G


@pytest.fixture
def evil():
    """Labels, tooltips and relation names carrying markup, as an uploaded file might."""
    G = nx.MultiDiGraph()
    entity(G, "Evil", "Symptom", EVIL, title=EVIL)
    entity(G, "Hypocalcemia", "Mechanism")
    relate(G, "Hypocalcemia", "canCause", "Evil", "<b onmouseover=alert(2)>can cause</b>")
    return G


def nodes_by_id(data):
    return {n["id"]: n for n in data["nodes"]}


# ------------------------------------------------------------------------------- class styles

def test_every_class_has_its_own_colour_and_shape():
    assert sorted(CLASS_STYLE) == sorted(CM + c for c in CLASSES)
    colours = [s.colour for s in CLASS_STYLE.values()]
    shapes = [s.shape for s in CLASS_STYLE.values()]
    assert len(set(colours)) == len(colours) == 10
    assert len(set(shapes)) == len(shapes) == 10
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)


def test_legend_follows_class_style():
    assert legend() == [(s.label, s.colour, s.shape) for s in CLASS_STYLE.values()]
    assert all(legend_svg(shape, colour).startswith("<svg") for _, colour, shape in legend())


@pytest.mark.parametrize("cls, expected", [
    (CM + "Pathogen", "Pathogen"),      # a full IRI
    ("Substance", "Substance"),         # a local name
    (CM + "Unheard", "Other"),          # an unknown class
    ("", "Other"),                      # no class at all
])
def test_class_style_lookup(cls, expected):
    assert class_style(cls).label == expected


@pytest.mark.parametrize("shape, colour, message", [
    ("pentagram", "#000000", "no legend symbol"),          # a shape we do not draw
    ("dot", "red;background:url(x)", "not a #rrggbb"),     # anything but a plain colour
])
def test_legend_svg_rejects(shape, colour, message):
    with pytest.raises(ValueError, match=message):
        legend_svg(shape, colour)


# ------------------------------------------------------------------------------ to_vis_data

def test_vis_data_is_plain_json_with_one_item_per_node(digeorge):
    data = to_vis_data(digeorge)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"nodes", "edges", "options"}
    assert sorted(nodes_by_id(data)) == sorted(digeorge.nodes)
    node = nodes_by_id(data)[CM + "DiGeorgeSyndrome"]
    assert node["label"] == "DiGeorge syndrome"
    assert (node["shape"], node["color"]["background"]) == ("ellipse", "#CC6677")
    assert "22q11.2 deletion." in node["title"] and "Condition" in node["title"]
    assert {(e["from"], e["to"], e["label"]) for e in data["edges"]} == {
        (CM + "DiGeorgeSyndrome", CM + "Hypocalcemia", "acts through"),
        (CM + "Hypocalcemia", CM + "UpperLipTwitching", "can cause"),
        (CM + "Hypocalcemia", CM + "CalciumReplacement", "treated by"),
        (CM + "DiGeorgeSyndrome", CM + "Thymus", "affects"),
    }
    assert all(e["arrows"] == "to" for e in data["edges"])
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])


def test_output_does_not_depend_on_insertion_order(digeorge):
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(digeorge.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(digeorge.edges(keys=True, data=True))))
    assert to_vis_data(shuffled) == to_vis_data(digeorge)


def test_markup_from_data_stays_plain_text(evil):
    data = to_vis_data(evil)
    node = nodes_by_id(data)[CM + "Evil"]
    # Not escaped here: the canvas draws the label as text and the browser side sets the tooltip
    # through textContent, so escaping would show "&lt;img" to the student.
    assert node["label"] == EVIL
    assert node["title"].splitlines()[0] == EVIL and node["title"].splitlines()[-1] == EVIL
    assert "&lt;" not in json.dumps(data)
    (edge,) = data["edges"]
    assert edge["label"] == "<b onmouseover=alert(2)>can cause</b>"
    assert "font" not in node or node["font"].get("multi") in (None, False)  # no HTML labels


def test_parallel_relations_become_one_edge_and_reciprocal_ones_bend():
    G = nx.MultiDiGraph()
    entity(G, "A", "Condition")
    entity(G, "B", "Mechanism")
    relate(G, "A", "actsThrough", "B", "acts through")
    relate(G, "A", "canCause", "B", "can cause")
    relate(G, "B", "worsens", "A", "worsens")
    data = to_vis_data(G)
    forward = next(e for e in data["edges"] if e["from"] == CM + "A")
    backward = next(e for e in data["edges"] if e["from"] == CM + "B")
    assert len(data["edges"]) == 2
    assert forward["label"] == "acts through · can cause"
    assert forward["predicates"] == [CM + "actsThrough", CM + "canCause"]
    assert forward["title"].splitlines() == ["A — acts through → B", "A — can cause → B"]
    assert forward["smooth"]["enabled"] and backward["smooth"]["enabled"]


@pytest.mark.parametrize("graph_type, arrows", [(nx.DiGraph, "to"), (nx.Graph, "")])
def test_simple_and_undirected_graphs(graph_type, arrows):
    G = graph_type()
    G.add_node("a", label="A", cls=CM + "Trigger")
    G.add_node("b", label="B", cls=CM + "Symptom")
    G.add_edge("a", "b", predicate=CM + "triggers", label="triggers")
    (edge,) = to_vis_data(G)["edges"]
    assert (edge["label"], edge["arrows"]) == ("triggers", arrows)


def test_missing_attributes_fall_back():
    G = nx.MultiDiGraph()
    G.add_node(CM + "Bare")
    G.add_edge(CM + "Bare", CM + "Bare", key=CM + "relatedTo", predicate=CM + "relatedTo")
    data = to_vis_data(G)
    (node,) = data["nodes"]
    assert node["label"] == "Bare"
    assert node["color"]["background"] == OTHER_STYLE.colour
    assert data["edges"][0]["label"] == "relatedTo"


def test_long_labels_are_shortened_on_the_canvas_only():
    G = nx.MultiDiGraph()
    long = "An unusually long name " * 6
    entity(G, "Long", "Condition", long + "\n with a line break")
    (node,) = to_vis_data(G)["nodes"]
    assert len(node["label"]) <= render.MAX_LABEL_CHARS and node["label"].endswith("…")
    assert "\n" not in node["label"]
    assert node["title"].startswith(" ".join(long.split()))


def test_selection_is_emphasised_and_the_rest_dimmed(digeorge):
    data = to_vis_data(digeorge, selected=CM + "Hypocalcemia")
    nodes = nodes_by_id(data)
    selected = nodes[CM + "Hypocalcemia"]
    assert selected["borderWidth"] == 4 and selected["shadow"]["enabled"]
    for neighbour in ("DiGeorgeSyndrome", "UpperLipTwitching", "CalciumReplacement"):
        node = nodes[CM + neighbour]
        assert node["color"]["background"] == class_style(digeorge.nodes[CM + neighbour]["cls"]).colour
        assert node["borderWidth"] == 2.5
    thymus = nodes[CM + "Thymus"]
    assert thymus["color"]["background"] != CLASS_STYLE[CM + "AnatomicalStructure"].colour
    assert thymus["font"]["color"] == "#57606a"  # dimmed, and still 6.4:1 on white
    strong = {(e["from"], e["to"]) for e in data["edges"] if e.get("width") == 2.2}
    assert strong == {(CM + "DiGeorgeSyndrome", CM + "Hypocalcemia"),
                      (CM + "Hypocalcemia", CM + "UpperLipTwitching"),
                      (CM + "Hypocalcemia", CM + "CalciumReplacement")}


def test_explicit_highlight_marks_a_path(digeorge):
    path = [CM + "DiGeorgeSyndrome", CM + "Hypocalcemia", CM + "UpperLipTwitching"]
    data = to_vis_data(digeorge, highlight=path)
    nodes = nodes_by_id(data)
    assert all(nodes[n]["borderWidth"] == 2.5 for n in path)
    assert nodes[CM + "Thymus"]["font"]["color"] == "#57606a"
    strong = {(e["from"], e["to"]) for e in data["edges"] if e.get("width") == 2.2}
    assert strong == {(path[0], path[1]), (path[1], path[2])}


@pytest.mark.parametrize("cls", [*CLASSES, "Unclassified"])
@pytest.mark.parametrize("role", ["plain", "selected", "neighbour", "dimmed"])
def test_every_label_meets_wcag_aa_against_what_is_behind_it(cls, role):
    # One node of the class, beside a selected one, a neighbour of it, or neither of them.
    G = nx.MultiDiGraph()
    entity(G, "X", cls, "A label")
    entity(G, "Sel", "Symptom")
    if role == "neighbour":
        relate(G, "Sel", "canCause", "X", "can cause")
    selected = {"plain": None, "selected": CM + "X"}.get(role, CM + "Sel")
    node = nodes_by_id(to_vis_data(G, selected=selected))[CM + "X"]
    assert label_contrast(node) >= 4.5, (cls, role, node["font"], node["color"]["background"])


def test_condition_labels_are_black_on_rose_and_treatments_white_on_green():
    # Tol's rose with the page's near-black is 4.3:1 (the "dark text on dark red").
    assert contrast_ratio("#CC6677", "#1f2328") < 4.5
    G = nx.MultiDiGraph()
    entity(G, "C", "Condition")
    entity(G, "T", "Treatment")
    nodes = nodes_by_id(to_vis_data(G))
    assert nodes[CM + "C"]["font"]["color"] == "#000000"
    assert nodes[CM + "T"]["font"]["color"] == "#ffffff"


def test_focus_is_marked_and_the_tooltip_shows_a_short_id(digeorge):
    data = to_vis_data(digeorge, focus=CM + "Hypocalcemia", selected=CM + "Thymus")
    nodes = nodes_by_id(data)
    focus = nodes[CM + "Hypocalcemia"]
    assert focus["isFocus"] is True and focus["borderWidth"] >= 3
    assert nodes[CM + "Thymus"]["isSelected"] is True
    assert not any(n.get("isFocus") for i, n in nodes.items() if i != CM + "Hypocalcemia")
    assert focus["title"].splitlines()[1] == "Mechanism · cm:Hypocalcemia"
    assert CM not in json.dumps([n["title"] for n in data["nodes"]])  # no raw IRI in tooltips
    assert focus["curie"] == "cm:Hypocalcemia" and focus["clsLabel"] == "Mechanism"


def test_big_views_keep_labels_for_major_nodes_only():
    G = nx.MultiDiGraph()
    entity(G, "Hub", "Mechanism")
    for i in range(LOD_NODES + 20):
        entity(G, f"N{i}", "Symptom")
        relate(G, "Hub", "canCause", f"N{i}", "can cause")
    for i in range(0, 40, 2):  # twenty better-connected leaves
        relate(G, f"N{i}", "canCause", f"N{i + 1}", "can cause")
    data = to_vis_data(G, focus=CM + "N99")
    nodes = nodes_by_id(data)
    minor = [n for n in nodes.values() if n.get("minor")]
    assert 0 < len(minor) < len(nodes)
    for n in (CM + "Hub", CM + "N99", CM + "N0"):  # a neighbour of the focus, the focus, a hub
        assert not nodes[n].get("minor")
    assert all(n["font"]["size"] < 12 and n["scaling"]["label"]["drawThreshold"] > 12
               for n in minor)
    assert all(n["font"].get("size", NODE_FONT) >= NODE_FONT for n in nodes.values()
               if not n.get("minor"))
    small = to_vis_data(G.subgraph(list(G)[:LOD_NODES]))
    assert not any(n.get("minor") for n in small["nodes"])


def test_unknown_selection_changes_nothing(digeorge):
    assert to_vis_data(digeorge, selected=CM + "NotHere") == to_vis_data(digeorge)


def test_chromosome_marker_is_an_svg_image():
    G = nx.MultiDiGraph()
    entity(G, "Del22q11", "GeneticFactor", "22q11.2 deletion")
    (node,) = to_vis_data(G, selected=CM + "Del22q11")["nodes"]
    assert node["shape"] == "image"
    svg = base64.b64decode(node["image"].split(",", 1)[1]).decode()
    assert "#999933" in svg and "<script" not in svg


# ---------------------------------------------------------------------------------- options

@pytest.mark.parametrize("n", [10, 300, 500])
def test_options_are_tuned_for_speed(n):
    options = vis_options(n)
    assert options["edges"]["smooth"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True
    assert options["interaction"]["hideEdgesOnZoom"] is (n > 150)
    assert 100 <= options["physics"]["stabilization"]["iterations"] <= 200
    assert options["layout"]["improvedLayout"] is (n <= 100)
    assert options["layout"]["randomSeed"] == render.LAYOUT_SEED


def test_physics_can_be_switched_off(digeorge):
    assert to_vis_data(digeorge, physics=False)["options"]["physics"]["enabled"] is False


# ----------------------------------------------------------------------------- standalone page

class _PageParser(HTMLParser):
    """Collects tags, external references and the text of each <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.refs, self.scripts, self.meta = [], [], [], {}
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.refs += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        if tag == "meta" and attrs.get("http-equiv"):
            self.meta[attrs["http-equiv"].lower()] = attrs.get("content", "")
        if tag == "script":
            self._script = (attrs.get("type"), attrs.get("id"), [])

    def handle_data(self, data):
        if self._script is not None:
            self._script[2].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, ident, parts = self._script
            self.scripts.append((kind, ident, "".join(parts)))
            self._script = None


@pytest.fixture
def page(evil):
    html = standalone_html(evil, title=f"Around {EVIL}")
    parser = _PageParser()
    parser.feed(html)
    return html, parser


def test_standalone_page_loads_nothing_from_elsewhere(page):
    html, parser = page
    assert parser.refs == []                      # no src= or href= at all
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"cdnjs|jsdelivr|unpkg|bootstrap", html, re.IGNORECASE)
    assert all(tag not in ("link", "iframe", "img") for tag, _ in parser.tags)


def test_standalone_page_inlines_vis_network(page):
    html, parser = page
    code = [text for kind, _, text in parser.scripts if kind is None]
    assert len(code) == 2
    assert code[0] == vis_network_js() and "vis-network" in code[0][:300]
    assert "new vis.Network" in code[1]
    assert ".vis-tooltip" in html  # vis-network's stylesheet is inlined too


def test_standalone_page_shows_markup_as_text(page):
    html, parser = page
    assert EVIL not in html and "<b onmouseover" not in html
    assert not any(attr.startswith("on") for _, attrs in parser.tags for attr in attrs)
    assert parser.tags.count(("img", {})) == 0
    assert html.count(f"Around {escape(EVIL)}") == 2  # <title> and <h1>
    data = {ident: json.loads(text) for kind, ident, text in parser.scripts
            if kind == "application/json"}
    assert sorted(data) == ["cm-edges", "cm-nodes", "cm-options"]
    assert {n["label"] for n in data["cm-nodes"]} == {EVIL, "Hypocalcemia"}


def test_standalone_csp_allows_exactly_the_inline_scripts(page):
    _, parser = page
    csp = parser.meta["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    for kind, _, text in parser.scripts:
        if kind is None:
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src


def test_import_is_cheap():
    code = ("import sys, graph.view.render; "
            "print(sorted(m for m in ('pyvis', 'streamlit', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_vis_network_is_read_once():
    assert vis_network_js() is vis_network_js()
