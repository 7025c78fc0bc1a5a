"""``causemap serve`` as a real process, queried by real clients.

One server per module: ``causemap serve --port 0`` (the system picks a free 127.0.0.1 port and the
server prints it), stopped by its PID at the end, with its query workers. Three clients:

- **SPARQLWrapper** and **rdflib's SPARQLStore**, in a subprocess (``tests/sparql_clients.py``):
  both open URLs with ``urllib``, which ``graph.store.offline`` blocks for a whole process once
  anything in it opened an ``rdflib:`` store or called ``forbid_network`` (its doctest does, on
  purpose). In a pytest run that is a matter of test order, so the clients never run here: the
  subprocess imports no Causemap code and runs them as in a user's program. All jobs go in one
  subprocess call.
- **Causemap's own ``sparql:URL`` backend**, in this process (it uses ``requests``, which the
  hook does not block): a round trip, the endpoint serving the store that queries it.

Each named query runs with its default parameters (written into the text as a ``VALUES`` block, as
``run_named`` does) and must give what ``causemap query --named NAME --format F`` gives, in every
format the client asks for: SPARQL JSON, XML, CSV and TSV for SELECT; JSON and XML for ASK;
Turtle, N3, RDF/XML and JSON-LD for graphs (SPARQLWrapper), XML, JSON, CSV and TSV (SPARQLStore).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import psutil
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from graph.namespace import entity
from graph.query import run_query
from graph.query.guard import screen
from graph.query.named import get_named_query, list_named_queries, run_named
from graph.store import ROOT
from graph.store.terms import to_nt
from tests.servers import pid_exists

pytest.importorskip("SPARQLWrapper")
requests = pytest.importorskip("requests")

pytestmark = pytest.mark.server

CLIENTS = Path(__file__).with_name("sparql_clients.py")
NAMED = [nq.name for nq in list_named_queries()]
# The other query forms, so that every format is asked for (the named queries are all SELECTs).
ASK = "ASK { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia }"
ASK_NO = "ASK { cm:Hypocalcemia cm:actsThrough cm:DiGeorgeSyndrome }"
CONSTRUCT = ("CONSTRUCT { ?c cm:actsThrough cm:Hypocalcemia ; rdfs:label ?l } WHERE { "
             "?c cm:actsThrough cm:Hypocalcemia ; rdfs:label ?l }")
DESCRIBE = "DESCRIBE cm:Hypocalcemia"
PREFIXES = ("PREFIX cm: <https://w3id.org/causemap/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
START_TIMEOUT = 60.0
XML_NS = "{http://www.w3.org/2005/sparql-results#}"


# -- the server process --------------------------------------------------------------------------

@contextlib.contextmanager
def running_serve(workdir: Path, *args: str):
    """``causemap [args] serve --port 0`` from the checkout; yields (base URL, pid, log path)."""
    log = workdir / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from graph.cli import main; main()", *args, "serve",
             "--port", "0"], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            found = re.search(r"SPARQL endpoint at (http://127\.0\.0\.1:\d+/)sparql",
                              log.read_text(encoding="utf-8", errors="replace"))
            if found:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"causemap serve did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield found.group(1), proc.pid, log
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def _descendants(pid: int) -> list[int]:
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)
                if p.status() != psutil.STATUS_ZOMBIE]
    except psutil.Error:
        return []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = time.perf_counter()
    with running_serve(tmp_path_factory.mktemp("serve")) as (base, pid, log):
        yield {"base": base, "sparql": base + "sparql", "pid": pid, "log": log,
               "start_s": time.perf_counter() - started}


# -- what causemap query says ---------------------------------------------------------------------

def bound_text(name: str) -> str:
    """The named query with its default parameters as a VALUES block, as run_named binds them."""
    nq = get_named_query(name)
    bindings = {p.name: p.to_term(p.default) for p in nq.params}
    if not bindings:
        return nq.text
    screened = screen(nq.text)
    names = sorted(bindings)
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(to_nt(bindings[n]) for n in names)}) }} ")
    return nq.text[:screened.where] + block + nq.text[screened.where:]


def cli(run_cli, *args: str) -> str:
    code, out, err = run_cli("query", *args)
    assert code == 0, err
    return out


def rows_of_json(text: str) -> dict:
    doc = json.loads(text)
    from rdflib import BNode, URIRef

    def nt(cell):
        if cell["type"] == "uri":
            return URIRef(cell["value"]).n3()
        if cell["type"] == "bnode":
            return BNode(cell["value"]).n3()
        return Literal(cell["value"], lang=cell.get("xml:lang"),
                       datatype=cell.get("datatype")).n3()
    if "boolean" in doc:
        return {"boolean": doc["boolean"]}
    names = doc["head"]["vars"]
    return {"vars": names, "rows": [[nt(b[n]) if n in b else None for n in names]
                                    for b in doc["results"]["bindings"]]}


def rows_of_xml(text: str) -> dict:
    from rdflib import BNode, URIRef

    root = ET.fromstring(text)
    boolean = root.find(f"{XML_NS}boolean")
    if boolean is not None:
        return {"boolean": boolean.text == "true"}
    names = [v.get("name") for v in root.iter(f"{XML_NS}variable")]
    rows = []
    for result in root.iter(f"{XML_NS}result"):
        cells = dict.fromkeys(names)
        for b in result:
            term = b[0]
            tag = term.tag[len(XML_NS):]
            value = term.text or ""
            cells[b.get("name")] = (URIRef(value).n3() if tag == "uri" else BNode(value).n3()
                                    if tag == "bnode" else Literal(
                value, lang=term.get("{http://www.w3.org/XML/1998/namespace}lang"),
                datatype=term.get("datatype")).n3())
        rows.append([cells[n] for n in names])
    return {"vars": names, "rows": rows}


def rows_of_result(result) -> dict:
    if result.kind == "ASK":
        return {"boolean": result.boolean}
    return {"vars": result.variables,
            "rows": [[t.n3() if t is not None else None for t in row] for row in result.rows]}


# -- the client jobs, run once per module ------------------------------------------------------------

def without_comment_lines(text: str) -> str:
    """The query without its whole-line comments, for SPARQLWrapper.

    SPARQLWrapper guesses the query form with a regular expression that also reads comments
    (RDFLib/sparqlwrapper#211, open): "Kinds of movement" in a header makes it send the SELECT
    as a MOVE update. Comments mean nothing to SPARQL, so the answer is the same.
    """
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _jobs(endpoint: str) -> list[dict]:
    jobs = []
    for name in NAMED:
        text = bound_text(name)
        for fmt in ("json", "xml", "csv", "tsv"):
            for method in ("GET", "POST", "POSTDIRECTLY"):
                jobs.append({"client": "sparqlwrapper", "format": fmt, "method": method,
                             "query": without_comment_lines(text), "case": name})
        for fmt in ("xml", "json", "csv", "tsv"):
            for method in ("GET", "POST", "POST_FORM"):
                jobs.append({"client": "sparqlstore", "format": fmt, "method": method,
                             "query": text, "case": name})
    for case, text in (("ask", ASK), ("ask-no", ASK_NO)):
        for fmt in ("json", "xml"):
            jobs.append({"client": "sparqlwrapper", "format": fmt, "method": "GET",
                         "query": text, "case": case})
            jobs.append({"client": "sparqlstore", "format": fmt, "method": "POST_FORM",
                         "query": text, "case": case})
    for case, text in (("construct", CONSTRUCT), ("describe", DESCRIBE)):
        for fmt in ("turtle", "n3", "rdfxml", "json-ld", "xml"):
            jobs.append({"client": "sparqlwrapper", "format": fmt, "method": "POST",
                         "query": PREFIXES + text, "case": case})
        jobs.append({"client": "sparqlstore", "format": "xml", "method": "GET",
                     "query": PREFIXES + text, "case": case})
    jobs.append({"client": "sparqlwrapper", "format": "json", "method": "GET",
                 "query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "case": "refused"})
    jobs.append({"client": "sparqlwrapper", "format": "json", "method": "GET",
                 "query": "SELECT * WHERE { ?s ?p ?o ?x }", "case": "malformed"})
    for job in jobs:
        job["endpoint"] = endpoint
    return jobs


@pytest.fixture(scope="module")
def answers(server):
    jobs = _jobs(server["sparql"])
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(CLIENTS)], input=json.dumps(jobs), text=True,
                          capture_output=True, timeout=600, cwd=CLIENTS.parent,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    by_case: dict[str, list] = {}
    for job, answer in zip(jobs, results):
        by_case.setdefault(job["case"], []).append((job, answer))
    by_case["_seconds"] = time.perf_counter() - started
    return by_case


# -- the tests ------------------------------------------------------------------------------------------

def test_the_subprocess_loads_no_causemap_code():
    text = CLIENTS.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) graph\b", text, flags=re.M)


@pytest.mark.parametrize("name", NAMED)
def test_named_queries_answer_as_causemap_query(name, answers, run_cli, kg):
    expected = {fmt: cli(run_cli, "--named", name, "--format", fmt)
                for fmt in ("json", "xml", "csv", "tsv")}
    table = rows_of_json(expected["json"])
    assert rows_of_xml(expected["xml"]) == table
    assert table == rows_of_result(run_named(kg, name))
    for job, answer in answers[name]:
        where = f"{job['client']} {job['format']} {job['method']}"
        assert "error" not in answer, f"{where}: {answer}"
        if job["client"] == "sparqlwrapper" and job["format"] in ("csv", "tsv"):
            assert answer["text"] == expected[job["format"]], where
        elif job["client"] == "sparqlstore" and job["format"] == "csv":
            # rdflib reads SPARQL CSV back as plain literals: compare the lexical forms
            lexical = [[row[i] for i in range(len(row))]
                       for row in csv.reader(io.StringIO(expected["csv"]))][1:]
            got = [[_lexical(cell) for cell in row] for row in answer["rows"]]
            assert got == [[cell or None for cell in row] for row in lexical], where
        else:
            assert answer == table, where


def _lexical(cell: str | None) -> str | None:
    if cell is None:
        return None
    from rdflib.util import from_n3
    return str(from_n3(cell))


@pytest.mark.parametrize("case, text, answer", [("ask", ASK, True), ("ask-no", ASK_NO, False)])
def test_ask_in_json_and_xml(case, text, answer, answers, run_cli):
    assert json.loads(cli(run_cli, text, "--format", "json"))["boolean"] is answer
    for job, got in answers[case]:
        assert got == {"boolean": answer}, f"{job['client']} {job['format']}"


@pytest.mark.parametrize("case, text", [("construct", CONSTRUCT), ("describe", DESCRIBE)])
def test_graphs_in_every_rdf_format(case, text, answers, run_cli):
    expected = Graph().parse(data=cli(run_cli, text, "--format", "nt"), format="nt")
    assert len(expected) > 2
    for job, got in answers[case]:
        assert "error" not in got, f"{job['client']} {job['format']}: {got}"
        assert isomorphic(Graph().parse(data=got["nt"], format="nt"), expected), \
            f"{job['client']} {job['format']}"


def test_a_refused_query_is_400_with_the_one_line_message(server, answers):
    (_, refused), = answers["refused"]
    assert refused["error"] == "QueryBadFormed"
    assert ("INSERT DATA is an update; Causemap only reads the graph (SELECT, ASK, CONSTRUCT or "
            "DESCRIBE)") in refused["message"]
    (_, malformed), = answers["malformed"]
    assert malformed["error"] == "QueryBadFormed"
    assert "line 1, column 27: unexpected ?x" in malformed["message"]
    r = requests.post(server["sparql"], data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
                      timeout=30)
    assert r.status_code == 400
    assert r.text == ("INSERT DATA is an update; Causemap only reads the graph (SELECT, ASK, "
                      "CONSTRUCT or DESCRIBE)\n")


def test_the_access_log_has_a_line_per_request(server, answers):
    lines = [line for line in server["log"].read_text(encoding="utf-8").splitlines()
             if " /sparql " in line]
    jobs = sum(len(v) for k, v in answers.items() if not k.startswith("_"))
    assert len(lines) >= jobs
    assert all(len(line) < 400 for line in lines)


# -- the round trip: Causemap's sparql: backend against causemap serve -------------------------------

@pytest.fixture(scope="module")
def remote(server):
    from graph.store import open_store

    store = open_store("sparql:" + server["sparql"])
    yield store
    store.close()


@pytest.mark.parametrize("name", NAMED)
def test_round_trip_named_queries(name, remote, kg):
    assert rows_of_result(run_named(remote, name)) == rows_of_result(run_named(kg, name))


@pytest.mark.parametrize("text", [ASK, ASK_NO, CONSTRUCT, DESCRIBE])
def test_round_trip_other_forms(text, remote, kg):
    mine, theirs = run_query(kg, text), run_query(remote, text)
    assert mine.kind == theirs.kind and mine.boolean == theirs.boolean
    if mine.graph is not None:
        assert isomorphic(mine.graph, theirs.graph)


def test_round_trip_store_reads(remote, kg):
    from graph.learn.entities import describe, search
    from graph.learn.paths import shortest_paths

    hypo = entity("Hypocalcemia")
    assert len(remote) == len(kg)
    assert remote.entities() == kg.entities()
    assert remote.label(hypo) == kg.label(hypo) and remote.class_of(hypo) == kg.class_of(hypo)
    assert remote.edges(hypo) == kg.edges(hypo)
    assert sorted(remote.quads(entity("DiGeorgeSyndrome"), None, hypo)) == \
        sorted(kg.quads(entity("DiGeorgeSyndrome"), None, hypo))
    assert describe(remote, hypo) == describe(kg, hypo)
    assert [m.iri for m in search(remote, "low calcium")] == [m.iri for m in search(kg, "low calcium")]
    assert [p.sentence for p in shortest_paths(remote, entity("DiGeorgeSyndrome"),
                                               entity("UpperLipTwitching"))] == \
        [p.sentence for p in shortest_paths(kg, entity("DiGeorgeSyndrome"),
                                            entity("UpperLipTwitching"))]


def test_round_trip_refusals_keep_their_message(remote):
    from graph.errors import QueryRejected

    # the guard refuses in this process before anything is sent
    with pytest.raises(QueryRejected, match="is an update"):
        run_query(remote, "DELETE WHERE { ?s ?p ?o }")


def test_round_trip_truncation(remote):
    result = run_query(remote, "SELECT * WHERE { ?s ?p ?o }", max_rows=3)
    assert len(result.rows) == 3 and result.truncated


def test_stopping_the_server_leaves_no_process(tmp_path):
    with running_serve(tmp_path, "--data", str(ROOT / "data" / "article.trig")) as (base, pid, _):
        children = _descendants(pid)
        assert children, "the query workers' zygote should be running"
        assert requests.get(base + "sparql", params={"query": ASK}, timeout=30).json()["boolean"]
    deadline = time.monotonic() + 10  # workers die with their parent (PR_SET_PDEATHSIG)
    while any(pid_exists(p) for p in [pid, *children]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(pid_exists(p) for p in [pid, *children])



def test_timings_are_reasonable(server, answers, remote, kg):
    # Not a benchmark: a generous bound that catches a server that reloads per request.
    started = time.perf_counter()
    for _ in range(20):
        run_query(remote, ASK)
    per_query = (time.perf_counter() - started) / 20
    print(f"\nserve: start {server['start_s']:.2f} s; sparql: round trip {per_query * 1000:.1f} ms "
          f"per ASK; {sum(len(v) for k, v in answers.items() if not k.startswith('_'))} client "
          f"jobs in {answers['_seconds']:.1f} s")
    assert server["start_s"] < START_TIMEOUT and per_query < 2.0


# -- any store descriptor -------------------------------------------------------------------------

@pytest.mark.parametrize("descriptor", ["rdflib:", "oxigraph:PATH", "sparql:SERVER"])
def test_serve_works_over_every_backend(descriptor, server, tmp_path, kg):
    # The endpoint answers as the backend does in this process (rdflib's engine orders and
    # counts some results its own way: that is the backend's, not the endpoint's).
    expected = kg
    if descriptor == "rdflib:":
        from graph.store import load
        expected = load(store="rdflib:")
    if descriptor == "oxigraph:PATH":
        done = subprocess.run([sys.executable, "-c", "from graph.cli import main; main()", "load",
                               str(tmp_path / "store")], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        descriptor = f"oxigraph:{tmp_path / 'store'}"
    elif descriptor == "sparql:SERVER":  # one causemap serve in front of another
        descriptor = "sparql:" + server["sparql"]
    with running_serve(tmp_path, "--store", descriptor) as (base, _pid, _log):
        for name in ("shared-mechanism", "relation-counts"):
            r = requests.post(base + "sparql", data={"query": bound_text(name)}, timeout=30)
            assert r.status_code == 200, r.text
            # Sorted: rows that tie under ORDER BY come in the order of the store's indexes,
            # which differ between an in-memory and an on-disk Oxigraph.
            got, want = rows_of_json(r.text), rows_of_result(run_named(expected, name))
            assert got["vars"] == want["vars"], descriptor
            assert sorted(got["rows"], key=str) == sorted(want["rows"], key=str), descriptor
        r = requests.get(base + "sparql", params={"query": "SERVICE"}, timeout=30)
        assert r.status_code == 400
