"""Parsing untrusted RDF files: in a child process, under a time limit and a memory cap.

Oxigraph's parsers are fast and correct, but some documents make them crash the process (a JSON-LD
document nested a few thousand levels deep overflows the stack), or run for minutes (RDF/XML nested
a hundred thousand elements deep is quadratic), and nothing stops a parser in-process. So a file a
user names (``--data``, ``CAUSEMAP_DATA``, ``causemap load``) is parsed by
:mod:`graph.store.parse_child`, a fresh interpreter that reads the descriptor we opened after
:func:`~graph.store.files.check_file`, caps its memory, and streams N-Quads back; the loader reads
that stream into its store while the child parses (the two run in parallel). The stream is
Oxigraph's own serialisation, so the parser in this process only ever sees well-formed N-Quads.
At the deadline (:meth:`FileLimits.seconds_for`) the child is killed and the load fails with a
one-line :class:`~graph.errors.DataLoadError`; a store load is transactional, so nothing half-read
remains.

The bundled data and the ontology are ours and are parsed in-process, without a child.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from graph.errors import DataLoadError
from graph.store.files import CheckedFile, FileLimits, check_content, open_checked, parse_failure
from graph.store.limits import how_to_change

__all__ = ["untrusted_quads", "ChildStream"]

_CHILD = Path(__file__).with_name("parse_child.py")
_READ = 1024 * 1024


class ChildStream:
    """The N-Quads a child parser writes, read as a binary file under a deadline.

    ``read`` raises :class:`DataLoadError` (with the final message) when the deadline passes or
    the child fails; Oxigraph passes the exception through, and its load is rolled back.
    """

    def __init__(self, proc: subprocess.Popen, checked: CheckedFile, deadline: float,
                 seconds: float, errors, memory_mb: int):
        self._proc, self._checked, self._deadline = proc, checked, deadline
        self._seconds, self._errors, self._memory_mb = seconds, errors, memory_mb
        self._fd = proc.stdout.fileno()
        self._buffer = bytearray()
        self._done = False

    def readable(self) -> bool:
        return True

    def _timed_out(self) -> DataLoadError:
        self._proc.kill()
        return DataLoadError(
            f"{self._checked.path}: parsing took longer than {self._seconds:.0f} s, the parse "
            f"time limit for a file of its size (set {how_to_change('parse_seconds')} to raise "
            "it)")

    def _failed(self) -> DataLoadError:
        fmt = self._checked.fmt
        self._errors.seek(0)
        report = None
        for line in self._errors.read(65536).decode("utf-8", "replace").splitlines():
            if line.startswith('{"error"'):
                try:
                    report = json.loads(line)
                except ValueError:
                    pass
        if report is not None and report.get("type") != "MemoryError":
            return parse_failure(self._checked.path, fmt, report["error"])
        if self._proc.returncode in (-signal.SIGSEGV, -signal.SIGBUS):
            return DataLoadError(f"{self._checked.path}: not valid {fmt.title}: the parser "
                                 "crashed on it (it is probably nested too deeply)")
        return DataLoadError(
            f"{self._checked.path}: parsing it needed more than {self._memory_mb} MB of memory, "
            f"the parse memory limit (set {how_to_change('parse_memory_mb')} to raise it)")

    def _fill(self) -> None:
        while not self._buffer and not self._done:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise self._timed_out()
            ready, _, _ = select.select([self._fd], [], [], left)
            if not ready:
                raise self._timed_out()
            data = os.read(self._fd, _READ)
            if data:
                self._buffer += data
                continue
            try:
                code = self._proc.wait(max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise self._timed_out() from None
            if code != 0:
                raise self._failed()
            self._done = True

    def read(self, size: int = -1) -> bytes:
        self._fill()
        if size is None or size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)


@contextmanager
def untrusted_quads(checked: CheckedFile, limits: FileLimits | None = None) -> Iterator[ChildStream]:
    """The statements of a checked file as an N-Quads stream from a bounded child parser.

    Triples come as quads in the default graph; read the stream with
    ``RdfFormat.N_QUADS`` (or ``N_TRIPLES`` for a triple format, to direct them to a graph).

    Raises
    ------
    DataLoadError
        The file's content is refused (:func:`~graph.store.files.check_content`), it does not
        parse, its parser needed too much memory or crashed, or it ran past the parse time limit.

    Examples
    --------
    >>> import tempfile
    >>> from graph.store.files import check_file
    >>> f = Path(tempfile.mkdtemp()) / "one.ttl"
    >>> _ = f.write_text("<urn:a> <urn:b> 'c' .")
    >>> with untrusted_quads(check_file(f)) as stream:
    ...     [str(q) for q in ox.parse(input=stream, format=ox.RdfFormat.N_QUADS)]
    ['<urn:a> <urn:b> "c"']
    """
    limits = limits or FileLimits.current()
    check_content(checked)
    seconds = limits.seconds_for(checked.size)
    deadline = time.monotonic() + seconds
    fd = open_checked(checked)
    errors = tempfile.TemporaryFile()
    spec = {"fd": fd, "format": checked.fmt.oxigraph, "base": checked.base_iri,
            "memory_mb": limits.parse_memory_mb}
    try:
        proc = subprocess.Popen([sys.executable, "-I", str(_CHILD), json.dumps(spec)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                                pass_fds=(fd,), close_fds=True)
    finally:
        os.close(fd)
    try:
        yield ChildStream(proc, checked, deadline, seconds, errors, limits.parse_memory_mb)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        errors.close()


def parse_failure_of(checked: CheckedFile, exc: BaseException) -> DataLoadError:
    """What a load that read a child's stream raised, as the one-line error to show."""
    if isinstance(exc, DataLoadError):
        return exc
    return parse_failure(checked.path, checked.fmt, exc)


def read_quads(checked: CheckedFile, limits: FileLimits | None = None) -> Iterator[ox.Quad]:
    """Every quad of an untrusted file (parsed in a child, see :func:`untrusted_quads`)."""
    with untrusted_quads(checked, limits) as stream:
        try:
            yield from ox.parse(input=stream, format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as exc:
            raise parse_failure_of(checked, exc) from None
