"""Causemap's Streamlit entry point: the page frame and the router.

Run it with ``causemap app`` (or ``streamlit run app/streamlit_app.py``). Pages live in
``app/app_pages/`` (not ``pages/``, Streamlit's legacy auto-discovery folder) and are routed with
``st.navigation``; the graph is loaded once per process by :func:`app.state.get_kg`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/streamlit_app.py` puts app/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.state import dataset_picker, get_kg  # noqa: E402
from app.a11y import accessibility_fixes  # noqa: E402
from app.rerun_pace import keep_pace  # noqa: E402
from app.ui import GLOBAL_CSS  # noqa: E402

PAGES_DIR = Path(__file__).parent / "app_pages"

# (section, file, title, icon, url path); a page is routed only once its file exists.
PAGES = [
    ("Explore", "explore.py", "Explore", ":material/hub:", "explore"),
    ("Explore", "entity.py", "Entity", ":material/article:", "entity"),
    ("Explore", "ontology.py", "Ontology", ":material/schema:", "ontology"),
    ("Query", "query.py", "SPARQL", ":material/terminal:", "query"),
    ("Learn", "relate.py", "Relate", ":material/route:", "relate"),
    ("Learn", "compare.py", "Compare", ":material/compare_arrows:", "compare"),
    ("Learn", "differential.py", "Differential", ":material/checklist:", "differential"),
    ("Learn", "treatments.py", "Treatments", ":material/medication:", "treatments"),
    ("Learn", "quiz.py", "Quiz", ":material/quiz:", "quiz"),
    ("Learn", "hubs.py", "Hubs & bridges", ":material/insights:", "hubs"),
    ("About", "home.py", "Overview", ":material/info:", "overview"),
    ("About", "upload.py", "Your graph", ":material/upload_file:", "upload"),
]

# A local favicon: a material-icon page_icon makes the browser fetch it from Google's font servers.
st.set_page_config(page_title="Causemap", page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
                   layout="wide")
keep_pace()  # a tab that reruns faster than its pace waits here, holding nothing (app/rerun_pace.py)

sections: dict[str, list] = {}
for section, file, title, icon, url in PAGES:
    if (PAGES_DIR / file).exists():
        sections.setdefault(section, []).append(
            st.Page(str(PAGES_DIR / file), title=title, icon=icon, url_path=url,
                    default=(file == "explore.py")))

kg = get_kg()
st.markdown(GLOBAL_CSS, unsafe_allow_html=True)  # our stylesheet (constants only, no data)
# Each page says once, at its top, that Causemap is for learning, not diagnosis; the sidebar keeps
# to the page's own controls (Explore's search is its first item, above the fold).
# Top navigation: a menu per section, so the sidebar holds only the page's own controls (on a
# phone Streamlit moves the menu into the sidebar).
page = st.navigation(sections, position="top")
page.run()
dataset_picker()  # below the page's own controls in the sidebar
accessibility_fixes()  # last, so that it adds no gap above the page
