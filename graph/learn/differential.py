"""A differential-diagnosis trainer: rank the conditions and triggers that explain chosen findings.

This is a learning exercise over a small curated graph, not a diagnostic tool: it shows how
findings point at disorders in *this graph*, nothing more. On a store with HPO phenotype
annotations (``causemap import-hpo``), the CLI and the app use the HPO differential instead
(:mod:`graph.learn.differential_hpo`: every disease ranked by phenotype similarity).

Findings are what a student could learn about a person: symptoms and signs, the age at onset, and
history such as a trigger, an exposure or an earlier condition ("recent thyroid surgery", "stopping
caffeine", which a synonym resolves to caffeine withdrawal). A candidate (a condition or a trigger)
*explains* a finding when the graph links them in one of these ways, each shown as a sentence with
its sources:

- the finding is a symptom of the candidate, directly or through one of its mechanisms
  ("DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching");
- the finding is the candidate's typical onset ("essential tremor typically begins in adulthood from
  age 40");
- the finding can cause the candidate ("thyroid surgery can cause hypoparathyroidism"), is the
  substance it is a withdrawal from or involves ("caffeine withdrawal is withdrawal from caffeine"),
  or makes it worse ("essential tremor is made worse by emotional stress");
- the finding is the candidate itself (a trigger is also a piece of history).

Candidates are ranked by the number of findings they explain, then by *coverage* (the share of the
candidate's own findings in the graph that were picked, so a candidate whose whole picture is
present beats one of which a sliver is), then by label, so the order is deterministic.

The *leading candidates* are those at most one explained finding behind the leader (at most
``top`` of them). The *next best finding* is the one, not yet chosen, that splits the leading
candidates most evenly into those that explain it and those that do not (the largest
``min(with, without)``), as a good "twenty questions" question halves the list whatever the answer;
ties go to what can be observed (symptoms and signs, then the age at onset, then causes, then what
makes a disorder worse), then to the label.

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> d = differential(kg, resolve_findings(kg, ["lip tremor", "tremor of the hands",
...                                            "age over 40"]))
>>> [(c.label, c.n_explained) for c in d.candidates[:2]]
[('essential tremor', 3), ("Parkinson's disease", 2)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import URIRef

from graph.learn.compare import profile
from graph.learn.entities import resolve
from graph.errors import CausemapError
from graph.learn.explain import ExplainedPath
from graph.namespace import CM
from graph.store import Store

__all__ = ["FINDING_CLASSES", "CANDIDATE_CLASSES", "LEARNING_NOTE", "FindingLink", "Candidate",
           "NextFinding", "Differential", "finding_options", "resolve_findings", "differential"]

#: Classes whose members can be picked as findings (plus conditions that can cause a candidate).
FINDING_CLASSES = (CM.Symptom, CM.OnsetAge, CM.Trigger, CM.Substance, CM.Pathogen,
                   CM.GeneticFactor)
#: Classes whose members are ranked.
CANDIDATE_CLASSES = (CM.Condition, CM.Trigger)

LEARNING_NOTE = ("Learning exercise: this ranks what explains your findings in a small graph built "
                 "from one article. It is not a diagnosis and leaves out most real causes.")

# Profile headings that count as a candidate's findings, and how each reads in a table.
_HEADINGS = {"symptoms": "symptom", "onset": "typical onset", "causes": "cause",
             "aggravated_by": "makes it worse"}


@dataclass(frozen=True)
class FindingLink:
    """One finding seen from one candidate: explained or not, how, and the path with its sources."""

    finding: URIRef
    label: str
    explained: bool
    kind: str
    reason: str
    path: ExplainedPath | None = None


@dataclass(frozen=True)
class Candidate:
    """A ranked candidate: the findings it explains and those it does not."""

    node: URIRef
    label: str
    cls_label: str
    links: tuple[FindingLink, ...]
    n_features: int

    @property
    def explained(self) -> list[FindingLink]:
        return [link for link in self.links if link.explained]

    @property
    def unexplained(self) -> list[FindingLink]:
        return [link for link in self.links if not link.explained]

    @property
    def n_explained(self) -> int:
        return len(self.explained)

    @property
    def score(self) -> float:
        """The share of the findings explained (0–1), the score the CLI's table shows."""
        return self.n_explained / len(self.links) if self.links else 0.0

    @property
    def coverage(self) -> float:
        """Explained findings over the candidate's findings in the graph (0–1)."""
        return self.n_explained / self.n_features if self.n_features else 0.0


@dataclass(frozen=True)
class NextFinding:
    """The suggested next finding and how it would split the leading candidates."""

    finding: URIRef
    label: str
    present: tuple[URIRef, ...]
    absent: tuple[URIRef, ...]
    reason: str


@dataclass(frozen=True)
class Differential:
    """The findings, the ranked candidates and the suggested next finding (or ``None``)."""

    findings: tuple[URIRef, ...]
    candidates: tuple[Candidate, ...]
    top: tuple[URIRef, ...]
    next_finding: NextFinding | None
    note: str = LEARNING_NOTE


def _candidates(kg: Store) -> list[URIRef]:
    return [e for e in kg.entities() if kg.class_of(e) in CANDIDATE_CLASSES]


def finding_options(kg: Store) -> list[URIRef]:
    """Everything a student may pick as a finding, sorted by label.

    Symptoms, onset ages, triggers, substances, pathogens and genetic factors, and the conditions
    that can cause another condition (a stroke, an autoimmune disease: history, not the question).

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> opts = finding_options(kg)
    >>> entity("ThyroidSurgery") in opts, entity("Stroke") in opts, entity("Hypocalcemia") in opts
    (True, True, False)
    """
    cands = set(_candidates(kg))
    found = [e for e in kg.entities() if kg.class_of(e) in FINDING_CLASSES
             or (kg.class_of(e) == CM.Condition
                 and any(o in cands for o in kg.objects(e, CM.canCause)))]
    return found  # kg.entities() is already sorted by label


