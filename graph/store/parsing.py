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

The bundled data and the ontology are ours and are parsed in-process, without a child. So is an
untrusted N-Triples or N-Quads file without quoted triples (:func:`flat_lines`): those two
formats are one statement per line with nothing that nests, so Oxigraph's parser reads them in
linear time and constant stack, and the child would only add a second parse (461 MB of N-Quads:
10.3 s through the child, 6.4 s in-process). The file is read through the descriptor opened after
the check (``/proc/self/fd/N``), so it still cannot be swapped.
"""

from __future__ import annotations

import json
import mmap
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

__all__ = ["untrusted_quads", "ChildStream", "flat_lines", "checked_path"]

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


#: The formats that are one flat statement per line (no collections, no nesting) unless a quoted
#: triple (``<<``, RDF-star and RDF 1.2) appears.
_LINE_FORMATS = {"nt", "nquads"}


def flat_lines(checked: CheckedFile) -> bool:
    """Whether the file is N-Triples or N-Quads with no ``<<`` anywhere: safe to parse in-process.

    Quoted triples are the only construct of those formats that nests (and a parser recurses
    into), so a file without the two characters that open one cannot nest. Scanning is a memory
    search, about 0.3 s for 461 MB. A ``<<`` inside a literal also sends the file to the child
    parser: slower, never less safe.

    Examples
    --------
    >>> import tempfile
    >>> from graph.store.files import check_file
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.nt").write_text("<urn:a> <urn:b> <urn:c> .\\n")
    >>> _ = (folder / "b.nt").write_text("<< <urn:a> <urn:b> <urn:c> >> <urn:b> <urn:c> .\\n")
    >>> _ = (folder / "c.ttl").write_text("<urn:a> <urn:b> <urn:c> .\\n")
    >>> [flat_lines(check_file(folder / n)) for n in ("a.nt", "b.nt", "c.ttl")]
    [True, False, False]
    """
    if checked.fmt is None or checked.fmt.name not in _LINE_FORMATS:
        return False
    if checked.size == 0:
        return True
    fd = open_checked(checked)
    try:
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as content:
            return content.find(b"<<") < 0
    except (OSError, ValueError):
        return False  # cannot map it (an odd file system): the child parser reads it
    finally:
        os.close(fd)


@contextmanager
def checked_path(checked: CheckedFile) -> Iterator[str]:
    """A path that names the very file :func:`check_file` checked (its open descriptor, on Linux).

    Passing a path lets Oxigraph read the file itself, without the GIL; ``/proc/self/fd/N`` keeps
    the guarantee that the file read is the one checked, even if its name is swapped meanwhile.
    """
    fd = open_checked(checked)
    try:
        proc = f"/proc/self/fd/{fd}"
        yield proc if os.path.exists(proc) else str(checked.real)
    finally:
        os.close(fd)


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
