"""What every ``causemap`` command shares: the typer app, the global options, errors and output.

The commands live in :mod:`graph.cli.commands` and :mod:`graph.cli.learn` and register themselves
on :data:`app` when :mod:`graph.cli` imports them; they import this module, never each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from graph.errors import CausemapError

__all__ = ["app", "state", "BadInput", "fail", "write_output",
           "EXIT_OK", "EXIT_CHECK_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERNAL"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="causemap",
    help="Explore a knowledge graph of conditions, causes, mechanisms, symptoms and treatments. "
         "For learning, not for diagnosis.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class _State:
    """The global options of one invocation; opened stores are cached by (store, files)."""

    data: list[Path] | None = None
    store: str | None = None
    _loaded: dict = {}

    def descriptor(self) -> str:
        """The store descriptor in force: ``--store``, else ``CAUSEMAP_STORE``, else the default."""
        import os

        from graph.store import DEFAULT_STORE, STORE_ENV
        return self.store or os.environ.get(STORE_ENV, "").strip() or DEFAULT_STORE

    def kg(self):
        files = tuple(str(p) for p in self.data) if self.data else None
        key = (self.descriptor(), files)
        if key not in self._loaded:
            from graph.store import open_store
            self._loaded[key] = open_store(key[0], self.data)
        return self._loaded[key]


state = _State()


class BadInput(CausemapError):
    """A command-line value that is wrong in a way only the CLI can see."""


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    typer.echo(f"causemap: error: {message}", err=True)
    raise typer.Exit(code)


def write_output(text: str, output: Optional[Path]) -> None:
    """Write to ``output`` (refusing to write into a missing folder) or to stdout."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    if not output.parent.exists():
        raise BadInput(f"cannot write {output}: folder {output.parent} does not exist")
    if output.is_dir():
        raise BadInput(f"cannot write {output}: it is a folder")
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


@app.callback()
def _global(
    store: Optional[str] = typer.Option(
        None, "--store", "-s", metavar="DESCRIPTOR",
        help="Where the graph lives: oxigraph: (in memory, the default), oxigraph:PATH (an "
             "on-disk store from `causemap load`), rdflib: (pure Python) or sparql:URL (a SPARQL "
             "1.1 server). Also read from CAUSEMAP_STORE."),
    data: Optional[List[Path]] = typer.Option(
        None, "--data", "-d", metavar="FILE",
        help="Work on these RDF files instead of the bundled data (repeat for several files)."),
) -> None:
    state.data = list(data) if data else None
    state.store = store.strip() if store else None
    if state.store is not None:
        from graph.store import parse_descriptor
        parse_descriptor(state.store)  # a typo fails here, before any command runs


#: A store larger than this on disk builds its search index in a process of its own (a small one
#: indexes its names in less time than a process takes to start).
_SEARCH_PROCESS_BYTES = 20 * 1024 * 1024

_SEARCH_INDEX = """
import sys
from graph.learn.search import save_index
from graph.store.oxigraph_store import OxigraphStore
kg = OxigraphStore.open(sys.argv[1], workers=1)
save_index(kg, sys.argv[1])
kg.close()
"""


def _search_index_process(path):
    """A fresh interpreter (a :class:`subprocess.Popen`) that builds and saves the search index
    of the store at ``path``.

    The index is Python work (normalising and indexing every name), which threads would run under
    the GIL one at a time with the phenotype index's; a process of its own runs it beside them
    (7.3 s → 6.6 s for the whole preparation of the full HPO graph). A plain subprocess, not
    ``multiprocessing``, whose spawn re-runs the caller's ``__main__`` (a Streamlit page, in tests).
    """
    import os
    import subprocess
    import sys

    import graph
    root = str(Path(graph.__file__).resolve().parents[1])
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    return subprocess.Popen([sys.executable, "-c", _SEARCH_INDEX, str(path)], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def prepare_store(path) -> int:
    """Compute, once, what a store just made at ``path`` needs at every start — its search index,
    its whole-store facts (counts, the best-connected entities, the quiz's pools) and, for a store
    with HPO annotations, the phenotype index of the differential — and keep them in its folder,
    so that no later command or app start computes them again. Returns the number of triples.

    The steps are independent and run side by side: on two threads, since Oxigraph evaluates
    queries without the GIL (the degree ranking, the counts, the phenotype index's bulk reads),
    and, for a large store, the search index (Python work) in a process of its own. On the full
    HPO graph: 13.2 s one after the other, 6.6 s on this machine's two cores.
    """
    from concurrent.futures import ThreadPoolExecutor

    from graph.learn.phenotype_index import has_phenotype_annotations, save_phenotype_index
    from graph.learn.quiz_hpo import prepare as prepare_quiz
    from graph.learn.search import save_index
    from graph.learn.stats import entity_count, instance_counts, relation_counts
    from graph.store.oxigraph_store import OxigraphStore
    from graph.view.clusters import organ_systems
    from graph.view.network import hubs_by_degree

    kg = OxigraphStore.open(path, workers=1)

    def phenotypes() -> None:
        if has_phenotype_annotations(kg):
            save_phenotype_index(kg, path)
        prepare_quiz(kg)  # its diseases come from the phenotype index

    steps = [phenotypes,  # the longest first: 6 s on the full HPO graph
             lambda: hubs_by_degree(kg, 1),
             lambda: (len(kg), entity_count(kg), instance_counts(kg), relation_counts(kg)),
             lambda: organ_systems(kg)]
    on_disk = sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())
    search = _search_index_process(path) if on_disk > _SEARCH_PROCESS_BYTES else None
    try:
        if search is None:
            steps.append(lambda: save_index(kg, path))
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="prepare") as pool:
            for future in [pool.submit(step) for step in steps]:
                future.result()
        if search is not None and search.wait() != 0:  # it failed: build it here after all
            save_index(kg, path)
        kg.save_facts()
        return len(kg)
    finally:
        if search is not None and search.poll() is None:
            search.kill()
            search.wait()
        kg.close()
