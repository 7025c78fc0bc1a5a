"""Answer "how are X and Y connected?": the paths between two entities and what they share.

:func:`relate` lists the paths between two entities, shortest first and up to a length the student
sets, each as a sentence whose every step keeps its source; the walk is
:func:`graph.learn.paths.simple_paths` over the content relations, so two conditions are never
"connected" merely by both being conditions (``rdf:type`` is not an edge of the projection). It
also lists their shared neighbours: what each entity touches directly, or through one of its
mechanisms (a mechanism is what *explains*, so "DiGeorge syndrome acts through hypocalcemia, which
can cause upper-lip twitching" makes upper-lip twitching a neighbour of DiGeorge syndrome), kept
when both entities reach it. Shared neighbours are grouped by class, so a page can show common
mechanisms, symptoms and treatments, and each comes with a sentence such as "DiGeorge syndrome and
hypoparathyroidism both act through hypocalcemia, which can cause upper-lip twitching and is treated
by calcium replacement."

Examples
--------
>>> from graph.store import load
>>> from graph.namespace import entity
>>> kg = load()
>>> c = relate(kg, entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism"), max_length=2)
>>> c.paths[0].sentence
'DiGeorge syndrome can cause hypoparathyroidism.'
>>> c.shared[0].sentence
"DiGeorge syndrome and hypoparathyroidism both act through hypocalcemia, which can cause Chvostek's sign, tetany and upper-lip twitching and is treated by calcium replacement."
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from graph.errors import InvalidRequest
from graph.learn.explain import ExplainedPath, Step, capitalise, explain_path, relation_phrase
from graph.namespace import CM, RELATIONS, curie
from graph.learn.paths import simple_paths
from graph.learn.projection import require_entity, steps_graph
from graph.store import Store
from graph.store.terms import to_nt

__all__ = ["SharedNeighbour", "Connection", "Kinship", "relate", "kinship", "neighbours_with_paths",
           "shared_neighbours", "connection_graph", "plural_phrase", "MAX_LENGTH"]

#: The longest path a student may ask for; beyond it almost everything connects through
#: upper-lip twitching and the list stops teaching anything.
MAX_LENGTH = 6

# Classes listed first in a shared-neighbour table: what a student asks about first.
_CLASS_ORDER = (CM.Mechanism, CM.Symptom, CM.Treatment, CM.Condition, CM.Trigger,
                CM.AnatomicalStructure)


@dataclass(frozen=True)
class SharedNeighbour:
    """An entity both ends of a connection reach, directly or through one of their mechanisms.

    Attributes
    ----------
    node : URIRef
    label, cls_label : str
        The neighbour's label and class label.
    via_a, via_b : ExplainedPath
        How the first and the second entity reach it (one or two steps, with sources).
    sentence : str
        Both links in one sentence.
    """

    node: URIRef
    label: str
    cls_label: str
    via_a: ExplainedPath
    via_b: ExplainedPath
    sentence: str

    @property
    def direct(self) -> bool:
        """True when both entities are linked to it by a single relation."""
        return len(self.via_a) == 1 and len(self.via_b) == 1


@dataclass(frozen=True)
class Connection:
    """What :func:`relate` found: the paths (shortest first) and the shared neighbours."""

    a: URIRef
    b: URIRef
    max_length: int
    paths: tuple[ExplainedPath, ...]
    shared: tuple[SharedNeighbour, ...]
    truncated: bool
    kin: tuple["Kinship", ...] = ()

    @property
    def nodes(self) -> list[URIRef]:
        """Every entity on a path, ends included, in order of first appearance."""
        seen = dict.fromkeys([self.a, self.b])
        for p in self.paths:
            seen.update(dict.fromkeys(p.nodes))
        return list(seen)

    def shared_by_class(self) -> dict[str, list[SharedNeighbour]]:
        """Shared neighbours grouped by class label, in the order of :attr:`shared`."""
        groups: dict[str, list[SharedNeighbour]] = {}
        for s in self.shared:
            groups.setdefault(s.cls_label, []).append(s)
        return groups


def plural_phrase(phrase: str) -> str:
    """Turn a relation's third-person reading into the plural, for "A and B both …".

    Only the first verb changes; the labels of the ontology are short verb phrases.

    >>> plural_phrase("acts through"), plural_phrase("has symptom"), plural_phrase("can cause")
    ('act through', 'have symptom', 'can cause')
    >>> plural_phrase("is treated by"), plural_phrase("compresses"), plural_phrase("is a symptom of")
    ('are treated by', 'compress', 'are symptoms of')
    >>> plural_phrase("typically begins in")
    'typically begin in'
    """
    words = phrase.split()
    i = 0
    while i < len(words) - 1 and words[i].endswith("ly"):  # an adverb before the verb
        i += 1
    verb = words[i]
    if verb == "is":
        words[i] = "are"
        if i + 2 < len(words) and words[i + 1] in ("a", "an"):
            # "is a symptom of" -> "are symptoms of"
            del words[i + 1]
            words[i + 1] += "s"
    elif verb == "has":
        words[i] = "have"
    elif verb in ("can", "may", "will", "must"):
        pass
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        words[i] = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        words[i] = verb[:-1]
    return " ".join(words)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def neighbours_with_paths(kg: Store, node: URIRef) -> dict[URIRef, ExplainedPath]:
    """What ``node`` reaches in one step, or in two through one of its mechanisms.

    The value is the shortest such path (one step beats two); among equals, the first in a stable
    order (by predicate, then by label), so results do not depend on set order.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> n = neighbours_with_paths(kg, entity("DiGeorgeSyndrome"))
    >>> n[entity("UpperLipTwitching")].sentence
    'DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching.'
    """
    node = require_entity(kg, node)
    out: dict[URIRef, ExplainedPath] = {}

    def steps_from(u: URIRef) -> list[Step]:
        found = [Step(u, p, o, True) if s == u else Step(u, p, s, False)
                 for s, p, o in kg.edges(u)]
        found = [st for st in found if st.target != u or st.forward]
        found = [st for st in found if kg.class_of(st.target) is not None]
        return sorted(found, key=lambda s: (not s.forward, str(s.predicate), kg.label(s.target).lower()))

    first = steps_from(node)
    for step in first:
        out.setdefault(step.target, explain_path(kg, [step]))
    for step in first:
        if kg.class_of(step.target) != CM.Mechanism:
            continue
        for onward in steps_from(step.target):
            if onward.target != node and onward.target not in out:
                out[onward.target] = explain_path(kg, [step, onward])
    return out


def _shared_sentence(kg: Store, a: URIRef, b: URIRef, node: URIRef,
                     via_a: ExplainedPath, via_b: ExplainedPath) -> str:
    sa, sb = via_a.steps, via_b.steps
    first_a, first_b = sa[0], sb[0]
    if ((first_a.predicate, first_a.forward, first_a.target)
            == (first_b.predicate, first_b.forward, first_b.target) and sa[1:] == sb[1:]):
        # Same route from both ends: say it once, "A and B both act through M, which …".
        phrase = plural_phrase(relation_phrase(kg, first_a.predicate, first_a.forward))
        sentence = (f"{capitalise(kg.label(a))} and {kg.label(b)} both {phrase} "
                    f"{kg.label(first_a.target)}")
        for step in sa[1:]:
            sentence += (f", which {relation_phrase(kg, step.predicate, step.forward)} "
                         f"{kg.label(step.target)}")
        if len(sa) == 1 and kg.class_of(node) == CM.Mechanism:
            # Say what the shared mechanism leads to: that is why sharing it matters.
            onward: dict[URIRef, list[str]] = {}
            for p, o in sorted(kg.predicate_objects(node), key=lambda po: str(po[0])):
                if p in RELATIONS and o not in (a, b) and kg.class_of(o) is not None:
                    onward.setdefault(p, []).append(kg.label(o))
            clauses = [f"{relation_phrase(kg, p)} {_join(sorted(objs, key=str.lower))}"
                       for p, objs in onward.items()]
            if clauses:
                sentence += ", which " + _join(clauses)
        return sentence + "."
    # The second clause keeps the label's own case ("hypoparathyroidism", "DiGeorge syndrome").
    clause_b = kg.label(b) + via_b.sentence[len(capitalise(kg.label(b))):]
    return f"{via_a.sentence[:-1]}; {clause_b}"


def shared_neighbours(kg: Store, a: URIRef, b: URIRef) -> list[SharedNeighbour]:
    """The entities both ``a`` and ``b`` reach (see :func:`neighbours_with_paths`), best first.

    Order: by class (mechanisms, symptoms, treatments, conditions, triggers, anatomy, others), then
    direct links before links through a mechanism, then by label.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> [(s.cls_label, s.label) for s in shared_neighbours(kg, entity("DiGeorgeSyndrome"),
    ...                                                    entity("Hypoparathyroidism"))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Mechanism', 'hypocalcemia'), ('Symptom or sign', "Chvostek's sign"),
     ('Symptom or sign', 'tetany'), ('Symptom or sign', 'upper-lip twitching'),
     ('Treatment', 'calcium replacement')]
    """
    na, nb = neighbours_with_paths(kg, a), neighbours_with_paths(kg, b)
    found = []
    for node in set(na) & set(nb) - {a, b}:
        cls = kg.class_of(node)
        found.append(SharedNeighbour(node, kg.label(node), kg.label(cls) if cls else "",
                                     na[node], nb[node],
                                     _shared_sentence(kg, a, b, node, na[node], nb[node])))
    rank = {c: i for i, c in enumerate(_CLASS_ORDER)}
    return sorted(found, key=lambda s: (rank.get(kg.class_of(s.node), len(rank)),
                                        len(s.via_a) + len(s.via_b), s.label.lower()))


@dataclass(frozen=True)
class Kinship:
    """Two different symptoms or signs, one of each entity, that are kinds of one broader one.

    This is how the hierarchy of phenotypes relates two diseases that share no phenotype term
    exactly: "DiGeorge syndrome has tetralogy of Fallot and velocardiofacial syndrome has a
    ventricular septal defect: both are kinds of conotruncal defect".
    """

    a_term: URIRef
    b_term: URIRef
    broader: URIRef
    sentence: str


def kinship(kg: Store, a: URIRef, b: URIRef, *, limit: int = 10) -> tuple[Kinship, ...]:
    """Pairs of ``a``'s and ``b``'s symptoms that are kinds of one broader symptom (``rdfs:subClassOf``).

    Only symptoms the other entity does not share exactly, and the most specific broader terms
    first (the fewest kinds): a shared parent "abnormality of the heart" says less than
    "conotruncal defect". One query; nothing else is read.
    """
    rows = kg.select(f"""SELECT ?pa ?pb ?up (COUNT(DISTINCT ?kind) AS ?kinds) WHERE {{
        {to_nt(a)} cm:hasSymptom ?pa . {to_nt(b)} cm:hasSymptom ?pb . FILTER(?pa != ?pb)
        ?pa rdfs:subClassOf ?up . ?pb rdfs:subClassOf ?up . ?kind rdfs:subClassOf ?up .
        FILTER NOT EXISTS {{ {to_nt(a)} cm:hasSymptom ?pb }}
        FILTER NOT EXISTS {{ {to_nt(b)} cm:hasSymptom ?pa }}
    }} GROUP BY ?pa ?pb ?up ORDER BY ?kinds ?up ?pa ?pb LIMIT {int(limit) * 5}""")
    out, used = [], set()
    for pa, pb, up, _ in rows:
        if (pa, pb) in used:
            continue
        used.add((pa, pb))
        sentence = (f"{capitalise(kg.label(a))} has {kg.label(pa)} and {kg.label(b)} has "
                    f"{kg.label(pb)}: both are kinds of {kg.label(up)}.")
        out.append(Kinship(pa, pb, up, sentence))
        if len(out) == limit:
            break
    return tuple(out)


def relate(kg: Store, a: URIRef, b: URIRef, max_length: int = 3, *, limit: int = 50,
           relations: Collection[str] | None = None) -> Connection:
    """How two entities are connected: paths of at most ``max_length`` steps and shared neighbours.

    Parameters
    ----------
    kg : Store
    a, b : URIRef
        Two different curated entities.
    max_length : int
        The longest path to list, 1 to :data:`MAX_LENGTH` steps.
    limit : int
        At most this many paths (shortest first); :attr:`Connection.truncated` says when it cut.
    relations : collection of IRI strings, optional
        Walk only these relations (default: every content relation).

    Returns
    -------
    Connection
        Possibly with no paths (not connected within ``max_length``); never raises for that.

    Raises
    ------
    EntityNotFound
        When ``a`` or ``b`` is not an entity.
    InvalidRequest
        When ``a`` and ``b`` are the same entity.
    ValueError
        When ``max_length`` is outside 1 to :data:`MAX_LENGTH`.

    Examples
    --------
    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> c = relate(kg, entity("EssentialTremor"), entity("ParkinsonsDisease"), max_length=2)
    >>> [p.sentence for p in c.paths]  # doctest: +NORMALIZE_WHITESPACE
    ["Essential tremor has symptom lip tremor, which is a symptom of Parkinson's disease.",
     "Essential tremor has symptom tremor of the hands, which is a symptom of Parkinson's disease."]
    >>> relate(kg, entity("Hypocalcemia"), entity("Hypocalcemia"))
    Traceback (most recent call last):
    ...
    graph.errors.InvalidRequest: pick two different entities
    """
    if not 1 <= max_length <= MAX_LENGTH:
        raise ValueError(f"max_length must be between 1 and {MAX_LENGTH}, got {max_length}")
    for node in (a, b):
        require_entity(kg, node)
    if a == b:
        raise InvalidRequest("pick two different entities")
    # One more than asked tells whether the limit cut the list.
    paths = simple_paths(kg, a, b, max_length=max_length, limit=limit + 1, relations=relations)
    # networkx orders paths of equal length by its internal order; sort them so output is stable.
    kept = sorted(paths[:limit], key=lambda p: (len(p), p.sentence.lower()))
    return Connection(a, b, max_length, tuple(kept), tuple(shared_neighbours(kg, a, b)),
                      len(paths) > limit, kinship(kg, a, b))


def connection_graph(kg: Store, connection: Connection,
                     include_shared: bool = True) -> nx.MultiDiGraph:
    """The subgraph to draw for a connection: the path nodes (and shared neighbours) with their edges.

    Only the edges that a listed path or shared-neighbour link walks are kept, so the picture shows
    exactly what the sentences say.

    >>> from graph.store import load
    >>> from graph.namespace import entity
    >>> kg = load()
    >>> c = relate(kg, entity("DiGeorgeSyndrome"), entity("Hypoparathyroidism"), max_length=2)
    >>> H = connection_graph(kg, c, include_shared=False)
    >>> sorted(H.nodes[n]["label"] for n in H)
    ['DiGeorge syndrome', 'hypocalcemia', 'hypoparathyroidism']
    """
    steps = [s for p in connection.paths for s in p.steps]
    if include_shared:
        steps += [s for n in connection.shared for s in (*n.via_a.steps, *n.via_b.steps)]
    return steps_graph(kg, (connection.a, connection.b), steps)
