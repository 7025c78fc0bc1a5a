"""The ``causemap`` command: a thin shell over the :mod:`graph` modules.

Every command parses its arguments, calls one or two library functions and prints what they return;
no logic lives here that Python users could not reach. Heavy imports (pandas, pyvis, streamlit) stay
inside the commands that need them, so ``causemap --help`` and a small query start fast.

Exit codes: 0 success; 1 a check failed (validation found problems, no path was found); 2 bad input
(unknown entity, unreadable file, malformed or refused query, time-out); 3 an internal error (a bug).
Errors are one line on stderr, prefixed ``causemap: error:``, never a traceback.
"""

from __future__ import annotations

import atexit
import os
import sys

import typer

from graph.cli import commands, imports, learn, serve  # noqa: F401  (each registers its commands)
from graph.cli.common import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_OK, app, state
from graph.errors import CausemapError

__all__ = ["app", "main", "run", "state", "EXIT_OK", "EXIT_CHECK_FAILED", "EXIT_BAD_INPUT"]


def main() -> None:
    """Console entry point: run the app, turning expected errors into one line and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except CausemapError as exc:
        from graph.errors import NoPathFound
        code = EXIT_CHECK_FAILED if isinstance(exc, NoPathFound) else EXIT_BAD_INPUT
        typer.echo(f"causemap: error: {exc}", err=True)
        sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("causemap: aborted", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except typer.exceptions.TyperException as exc:
        # Usage errors (unknown command or option, bad value): click's own short message.
        if hasattr(exc, "show"):
            exc.show()
        else:
            typer.echo(f"causemap: error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:  # a bug: still one line, never a traceback
        typer.echo(f"causemap: internal error (please report it): {type(exc).__name__}: {exc}",
                   err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def run() -> None:
    """The installed ``causemap`` script: :func:`main`, then an exit that skips the final teardown.

    Freeing a loaded graph object by object costs more than the query it served (1.2 s of a 8.2 s
    ``causemap --data`` run on the 2.3 M-triple HPO file), and the operating system reclaims it
    all at once anyway. So once the command has finished, the exit handlers run (the query
    workers are stopped, temporary files removed), output is flushed, and the process ends without
    tearing down the interpreter. In-process callers (the tests) use :func:`main`.
    """
    try:
        main()
        code = EXIT_OK
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (``causemap query … | head``): nothing more to say
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()

