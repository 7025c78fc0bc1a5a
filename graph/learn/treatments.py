"""The treatment view: what a treatment acts on, and which symptom paths it interrupts.

A treatment is linked to what it treats by "is treated by": mechanisms (hypocalcemia is treated by
calcium replacement), conditions, triggers and symptoms. :func:`treatment_view` gathers those
targets, the conditions the treatment reaches (treated directly, or acting through a mechanism it
targets: DiGeorge syndrome acts through hypocalcemia), and the *interrupted paths*: the chains of
"can cause", "acts through" and "has symptom" that run from a target it acts on to a symptom, read
as sentences with their sources. Only paths through a targeted mechanism or trigger count: when the
graph says a treatment treats a condition but not through which mechanism, no path is claimed
("Tourette syndrome is treated by medication for tics" says nothing about how), and the view says so.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> v = treatment_view(kg, entity("CalciumReplacement"))
>>> [kg.label(t.node) for t in v.targets]
['hypocalcemia', 'hypoparathyroidism']
>>> [p.sentence for p in v.interrupted]  # doctest: +NORMALIZE_WHITESPACE
["DiGeorge syndrome acts through hypocalcemia, which can cause Chvostek's sign.",
 'DiGeorge syndrome acts through hypocalcemia, which can cause tetany.',
 'DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching.',
 "Hypoparathyroidism acts through hypocalcemia, which can cause Chvostek's sign.",
 'Hypoparathyroidism acts through hypocalcemia, which can cause tetany.',
 'Hypoparathyroidism acts through hypocalcemia, which can cause upper-lip twitching.']
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.errors import CausemapError, EntityNotFound
from graph.learn.explain import ExplainedPath, Step, explain_path
from graph.namespace import CM, curie
from graph.learn.projection import steps_graph
from graph.store import Store

__all__ = ["Target", "TreatmentView", "treatment_options", "treatment_view", "treatment_graph",
           "MAX_PATH_STEPS"]

#: The longest chain followed from a target down to a symptom.
MAX_PATH_STEPS = 3
_CAUSAL = (CM.actsThrough, CM.canCause, CM.hasSymptom)
_CLASS_ORDER = (CM.Mechanism, CM.Condition, CM.Trigger, CM.Symptom)


@dataclass(frozen=True)
class Target:
    """Something the treatment acts on, with the path that says so (one or two steps)."""

    node: URIRef
    label: str
    cls_label: str
    path: ExplainedPath


@dataclass(frozen=True)
class TreatmentView:
    """Everything the treatment page and ``causemap treatment`` show.

    Attributes
    ----------
    node : URIRef
    label, definition : str
    targets : tuple of Target
        What it is stated to treat (mechanisms, conditions, triggers, symptoms).
    conditions : tuple of Target
        Conditions it reaches: treated directly, or acting through a targeted mechanism.
    interrupted : tuple of ExplainedPath
        Paths from a targeted mechanism or trigger (preceded by what acts through the mechanism)
        down to a symptom.
    symptoms : tuple of URIRef
        The symptoms at the end of the interrupted paths, and those treated directly.
    untraced : tuple of URIRef
        Targeted conditions for which the graph names no mechanism the treatment acts on.
    """

    node: URIRef
    label: str
    definition: str
    targets: tuple[Target, ...]
    conditions: tuple[Target, ...]
    interrupted: tuple[ExplainedPath, ...]
    symptoms: tuple[URIRef, ...]
    untraced: tuple[URIRef, ...]


def treatment_options(kg: Store) -> list[URIRef]:
    """Every treatment in the graph, sorted by label.

    >>> from graph.store import load
    >>> kg = load()
    >>> [kg.label(t) for t in treatment_options(kg)][:2]
    ['active vitamin D', 'calcium replacement']
    """
    return [e for e in kg.entities() if kg.class_of(e) == CM.Treatment]


def _downstream(kg: Store, start: URIRef) -> list[list[Step]]:
    """Causal chains from ``start`` that end at a symptom, at most MAX_PATH_STEPS long."""
    found: list[list[Step]] = []

    def walk(node: URIRef, steps: list[Step], seen: set[URIRef]) -> None:
        if steps and kg.class_of(node) == CM.Symptom:
            found.append(list(steps))
            return  # a symptom ends the chain: what it leads to is another question
        if len(steps) == MAX_PATH_STEPS:
            return
        for p in _CAUSAL:
            for o in sorted(kg.objects(node, p), key=str):
                if o not in seen and kg.class_of(o) is not None:
                    walk(o, [*steps, Step(node, p, o)], seen | {o})

    walk(start, [], {start})
    return found


def treatment_view(kg: Store, treatment: URIRef) -> TreatmentView:
    """Gather the treatment view of one treatment.

    Raises
    ------
    EntityNotFound
        When ``treatment`` is not an entity.
    CausemapError
        When it is an entity but not a treatment.

    Examples
    --------
    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> v = treatment_view(kg, entity("TicMedication"))
    >>> [kg.label(c.node) for c in v.conditions], v.interrupted, [kg.label(u) for u in v.untraced]
    (['Tourette syndrome'], (), ['Tourette syndrome'])
    >>> treatment_view(kg, entity("Hypocalcemia"))
    Traceback (most recent call last):
    ...
    graph.errors.CausemapError: hypocalcemia is a mechanism, not a treatment
    """
    cls = kg.class_of(treatment)
    if cls is None:
        raise EntityNotFound(f"{curie(str(treatment))} is not an entity in this graph")
    if cls != CM.Treatment:
        raise CausemapError(f"{kg.label(treatment)} is a {kg.label(cls).lower()}, not a treatment")
    g = kg
    rank = {c: i for i, c in enumerate(_CLASS_ORDER)}

    def order(node: URIRef):
        return rank.get(kg.class_of(node), len(rank)), kg.label(node).lower()

    def target(node: URIRef, steps: list[Step]) -> Target:
        cls_node = kg.class_of(node)
        return Target(node, kg.label(node), kg.label(cls_node) if cls_node else "",
                      explain_path(kg, steps))

    treated = sorted((s for s in g.subjects(CM.treatedBy, treatment) if kg.class_of(s)), key=order)
    targets = tuple(target(x, [Step(x, CM.treatedBy, treatment)]) for x in treated)

    conditions: dict[URIRef, Target] = {}
    for x in treated:
        if kg.class_of(x) == CM.Condition:
            conditions[x] = target(x, [Step(x, CM.treatedBy, treatment)])
    for m in (x for x in treated if kg.class_of(x) == CM.Mechanism):
        for c in sorted(g.subjects(CM.actsThrough, m), key=str):
            if kg.class_of(c) == CM.Condition and c not in conditions:
                conditions[c] = target(c, [Step(c, CM.actsThrough, m), Step(m, CM.treatedBy, treatment)])

    chains: list[list[Step]] = []
    for x in treated:
        if kg.class_of(x) == CM.Mechanism:
            upstream = sorted(g.subjects(CM.actsThrough, x), key=lambda s: kg.label(s).lower())
            for down in _downstream(kg, x):
                if upstream:
                    chains.extend([Step(u, CM.actsThrough, x), *down] for u in upstream)
                else:
                    chains.append(down)
        elif kg.class_of(x) == CM.Trigger:
            chains.extend(_downstream(kg, x))
    unique: dict[tuple[Step, ...], None] = dict.fromkeys(tuple(c) for c in chains)
    interrupted = tuple(sorted((explain_path(kg, c) for c in unique),
                               key=lambda p: (p.sentence.lower(), len(p))))

    ends = {p.steps[-1].target for p in interrupted}
    ends |= {x for x in treated if kg.class_of(x) == CM.Symptom}
    traced = {s.source for p in interrupted for s in p.steps}
    untraced = tuple(c for c in conditions if c in treated and c not in traced)
    definition = g.value(treatment, SKOS.definition)
    return TreatmentView(
        node=treatment, label=kg.label(treatment),
        definition=str(definition) if definition is not None else "",
        targets=targets,
        conditions=tuple(sorted(conditions.values(), key=lambda t: t.label.lower())),
        interrupted=interrupted,
        symptoms=tuple(sorted(ends, key=lambda s: kg.label(s).lower())),
        untraced=untraced,
    )


def treatment_graph(kg: Store, view: TreatmentView) -> nx.MultiDiGraph:
    """The subgraph to draw for a treatment view: exactly the edges its sentences walk.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> H = treatment_graph(kg, treatment_view(kg, entity("CalciumReplacement")))
    >>> sorted(H.nodes[n]["label"] for n in H)
    ["Chvostek's sign", 'DiGeorge syndrome', 'calcium replacement', 'hypocalcemia', 'hypoparathyroidism', 'tetany', 'upper-lip twitching']
    """
    paths = [t.path for t in (*view.targets, *view.conditions)] + list(view.interrupted)
    return steps_graph(kg, (view.node,), (s for p in paths for s in p.steps))
