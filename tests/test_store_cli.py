"""Choosing the store: --store descriptors, CAUSEMAP_STORE, and on-disk stores from causemap load."""

from __future__ import annotations

import json

import pytest
from rdflib import URIRef

from graph.errors import DataLoadError
from graph.store import open_store, parse_descriptor
from graph.store.disk import MARKER, build_store


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """An on-disk store of the bundled data, built once."""
    folder = tmp_path_factory.mktemp("stores") / "bundled"
    build_store(folder)
    return folder


QUERY = "SELECT ?m WHERE { cm:DiGeorgeSyndrome cm:actsThrough ?m }"


@pytest.mark.parametrize("descriptor", ["oxigraph:", "rdflib:"])
def test_every_in_memory_store_gives_the_same_answer(run_cli, descriptor):
    code, out, err = run_cli("--store", descriptor, "query", QUERY, "--format", "csv")
    assert code == 0, err
    assert "Hypocalcemia" in out


def test_an_on_disk_store_answers_like_the_bundled_data(run_cli, disk):
    code, disk_out, err = run_cli("--store", f"oxigraph:{disk}", "query", QUERY, "--format", "csv")
    assert code == 0, err
    _, memory_out, _ = run_cli("query", QUERY, "--format", "csv")
    assert disk_out == memory_out


def test_the_environment_names_the_store(run_cli, disk, monkeypatch):
    monkeypatch.setenv("CAUSEMAP_STORE", f"oxigraph:{disk}")
    code, out, err = run_cli("stats")
    assert code == 0, err
    assert out.splitlines()[0].startswith("triples")


def test_load_writes_a_marked_store_and_reports_it(run_cli, tmp_path):
    code, out, err = run_cli("load", str(tmp_path / "s"))
    assert code == 0, err
    assert "triples from 2 files" in out and "--store oxigraph:" in out
    marker = json.loads((tmp_path / "s" / MARKER).read_text())
    assert marker["made_by"] == "causemap" and marker["triples"] > 1000
    assert (tmp_path / "s" / "search-index.json").exists()
    # a store Causemap made is replaced, not refused
    code, _, err = run_cli("load", str(tmp_path / "s"))
    assert code == 0, err


@pytest.mark.parametrize("where", ["after load", "before load", "both"])
def test_load_takes_its_files_with_data_before_or_after_the_command(run_cli, tmp_path, where):
    # The spelling the error messages and the README give: causemap load PATH --data FILE.
    one, two = tmp_path / "one.ttl", tmp_path / "two.nt"
    one.write_text("@prefix cm: <https://w3id.org/causemap/> . cm:A cm:causes cm:B .\n")
    two.write_text("<https://w3id.org/causemap/C> <https://w3id.org/causemap/causes> "
                   "<https://w3id.org/causemap/D> .\n")
    args = {"after load": ["load", str(tmp_path / "s"), "--data", str(one)],
            "before load": ["--data", str(one), "load", str(tmp_path / "s")],
            "both": ["--data", str(one), "load", str(tmp_path / "s"), "-d", str(two)]}[where]
    code, out, err = run_cli(*args)
    assert code == 0, err
    files = 3 if where == "both" else 2  # the ontology beside the data
    assert f"from {files} files" in out
    kg = open_store(f"oxigraph:{tmp_path / 's'}")
    try:
        found = {str(s).rsplit("/", 1)[1] for s, _, _ in
                 kg.triples(None, URIRef("https://w3id.org/causemap/causes"), None)}
    finally:
        kg.close()
    assert found == ({"A", "C"} if where == "both" else {"A"})  # not the bundled data


@pytest.mark.parametrize("child", ["works", "fails"])
def test_a_large_store_indexes_its_names_in_a_process_of_its_own(tmp_path, monkeypatch, child):
    # Forced here (the bundled data is small): the index the child saves is the one built
    # in-process; a child that fails leaves the index to be built here, never a store without it.
    import graph.cli.common as common
    from graph.learn.search import INDEX_FILE, build_index
    monkeypatch.setattr(common, "_SEARCH_PROCESS_BYTES", 0)
    if child == "fails":
        monkeypatch.setattr(common, "_SEARCH_INDEX", "raise SystemExit(1)")
    started = []
    real = common._search_index_process
    monkeypatch.setattr(common, "_search_index_process",
                        lambda path: started.append(path) or real(path))
    report = build_store(tmp_path / "s", prepare=common.prepare_store)
    assert started and report.triples > 1000 and report.indexing > 0
    saved = json.loads((tmp_path / "s" / INDEX_FILE).read_text())
    kg = open_store(f"oxigraph:{tmp_path / 's'}")
    try:
        assert saved == json.loads(build_index(kg).to_json())
    finally:
        kg.close()


