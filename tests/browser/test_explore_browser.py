"""The whole app (``app/streamlit_app.py``) in a real browser (headless Debian Chromium).

What AppTest cannot check: that the Explore page's network is drawn, that a click on a drawn node
opens that entity's details beside the network and puts ``entity=…`` in the URL, that a deep link
opens the entity page, that markup in the data is shown as text on both pages (no element is made
from it, no ``alert`` fires) and that no request leaves 127.0.0.1 while all this happens. Most tests
run on the bundled data; the markup tests load ``tests/data/xss.ttl`` through ``CAUSEMAP_DATA``.
Screenshots go to the test's ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.learn.entities import describe
from graph.namespace import entity
from tests.browser.conftest import is_local
from tests.browser.test_component_browser import node_position, wait_for_layout

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
XSS_DATA = ROOT / "tests" / "data" / "xss.ttl"
CM = "https://w3id.org/causemap/"
EVIL = "<img src=x onerror=alert(1)>"              # rdfs:label of cm:MarkupCondition in xss.ttl
EVIL_SCRIPT = "<script>alert(2)</script>"          # inside its skos:definition
BUNDLED = {"CAUSEMAP_DATA": ""}                    # empty: the bundled data, whatever the caller set
MARKUP = {"CAUSEMAP_DATA": str(XSS_DATA)}
LOAD_TIMEOUT_MS = 60_000                           # first run of a page loads the graph


# Opened at a page's own path (/entity), Streamlit's frontend first asks /entity/_stcore/health and
# /entity/_stcore/host-config (404) before the root's (streamlit/streamlit#7074); each 404 is also
# logged on the console. Those, and only those, are expected.
PROBE_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def is_base_path_probe(url: str) -> bool:
    parts = urlsplit(url).path.strip("/").split("/")
    return len(parts) == 3 and parts[1] == "_stcore" and parts[2] in {"health", "host-config"}


@pytest.fixture
def recorded(browser_page):
    """``browser_page`` that also records the URL of every 404 response."""
    browser_page.not_found = []
    browser_page.page.on("response", lambda response: browser_page.not_found.append(response.url)
                         if response.status == 404 else None)
    return browser_page


def assert_quiet(recorded) -> None:
    """No dialog, no page error, nothing fetched from outside, no 404 or console error that the
    base-path probe does not explain."""
    assert recorded.dialogs == []
    assert recorded.page_errors == []
    assert recorded.external_requests == []
    assert [url for url in recorded.not_found if not is_base_path_probe(url)] == []
    assert [msg for msg in recorded.console_errors if msg != PROBE_404] == []
    assert recorded.console_errors.count(PROBE_404) <= len(recorded.not_found)


def open_app(shared_app, page, path: str, env: dict[str, str]) -> None:
    """Open ``path`` (e.g. ``/entity?entity=cm:X``) on the app served with ``env``."""
    url = shared_app(APP, env=env)
    page.goto(url.rstrip("/") + path)


def query(page) -> dict[str, list[str]]:
    """The current URL's query parameters."""
    return parse_qs(urlsplit(page.url).query)


def details_panel(page):
    """The Explore page's right column (the details panel), beside the network's column."""
    columns = page.locator("[data-testid='stMain'] [data-testid='stHorizontalBlock']").first \
        .locator(":scope > [data-testid='stColumn']")
    assert columns.count() == 2, "the Explore page should lay out two columns: network, details"
    return columns.nth(1)


def click_node(page, node_id: str):
    """Click a drawn node; return the network's container locator."""
    container = wait_for_layout(page, timeout_ms=LOAD_TIMEOUT_MS)
    assert node_id in container.evaluate("el => el.causemapNetwork.getPositions()"), node_id
    at = node_position(container, node_id)
    page.mouse.click(at["x"], at["y"])
    return container


def assert_no_markup_made_it_to_the_dom(recorded) -> None:
    """No element was built from the data's markup, nothing fired, nothing asked for it."""
    page = recorded.page
    # Playwright's CSS engine pierces open shadow roots, so this covers the component too; an
    # iframe (there should be none) would be its own frame.
    for frame in page.frames:
        assert frame.locator("img[src='x']").count() == 0, frame.url
        assert frame.locator("script", has_text="alert(2)").count() == 0, frame.url
    assert not [url for url in recorded.requests if urlsplit(url).path == "/x"]  # an <img src=x>
    assert_quiet(recorded)


