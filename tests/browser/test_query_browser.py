"""The SPARQL page in a real browser (headless Debian Chromium) against a real ``streamlit run``.

What AppTest cannot check: that the bundled editor loads and highlights without fetching anything,
that typing and Ctrl+Enter run the query, that a syntax error is underlined in the editor, that the
CSV download holds the W3C CSV of the result, that hovering a cell shows the IRI, and that a shared
link restores and runs the query. Screenshots go to the test's ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
EDITOR = ".cm-sparql .cm-content"  # Playwright's CSS engine looks inside the shadow root
QUERY = ("SELECT ?condition ?label WHERE { ?condition cm:actsThrough cm:Hypocalcemia ; "
         "rdfs:label ?label } ORDER BY ?label")


def open_page(shared_app, page, query_string: str = "") -> None:
    url = shared_app(APP, env={"CAUSEMAP_DATA": ""})
    page.goto(url.rstrip("/") + "/query" + query_string)
    page.locator(EDITOR).wait_for(timeout=60_000)


def results_table(page):
    """The results table: the last table on the page (the builder's hidden tab has another)."""
    table = page.locator("[data-testid='stTable'] table").last
    table.wait_for(timeout=30_000)
    return table


def results(page):
    """The rows of the results table, as the text of their cells."""
    table = results_table(page)
    return [[cell.inner_text().strip() for cell in row.locator("td").all()]
            for row in table.locator("tbody tr").all()]


def external(recorded) -> list[str]:
    return list(recorded.external_requests)


def test_type_run_with_the_keyboard_and_download_csv(shared_app, browser_page, tmp_path):
    page = browser_page.page
    open_page(shared_app, page)
    # The editor is CodeMirror from the bundled module: line numbers and highlighting are there.
    assert page.locator(".cm-sparql .cm-lineNumbers").count() == 1
    assert page.locator(".cm-sparql .cm-content span").count() > 3
    page.screenshot(path=tmp_path / "query-start.png")

    page.locator(EDITOR).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY)
    page.keyboard.press("Escape")  # close a completion list, if one is open
    assert page.locator(EDITOR).inner_text().strip() == QUERY
    page.keyboard.press("Control+Enter")
    page.get_by_text("SELECT · 2 rows").wait_for(timeout=30_000)
    assert results(page) == [["DiGeorge syndrome", "DiGeorge syndrome"],
                             ["hypoparathyroidism", "hypoparathyroidism"]]

    # The entity cell links to the entity page; hovering it shows the full IRI.
    cell = results_table(page).locator("td").first
    assert cell.locator("a").get_attribute("href") == "/entity?entity=cm:DiGeorgeSyndrome"
    cell.hover()
    tip = cell.locator(".pd-t")
    page.wait_for_function("el => getComputedStyle(el).visibility === 'visible'",
                           arg=tip.element_handle())
    assert "https://w3id.org/causemap/DiGeorgeSyndrome" in tip.evaluate(
        "el => decodeURIComponent(getComputedStyle(el, '::after').content)")
    page.screenshot(path=tmp_path / "query-results.png")

    # The URL now holds the query: the link a student copies reproduces it.
    assert "q=" in page.url and "actsThrough" in page.url

    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "query-results.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows == [["condition", "label"],
                    ["https://w3id.org/causemap/DiGeorgeSyndrome", "DiGeorge syndrome"],
                    ["https://w3id.org/causemap/Hypoparathyroidism", "hypoparathyroidism"]]

    assert external(browser_page) == []
    assert browser_page.page_errors == []


def test_typing_line_by_line_leaves_no_stray_brace_and_a_typo_gets_a_hint(shared_app,
                                                                            browser_page):
    # Regression: an automatic "}" after "{" was left over when the student typed their own.
    page = browser_page.page
    open_page(shared_app, page)
    page.locator(EDITOR).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for line in ("SELECT ?c WHERE {", "?c a cm:Conditon .", "}"):
        page.keyboard.type(line)
        page.keyboard.press("Escape")  # close a completion list, if one is open
        page.keyboard.press("Enter")
    text = page.locator(EDITOR).inner_text()
    assert text.count("{") == 1 and text.count("}") == 1, text
    page.keyboard.press("Control+Enter")
    page.get_by_text("is not used anywhere in this graph").wait_for(timeout=30_000)
    assert page.get_by_text("Did you mean cm:Condition?").count() == 1
    assert external(browser_page) == []


def test_a_syntax_error_is_underlined_and_a_link_runs_its_query(shared_app, browser_page,
                                                                tmp_path):
    page = browser_page.page
    broken = "SELECT ?x ?label\nWHERE {\n  ?x rdfs:label ?label\n  ?x a cm:Condition .\n}"
    open_page(shared_app, page, "?q=" + quote(broken))
    page.get_by_text("Syntax error at line 4, column 3").wait_for(timeout=30_000)
    underline = page.locator(".cm-sparql .cm-lintRange-error")
    underline.wait_for(timeout=15_000)
    assert underline.inner_text() == "?x"
    page.screenshot(path=tmp_path / "query-syntax-error.png")

    # Fix it in the editor (add the missing dot) and run with the Run button this time.
    page.locator(".cm-sparql .cm-line").nth(2).click()
    page.keyboard.press("End")
    page.keyboard.type(" .")
    page.locator(".cm-sparql-run").click()
    page.get_by_text(re.compile(r"SELECT · \d+ rows")).wait_for(timeout=30_000)
    assert page.locator(".cm-sparql .cm-lintRange-error").count() == 0
    page.screenshot(path=tmp_path / "query-fixed.png")
    assert external(browser_page) == []
    assert browser_page.dialogs == []


def test_nothing_at_all_leaves_the_machine(shared_app, browser_page):
    page = browser_page.page
    open_page(shared_app, page)
    page.wait_for_timeout(2_000)
    assert browser_page.external_requests == []
