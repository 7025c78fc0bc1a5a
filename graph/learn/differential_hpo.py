"""The differential over every HPO disease: findings typed as text, diseases ranked by phenotype
similarity, each with the why and the next best finding to ask about.

The store-level half of the HPO differential (the arithmetic is in
:mod:`graph.learn.phenotype_similarity`, the arrays in :mod:`graph.learn.phenotype_index`). It
resolves what a student types to HPO phenotype terms (:func:`resolve_phenotypes`: labels and
synonyms through :func:`graph.learn.search.search`, HPO ids, or a curated entity of the article
graph mapped to an HPO term), scores every disease of the store
(:func:`phenotype_differential`) and turns the best matches and the suggested next finding into
IRIs, labels and sentences. Used instead of :func:`graph.learn.differential.differential` on a
store that holds HPO annotations (:func:`~graph.learn.phenotype_index.has_phenotype_annotations`).

This is a learning exercise, not a diagnostic tool: annotations are incomplete, the findings are a
student's, and the score only says how well a disease's annotated phenotype covers them.

Examples
--------
>>> from graph.store import load
>>> phenotype_differential(load(), [])
Traceback (most recent call last):
...
graph.errors.CausemapError: this graph holds no HPO phenotype annotations; use graph.learn.differential
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.errors import AmbiguousEntity, CausemapError, EntityNotFound
from graph.learn.phenotype_index import HPO_TERM, PhenotypeIndex, has_phenotype_annotations, phenotype_index
from graph.learn.phenotype_similarity import (SILENT_PROBABILITY, best_match, next_finding,
                                              score_diseases)
from graph.learn.search import search
from graph.store import Store

__all__ = ["HPO_LEARNING_NOTE", "PhenotypeMatch", "PhenotypeCandidate", "PhenotypeQuestion",
           "PhenotypeDifferential", "resolve_phenotypes", "phenotype_differential",
           "frequency_text", "short_id"]

HPO_LEARNING_NOTE = ("Learning exercise: this ranks diseases by how well their HPO annotations "
                     "match your findings. It is not a diagnosis: annotations are incomplete and "
                     "a score is not a probability.")

_HP_ID = re.compile(r"(?i)(?:HP[:_])(\d{7})")


def short_id(iri: str) -> str:
    """The id people write for an HPO term or a disease IRI of the store.

    >>> short_id("http://purl.obolibrary.org/obo/HP_0002901")
    'HP:0002901'
    >>> short_id("https://w3id.org/causemap/disease/OMIM_188400")
    'OMIM:188400'
    """
    local = str(iri).rstrip("/").rsplit("/", 1)[-1]
    prefix, sep, rest = local.partition("_")
    return f"{prefix}:{rest}" if sep and prefix.isalpha() and prefix.isupper() else local


# HPO's frequency bands (hp.obo, HP:0040279-HP:0040285), by their lower bounds.
_BANDS = ((1.0, "obligate"), (0.8, "very frequent"), (0.3, "frequent"), (0.05, "occasional"),
          (0.01, "very rare"), (0.0, "excluded"))


def frequency_text(f: float | None) -> str:
    """An annotation's frequency in words, with its HPO band.

    >>> frequency_text(0.545), frequency_text(None), frequency_text(1.0)
    ('frequent, 55 %', 'frequency not given', 'obligate, 100 %')
    """
    if f is None:
        return "frequency not given"
    band = next(name for low, name in _BANDS if f >= low - 1e-9)
    return f"{band}, {f * 100:.0f} %"


@dataclass(frozen=True)
class PhenotypeMatch:
    """How one disease matches one finding: the annotation, through which term, how often.

    ``relation`` is one of :class:`~graph.learn.phenotype_similarity.BestMatch`'s; ``explained``
    when the annotation is the finding, an ancestor or a descendant of it. ``contribution`` is
    ``m(q, D)``, the finding's part of the score (IC of the common term × frequency weight).
    """

    finding: URIRef
    label: str
    relation: str
    annotation: URIRef | None
    annotation_label: str
    ancestor: URIRef | None
    ancestor_label: str
    frequency: float | None
    similarity: float
    contribution: float
    reason: str

    @property
    def explained(self) -> bool:
        return self.relation in ("exact", "more specific", "more general")


@dataclass(frozen=True)
class PhenotypeCandidate:
    """A ranked disease: its score (0–1), the raw best-match average, and the why per finding."""

    node: URIRef
    label: str
    score: float
    raw: float
    links: tuple[PhenotypeMatch, ...]
    cls_label: str = "disease"

    @property
    def explained(self) -> list[PhenotypeMatch]:
        return [m for m in self.links if m.explained]

    @property
    def n_explained(self) -> int:
        return len(self.explained)


@dataclass(frozen=True)
class PhenotypeQuestion:
    """The suggested next finding: the term, the expected information gain and how it splits."""

    finding: URIRef
    label: str
    gain: float
    entropy: float
    present: tuple[tuple[URIRef, float], ...]
    absent: tuple[URIRef, ...]
    reason: str


@dataclass(frozen=True)
class PhenotypeDifferential:
    """The findings, the best ``limit`` diseases, how many were scored, and the next finding."""

    findings: tuple[URIRef, ...]
    candidates: tuple[PhenotypeCandidate, ...]
    n_diseases: int
    n_matching: int
    top: tuple[URIRef, ...]
    next_finding: PhenotypeQuestion | None
    note: str = HPO_LEARNING_NOTE


def _hpo_term_of(kg: Store, node: URIRef, index: PhenotypeIndex) -> URIRef | None:
    """The HPO term a node is, or that a curated entity is mapped to: ``skos:exactMatch``, else
    ``closeMatch``, else ``broadMatch`` (an HPO term broader than the finding still says what
    the finding is a kind of; the differential shows the term it used)."""
    if str(node) in index.term_id:
        return node
    for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch):
        for o in sorted(kg.objects(node, prop), key=str):
            if str(o) in index.term_id:
                return URIRef(str(o))
    return None


def resolve_phenotypes(kg: Store, texts: Iterable[str]) -> list[URIRef]:
    """Resolve what a student typed into HPO phenotype terms, keeping order, dropping repeats.

    A text is an HPO id (``HP:0001636``), an IRI, or a name: the label or synonym of an HPO term,
    or of a curated entity mapped to one (``skos:exactMatch``, ``closeMatch`` or ``broadMatch``:
    "low calcium", the article's hypocalcemia, is HP:0002901), typos forgiven as in
    ``causemap search``.

    Raises
    ------
    EntityNotFound
        A text that names no phenotype term well enough; the message suggests the closest ones.
    AmbiguousEntity
        A name that several terms carry equally.
    """
    index = phenotype_index(kg)
    out: list[URIRef] = []
    for text in texts:
        term = _resolve_one(kg, text.strip(), index)
        if term not in out:
            out.append(term)
    return out


def _resolve_one(kg: Store, raw: str, index: PhenotypeIndex) -> URIRef:
    if not raw:
        raise EntityNotFound("a finding is required")
    if m := _HP_ID.fullmatch(raw.removeprefix("obo:")):
        iri = f"{HPO_TERM}{m.group(1)}"
        if iri not in index.term_id:
            raise EntityNotFound(f"HP:{m.group(1)} is not an HPO phenotype term of this store")
        return URIRef(iri)
    if raw.startswith(("http://", "https://", "<")):
        iri = URIRef(raw.strip("<>"))
        term = _hpo_term_of(kg, iri, index)
        if term is None:
            raise EntityNotFound(f"{raw} is not an HPO phenotype term of this store")
        return term
    best: dict[URIRef, float] = {}
    for hit in search(kg, raw, limit=25):
        term = _hpo_term_of(kg, hit.iri, index)
        if term is not None and hit.score > best.get(term, -1.0):
            best[term] = hit.score
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked:
        raise EntityNotFound(f"no HPO phenotype called '{raw}'")
    (top, s), rest = ranked[0], ranked[1:]
    if s >= 1.0 and rest and rest[0][1] >= 1.0:
        names = ", ".join(f"{kg.label(t)} ({short_id(t)})" for t, v in ranked if v >= 1.0)
        raise AmbiguousEntity(f"'{raw}' names several phenotypes: {names}; use one of the HP ids")
    if s >= 0.7 and (not rest or s - rest[0][1] >= 0.05):
        return top
    names = ", ".join(f"'{kg.label(t)}' ({short_id(t)})" for t, _ in ranked[:3])
    raise EntityNotFound(f"no HPO phenotype called '{raw}'; did you mean {names}?")


def _reason(m, labels: dict, disease: str) -> str:
    """The why of one best match, as a sentence."""
    f, a, c = labels.get(m.finding, ""), labels.get(m.term, ""), labels.get(m.ancestor, "")
    freq = frequency_text(None if m.frequency is None else round(m.frequency, 4))
    if m.relation == "contradicted":
        return f"{disease} is annotated not to have {a}" + ("." if m.term == m.finding else
                                                             f", of which {f} is a kind.")
    if m.relation == "exact":
        return f"{disease} is annotated with {f} ({freq})."
    if m.relation == "more specific":
        return f"{disease} is annotated with {a} ({freq}), a kind of {f}."
    if m.relation == "more general":
        return f"{f} is a kind of {a}, which {disease} is annotated with ({freq})."
    if m.relation == "related":
        return (f"Only related: {disease} is annotated with {a} ({freq}); it and {f} are both "
                f"kinds of {c}.")
    return f"Nothing that {disease} is annotated with is related to {f}."


def phenotype_differential(kg: Store, findings: Sequence[URIRef], *, limit: int = 20,
                           leaders: int = 5) -> PhenotypeDifferential:
    """Rank every disease of an HPO store for ``findings``; the why and the next finding.

    Parameters
    ----------
    kg : Store
        A store with HPO annotations.
    findings : sequence of URIRef
        HPO phenotype terms, from :func:`resolve_phenotypes`.
    limit : int
        Candidates returned (with their why), best first.
    leaders : int
        The next finding is the one that best separates this many leading candidates.

    Returns
    -------
    PhenotypeDifferential
        Candidates with a score above zero, best first (score, then how much of the disease's
        own phenotype the findings cover, then IRI).

    Raises
    ------
    CausemapError
        The store has no HPO annotations, or a finding is not one of its phenotype terms.
    """
    if not has_phenotype_annotations(kg):
        raise CausemapError("this graph holds no HPO phenotype annotations; use "
                            "graph.learn.differential")
    index = phenotype_index(kg)
    findings = tuple(dict.fromkeys(URIRef(str(f)) for f in findings))
    unknown = [f for f in findings if str(f) not in index.term_id]
    if unknown:
        raise CausemapError(f"{short_id(unknown[0])} is not an HPO phenotype term of this store")
    ids = [index.term_id[str(f)] for f in findings]
    scores = score_diseases(index, ids)
    matching = int((scores.raw > 0).sum())
    order = scores.ranking()[:min(limit, matching)].tolist()
    best = {d: [best_match(index, d, q) for q in ids] for d in order}
    terms = {URIRef(index.terms[t]) for ms in best.values() for m in ms
             for t in (m.finding, m.term, m.ancestor) if t is not None}
    question = next_finding(index, order[:leaders], ids) if findings else None
    if question is not None:
        terms.add(URIRef(index.terms[question.term]))
    diseases = [URIRef(index.diseases[d]) for d in order]
    labels = kg.labels([*terms, *diseases])
    by_id = {t: labels[URIRef(index.terms[t])] for t in
             {index.term_id[str(x)] for x in terms}}
    candidates = []
    for d, node in zip(order, diseases):
        name = labels[node]
        links = tuple(PhenotypeMatch(
            finding=URIRef(index.terms[m.finding]), label=by_id[m.finding], relation=m.relation,
            annotation=URIRef(index.terms[m.term]) if m.term is not None else None,
            annotation_label=by_id.get(m.term, ""),
            ancestor=URIRef(index.terms[m.ancestor]) if m.ancestor is not None else None,
            ancestor_label=by_id.get(m.ancestor, ""),
            frequency=None if m.frequency is None else round(m.frequency, 4),
            similarity=round(m.similarity, 4), contribution=round(m.weighted, 4),
            reason=_reason(m, by_id, name)) for m in best[d])
        candidates.append(PhenotypeCandidate(node, name, round(float(scores.score[d]), 4),
                                             round(float(scores.raw[d]), 4), links))
    return PhenotypeDifferential(findings, tuple(candidates), len(index), matching,
                                 tuple(diseases[:leaders]),
                                 _question(index, question, by_id, labels) if question else None)


def _question(index: PhenotypeIndex, q, by_id: dict, labels: dict) -> PhenotypeQuestion:
    name = by_id[q.term]
    present = tuple((URIRef(index.diseases[d]), round(p, 4)) for d, p in q.present)
    absent = tuple(URIRef(index.diseases[d]) for d in q.absent)

    def names(nodes):
        out = [labels[n] for n in nodes]
        return ", ".join(out[:-1]) + " and " + out[-1] if len(out) > 1 else out[0]

    k = len(present) + len(absent)
    yes = ", ".join(f"{labels[n]} ({p * 100:.0f} %)" for n, p in present)
    reason = (f"Ask about {name}: of the {k} leading candidates it is annotated for {yes}"
              + (f", not for {names(absent)}" if absent else "")
              + f". Either answer is expected to tell {q.gain:.2f} of the {q.entropy:.2f} bits "
                f"that separate them (not annotated counts as {SILENT_PROBABILITY * 100:.0f} % likely).")
    return PhenotypeQuestion(URIRef(index.terms[q.term]), name, round(q.gain, 4),
                             round(q.entropy, 4), present, absent, reason)
