"""The question builder: turn a question template and picked entities into SPARQL a student can read.

Each :class:`Template` is a question in plain English with blanks ("What can cause X?"); filling the
blanks with entities gives a :class:`BuiltQuestion`: the English question, the SPARQL that answers
it, and the query cut into clauses, each with what it means in plain words, so a student can learn
SPARQL by reading a query beside the question it answers. Every template has a twin named query in
``graph/queries/`` with the same name and the same parameters, so ``causemap query --named NAME
--param x=…`` gives the same answer (a test keeps the twins in step).

Values never reach the query as pasted user text. A picked entity enters the generated SPARQL as a
``VALUES`` row, because a student must be able to read, edit and re-run the query without hidden
bindings; that is safe because the term is written from an IRI the graph already holds (checked to
be a curated entity) and only after checking that it is a well-formed IRI, as a CURIE such as
``cm:Hypocalcemia`` where one exists, else as ``<iri>``. Free text is never accepted. The named
twins take their parameters as bindings (:func:`graph.named.run_named`).

Examples
--------
>>> from graph.store import load
>>> kg = load()
>>> q = build(kg, "causes-of", {"effect": "hypoparathyroidism"})
>>> q.english
'What can cause hypoparathyroidism?'
>>> print(q.clauses[2].text)
  VALUES ?effect { cm:Hypoparathyroidism }
>>> q.command
'causemap query --named causes-of --param effect=cm:Hypoparathyroidism'
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Mapping

from rdflib import URIRef

from .entities import resolve
from .errors import EntityNotFound, NamedQueryError
from .explain import capitalise
from .namespace import CM, curie
from .store import KnowledgeGraph

__all__ = ["Slot", "Clause", "Template", "BuiltQuestion", "TEMPLATES", "get_template", "build",
           "sparql_term"]

# An IRI that may stand between < and > in SPARQL (the IRIREF production, minus escapes).
_IRIREF_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_HOLE_RE = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Slot:
    """A blank in a question, filled with one entity.

    Attributes
    ----------
    name : str
        The query variable (without ``?``) and the named query's parameter.
    role : str
        What the entity is, for the picker's label ("the effect to explain").
    classes : tuple of URIRef
        The entity classes a picker offers; empty for any entity.
    default : URIRef
        The entity the picker starts with (the named query's default too).
    """

    name: str
    role: str
    classes: tuple[URIRef, ...]
    default: URIRef


@dataclass(frozen=True)
class Clause:
    """One clause of a generated query: its SPARQL text (one line) and what it means."""

    text: str
    meaning: str


@dataclass(frozen=True)
class Template:
    """A question with blanks, and the SPARQL that answers it.

    Attributes
    ----------
    name : str
        Also the name of the twin named query (``graph/queries/NAME.rq``).
    question : str
        The question with ``{{slot}}`` holes, e.g. ``"What can cause {{effect}}?"``.
    teaches : str
        The SPARQL idea the query shows off, for the template picker.
    slots : tuple of Slot
    clauses : tuple of (str, str)
        Clause text and meaning. In the text a ``{{slot}}`` hole becomes the entity's SPARQL
        term; in the meaning, the entity's label.
    """

    name: str
    question: str
    teaches: str
    slots: tuple[Slot, ...]
    clauses: tuple[tuple[str, str], ...]

    def english(self, labels: Mapping[str, str]) -> str:
        """The question with its blanks filled by ``labels`` (slot name → label).

        >>> get_template("how-connected").english({"first": "ALS", "second": "ptosis"})
        'How are ALS and ptosis connected?'
        """
        return capitalise(_fill(self.question, labels))

    def pattern(self) -> str:
        """The question with its blanks shown as "X", "Y", for menus.

        >>> get_template("how-connected").pattern()
        'How are X and Y connected?'
        """
        return self.english({slot.name: "XYZ"[i] for i, slot in enumerate(self.slots)})


@dataclass(frozen=True)
class BuiltQuestion:
    """A filled-in template: the English question, its SPARQL and the clause-by-clause reading.

    Attributes
    ----------
    template : Template
    entities : dict of str to URIRef
        The picked entity of each slot.
    english : str
        The question in plain English.
    clauses : tuple of Clause
        The query, one line per clause, each with its meaning.
    params : dict of str to str
        The same entities as values for the twin named query (CURIEs where possible).
    """

    template: Template
    entities: dict[str, URIRef]
    english: str
    clauses: tuple[Clause, ...]
    params: dict[str, str]

    @property
    def name(self) -> str:
        """The template's (and the twin named query's) name."""
        return self.template.name

    @property
    def sparql(self) -> str:
        """The whole query, ready to run with :func:`graph.query.run_query` (prefixes declared)."""
        return "\n".join(c.text for c in self.clauses) + "\n"

    @property
    def command(self) -> str:
        """The ``causemap`` command that asks the same question through the named twin."""
        args = " ".join(f"--param {shlex.quote(f'{k}={v}')}" for k, v in self.params.items())
        return f"causemap query --named {self.template.name} {args}".rstrip()


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _HOLE_RE.sub(lambda m: values[m.group(1)], text)


def sparql_term(iri: URIRef | str) -> str:
    """Write an IRI as a SPARQL term: a CURIE of the project prefixes, else ``<iri>``.

    Raises
    ------
    ValueError
        When the IRI has characters that cannot stand in a SPARQL IRI (spaces, ``<``, ``>``,
        quotes, braces …): such a string would change the query around it.

    Examples
    --------
    >>> sparql_term(URIRef("https://w3id.org/causemap/Hypocalcemia"))
    'cm:Hypocalcemia'
    >>> sparql_term("https://example.org/a#b")
    '<https://example.org/a#b>'
    >>> sparql_term("https://example.org/a> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    ValueError: not an IRI that can be written in SPARQL: 'https://example.org/a> } ; DROP ALL #'
    """
    text = str(iri)
    if not _IRIREF_RE.fullmatch(text):
        raise ValueError(f"not an IRI that can be written in SPARQL: {text!r}")
    short = curie(text)
    return short if short != text else f"<{text}>"


def _classes(*names: str) -> tuple[URIRef, ...]:
    return tuple(getattr(CM, n) for n in names)


def _e(local: str) -> URIRef:
    return URIRef(CM._NS + local)


#: The question templates, in the order a student meets them.
TEMPLATES: tuple[Template, ...] = (
    Template(
        name="causes-of",
        question="What can cause {{effect}}?",
        teaches="a triple pattern, '|' for either of two relations, and ';' to say more about "
                "the same subject",
        slots=(Slot("effect", "the condition, mechanism or symptom to explain",
                    _classes("Condition", "Mechanism", "Symptom"), _e("Hypoparathyroidism")),),
        clauses=(
            ("SELECT DISTINCT ?cause ?causeLabel ?classLabel",
             "Return each cause once (DISTINCT drops repeated rows), with its name and the name "
             "of its kind."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES ?effect { {{effect}} }",
             "?effect stands for {{effect}}, the entity you picked."),
            ("  ?cause cm:canCause|cm:hasSymptom ?effect ;",
             "?cause can cause {{effect}}, or has it as a symptom: '|' accepts either relation. "
             "The ';' means the next lines say more about the same ?cause."),
            ("         a ?class ;",
             "?cause is an instance of ?class ('a' is short for rdf:type)."),
            ("         rdfs:label ?causeLabel .",
             "?causeLabel is the cause's name; '.' ends the statements about ?cause."),
            ("  ?class rdfs:subClassOf cm:Entity ;",
             "Keep only the kinds of curated entities (Condition, Trigger …), not other types."),
            ("         rdfs:label ?classLabel .", "?classLabel is the name of that kind."),
            ("}", "End of the pattern."),
            ("ORDER BY LCASE(?causeLabel)",
             "Sort the rows by name, ignoring upper and lower case."),
        ),
    ),
    Template(
        name="shared-mechanism",
        question="Which conditions share a mechanism with {{condition}}?",
        teaches="a join: the same variable (?mechanism) in two patterns links them, and FILTER "
                "drops rows",
        slots=(Slot("condition", "the condition to compare with", _classes("Condition"),
                    _e("Hypoparathyroidism")),),
        clauses=(
            ("SELECT DISTINCT ?other ?otherLabel ?mechanism ?mechanismLabel",
             "Return each other condition once, with the mechanism it shares and both names."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES ?condition { {{condition}} }",
             "?condition stands for {{condition}}, the entity you picked."),
            ("  ?condition cm:actsThrough ?mechanism .",
             "?mechanism is any mechanism that {{condition}} acts through."),
            ("  ?other cm:actsThrough ?mechanism ;",
             "?other acts through the same ?mechanism: using one variable in two patterns is "
             "what joins them."),
            ("         a cm:Condition ;", "?other must be a condition."),
            ("         rdfs:label ?otherLabel .", "?otherLabel is its name."),
            ("  ?mechanism rdfs:label ?mechanismLabel .", "?mechanismLabel is the mechanism's name."),
            ("  FILTER (?other != ?condition)",
             "Drop the rows where ?other is {{condition}} itself: every condition shares its "
             "mechanisms with itself."),
            ("}", "End of the pattern."),
            ("ORDER BY LCASE(?otherLabel)", "Sort by the other condition's name, ignoring case."),
        ),
    ),
    Template(
        name="treats-mechanism-behind",
        question="What treats the mechanism behind {{condition}}?",
        teaches="following two relations in a row: from a condition to its mechanism, then to a "
                "treatment",
        slots=(Slot("condition", "the condition or trigger", _classes("Condition", "Trigger"),
                    _e("DiGeorgeSyndrome")),),
        clauses=(
            ("SELECT DISTINCT ?treatment ?treatmentLabel ?mechanism ?mechanismLabel",
             "Return each treatment once, with the mechanism it treats and both names."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES ?condition { {{condition}} }",
             "?condition stands for {{condition}}, the entity you picked."),
            ("  ?condition cm:actsThrough ?mechanism .",
             "First step: ?mechanism is a mechanism that {{condition}} acts through."),
            ("  ?mechanism cm:treatedBy ?treatment ;",
             "Second step: ?treatment treats that ?mechanism."),
            ("             rdfs:label ?mechanismLabel .", "?mechanismLabel is the mechanism's name."),
            ("  ?treatment rdfs:label ?treatmentLabel .", "?treatmentLabel is the treatment's name."),
            ("}", "End of the pattern."),
            ("ORDER BY LCASE(?treatmentLabel) LCASE(?mechanismLabel)",
             "Sort by treatment, then by mechanism, ignoring case."),
        ),
    ),
    Template(
        name="how-connected",
        question="How are {{first}} and {{second}} connected?",
        teaches="UNION for alternatives, following a relation backwards, and BIND with CONCAT "
                "to build a sentence",
        slots=(Slot("first", "where the connection starts", (), _e("DiGeorgeSyndrome")),
               Slot("second", "where the connection ends", (), _e("UpperLipTwitching"))),
        clauses=(
            ("SELECT DISTINCT ?steps ?middle ?middleLabel ?reading",
             "Return each connection once: its number of steps, the entity in the middle (if "
             "any) and the connection read as a sentence."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES (?first ?second) { ({{first}} {{second}}) }",
             "?first stands for {{first}} and ?second for {{second}}, the entities you picked."),
            ("  ?first rdfs:label ?firstLabel .", "?firstLabel is the name of {{first}}."),
            ("  ?second rdfs:label ?secondLabel .", "?secondLabel is the name of {{second}}."),
            ("  {", "Either a connection in one step …"),
            ("    { ?first ?relation ?second . ?relation rdfs:label ?phrase . }",
             "… a relation from {{first}} to {{second}}, read forwards by its label "
             "('acts through') …"),
            ("    UNION", "… or …"),
            ("    { ?second ?relation ?first . ?relation cm:inverseLabel ?phrase . }",
             "… a relation from {{second}} to {{first}}, read backwards by its inverse label "
             "('is a mechanism of')."),
            ("    ?relation cm:inverseLabel ?backwards .",
             "Only relations between entities have an inverse label: this keeps out rdf:type "
             "and the like."),
            ("    BIND (1 AS ?steps)", "Record that this connection takes one step."),
            ('    BIND (CONCAT(" ", ?phrase, " ") AS ?rest)',
             "Keep the middle of the sentence; the names are added at the end."),
            ("  }", "End of the one-step case."),
            ("  UNION", "Or …"),
            ("  {", "… a connection in two steps, through an entity ?middle:"),
            ("    { ?first ?relation ?middle . ?relation rdfs:label ?phrase . }",
             "{{first}} is related to ?middle, forwards …"),
            ("    UNION", "… or …"),
            ("    { ?middle ?relation ?first . ?relation cm:inverseLabel ?phrase . }",
             "… backwards;"),
            ("    ?relation cm:inverseLabel ?backwards .", "(a relation between entities)"),
            ("    { ?middle ?relation2 ?second . ?relation2 rdfs:label ?phrase2 . }",
             "and ?middle is related to {{second}}, forwards …"),
            ("    UNION", "… or …"),
            ("    { ?second ?relation2 ?middle . ?relation2 cm:inverseLabel ?phrase2 . }",
             "… backwards;"),
            ("    ?relation2 cm:inverseLabel ?backwards2 .", "(a relation between entities)"),
            ("    ?middle rdfs:label ?middleLabel .", "?middleLabel is the middle entity's name."),
            ("    FILTER (?middle != ?first && ?middle != ?second)",
             "The middle must be a third entity, not one of the two ends."),
            ("    BIND (2 AS ?steps)", "Record that this connection takes two steps."),
            ('    BIND (CONCAT(" ", ?phrase, " ", ?middleLabel, ", which ", ?phrase2, " ") '
             "AS ?rest)",
             "Keep the middle of the sentence: 'acts through hypocalcemia, which can cause'."),
            ("  }", "End of the two-step case."),
            ('  BIND (CONCAT(UCASE(SUBSTR(?firstLabel, 1, 1)), SUBSTR(?firstLabel, 2), ?rest, '
             '?secondLabel, ".") AS ?reading)',
             "The sentence: the first name with a capital letter, the middle, the second name "
             "and a full stop. It is built here because a group inside braces cannot see "
             "?secondLabel, which is bound outside it."),
            ("}", "End of the pattern."),
            ("ORDER BY ?steps LCASE(?reading)", "Shortest connections first, then alphabetically."),
        ),
    ),
    Template(
        name="symptoms-of-condition",
        question="Which symptoms can {{cause}} produce?",
        teaches="UNION: symptoms reached directly or through a mechanism",
        slots=(Slot("cause", "the condition or trigger", _classes("Condition", "Trigger"),
                    _e("ParkinsonsDisease")),),
        clauses=(
            ("SELECT DISTINCT ?symptom ?symptomLabel ?mechanismLabel",
             "Return each symptom once, with its name and the mechanism it comes through (if "
             "any)."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES ?cause { {{cause}} }", "?cause stands for {{cause}}, the entity you picked."),
            ("  {", "Either …"),
            ("    ?cause cm:hasSymptom|cm:canCause ?symptom .",
             "… {{cause}} has ?symptom as a symptom, or can cause it, directly …"),
            ("  } UNION {", "… or …"),
            ("    ?cause cm:actsThrough ?mechanism .", "… {{cause}} acts through a ?mechanism"),
            ("    ?mechanism cm:canCause ?symptom ;", "that can cause ?symptom;"),
            ("               rdfs:label ?mechanismLabel .",
             "?mechanismLabel is that mechanism's name (empty for direct symptoms)."),
            ("  }", "End of the alternatives."),
            ("  ?symptom a cm:Symptom ;", "Keep only symptoms and signs."),
            ("           rdfs:label ?symptomLabel .", "?symptomLabel is the symptom's name."),
            ("}", "End of the pattern."),
            ("ORDER BY LCASE(?symptomLabel)", "Sort by symptom, ignoring case."),
        ),
    ),
    Template(
        name="conditions-through-mechanism",
        question="Which conditions act through {{mechanism}}, and what treats it?",
        teaches="OPTIONAL: keep a row even when part of the pattern has no match",
        slots=(Slot("mechanism", "the mechanism", _classes("Mechanism"), _e("Hypocalcemia")),),
        clauses=(
            ("SELECT ?condition ?conditionLabel ?treatment ?treatmentLabel",
             "Return each condition with a treatment of the mechanism, and both names."),
            ("WHERE {", "The rows are every way the pattern between the braces matches the graph."),
            ("  VALUES ?mechanism { {{mechanism}} }",
             "?mechanism stands for {{mechanism}}, the entity you picked."),
            ("  ?condition cm:actsThrough ?mechanism ;",
             "?condition acts through {{mechanism}};"),
            ("             a cm:Condition ;", "it must be a condition;"),
            ("             rdfs:label ?conditionLabel .", "?conditionLabel is its name."),
            ("  OPTIONAL {",
             "If the graph has it (OPTIONAL keeps the row either way, leaving the columns "
             "empty) …"),
            ("    ?mechanism cm:treatedBy ?treatment .", "… a ?treatment of {{mechanism}} …"),
            ("    ?treatment rdfs:label ?treatmentLabel .", "… and its name."),
            ("  }", "End of the optional part."),
            ("}", "End of the pattern."),
            ("ORDER BY LCASE(?conditionLabel) ?treatmentLabel",
             "Sort by condition, then by treatment."),
        ),
    ),
)


def get_template(name: str) -> Template:
    """The template called ``name``.

    Raises
    ------
    NamedQueryError
        No template has that name.

    Examples
    --------
    >>> get_template("shared-mechanism").pattern()
    'Which conditions share a mechanism with X?'
    >>> get_template("what-causes")
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: no question template 'what-causes'; there are: causes-of, shared-mechanism, treats-mechanism-behind, how-connected, symptoms-of-condition, conditions-through-mechanism
    """
    for template in TEMPLATES:
        if template.name == name:
            return template
    raise NamedQueryError(f"no question template {name!r}; there are: "
                          + ", ".join(t.name for t in TEMPLATES))


def build(kg: KnowledgeGraph, name: str | Template,
          entities: Mapping[str, URIRef | str] | None = None) -> BuiltQuestion:
    """Fill a template's blanks with entities: the English question, its SPARQL and its clauses.

    Parameters
    ----------
    kg : KnowledgeGraph
        The graph the entities must belong to (it also gives their labels).
    name : str or Template
        The template, or its name (see :data:`TEMPLATES`).
    entities : dict of str to URIRef or str, optional
        One entity per slot: an IRI, or text :func:`graph.entities.resolve` understands (a
        label, synonym or CURIE). Missing slots take the slot's default.

    Returns
    -------
    BuiltQuestion

    Raises
    ------
    NamedQueryError
        Unknown template or slot name.
    EntityNotFound
        An entity is not a curated entity of ``kg``, or text matches none.

    Examples
    --------
    >>> from graph.store import load
    >>> q = build(load(), "how-connected", {"first": "als", "second": "cm:TouretteSyndrome"})
    >>> q.english
    'How are amyotrophic lateral sclerosis and Tourette syndrome connected?'
    >>> print(q.clauses[2].text)
      VALUES (?first ?second) { (cm:AmyotrophicLateralSclerosis cm:TouretteSyndrome) }
    >>> q.clauses[2].meaning
    '?first stands for amyotrophic lateral sclerosis and ?second for Tourette syndrome, the entities you picked.'
    >>> build(load(), "causes-of", {"cause": "ptosis"})
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: causes-of has no blank 'cause'; its blanks: effect
    """
    template = name if isinstance(name, Template) else get_template(name)
    given = dict(entities or {})
    names = [slot.name for slot in template.slots]
    for key in given:
        if key not in names:
            raise NamedQueryError(f"{template.name} has no blank {key!r}; its blanks: "
                                  + ", ".join(names))
    picked: dict[str, URIRef] = {}
    for slot in template.slots:
        value = given.get(slot.name)
        if value is None:
            iri = slot.default
        elif isinstance(value, URIRef):
            iri = value
        else:
            iri = resolve(kg, str(value))
        if kg.class_of(iri) is None:
            # Only IRIs the graph holds as entities may be written into the query text.
            raise EntityNotFound(f"{curie(str(iri))} is not an entity in this graph")
        picked[slot.name] = iri
    terms = {k: sparql_term(v) for k, v in picked.items()}
    labels = {k: kg.label(v) for k, v in picked.items()}
    clauses = tuple(Clause(_fill(text, terms), _fill(meaning, labels))
                    for text, meaning in template.clauses)
    params = {k: (curie(str(v)) if curie(str(v)) != str(v) else f"<{v}>")
              for k, v in picked.items()}
    return BuiltQuestion(template, picked, template.english(labels), clauses, params)
