"""Causemap installs like any other package: a wheel works from any folder, and so does an editable
install.

The wheel test builds the sdist and, from it, the wheel (``python -m build --no-isolation``, on a
copy of the source tree so that the checkout gets no ``build/`` or ``*.egg-info``), installs the
wheel with pip into a fresh virtual environment, and runs the console script from another folder:
``causemap stats``, ``query``, ``validate``, ``app --help``, and a real ``serve`` and ``app``.

No network is used: the build runs without isolation on the setuptools and ``build`` of the
``[test]`` extras, pip installs the wheel with ``--no-deps --no-index``, and the fresh
environment gets its dependencies from this one through a ``.pth`` file that points at a folder of
links to exactly the distributions the wheel's metadata requires (its requirements, transitively;
no extras). So a runtime import that ``pyproject.toml`` forgot to declare fails here, as it would
for a user — and nothing from this environment's editable install of Causemap leaks in (the
folder links distributions only, and ``.pth`` files of a folder named in a ``.pth`` file are not
run).
"""

from __future__ import annotations

import contextlib
import importlib.metadata as md
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.parse
from pathlib import Path

import pytest

from graph.store import ROOT

pytestmark = pytest.mark.packaging

_IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info",
                                  "__pycache__", ".pytest_cache", "node_modules", "out", "tests",
                                  "bench")
_TIMEOUT = 120


def _skip_unless_buildable() -> None:
    try:
        import build  # noqa: F401
        import setuptools
    except ImportError as exc:
        pytest.skip(f"building a wheel needs the [test] extras ({exc.name} is missing): "
                    "pip install -e '.[test]'")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} cannot build pyproject.toml's SPDX "
                    "licence; the [test] extras ask for setuptools>=77")


def _run(cmd, *, cwd, env=None, timeout=_TIMEOUT) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))}\n{done.stdout[-1500:]}\n" \
                                 f"{done.stderr[-3000:]}"
    return done


def _clean_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("CAUSEMAP_")}
    env["HOME"] = str(home)  # Streamlit keeps its settings under ~/.streamlit
    return env


def _requirement_closure(requirements: list[str]) -> list[md.Distribution]:
    """The installed distributions these requirements need, transitively (no extras)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, md.Distribution] = {}
    todo = list(requirements)
    while todo:
        req = Requirement(todo.pop())
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        try:
            found[name] = md.distribution(req.name)
        except md.PackageNotFoundError:
            pytest.fail(f"{req.name} is required but not installed here")
        todo += found[name].requires or []
    return list(found.values())


def _link_dependencies(wheel: Path, into: Path) -> Path:
    """A folder of links to the distributions the wheel requires (their top-level files)."""
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [line.split(":", 1)[1].strip() for line in zf.read(meta).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    into.mkdir()
    for dist in _requirement_closure(requires):
        base = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or []}
        for top in sorted(tops):
            source = base / top
            if top in ("..", "__pycache__") or top.endswith(".pth") or not source.exists():
                continue
            with contextlib.suppress(FileExistsError):  # namespace folders shared by two dists
                (into / top).symlink_to(source)
    return into


def _fresh_venv(path: Path, deps: Path) -> Path:
    _run([sys.executable, "-m", "venv", "--without-pip", path], cwd=path.parent)
    python = path / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=path).stdout.strip()
    Path(site, "_causemap_test_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    return python


def _pip(python: Path, *args, cwd) -> subprocess.CompletedProcess:
    # This environment's pip, run for the fresh one (pip --python): the fresh one has no pip.
    return _run([sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check",
                 *args], cwd=cwd)


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> str:
    import http.client
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{url}: the server exited with {proc.returncode}:\n"
                                 f"{log.read_text(errors='replace')[-2000:]}")
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
        try:
            conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            resp = conn.getresponse()
            if resp.status == 200:
                return resp.read().decode("utf-8", "replace")
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout:g} s:\n"
                         f"{log.read_text(errors='replace')[-2000:]}")


@contextlib.contextmanager
def _started(cmd, *, cwd, env, log: Path):
    with log.open("wb") as out:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=out, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the tests ------------------------------------------------------------------------------------

def test_the_package_list_covers_the_tree():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    mapped = config["setuptools"]["package-dir"]
    code = {".".join(p.parent.relative_to(ROOT).parts) for top in ("graph", "app")
            for p in (ROOT / top).rglob("__init__.py")}
    assert code <= listed, f"packages missing from pyproject.toml: {sorted(code - listed)}"
    for package in listed - code:  # data folders: each exists where the mapping says
        parts = package.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in mapped:
                folder = ROOT / mapped[".".join(parts[:n])] / Path(*parts[n:])
                break
        else:
            folder = ROOT / Path(*parts)
        assert folder.is_dir(), f"{package}: no folder {folder}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sdist and the wheel built from a copy of the tree: (wheel, sdist, seconds)."""
    _skip_unless_buildable()
    work = tmp_path_factory.mktemp("build")
    source = work / "causemap"
    shutil.copytree(ROOT, source, ignore=_IGNORED, symlinks=True)
    started = time.perf_counter()
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", work / "dist", source],
         cwd=work)
    wheel, = (work / "dist").glob("causemap-*.whl")
    sdist, = (work / "dist").glob("causemap-*.tar.gz")
    return wheel, sdist, time.perf_counter() - started


