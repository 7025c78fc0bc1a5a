"""Check a knowledge graph against the project's rules: SHACL shapes and SPARQL violation checks.

Two kinds of rule run over every graph, bundled or uploaded. The SHACL shapes in
``ontology/shapes.ttl`` look at one flat graph (:meth:`Store.to_graph`, ontology included):
what each entity, relation, claim and source section must state. The OBO-style checks in
``ontology/checks/*-violation.rq`` are SPARQL queries over the :class:`~rdflib.Dataset` where any
returned row is a failure; they cover what SHACL cannot see (which named graph holds a triple), and
rules that compare nodes with each other (duplicate labels) or with the ontology (domains and
ranges read from ``owl:unionOf`` lists). pyshacl runs without inference: ``sh:targetClass`` and
``sh:class`` already follow ``rdfs:subClassOf`` in the data graph, and RDFS inference would type
every subject of a relation with the relation's domain, hiding the very errors the relation shapes
look for. Both kinds of rule report :class:`Finding` objects in one :class:`ValidationReport`.

Examples
--------
>>> from rdflib.namespace import RDF
>>> from graph.namespace import CM, entity
>>> from graph.store import ONTOLOGY, load
>>> from graph.store.rdflib_store import RdflibStore
>>> kg = load([ONTOLOGY])                      # the ontology alone has nothing to violate
>>> validate(kg).conforms
True
>>> kg = RdflibStore.from_files([ONTOLOGY])    # an rdflib dataset, to break it on purpose
>>> _ = kg.dataset.add((entity("Tremor"), RDF.type, CM.Symptom))   # no label, no definition
>>> report = validate(kg)
>>> report.conforms
False
>>> print(report.summary())
2 violations (2 from SHACL shapes, 0 from SPARQL checks)
>>> for line in report.lines(kg):
...     print(line)
VIOLATION [EntityDefinitionShape] cm:Tremor skos:definition: An entity needs exactly one definition (skos:definition), in English.
VIOLATION [EntityLabelShape] cm:Tremor rdfs:label: An entity needs exactly one label (rdfs:label), in English.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.namespace import curie
from graph.store import CHECKS_DIR, SHAPES  # CHECKS_DIR: every *-violation.rq there runs

if TYPE_CHECKING:
    from graph.store import Store

__all__ = [
    "CHECKS_DIR",
    "Finding",
    "ValidationReport",
    "check_files",
    "validate",
]

# pyshacl writes severities as sh:Violation, sh:Warning, sh:Info; the report keeps the local name.
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# Not rdflib's XSD namespace object: pytest's doctest finder probes module globals, and XSD warns.
_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
# Literal values (a whole definition, say) are cut to this many characters in report lines.
_MAX_VALUE_CHARS = 60


@dataclass(frozen=True)
class Finding:
    """One failure of one rule at one place in the graph.

    Parameters
    ----------
    rule : str
        The rule that failed: a shape's local name (``"EntityLabelShape"``) for SHACL, the check's
        name without ``-violation.rq`` (``"relation-unsourced"``) for a SPARQL check.
    focus : rdflib.term.Node or None
        The node at fault (a relation's subject for relation rules).
    path : rdflib.term.Node or None
        The property concerned, when there is one.
    value : rdflib.term.Node or None
        The offending value (a relation's object, a label, a count), when there is one.
    message : str
        What is wrong, in a sentence for a curator.
    severity : str
        ``"Violation"``, ``"Warning"`` or ``"Info"``; only violations make a graph fail.
    source : str
        ``"shacl"``, or the file name of the SPARQL check that found it.

    Examples
    --------
    >>> from graph.namespace import CM, entity
    >>> f = Finding("TreatedByShape", entity("Tremor"), CM.treatedBy, entity("Stroke"),
    ...             "What something is treated by must be a treatment.", "Violation", "shacl")
    >>> f.line()
    'VIOLATION [TreatedByShape] cm:Tremor cm:treatedBy cm:Stroke: What something is treated by must be a treatment.'
    """

    rule: str
    focus: Node | None
    path: Node | None
    value: Node | None
    message: str
    severity: str = "Violation"
    source: str = "shacl"

    def line(self, kg: Store | None = None) -> str:
        """Render the finding as one line of text; with ``kg``, nodes are named by label and CURIE.

        The value is left out when it is the focus node itself (SHACL reports a node-level failure
        that way), so a line reads as "subject relation object: message".
        """
        where = []
        if self.focus is not None:
            where.append(_describe(self.focus, kg))
        if self.path is not None:
            # Properties by CURIE alone: that is how a curator finds them in the data files.
            where.append(_describe(self.path, None))
        if self.value is not None and self.value != self.focus:
            where.append(_describe(self.value, kg))
        place = " ".join(where)
        return f"{self.severity.upper()} [{self.rule}] {place}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: whether the graph conforms, and every finding.

    Parameters
    ----------
    conforms : bool
        ``True`` when no finding is a violation (warnings and infos do not fail a graph).
    results : list of Finding
        Every finding, sorted by source (SHACL first), rule and focus node.

    Examples
    --------
    >>> ValidationReport(True, []).summary()
    'conforms: no violations'
    """

    conforms: bool
    results: list[Finding] = field(default_factory=list)

    @property
    def rules(self) -> set[str]:
        """The names of the rules that failed at least once."""
        return {f.rule for f in self.results}

    def summary(self) -> str:
        """One line: "conforms", or how many violations each kind of rule found."""
        violations = [f for f in self.results if f.severity == "Violation"]
        if not violations:
            return "conforms: no violations"
        shacl = sum(1 for f in violations if f.source == "shacl")
        noun = "violation" if len(violations) == 1 else "violations"
        return (f"{len(violations)} {noun} ({shacl} from SHACL shapes, "
                f"{len(violations) - shacl} from SPARQL checks)")

    def lines(self, kg: Store | None = None) -> list[str]:
        """One line of text per finding, for the CLI; pass ``kg`` to name nodes by their labels."""
        return [f.line(kg) for f in self.results]


def check_files() -> list[Path]:
    """The bundled SPARQL checks, ``ontology/checks/*-violation.rq``, sorted by name.

    >>> [p.name for p in check_files()][:2]
    ['claim-multiple-triples-violation.rq', 'dangling-entity-violation.rq']
    """
    return sorted(CHECKS_DIR.glob("*-violation.rq"))


def validate(kg: Store) -> ValidationReport:
    """Run the SHACL shapes and every SPARQL check over a knowledge graph.

    Parameters
    ----------
    kg : Store
        The graph to check, as returned by :func:`graph.store.load` (ontology included). It is
        only read, never changed.

    Returns
    -------
    ValidationReport
        ``conforms`` is ``True`` when no rule found a violation.

    See Also
    --------
    check_files : the SPARQL checks that run.

    Examples
    --------
    >>> from graph.store import ONTOLOGY, load
    >>> validate(load([ONTOLOGY])).results
    []
    """
    # One line per distinct finding: pyshacl reports a value once per failed constraint component
    # (a CURIE string fails both sh:nodeKind and sh:pattern), which reads as a duplicate.
    findings = list(dict.fromkeys(_shacl_findings(kg.to_graph()) + _check_findings(kg)))
    findings.sort(key=lambda f: (f.source != "shacl", f.source, f.rule, str(f.focus), str(f.path),
                                 str(f.value)))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms, findings)


@functools.lru_cache(maxsize=1)
def _shapes() -> Graph:
    # Parsed once per process: the bundled shapes never change while the app runs.
    return Graph().parse(SHAPES, format="turtle")


def _shacl_findings(data: Graph) -> list[Finding]:
    # A copy per run: pyshacl adds a few triples to the shapes graph it is given, and the app may
    # validate from several threads at once (one per user session).
    shapes = Graph()
    for triple in _shapes():
        shapes.add(triple)
    # No ont_graph: the union already holds the ontology, and mixing one in would copy the data.
    # No inference: see the module docstring. meta_shacl/advanced/js off: plain SHACL Core only.
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True,
        meta_shacl=False, advanced=False, js=False, do_owl_imports=False)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        message = results.value(result, SH.resultMessage)
        findings.append(Finding(
            rule=_rule_name(shapes, shape),
            focus=results.value(result, SH.focusNode),
            path=results.value(result, SH.resultPath),
            value=results.value(result, SH.value),
            message=str(message) if message is not None else "fails a SHACL constraint",
            severity=_SEVERITIES.get(results.value(result, SH.resultSeverity), "Violation"),
            source="shacl",
        ))
    return findings