def shown(recorded, details, screenshot: Path, timeout_ms: int = 30_000) -> None:
    """Wait for cm:MarkupCondition's details in ``details``: no markup ran, and it shows as text."""
    # Wait for text that is not data first, so that the DOM can be checked even when the data's
    # markup did become elements (then its text would never show).
    details.get_by_text("Relations from here").wait_for(timeout=timeout_ms)
    details.page.wait_for_load_state("networkidle")  # an <img src=x> would have asked for /x
    details.page.screenshot(path=screenshot)
    assert_no_markup_made_it_to_the_dom(recorded)
    heading = details.get_by_role("heading", name=EVIL, exact=True)
    assert heading.count() == 1 and heading.is_visible()
    assert details.get_by_text(EVIL_SCRIPT).is_visible()               # the definition
    assert details.get_by_text(f"{EVIL} has symptom plain symptom.").is_visible()


def test_click_on_a_node_opens_its_details_and_links_them(shared_app, recorded, kg,
                                                           tmp_path):
    page = recorded.page
    # "/" is the Explore page's address (the default page); see test_explore_path_deep_link.
    open_app(shared_app, page, "/?focus=cm:Hypocalcemia&radius=1", BUNDLED)
    container = wait_for_layout(page, timeout_ms=LOAD_TIMEOUT_MS)
    panel = details_panel(page)
    panel.get_by_text("to see what it is, how it").wait_for()
    assert "entity" not in query(page)
    page.screenshot(path=tmp_path / "explore-focus.png")

    click_node(page, CM + "DiGeorgeSyndrome")
    heading = panel.get_by_role("heading", name="DiGeorge syndrome", exact=True)
    heading.wait_for(timeout=30_000)
    sentence = next(r.sentence for r in describe(kg, entity("DiGeorgeSyndrome")).outgoing
                    if r.object == entity("Hypocalcemia"))   # the edge drawn in this view
    panel.get_by_text(sentence).wait_for()
    # The panel is beside the network, not under it.
    assert heading.bounding_box()["x"] > container.bounding_box()["x"] \
        + container.bounding_box()["width"]
    page.wait_for_function("() => location.search.includes('entity=')")
    assert query(page) == {"entity": ["cm:DiGeorgeSyndrome"], "focus": ["cm:Hypocalcemia"],
                           "radius": ["1"]}
    page.screenshot(path=tmp_path / "explore-selected.png")

    # The favicon is ours, served by the app, not a Google font icon.
    icons = page.locator("link[rel~='icon']")
    assert icons.count() >= 1
    for href in (icons.nth(i).evaluate("el => el.href") for i in range(icons.count())):
        assert is_local(href), href
    assert_quiet(recorded)
    assert recorded.not_found == []  # opened at "/": not even the base-path probe
    assert any(urlsplit(url).hostname == "127.0.0.1" for url in recorded.requests)


def test_entity_deep_link_shows_the_curators_note(shared_app, recorded, kg, tmp_path):
    notes = describe(kg, entity("SubstantiaNigra")).notes
    assert notes, "the bundled data should carry a curator's note on cm:SubstantiaNigra"
    page = recorded.page
    open_app(shared_app, page, "/entity?entity=cm:SubstantiaNigra", BUNDLED)
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("heading", name="Substantia nigra", exact=True).wait_for(
        timeout=LOAD_TIMEOUT_MS)
    note = main.locator("[data-testid='stAlert']").filter(has_text="Curator's note")
    assert note.inner_text().strip().endswith(notes[0])
    assert page.get_by_text("Page not found").count() == 0
    page.screenshot(path=tmp_path / "entity-note.png")
    assert_quiet(recorded)


def test_markup_in_the_data_is_text_on_the_explore_page(shared_app, recorded, tmp_path):
    page = recorded.page
    open_app(shared_app, page, "/", MARKUP)
    container = wait_for_layout(page, node_count=2, timeout_ms=LOAD_TIMEOUT_MS)
    # The tooltip (the definition) is text, too.
    at = node_position(container, CM + "MarkupCondition")
    page.mouse.move(at["x"], at["y"])
    tooltip = page.locator(".cm-network .cm-tip")
    tooltip.wait_for(state="visible")
    assert EVIL_SCRIPT in tooltip.inner_text()

    click_node(page, CM + "MarkupCondition")
    panel = details_panel(page)
    shown(recorded, panel, tmp_path / "explore-markup.png")
    page.wait_for_function("() => location.search.includes('entity=')")
    assert query(page) == {"entity": ["cm:MarkupCondition"]}
    assert_no_markup_made_it_to_the_dom(recorded)


def test_markup_in_the_data_is_text_on_the_entity_page(shared_app, recorded, tmp_path):
    page = recorded.page
    open_app(shared_app, page, "/entity?entity=cm:MarkupCondition", MARKUP)
    shown(recorded, page.locator("[data-testid='stMain']"), tmp_path / "entity-markup.png",
          timeout_ms=LOAD_TIMEOUT_MS)
    assert_no_markup_made_it_to_the_dom(recorded)
