"""Compare conditions side by side, and score how alike every pair of conditions is.

A :class:`Profile` gathers what the graph says about one condition (or trigger) under the headings a
student compares: causes, what makes it worse, mechanisms, symptoms, anatomy, treatments and typical
onset. Symptoms, anatomy and treatments count both what is stated of the condition itself and what
is stated of its mechanisms ("DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip
twitching"), each item keeping the path that justifies it. :func:`compare` lines two or three
profiles up and splits every heading into what all share and what is unique to each.

:func:`similarity` is a set-overlap (Jaccard) score over the *features* of a condition: its
mechanisms, symptoms and anatomy, the three headings that describe what the disorder *is* rather
than what is done about it::

    similarity(A, B) = |F(A) ∩ F(B)| / |F(A) ∪ F(B)|,   F = mechanisms ∪ symptoms ∪ anatomy

It runs from 0 (nothing in common) to 1 (the same features); it is 0 when both sets are empty.
Treatments are left out on purpose: two disorders are not alike because the same generic advice
("lifestyle changes") applies to both. :func:`similarity_matrix` scores every pair of conditions.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> p = profile(kg, entity("DiGeorgeSyndrome"))
>>> [kg.label(n) for n in p.nodes("treatments")]
['calcium replacement']
>>> p.items["treatments"][0].path.sentence
'DiGeorge syndrome acts through hypocalcemia, which is treated by calcium replacement.'
>>> similarity(kg, entity("EssentialTremor"), entity("ParkinsonsDisease"))
0.25
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from graph.errors import CausemapError, EntityNotFound
from graph.learn.explain import ExplainedPath, Step, explain_path
from graph.namespace import CM, curie
from graph.store import Store

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "FEATURE_CATEGORIES", "COMPARABLE_CLASSES",
           "ProfileItem", "Profile", "Comparison", "SimilarityMatrix", "profile", "compare",
           "features", "similarity", "explain_similarity", "similarity_matrix",
           "SIMILARITY_EXPLAINED", "MATRIX_LIMIT", "SystemRow", "organ_system_table"]

#: The headings of a profile, in display order.
CATEGORIES = ("causes", "aggravated_by", "mechanisms", "symptoms", "anatomy", "treatments", "onset")
CATEGORY_LABELS = {
    "causes": "Causes", "aggravated_by": "Made worse by", "mechanisms": "Mechanisms",
    "symptoms": "Symptoms and signs", "anatomy": "Anatomy", "treatments": "Treatments",
    "onset": "Typical onset",
}
#: The headings the similarity score is computed over.
FEATURE_CATEGORIES = ("mechanisms", "symptoms", "anatomy")
#: What can be compared: disorders and the triggers that act like them.
COMPARABLE_CLASSES = (CM.Condition, CM.Trigger)

SIMILARITY_EXPLAINED = (
    "Similarity is the share of features two conditions have in common (the Jaccard index): the "
    "number of mechanisms, symptoms and anatomical structures they share, divided by the number "
    "that either of them has. 1 means the same features, 0 nothing in common. Treatments are not "
    "counted, since generic advice would make unrelated disorders look alike.")


@dataclass(frozen=True)
class ProfileItem:
    """One entry under a heading: the entity, and the path from the profiled entity to it."""

    node: URIRef
    label: str
    path: ExplainedPath

    @property
    def via(self) -> URIRef | None:
        """The mechanism in between, when the item is reached through one."""
        return self.path.steps[0].target if len(self.path) > 1 else None


@dataclass(frozen=True)
class Profile:
    """What the graph says about one entity, by heading (see :data:`CATEGORIES`)."""

    node: URIRef
    label: str
    items: dict[str, tuple[ProfileItem, ...]] = field(default_factory=dict)

    def nodes(self, category: str) -> list[URIRef]:
        """The entities under one heading, in display order."""
        return [i.node for i in self.items.get(category, ())]

    def features(self) -> frozenset[URIRef]:
        """Mechanisms, symptoms and anatomy: the set the similarity score compares."""
        return frozenset(n for c in FEATURE_CATEGORIES for n in self.nodes(c))


def _require(kg: Store, node: URIRef) -> None:
    if kg.class_of(node) is None:
        raise EntityNotFound(f"{curie(str(node))} is not an entity in this graph")


def profile(kg: Store, node: URIRef) -> Profile:
    """Gather the profile of one entity (meant for conditions and triggers; any entity works).

    Direct statements come first; an item reached only through a mechanism keeps the two-step path.
    Items are sorted by label within each heading.

    Raises
    ------
    EntityNotFound
        When ``node`` is not a curated entity.

    Examples
    --------
    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> p = profile(kg, entity("HemifacialSpasm"))
    >>> [kg.label(n) for n in p.nodes("causes")], [kg.label(n) for n in p.nodes("anatomy")]
    (['brainstem lesion', 'intracranial tumour', 'stroke'], ['facial nerve'])
    """
    _require(kg, node)
    g = kg
    found: dict[str, dict[URIRef, ExplainedPath]] = {c: {} for c in CATEGORIES}

    def put(category: str, target: URIRef, steps: list[Step]) -> None:
        if target != node and target not in found[category]:
            found[category][target] = explain_path(kg, steps)

    mechanisms = sorted(g.objects(node, CM.actsThrough), key=str)
    for m in mechanisms:
        put("mechanisms", m, [Step(node, CM.actsThrough, m)])
    for cause in sorted(g.subjects(CM.canCause, node), key=str):
        put("causes", cause, [Step(node, CM.canCause, cause, forward=False)])
    for substance in sorted(g.objects(node, CM.withdrawalFrom), key=str):
        put("causes", substance, [Step(node, CM.withdrawalFrom, substance)])
    for substance in sorted(g.objects(node, CM.involvesSubstance), key=str):
        put("causes", substance, [Step(node, CM.involvesSubstance, substance)])
    for agg in sorted(g.objects(node, CM.aggravatedBy), key=str):
        put("aggravated_by", agg, [Step(node, CM.aggravatedBy, agg)])
    for onset in sorted(g.objects(node, CM.typicalOnset), key=str):
        put("onset", onset, [Step(node, CM.typicalOnset, onset)])

    # Symptoms, anatomy and treatments: first what is said of the entity, then of its mechanisms.
    for origin, prefix in [(node, []), *((m, [Step(node, CM.actsThrough, m)]) for m in mechanisms)]:
        for s in sorted(g.objects(origin, CM.hasSymptom), key=str):
            put("symptoms", s, [*prefix, Step(origin, CM.hasSymptom, s)])
        for s in sorted(g.objects(origin, CM.canCause), key=str):
            if kg.class_of(s) == CM.Symptom:
                put("symptoms", s, [*prefix, Step(origin, CM.canCause, s)])
        for a in sorted(g.objects(origin, CM.affects), key=str):
            put("anatomy", a, [*prefix, Step(origin, CM.affects, a)])
        for t in sorted(g.objects(origin, CM.treatedBy), key=str):
            put("treatments", t, [*prefix, Step(origin, CM.treatedBy, t)])

    items = {c: tuple(sorted((ProfileItem(n, kg.label(n), p) for n, p in found[c].items()),
                             key=lambda i: i.label.lower()))
             for c in CATEGORIES}
    return Profile(node, kg.label(node), items)


def features(kg: Store, node: URIRef) -> frozenset[URIRef]:
    """The mechanisms, symptoms and anatomy of ``node`` (see :meth:`Profile.features`)."""
    return profile(kg, node).features()


def _jaccard(fa: frozenset, fb: frozenset) -> float:
    union = fa | fb
    return len(fa & fb) / len(union) if union else 0.0


def similarity(kg: Store, a: URIRef, b: URIRef) -> float:
    """The Jaccard index of the features of ``a`` and ``b`` (0–1; 0 when neither has features).

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> similarity(kg, entity("DiGeorgeSyndrome"), entity("DiGeorgeSyndrome"))
    1.0
    >>> round(similarity(kg, entity("TouretteSyndrome"), entity("Hypoparathyroidism")), 3)  # 1/10
    0.1
    """
    return _jaccard(features(kg, a), features(kg, b))


def explain_similarity(kg: Store, a: URIRef, b: URIRef) -> str:
    """The similarity of two entities as a sentence that shows the arithmetic.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> explain_similarity(kg, entity("EssentialTremor"), entity("ParkinsonsDisease"))
    "Essential tremor and Parkinson's disease share 2 of their 8 features (lip tremor, tremor of the hands): similarity 2/8 = 0.25."
    """
    fa, fb = features(kg, a), features(kg, b)
    shared = sorted((kg.label(n) for n in fa & fb), key=str.lower)
    union = len(fa | fb)
    name_a = kg.label(a)
    name_a = name_a[:1].upper() + name_a[1:]
    if not union:
        return (f"{name_a} and {kg.label(b)} have no mechanisms, symptoms or anatomy in the graph, "
                "so there is nothing to compare: similarity 0.")
    which = f" ({', '.join(shared)})" if shared else ""
    return (f"{name_a} and {kg.label(b)} share {len(shared)} of their {union} features{which}: "
            f"similarity {len(shared)}/{union} = {len(shared) / union:.2f}.")


@dataclass(frozen=True)
class Comparison:
    """Two or three profiles lined up.

    Attributes
    ----------
    profiles : tuple of Profile
    shared : dict
        Heading → entities every profile has under it.
    unique : dict
        Profiled entity → heading → entities only that profile has.
    similarities : tuple of (URIRef, URIRef, float, str)
        Every pair with its score and the sentence that explains it.
    """

    profiles: tuple[Profile, ...]
    shared: dict[str, tuple[URIRef, ...]]
    unique: dict[URIRef, dict[str, tuple[URIRef, ...]]]
    similarities: tuple[tuple[URIRef, URIRef, float, str], ...]

    def partly_shared(self, category: str) -> dict[URIRef, tuple[URIRef, ...]]:
        """Items that some but not all profiles have (only with three): item → who has it.

        >>> from graph.store import load
        >>> from graph.namespace import entity
        >>> kg = load()
        >>> c = compare(kg, [entity("AmyotrophicLateralSclerosis"), entity("ParkinsonsDisease"),
        ...                  entity("EssentialTremor")])
        >>> {kg.label(k): [kg.label(n) for n in v] for k, v in c.partly_shared("mechanisms").items()}
        {'neurodegeneration': ['amyotrophic lateral sclerosis', "Parkinson's disease"]}
        """
        held: dict[URIRef, list[URIRef]] = {}
        for p in self.profiles:
            for n in p.nodes(category):
                held.setdefault(n, []).append(p.node)
        return {n: tuple(who) for n, who in held.items() if 1 < len(who) < len(self.profiles)}


def compare(kg: Store, nodes: Sequence[URIRef]) -> Comparison:
    """Line up two or three conditions (or triggers): what all share, what is unique to each.

    Raises
    ------
    CausemapError
        Fewer than two or more than three entities, the same entity twice, or an entity that is
        neither a condition nor a trigger.
    EntityNotFound
        An IRI that is not an entity.

    Examples
    --------
    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> c = compare(kg, [entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism")])
    >>> [kg.label(n) for n in c.shared["mechanisms"]], [kg.label(n) for n in c.shared["treatments"]]
    (['hypocalcemia'], ['calcium replacement'])
    >>> [kg.label(n) for n in c.unique[entity("Hypoparathyroidism")]["causes"]]
    ['autoimmune disease', 'DiGeorge syndrome', 'hypomagnesemia', 'thyroid surgery']
    >>> compare(kg, [entity("DiGeorgeSyndrome")])
    Traceback (most recent call last):
    ...
    graph.errors.CausemapError: compare two or three conditions, not 1
    """
    nodes = list(nodes)
    if not 2 <= len(nodes) <= 3:
        raise CausemapError(f"compare two or three conditions, not {len(nodes)}")
    if len(set(nodes)) != len(nodes):
        raise CausemapError("compare different conditions (one was given twice)")
    for n in nodes:
        _require(kg, n)
        if kg.class_of(n) not in COMPARABLE_CLASSES:
            raise CausemapError(f"{kg.label(n)} is a {kg.label(kg.class_of(n)).lower()}; "
                                "compare conditions or triggers")
    profiles = tuple(profile(kg, n) for n in nodes)
    shared: dict[str, tuple[URIRef, ...]] = {}
    unique: dict[URIRef, dict[str, tuple[URIRef, ...]]] = {p.node: {} for p in profiles}
    for c in CATEGORIES:
        sets = [set(p.nodes(c)) for p in profiles]
        common = set.intersection(*sets)
        shared[c] = tuple(n for n in profiles[0].nodes(c) if n in common)
        for p, own in zip(profiles, sets):
            others = set().union(*(s for s in sets if s is not own))
            unique[p.node][c] = tuple(n for n in p.nodes(c) if n not in others)
    pairs = tuple((pa.node, pb.node, _jaccard(pa.features(), pb.features()),
                   explain_similarity(kg, pa.node, pb.node))
                  for i, pa in enumerate(profiles) for pb in profiles[i + 1:])
    return Comparison(profiles, shared, unique, pairs)


@dataclass(frozen=True)
class SimilarityMatrix:
    """Pairwise similarity of a list of entities.

    Attributes
    ----------
    nodes : tuple of URIRef
    labels : tuple of str
    values : tuple of tuple of float
        ``values[i][j]`` is the similarity of ``nodes[i]`` and ``nodes[j]``.
    left_out : tuple of URIRef
        Entities that were asked for but have no features, so every score would be 0.
    """

    nodes: tuple[URIRef, ...]
    labels: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    left_out: tuple[URIRef, ...] = ()

    def records(self) -> list[dict]:
        """One row per ordered pair, ready for a chart: ``a``, ``b``, ``similarity``."""
        return [{"a": self.labels[i], "b": self.labels[j], "similarity": round(self.values[i][j], 3)}
                for i in range(len(self.nodes)) for j in range(len(self.nodes))]


def similarity_matrix(kg: Store, nodes: Sequence[URIRef] | None = None, *,
                      drop_featureless: bool = True) -> SimilarityMatrix:
    """Score every pair of ``nodes`` (default: every condition in the graph), sorted by label.

    Entities without any mechanism, symptom or anatomy are left out (listed in
    :attr:`SimilarityMatrix.left_out`) unless ``drop_featureless`` is false.

    >>> from graph.store import load
    >>> kg = load()
    >>> m = similarity_matrix(kg)
    >>> len(m.nodes) == len(m.values) and all(m.values[i][i] == 1.0 for i in range(len(m.nodes)))
    True
    >>> sorted(kg.label(n) for n in m.left_out)
    ['autoimmune disease']
    """
    if nodes is None:
        nodes = [e for e in kg.entities() if kg.class_of(e) == CM.Condition]
    feats = {n: features(kg, n) for n in nodes}
    kept = [n for n in nodes if feats[n] or not drop_featureless]
    kept.sort(key=lambda n: kg.label(n).lower())
    values = tuple(tuple(_jaccard(feats[a], feats[b]) for b in kept) for a in kept)
    return SimilarityMatrix(tuple(kept), tuple(kg.label(n) for n in kept), values,
                            tuple(n for n in nodes if n not in kept))


#: Above this many conditions, :func:`similarity_matrix` is not offered for the whole graph
#: (every pair of 12,687 HPO diseases is 80 million scores): pages score the picked ones only.
MATRIX_LIMIT = 60


@dataclass(frozen=True)
class SystemRow:
    """One organ system (a top-level HPO branch) in a comparison: how many of each condition's
    phenotypes fall under it, and how many of those all the conditions share."""

    system: URIRef
    label: str
    counts: tuple[int, ...]
    shared: int


def organ_system_table(kg: Store, nodes: Sequence[URIRef]) -> list[SystemRow]:
    """Each condition's phenotypes (``cm:hasSymptom``) counted per organ system, with the
    phenotypes all of them share; systems with the most phenotypes first.

    A phenotype under two systems counts in both. Phenotypes outside HPO's "Phenotypic
    abnormality" branch (the article's own symptoms) have no system and are not counted.

    >>> from graph.store import load
    >>> from graph.store.files import DATA_DIR
    >>> kg = load([DATA_DIR / "article.trig", DATA_DIR / "optional" / "hpo-enrichment.trig"])
    >>> from graph.namespace import DISEASE
    >>> rows = organ_system_table(kg, [URIRef(DISEASE + "OMIM_188400"), URIRef(DISEASE + "ORPHA_567")])
    >>> rows[0].label, rows[0].counts[0] > 0, rows[0].shared <= min(rows[0].counts)
    ('Abnormality of head or neck', True, True)
    """
    from graph.view.clusters import organ_systems

    for node in nodes:
        _require(kg, node)
    systems = organ_systems(kg)
    phenotypes = [set(map(str, kg.objects(n, CM.hasSymptom))) for n in nodes]
    shared = set.intersection(*phenotypes) if phenotypes else set()
    counts: dict[str, list[int]] = {}
    shared_counts: dict[str, int] = {}
    for i, terms in enumerate(phenotypes):
        for term in terms:
            for system in systems.get(term, ()):
                counts.setdefault(system, [0] * len(nodes))[i] += 1
    for term in shared:
        for system in systems.get(term, ()):
            shared_counts[system] = shared_counts.get(system, 0) + 1
    rows = [SystemRow(URIRef(s), kg.label(URIRef(s)), tuple(c), shared_counts.get(s, 0))
            for s, c in counts.items()]
    return sorted(rows, key=lambda r: (-sum(r.counts), r.label.lower()))
