"""Safe file input (issue 9): every hostile file is refused with exit code 2 and one line that names
the file and the problem, within 20 s and below 1 GiB, never echoing the file's content.

Each case is a file built in ``tmp_path`` by :func:`hostile_files` (``bench/bench_file_input.py``
times the same files). The command-line cases run ``causemap`` in a fresh process, measured by a
small parent that reports the peak resident memory of its children (``getrusage``), so a file
that made the loader hang or eat memory fails the test; each asserts the *reason* in the message,
so a file refused for another reason (a usage error, a missing file) fails it too.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from graph.errors import DataLoadError
from graph.store.files import check_file, open_checked
from graph.store.oxigraph_store import OxigraphStore
from graph.store.rdflib_store import RdflibStore

ROOT = Path(__file__).resolve().parent.parent
#: The content of a private file that a message must never echo.
SECRET = "root:x:0:0:SECRET-7f3a:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _rdf_xml(doctype: str, value: str) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{doctype}]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{value}</ex:p>'
            '</rdf:Description></rdf:RDF>')


def _jsonld(context: str) -> str:
    return json.dumps({"@context": context, "@id": "http://example.org/a",
                       "http://example.org/p": "x"})


def hostile_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Every hostile input of issue 9, made in ``folder``: name → (path, the reason expected)."""
    folder = Path(folder)
    files: dict[str, tuple[Path, str]] = {}

    def add(name: str, path: Path, reason: str) -> None:
        files[name] = (path, reason)

    fifo = folder / "fifo.ttl"
    os.mkfifo(fifo)
    add("fifo", fifo, r"is a named pipe \(FIFO\), not a regular file")
    (folder / "zero.ttl").symlink_to("/dev/zero")
    add("dev-zero-link", folder / "zero.ttl", r"is a device \(a link to /dev/zero\)")
    (folder / "folder.ttl").mkdir()
    add("folder", folder / "folder.ttl", r"is a folder, not an RDF file")
    (folder / "loop-a.ttl").symlink_to(folder / "loop-b.ttl")
    (folder / "loop-b.ttl").symlink_to(folder / "loop-a.ttl")
    add("symlink-loop", folder / "loop-a.ttl", r"a loop of symbolic links")
    with open(folder / "big.nt", "wb") as f:
        f.truncate(2 * 1024 ** 3)  # sparse: 2 GB of zeros on no disk
    add("oversize", folder / "big.nt", r"is 2\.0 GB, larger than the 1\.0 GB limit .*"
        r"CAUSEMAP_MAX_FILE_MB")
    laughs = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 10)]
    (folder / "laughs.rdf").write_text(_rdf_xml("".join(laughs), "&lol9;"))
    add("billion-laughs", folder / "laughs.rdf", r"entity expansion, as in the \"billion laughs\"")
    secret = folder / "secret.txt"
    secret.write_text(SECRET)
    (folder / "external.rdf").write_text(
        _rdf_xml(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">', "&xxe;"))
    add("external-entity", folder / "external.rdf", r"refused: an external entity")
    (folder / "external-dtd.rdf").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{secret.as_uri()}">\n'
        f'<rdf:RDF xmlns:rdf="{RDF}"/>')
    add("external-dtd", folder / "external-dtd.rdf", r"names an external DTD")
    # A context Causemap would load fine if it read it: only never reading it refuses the file.
    context = folder / "context.jsonld"
    context.write_text(json.dumps({"@context": {"p": "http://example.org/p"}}))
    for name, ctx in (("context-file-iri", context.as_uri()), ("context-path", str(context)),
                      ("context-dev-zero", "file:///dev/zero"), ("context-fifo", str(fifo))):
        (folder / f"{name}.jsonld").write_text(_jsonld(ctx))
        add(name, folder / f"{name}.jsonld", r"its @context is not inline")
    (folder / "passwd.ttl").write_text(SECRET)
    add("not-rdf", folder / "passwd.ttl", r"not valid Turtle: a prefix is used that was never "
        r"declared \(line 1, column 1\)")
    # N-Triples is parsed in-process unless it holds a quoted triple: a non-RDF file takes that
    # path, and quoted triples nested 100,000 deep (which overflow the parser's stack) must not.
    (folder / "passwd.nt").write_text(SECRET)
    add("not-rdf-nt", folder / "passwd.nt", r"not valid N-Triples: an invalid IRI \(line 1")
    depth = 100_000
    (folder / "nested.nt").write_text("<urn:a> <urn:b> " + "<<( <urn:a> <urn:b> " * depth
                                      + "<urn:c>" + " )>>" * depth + " .\n")
    add("nested-quoted", folder / "nested.nt", r"not valid N-Triples: the parser crashed on it "
        r"\(it is probably nested too deeply\)")
    return files


@pytest.fixture
def hostile(tmp_path) -> dict[str, tuple[Path, str]]:
    return hostile_files(tmp_path)


_MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
try:
    p = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True, timeout=25)
    code, err = p.returncode, p.stderr
