"""Take the README tour's screenshots: every page at 1400×900 and 390×844, into ``docs/``.

Run: ``.venv/bin/python -m tests.browser.screenshots [--out docs] [--pages explore,relate]``.

It starts the app on a free 127.0.0.1 port (the bundled data), opens each page in the state the
tour describes (:data:`SHOTS`) in Debian's Chromium, waits until the page and its networks are
drawn, and saves ``docs/<page>-desktop.png`` and ``docs/<page>-phone.png``, reduced to a palette
of 256 colours (Pillow; about a quarter of the size, no visible loss for a UI). Open and look at
each one after taking it: a page that passes its tests can still look broken.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: page name → (path, what to do once it is drawn, or None)
SHOTS: dict[str, tuple[str, str | None]] = {
    "explore": ("/", None),
    "explore-selected": ("/?focus=cm:Hypocalcemia&radius=2&entity=cm:DiGeorgeSyndrome", None),
    "entity": ("/entity?entity=cm:Hypocalcemia", None),
    "ontology": ("/ontology", None),
    "query": ("/query?q=SELECT%20%3Fcondition%20%3Flabel%20WHERE%20%7B%0A%20%20%3Fcondition%20"
              "cm%3AactsThrough%20cm%3AHypocalcemia%20%3B%20rdfs%3Alabel%20%3Flabel%20.%0A%7D", None),
    "relate": ("/relate?a=cm:DiGeorgeSyndrome&b=cm:Hypoparathyroidism", None),
    "compare": ("/compare?c=cm:EssentialTremor,cm:ParkinsonsDisease", None),
    "differential": ("/differential?f=cm:UpperLipTwitching,cm:HandTremor,cm:AgeOver40", None),
    "treatments": ("/treatments?treatment=cm:CalciumReplacement", None),
    "quiz": ("/quiz?seed=4&answers=AB&q=2", None),
    "hubs": ("/hubs", None),
    "overview": ("/overview", None),
    "search": ("/relate", "search"),  # the one search box, open on "low calcium"
}
#: With ``--store PATH`` (a full HPO store from ``causemap import-hpo PATH``): the HPO tour.
HPO_SHOTS: dict[str, tuple[str, str | None]] = {
    "hpo-start": ("/", None),
    "hpo-explore": ("/?focus=disease:OMIM_188400&radius=1", None),
    "hpo-explore-open": ("/?focus=disease:OMIM_188400&radius=1&open=obo:HP_0001626", None),
    "hpo-entity": ("/entity?entity=disease:OMIM_188400", None),
    "hpo-compare": ("/compare?c=disease:OMIM_188400,disease:OMIM_192430", None),
    "hpo-quiz": ("/quiz?seed=1", None),
    "hpo-overview": ("/overview", None),
}
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}


def _settle(page) -> None:
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=60_000)
    networks = page.locator(".cm-network")
    for i in range(networks.count()):
        if networks.nth(i).is_visible():
            networks.nth(i).locator("xpath=self::*[@data-stabilized='true']").wait_for(timeout=30_000)
    # Streamlit draws a grey skeleton where an element's code is still loading (the editor, a
    # table, a download button): the picture waits until every one has become the element.
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=30_000)
    page.wait_for_timeout(400)


def _act(page, action: str | None) -> None:
    if action == "search":
        box = page.locator(".cms-input").first
        box.click()
        box.type("low calcium", delay=20)
        page.locator(".cms-option").first.wait_for(timeout=15_000)
        page.wait_for_timeout(200)


def _compress(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--pages", default=None)
    parser.add_argument("--store", default=None,
                        help="an HPO store folder: take the HPO tour (hpo-*.png) on it")
    args = parser.parse_args(argv)
    shots = HPO_SHOTS if args.store else SHOTS
    args.pages = args.pages or ",".join(shots)
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as logs:
        server = start_streamlit(ROOT / "app" / "streamlit_app.py", Path(logs),
                                 env={"CAUSEMAP_DATA": "", **({"CAUSEMAP_STORE": f"oxigraph:{args.store}"}
                                                              if args.store else {})})
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    for name in args.pages.split(","):
                        path, action = shots[name]
                        page.goto(server.url.rstrip("/") + path)
                        _settle(page)
                        _act(page, action)
                        target = args.out / f"{name}-{size}.png"
                        page.screenshot(path=target)
                        _compress(target)
                        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                              f" ({target.stat().st_size // 1024} KiB)")
                    context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
