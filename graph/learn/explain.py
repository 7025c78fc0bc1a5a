"""Turn edges and paths of the graph into plain-English sentences, with their sources.

A relation's ``rdfs:label`` reads it forwards ("acts through") and its ``cm:inverseLabel`` reads it
backwards ("is a mechanism of"), so any path, whichever way its edges point, becomes one sentence:
"DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching." Every step keeps
its claims (:func:`graph.learn.entities.edge_provenance`) so a page can show where each step comes from.

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import CM, entity
>>> kg = load()
>>> edge_sentence(kg, entity("Hypocalcemia"), CM.treatedBy, entity("CalciumReplacement"))
'Hypocalcemia is treated by calcium replacement.'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from rdflib import URIRef

from graph.learn.entities import Provenance, edge_provenance
from graph.namespace import CM
from graph.store import Store

__all__ = ["Step", "ExplainedPath", "relation_phrase", "edge_sentence", "path_sentence",
           "explain_path", "capitalise"]


def capitalise(text: str) -> str:
    """Upper-case the first character only (labels are stored in sentence case).

    >>> capitalise("upper-lip twitching")
    'Upper-lip twitching'
    """
    return text[:1].upper() + text[1:]


def relation_phrase(kg: Store, predicate: URIRef, forward: bool = True) -> str:
    """The phrase that reads ``predicate`` forwards, or backwards with its inverse reading.

    >>> from graph.store import load
    >>> relation_phrase(load(), CM.canCause, forward=False)
    'can be caused by'
    """
    if forward:
        return kg.label(predicate)
    inverse = kg.value(predicate, CM.inverseLabel)
    return str(inverse) if inverse is not None else f"is the object of '{kg.label(predicate)}' for"


def edge_sentence(kg: Store, s: URIRef, p: URIRef, o: URIRef) -> str:
    """One edge as a sentence, subject first."""
    return f"{capitalise(kg.label(s))} {relation_phrase(kg, p)} {kg.label(o)}."


@dataclass(frozen=True)
class Step:
    """One hop of a path: from ``source`` to ``target`` along ``predicate``.

    ``forward`` is True when the stored triple is ``(source, predicate, target)`` and False when the
    path follows it backwards (the triple is ``(target, predicate, source)``).
    """

    source: URIRef
    predicate: URIRef
    target: URIRef
    forward: bool = True

    @property
    def triple(self) -> tuple[URIRef, URIRef, URIRef]:
        return ((self.source, self.predicate, self.target) if self.forward
                else (self.target, self.predicate, self.source))


@dataclass(frozen=True)
class ExplainedPath:
    """A path with its sentence and the provenance of each step."""

    steps: tuple[Step, ...]
    sentence: str
    _kg: Store | None = field(default=None, repr=False, compare=False)

    @cached_property
    def sources(self) -> tuple[tuple[Provenance, ...], ...]:
        """Each step's claims, looked up when first asked for (a Compare of three HPO diseases
        builds 400 paths and shows none of their sources)."""
        if self._kg is None:
            return tuple(() for _ in self.steps)
        return tuple(tuple(edge_provenance(self._kg, *st.triple)) for st in self.steps)

    @property
    def nodes(self) -> list[URIRef]:
        return [self.steps[0].source, *(s.target for s in self.steps)] if self.steps else []

    def __len__(self) -> int:
        return len(self.steps)


def path_sentence(kg: Store, steps) -> str:
    """A path as one sentence, chaining hops with "which".

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> path_sentence(kg, [Step(entity("DiGeorgeSyndrome"), CM.actsThrough, entity("Hypocalcemia")),
    ...                    Step(entity("Hypocalcemia"), CM.canCause, entity("UpperLipTwitching"))])
    'DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching.'
    >>> path_sentence(kg, [Step(entity("DiGeorgeSyndrome"), CM.actsThrough, entity("Hypocalcemia")),
    ...                    Step(entity("Hypocalcemia"), CM.actsThrough, entity("Hypoparathyroidism"),
    ...                         forward=False)])
    'DiGeorge syndrome acts through hypocalcemia, which is a mechanism of hypoparathyroidism.'
    """
    steps = list(steps)
    if not steps:
        return ""
    parts = [f"{capitalise(kg.label(steps[0].source))} "
             f"{relation_phrase(kg, steps[0].predicate, steps[0].forward)} {kg.label(steps[0].target)}"]
    for step in steps[1:]:
        parts.append(f"which {relation_phrase(kg, step.predicate, step.forward)} "
                     f"{kg.label(step.target)}")
    return ", ".join(parts) + "."


def explain_path(kg: Store, steps) -> ExplainedPath:
    """Bundle a path with its sentence and each step's claims."""
    steps = tuple(steps)
    return ExplainedPath(steps, path_sentence(kg, steps), kg)