@pytest.mark.parametrize("args, message", [
    # a folder with someone else's files is never overwritten
    (lambda p: ["load", str(p / "theirs")], "refusing to overwrite a folder that is not a store"),
    # a file where the folder should be
    (lambda p: ["load", str(p / "afile")], "is a file, not a folder"),
    # an unknown backend
    (lambda p: ["--store", "neo4j:bolt://x", "stats"], "unknown store 'neo4j:bolt://x'"),
    # sparql: needs an http(s) URL
    (lambda p: ["--store", "sparql:ftp://x", "stats"], "takes an http:// or https:// endpoint"),
    # no store at that path
    (lambda p: ["--store", f"oxigraph:{p / 'nothing'}", "stats"], "no Oxigraph store there"),
    # --data loads files into memory; an on-disk store already holds its data
    (lambda p: ["--store", f"oxigraph:{p}", "--data", "x.ttl", "stats"], "--data loads files"),
    # load builds a store from files, it does not read one
    (lambda p: ["--store", "oxigraph:", "load", str(p / "new")], "give the files with --data"),
    # a server that is not there
    (lambda p: ["--store", "sparql:http://127.0.0.1:9/sparql", "stats"], "cannot reach"),
])
def test_bad_stores_fail_with_one_line_and_change_nothing(run_cli, tmp_path, args, message):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("mine")
    (tmp_path / "afile").write_text("x")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, out, err = run_cli(*args(tmp_path))
    assert code == 2, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "theirs" / "notes.txt").read_text() == "mine"


def test_a_failed_load_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(DataLoadError, match="bad.ttl: not valid Turtle"):
        build_store(tmp_path / "store", [bad])
    assert not (tmp_path / "store").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ttl"]


def test_descriptors_parse_to_scheme_and_rest():
    assert parse_descriptor("oxigraph:/data/hpo") == ("oxigraph", "/data/hpo")
    assert parse_descriptor(" rdflib: ") == ("rdflib", "")
    with pytest.raises(DataLoadError, match="unknown store"):
        parse_descriptor("rdflib:/somewhere")


def test_an_on_disk_store_opens_read_only(disk):
    kg = open_store(f"oxigraph:{disk}")
    try:
        assert kg.path == str(disk) and len(kg) > 1000
        # workers open their own read-only handle: a query runs beside the parent's handle
        from graph.query import run_query
        assert run_query(kg, "ASK { ?s ?p ?o }").boolean is True
    finally:
        kg.close()


def test_a_store_that_lacks_a_fact_keeps_it_once_computed(tmp_path, monkeypatch):
    # A store built by an older Causemap has fewer facts in its folder: the first use computes
    # the missing one and writes it there, so the next open reads it instead of computing again.
    from graph.store.oxigraph_store import FACTS, OxigraphStore
    build_store(tmp_path / "s")
    facts = tmp_path / "s" / FACTS
    facts.write_text(json.dumps({"triples": 7}))
    kg = OxigraphStore.open(tmp_path / "s", workers=1)
    try:
        assert kg.fact("answer", lambda: 42) == 42
    finally:
        kg.close()
    assert json.loads(facts.read_text()) == {"triples": 7, "answer": 42}
    kg = OxigraphStore.open(tmp_path / "s", workers=1)
    try:
        assert kg.fact("answer", lambda: pytest.fail("computed again")) == 42
        # a folder it cannot write: the fact is kept in memory, and nothing is said
        from pathlib import Path
        monkeypatch.setattr(Path, "write_text", lambda *a, **k: (_ for _ in ()).throw(
            PermissionError("read-only")))
        assert kg.fact("other", lambda: 1) == 1
    finally:
        kg.close()
    assert "other" not in json.loads(facts.read_text())
    assert [p.name for p in (tmp_path / "s").iterdir() if p.name.startswith(".")] == []
    # a folder Causemap did not make (no marker: someone's own Oxigraph database) is never written
    monkeypatch.undo()
    (tmp_path / "s" / MARKER).unlink()
    kg = OxigraphStore.open(tmp_path / "s", workers=1)
    try:
        assert kg.fact("theirs", lambda: 3) == 3
    finally:
        kg.close()
    assert "theirs" not in json.loads(facts.read_text())
