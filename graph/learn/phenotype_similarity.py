"""Phenotype similarity over the HPO hierarchy: how well each disease explains a set of findings.

The score is Resnik's semantic similarity, combined "best match average" from the findings to the
disease's annotations, with each annotation weighted by how often the disease shows it. All of it
runs on the integer arrays of a :class:`~graph.learn.phenotype_index.PhenotypeIndex`: scoring the
12,679 diseases of the full HPO graph for five findings takes about 15 ms.

The method
----------
*Information content.* ``IC(t) = ln(N / n(t))``: ``N`` diseases, ``n(t)`` of them annotated with
``t`` or a descendant of ``t`` (:mod:`graph.learn.phenotype_index`). A term few diseases have says
much; "Phenotypic abnormality", which all have, says nothing (IC 0).

*Two terms.* ``sim(q, a) = IC(MICA(q, a))``, where the most informative common ancestor MICA is
the term of highest IC among the common ancestors of ``q`` and ``a``, each counted as its own
ancestor (Resnik 1995). So a finding that is a descendant of an annotated term (the student found
Tetralogy of Fallot, the disease is annotated with Conotruncal defect) scores the annotation's IC,
a finding that is an ancestor of one scores its own IC, and two unrelated terms score the IC of
whatever organ-system term they share, often little.

*Frequency.* An annotation counts with weight ``w(a) = min(1, 0.6 + f(a))``, ``f(a)`` its
frequency from 0 to 1 (``cm:frequencyValue``): a feature seen in at least 40 % of patients
(HPO's Obligate, Very frequent and Frequent bands) counts fully, an occasional one (17 %) 0.77,
a very rare one (2.5 %) 0.625. An annotation that gives no frequency (most OMIM lines) counts as
Frequent, 54.5 %, the middle of that band: OMIM's clinical synopses list a disorder's features
without frequencies, and discounting them would rank an OMIM entry below the Orphanet entry of
the same disorder for the form of its source. (The floor of 0.6 keeps a rare feature informative
without letting it count as much as a constant one; ``bench/bench_differential.py`` prints the
rank of the textbook disorder for five classic presentations — DiGeorge, Marfan, NF1, Down and
Noonan syndromes — each first to fourth of 12,679, and first or second among the OMIM entries.)
A feature the disease is annotated *not* to have (NOT, or a frequency of zero) is never support.

*One finding, one disease.* ``m(q, D) = max over the annotations a of D of sim(q, a) · w(a)`` —
the best-matching annotation — and ``m(q, D) = 0`` when ``D`` is annotated not to have ``q`` or
an ancestor of ``q`` (the absence of the general excludes the specific).

*The score.* ``S(Q, D) = (1/|Q|) · Σ_q m(q, D)``, the best-match average over the findings
``Q``; shown as a share of the most any disease could score, ``score = S(Q, D) / ((1/|Q|) ·
Σ_q IC(q))``, from 0 to 1 (1: every finding is annotated exactly, as an obligate feature). It is
asymmetric on purpose: a disease's many features that were not asked about do not count against
it (a student lists a few findings, not a whole phenotype), unlike the symmetric average of both
directions (pyhpo's ``combine="BMA"``), which favours diseases with few annotations.

A finding is *explained* by a disease when its best match is the finding itself, an ancestor or a
descendant of it; otherwise the match is only *related* (a shared organ-system term) or *none*.

Worked example
--------------
On the full HPO graph (release 2025-01-16, 12,679 diseases), for the findings hypocalcemia
(IC 4.80), cleft palate (2.70), hypoplasia of the thymus (6.23) and tetralogy of Fallot (4.37),
whose mean IC, the most any disease could score, is 4.52:

- ORPHA:567 (22q11.2 deletion syndrome) is annotated with all four, at 54.5 %, 89.5 %, 89.5 %
  and 89.5 % (weight 1 each): ``S = 4.52``, score 1.00, first.
- OMIM:214800 (CHARGE syndrome) has hypocalcemia and tetralogy of Fallot (no frequency: weight
  1), cleft palate at 33 % (weight 0.93: 2.52) and, for the thymus, only the more general
  Aplasia/Hypoplasia of the thymus (IC 5.71): ``S = 4.35``, score 0.96, second.
- OMIM:188400 (DiGeorge syndrome) has hypocalcemia, cleft palate and tetralogy of Fallot
  without frequencies, and for the thymus the more general Abnormal thymus morphology (IC
  5.21): ``S = (4.80 + 2.70 + 5.21 + 4.37) / 4 = 4.27``, score 0.94, third.

The figures are checked by ``tests/test_phenotype_similarity.py``.

The next finding
----------------
:func:`next_finding` picks, among the terms that the leading candidates are annotated with (and
their ancestors), the one whose answer — present or absent — is expected to tell most about which
leader it is: the largest expected information gain

``EIG(t) = H(L) − P(yes) · H(L | yes) − P(no) · H(L | no)``

in bits, over a uniform prior on the leaders ``L``, with ``P(t present | D)`` the frequency of
``D``'s annotation on ``t`` or a descendant (the highest; 54.5 % when unknown), 0 when ``D`` is
annotated not to have it, and 5 % when ``D`` is silent about it (annotations are incomplete: not
annotated is not absent). A term that every leader has, or none has, gains nothing; a term that
half of them have, frequently, gains close to one bit. Terms already chosen and their ancestors
(already known to be present) are not asked again.

References: Resnik P. (1995) IJCAI; Köhler S. et al. (2009) Am J Hum Genet 85:457 (the Phenomizer:
IC-based best-match scores of a query against each disease).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graph.learn.phenotype_index import PhenotypeIndex

__all__ = ["UNKNOWN_FREQUENCY", "FREQUENCY_FLOOR", "SILENT_PROBABILITY", "weights", "term_similarities",
           "Scores", "score_diseases", "BestMatch", "best_match", "Question", "next_finding"]

#: The frequency an annotation without one counts as (the middle of HPO's Frequent band).
UNKNOWN_FREQUENCY = 0.545
#: ``w(a) = min(1, FREQUENCY_FLOOR + f(a))``: the weight of a feature seen in no patient.
FREQUENCY_FLOOR = 0.6
#: P(finding present | disease) when the disease has no annotation on it or below it.
SILENT_PROBABILITY = 0.05


def weights(freq: np.ndarray) -> np.ndarray:
    """``w = min(1, 0.6 + f)`` per annotation; an unknown frequency (NaN) counts as 54.5 %.

    >>> weights(np.array([1.0, 0.17, 0.025, np.nan])).round(3).tolist()
    [1.0, 0.77, 0.625, 1.0]
    """
    f = np.where(np.isnan(freq), UNKNOWN_FREQUENCY, freq)
    return np.minimum(1.0, FREQUENCY_FLOOR + f)


def term_similarities(index: PhenotypeIndex, q: int) -> np.ndarray:
    """``sim(q, t) = IC(MICA(q, t))`` for every term ``t`` of the index, in one pass.

    Marks the IC of ``q``'s ancestors, then takes the maximum over each term's closure.
    """
    marked = np.zeros(len(index.terms), dtype=np.float64)
    anc = index.closure(q)
    marked[anc] = index.ic[anc]
    return np.maximum.reduceat(marked[index.anc_idx], index.anc_ptr[:-1])


def _contradicted(index: PhenotypeIndex, q: int) -> np.ndarray:
    """The diseases annotated not to have ``q`` or one of its ancestors (a boolean per disease)."""
    above = np.zeros(len(index.terms), dtype=bool)
    above[index.closure(q)] = True
    out = np.zeros(len(index), dtype=bool)
    out[index.neg_disease[above[index.neg_term]]] = True
    return out


@dataclass(frozen=True)
class Scores:
    """Every disease's score for a set of findings.

    ``per_finding[i, d]`` is ``m(q_i, D_d)``; ``raw`` is ``S`` (the mean over the findings);
    ``score`` is ``S`` over its maximum, 0–1; ``contradicted[i, d]`` marks a NOT annotation.
    """

    findings: tuple[int, ...]
    per_finding: np.ndarray
    contradicted: np.ndarray
    raw: np.ndarray
    score: np.ndarray
    cover: np.ndarray

    def ranking(self) -> np.ndarray:
        """Disease ids, best first: by score, then by cover, then in IRI order."""
        return np.lexsort((np.arange(len(self.raw)), -self.cover, -np.round(self.raw, 9)))


def score_diseases(index: PhenotypeIndex, findings: Sequence[int]) -> Scores:
    """``m(q, D)`` for every finding and disease, the combined score and the cover.

    Each finding costs two passes over arrays (the closure of every term, every annotation): a
    few milliseconds on the full HPO graph. The *cover* (the tie-break of the ranking) is the
    other direction of the best-match average: the frequency-weighted mean, over the disease's
    annotations, of their best similarity to a finding, so that among diseases that explain the
    findings equally well, the one whose own phenotype the findings account for best comes first.
    """
    findings = tuple(dict.fromkeys(findings))
    n_dis = len(index)
    per = np.zeros((len(findings), n_dis))
    contra = np.zeros((len(findings), n_dis), dtype=bool)
    if not findings or not len(index.ann_term):
        zeros = np.zeros(n_dis)
        return Scores(findings, per, contra, zeros, zeros, zeros)
    w = weights(index.ann_freq)
    starts = index.ann_ptr[:-1]
    back = np.zeros(len(index.ann_term))
    for i, q in enumerate(findings):
        sims = term_similarities(index, q)[index.ann_term]
        per[i] = np.maximum.reduceat(sims * w, starts)
        contra[i] = _contradicted(index, q)
        per[i][contra[i]] = 0.0
        np.maximum(back, sims, out=back)
    raw = per.mean(axis=0)
    best = float(np.mean(index.ic[list(findings)]))
    score = raw / best if best > 0 else np.zeros(n_dis)
    cover = np.add.reduceat(back * w, starts) / np.add.reduceat(w, starts)
    return Scores(findings, per, contra, raw, score, cover)


@dataclass(frozen=True)
class BestMatch:
    """The annotation of a disease that best matches a finding, and how.

    ``relation`` is ``"exact"`` (the annotation is the finding), ``"more specific"`` (the
    annotation is a descendant: the disease has a kind of the finding), ``"more general"`` (an
    ancestor: the finding is a kind of what is annotated), ``"related"`` (only a common ancestor
    ``ancestor`` above both), ``"none"`` (nothing in common but the root) or ``"contradicted"``
    (the disease is annotated not to have the finding or an ancestor of it; ``term`` is that
    negated term).
    """

    finding: int
    term: int | None
    ancestor: int | None
    relation: str
    similarity: float
    frequency: float | None
    weighted: float

    @property
    def explained(self) -> bool:
        return self.relation in ("exact", "more specific", "more general")


def best_match(index: PhenotypeIndex, disease: int, q: int) -> BestMatch:
    """How a disease's annotations match one finding (the argmax of ``m(q, D)``)."""
    negated = index.negations(disease)
    above = index.closure(q)
    hit = negated[np.isin(negated, above)]
    if len(hit):
        return BestMatch(q, int(hit[0]), None, "contradicted", 0.0, 0.0, 0.0)
    terms, freqs = index.annotations(disease)
    if not len(terms):
        return BestMatch(q, None, None, "none", 0.0, None, 0.0)
    ic_above = np.full(len(index.terms), -1.0)
    ic_above[above] = index.ic[above]
    best = None
    for t, f in zip(terms.tolist(), freqs.tolist()):
        anc = index.closure(t)
        k = int(np.argmax(ic_above[anc]))
        mica, sim = int(anc[k]), float(max(ic_above[anc[k]], 0.0))
        value = sim * min(1.0, FREQUENCY_FLOOR + (UNKNOWN_FREQUENCY if np.isnan(f) else f))
        # Ties (equal IC, common in a small store): the higher IC match, then the closer
        # relation (the finding itself, then an ancestor or descendant), then the lower term id.
        closeness = 2 if t == q else 1 if mica in (q, t) else 0
        key = (round(value, 9), round(sim, 9), closeness, -t)
        if best is None or key > best[0]:
            best = (key, t, mica, sim, f, value)
    _, t, mica, sim, f, value = best
    if sim <= 0:
        relation = "none"
    elif t == q:
        relation = "exact"
    elif mica == q:
        relation = "more specific"
    elif mica == t:
        relation = "more general"
    else:
        relation = "related"
    return BestMatch(q, t, mica, relation, sim, None if np.isnan(f) else float(f), value)


