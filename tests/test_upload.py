"""Bring your own graph: app.uploads (caps, safe names, messages) and every page on an upload.

The pages run with ``AppTest`` on a session that holds an upload, the way the upload page leaves
it (:func:`app.state.set_session_store`): a copy of the bundled data, and a small FOAF graph with
no Causemap class at all, where every page must say there is nothing of its kind rather than fail.
The browser test (``tests/browser/test_hostile_browser.py``) uploads through the real widget.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app.uploads as uploads
from app.session_queries import QueryBusy, SessionQuota
from app.uploads import UploadLimits, display_name, load_upload
from graph.errors import DataLoadError
from graph.store import ROOT
from graph.store.files import bundled_files

PAGES = ROOT / "app" / "app_pages"
FOAF = b"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://ex.org/alice> a foaf:Person ; foaf:name "Alice" ; foaf:knows <http://ex.org/bob> .
<http://ex.org/bob> a foaf:Person ; foaf:name "Bob" .
"""
PASSWD = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
SMALL = UploadLimits(max_bytes=4096, max_triples=2000, max_files=2, validate_triples=5000,
                     max_live=40)


def bundled_copy() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in bundled_files()]


@pytest.fixture(scope="module")
def article_upload():
    upload = load_upload(bundled_copy())
    yield upload
    upload.store.close()


@pytest.fixture(scope="module")
def foaf_upload():
    upload = load_upload([("people.ttl", FOAF)])
    yield upload
    upload.store.close()


# -- loading -----------------------------------------------------------------------------------------

def test_a_copy_of_the_bundled_data_loads_into_a_new_store_and_conforms(article_upload, kg):
    assert article_upload.store is not kg
    assert article_upload.triples == len(kg)
    assert article_upload.report is not None and article_upload.report.conforms
    assert article_upload.name == "article.trig"
    # The sources name the user's files, never the server's temporary folder.
    assert [s.location for s in article_upload.store.sources[1:]] == ["article.trig"]


def test_a_foreign_graph_loads_and_is_checked(foaf_upload):
    assert foaf_upload.report.conforms
    assert foaf_upload.store.select("SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n }")


@pytest.mark.parametrize("files, message", [
    # nothing at all
    ([], "no file uploaded"),
    # more files than the cap
    ([("a.ttl", FOAF)] * 3, "3 files: at most 2 per upload"),
    # over the size cap, all files together
    ([("a.ttl", FOAF * 40)], "more than its 4 KB limit (CAUSEMAP_UPLOAD_MB)"),
    # the extension decides the format, and .docx is none
    ([("notes.docx", FOAF)], "notes.docx: unknown RDF format from its extension"),
    # an empty file
    ([("blank.ttl", b"  \n")], "blank.ttl: the file is empty"),
    # a copy of /etc/passwd named .ttl: a one-line refusal that quotes none of it
    ([("passwd.ttl", PASSWD)], "passwd.ttl: not valid Turtle"),
    # a path as a file name: only its last part is shown, and it is never used as a path
    ([("../../etc/passwd.ttl", PASSWD)], "passwd.ttl: not valid Turtle"),
])
def test_bad_uploads_are_refused_with_one_line(files, message):
    with pytest.raises(DataLoadError) as caught:
        load_upload(files, SMALL)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert "root:" not in text and "/bin/bash" not in text  # never the file's content
    assert "causemap-upload-" not in text and "upload-1" not in text  # never our temp names


def test_the_triple_cap_is_checked_after_loading():
    many = b"".join(b"<http://ex.org/s%d> <http://ex.org/p> <http://ex.org/o> .\n" % i
                    for i in range(1200))
    limits = UploadLimits(max_bytes=10 ** 6, max_triples=1500, max_files=1, validate_triples=0,
                          max_live=40)
    with pytest.raises(DataLoadError, match="holds 1,65[0-9] triples, more than the 1,500"):
        load_upload([("many.nt", many)], limits)


def test_files_are_written_under_our_own_names_in_a_private_folder(monkeypatch):
    from graph.store.oxigraph_store import OxigraphStore

    seen = {}
    real = OxigraphStore.from_files.__func__

    def spy(cls, paths, **options):
        seen["paths"] = [Path(p) for p in paths]
        seen["mode"] = os.stat(Path(paths[0]).parent).st_mode & 0o777
        seen["contents"] = [Path(p).read_bytes() for p in paths]
        return real(cls, paths, **options)

    monkeypatch.setattr(OxigraphStore, "from_files", classmethod(spy))
    upload = load_upload([("../../../tmp/evil name.ttl", FOAF), ("x;rm -rf.nt", b"<a:b> <a:c> <a:d> .")])
    try:
        assert [p.name for p in seen["paths"]] == ["upload-1.ttl", "upload-2.nt"]
        assert seen["mode"] == 0o700
        assert not seen["paths"][0].parent.exists()  # removed once loaded
        assert upload.files == ["evil name.ttl", "x;rm -rf.nt"]
    finally:
        upload.store.close()


def test_display_names_are_text():
    assert display_name("a\u202eexe.ttl") == "a exe.ttl"
    assert display_name("x" * 300 + ".ttl").endswith("….ttl")
    assert len(display_name("x" * 300 + ".ttl")) == 80


def test_a_bad_limit_setting_is_refused(monkeypatch):
    monkeypatch.setenv("CAUSEMAP_UPLOAD_MB", "lots")
    with pytest.raises(DataLoadError, match="CAUSEMAP_UPLOAD_MB must be a whole number"):
        UploadLimits.current()


