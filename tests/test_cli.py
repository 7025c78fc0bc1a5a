"""The ``causemap`` command: exit codes, one-line errors, and the issue's done-when checks.

Most tests call :func:`graph.cli.main` in-process (fast); a few run the installed console script in
a subprocess where the process boundary is the point (start-up imports, real exit codes).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import DATA_DIR, ROOT

CAUSEMAP = str(Path(sys.executable).parent / "causemap")


@pytest.fixture
def run(run_cli):
    """``causemap ARGS…`` in-process (see tests/conftest.py)."""
    return run_cli


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_path_prints_the_sentence(run):
    code, out, _ = run("path", "DiGeorge syndrome", "upper lip twitching")
    assert code == 0, out
    assert out.splitlines()[0] == ("DiGeorge syndrome acts through hypocalcemia, "
                                   "which can cause upper-lip twitching.")
    assert "§4. DiGeorge Syndrome" in out


def test_path_between_unconnected_entities_exits_1(run, tmp_path):
    f = tmp_path / "two.ttl"
    f.write_text("@prefix cm: <https://w3id.org/causemap/> .\n"
                 "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                 'cm:A a cm:Condition ; rdfs:label "a" . cm:B a cm:Condition ; rdfs:label "b" .\n')
    code, _, err = run("--data", str(f), "path", "a", "b")
    assert code == 1
    assert one_error_line(err) == "causemap: error: no path between a and b"


@pytest.mark.parametrize("args,message", [
    # unknown entity, with a suggestion
    (["show", "tremr"], "did you mean"),
    (["path", "xyzzy", "thymus"], "no entity called 'xyzzy'"),
    # unreadable data file
    (["--data", "/no/such.ttl", "stats"], "/no/such.ttl: no such file"),
    # output into a missing folder
    (["export", "--output", "/no/such/dir/out.ttl"], "folder /no/such/dir does not exist"),
])
def test_bad_input_exits_2_with_one_line(run, args, message):
    code, _, err = run(*args)
    assert code == 2
    assert message in one_error_line(err)


def test_stats(run):
    code, out, _ = run("stats")
    assert code == 0
    assert "entities   101" in out and "claims     129 (from 23 source sections)" in out


def test_search_and_show(run):
    code, out, _ = run("search", "lou gehrig")
    assert code == 0 and out.startswith("amyotrophic lateral sclerosis  [Condition]")
    code, out, _ = run("show", "cm:SubstantiaNigra")
    assert code == 0 and "substantial niagra" in out  # the curator's note on the misspelling


@pytest.mark.parametrize("fmt,check", [
    ("turtle", lambda text: "cm:DiGeorgeSyndrome" in text),
    ("nt", lambda text: "<https://w3id.org/causemap/Hypocalcemia>" in text),
    ("trig", lambda text: "claim:" in text or "/claim/" in text),
    ("json-ld", lambda text: isinstance(json.loads(text), (list, dict))),
    ("graphml", lambda text: text.startswith("<graphml") or "<graphml" in text[:300]),
])
def test_export_formats(run, tmp_path, fmt, check):
    out_file = tmp_path / f"out.{fmt}"
    code, _, err = run("export", "--format", fmt, "--output", str(out_file))
    assert code == 0, err
    assert check(out_file.read_text(encoding="utf-8"))


def test_export_round_trips_through_data(run, tmp_path):
    out_file = tmp_path / "all.trig"
    assert run("export", "--format", "trig", "--output", str(out_file))[0] == 0
    code, out, _ = run("--data", str(out_file), "path", "DiGeorge syndrome", "upper-lip twitching")
    assert code == 0 and "hypocalcemia" in out


def test_validate_bundled_data_passes(run):
    code, out, _ = run("validate")
    assert code == 0, out


def test_validate_broken_copy_fails_with_readable_report(run, tmp_path):
    text = (DATA_DIR / "article.trig").read_text(encoding="utf-8")
    # Drop the definition of hypocalcemia and give thyroid surgery a wrong-class relation.
    broken = text.replace(
        '    skos:definition "A lower than normal level of calcium in the blood, which makes nerves '
        'and muscles overexcitable."@en ;\n', "")
    assert broken != text
    broken += ("\nclaim:Bad { cm:UpperLipTwitching cm:actsThrough cm:Thymus . }\n"
               "claim:Bad a cm:Claim ; cm:citesSection src:upper-lip-twitching-1 ; "
               'cm:claimText "wrong on purpose"@en .\n')
    f = tmp_path / "broken.trig"
    f.write_text(broken, encoding="utf-8")
    code, out, _ = run("--data", str(f), "validate")
    assert code == 1
    assert "hypocalcemia" in out.lower() and "definition" in out.lower()
    assert "Traceback" not in out


@pytest.mark.parametrize("query,message", [
    # an update
    ("INSERT DATA { cm:a cm:b cm:c }", "update"),
    # a federated query would reach the network
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    # FROM makes rdflib read a URL or file
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    # malformed
    ("SELEC ?x WHERE { ?x ?y ?z }", "line 1"),
])
def test_refused_and_malformed_queries_exit_2(run, query, message):
    code, _, err = run("query", query)
    assert code == 2
    assert message.lower() in one_error_line(err).lower()


def test_runaway_query_is_stopped_at_its_time_limit(run):
    code, _, err = run("query", "--timeout", "1",
                       "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert code == 2
    assert "1" in one_error_line(err) and "stopped" in err.lower()


@pytest.mark.parametrize("fmt,check", [
    ("table", lambda t: "DiGeorge syndrome" in t and "2 rows" in t),
    ("csv", lambda t: t.splitlines()[0].startswith("condition,")),
    ("tsv", lambda t: t.splitlines()[0].startswith("?condition\t")),
    ("json", lambda t: len(json.loads(t)["results"]["bindings"]) == 2),
])
def test_named_query_formats(run, fmt, check):
    code, out, err = run("query", "--named", "conditions-through-mechanism",
                         "--param", "mechanism=low calcium", "--format", fmt)
    assert code == 0, err
    assert check(out), out


def test_construct_prints_turtle(run):
    code, out, _ = run("query", "CONSTRUCT { ?s cm:actsThrough cm:Hypocalcemia } "
                                "WHERE { ?s cm:actsThrough cm:Hypocalcemia }")
    assert code == 0 and "cm:DiGeorgeSyndrome" in out


@pytest.mark.parametrize("argv", [["--help"], ["query", "--limit", "1", "ASK { ?s ?p ?o }"]])
def test_cli_does_not_import_the_ui_stack(argv):
    code = ("import sys\nsys.argv = ['causemap', *%r]\nfrom graph.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('streamlit', 'pyvis', 'pandas', 'altair') "
            "if m in sys.modules))" % (argv,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=60).stdout
    assert "LOADED []" in out, out


def test_console_script_real_exit_code():
    proc = subprocess.run([CAUSEMAP, "query", "INSERT DATA { cm:a cm:b cm:c }"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("causemap: error:") and "Traceback" not in proc.stderr


def test_export_html_view_is_offline(run, tmp_path):
    out_file = tmp_path / "view.html"
    code, _, err = run("export", "--format", "html", "--focus", "hypocalcemia", "--radius", "1",
                       "--output", str(out_file))
    assert code == 0, err
    page = out_file.read_text(encoding="utf-8")
    assert "DiGeorge syndrome" in page and "vis.Network" in page or "vis-network" in page
    import re
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)


def test_app_command_serves_the_app(tmp_path):
    """`causemap app` (the end of the README's first command) starts a server that answers."""
    import http.client
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([CAUSEMAP, "app", "--headless", "--port", str(port),
                             "--address", "127.0.0.1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.5)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:  # http.client, not urllib: graph.store.offline blocks urllib in this process
                conn.request("GET", "/_stcore/health")
                status = conn.getresponse().status
            except OSError:
                pass
            finally:
                conn.close()
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # The server itself must be gone, not just the command that started it.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    with pytest.raises(OSError):
        conn.request("GET", "/_stcore/health")
        conn.getresponse()


@pytest.mark.parametrize("args,message", [
    # the same entity twice is a bad request, not "no path"
    (["path", "als", "ALS"], "pick two different entities"),
    # empty search text
    (["search", "  "], "give some text"),
    # a view has no named graphs
    (["export", "--format", "trig", "--focus", "thymus"], "no named graphs"),
    # radius without focus
    (["export", "--radius", "2"], "--radius goes with --focus"),
])
def test_more_bad_input_exits_2(run, args, message):
    code, _, err = run(*args)
    assert code == 2
    assert message in one_error_line(err)


def test_export_turtle_view_around_focus(run, tmp_path):
    out_file = tmp_path / "view.ttl"
    code, _, err = run("export", "--focus", "hypocalcemia", "--output", str(out_file))
    assert code == 0, err
    from rdflib import Graph
    g = Graph().parse(out_file)
    subjects = {str(s).rsplit("/", 1)[-1] for s in g.subjects() if "/claim/" not in str(s)}
    # Tetany and Chvostek's sign: the signs of low calcium the review found missing.
    assert subjects == {"Hypocalcemia", "DiGeorgeSyndrome", "Hypoparathyroidism",
                        "UpperLipTwitching", "CalciumReplacement", "Tetany", "ChvostekSign"}
