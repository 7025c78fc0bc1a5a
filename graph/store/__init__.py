"""Open the knowledge graph: the bundled dataset, or RDF files a user names.

A :class:`KnowledgeGraph` wraps an rdflib :class:`~rdflib.Dataset` whose default graph is the union
of all named graphs, so a plain triple pattern sees every relation while ``GRAPH ?claim { … }``
still tells where a relation came from (one named graph per curated claim, see ``data/``). The
ontology is always loaded beside the data, in its own named graph, so that queries and sentences
can read the labels and inverse readings of the relations.

The store is read-only by convention: the app shares one instance between all users, and the
guarded query path (:mod:`graph.query`) never runs updates.

Examples
--------
>>> kg = load()
>>> len(kg) > 500
True
>>> kg.label(entity("Hypocalcemia"))
'hypocalcemia'
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.util import guess_format

from graph.errors import DataLoadError
from graph.namespace import CM, curie, entity  # noqa: F401  (entity is used by the doctest)
from graph.store.offline import forbid_network

__all__ = ["ROOT", "ONTOLOGY", "SHAPES", "DATA_DIR", "ONTOLOGY_GRAPH", "KnowledgeGraph", "load",
           "bundled_files"]

ROOT = Path(__file__).resolve().parent.parent.parent
ONTOLOGY = ROOT / "ontology" / "causemap.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
DATA_DIR = ROOT / "data"
ONTOLOGY_GRAPH = URIRef("https://w3id.org/causemap/ontology")

# Formats a user may load; JSON-LD is parsed with network access forbidden (remote @context fails).
_FORMATS = {
    "turtle": "Turtle", "trig": "TriG", "nt": "N-Triples", "nquads": "N-Quads",
    "xml": "RDF/XML", "n3": "N3", "json-ld": "JSON-LD",
}
_QUAD_FORMATS = {"trig", "nquads"}


def bundled_files() -> list[Path]:
    """The curated data files shipped in ``data/``, sorted by name."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix in {".trig", ".ttl"})


class KnowledgeGraph:
    """A loaded Causemap graph: the dataset plus cached read helpers.

    Parameters
    ----------
    dataset : rdflib.Dataset
        A dataset with ``default_union=True``.
    sources : sequence of Path
        The files it was read from, for messages and the app's "data" panel.
    """

    def __init__(self, dataset: Dataset, sources: Sequence[Path] = ()):
        self.dataset = dataset
        self.sources = list(sources)

    def __len__(self) -> int:
        return len(self.union)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self)} triples from {len(self.sources)} file(s)>"

    @functools.cached_property
    def union(self) -> Graph:
        """Every triple of every graph, flattened into one plain :class:`rdflib.Graph`.

        Used where named graphs do not matter (SHACL, networkx, counting). Cached: the store is
        never mutated after loading.
        """
        g = Graph()
        for prefix, ns in self.dataset.namespaces():
            g.bind(prefix, ns, override=False)
        for s, p, o, _ in self.dataset.quads((None, None, None, None)):
            g.add((s, p, o))
        return g

    @functools.cached_property
    def _labels(self) -> dict[URIRef, str]:
        labels: dict[URIRef, str] = {}
        for s, o in self.union.subject_objects(RDFS.label):
            if isinstance(s, URIRef) and isinstance(o, Literal):
                # Prefer English, then untagged, then anything.
                rank = {"en": 0, None: 1}.get(o.language, 2)
                if s not in labels or rank < labels[s][1]:
                    labels[s] = (str(o), rank)
        return {s: text for s, (text, _) in labels.items()}

    def label(self, node) -> str:
        """The node's ``rdfs:label``, else its CURIE or IRI; literals come back as their text."""
        if isinstance(node, Literal):
            return str(node)
        return self._labels.get(node) or curie(str(node))

    @functools.cached_property
    def entity_classes(self) -> frozenset[URIRef]:
        """The ontology's subclasses of ``cm:Entity`` (the classes of curated concepts)."""
        return frozenset(c for c in self.union.subjects(RDFS.subClassOf, CM.Entity)
                         if isinstance(c, URIRef))

    def entities(self) -> list[URIRef]:
        """Every curated entity (an instance of a subclass of ``cm:Entity``), sorted by label."""
        found = {s for c in self.entity_classes for s in self.union.subjects(RDF.type, c)
                 if isinstance(s, URIRef)}
        return sorted(found, key=lambda s: self.label(s).lower())

    def class_of(self, node: URIRef) -> URIRef | None:
        """The node's Causemap entity class, or ``None`` when it is not a curated entity."""
        for c in self.union.objects(node, RDF.type):
            if c in self.entity_classes:
                return c
        return None

    def synonyms(self, node: URIRef) -> list[str]:
        """The node's ``skos:altLabel`` values, sorted."""
        return sorted(str(o) for o in self.union.objects(node, SKOS.altLabel))


def _read_into(ds: Dataset, path: Path, graph_name: URIRef | None = None) -> None:
    fmt = guess_format(str(path)) or ("turtle" if path.suffix == ".ttl" else None)
    if fmt == "jsonld":
        fmt = "json-ld"
    if fmt not in _FORMATS:
        raise DataLoadError(
            f"{path}: unknown RDF format (use one of: .ttl, .trig, .nt, .nq, .rdf/.xml, .n3, .jsonld)")
    try:
        if fmt in _QUAD_FORMATS:
            ds.parse(path, format=fmt)
        else:
            target = ds.graph(graph_name) if graph_name is not None else ds.default_graph
            target.parse(path, format=fmt)
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataLoadError(f"{path}: is a folder, not an RDF file") from None
    except PermissionError:
        raise DataLoadError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise DataLoadError(f"{path}: not a text file in UTF-8") from None
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise DataLoadError(f"{path}: not valid {_FORMATS[fmt]}: {reason}") from None


def load(paths: Iterable[str | Path] | None = None) -> KnowledgeGraph:
    """Load RDF files, or the bundled dataset when ``paths`` is ``None``, beside the ontology.

    Parameters
    ----------
    paths : iterable of str or Path, optional
        RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, N3 or JSON-LD, chosen by extension).
        Triple formats go to the default graph; TriG and N-Quads keep their named graphs.

    Returns
    -------
    KnowledgeGraph

    Raises
    ------
    DataLoadError
        When a file is missing, of an unknown format, or does not parse; the message names the file.

    Examples
    --------
    >>> load(["/no/such/file.ttl"])
    Traceback (most recent call last):
    ...
    graph.errors.DataLoadError: /no/such/file.ttl: no such file
    """
    forbid_network()
    files = bundled_files() if paths is None else [Path(p) for p in paths]
    if paths is not None and not files:
        raise DataLoadError("no data files given")
    ds = Dataset(default_union=True)
    _read_into(ds, ONTOLOGY, ONTOLOGY_GRAPH)
    for path in files:
        if path.resolve() == ONTOLOGY:
            continue
        if not path.exists():
            raise DataLoadError(f"{path}: no such file")
        _read_into(ds, path)
    for prefix, ns in (("cm", CM._NS),):
        ds.bind(prefix, ns, override=True)
    return KnowledgeGraph(ds, [ONTOLOGY, *files])
