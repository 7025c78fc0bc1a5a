"""Benchmark: the web app on the full HPO graph, in headless Chromium (Debian's, never a download).

Starts ``causemap --store oxigraph:STORE app`` on 127.0.0.1 (STORE made by ``causemap import-hpo``,
built on first use in the benchmark cache), and measures:

- **first usable page**: seconds from starting the command until the Explore page has drawn its
  network and Streamlit has finished the script run;
- **clicks**: seconds from a click until the page has finished its rerun, median of ``--runs``:
  Explore's "Show the whole graph"/focus controls, opening an entity, Relate and Compare for two
  HPO diseases (pages are opened at a deep link, then a control is clicked);
- **server memory**: the largest resident size of the server and its worker processes together.

Run alone: ``.venv/bin/python bench/bench_app_hpo.py``, or through ``bench/bench_store.py --app``.
"""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from hpo_graphs import CACHE  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DISEASE_A = "disease:OMIM_188400"   # DiGeorge syndrome
DISEASE_B = "disease:OMIM_192430"   # velocardiofacial syndrome
#: Every page, at a deep link into the HPO graph (name → path).
PAGES = {
    "Explore (start view)": "/",
    "Explore: a disease, clustered": f"/?focus={DISEASE_A}&radius=1",
    "Entity: a disease": f"/entity?entity={DISEASE_A}",
    "Entity: Seizure (2,393 diseases)": "/entity?entity=obo:HP_0001250",
    "Ontology": "/ontology",
    "SPARQL": "/query",
    "Relate": f"/relate?a={DISEASE_A}&b={DISEASE_B}",
    "Compare": f"/compare?c={DISEASE_A},{DISEASE_B}",
    "Differential": "/differential?f=obo:HP_0002901,obo:HP_0000175,obo:HP_0000778,obo:HP_0001636",
    "Treatments": "/treatments",
    "Quiz": "/quiz",
    "Hubs": "/hubs",
    "Overview": "/overview",
}
__all__ = ["time_app", "PAGES"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MiB)."""
    import psutil
    total = 0
    try:
        top = psutil.Process(pid)
        procs = [top, *top.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass  # it ended meanwhile
    return total / 1024 / 1024


def _idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the script run (no running indicator)."""
    page.wait_for_timeout(50)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]')", timeout=timeout_ms)


def _store(cm: str, store: Path) -> Path:
    if not (store / "causemap-store.json").exists():
        subprocess.run([cm, "import-hpo", str(store)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return store


def time_app(cm: str, store: Path, runs: int = 3) -> dict:
    """Start the app on ``store`` and time it (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    store = _store(cm, store)
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([cm, "--store", f"oxigraph:{store}", "app", "--headless", "--port",
                             str(port), "--address", "127.0.0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    result: dict = {"clicks": {}}
    peak = 0.0
    try:
        while not _healthy(port):
            if proc.poll() is not None:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url + "/")
            page.locator('.cm-network[data-stabilized="true"]').wait_for(timeout=120_000)
            _idle(page)
            result["first_page"] = time.perf_counter() - started
            peak = max(peak, _tree_rss_mb(proc.pid))

            def timed_click(name: str, open_url: str, click) -> None:
                times = []
                for _ in range(runs):
                    page.goto(url + open_url)
                    _idle(page)
                    t0 = time.perf_counter()
                    click()
                    _idle(page)
                    times.append(time.perf_counter() - t0)
                result["clicks"][name] = statistics.median(times)

            def press(label: str):
                return lambda: page.get_by_role("button", name=label).first.click()

            # Every page's paint, warm: opened once, then timed from navigation to a finished run.
            for name, path in PAGES.items():
                page.goto(url + path)
                _idle(page)
                times = []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    page.goto(url + path)
                    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60_000)
                    _idle(page)
                    times.append(time.perf_counter() - t0)
                result.setdefault("pages", {})[name] = statistics.median(times)
            peak = max(peak, _tree_rss_mb(proc.pid))

            timed_click("Explore: focus a disease (link) and show the whole graph",
                        f"/?focus={DISEASE_A}&radius=1", press("Show the whole graph"))
            timed_click("Entity: open a disease",
                        f"/entity?entity={DISEASE_A}",
                        lambda: page.get_by_role("link").filter(has_text="Explore").first.click()
                        if page.get_by_role("link").filter(has_text="Explore").count() else None)
            timed_click("Relate: two diseases", f"/relate?a={DISEASE_A}&b={DISEASE_B}",
                        lambda: page.get_by_role("slider").first.press("ArrowLeft"))
            timed_click("Compare: two diseases", f"/compare?c={DISEASE_A},{DISEASE_B}",
                        lambda: page.mouse.wheel(0, 200))
            peak = max(peak, _tree_rss_mb(proc.pid))
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    result["memory_mb"] = peak
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=CACHE / "store-full-import",
                        help="an on-disk store made by causemap import-hpo (built if missing)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cm = str(ROOT / ".venv" / "bin" / "causemap")
    out = time_app(cm, args.store, runs=args.runs)
    print(f"first usable page: {out['first_page']:.2f} s")
    for name, seconds in out.get("pages", {}).items():
        print(f"page, warm: {name}: {seconds:.2f} s")
    for name, seconds in out["clicks"].items():
        print(f"{name}: {seconds:.2f} s")
    print(f"server memory: {out['memory_mb']:.0f} MiB")
