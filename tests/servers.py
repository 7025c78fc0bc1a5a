"""Start real SPARQL servers on 127.0.0.1 for tests: Oxigraph server and Virtuoso open source.

Plain Python (no pytest): each ``running_*`` function is a context manager that loads RDF files,
starts one private server on free loopback ports, waits until it answers, yields a :class:`Server`
and stops it again by its PID (SIGTERM, then SIGKILL), so no process outlives the block::

    with running_oxigraph(bundled_files(), tmp_dir) as server:
        requests.post(server.query_url, data={"query": "ASK {}"})
        server.descriptor        # "sparql:http://127.0.0.1:PORT/query": give it to the backend

Both servers load the data like :func:`graph.store.load` does in memory: the ontology into the named
graph ``https://w3id.org/causemap/ontology``, TriG/N-Quads files with their named graphs, Turtle and
N-Triples files into the default graph. Neither needs the network.

Scoping: what each server is set to answer
------------------------------------------
The in-memory model (rdflib ``Dataset(default_union=True)``; pyoxigraph with
``use_default_graph_as_union=True``) answers a query's default graph from the union of all our
graphs (default-graph triples, every claim graph, the ontology graph), and ``GRAPH ?g`` ranges over
our named graphs only (claims and the ontology). Every ``Server.descriptor`` below gives exactly
that, measured by ``tests/test_servers.py`` (bundled data: 1,268 triples, 102 named graphs).

Oxigraph (``oxigraph serve-read-only --union-default-graph``)
    A documented server setting: the flag makes every query's default graph the union of all
    graphs, like the protocol's (Oxigraph-only) ``union-default-graph`` parameter. Oxigraph keeps a
    real, unnamed default graph and has no system graphs, so ``GRAPH ?g`` already ranges over
    exactly our named graphs. The descriptor is the bare endpoint URL. With ``scope="url"`` the
    flag is left off and the descriptor carries ``?union-default-graph`` instead (measured: Oxigraph
    reads it from the URL of a form POST too), for testing that a backend forwards URL parameters.
    The standard ``default-graph-uri`` cannot help here: the unnamed default graph has no IRI.

Virtuoso (Debian ``virtuoso-opensource`` 7.2)
    Virtuoso has no unnamed graph: TriG default-graph triples are loaded into
    ``https://w3id.org/causemap/graph/default`` (:data:`VIRTUOSO_DEFAULT_GRAPH`). Its own default
    graph is the union of *every* graph, including its system graphs (about 2,500 triples in
    ``virtrdf#``, ``/DAV/``, ``/sparql`` … here; about 5,600 when the Conductor package is installed,
    which this private server skips). What was measured, and why the standard parameters are not
    used:

    * ``default-graph-uri`` / ``named-graph-uri`` repeated (103 + 102 IRIs for the bundled data):
      Virtuoso echoes every one as an ``X-SPARQL-default-graph`` / ``X-SPARQL-named-graph``
      response header, so from 93 parameters on a response has over 100 headers and Python's
      ``http.client`` (hence ``requests`` and ``urllib``) fails: "got more than 100 headers".
      With that limit raised, a form POST (parameters in the body, or in the URL of the POST)
      answers right; a GET whose URL passes about 10 KB silently drops the parameters beyond
      (95 of 103 kept, HTTP 200, wrong count). The list grows with every claim. Not robust.
    * A Virtuoso graph group (``RDF_GRAPH_GROUP_CREATE`` / ``RDF_GRAPH_GROUP_INS``) as the one
      ``default-graph-uri`` expands to its members (1 header). As ``named-graph-uri`` (or FROM NAMED)
      it is refused: HTTP 400, "SP031: … is graph group, not a plain graph, so it cannot be used in
      FROM NAMED clause". So named graphs would still need one parameter each.
    * ``default-graph-uri`` alone leaves ``GRAPH ?g`` unrestricted (every graph, system graphs
      included: Virtuoso deviates from the Protocol here, openlink/virtuoso-opensource#451);
      ``named-graph-uri`` alone makes the default graph empty.

    So the scoping is done by documented server settings, and the descriptor is the bare
    ``/sparql`` URL:

    1. Graph-level security: ``DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0)``, then
       ``DB.DBA.RDF_GRAPH_USER_PERMS_SET(g, 'nobody', 1)`` for each graph loaded from our files.
       Anonymous ``/sparql`` requests then see our graphs only: the system graphs leave both the
       default graph and ``GRAPH ?g``, and any future system graph stays hidden.
    2. The endpoint's per-host defaults (table ``DB.DBA.SYS_SPARQL_HOST``, host pattern ``%``):
       ``SH_GRAPH_URI`` = the graph group ``https://w3id.org/causemap/graph/all`` (every graph of
       ours, readable and listable by ``nobody``), used as the default graph when a request names
       none; ``SH_DEFINES`` = ``define input:named-graph-exclude <…/graph/default>``, so that
       ``GRAPH ?g`` never yields the stand-in for the unnamed default graph.

    The result has constant size whatever the number of claims: one response header, no
    parameters in requests. A request that names its own ``default-graph-uri`` replaces the group
    (the SH_DEFINES still apply).

Failures raise :class:`ServerError` with the command and the tail of the server's log: a binary
that is missing, a server that exits or does not answer in time, a load that fails. A port taken
between choosing it and binding it (another process won the race) is retried on new ports.
"""