def test_the_wheel_ships_the_data_the_ontology_and_the_queries(built):
    import zipfile

    wheel, _sdist, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"graph/data/{p.name}" for p in (ROOT / "data").glob("*.trig")}
    expected |= {f"graph/ontology/{p.name}" for p in (ROOT / "ontology").glob("*.ttl")}
    expected |= {f"graph/ontology/checks/{p.name}" for p in (ROOT / "ontology/checks").glob("*.rq")}
    expected |= {str(p.relative_to(ROOT)) for p in (ROOT / "graph/query/queries").glob("*.rq")}
    expected |= {str(p.relative_to(ROOT)) for top in ("graph", "app")
                 for p in (ROOT / top).rglob("*.py")}
    expected |= {"app/assets/sparql-editor.min.js", "app/assets/favicon.png",
                 "graph/view/assets/standalone.html"}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert not [n for n in names if n.startswith(("tests/", "data/", "ontology/"))]


def test_a_wheel_in_a_fresh_environment_runs_from_any_folder(built, tmp_path):
    wheel, _sdist, build_s = built
    started = time.perf_counter()
    # Named site-packages: Streamlit turns on its development mode (and refuses --server.port)
    # when its own path has no "site-packages" in it.
    (tmp_path / "dependencies").mkdir()
    deps = _link_dependencies(wheel, tmp_path / "dependencies" / "site-packages")
    python = _fresh_venv(tmp_path / "venv", deps)
    _pip(python, "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    _pip(python, "check", cwd=tmp_path)  # every requirement of the wheel is satisfied
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env(tmp_path)
    exe = tmp_path / "venv" / "bin" / "causemap"

    where = _run([python, "-c", "import graph, graph.store as s; print(graph.__file__); "
                  "print(s.ROOT); print(*s.bundled_files())"], cwd=elsewhere, env=env).stdout
    package = tmp_path / "venv" / "lib"
    assert all(line.startswith(str(package)) for line in where.splitlines()), where

    stats = _run([exe, "stats"], cwd=elsewhere, env=env).stdout
    assert re.search(r"^triples\s+\d{3,}", stats, flags=re.M) and "entities   101" in stats
    rows = _run([exe, "query", "--named", "shared-mechanism", "--param",
                 "condition=hypoparathyroidism"], cwd=elsewhere, env=env).stdout
    assert "cm:DiGeorgeSyndrome" in rows and rows.strip().endswith("1 row")
    assert "conforms" in _run([exe, "validate"], cwd=elsewhere, env=env).stdout.lower()
    assert "Start the Causemap web app" in _run([exe, "app", "--help"], cwd=elsewhere,
                                                env=env).stdout
    assert "SPARQL 1.1" in _run([exe, "serve", "--help"], cwd=elsewhere, env=env).stdout

    # The endpoint and the app really start from the wheel (stopped by their PIDs).
    with _started([exe, "serve", "--port", "0"], cwd=elsewhere, env=env,
                  log=tmp_path / "serve.log") as proc:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"(http://127\.0\.0\.1:\d+/)sparql",
                                      (tmp_path / "serve.log").read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "serve.log").read_text()
            time.sleep(0.05)
        ontology = _wait_for(found.group(1) + "ontology.ttl", proc, tmp_path / "serve.log")
        assert "owl:Ontology" in ontology
    port = _free_port()
    with _started([exe, "app", "--headless", "--port", port, "--address", "127.0.0.1"],
                  cwd=elsewhere, env=env, log=tmp_path / "app.log") as proc:
        assert _wait_for(f"http://127.0.0.1:{port}/_stcore/health", proc, tmp_path / "app.log",
                         90).strip() == "ok"
    # And its script runs from the installed package: the start page, data loaded, no exception.
    ran = _run([python, "-c", "import importlib.resources as r; from streamlit.testing.v1 import "
                "AppTest; at = AppTest.from_file(str(r.files('app') / 'streamlit_app.py'), "
                "default_timeout=60).run(); print(len(at.exception), len(at.title) + len(at.markdown))"],
               cwd=elsewhere, env=env).stdout.split()
    assert ran[0] == "0" and int(ran[1]) > 0, ran
    print(f"\nwheel: build (sdist + wheel) {build_s:.1f} s; install and run "
          f"{time.perf_counter() - started:.1f} s")


def test_an_editable_install_reads_the_checkout(built, tmp_path):
    # The README's own command installs in editable mode: with data/ and ontology/ mapped into
    # the package for wheels, the checkout's own folders must still be the ones read.
    source = tmp_path / "checkout"
    shutil.copytree(ROOT, source, ignore=_IGNORED, symlinks=True)
    purelib = Path(sysconfig.get_paths()["purelib"])
    python = _fresh_venv(tmp_path / "venv", purelib)
    _pip(python, "install", "--no-deps", "--no-index", "--no-build-isolation", "-e", source,
         cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = _run([python, "-c", "import graph, graph.store as s; print(graph.__file__); "
                "print(s.ROOT); print(s.ONTOLOGY.is_file(), len(s.bundled_files()))"],
               cwd=elsewhere, env=_clean_env(tmp_path)).stdout.splitlines()
    assert out[0] == str(source / "graph" / "__init__.py")
    assert out[1] == str(source)
    data = [f for f in (ROOT / "data").iterdir() if f.suffix in (".trig", ".ttl")]
    assert out[2] == f"True {len(data)}"
