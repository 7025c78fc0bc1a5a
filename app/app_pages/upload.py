"""Your graph: upload RDF files and explore them in this session, then go back to the bundled graph.

The files are loaded by :func:`app.uploads.load_upload` into a new in-memory store that lives in
this session only (:func:`app.state.set_session_store`), checked against the project's shapes, and
become the graph every page explores. A file that is refused changes nothing and gets one line.
Session keys start with ``upload_``.
"""

from __future__ import annotations

import streamlit as st

from app.state import current_dataset, get_kg, set_session_store
from app.ui import disclaimer, markdown_text
from app.uploads import ACCEPTED_EXTENSIONS, Upload, UploadBusy, UploadLimits, load_upload
from graph.errors import CausemapError
from graph.learn.stats import graph_stats

S = st.session_state
REPORT_ROWS = 200  # findings listed on the page; the download has them all

kg = get_kg()
S.setdefault("upload_round", 0)  # a new uploader after each load: the files are not kept


def _back() -> None:
    set_session_store(None)
    S.pop("upload_done", None)
    S.pop("upload_error", None)


st.title("Your graph")
disclaimer()
st.caption("Explore your own RDF with every page of Causemap: upload Turtle, TriG, N-Triples, "
           "N-Quads, RDF/XML or JSON-LD (the file's extension says which). The graph lives in "
           "your session only: nobody else sees it, and it is gone when you close the tab.")

try:
    limits = UploadLimits.current()
except CausemapError as exc:
    st.error(markdown_text(str(exc)), icon=":material/error:")
    st.stop()

upload: Upload | None = S.get("upload_done")
if current_dataset().key == "upload" and upload is not None:
    with st.container(border=True):
        st.success(f"**You are exploring your upload:** {markdown_text(upload.name)} "
                   f"({upload.triples:,} triples, the ontology included).",
                   icon=":material/check_circle:")
        st.button("Back to the bundled graph", key="upload_back", icon=":material/undo:",
                  on_click=_back, type="primary")
elif upload is not None:
    st.info(f"Your upload ({markdown_text(upload.name)}) is loaded but not shown: pick it under "
            "*Graph* in the sidebar, or upload other files.", icon=":material/info:")

files = st.file_uploader(
    "RDF files", type=ACCEPTED_EXTENSIONS, accept_multiple_files=True,
    key=f"upload_files_{S.upload_round}", max_upload_size=max(1, limits.max_bytes // 2 ** 20),
    help=f"Limits: {limits.describe()}.")
st.caption(f"Limits: {markdown_text(limits.describe())}.")

if st.button("Load as my graph", key="upload_load", type="primary", disabled=not files,
             icon=":material/upload_file:"):
    S.pop("upload_error", None)
    try:
        with st.spinner("Loading and checking your graph…"):
            loaded = load_upload([(f.name, f.getvalue()) for f in files], limits)
    except (CausemapError, UploadBusy) as exc:
        S.upload_error = str(exc)
    except Exception as exc:  # a bug must not show a traceback; nothing has changed
        S.upload_error = f"the upload could not be loaded ({type(exc).__name__})"
    else:
        set_session_store(loaded.store, loaded.name)
        S.upload_done = loaded
        S.upload_round += 1
        st.rerun()

if error := S.get("upload_error"):
    st.error(f"**Not loaded:** {markdown_text(error, limit=300)}. Nothing has changed.",
             icon=":material/block:")

if upload is None:
    st.stop()

st.subheader("Checked against the shapes")
if upload.report is None:
    st.info(f"Not checked here: {upload.triples:,} triples is more than the "
            f"{limits.validate_triples:,} the app checks. Run `causemap --data FILE validate` "
            "to check it.", icon=":material/info:")
else:
    report = upload.report
    violations = [f for f in report.results if f.severity == "Violation"]
    if report.conforms:
        st.success(f"Conforms: no violations of the project's SHACL shapes or SPARQL checks"
                   f"{' (' + str(len(report.results)) + ' warnings)' if report.results else ''}.",
                   icon=":material/verified:")
    else:
        st.warning(f"{markdown_text(report.summary())}. The pages still open; what breaks a "
                   "rule may read oddly (an entity without a label is shown by its IRI).",
                   icon=":material/rule:")
    if report.results:
        lines = report.lines(upload.store)
        # st.dataframe shows text as text: no escaping needed, nothing rendered.
        st.dataframe({"severity": [f.severity.lower() for f in report.results[:REPORT_ROWS]],
                      "rule": [f.rule for f in report.results[:REPORT_ROWS]],
                      "finding": [line.split("] ", 1)[-1] for line in lines[:REPORT_ROWS]]},
                     hide_index=True, width="stretch")
        if len(lines) > REPORT_ROWS:
            st.caption(f"The first {REPORT_ROWS} of {len(lines)} findings; the download has all.")
        st.download_button("Download the report", "\n".join(lines + [report.summary()]) + "\n",
                           file_name="validation-report.txt", mime="text/plain",
                           key="upload_report", icon=":material/download:", on_click="ignore")

st.subheader("What the pages will find")
stats = graph_stats(upload.store)
if stats.entities == 0:
    st.caption("No Causemap entities: see the note at the top of this page.")
else:
    st.table({"class": [markdown_text(c) for c, _ in stats.classes],
              "entities": [n for _, n in stats.classes]}, hide_index=True)
