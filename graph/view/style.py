"""How each entity class looks, and the colour arithmetic behind readable labels.

Each entity class has a colour from Paul Tol's colour-blind-safe "muted" scheme *and* its own shape
(:data:`CLASS_STYLE`), so the classes stay apart without colour vision too. The helpers here work out
label ink that meets WCAG AA (:func:`contrast_ratio`, :func:`label_contrast`) and draw the legend's
symbols. :mod:`graph.view.render` uses them to style vis-network data.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

__all__ = ["CLASS_STYLE", "OTHER_STYLE", "ClassStyle", "LABEL_INSIDE", "class_style", "legend",
           "legend_svg", "contrast_ratio", "label_contrast"]

CM_BASE = "https://w3id.org/causemap/"

class ClassStyle(NamedTuple):
    """How one entity class is drawn: its legend label, fill colour and vis-network shape."""

    label: str
    colour: str
    shape: str


# Paul Tol's "muted" qualitative scheme (https://personal.sron.nl/~pault/, colour-blind safe), one
# colour per class, in the order the classes matter most to a student. Shapes are distinct too.
# vis-network has seven shapes that keep a fixed size with the label below, and two compact ones
# with the label inside (ellipse, box; "circle" and "database" grow as tall as the label is wide),
# so the tenth shape is our own: an "X" (a chromosome) drawn as an SVG image (see _marker_image).
CLASS_STYLE: Mapping[str, ClassStyle] = {
    CM_BASE + "Condition": ClassStyle("Condition", "#CC6677", "ellipse"),
    CM_BASE + "Trigger": ClassStyle("Trigger", "#DDCC77", "triangle"),
    CM_BASE + "Mechanism": ClassStyle("Mechanism", "#332288", "diamond"),
    CM_BASE + "Symptom": ClassStyle("Symptom", "#88CCEE", "dot"),
    CM_BASE + "Treatment": ClassStyle("Treatment", "#117733", "box"),
    CM_BASE + "AnatomicalStructure": ClassStyle("Anatomical structure", "#AA4499", "hexagon"),
    CM_BASE + "Pathogen": ClassStyle("Pathogen", "#882255", "star"),
    CM_BASE + "Substance": ClassStyle("Substance", "#44AA99", "triangleDown"),
    CM_BASE + "GeneticFactor": ClassStyle("Genetic factor", "#999933", "chromosome"),
    CM_BASE + "OnsetAge": ClassStyle("Onset age", "#DDDDDD", "square"),
}
OTHER_STYLE = ClassStyle("Other", "#FFFFFF", "dot")  # white with a grey border: "not classified"

_FONT_FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_TEXT = "#1f2328"
_TEXT_DIM = "#57606a"  # 6.4:1 on white: a dimmed label stays readable (WCAG AA)
_EDGE_TEXT = "#4a4a4a"
_CANVAS = "#ffffff"
#: Shapes that draw their label on their own fill; every other shape draws it below, on the canvas.
LABEL_INSIDE = frozenset({"ellipse", "box", "circle", "database", "text"})
_EDGE = "#8c8c8c"
_EDGE_STRONG = "#3d3d3d"
_SELECTED_BORDER = "#111111"
_DIM_MIX = 0.78  # how far a dimmed node's colour is blended towards white


def class_style(cls: str | None) -> ClassStyle:
    """The style of a class IRI (or of its local name); :data:`OTHER_STYLE` when unknown.

    >>> class_style("https://w3id.org/causemap/Mechanism")
    ClassStyle(label='Mechanism', colour='#332288', shape='diamond')
    >>> class_style("Symptom").shape
    'dot'
    >>> class_style(None).label
    'Other'
    """
    if not cls:
        return OTHER_STYLE
    return CLASS_STYLE.get(cls) or CLASS_STYLE.get(CM_BASE + cls) or OTHER_STYLE


def legend() -> list[tuple[str, str, str]]:
    """The legend of the entity classes: ``(label, colour, shape)`` in drawing order.

    >>> legend()[0]
    ('Condition', '#CC6677', 'ellipse')
    >>> len(legend()) == len({shape for _, _, shape in legend()})
    True
    """
    return [(s.label, s.colour, s.shape) for s in CLASS_STYLE.values()]


_SVG_SHAPES: Mapping[str, str] = {
    "ellipse": '<ellipse cx="10" cy="10" rx="9" ry="5.5"/>',
    "triangle": '<polygon points="10,2 18.5,17 1.5,17"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"/>',
    "dot": '<circle cx="10" cy="10" r="7"/>',
    "box": '<rect x="1.5" y="5" width="17" height="10" rx="2"/>',
    "hexagon": '<polygon points="10,1.5 17.5,5.75 17.5,14.25 10,18.5 2.5,14.25 2.5,5.75"/>',
    "star": '<polygon points="10,1.5 12.4,7.2 18.6,7.7 13.9,11.7 15.3,17.8 10,14.6 4.7,17.8 '
            '6.1,11.7 1.4,7.7 7.6,7.2"/>',
    "triangleDown": '<polygon points="1.5,3 18.5,3 10,18"/>',
    "chromosome": '<polygon points="7.5,1.5 12.5,1.5 12.5,7.5 18.5,7.5 18.5,12.5 12.5,12.5 '
                  '12.5,18.5 7.5,18.5 7.5,12.5 1.5,12.5 1.5,7.5 7.5,7.5" '
                  'transform="rotate(45 10 10)" stroke-linejoin="round"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
}


def legend_svg(shape: str, colour: str, size: int = 16) -> str:
    """A small inline SVG of a class's shape and colour, for legends (no font glyph needed).

    Built from :data:`CLASS_STYLE` constants only, never from data.

    >>> legend_svg("diamond", "#332288")[:40]
    '<svg xmlns="http://www.w3.org/2000/svg" '
    >>> legend_svg("pentagram", "#000000")
    Traceback (most recent call last):
    ...
    ValueError: no legend symbol for shape 'pentagram'
    """
    if shape not in _SVG_SHAPES:
        raise ValueError(f"no legend symbol for shape {shape!r}")
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    border = _mix(colour, "#000000", 0.35) if colour.upper() != "#FFFFFF" else "#8c8c8c"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(size)}" height="{int(size)}" '
            f'viewBox="0 0 20 20" role="img" aria-hidden="true">'
            f'<g fill="{colour}" stroke="{border}" stroke-width="1.3">{_SVG_SHAPES[shape]}</g></svg>')


# ---------------------------------------------------------------------------------------- colours

def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0–1) of the way to ``other``."""
    return _hex(a + (b - a) * amount for a, b in zip(_rgb(colour), _rgb(other)))


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    >>> round(contrast_ratio("#CC6677", "#000000"), 2)
    5.73
    """
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _ink_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour`` (WCAG contrast ratio).

    Pure black, not the page's near-black: on Tol's rose (#CC6677, the conditions) near-black reaches
    only 4.3:1, black 5.7:1.
    """
    return "#000000" if contrast_ratio(colour, "#000000") >= contrast_ratio(colour, "#ffffff") \
        else "#ffffff"