def resolve_findings(kg: Store, texts: Iterable[str]) -> list[URIRef]:
    """Resolve what a student typed into findings, keeping order and dropping repeats.

    Raises
    ------
    EntityNotFound
        A text that names no entity.
    CausemapError
        An entity that cannot be a finding (a mechanism, a treatment …).

    Examples
    --------
    >>> from graph.store import load
    >>> kg = load()
    >>> [kg.label(f) for f in resolve_findings(kg, ["stopping caffeine", "recent thyroid surgery"])]
    ['caffeine withdrawal', 'thyroid surgery']
    >>> resolve_findings(kg, ["calcium replacement"])
    Traceback (most recent call last):
    ...
    graph.errors.CausemapError: calcium replacement is a treatment, not a finding; pick symptoms, signs, onset ages, triggers or exposures
    """
    allowed = set(finding_options(kg))
    out: list[URIRef] = []
    for text in texts:
        node = resolve(kg, text)
        if node not in allowed:
            raise CausemapError(f"{kg.label(node)} is a {kg.label(kg.class_of(node)).lower()}, not "
                                "a finding; pick symptoms, signs, onset ages, triggers or exposures")
        if node not in out:
            out.append(node)
    return out


def _own_findings(kg: Store, cand: URIRef) -> dict[URIRef, tuple[str, ExplainedPath | None]]:
    """The findings the graph gives a candidate: finding → (kind, path); a trigger includes itself."""
    prof = profile(kg, cand)
    own: dict[URIRef, tuple[str, ExplainedPath | None]] = {}
    for heading, kind in _HEADINGS.items():
        for item in prof.items[heading]:
            own.setdefault(item.node, (kind, item.path))
    if kg.class_of(cand) == CM.Trigger:
        own[cand] = ("itself", None)
    return own


def _links(kg: Store, cand: URIRef, own, findings: Sequence[URIRef]):
    links = []
    for f in findings:
        if f not in own:
            links.append(FindingLink(f, kg.label(f), False, "",
                                     f"The graph does not link {kg.label(cand)} to {kg.label(f)}."))
            continue
        kind, path = own[f]
        reason = path.sentence if path else f"The finding is {kg.label(f)} itself."
        links.append(FindingLink(f, kg.label(f), True, kind, reason, path))
    return tuple(links)


# Among equally good splits, prefer what can be observed (a symptom, the age) over history.
_KIND_ORDER = {"symptom": 0, "typical onset": 1, "cause": 2, "itself": 3, "makes it worse": 4}


def _next_finding(kg: Store, top: list[Candidate],
                  chosen: set[URIRef]) -> NextFinding | None:
    if len(top) < 2:
        return None
    explains: dict[URIRef, list[int]] = {}
    kinds: dict[URIRef, int] = {}
    for rank, cand in enumerate(top):
        for f, (kind, _) in _own_findings(kg, cand.node).items():
            if f not in chosen:
                explains.setdefault(f, []).append(rank)
                kinds[f] = min(kinds.get(f, 99), _KIND_ORDER[kind])
    best = None
    for f, ranks in explains.items():
        split = min(len(ranks), len(top) - len(ranks))
        if split == 0:
            continue
        key = (-split, kinds[f], kg.label(f).lower())
        if best is None or key < best[0]:
            best = (key, f, ranks)
    if best is None:
        return None
    _, f, ranks = best
    present = tuple(top[r].node for r in ranks)
    absent = tuple(c.node for c in top if c.node not in present)

    def names(nodes):
        labels = [kg.label(n) for n in nodes]
        return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]

    reason = (f"Ask about {kg.label(f)}: of the {len(top)} leading candidates it is explained by "
              f"{names(present)} but not by {names(absent)}, so either answer narrows the list.")
    return NextFinding(f, kg.label(f), present, absent, reason)


def differential(kg: Store, findings: Sequence[URIRef], *, top: int = 5) -> Differential:
    """Rank the conditions and triggers that explain ``findings``; suggest the next finding.

    Parameters
    ----------
    kg : Store
    findings : sequence of URIRef
        From :func:`resolve_findings` or :func:`finding_options`.
    top : int
        At most this many leading candidates (those at most one explained finding behind the
        leader) for the next finding to separate.

    Returns
    -------
    Differential
        Candidates that explain at least one finding, best first.

    Examples
    --------
    >>> from graph.store import load
    >>> kg = load()
    >>> d = differential(kg, resolve_findings(kg, ["recent thyroid surgery", "lip twitching"]))
    >>> d.candidates[0].label, [link.reason for link in d.candidates[0].explained]
    ('hypoparathyroidism', ['Hypoparathyroidism can be caused by thyroid surgery.', 'Hypoparathyroidism acts through hypocalcemia, which can cause upper-lip twitching.'])
    """
    findings = tuple(dict.fromkeys(findings))
    ranked = []
    for cand in _candidates(kg):
        own = _own_findings(kg, cand)
        c = Candidate(cand, kg.label(cand), kg.label(kg.class_of(cand)),
                      _links(kg, cand, own, findings), len(own))
        if c.n_explained:
            ranked.append(c)
    ranked.sort(key=lambda c: (-c.n_explained, -c.coverage, c.label.lower()))
    # Still in the running: at most one explained finding behind the leader.
    leading = [c for c in ranked if c.n_explained >= ranked[0].n_explained - 1][:top] if ranked else []
    return Differential(findings, tuple(ranked), tuple(c.node for c in leading),
                        _next_finding(kg, leading, set(findings)))
