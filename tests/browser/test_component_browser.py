"""The network component and the standalone page in a real browser (headless Debian Chromium).

Each test starts ``streamlit run tests/browser/component_app.py`` (or opens a standalone page) and
checks what AppTest cannot: that vis-network draws from the inlined bundle without any request
leaving 127.0.0.1, that a click on a node reaches Python, that a label or tooltip carrying markup is
shown as text (no ``alert`` dialog fires), and that entities keep their place when the view is
restyled or expanded. Screenshots go to the test's ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.view.render import standalone_html

pytestmark = pytest.mark.browser

APP = Path(__file__).with_name("component_app.py")
CM = "https://w3id.org/causemap/"
EVIL = "<img src=x onerror=alert(1)>"
NETWORK = ".cm-network"  # Playwright's CSS engine looks inside the component's shadow root


def wait_for_layout(page, node_count: int | None = None, timeout_ms: int = 30_000):
    """Wait until the component has drawn a settled layout; return its container locator."""
    count = f'[data-node-count="{node_count}"]' if node_count is not None else ""
    page.locator(f'{NETWORK}[data-stabilized="true"]{count}').wait_for(timeout=timeout_ms)
    return page.locator(NETWORK)


def node_position(container, node_id: str) -> dict:
    """Where a node is drawn, in page coordinates."""
    return container.evaluate(
        """(el, id) => { const net = el.causemapNetwork;
                         const at = net.canvasToDOM(net.getPositions([id])[id]);
                         const box = el.getBoundingClientRect();
                         return {x: box.left + at.x, y: box.top + at.y}; }""", node_id)


def canvas_positions(container) -> dict:
    return container.evaluate("el => el.causemapNetwork.getPositions()")


def test_click_reaches_python_and_markup_stays_text(streamlit_server, browser_page, tmp_path):
    page = browser_page.page
    page.goto(streamlit_server(APP))
    container = wait_for_layout(page, node_count=3)
    page.get_by_text("selected=None").wait_for()
    page.screenshot(path=tmp_path / "component-before.png")

    before = canvas_positions(container)
    at = node_position(container, CM + "Evil")
    page.mouse.move(at["x"], at["y"])
    tooltip = page.locator(".cm-network .cm-tip")
    tooltip.wait_for(state="visible")
    assert EVIL in tooltip.inner_text()             # shown as the literal text ...
    assert tooltip.locator("img").count() == 0      # ... and never turned into an element
    page.screenshot(path=tmp_path / "component-tooltip.png")

    page.mouse.click(at["x"], at["y"])
    page.get_by_text(f"selected={CM}Evil").wait_for(timeout=15_000)
    # After the rerun the selection is restyled in place: no entity moved.
    page.wait_for_function(
        "([el, id]) => el.causemapNetwork.body.data.nodes.get(id).borderWidth === 4",
        arg=[container.element_handle(), CM + "Evil"])
    after = canvas_positions(container)
    assert after == before
    page.screenshot(path=tmp_path / "component-selected.png")

    assert browser_page.dialogs == []
    assert browser_page.external_requests == []
    assert browser_page.page_errors == []
    assert browser_page.console_errors == []
    assert any("127.0.0.1" in url for url in browser_page.requests)


def test_expanding_keeps_drawn_entities_in_place(streamlit_server, browser_page, tmp_path):
    page = browser_page.page
    page.goto(streamlit_server(APP, "nodes=12"))
    container = wait_for_layout(page)
    before = canvas_positions(container)
    page.get_by_role("button", name="Add a neighbour").click()
    wait_for_layout(page, node_count=13)
    after = canvas_positions(container)
    assert set(after) == set(before) | {CM + "Extra0"}
    # Old entities start where they were; the short re-layout may nudge them, not scatter them.
    moved = [((after[n]["x"] - p["x"]) ** 2 + (after[n]["y"] - p["y"]) ** 2) ** 0.5
             for n, p in before.items()]
    assert max(moved) < 150, moved
    page.screenshot(path=tmp_path / "component-expanded.png")
    assert browser_page.external_requests == []
    assert browser_page.dialogs == []


def test_standalone_page_is_offline_and_shows_markup_as_text(browser_page, tmp_path):
    G = nx.MultiDiGraph()
    G.add_node(CM + "Evil", label=EVIL, cls=CM + "Symptom", cls_label="Symptom", title=EVIL)
    G.add_node(CM + "Hypocalcemia", label="Hypocalcemia", cls=CM + "Mechanism",
               cls_label="Mechanism")
    G.add_edge(CM + "Hypocalcemia", CM + "Evil", key=CM + "canCause", label="can cause")
    html_path = tmp_path / "network.html"
    html_path.write_text(standalone_html(G, title=f"Around {EVIL}"), encoding="utf-8")

    page = browser_page.page
    page.goto(html_path.as_uri())
    # a locator, not wait_for_function: the page's CSP (rightly) forbids the eval that one needs
    page.locator('#mynetwork[data-stabilized="true"]').wait_for()
    assert page.title() == f"Around {EVIL}"
    assert page.locator("h1").inner_text() == f"Around {EVIL}"
    at = page.evaluate(
        """id => { const p = causemapNetwork.canvasToDOM(causemapNetwork.getPositions([id])[id]);
                   const box = document.getElementById('mynetwork').getBoundingClientRect();
                   return {x: box.left + p.x, y: box.top + p.y}; }""", CM + "Evil")
    page.mouse.move(at["x"], at["y"])
    tooltip = page.locator(".vis-tooltip")
    tooltip.wait_for(state="visible")
    assert EVIL in tooltip.inner_text()
    page.screenshot(path=tmp_path / "standalone.png")

    assert page.locator("img").count() == 0
    assert browser_page.dialogs == []
    assert browser_page.page_errors == []
    assert browser_page.console_errors == []  # a CSP violation would be logged here
    assert browser_page.external_requests == []