def label_contrast(item: Mapping[str, Any]) -> float:
    """The contrast ratio of a vis-network node item's label against what is drawn behind it.

    Behind a label is the node's fill for shapes in :data:`LABEL_INSIDE`, else the white canvas
    (the label's white halo keeps edges from running through the text).

    >>> import networkx as nx
    >>> from graph.view.render import to_vis_data
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", label="Bell's palsy", cls="https://w3id.org/causemap/Condition")
    >>> round(label_contrast(to_vis_data(G)["nodes"][0]), 2)
    5.73
    """
    font = item.get("font") or {}
    ink = font.get("color", _TEXT)
    behind = item["color"]["background"] if item.get("shape") in LABEL_INSIDE else _CANVAS
    return contrast_ratio(ink, behind)


def _marker_image(fill: str, border: str, border_width: float) -> str:
    """The "chromosome" marker as an SVG ``data:`` URL (vis-network draws it as an image node).

    >>> _marker_image("#999933", "#000000", 2).startswith("data:image/svg+xml;base64,")
    True
    """
    # A plus sign with rounded joins, turned 45 degrees: an X, like a drawn chromosome.
    points = "15,3 25,3 25,15 37,15 37,25 25,25 25,37 15,37 15,25 3,25 3,15 15,15"
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 44 44" width="88" height="88">'
           f'<polygon points="{points}" transform="rotate(45 20 20)" fill="{fill}" '
           f'stroke="{border}" stroke-width="{border_width}" stroke-linejoin="round"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