def _rule_name(shapes: Graph, shape: Node | None) -> str:
    """The local name of the named shape that ``shape`` is, or is nested in."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        shape = next(shapes.subjects(None, shape), None)
    if isinstance(shape, URIRef):
        return str(shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "SHACL"


@functools.lru_cache(maxsize=None)
def _check_text(path: Path) -> str:
    # Bundled, trusted queries: read once, run by the store itself (no guarded query path).
    return path.read_text(encoding="utf-8")


def _check_findings(kg: Store) -> list[Finding]:
    findings = []
    for path in check_files():
        rule = path.name.removesuffix("-violation.rq")
        for cols in kg.select(_check_text(path)).dicts():
            findings.append(Finding(
                rule=rule,
                focus=cols.get("focus"),
                path=cols.get("path"),
                value=cols.get("value"),
                message=str(cols.get("message") or _title(path)),
                severity="Violation",
                source=path.name,
            ))
    return findings


def _title(path: Path) -> str:
    """The check's title: its first comment line (used when a row carries no ?message)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").strip()


def _describe(node: Node, kg: Store | None) -> str:
    """A node as a reader sees it: ``label (cm:Curie)``, a CURIE, or a quoted, shortened literal."""
    if isinstance(node, Literal):
        text = str(node)
        if len(text) > _MAX_VALUE_CHARS:
            text = text[:_MAX_VALUE_CHARS - 1] + "…"
        if node.datatype is not None and node.datatype != _XSD_STRING:
            return text                  # numbers, dates, booleans: their value reads plainly
        tag = f"@{node.language}" if node.language else ""
        return f'"{text}"{tag}'
    if isinstance(node, BNode):
        return "[blank node]"
    short = curie(str(node))
    label = kg.label(node) if kg is not None else short
    return short if label == short else f"{label} ({short})"
