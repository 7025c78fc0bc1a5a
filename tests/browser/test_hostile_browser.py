"""No Markdown or HTML from users or data, in a real browser (headless Debian Chromium).

Every page is opened with hostile URL parameters — Markdown images and links, raw HTML tags,
``javascript:`` URLs, bare URLs that GitHub-flavoured Markdown would turn into links, terminal
and bidirectional control characters, a 50,000-character value — and a hostile upload is explored
whose labels, synonyms, definitions and file name carry the same. Each test asserts:

- the payload reached the code it attacks: its marker (``PWN``) is on the page, as text;
- no request leaves 127.0.0.1 (every other request is aborted by ``page.route`` and recorded);
- no element came from the payload: no element anywhere (shadow roots included) links to or
  loads from the payload's host or a ``javascript:`` URL, no inline handler calls ``alert``, no
  image or frame comes from off this machine, and no dialog opened (an ``alert`` ran).
"""

from __future__ import annotations

import re

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.conftest import is_local

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
LOAD_MS = 60_000
HOST = "evil.example"
PAYLOAD = ("PWN ![i](http://evil.example/md.png) [l](javascript:alert(1)) "
           "<img src=http://evil.example/h.png onerror=alert(1)> <script>alert(2)</script> "
           "<iframe src=http://evil.example/f></iframe> http://evil.example/auto www.evil.example "
           "&lt;b&gt; :red[x] $x^2$ \x1b[31m\u202eRTL\x07 end")
HUGE = "PWN" + "A" * 50_000

# page path → the parameters it reads, each given the payload (``None``: a parameter it ignores).
PAGES = {
    "/": ("focus", "radius", "entity"),
    "/entity": ("entity",),
    "/ontology": None,
    "/query": ("q",),
    "/relate": ("a", "b", "depth"),
    "/compare": ("c",),
    "/differential": ("f",),
    "/treatments": ("treatment",),
    "/quiz": ("seed", "answers", "q", "n"),
    "/hubs": ("measure",),
    "/overview": None,
    "/upload": None,
}
#: Pages that echo one of their parameters in a message (the others ignore or replace it).
ECHOING = {"/", "/entity", "/query", "/relate", "/compare", "/differential", "/treatments",
           "/quiz", "/hubs"}

# Every element, shadow roots included, that loads or links to the payload's host or runs it: a
# URL attribute (href, src, …) or a style naming evil.example or a javascript: URL, an inline event
# handler that calls alert, and every <img>, <iframe>, <object>, <embed> or <script src> that is
# not on this machine. (Text in other attributes, such as a chip's data-label, is only text.)
FOREIGN_ELEMENTS = """() => {
  const URLISH = ['href', 'src', 'srcset', 'action', 'formaction', 'data', 'poster', 'xlink:href',
                  'style', 'background', 'ping'];
  const found = [];
  const walk = root => {
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) {
        const v = a.value.toLowerCase();
        if ((URLISH.includes(a.name) && (v.includes('evil.example') ||
             v.replace(/[\\s\\u0000-\\u001f]/g, '').startsWith('javascript:'))) ||
            (a.name.startsWith('on') && v.includes('alert')))
          found.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 80));
      }
      const src = el.getAttribute('src') || el.getAttribute('data');
      if (['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'SCRIPT'].includes(el.tagName) && src &&
          /^[a-z]+:\\/\\//i.test(src) && !/^https?:\\/\\/(127\\.0\\.0\\.1|localhost)[:/]/i.test(src))
        found.push(el.tagName + ' src=' + src.slice(0, 80));
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found;
}"""


@pytest.fixture
def app_url(chromium, shared_app):
    return shared_app(APP, env={"CAUSEMAP_DATA": ""}).rstrip("/")


