"""The Oxigraph backends: ``oxigraph:`` (in memory, the default) and ``oxigraph:PATH`` (on disk).

In memory, the bundled data or the ``--data`` files are parsed by Oxigraph (about 5× faster than
rdflib, in a fraction of the memory) and the query workers share them copy-on-write. On disk, a
store built by ``causemap load`` (or ``causemap import-hpo``) is opened read-only in about a second
whatever its size, and each worker opens its own read-only handle (an open RocksDB database must not
cross a fork). Causemap's own lookups run in-process through Oxigraph's indexes; users' queries run
in the workers (:mod:`graph.store.workers`) under the time limit and memory cap.

Examples
--------
>>> kg = OxigraphStore.from_files()
>>> kg.label(entity("Hypocalcemia"))
'hypocalcemia'
>>> sorted(kg.label(o) for o in kg.objects(entity("DiGeorgeSyndrome"), CM.actsThrough))
['hypocalcemia']
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import DataLoadError
from graph.namespace import CM, PREFIXES, entity  # noqa: F401  (CM, entity: doctests)
from graph.store.base import Payload, QueryRequest, Rows, Source, Store
from graph.store.engine import QUERY_BASE, decode_payload, run_on_oxigraph
from graph.store.files import (ONTOLOGY, ONTOLOGY_GRAPH, FileLimits, check_file, data_files,
                               parse_failure)
from graph.store.parsing import checked_path, flat_lines, parse_failure_of, untrusted_quads
from graph.store.terms import from_ox, to_ox
from graph.store.workers import WorkerPool

__all__ = ["OxigraphStore", "load_file", "FACTS"]

#: The file beside an on-disk store that keeps its whole-store aggregates (:meth:`Store.fact`).
FACTS = "store-facts.json"


def load_file(store: ox.Store, path: Path, *, graph=None, bulk: bool = False,
              trusted: bool = False, limits: FileLimits | None = None) -> None:
    """Parse one RDF file into ``store`` (triple formats into ``graph``, default graph if None).

    Every file is checked first (:func:`~graph.store.files.check_file`: a regular file within the
    size cap). An untrusted one — any file but the bundled data and the ontology — is parsed in a
    child process under the parse time limit and a memory cap (:mod:`graph.store.parsing`),
    unless it is flat N-Triples or N-Quads (:func:`~graph.store.parsing.flat_lines`), which
    Oxigraph reads in-process in linear time; a load is transactional, so a refused file leaves
    the store as it was.
    """
    checked = check_file(path, limits)
    fmt = checked.fmt
    kind = getattr(ox.RdfFormat, fmt.oxigraph)
    target = None if fmt.quads else (to_ox(graph) if graph is not None else ox.DefaultGraph())
    put = store.bulk_load if bulk else store.load
    if trusted or flat_lines(checked):
        # Oxigraph reads the file itself; a user's through the descriptor opened at the check.
        with nullcontext(str(path)) if trusted else checked_path(checked) as source:
            try:
                put(path=source, format=kind, base_iri=checked.base_iri, to_graph=target)
            except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
                raise parse_failure(path, fmt, exc) from None
        return
    # The child writes N-Quads; a triple format's statements are all in the default graph, so
    # they are read as N-Triples lines, which puts them in ``target``.
    stream_format = ox.RdfFormat.N_QUADS if fmt.quads else ox.RdfFormat.N_TRIPLES
    with untrusted_quads(checked, limits) as stream:
        try:
            put(input=stream, format=stream_format, to_graph=target)
        except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
            raise parse_failure_of(checked, exc) from None


def _worker_store(path: str | None, store: ox.Store | None):
    """What a worker queries: the inherited in-memory store, or its own read-only handle."""
    def init():
        return store if path is None else ox.Store.read_only(path)
    return init


class OxigraphStore(Store):
    """A Causemap dataset in Oxigraph, in memory or opened read-only from disk.

    Use :meth:`from_files` or :meth:`open`; both load the ontology beside the data.
    """

    scheme = "oxigraph"

    def __init__(self, store: ox.Store, descriptor: str, sources: Iterable[Source] = (), *,
                 path: str | None = None, workers: int | None = None,
                 memory_mb: int | None = None):
        super().__init__(descriptor, list(sources))
        self._store = store
        self.path = path
        #: Whether the store's folder carries Causemap's marker (:meth:`open` says).
        self.marked = False
        self._count: int | None = None
        if path is not None:
            try:
                self._facts.update(json.loads((Path(path) / FACTS).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass  # none saved yet: computed on first use
        self.pool = WorkerPool(lambda ctx, req: run_on_oxigraph(ctx, req),
                               init=_worker_store(path, store if path is None else None),
                               size=workers, memory_mb=memory_mb)

    @classmethod
    def from_files(cls, paths: Iterable[str | Path] | None = None, **options) -> "OxigraphStore":
        """Load RDF files (the bundled data when ``paths`` is None) into a new in-memory store."""
        files = data_files(paths)
        store = ox.Store()
        load_file(store, ONTOLOGY, graph=ONTOLOGY_GRAPH, trusted=True)
        for path in files:
            load_file(store, path, trusted=paths is None)
        kind = "bundled" if paths is None else "file"
        sources = [Source("file", str(ONTOLOGY))] + [Source(kind, str(p)) for p in files]
        return cls(store, "oxigraph:", sources, **options)

    @classmethod
    def from_dataset(cls, dataset, **options) -> "OxigraphStore":
        """Copy an rdflib Dataset or Graph (its named graphs kept) into a new in-memory store.

        No ontology is added: the dataset is taken as it is.
        """
        store = ox.Store()
        default = URIRef("urn:x-rdflib:default")
        if hasattr(dataset, "quads"):
            quads = ((s, p, o, getattr(g, "identifier", g)) for s, p, o, g in dataset.quads())
        else:
            quads = ((s, p, o, None) for s, p, o in dataset)
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o),
                             ox.DefaultGraph() if g in (None, default) else to_ox(g))
                     for s, p, o, g in quads)
        return cls(store, "oxigraph:", [Source("file", "(an rdflib dataset)")], **options)

    @classmethod
    def open(cls, path: str | Path, **options) -> "OxigraphStore":
        """Open an on-disk store read-only (made by ``causemap load`` or ``causemap import-hpo``)."""
        folder = Path(path)
        if not folder.is_dir():
            raise DataLoadError(f"{folder}: no Oxigraph store there (make one with "
                                f"`causemap load {folder} --data FILE…`)")
        from graph.store.disk import read_marker
        marker = read_marker(folder)
        try:
            store = ox.Store.read_only(str(folder))
        except OSError as exc:
            reason = " ".join(str(exc).split())[:160]
            raise DataLoadError(f"{folder}: not an Oxigraph store that can be opened ({reason})") \
                from None
        sources = [Source("store", str(folder))]
        for source in (marker or {}).get("sources", []):
            sources.append(Source("file" if "file" in source else "release",
                                  str(source.get("file") or source.get("name"))))
        kg = cls(store, f"oxigraph:{folder}", sources, path=str(folder), **options)
        kg.marked = marker is not None
        return kg

    def close(self) -> None:
        self.pool.close()

    def save_facts(self) -> None:
        if self.path is not None:
            # Whole or not at all: another process may be reading it, or writing it too.
            target = Path(self.path) / FACTS
            partial = target.with_name(f".{FACTS}.{os.getpid()}.{threading.get_ident()}")
            with self._lock:
                text = json.dumps(self._facts, sort_keys=True)
            try:
                partial.write_text(text, encoding="utf-8")
                os.replace(partial, target)
            except OSError:
                partial.unlink(missing_ok=True)
                raise

    def fact(self, name: str, compute):
        """As :meth:`Store.fact`; an on-disk store Causemap made that lacked the fact (one built by
        an older Causemap) also writes it into its folder, once, so that later starts read it —
        where the folder can be written, else it is computed once per process, as before. A
        folder without Causemap's marker (someone's own Oxigraph database) is never written."""
        new = self.marked and name not in self._facts
        value = super().fact(name, compute)
        if new:
            try:
                self.save_facts()
            except OSError:
                pass  # a read-only folder: kept in memory only
        return value

    # -- primitives ----------------------------------------------------------------------------

    def _pattern(self, s, p, o):
        """The pattern as Oxigraph terms; None when a term cannot be in any graph (an IRI that is
        not one, such as ``<>`` from a link: Oxigraph refuses to build it, so nothing matches)."""
        try:
            return to_ox(s), to_ox(p), to_ox(o)
        except (ValueError, TypeError):
            return None

    def triples(self, s=None, p=None, o=None) -> Iterator[tuple]:
        seen = set()
        pattern = self._pattern(s, p, o)
        if pattern is None:
            return
        for q in self._store.quads_for_pattern(*pattern, None):
            triple = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            if triple not in seen:
                seen.add(triple)
                yield triple

    def quads(self, s=None, p=None, o=None) -> Iterator[tuple]:
        pattern = self._pattern(s, p, o)
        if pattern is None:
            return
        for q in self._store.quads_for_pattern(*pattern, None):
            yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object),
                   from_ox(q.graph_name))

    def select(self, text: str, bindings: Mapping | None = None) -> Rows:
        if bindings:
            raise TypeError("write values into trusted queries with graph.store.terms.to_nt")
        result = self._store.query(text, prefixes=PREFIXES, base_iri=QUERY_BASE,
                                   use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        # A solution iterates its values in the order of the variables (None when unbound).
        return Rows((tuple(map(from_ox, sol)) for sol in result), names)

    def select_text(self, text: str) -> list[tuple]:
        result = self._store.query(text, prefixes=PREFIXES, base_iri=QUERY_BASE,
                                   use_default_graph_as_union=True)
        # In variable order, as in select: twice as fast as looking each value up by its name.
        return [tuple([None if t is None else t.value for t in sol]) for sol in result]

    def execute(self, request: QueryRequest) -> Payload:
        payload = self.pool.run(request, request.limits.timeout)
        return decode_payload(payload)

    def __len__(self) -> int:
        if self._count is None:  # Oxigraph counts by scanning: once per store
            self._count = self.fact("triples", lambda: len(self._store))
        return self._count

    def dump(self, fmt: str = "trig") -> bytes:
        """Every quad, serialised by Oxigraph (TriG, N-Quads; N-Triples and Turtle: the union)."""
        kind = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                "nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}[fmt]
        if kind in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            return self._store.dump(format=kind, prefixes=PREFIXES if kind is ox.RdfFormat.TRIG
                                    else None)
        triples = ox.Store()
        triples.extend(ox.Quad(q.subject, q.predicate, q.object) for q in self._store)
        return triples.dump(format=kind, from_graph=ox.DefaultGraph(),
                            prefixes=PREFIXES if kind is ox.RdfFormat.TURTLE else None)