from __future__ import annotations

import configparser
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

__all__ = [
    "ROOT", "ONTOLOGY", "ONTOLOGY_GRAPH", "VIRTUOSO_DEFAULT_GRAPH", "VIRTUOSO_GROUP",
    "Server", "ServerError", "bundled_files", "oxigraph_binary", "virtuoso_binaries",
    "running_oxigraph", "running_virtuoso", "free_port", "pid_exists",
]

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "causemap.ttl"
ONTOLOGY_GRAPH = "https://w3id.org/causemap/ontology"
VIRTUOSO_DEFAULT_GRAPH = "https://w3id.org/causemap/graph/default"
"""Where Virtuoso keeps the dataset's default-graph triples (it has no unnamed graph)."""
VIRTUOSO_GROUP = "https://w3id.org/causemap/graph/all"
"""The Virtuoso graph group of every graph loaded from our files: the endpoint's default graph."""
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")

_VIRTUOSO_TTLP_FLAGS = {".ttl": 0, ".nt": 0, ".trig": 256, ".nq": 512}  # 256 TriG, 512 N-Quads
_PORT_ATTEMPTS = 5


class ServerError(RuntimeError):
    """A test server could not be started, loaded or stopped; the message ends with its log tail."""


@dataclass
class Server:
    """One running server.

    Attributes
    ----------
    name : "oxigraph" or "virtuoso"
    query_url : the SPARQL 1.1 Protocol query endpoint, ``http://127.0.0.1:PORT/…``
    descriptor : ``"sparql:" + URL`` for the Causemap store, scoped as the module docstring says
    pid : the server's process id (gone after the ``with`` block)
    port : the HTTP port
    sql_port : Virtuoso's SQL (isql) port, else None
    workdir : this server's own folder (database files, ``server.log``)
    timings : seconds spent: ``load`` (files into the store) and ``start`` (process start until
        the endpoint answers); Virtuoso's load happens after its start
    """

    name: str
    query_url: str
    descriptor: str
    pid: int
    port: int
    workdir: Path
    sql_port: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def log_tail(self, lines: int = 30) -> str:
        return _tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL; reaps the process. Idempotent."""
        if self.process is not None:
            _stop(self.process, timeout)


def bundled_files() -> list[Path]:
    """The ontology and the bundled data (``data/*.trig``, ``data/*.ttl``), as the app loads them."""
    data = sorted(p for p in (ROOT / "data").iterdir() if p.suffix in {".trig", ".ttl"})
    return [ONTOLOGY, *data]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` executable: beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def virtuoso_binaries() -> tuple[str, str] | None:
    """``(virtuoso-t, isql-vt)`` when Debian's virtuoso-opensource and its ini template are there."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server and isql and VIRTUOSO_INI.is_file():
        return server, isql
    return None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (the server may still lose a race for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_exists(pid: int) -> bool:
    """Whether a process with this id exists (a zombie, ended but not yet reaped, counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # it exists, but is not ours to inspect
        return True


# ---------------------------------------------------------------------------------------------
# Oxigraph

@contextlib.contextmanager
def running_oxigraph(files: Iterable[str | Path], workdir: str | Path, *,
                     ontology: str | Path | None = ONTOLOGY, scope: str = "server",
                     timeout: float = 20.0, binary: str | None = None) -> Iterator[Server]:
    """Load ``files`` into an on-disk Oxigraph store and serve it read-only on 127.0.0.1.

    ``scope="server"`` starts ``serve-read-only --union-default-graph`` (the descriptor is the
    bare ``/query`` URL); ``scope="url"`` starts it without the flag and puts
    ``?union-default-graph`` in the descriptor's URL instead.
    """
    if scope not in {"server", "url"}:
        raise ValueError(f"scope must be 'server' or 'url', not {scope!r}")
    exe = binary or oxigraph_binary()
    if not exe:
        raise ServerError("oxigraph: no 'oxigraph' executable (pip install oxigraph)")
    own = _own_dir(workdir, "oxigraph")
    location = own / "store"
    log = own / "server.log"
    data, onto = _split(files, ontology)

    t0 = time.perf_counter()
    if onto is not None:
        _run([exe, "load", "--location", str(location), "--file", str(onto),
              "--graph", ONTOLOGY_GRAPH], log, timeout, "oxigraph load")
    for path in data:  # one call per file: --graph is refused for quad formats
        _run([exe, "load", "--location", str(location), "--file", str(path)], log, timeout,
             "oxigraph load")
    if onto is None and not data:  # an empty but valid store: load nothing from stdin
        _run([exe, "load", "--location", str(location), "--format", "nt"], log, timeout,
             "oxigraph load")
    load_s = time.perf_counter() - t0

    for _attempt in range(_PORT_ATTEMPTS):
        port = free_port()
        cmd = [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        if scope == "server":
            cmd.append("--union-default-graph")
        query_url = f"http://127.0.0.1:{port}/query"
        t0 = time.perf_counter()
        proc, offset = _spawn(cmd, log)
        try:
            _wait_ready(proc, query_url, log, offset, timeout, "oxigraph")
        except _PortTaken:
            _stop(proc)
            continue
        except BaseException:
            _stop(proc)
            raise
        start_s = time.perf_counter() - t0
        descriptor = "sparql:" + query_url + ("?union-default-graph" if scope == "url" else "")
        server = Server("oxigraph", query_url, descriptor, proc.pid, port, own,
                        timings={"load": load_s, "start": start_s}, process=proc)
        try:
            yield server
        finally:
            server.stop()
        return
    raise ServerError(f"oxigraph: no free port after {_PORT_ATTEMPTS} attempts\n{_tail(log)}")


# ---------------------------------------------------------------------------------------------
# Virtuoso

_VIRTUOSO_SCOPE_SQL = """
create procedure DB.DBA.CAUSEMAP_SCOPE (in grp varchar, in dflt varchar)
{{
  declare n integer;
  n := 0;
  DB.DBA.RDF_GRAPH_GROUP_CREATE (grp, 1);
  DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0);
  for (select distinct G as gid from DB.DBA.RDF_QUAD) do
    {{
      if (not exists (select 1 from DB.DBA.CAUSEMAP_SYSTEM_GRAPH where SG_G = gid))
        {{
          DB.DBA.RDF_GRAPH_GROUP_INS (grp, id_to_iri (gid));
          DB.DBA.RDF_GRAPH_USER_PERMS_SET (id_to_iri (gid), 'nobody', 1);
          n := n + 1;
        }}
    }}
  DB.DBA.RDF_GRAPH_USER_PERMS_SET (grp, 'nobody', 9);
  insert replacing DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI, SH_DEFINES)
    values ('%', grp, concat ('define input:named-graph-exclude <', dflt, '>'));
  commit work;
  return n;
}};
select 'CAUSEMAP_GRAPHS', DB.DBA.CAUSEMAP_SCOPE ({grp}, {dflt});
checkpoint;
"""


@contextlib.contextmanager
def running_virtuoso(files: Iterable[str | Path], workdir: str | Path, *,
                     ontology: str | Path | None = ONTOLOGY, timeout: float = 60.0,
                     ini_overrides: dict[str, dict[str, str]] | None = None,
                     keep_files: bool = False,
                     binaries: tuple[str, str] | None = None) -> Iterator[Server]:
    """Start a private Virtuoso (own ini, database files and loopback ports), load, scope, serve.

    ``ini_overrides`` (``{"SPARQL": {"ResultSetMaxRows": "100000"}}``) change the private ini;
    the template's values are kept otherwise (ResultSetMaxRows 10000, MaxQueryExecutionTime 60).
    The database files (about 50 MB) are deleted after the server stops unless ``keep_files``;
    ``server.log`` and ``virtuoso.ini`` stay in the server's folder.
    """
    exes = binaries or virtuoso_binaries()
    if not exes:
        raise ServerError("virtuoso: no virtuoso-t/isql-vt or no "
                          f"{VIRTUOSO_INI} (apt-get install virtuoso-opensource)")
    server_exe, isql_exe = exes
    data, onto = _split(files, ontology)
    for path in data:
        if path.suffix not in _VIRTUOSO_TTLP_FLAGS:
            raise ValueError(f"{path}: running_virtuoso loads only "
                             f"{', '.join(sorted(_VIRTUOSO_TTLP_FLAGS))}")
    base = Path(workdir)

    for _attempt in range(_PORT_ATTEMPTS):
        own = _own_dir(base, "virtuoso")
        log = own / "server.log"
        loads = _stage(data, onto, own)
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini = own / "virtuoso.ini"
        _write_virtuoso_ini(ini, own, sql_port, http_port, {p.parent for p, _, _ in loads},
                            ini_overrides or {})
        query_url = f"http://127.0.0.1:{http_port}/sparql"
        t0 = time.perf_counter()
        proc, offset = _spawn([server_exe, "+foreground", "+configfile", str(ini)], log, cwd=own)
        try:
            try:
                _wait_ready(proc, query_url, log, offset, timeout, "virtuoso", sql_port=sql_port)
            except _PortTaken:
                _stop(proc)
                _remove_database(own)
                continue
            start_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            _load_and_scope_virtuoso([isql_exe, f"127.0.0.1:{sql_port}", "dba", "dba"], loads,
                                     own, timeout, log)
            load_s = time.perf_counter() - t0
        except BaseException:
            _stop(proc)
            if not keep_files:
                _remove_database(own)
            raise
        server = Server("virtuoso", query_url, "sparql:" + query_url, proc.pid, http_port, own,
                        sql_port=sql_port, timings={"start": start_s, "load": load_s},
                        process=proc)
        try:
            yield server
        finally:
            server.stop()
            if not keep_files:
                _remove_database(own)
        return
    raise ServerError(f"virtuoso: no free ports after {_PORT_ATTEMPTS} attempts\n{_tail(log)}")


def _load_and_scope_virtuoso(isql: list[str], loads: Sequence[tuple[Path, str, int]], own: Path,
                             timeout: float, log: Path) -> None:
    """Note the system graphs, load the files, then scope the endpoint to the new graphs."""
    _isql(isql, "create table DB.DBA.CAUSEMAP_SYSTEM_GRAPH (SG_G IRI_ID primary key);\n"
                "insert soft DB.DBA.CAUSEMAP_SYSTEM_GRAPH (SG_G) "
                "select distinct G from DB.DBA.RDF_QUAD;\n", own, timeout, log)
    script = "".join(
        f"DB.DBA.TTLP_MT (file_to_string_output ({_sql_str(str(path))}), '', "
        f"{_sql_str(graph)}, {flags});\n" for path, graph, flags in loads)
    if script:
        _isql(isql, script, own, timeout, log)
    out = _isql(isql, _VIRTUOSO_SCOPE_SQL.format(
        grp=_sql_str(VIRTUOSO_GROUP), dflt=_sql_str(VIRTUOSO_DEFAULT_GRAPH)), own, timeout, log)
    if "CAUSEMAP_GRAPHS" not in out:
        raise ServerError(f"virtuoso: scoping did not run\n{out[-2000:]}")


def _stage(data: Sequence[Path], onto: Path | None, own: Path) -> list[tuple[Path, str, int]]:
    """(file Virtuoso reads, graph for its default-graph triples, TTLP flags) per file.

    Virtuoso reads only files under DirsAllowed, a comma-separated list: a file whose folder
    has a comma in its path is copied into ``own`` first.
    """
    loads = []
    items = ([(onto, ONTOLOGY_GRAPH)] if onto is not None else []) + [
        (p, VIRTUOSO_DEFAULT_GRAPH) for p in data]
    for n, (path, graph) in enumerate(items):
        if "," in str(path.parent) or "'" in str(path.parent):
            staged = own / "load" / f"{n:03d}{path.suffix}"
            staged.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, staged)
            path = staged
        loads.append((path, graph, _VIRTUOSO_TTLP_FLAGS.get(path.suffix, 0)))
    return loads


def _remove_database(own: Path) -> None:
    for path in own.iterdir():
        if path.is_file() and path.suffix in {".db", ".trx", ".pxa", ".lck"}:
            path.unlink(missing_ok=True)


def _write_virtuoso_ini(ini: Path, own: Path, sql_port: int, http_port: int,
                        dirs: Iterable[Path], overrides: dict[str, dict[str, str]]) -> None:
    conf = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";",),
                                        interpolation=None)
    conf.optionxform = str  # keys are case-sensitive for Virtuoso
    conf.read(VIRTUOSO_INI)
    conf["Database"].update(
        DatabaseFile=str(own / "virtuoso.db"), ErrorLogFile=str(own / "virtuoso.log"),
        LockFile=str(own / "virtuoso.lck"), TransactionFile=str(own / "virtuoso.trx"),
        xa_persistent_file=str(own / "virtuoso.pxa"))
    conf["TempDatabase"].update(DatabaseFile=str(own / "virtuoso-temp.db"),
                                TransactionFile=str(own / "virtuoso-temp.trx"))
    allowed = ", ".join(dict.fromkeys([".", str(own), *sorted(str(d) for d in dirs)]))
    conf["Parameters"].update(ServerPort=f"127.0.0.1:{sql_port}", DirsAllowed=allowed)
    # No VADInstallDir: a fresh database would install the Conductor package (1.5 s more, and
    # ~3,000 more system triples); the tests need only /sparql.
    conf["Parameters"].pop("VADInstallDir", None)
    conf["HTTPServer"].update(ServerPort=f"127.0.0.1:{http_port}")
    if conf.has_section("URIQA"):
        conf["URIQA"]["DefaultHost"] = f"127.0.0.1:{http_port}"
    # Zero Config advertises the server on the network; the hosting plugins and the rest are
    # not needed by a SPARQL endpoint.
    for section in ("Zero Config", "Plugins", "Striping", "Replication", "Mono"):
        conf.remove_section(section)
    for section, values in overrides.items():
        if not conf.has_section(section):
            conf.add_section(section)
        conf[section].update(values)
    with ini.open("w") as fh:
        conf.write(fh)


def _isql(cmd: list[str], script: str, own: Path, timeout: float, log: Path) -> str:
    """Run an SQL script through isql; raise ServerError on any ``*** Error``."""
    sql = own / "script.sql"
    sql.write_text(script, encoding="utf-8")
    full = [*cmd, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"]
    try:
        with sql.open("rb") as stdin:
            res = subprocess.run(full, stdin=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ServerError(f"virtuoso: isql did not finish in {timeout:g} s\n{_tail(log)}") from None
    out = (res.stdout + res.stderr).decode("utf-8", "replace")
    if res.returncode != 0 or "*** Error" in out:
        raise ServerError(f"virtuoso: isql failed (exit {res.returncode}):\n{out[-2000:]}\n"
                          f"--- server log ---\n{_tail(log)}")
    return out


def _sql_str(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# Processes

class _PortTaken(Exception):
    pass


_PORT_ERRORS = ("address already in use", "failed http listen", "failed to listen",
                "unable to listen", "could not bind", "addrinuse")


def _own_dir(workdir: str | Path, prefix: str) -> Path:
    base = Path(workdir)
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=base))


def _split(files: Iterable[str | Path], ontology: str | Path | None) -> tuple[list[Path], Path | None]:
    onto = Path(ontology).resolve() if ontology is not None else None
    data = []
    for f in files:
        path = Path(f).resolve()
        if path == onto:
            continue
        if not path.is_file():
            raise ServerError(f"{f}: no such file")
        data.append(path)
    if onto is not None and not onto.is_file():
        raise ServerError(f"{onto}: no such file")
    return data, onto


def _run(cmd: list[str], log: Path, timeout: float, what: str) -> None:
    with log.open("ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        try:
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ServerError(f"{what}: did not finish in {timeout:g} s\n{_tail(log)}") from None
    if res.returncode != 0:
        raise ServerError(f"{what} failed (exit {res.returncode}): {' '.join(cmd)}\n{_tail(log)}")


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


_LIVE: dict[int, subprocess.Popen] = {}


def _spawn(cmd: list[str], log: Path, cwd: Path | None = None) -> tuple[subprocess.Popen, int]:
    """Start ``cmd`` with its output appended to ``log``; returns (process, log offset at start)."""
    with log.open("ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        offset = out.tell()
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                start_new_session=True,  # a Ctrl-C in the terminal reaches the tests, not it
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        except OSError as exc:
            raise ServerError(f"cannot start {cmd[0]}: {exc}") from None
    _LIVE[proc.pid] = proc
    return proc, offset


def _stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout)
    _LIVE.pop(proc.pid, None)


@__import__("atexit").register
def _stop_all() -> None:  # a test run that dies between start and stop still leaves nothing
    for proc in list(_LIVE.values()):
        _stop(proc, 5.0)


def _wait_ready(proc: subprocess.Popen, query_url: str, log: Path, offset: int, timeout: float,
                what: str, sql_port: int | None = None) -> None:
    """Poll until the endpoint answers ``ASK {}`` (and the SQL port accepts), or fail clearly."""
    deadline = time.monotonic() + timeout
    probe = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    delay = 0.02
    while True:
        code = proc.poll()
        if code is not None:
            tail = _tail(log)
            with log.open("rb") as fh:  # only this attempt's output tells why it stopped
                fh.seek(offset)
                own_output = fh.read().decode("utf-8", "replace").lower()
            if any(e in own_output for e in _PORT_ERRORS):
                raise _PortTaken(tail)
            raise ServerError(f"{what} exited with code {code} before answering\n{tail}")
        if _answers(probe) and (sql_port is None or _accepts(sql_port)):
            return
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not answer at {query_url} within {timeout:g} s\n"
                              f"{_tail(log)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)


def _answers(url: str) -> bool:
    """Whether ``url`` answers a SPARQL ASK with a JSON boolean.

    http.client, not urllib: ``graph.offline.forbid_network`` (installed once ``graph.store.load``
    ran in this process) blocks every urllib request, and http.client ignores proxy variables.
    """
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}",
                     headers={"Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        return resp.status == 200 and "boolean" in json.loads(resp.read())
    except (OSError, ValueError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
