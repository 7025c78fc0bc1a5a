"""The output of the learning commands: one ``--format table|csv|json`` option, checked the same
way everywhere, and the printers behind it (:func:`emit`, :func:`print_table`).

``table``, the default, is the layout for reading; ``csv`` and ``json`` give the same records for
scripts (one CSV row per record; JSON, an object with the records under the command's name and
the context, such as the findings and the next finding, beside them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence

import typer

from graph.cli.common import BadInput

__all__ = ["FORMATS", "format_option", "check_format", "emit", "print_table"]

#: The output formats every learning command takes.
FORMATS = ("table", "csv", "json")


def format_option():
    """The ``--format`` option, the same on every learning command."""
    return typer.Option("table", "--format", metavar="table|csv|json",
                        help="table (for reading, the default), csv or json (records for scripts).")


def check_format(value: str) -> str:
    """The format, checked: a wrong one is bad input (one line, exit 2), before any work."""
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise BadInput(f"unknown format '{value}'; use one of {', '.join(FORMATS)}")
    return fmt


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def emit(fmt: str, rows: Sequence[dict], *, name: str, table: Callable[[], None],
         extra: dict | None = None, csv_rows: Sequence[dict] | None = None) -> None:
    """Print a command's result in ``fmt``.

    ``table`` prints the readable layout; CSV writes ``csv_rows`` (default ``rows``; lists become
    "a; b"), one header line and one line per record; JSON writes ``{**extra, name: rows}``.
    """
    if fmt == "table":
        table()
    elif fmt == "csv":
        rows = list(csv_rows if csv_rows is not None else rows)
        columns = list(dict.fromkeys(k for r in rows for k in r))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        typer.echo(buffer.getvalue(), nl=False)
    else:
        typer.echo(json.dumps({**(extra or {}), name: list(rows)}, indent=2, ensure_ascii=False))


def print_table(columns: Sequence[str], rows: Sequence[Sequence], *, right: Sequence[str] = (),
                widths: dict[str, int] | None = None) -> None:
    """Rows in aligned columns under a header; a cell longer than ``widths[column]`` is cut
    with "…" (the last column never is)."""
    widths = widths or {}
    text = [[_cell(v) for v in row] for row in rows]
    for row in text:
        for i, c in enumerate(columns[:-1]):
            limit = widths.get(c)
            if limit and len(row[i]) > limit:
                row[i] = row[i][:limit - 1] + "…"
    size = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(columns)]

    def line(cells):
        out = [cell.rjust(size[i]) if columns[i] in right else cell.ljust(size[i])
               for i, cell in enumerate(cells)]
        return "  ".join(out).rstrip()
    typer.echo(line(list(columns)))
    for row in text:
        typer.echo(line(row))
