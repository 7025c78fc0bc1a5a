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

import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import URIRef

from graph.errors import DataLoadError

__all__ = ["ROOT", "ONTOLOGY", "SHAPES", "CHECKS_DIR", "DATA_DIR", "ONTOLOGY_GRAPH", "RdfFormat",
           "FORMATS", "bundled_files", "data_files", "rdf_format", "parse_failure"]


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


def data_files(paths: Iterable[str | Path] | None) -> list[Path]:
    """The files to load: the bundled ones for ``None``, else the given paths, each checked.

    Raises
    ------
    DataLoadError
        No files, a missing file, a folder, or an unknown format; the message names the file.
    """
    if paths is None:
        return bundled_files()
    files = [Path(p) for p in paths]
    if not files:
        raise DataLoadError("no data files given")
    for path in files:
        if not path.exists():
            raise DataLoadError(f"{path}: no such file")
        if path.is_dir():
            raise DataLoadError(f"{path}: is a folder, not an RDF file")
        rdf_format(path)
    return [p for p in files if p.resolve() != ONTOLOGY]


def parse_failure(path: Path, fmt: RdfFormat, exc: BaseException) -> DataLoadError:
    """A one-line message for a file that does not parse: where, and the parser's reason.

    The reason is cut to one short line; parsers quote the offending text, so a message is never
    longer than the position and a few words of it.
    """
    if isinstance(exc, FileNotFoundError):
        return DataLoadError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return DataLoadError(f"{path}: is a folder, not an RDF file")
    if isinstance(exc, PermissionError):
        return DataLoadError(f"{path}: permission denied")
    if isinstance(exc, UnicodeDecodeError):
        return DataLoadError(f"{path}: not a text file in UTF-8")
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return DataLoadError(f"{path}: not valid {fmt.title}: {reason}")
