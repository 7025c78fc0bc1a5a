"""The ``rdflib:`` backend: today's pure-Python engine, kept for comparison and for pure-Python use.

The data sits in an rdflib :class:`~rdflib.Dataset` whose default graph is the union of its graphs.
A user's query is judged by Oxigraph's parser first (so this backend accepts and refuses exactly
what the others do), then evaluated by rdflib in a worker process under the same limits. rdflib's
SPARQL engine has known wrong answers (it drops rows for ``VALUES … OPTIONAL``, returns strings for
``MAX`` over IRIs …): that is why Oxigraph is the default.

Examples
--------
>>> kg = RdflibStore.from_files()
>>> kg.label(entity("Hypocalcemia"))
'hypocalcemia'
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from graph.namespace import CM, PREFIXES, entity  # noqa: F401  (entity: doctest)
from graph.store.base import Payload, QueryRequest, Rows, Source, Store
from graph.store.engine import QUERY_BASE, consume, decode_payload, parse_check
from graph.store.files import ONTOLOGY, ONTOLOGY_GRAPH, FileLimits, check_file, data_files, parse_failure
from graph.store.parsing import read_quads
from graph.store.terms import from_ox
from graph.store.offline import forbid_network
from graph.store.terms import encode_rdflib
from graph.store.workers import WorkerPool

__all__ = ["RdflibStore", "PARSER_LOCK", "read_into"]

#: Held around every rdflib SPARQL parse in this process: rdflib's pyparsing grammar keeps state
#: while it parses, so two threads parsing at once (Streamlit runs each session in a thread)
#: garble each other's parse.
PARSER_LOCK = threading.Lock()

_DEFAULT = URIRef("urn:x-rdflib:default")


def read_into(ds: Dataset, path: Path, graph_name: URIRef | None = None, *,
              trusted: bool = False, limits: FileLimits | None = None) -> None:
    """Parse one file into ``ds`` (triple formats into ``graph_name``, else the default graph).

    The file is checked and parsed as for the Oxigraph backend (:func:`graph.store.files
    .check_file`; untrusted files in a bounded child process, :mod:`graph.store.parsing`), by
    Oxigraph's parser: both backends accept and refuse the same files, and rdflib's own parsers,
    which read JSON-LD contexts from the disk and the network, never see a user's file. The
    statements are added only once the whole file has parsed.
    """
    checked = check_file(path, limits)
    fmt = checked.fmt
    try:
        if trusted:
            quads = list(ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt.oxigraph),
                                  base_iri=checked.base_iri, rename_blank_nodes=True))
        else:
            quads = list(read_quads(checked, limits))
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
        raise parse_failure(path, fmt, exc) from None
    default = ds.graph(graph_name) if graph_name is not None else ds.default_graph
    graphs: dict = {}
    for q in quads:
        name = q.graph_name
        if isinstance(name, ox.DefaultGraph):
            target = default
        else:
            target = graphs.get(name)
            if target is None:
                target = graphs[name] = ds.graph(from_ox(name))
        target.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))


_DESCRIBE_STAR = re.compile(r"\bDESCRIBE\s+\*", re.I)


def _describe_star(request: QueryRequest) -> QueryRequest | None:
    """``DESCRIBE *`` as ``DESCRIBE ?a ?b …`` (rdflib's algebra fails on the star: "'NoneType'
    object is not iterable"); the variables in scope are the ones Oxigraph gives ``SELECT *``
    over the same pattern. None when that cannot be worked out (or nothing is in scope)."""
    m = _DESCRIBE_STAR.search(request.text)
    if m is None:
        return None
    as_select = replace(request, text=request.text[:m.start()] + "SELECT *" +
                        request.text[m.end():], kind="SELECT", check_only=True)
    names = parse_check(as_select).variables if not parse_check(as_select).error else []
    if not names:
        return None
    listed = "DESCRIBE " + " ".join(f"?{v}" for v in names)
    return replace(request, text=request.text[:m.start()] + listed + request.text[m.end():])


def _run_on_rdflib(dataset: Dataset, request: QueryRequest) -> Payload:
    checked = parse_check(request)
    if checked.error or request.check_only:
        return checked
    forbid_network()
    if request.kind == "DESCRIBE":
        request = _describe_star(request) or request
    try:
        with PARSER_LOCK:
            from rdflib.plugins.sparql import prepareQuery
            query = prepareQuery(request.text, initNs=PREFIXES if request.declare_prefixes else {},
                                 base=QUERY_BASE)
        result = dataset.query(query)
        if request.kind == "ASK":
            return consume("ASK", result.askAnswer, request.limits)
        if request.kind == "SELECT":
            names = [str(v) for v in result.vars]
            rows = ([row[i] for i in range(len(names))] for row in result)
            return consume("SELECT", rows, request.limits, encode=encode_rdflib, variables=names)
        return consume(request.kind, iter(result.graph), request.limits, encode=encode_rdflib)
    except RecursionError:
        return Payload(error=("failed", "the query is nested too deeply to run", None, None))
    except MemoryError:
        raise  # the worker reports the memory cap
    except Exception as exc:  # rdflib's evaluation raises many unrelated types
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return Payload(error=("failed", f"rdflib could not run it: {reason}", None, None))


class RdflibStore(Store):
    """A Causemap dataset in an rdflib Dataset (``default_union=True``)."""

    scheme = "rdflib"

    def __init__(self, dataset: Dataset, descriptor: str = "rdflib:",
                 sources: Iterable[Source] = (), *, workers: int | None = None,
                 memory_mb: int | None = None):
        super().__init__(descriptor, list(sources))
        self.dataset = dataset
        self.pool = WorkerPool(lambda ctx, req: _run_on_rdflib(ctx, req), init=lambda: dataset,
                               size=workers, memory_mb=memory_mb)

    @classmethod
    def from_files(cls, paths: Iterable[str | Path] | None = None, **options) -> "RdflibStore":
        """Load RDF files (the bundled data when ``paths`` is None) into a new Dataset."""
        forbid_network()
        files = data_files(paths)
        ds = Dataset(default_union=True)
        read_into(ds, ONTOLOGY, ONTOLOGY_GRAPH, trusted=True)
        for path in files:
            read_into(ds, path, trusted=paths is None)
        ds.bind("cm", PREFIXES["cm"], override=True)
        kind = "bundled" if paths is None else "file"
        sources = [Source("file", str(ONTOLOGY))] + [Source(kind, str(p)) for p in files]
        return cls(ds, "rdflib:", sources, **options)

    def close(self) -> None:
        self.pool.close()

    def triples(self, s=None, p=None, o=None) -> Iterator[tuple]:
        return self.dataset.triples((s, p, o))

    def quads(self, s=None, p=None, o=None) -> Iterator[tuple]:
        for qs, qp, qo, g in self.dataset.quads((s, p, o, None)):
            name = getattr(g, "identifier", g)
            yield qs, qp, qo, (None if name == _DEFAULT else name)

    def select(self, text: str, bindings: Mapping | None = None) -> Rows:
        if bindings:
            raise TypeError("write values into trusted queries with graph.store.terms.to_nt")
        with PARSER_LOCK:
            from rdflib.plugins.sparql import prepareQuery
            query = prepareQuery(text, initNs=PREFIXES, base=QUERY_BASE)
        result = self.dataset.query(query)
        width = len(result.vars)
        return Rows((tuple(row[i] for i in range(width)) for row in result),
                    [str(v) for v in result.vars])

    def execute(self, request: QueryRequest) -> Payload:
        return decode_payload(self.pool.run(request, request.limits.timeout))

    def __len__(self) -> int:
        return len(self.dataset)

    def to_dataset(self) -> Dataset:
        return self.dataset
