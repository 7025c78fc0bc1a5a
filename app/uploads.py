"""Bring your own graph: RDF files a user uploads, loaded into a store of that session's own.

The upload page (``app/app_pages/upload.py``) hands :func:`load_upload` the files' names and bytes.
Each file is refused before any parser sees it when there are too many, when one is empty or over
the size cap, or when its extension names no RDF format (the extension decides the format). The
bytes are written to a private temporary folder (mode 0700) under names of our own
(``upload-1.ttl``: never the user's name as a path), loaded through the same public loader as
``--data`` (:meth:`OxigraphStore.from_files`, with its file checks and parse limits) into a *new*
in-memory Oxigraph store, the folder is removed, and the store is refused if it holds more than the
triple cap. What is left is validated against the project's SHACL shapes and SPARQL checks
(:func:`graph.validate.validate`, as ``causemap validate`` reports), when it is small enough for
that to take seconds.

Messages name the file by the name the user gave it (cleaned of control characters), never the
server's temporary path, and never quote the file's content: a parser's message that repeats a
run of the file's own text is cut to the file and the format.

The limits are environment variables (:data:`SETTINGS`); the page shows them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Sequence

from graph.errors import CausemapError, DataLoadError
from graph.store import Store
from graph.store.files import FORMATS, rdf_format
from graph.store.limits import env_whole_number

__all__ = ["UploadLimits", "Upload", "UploadBusy", "load_upload", "display_name", "SETTINGS",
           "ACCEPTED_EXTENSIONS", "live_uploads"]

#: name → (environment variable, default, lowest, highest, what it bounds)
SETTINGS = {
    "max_mb": ("CAUSEMAP_UPLOAD_MB", 20, 1, 1024, "MB per upload (all its files together)"),
    "max_triples": ("CAUSEMAP_UPLOAD_TRIPLES", 200_000, 1_000, 10_000_000,
                    "triples per upload, the ontology included"),
    "max_files": ("CAUSEMAP_UPLOAD_FILES", 10, 1, 100, "files per upload"),
    "validate_triples": ("CAUSEMAP_UPLOAD_VALIDATE_TRIPLES", 30_000, 0, 10_000_000,
                         "triples up to which an upload is validated in the app"),
    "max_live": ("CAUSEMAP_MAX_UPLOADS", 40, 1, 10_000,
                 "uploaded graphs open at once on this server (one per session at most)"),
}

#: The extensions the uploader offers (without the dot), one or more per format.
ACCEPTED_EXTENSIONS = ["ttl", "trig", "nt", "nq", "rdf", "owl", "xml", "jsonld", "json"]
_FORMAT_NAMES = ", ".join(f.title for f in FORMATS.values() if f.name != "n3")

#: At most this many uploads are parsed at once in one process (parsing is CPU-bound).
_PARSING = threading.BoundedSemaphore(2)
#: Uploaded stores alive now (a store leaves when its session forgets it, or is closed).
_LIVE: "weakref.WeakSet[Store]" = weakref.WeakSet()


class UploadBusy(CausemapError):
    """The server is parsing other uploads, or holds as many as it may: try again later."""


@dataclass(frozen=True)
class UploadLimits:
    """The bounds on one upload (see :data:`SETTINGS`)."""

    max_bytes: int
    max_triples: int
    max_files: int
    validate_triples: int
    max_live: int

    @classmethod
    def current(cls) -> "UploadLimits":
        """The limits in force: the environment variables, else the defaults.

        A variable that is not a whole number in its range is refused with a one-line
        :class:`DataLoadError` naming it.
        """
        values = {}
        for key, (env, default, low, high, _) in SETTINGS.items():
            values[key] = env_whole_number(env, default, low, high)
        mb = values.pop("max_mb")
        return cls(max_bytes=mb * 1024 * 1024, **values)

    def describe(self) -> str:
        """The limits in one sentence, for the page."""
        return (f"up to {self.max_files} files and {_size(self.max_bytes)} together, "
                f"at most {self.max_triples:,} triples; graphs of up to "
                f"{self.validate_triples:,} triples are checked against the shapes here")


@dataclass
class Upload:
    """A loaded upload: its store (this session's only), its files' names, and the checks' report.

    ``report`` is ``None`` when the graph was too big to validate here (see ``validated``).
    """

    store: Store
    name: str
    files: list[str]
    triples: int
    report: object | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def validated(self) -> bool:
        return self.report is not None


_NOT_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _size(n: int) -> str:
    """``n`` bytes in words: ``"3.5 MB"``, ``"12 KB"``."""
    return f"{n / 2 ** 20:,.1f} MB" if n >= 2 ** 20 else f"{max(1, round(n / 1024))} KB"


def display_name(raw: str, limit: int = 80) -> str:
    """A file name as the user gave it, fit for a message: its last path part, without control
    or invisible characters, at most ``limit`` characters (the extension kept).

    >>> display_name("../../etc/passwd\\x00.ttl")
    'passwd .ttl'
    >>> display_name("")
    'unnamed file'
    """
    name = _NOT_NAME.sub(" ", PurePath(str(raw).replace("\\", "/")).name).strip()
    if len(name) > limit:
        suffix = PurePath(name).suffix[:12]
        name = name[:limit - len(suffix) - 1] + "…" + suffix
    return name or "unnamed file"


def live_uploads() -> int:
    """Uploaded graphs open now in this process."""
    return len(_LIVE)


_POSITION = re.compile(r"\(?\bline \d+(?:,? (?:between )?columns? \d+(?: and \d+)?)?\)?")


def _echoes(message: str, data: bytes, run: int = 5) -> bool:
    """Whether ``message`` repeats a piece of the file: a run of ``run`` characters, not all
    letters and spaces (so that ordinary words do not count), found in the file's text.

    >>> _echoes("The prefix root: has not been declared", b"root:x:0:0:root")
    True
    >>> _echoes("a prefix is used that was never declared (line 1, column 1)", b"ex:a ex:b")
    False
    """
    text = data.decode("utf-8", "replace")
    words = _POSITION.sub(" ", re.sub(r"\s+", " ", message))
    return any(not re.fullmatch(r"[^\W\d_ ]*[ ]?[^\W\d_ ]*", piece) and piece in text
               for piece in (words[i:i + run] for i in range(0, max(len(words) - run + 1, 0))))


def _refusal(exc: CausemapError, folder: Path,
             safe: dict[str, tuple[str, bytes, str]]) -> DataLoadError:
    """The loader's message with our temporary paths replaced by the user's names, cut to the
    file and the problem if it quotes the file (a parser repeating the text it stumbled on)."""
    message = " ".join(str(exc).split())
    for path, (shown, data, title) in safe.items():
        if path not in message:
            continue
        if _echoes(message.split(path, 1)[1], data):
            return DataLoadError(f"{shown}: not valid {title}")
        message = message.replace(path, shown).replace(Path(path).name, shown)
    # Nothing may still name the server's folders.
    return DataLoadError(message.replace(str(folder) + os.sep, "").replace(str(folder), "")[:300])


def load_upload(files: Sequence[tuple[str, bytes]], limits: UploadLimits | None = None,
                *, validate: bool = True) -> Upload:
    """Load uploaded files (``(name, content)`` pairs) into a new in-memory store.

    Raises
    ------
    DataLoadError
        One line naming the file and the problem: too many files, an empty file, over the size
        cap, an unknown extension, not valid RDF, or more triples than the cap.
    UploadBusy
        Two uploads are being parsed already, or the server holds its limit of uploads.
    """
    import time

    from graph.store.oxigraph_store import OxigraphStore

    limits = limits or UploadLimits.current()
    if not files:
        raise DataLoadError("no file uploaded")
    if len(files) > limits.max_files:
        raise DataLoadError(f"{len(files)} files: at most {limits.max_files} per upload")
    total = sum(len(data) for _, data in files)
    if total > limits.max_bytes:
        raise DataLoadError(f"the upload is {_size(total)}, more than its {_size(limits.max_bytes)} "
                            "limit (CAUSEMAP_UPLOAD_MB)")
    checked = []
    for raw_name, data in files:
        shown = display_name(raw_name)
        suffix = PurePath(shown).suffix.lower()
        try:
            fmt = rdf_format(Path("upload" + suffix))
        except DataLoadError:
            raise DataLoadError(f"{shown}: unknown RDF format from its extension (use one of: "
                                ".ttl, .trig, .nt, .nq, .rdf/.owl/.xml, .jsonld/.json)") from None
        if fmt.name == "n3":
            raise DataLoadError(f"{shown}: N3 is not one of the formats an upload takes "
                                f"({_FORMAT_NAMES})")
        if not data.strip():
            raise DataLoadError(f"{shown}: the file is empty")
        checked.append((shown, data, fmt, suffix))
    if len(_LIVE) >= limits.max_live:
        raise UploadBusy(f"this server holds {len(_LIVE)} uploaded graphs, its limit "
                         f"(CAUSEMAP_MAX_UPLOADS); try again later")
    if not _PARSING.acquire(timeout=10):
        raise UploadBusy("the server is loading other uploads; try again in a moment")
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="causemap-upload-"))  # mode 0700: this process only
    try:
        paths, safe = [], {}
        for i, (shown, data, fmt, suffix) in enumerate(checked, 1):
            path = folder / f"upload-{i}{suffix}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
            with open(fd, "wb", closefd=True) as out:
                out.write(data)
            paths.append(path)
            safe[str(path)] = (shown, data, fmt.title)
        try:
            store = OxigraphStore.from_files(paths, workers=1)
        except CausemapError as exc:
            raise _refusal(exc, folder, safe) from None
        except (MemoryError, RecursionError):
            raise DataLoadError("the upload could not be loaded: it needs more memory than "
                                "an upload may take") from None
    finally:
        _PARSING.release()
        shutil.rmtree(folder, ignore_errors=True)
    from graph.store.base import Source

    store.sources = [store.sources[0]] + [Source("file", shown) for shown, *_ in checked]
    triples = len(store)
    if triples > limits.max_triples:
        store.close()
        raise DataLoadError(f"the upload holds {triples:,} triples, more than the "
                            f"{limits.max_triples:,} an upload may have (CAUSEMAP_UPLOAD_TRIPLES)")
    name = checked[0][0] + (f" and {len(checked) - 1} more" if len(checked) > 1 else "")
    upload = Upload(store, name, [shown for shown, *_ in checked], triples)
    _LIVE.add(store)
    if validate and triples <= limits.validate_triples:
        from graph.validate import validate as run_validation
        upload.report = run_validation(store)
    upload.seconds = time.perf_counter() - started
    return upload