except subprocess.TimeoutExpired:
    code, err = "hang", ""
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps([code, err, time.monotonic() - started, peak]))
"""


def causemap(*args: str, env: dict | None = None) -> tuple[object, str, float, float]:
    """Run ``causemap ARGS`` in a fresh process: (exit code or 'hang', stderr, seconds, peak MiB
    of the resident memory of any of its processes)."""
    command = [sys.executable, "-c", "from graph.cli import main; main()", *args]
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    out = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(command)], env=environ,
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    return tuple(json.loads(out.stdout))


def _assert_refused(result, path: Path, reason: str) -> None:
    code, err, seconds, peak = result
    assert code == 2, (code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"causemap: error: {path}: "), err
    import re
    assert re.search(reason, lines[0]), lines[0]
    assert "SECRET" not in err and "root:x" not in err and "Traceback" not in err
    assert seconds < 20, seconds
    assert peak < 1024, peak


CASES = ["fifo", "dev-zero-link", "folder", "symlink-loop", "oversize", "billion-laughs",
         "external-entity", "external-dtd", "context-file-iri", "context-path",
         "context-dev-zero", "context-fifo", "not-rdf", "not-rdf-nt", "nested-quoted"]


@pytest.mark.parametrize("case", CASES)
def test_data_refuses_each_hostile_file(hostile, case):
    path, reason = hostile[case]
    _assert_refused(causemap("--data", str(path), "query", "ASK {}"), path, reason)


@pytest.mark.parametrize("case", ["fifo", "dev-zero-link", "symlink-loop", "oversize",
                                  "billion-laughs", "external-entity", "context-path", "not-rdf"])
def test_load_refuses_each_hostile_file_and_leaves_no_store(hostile, tmp_path, case):
    path, reason = hostile[case]
    target = tmp_path / "store"
    _assert_refused(causemap("--data", str(path), "load", str(target)), path, reason)
    assert not target.exists() or not any(target.iterdir())


@pytest.mark.parametrize("case", ["fifo", "billion-laughs", "external-entity", "context-file-iri",
                                  "not-rdf"])
def test_the_rdflib_backend_refuses_the_same_files(hostile, case):
    path, reason = hostile[case]
    _assert_refused(causemap("--store", "rdflib:", "--data", str(path), "query", "ASK {}"),
                    path, reason)


@pytest.mark.parametrize("backend", [OxigraphStore, RdflibStore])
@pytest.mark.parametrize("case", ["fifo", "dev-zero-link", "symlink-loop", "billion-laughs",
                                  "external-entity", "context-fifo", "not-rdf"])
def test_the_python_api_raises_one_line_data_load_errors(hostile, backend, case):
    path, reason = hostile[case]
    with pytest.raises(DataLoadError, match=reason) as info:
        backend.from_files([path])
    assert "\n" not in str(info.value) and "SECRET" not in str(info.value)


def test_a_context_url_is_never_fetched(tmp_path):
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            body = json.dumps({"@context": {"p": "http://example.org/p"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        doc = tmp_path / "remote.jsonld"
        doc.write_text(_jsonld(f"http://127.0.0.1:{server.server_port}/context.jsonld"))
        for backend in (OxigraphStore, RdflibStore):
            with pytest.raises(DataLoadError, match="its @context is not inline"):
                backend.from_files([doc])
    finally:
        server.shutdown()
    assert hits == []


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld"])
def test_a_parse_error_never_echoes_the_content(tmp_path, suffix):
    path = tmp_path / f"passwd{suffix}"
    path.write_text(SECRET)
    code, err, _, _ = causemap("--data", str(path), "query", "ASK {}")
    assert code == 2 and err.startswith(f"causemap: error: {path}: not valid "), err
    for fragment in ("root", "SECRET", "daemon", "/bin/bash", "nologin"):
        assert fragment not in err.split(": not valid ", 1)[1], err


def test_the_parse_time_limit_stops_a_slow_parser(tmp_path):
    # RDF/XML nested 100,000 elements deep: Oxigraph's parser is quadratic in the depth (over
    # 30 s; on main the load never ended before the test's 25 s).
    depth = 100_000
    path = tmp_path / "deep.rdf"
    path.write_text(f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="{RDF}" '
                    'xmlns:ex="http://example.org/">' + "<rdf:Description><ex:p>" * depth
                    + "</ex:p></rdf:Description>" * depth + "</rdf:RDF>")
    code, err, seconds, _ = causemap("--data", str(path), "query", "ASK {}",
                                     env={"CAUSEMAP_PARSE_SECONDS": "1"})
    assert code == 2 and "parsing took longer than 2 s" in err and "CAUSEMAP_PARSE_SECONDS" in err
    assert seconds < 8, seconds


def test_the_parse_memory_cap_stops_a_greedy_parser(tmp_path):
    # JSON-LD nested 20,000 levels deep: on main the parser took 5.5 GB and crashed after 22 s.
    path = tmp_path / "deep.jsonld"
    path.write_text('{"http://example.org/p":' * 20_000 + '"x"' + "}" * 20_000)
    code, err, seconds, peak = causemap("--data", str(path), "query", "ASK {}",
                                        env={"CAUSEMAP_PARSE_MEMORY_MB": "200"})
    assert code == 2, err
    assert "needed more than 200 MB of memory" in err and "CAUSEMAP_PARSE_MEMORY_MB" in err, err
    assert peak < 400 and seconds < 20, (peak, seconds)


def test_the_size_cap_is_a_setting(tmp_path):
    path = tmp_path / "two-mb.nt"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n" * 80_000)
    code, err, _, _ = causemap("--data", str(path), "query", "ASK {}",
                               env={"CAUSEMAP_MAX_FILE_MB": "1"})
    assert code == 2 and "larger than the 1.0 MB limit" in err, err
    code, err, _, _ = causemap("--data", str(path), "query", "ASK {}",
                               env={"CAUSEMAP_MAX_FILE_MB": "lots"})
    assert code == 2 and "CAUSEMAP_MAX_FILE_MB must be a whole number" in err, err


def test_a_file_swapped_after_its_check_is_refused(tmp_path):
    path = tmp_path / "swap.ttl"
    path.write_text("<urn:a> <urn:b> <urn:c> .")
    checked = check_file(path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(DataLoadError, match="changed while it was being read"):
        open_checked(checked)


def test_flat_line_formats_skip_the_child_parser_and_quoted_triples_do_not(tmp_path, monkeypatch):
    # The in-process path must be taken only when nothing in the file can nest: a spy on the
    # child parser sees the file with "<<" (even inside a literal), never the flat one.
    import graph.store.oxigraph_store as oxs
    children = []
    real = oxs.untrusted_quads

    def spy(checked, limits=None):
        children.append(checked.path.name)
        return real(checked, limits)
    monkeypatch.setattr(oxs, "untrusted_quads", spy)
    (tmp_path / "flat.nt").write_text('<urn:a> <urn:b> "plain" .\n')
    (tmp_path / "flat.nq").write_text('<urn:a> <urn:b> "in a graph" <urn:g> .\n')
    (tmp_path / "literal.nt").write_text('<urn:a> <urn:b> "x << y" .\n')
    (tmp_path / "quoted.nt").write_text('<urn:a> <urn:b> <<( <urn:a> <urn:b> <urn:c> )>> .\n')
    kg = OxigraphStore.from_files([tmp_path / n for n in
                                   ("flat.nt", "flat.nq", "literal.nt", "quoted.nt")])
    try:
        assert children == ["literal.nt", "quoted.nt"]
        rows = kg.select_text("SELECT ?o WHERE { <urn:a> <urn:b> ?o FILTER(isLiteral(?o)) } "
                              "ORDER BY ?o")
        assert [r[0] for r in rows] == ["in a graph", "plain", "x << y"]
        assert kg.select_text("SELECT ?o WHERE { GRAPH <urn:g> { <urn:a> <urn:b> ?o } }")
    finally:
        kg.close()


@pytest.mark.parametrize("backend", [OxigraphStore, RdflibStore])
def test_safe_files_still_load(tmp_path, backend):
    # Plain-text entities (as OWL files abbreviate namespaces), a symbolic link to a regular
    # file, an inline JSON-LD context, and a named graph: all accepted, the same on both backends.
    (tmp_path / "owl.rdf").write_text(_rdf_xml('<!ENTITY ex "http://example.org/">', "&ex;x"))
    (tmp_path / "real.ttl").write_text("<http://example.org/b> <http://example.org/p> 'y' .")
    (tmp_path / "link.ttl").symlink_to(tmp_path / "real.ttl")
    (tmp_path / "inline.jsonld").write_text(json.dumps(
        {"@context": {"p": "http://example.org/p"}, "@id": "http://example.org/c", "p": "z"}))
    (tmp_path / "named.trig").write_text("<http://example.org/g> { <http://example.org/d> "
                                         "<http://example.org/p> 'w' }")
    files = [tmp_path / n for n in ("owl.rdf", "link.ttl", "inline.jsonld", "named.trig")]
    kg = backend.from_files(files)
    try:
        from graph.query import run_query
        rows = run_query(kg, "SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o").rows
        assert [str(r[0]) for r in rows] == ["http://example.org/x", "w", "y", "z"]
    finally:
        kg.close()