@dataclass(frozen=True)
class Question:
    """The suggested next finding: its term, the expected gain in bits and how it splits."""

    term: int
    gain: float
    entropy: float
    present: tuple[tuple[int, float], ...]
    absent: tuple[int, ...]


def _presence(index: PhenotypeIndex, disease: int) -> dict[int, float]:
    """P(t present | disease) for every term at or above the disease's annotations."""
    terms, freqs = index.annotations(disease)
    out: dict[int, float] = {}
    for t, f in zip(terms.tolist(), freqs.tolist()):
        p = UNKNOWN_FREQUENCY if np.isnan(f) else f
        for a in index.closure(t).tolist():
            if out.get(a, -1.0) < p:
                out[a] = p
    return out


def _entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in bits of each row of ``p`` (rows sum to 1; zeros allowed)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.nansum(np.where(p > 0, p * np.log2(p), 0.0), axis=-1)


def next_finding(index: PhenotypeIndex, leaders: Sequence[int],
                 chosen: Sequence[int]) -> Question | None:
    """The term that best splits the leading diseases (module docstring), or ``None`` when no
    term gains anything (fewer than two leaders, or leaders alike in every annotation)."""
    if len(leaders) < 2:
        return None
    known = set()
    for q in chosen:
        known.update(index.closure(q).tolist())
    presence = [_presence(index, d) for d in leaders]
    candidates = sorted(set().union(*presence) - known)
    if not candidates:
        return None
    p = np.full((len(candidates), len(leaders)), SILENT_PROBABILITY)
    col = {t: i for i, t in enumerate(candidates)}
    for j, pres in enumerate(presence):
        for t, v in pres.items():
            if t in col:
                p[col[t], j] = v
    for j, d in enumerate(leaders):  # annotated absent: never present
        for n in index.negations(d).tolist():
            # the negation of n excludes n and everything below it
            for i, t in enumerate(candidates):
                if n in index.closure(t):
                    p[i, j] = 0.0
    k = len(leaders)
    prior = np.full(k, 1.0 / k)
    p_yes = p @ prior
    post_yes = np.where(p_yes[:, None] > 0, p * prior / np.maximum(p_yes[:, None], 1e-12), 0)
    p_no = 1.0 - p_yes
    post_no = np.where(p_no[:, None] > 0, (1 - p) * prior / np.maximum(p_no[:, None], 1e-12), 0)
    h = float(np.log2(k))
    gain = h - p_yes * _entropy(post_yes) - p_no * _entropy(post_no)
    # Best gain; among equal gains the more specific term (it is the one annotated), then id.
    order = np.lexsort((np.array(candidates), -index.ic[candidates], -np.round(gain, 9)))
    best = int(order[0])
    if gain[best] <= 1e-9:
        return None
    t = candidates[best]
    present = tuple((d, float(p[best, j])) for j, d in enumerate(leaders)
                    if p[best, j] > SILENT_PROBABILITY)
    absent = tuple(d for j, d in enumerate(leaders) if p[best, j] <= SILENT_PROBABILITY)
    return Question(t, float(gain[best]), h, present, absent)