@pytest.fixture
def hostile_page(chromium):
    """A page whose requests off this machine are aborted and recorded, as are its dialogs."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.outside, page.dialogs, page.errors = [], [], []

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def settle(page) -> None:
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=LOAD_MS)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=LOAD_MS)
    page.wait_for_timeout(500)  # components draw on the next frames


def assert_inert(page) -> None:
    assert page.outside == [], page.outside
    assert page.dialogs == [], page.dialogs
    assert page.evaluate(FOREIGN_ELEMENTS) == []
    # A traceback never reaches the reader.
    assert not page.locator("[data-testid='stException']").count()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_shows_hostile_url_parameters_as_text(hostile_page, app_url, path):
    params = PAGES[path] or ("junk",)
    hostile_page.goto(app_url + path + "?" + "&".join(f"{p}={quote(PAYLOAD)}" for p in params))
    settle(hostile_page)
    if path in ECHOING:
        # The attack reached the message: the payload is on the page, as the text it is (the
        # SPARQL page runs the linked query on a second run: wait for it).
        hostile_page.wait_for_function(
            "() => document.querySelector('[data-testid=stMain]').innerText.includes('PWN')",
            timeout=LOAD_MS)
        settle(hostile_page)
    assert_inert(hostile_page)


@pytest.mark.parametrize("path", ["/entity?entity=", "/?focus=", "/query?q=", "/relate?a="])
def test_a_huge_parameter_is_cut_not_echoed_whole(hostile_page, app_url, path):
    hostile_page.goto(app_url + path + quote(HUGE))
    settle(hostile_page)
    messages = hostile_page.locator("[data-testid='stAlert']")
    for i in range(messages.count()):
        assert len(messages.nth(i).inner_text()) < 1_000
    assert_inert(hostile_page)


def menu(page, section: str, path: str) -> None:
    """Open a page from the top menu: the same session (a new URL would start a new one)."""
    page.get_by_text(section, exact=True).first.click()
    page.locator(f"[data-testid='stTopNavDropdownLink'][href$='{path}']").click()
    # The router keeps the chosen graph in the URL (?graph=upload): any query string may follow.
    page.wait_for_url(re.compile(re.escape(path) + r"(\?.*)?$"), timeout=LOAD_MS)


def hostile_turtle() -> bytes:
    """An entity whose every text field is the payload, linked into the bundled graph, and a
    hostile synonym and curator's note on a bundled entity."""
    lit = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\u001B") \
        .replace("\x07", "\\u0007")
    return f"""@prefix cm: <https://w3id.org/causemap/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
cm:EvilCondition a cm:Condition ;
    rdfs:label "Evil {lit}"@en ;
    skos:altLabel "{lit}"@en ;
    skos:definition "{lit}"@en ;
    skos:editorialNote "{lit}"@en ;
    cm:actsThrough cm:Hypocalcemia .
cm:Hypocalcemia skos:altLabel "Evil synonym {lit}"@en .
""".encode("utf-8")


def test_a_hostile_upload_is_explored_as_text(hostile_page, app_url):
    page = hostile_page
    page.goto(app_url + "/upload")
    settle(page)
    files = [{"name": p.name, "mimeType": "application/trig", "buffer": p.read_bytes()}
             for p in sorted((ROOT / "data").glob("*.trig"))]
    files.append({"name": "![f](http:evil.example) <b>x</b> PWN.ttl", "mimeType": "text/turtle",
                  "buffer": hostile_turtle()})
    page.set_input_files("input[type=file]", files=files)
    page.get_by_text("PWN.ttl").first.wait_for(timeout=LOAD_MS)
    page.get_by_role("button", name="Load as my graph").click()
    page.get_by_text("You are exploring your upload").wait_for(timeout=LOAD_MS)
    settle(page)
    # The report quotes the hostile entity (it breaks the shapes: no claim, two labels …).
    page.get_by_text("Checked against the shapes", exact=True).wait_for(timeout=LOAD_MS)
    assert_inert(page)

    # Within the same session (the top menu, not a new URL): the entity page, by search.
    menu(page, "Explore", "/entity")
    settle(page)
    box = page.locator("[data-testid='stMain'] .cms-input").first
    box.click()
    box.type("Evil", delay=20)
    page.locator(".cms-option").first.wait_for(timeout=15_000)
    page.keyboard.press("Enter")
    page.get_by_text("Evil PWN", exact=False).first.wait_for(timeout=LOAD_MS)
    settle(page)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "PWN" in text and "evil.example" in text  # shown, as text
    assert_inert(page)

    # The overview names the files: the hostile name, as text.
    menu(page, "About", "/overview")
    settle(page)
    assert "PWN.ttl" in page.locator("[data-testid='stMain']").inner_text()
    assert_inert(page)
    assert page.errors == [], page.errors
