"""Shared fixtures: the bundled graph, loaded once per test session (read-only: never mutate it)."""

from __future__ import annotations

import pytest

from graph.store import KnowledgeGraph, load


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled knowledge graph."""
    return load()
