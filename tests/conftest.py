"""Shared fixtures: the bundled graph, loaded once per test session (read-only: never mutate it)."""

from __future__ import annotations

import pytest

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
