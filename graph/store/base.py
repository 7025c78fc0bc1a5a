"""The store interface every feature reads through, and the lookups built on it.

A :class:`Store` is a read-only view of one Causemap dataset: its default graph is the union of all
its graphs (so a plain triple pattern sees every relation) while ``GRAPH ?claim { … }`` still tells
where a relation came from. A backend supplies four primitives — triple and quad patterns over the
union, a trusted SPARQL SELECT for Causemap's own bounded queries, and :meth:`Store.execute`, the
bounded run of a user's query (time limit, memory cap, caps on rows and bytes) — and inherits the
rest: labels, classes, synonyms, an entity's relations, degrees, the entity list, counts. Every
lookup reads only what it returns; the few things that need the whole graph (the entity list, the
search index, centralities) are computed once per store, cached and bounded.

Backends (picked by a descriptor, see :mod:`graph.store.descriptor`): Oxigraph in memory or on
disk, rdflib in memory, and any SPARQL 1.1 server. One compliance suite
(``tests/test_store_compliance.py``) asserts they give the same answers.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.namespace import CM, PREFIXES, RELATIONS, curie

__all__ = ["Store", "Source", "QueryRequest", "Payload", "Limits", "DEFAULT_LIMITS", "Rows",
           "WHOLE_GRAPH_LIMIT"]

#: Stores up to this many triples may be copied whole into rdflib (SHACL validation, exports).
WHOLE_GRAPH_LIMIT = 500_000
#: Stores up to this many triples count as small (see :attr:`Store.is_small`).
SMALL_STORE = 100_000


class Rows(list):
    """Rows of a SELECT, with the projection's variable names in ``variables``."""

    def __init__(self, rows=(), variables=()):
        super().__init__(rows)
        self.variables = list(variables)

    def dicts(self) -> list[dict]:
        """Each row as ``{variable: term}`` (unbound variables left out)."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self]

_RELATION_SET = frozenset(RELATIONS)


@dataclass(frozen=True)
class Source:
    """Where (part of) the data came from: ``kind`` is 'file', 'bundled', 'store' or 'endpoint'."""

    kind: str
    location: str

    def __str__(self) -> str:
        return self.location


@dataclass(frozen=True)
class Limits:
    """The bounds of one user query. Every one of them is shown to the user when it bites.

    An attribute not given is the setting in force (:mod:`graph.store.limits`).

    Attributes
    ----------
    timeout : float
        Seconds for parsing, checking and evaluation together.
    max_rows, max_triples : int
        SELECT rows / CONSTRUCT and DESCRIBE triples kept; more are reported as truncation.
    max_cell_bytes : int
        Longest value in one result cell (UTF-8 bytes); a longer one stops the query.
    max_result_bytes : int
        Largest whole result (UTF-8 bytes of all its values).
    memory_mb : int
        Memory a query may take beyond the loaded data, in MiB.
    """

    timeout: float = field(default_factory=lambda: _setting("query_seconds"))
    max_rows: int = field(default_factory=lambda: _setting("max_rows"))
    max_triples: int = field(default_factory=lambda: _setting("max_triples"))
    max_cell_bytes: int = field(default_factory=lambda: _setting("max_cell_bytes"))
    max_result_bytes: int = field(default_factory=lambda: _setting("max_result_bytes"))
    memory_mb: int = field(default_factory=lambda: _setting("query_memory_mb"))


def _setting(key: str):
    # Each default is read from graph.store.limits when a Limits is made: the environment of the
    # moment (CAUSEMAP_MAX_CELL_BYTES …) applies to the next query.
    from graph.store.limits import setting
    return setting(key)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class QueryRequest:
    """A user's query, screened by the guard, as the backend runs it.

    ``declare_prefixes`` declares the project prefixes (:data:`graph.namespace.PREFIXES`);
    ``check_only`` asks for a parse and no evaluation.
    """

    text: str
    kind: str
    declare_prefixes: bool = True
    limits: Limits = DEFAULT_LIMITS
    check_only: bool = False


@dataclass
class Payload:
    """What a backend's bounded run returns: rows or a boolean or triples, already capped.

    ``error`` is ``(kind, message, line, column)`` when the engine refused or failed the query;
    kinds are 'syntax', 'memory', 'size', 'busy', 'timeout' and 'failed'.
    """

    kind: str = ""
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple] = field(default_factory=list)
    truncated: bool = False
    error: tuple | None = None


def _prefer_english(values: Iterable) -> str | None:
    best, rank = None, 3
    for value in values:
        if not isinstance(value, Literal):
            continue
        r = {"en": 0, None: 1}.get(value.language, 2)
        if r < rank or (r == rank and best is not None and str(value) < best):
            best, rank = str(value), r
    return best


class Store(ABC):
    """A read-only Causemap dataset behind one small interface (see the module docstring).

    Subclasses implement :meth:`triples`, :meth:`quads`, :meth:`select`, :meth:`execute` and
    :meth:`__len__`; everything else is derived and cached per store (the data never changes).
    """

    #: The descriptor scheme of the backend ("oxigraph", "rdflib", "sparql").
    scheme = ""

    def __init__(self, descriptor: str, sources: Sequence[Source] = ()):
        self.descriptor = descriptor
        self.sources = list(sources)
        self._lock = threading.Lock()
        self._entities: list[URIRef] | None = None
        self._facts: dict = {}
        # Per-store caches: bounded, and dropped with the store.
        self.label = functools.lru_cache(maxsize=200_000)(self._label)
        self.class_of = functools.lru_cache(maxsize=200_000)(self._class_of)
        self.edges = functools.lru_cache(maxsize=20_000)(self._edges)
        self._memo: OrderedDict = OrderedDict()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.descriptor}>"

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other) -> bool:
        return self is other

    # -- primitives ---------------------------------------------------------------------------

    @abstractmethod
    def triples(self, s=None, p=None, o=None) -> Iterator[tuple]:
        """Triples of the union graph matching the pattern (``None`` is a wildcard), each once."""

    @abstractmethod
    def quads(self, s=None, p=None, o=None) -> Iterator[tuple]:
        """``(s, p, o, graph)`` for each named graph holding the triple (``None``: the default)."""

    @abstractmethod
    def select(self, text: str, bindings: Mapping[str, object] | None = None) -> Rows:
        """Run one of Causemap's own SELECT queries (trusted, bounded by design) and return rows.

        The project prefixes are declared; rows hold rdflib terms (``None`` when unbound) in the
        order of the projection. User queries never come here: they go through
        :func:`graph.query.run_query`, which calls :meth:`execute`.
        """

    def select_text(self, text: str) -> list[tuple]:
        """Like :meth:`select`, with each term as its plain string (IRI or lexical form).

        For whole-store indexes built once (search): no rdflib term is made per value.
        """
        return [tuple(None if t is None else str(t) for t in row) for row in self.select(text)]

    @abstractmethod
    def execute(self, request: QueryRequest) -> Payload:
        """Run a screened user query within ``request.limits`` (a worker, or a remote server)."""

    @abstractmethod
    def __len__(self) -> int:
        """Triples in the union graph."""

    def close(self) -> None:
        """Release worker processes and handles; the store is unusable afterwards."""

    def fact(self, name: str, compute):
        """A whole-store aggregate (counts, the best-connected entities …), computed once.

        ``compute()`` must return JSON-able data. The value is kept for the life of the store; an
        on-disk store also keeps it in its folder (:meth:`save_facts`), so that it is computed
        once per store build, not once per process.
        """
        with self._lock:
            if name in self._facts:
                return self._facts[name]
        value = compute()
        with self._lock:
            self._facts.setdefault(name, value)
            return self._facts[name]

    #: Results :meth:`memo` keeps per store (each is bounded by what a page shows).
    MEMO_SIZE = 64

    def memo(self, key, compute):
        """A page's result (a drawn view, the paths between two entities) kept for its reruns.

        Every click on a page reruns its script, and a view of a hub's neighbourhood on the HPO
        graph takes a second or two to compute; the data never changes, so the same question has
        the same answer. ``key`` must be hashable and say everything the result depends on; the
        :data:`MEMO_SIZE` most recently used results are kept, shared by every session (callers
        must not change what they get). Two sessions asking at once may both compute it.
        """
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            self._memo.move_to_end(key)
            while len(self._memo) > self.MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def save_facts(self) -> None:
        """Keep the facts computed so far beside the data (on-disk stores; others: nothing)."""

    @property
    def is_small(self) -> bool:
        """A store of at most :data:`SMALL_STORE` triples: per-node Python walks are cheap there;
        bigger stores batch their reads into a few queries (:mod:`graph.learn.projection`)."""
        return len(self) <= SMALL_STORE

    def to_graph(self):
        """The union as one flat rdflib Graph (a copy; small stores only, as :meth:`to_dataset`)."""
        from rdflib import Graph

        from graph.errors import InvalidRequest
        if len(self) > WHOLE_GRAPH_LIMIT:
            raise InvalidRequest(f"the store holds {len(self):,} triples; whole-graph copies are "
                                 f"limited to {WHOLE_GRAPH_LIMIT:,} (query it instead)")
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
        for triple in self.triples():
            g.add(triple)
        return g

    def to_dataset(self):
        """A copy of every quad as an rdflib Dataset (default graph = union), for small stores.

        For SHACL validation and RDF exports of a whole graph; a store of more than
        :data:`WHOLE_GRAPH_LIMIT` triples refuses with :class:`~graph.errors.InvalidRequest`.
        """
        from rdflib import Dataset

        from graph.errors import InvalidRequest
        if len(self) > WHOLE_GRAPH_LIMIT:
            raise InvalidRequest(f"the store holds {len(self):,} triples; whole-graph copies are "
                                 f"limited to {WHOLE_GRAPH_LIMIT:,} (query it instead)")
        ds = Dataset(default_union=True)
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, override=True)
        for s, p, o, g in self.quads():
            (ds.default_graph if g is None else ds.graph(g)).add((s, p, o))
        return ds

    # -- rdflib-Graph-like reads ------------------------------------------------------------------

    def objects(self, s=None, p=None) -> Iterator:
        return (o for _, _, o in self.triples(s, p, None))

    def subjects(self, p=None, o=None) -> Iterator:
        return (s for s, _, _ in self.triples(None, p, o))

    def predicate_objects(self, s) -> Iterator[tuple]:
        return ((p, o) for _, p, o in self.triples(s, None, None))

    def subject_predicates(self, o) -> Iterator[tuple]:
        return ((s, p) for s, p, _ in self.triples(None, None, o))

    def subject_objects(self, p) -> Iterator[tuple]:
        """Every (s, o) of one predicate: whole-graph for common predicates; use on small stores."""
        return ((s, o) for s, _, o in self.triples(None, p, None))

    def value(self, s, p, default=None):
        """One object of ``(s, p, ?)`` (the smallest, for a stable answer), else ``default``."""
        found = sorted(self.objects(s, p), key=str)
        return found[0] if found else default

    def __contains__(self, triple) -> bool:
        return next(iter(self.triples(*triple)), None) is not None

    def namespaces(self) -> Iterator[tuple[str, str]]:
        return iter(PREFIXES.items())

    # -- entity lookups -----------------------------------------------------------------------

    def _label(self, node) -> str:
        if isinstance(node, Literal):
            return str(node)
        if node is None:
            return ""
        return _prefer_english(self.objects(node, RDFS.label)) or curie(str(node))

    def labels(self, nodes: Iterable) -> dict:
        """Labels of many nodes at once (backends may batch the lookup)."""
        return {n: self.label(n) for n in nodes}

    @functools.cached_property
    def entity_classes(self) -> frozenset[URIRef]:
        """The ontology's subclasses of ``cm:Entity`` (the classes of curated concepts)."""
        return frozenset(c for c in self.subjects(RDFS.subClassOf, CM.Entity)
                         if isinstance(c, URIRef))

    def _class_of(self, node) -> URIRef | None:
        if not isinstance(node, (URIRef, BNode)):
            return None
        found = sorted((c for c in self.objects(node, RDF.type) if c in self.entity_classes), key=str)
        return found[0] if found else None

    def synonyms(self, node) -> list[str]:
        """The node's ``skos:altLabel`` values, sorted."""
        return sorted(str(o) for o in self.objects(node, SKOS.altLabel))

    def definition(self, node) -> str:
        """The node's ``skos:definition`` (English preferred), or ''."""
        return _prefer_english(self.objects(node, SKOS.definition)) or ""

    def entities(self) -> list[URIRef]:
        """Every curated entity, sorted by label: computed once per store and cached.

        On a large store this is tens of thousands of IRIs; pages never send it to the browser
        (pickers search instead, :func:`graph.learn.entities.search`).
        """
        with self._lock:
            if self._entities is None:
                self._entities = self._sorted_entities()
            return self._entities

    def _sorted_entities(self) -> list[URIRef]:
        # Three plain queries, not a label lookup per entity: on the HPO graph (37,000
        # entities) this takes a fraction of a second instead of several.
        from graph.store.terms import to_nt
        classes = " ".join(to_nt(c) for c in sorted(self.entity_classes, key=str))
        found = {e for (e,) in self.select_text(
            f"SELECT DISTINCT ?e WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c FILTER(isIRI(?e)) }}")}
        ranked: dict[str, tuple] = {}
        for e, label, lang in self.select_text(
                f"SELECT ?e ?l (LANG(?l) AS ?lang) WHERE {{ ?e {to_nt(RDFS.label)} ?l }}"):
            if e in found:
                rank = (0 if lang == "en" else 1 if not lang else 2, label)
                if e not in ranked or rank < ranked[e]:
                    ranked[e] = rank
        key = {e: (ranked[e][1] if e in ranked else curie(e)).lower() for e in found}
        return [URIRef(e) for e in sorted(found, key=lambda e: (key[e], e))]

    def entities_of(self, classes: Iterable[URIRef]) -> list[URIRef]:
        """The entities of some classes, sorted by label."""
        wanted = set(classes)
        return [e for e in self.entities() if self.class_of(e) in wanted]

    def _edges(self, node) -> tuple[tuple, ...]:
        """The content relations (:data:`graph.namespace.RELATIONS`) into and out of ``node``."""
        out = [(node, p, o) for _, p, o in self.triples(node, None, None)
               if p in _RELATION_SET and isinstance(o, URIRef)]
        inc = [(s, p, node) for s, p, _ in self.triples(None, None, node)
               if p in _RELATION_SET and isinstance(s, URIRef)]
        return tuple(sorted(set(out + inc), key=lambda t: (str(t[1]), str(t[0]), str(t[2]))))

    def neighbours(self, node) -> list[URIRef]:
        """The entities one content relation away from ``node``, either direction."""
        seen = dict.fromkeys(o if s == node else s for s, _, o in self.edges(node))
        seen.pop(node, None)
        return [n for n in seen if self.class_of(n) is not None]

    def degree(self, node) -> int:
        """How many content relations touch ``node``."""
        return len(self.edges(node))
