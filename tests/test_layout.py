"""The layout shows the layers (issue 8): small modules, thin pages, no import cycles, and each
layer of ``graph/`` importing only the layers below it (and never Streamlit)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES = 500
PAGE_LINES = 150
#: graph/'s layers, lowest first: a module may import its own layer and the ones before it (the
#: app sits above them all, and graph/ never imports it).
LAYERS = [{"errors", "namespace"}, {"store"}, {"query"}, {"learn", "imports"}, {"view"},
          {"serve"}, {"cli"}]


def _modules(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """What a module imports when it is imported (not inside functions: those are deferred on
    purpose, to keep start-up light or to break a cycle)."""
    found: set[str] = set()
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("folder", ["graph", "app", "bench"])
def test_no_module_is_over_500_lines(folder):
    long = {str(p.relative_to(ROOT)): n for p in _modules(folder)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES}
    assert not long, long


def test_every_page_is_under_150_lines():
    long = {p.name: n for p in _modules("app/app_pages")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= PAGE_LINES}
    assert not long, long


def test_graph_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in _modules("graph")
                 if "streamlit" in p.read_text(encoding="utf-8")
                 and any(n == "streamlit" or n.startswith("streamlit.")
                         for n in _imports_anywhere(p))]
    assert not offenders, offenders


def _imports_anywhere(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _import_graph(folder: str) -> nx.DiGraph:
    modules = {_name(p): p for p in _modules(folder)}
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        for target in _top_level_imports(path):
            while target and target not in modules:
                target = target.rpartition(".")[0]  # graph.store.files.X → graph.store.files
            if target and target != name and not name.startswith(target + "."):
                g.add_edge(name, target)
    return g


@pytest.mark.parametrize("folder", ["graph", "app"])
def test_no_import_cycles(folder):
    g = _import_graph(folder)
    cycles = list(nx.simple_cycles(g))
    assert not cycles, cycles[:5]


def test_each_layer_imports_only_the_layers_below():
    def layer(module: str) -> int:
        parts = module.split(".")
        sub = parts[1] if len(parts) > 1 else ""
        return next((i for i, names in enumerate(LAYERS) if sub in names), -1)
    wrong = [(a, b) for a, b in _import_graph("graph").edges
             if layer(a) >= 0 and layer(b) >= 0 and layer(b) > layer(a)]
    assert not wrong, wrong


def test_the_core_never_imports_the_app():
    offenders = [str(p.relative_to(ROOT)) for p in _modules("graph")
                 if any(n == "app" or n.startswith("app.") for n in _imports_anywhere(p))]
    assert not offenders, offenders
