"""The question templates of the builder: questions in plain English, their SPARQL, clause by clause.

Data, not logic: each :class:`Template` is a question with blanks ("What can cause X?"), what it
teaches, and its query as clauses with their meanings; :mod:`graph.learn.questions` fills the blanks.
Every template has a twin named query in ``graph/query/queries/`` (a test keeps them in step).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Mapping

from rdflib import URIRef

from graph.learn.explain import capitalise
from graph.namespace import CM

__all__ = ["Slot", "Clause", "Template", "BuiltQuestion", "TEMPLATES"]

_HOLE_RE = re.compile(r"\{\{(\w+)\}\}")


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _HOLE_RE.sub(lambda m: values[m.group(1)], text)


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
        Also the name of the twin named query (``graph/query/queries/NAME.rq``).
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

        >>> from graph.learn.questions import get_template
        >>> get_template("how-connected").english({"first": "ALS", "second": "ptosis"})
        'How are ALS and ptosis connected?'
        """
        return capitalise(_fill(self.question, labels))

    def pattern(self) -> str:
        """The question with its blanks shown as "X", "Y", for menus.

        >>> from graph.learn.questions import get_template
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
            ("  {", "Six alternatives follow, joined by UNION: one per way of walking from "
                    "{{first}} to {{second}}. First, one step forwards:"),
            ("    ?first ?relation ?second ; rdfs:label ?firstLabel .",
             "{{first}} has some ?relation to {{second}}; ?firstLabel is its name."),
            ("    ?relation rdfs:label ?phrase ; cm:inverseLabel ?backwards .",
             "?phrase reads the relation forwards ('acts through'). Only relations between "
             "entities have an inverse label, so this keeps out rdf:type and the like."),
            ("    BIND (1 AS ?steps)", "BIND gives a variable a value: this path takes one step."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase) AS ?path)',
             "The start of the sentence, e.g. 'hypoparathyroidism is treated by'."),
            ("  } UNION {", "Or one step backwards:"),
            ("    ?second ?relation ?first .", "{{second}} has some ?relation to {{first}};"),
            ("    ?first rdfs:label ?firstLabel .", "?firstLabel is the name of {{first}};"),
            ("    ?relation cm:inverseLabel ?phrase .",
             "the relation is read backwards, by its inverse label ('is a mechanism of')."),
            ("    BIND (1 AS ?steps)", "One step."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase) AS ?path)', "The start of the sentence."),
            ("  } UNION {", "Or two steps, forwards then forwards, through an entity ?middle:"),
            ("    ?first ?relation ?middle ; rdfs:label ?firstLabel .",
             "{{first}} has a ?relation to ?middle;"),
            ("    ?middle ?relation2 ?second ; rdfs:label ?middleLabel .",
             "?middle has a ?relation2 to {{second}}; ?middleLabel is its name;"),
            ("    ?relation rdfs:label ?phrase ; cm:inverseLabel ?backwards .",
             "both relations are read forwards …"),
            ("    ?relation2 rdfs:label ?phrase2 ; cm:inverseLabel ?backwards2 .",
             "… and both link entities."),
            ("    FILTER (?middle != ?first && ?middle != ?second)",
             "FILTER drops rows: the middle must be a third entity, not one of the ends."),
            ("    BIND (2 AS ?steps)", "Two steps."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase, " ", ?middleLabel, ", which ", '
             "?phrase2) AS ?path)",
             "The start of the sentence: 'DiGeorge syndrome acts through hypocalcemia, which "
             "can cause'."),
            ("  } UNION {", "Or forwards, then backwards:"),
            ("    ?first ?relation ?middle ; rdfs:label ?firstLabel .",
             "{{first}} has a ?relation to ?middle;"),
            ("    ?second ?relation2 ?middle .", "{{second}} has a ?relation2 to ?middle;"),
            ("    ?middle rdfs:label ?middleLabel .", "?middleLabel is its name;"),
            ("    ?relation rdfs:label ?phrase ; cm:inverseLabel ?backwards .",
             "the first relation is read forwards,"),
            ("    ?relation2 cm:inverseLabel ?phrase2 .", "the second backwards."),
            ("    FILTER (?middle != ?first && ?middle != ?second)", "A third entity in the middle."),
            ("    BIND (2 AS ?steps)", "Two steps."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase, " ", ?middleLabel, ", which ", '
             "?phrase2) AS ?path)", "The start of the sentence."),
            ("  } UNION {", "Or backwards, then forwards:"),
            ("    ?middle ?relation ?first ; ?relation2 ?second ; rdfs:label ?middleLabel .",
             "?middle has a ?relation to {{first}} and a ?relation2 to {{second}};"),
            ("    ?first rdfs:label ?firstLabel .", "?firstLabel is the name of {{first}};"),
            ("    ?relation cm:inverseLabel ?phrase .", "the first relation is read backwards,"),
            ("    ?relation2 rdfs:label ?phrase2 ; cm:inverseLabel ?backwards2 .",
             "the second forwards."),
            ("    FILTER (?middle != ?first && ?middle != ?second)", "A third entity in the middle."),
            ("    BIND (2 AS ?steps)", "Two steps."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase, " ", ?middleLabel, ", which ", '
             "?phrase2) AS ?path)", "The start of the sentence."),
            ("  } UNION {", "Or backwards, then backwards:"),
            ("    ?middle ?relation ?first ; rdfs:label ?middleLabel .",
             "?middle has a ?relation to {{first}};"),
            ("    ?second ?relation2 ?middle .", "{{second}} has a ?relation2 to ?middle;"),
            ("    ?first rdfs:label ?firstLabel .", "?firstLabel is the name of {{first}};"),
            ("    ?relation cm:inverseLabel ?phrase .", "both relations are read backwards."),
            ("    ?relation2 cm:inverseLabel ?phrase2 .", "(the second one)"),
            ("    FILTER (?middle != ?first && ?middle != ?second)", "A third entity in the middle."),
            ("    BIND (2 AS ?steps)", "Two steps."),
            ('    BIND (CONCAT(?firstLabel, " ", ?phrase, " ", ?middleLabel, ", which ", '
             "?phrase2) AS ?path)", "The start of the sentence."),
            ("  }", "End of the alternatives. Each is one flat pattern, so rdflib evaluates it "
                    "with ?first and ?second already fixed, which keeps the query fast."),
            ("  ?second rdfs:label ?secondLabel .", "?secondLabel is the name of {{second}}."),
            ('  BIND (CONCAT(UCASE(SUBSTR(?path, 1, 1)), SUBSTR(?path, 2), " ", ?secondLabel, '
             '".") AS ?reading)',
             "The sentence: the start with a capital letter, the second name and a full stop."),
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


