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
    """The global options of one invocation; loaded graphs are cached by their file list."""

    data: list[Path] | None = None
    _loaded: dict = {}

    def kg(self):
        key = tuple(str(p) for p in self.data) if self.data else None
        if key not in self._loaded:
            from graph.store import load
            self._loaded[key] = load(self.data)
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
    data: Optional[List[Path]] = typer.Option(
        None, "--data", "-d", metavar="FILE",
        help="Work on these RDF files instead of the bundled data (repeat for several files)."),
) -> None:
    state.data = list(data) if data else None


