"""Find entities by what a student types: labels and synonyms, forgiving about case and typos.

"parkinsons", "als", "low calcium" and "digorge" all land where a student expects: names are
compared after :func:`normalise` (case, accents, apostrophes and punctuation folded), and a name
scores by exact match, then prefix, then a word inside it, then a fuzzy match that forgives small
typos (:func:`score`).

The names of every entity are read once per store, with one query, into a :class:`SearchIndex`.
A search then never scans every name: candidates come from the index — exact names, names that
start with the text (a sorted list and bisection), names with a word that starts with each word of
the text (a sorted vocabulary), and for typos the names sharing the most letter trigrams — and only
those few hundred are scored. A small store (up to :data:`SCAN_LIMIT` names) is simply scanned,
which gives the same ranking. A keystroke on the 40,000-entity HPO graph costs milliseconds.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> [m.label for m in search(kg, "hypocalc")][:1]
['hypocalcemia']
>>> [m.label for m in search(kg, "tourette")]
['Tourette syndrome']
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
import threading
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from graph.store import Store
from graph.store.terms import to_nt

__all__ = ["Match", "SearchIndex", "search", "normalise", "score", "index_of", "build_index",
           "save_index", "INDEX_FILE", "SCAN_LIMIT"]

#: Stores with at most this many names are scanned whole (the index is for big ones).
SCAN_LIMIT = 5000
#: Names scored per search at most (the best candidates from the index).
_CANDIDATES = 400


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and punctuation so that near-identical names compare equal.

    >>> normalise("Parkinson's  Disease")
    'parkinsons disease'
    >>> normalise("Upper-lip twitching")
    'upper lip twitching'
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9.]+", " ", text).split())


@dataclass(frozen=True)
class Match:
    """One search hit: the entity, its label and class, the name that matched and a 0–1 score."""

    iri: URIRef
    label: str
    cls_label: str
    matched: str
    score: float


def score(query: str, name: str) -> float:
    """How well a normalised ``name`` matches a normalised ``query``, from 0 to 1.

    >>> round(score("hypocalc", "hypocalcemia"), 2), round(score("hypocalcmia", "hypocalcemia"), 2)
    (0.83, 0.77)
    """
    if query == name:
        return 1.0
    if name.startswith(query):
        return 0.9 - 0.2 * (1 - len(query) / len(name))
    if f" {query}" in f" {name}":
        return 0.75 - 0.2 * (1 - len(query) / len(name))
    ratio = difflib.SequenceMatcher(None, query, name).ratio()
    # Compare with the best-aligned word window too, so a typo in one word of a long name counts.
    words = name.split()
    n = max(1, len(query.split()))
    windows = (" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1)))
    best_window = max(difflib.SequenceMatcher(None, query, w).ratio() for w in windows)
    return max(ratio, best_window - 0.05) * 0.8


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class SearchIndex:
    """Every entity name of a store, normalised, with the indexes that find candidates fast.

    Attributes
    ----------
    names : list of str
        Normalised names; ``entries[i]`` lists ``(entity, original name, is_label)`` for
        ``names[i]``.
    """

    def __init__(self, rows):
        by_name: dict[str, list] = {}
        for ent, name, is_label in rows:
            key = normalise(name)
            if key:
                by_name.setdefault(key, []).append((ent, name, is_label))
        self.names = sorted(by_name)
        self.entries = [sorted(set(by_name[n]), key=lambda e: (not e[2], str(e[0]), e[1]))
                        for n in self.names]
        self.exact = {n: i for i, n in enumerate(self.names)}
        self._words: dict[str, list[int]] = {}
        self._grams: dict[str, list[int]] = {}
        self._vocabulary: list[str] = []
        self._built = threading.Lock()

    def _build(self) -> None:
        """The word and trigram postings: built on the first fuzzy search of a big store only
        (resolving an exact name, as ``causemap show`` does, needs none of it)."""
        with self._built:
            if self._grams or len(self.names) <= SCAN_LIMIT:
                return
            words: dict[str, list[int]] = {}
            grams: dict[str, list[int]] = {}
            for i, n in enumerate(self.names):
                for w in set(n.split()):
                    words.setdefault(w, []).append(i)
                for g in _trigrams(n):
                    grams.setdefault(g, []).append(i)
            self._words, self._vocabulary, self._grams = words, sorted(words), grams

    def __len__(self) -> int:
        return len(self.names)

    def to_json(self) -> str:
        """The whole index (postings built) as JSON: saved beside an on-disk store."""
        self._build()
        return json.dumps({"version": 1, "names": self.names,
                           "entries": [[[str(e), n, int(lab)] for e, n, lab in es]
                                       for es in self.entries],
                           "words": self._words, "grams": self._grams}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "SearchIndex":
        """Read back :meth:`to_json` (plain data: no code runs on loading it)."""
        doc = json.loads(text)
        if doc.get("version") != 1:
            raise ValueError("unknown search index version")
        index = cls(())
        index.names = doc["names"]
        index.entries = [[(URIRef(e), n, bool(lab)) for e, n, lab in es] for es in doc["entries"]]
        index.exact = {n: i for i, n in enumerate(index.names)}
        index._words, index._grams = doc["words"], doc["grams"]
        index._vocabulary = sorted(index._words)
        return index

    def _prefixed(self, sorted_list: list[str], prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(sorted_list, prefix)
        out = []
        for item in sorted_list[start:start + limit]:
            if not item.startswith(prefix):
                break
            out.append(item)
        return out

    def candidates(self, query: str) -> list[int]:
        """Indexes of the names worth scoring for ``query`` (all of them on a small store)."""
        if len(self.names) <= SCAN_LIMIT:
            return list(range(len(self.names)))
        self._build()
        found: dict[int, None] = {}
        if query in self.exact:
            found[self.exact[query]] = None
        for name in self._prefixed(self.names, query, _CANDIDATES):
            found[self.exact[name]] = None
        words = query.split()
        if words:
            # Names holding every word of the query (the last one may be cut short).
            sets = []
            for i, w in enumerate(words):
                if i == len(words) - 1:
                    ids = set()
                    for word in self._prefixed(self._vocabulary, w, 200):
                        ids.update(self._words[word])
                else:
                    ids = set(self._words.get(w, ()))
                sets.append(ids)
            common = set.intersection(*sets) if sets else set()
            for i in sorted(common, key=lambda i: len(self.names[i]))[:_CANDIDATES]:
                found[i] = None
        overlap: Counter = Counter()
        for g in _trigrams(query):
            postings = self._grams.get(g, ())
            if len(postings) < len(self.names) // 4:  # a trigram in a quarter of all names says little
                overlap.update(postings)
        for i, _ in overlap.most_common(_CANDIDATES):
            found[i] = None
        return list(found)


_indexes: "weakref.WeakKeyDictionary[Store, SearchIndex]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


#: The file beside an on-disk store that holds its prebuilt search index.
INDEX_FILE = "search-index.json"


def build_index(kg: Store) -> SearchIndex:
    """Read every entity name of ``kg`` (three simple queries) into a new index."""
    classes = " ".join(to_nt(c) for c in sorted(kg.entity_classes, key=str))
    entities = {e for (e,) in kg.select_text(
        f"SELECT DISTINCT ?e WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c FILTER(isIRI(?e)) }}")}
    rows = []
    for prop, is_label in ((RDFS.label, True), (SKOS.altLabel, False)):
        for e, name in kg.select_text(
                f"SELECT ?e ?n WHERE {{ ?e {to_nt(prop)} ?n FILTER(isLiteral(?n)) }}"):
            if e in entities:
                rows.append((URIRef(e), name, is_label))
    return SearchIndex(rows)


def save_index(kg: Store, folder) -> None:
    """Build ``kg``'s index and save it in ``folder`` (an on-disk store's own folder)."""
    from pathlib import Path
    (Path(folder) / INDEX_FILE).write_text(build_index(kg).to_json(), encoding="utf-8")


def _saved(kg: Store) -> SearchIndex | None:
    from pathlib import Path
    folder = getattr(kg, "path", None)
    if not folder:
        return None
    try:
        return SearchIndex.from_json((Path(folder) / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none saved, or unreadable: build it


def index_of(kg: Store) -> SearchIndex:
    """The store's search index: saved with an on-disk store, else built on first use (and
    cached with the store)."""
    with _lock:
        if kg not in _indexes:
            _indexes[kg] = _saved(kg) or build_index(kg)
        return _indexes[kg]


def search(kg: Store, text: str, *, limit: int = 10, classes=None,
           min_score: float = 0.62) -> list[Match]:
    """Rank entities whose label or synonym matches ``text``, best first, one hit per entity.

    Parameters
    ----------
    kg : Store
    text : str
        What the student typed.
    limit : int
        At most this many hits.
    classes : collection of URIRef, optional
        Keep only entities of these classes.
    min_score : float
        Drop hits scoring below this (0–1).

    Examples
    --------
    >>> from graph.store import load
    >>> search(load(), "   ")
    []
    """
    query = normalise(text)
    if not query:
        return []
    index = index_of(kg)
    best: dict[URIRef, Match] = {}
    for i in index.candidates(query):
        s = score(query, index.names[i])
        if s < min_score:
            continue
        for ent, original, is_label in index.entries[i]:
            if classes is not None and kg.class_of(ent) not in classes:
                continue
            here = s + (0.01 if is_label else 0.0)  # a label beats an equal synonym
            if ent not in best or here > best[ent].score:
                cls = kg.class_of(ent)
                best[ent] = Match(ent, kg.label(ent), kg.label(cls) if cls else "", original,
                                  round(min(here, 1.0), 3))
    # Among equal scores the shorter name is the closer match ("DiGeorge syndrome" before
    # "22q11 deletion syndrome (… DiGeorge syndrome)").
    return sorted(best.values(), key=lambda m: (-m.score, len(m.matched), m.label.lower()))[:limit]