def test_the_server_holds_a_bounded_number_of_uploads(monkeypatch, foaf_upload):
    limits = UploadLimits(max_bytes=10 ** 6, max_triples=10 ** 5, max_files=1,
                          validate_triples=0, max_live=uploads.live_uploads())
    with pytest.raises(uploads.UploadBusy, match="its limit"):
        load_upload([("people.ttl", FOAF)], limits)


# -- every page on an upload ---------------------------------------------------------------------

PAGE_LINKS = {
    "explore": {}, "entity": {"entity": "cm:Hypocalcemia"}, "ontology": {}, "query": {},
    "relate": {"a": "cm:DiGeorgeSyndrome", "b": "cm:Hypoparathyroidism"},
    "compare": {"c": "cm:EssentialTremor,cm:ParkinsonsDisease"},
    "differential": {"f": "cm:UpperLipTwitching"}, "treatments": {"treatment": "cm:CalciumReplacement"},
    "quiz": {}, "hubs": {}, "home": {}, "upload": {},
}


def on_upload(page: str, upload, **params) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=90)
    at.session_state["cm_upload_store"] = upload.store
    at.session_state["cm_upload_store_name"] = upload.name
    at.session_state["cm_dataset"] = "upload"
    at.session_state["upload_done"] = upload
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("page", ["entity", "relate", "treatments", "quiz", "home", "upload"])
def test_pages_work_on_an_uploaded_copy_of_the_bundled_data(page, article_upload):
    at = on_upload(page, article_upload, **PAGE_LINKS[page])
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = " ".join(m.value for m in at.markdown) + " ".join(m.value for m in at.success)
    if page == "entity":
        assert "Hypocalcemia" in shown
    if page == "upload":
        assert "You are exploring your upload" in shown and "article\\.trig" in shown
        assert at.button(key="upload_back").label == "Back to the bundled graph"


@pytest.mark.parametrize("page", list(PAGE_LINKS))
def test_every_page_says_nothing_is_there_on_a_foreign_graph(page, foaf_upload):
    at = on_upload(page, foaf_upload, **PAGE_LINKS[page])
    assert not at.exception, [e.value for e in at.exception]
    notes = " ".join(i.value for i in at.info) + " ".join(w.value for w in at.warning)
    if page != "differential":  # its own note says what it needs; its pickers find nothing
        assert "Nothing of that kind here" in notes, notes


@pytest.mark.parametrize("tab", ["Examples", "Question builder"])
def test_the_sparql_tabs_drawn_on_demand_open_on_a_foreign_graph(tab, foaf_upload):
    at = on_upload("query", foaf_upload)
    at.session_state["query_tab"] = tab  # drawn only when open, as a click on the tab does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = {"Examples": "query_example_run_", "Question builder": "query_builder_"}[tab]
    assert any((w.key or "").startswith(drawn) for w in [*at.button, *at.selectbox])


def test_back_to_the_bundled_graph_closes_the_upload(kg):
    upload = load_upload([("people.ttl", FOAF)])
    at = on_upload("upload", upload)
    at.button(key="upload_back").click().run()
    assert not at.exception
    assert "cm_upload_store" not in at.session_state
    assert at.session_state["upload_round"] == 0
    with pytest.raises(ProcessLookupError):  # its worker processes are gone with it
        os.kill(upload.store.pool._zygote, 0)


# -- a fair share of the query workers per session ------------------------------------------------

def test_a_session_has_one_query_at_a_time_and_a_share_of_each_minute():
    quota = SessionQuota(concurrent=1, seconds_per_minute=1)
    with quota.slot("a"):
        with pytest.raises(QueryBusy, match="already running a query"):
            with quota.slot("a"):
                pass
        with quota.slot("b"):  # another session is not held up
            pass
    with quota.slot("a"):
        time.sleep(1.05)
    with pytest.raises(QueryBusy, match=r"took 1 s of the last minute.*try again in \d+ s"):
        with quota.slot("a"):
            pass
    with quota.slot("b"):
        pass


def test_the_sparql_page_says_busy_when_its_share_is_used(monkeypatch):
    import graph.query
    from tests.test_query_page import errors, run_text

    real = graph.query.run_query

    def slow(*args, **kwargs):
        time.sleep(1.1)
        return real(*args, **kwargs)

    monkeypatch.setenv("CAUSEMAP_SESSION_QUERY_SECONDS", "1")
    monkeypatch.setattr(graph.query, "run_query", slow)
    at = AppTest.from_file(str(PAGES / "query.py"), default_timeout=60).run()
    run_text(at, "ASK { ?s ?p ?o }")
    assert not at.error
    run_text(at, "ASK { ?s ?p ?o }")
    assert "Busy: this tab's queries took 1 s of the last minute" in errors(at)


def test_causemap_app_caps_streamlits_upload_size_at_the_upload_pages_limit(run_cli, monkeypatch):
    # Streamlit holds an upload in memory before the page can refuse it: the server refuses more.
    import os

    seen = {}

    def fake_execve(path, cmd, env):
        seen["cmd"] = cmd
        raise SystemExit(0)
    monkeypatch.setattr(os, "execve", fake_execve)
    monkeypatch.setenv("CAUSEMAP_UPLOAD_MB", "7")
    code, _, _ = run_cli("app", "--headless")
    assert code == 0
    cmd = seen["cmd"]
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "7"
