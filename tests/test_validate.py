"""Tests for graph.validate, ontology/shapes.ttl and ontology/checks/*-violation.rq.

Each broken graph is a fresh copy of the tiny fixture ``tests/data/mini.trig`` with one deliberate
mistake, and the test asserts exactly which rules catch it, so a rule that stops firing and a rule
that starts firing where it should not both show up. Only ``test_bundled_data_conforms`` reads the
curated data in ``data/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from graph.namespace import CLAIM, CM, RELATIONS, SOURCE, entity
from graph.store import DATA_DIR, ONTOLOGY, ONTOLOGY_GRAPH, SHAPES, load
from graph.validate import Finding, ValidationReport, check_files, validate

MINI = Path(__file__).parent / "data" / "mini.trig"

DIGEORGE = entity("DiGeorgeSyndrome")
HYPOCALCEMIA = entity("Hypocalcemia")
TWITCHING = entity("UpperLipTwitching")
CALCIUM = entity("CalciumReplacement")
SECTION = SOURCE["upper-lip-twitching-4"]
FIRST_CLAIM = CLAIM["DiGeorgeSyndrome-actsThrough-Hypocalcemia"]


@pytest.fixture
def mini():
    """A fresh copy of the fixture graph, safe to break (its union is not built yet)."""
    return load([MINI], store="rdflib:")  # an rdflib store: the tests break copies on purpose


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def add_claim(ds, s, p, o, *, section=SECTION, text="A claim written for a test."):
    """Add ``s p o`` the way the data does: alone in a named graph, with a claim record."""
    name = CLAIM[f"{s.split('/')[-1]}-{p.split('/')[-1]}-{o.split('/')[-1]}"]
    ds.graph(name).add((s, p, o))
    ds.add((name, RDF.type, CM.Claim))
    if section is not None:
        ds.add((name, CM.citesSection, section))
    ds.add((name, CM.claimText, Literal(text, lang="en")))
    return name


def add_rejected(ds, s, p, o, *, name=None, note="Rejected in a test."):
    """Record ``s p o`` as a rejected claim, the way the data does: named, sourced, with a reason."""
    if name is None:
        name = CLAIM[f"{s.split('/')[-1]}-{p.split('/')[-1].split('#')[-1]}-{o.split('/')[-1]}"]
    for pred, obj in ((RDF.type, CM.RejectedClaim), (RDF.subject, s), (RDF.predicate, p),
                      (RDF.object, o), (CM.citesSection, SECTION),
                      (CM.claimText, Literal("The source says so.", lang="en")),
                      (CM.curatorNote, Literal(note, lang="en"))):
        ds.add((name, pred, obj))
    return name


KIND = entity("Fasciculation")


def add_kind(ds, *, pattern=Literal("brief"), shown=True):
    """Add a kind of involuntary movement that upper-lip twitching can show as."""
    for pred, obj in ((RDF.type, CM.Symptom), (RDF.type, CM.MovementKind),
                      (RDFS.label, Literal("fasciculation", lang="en")),
                      (SKOS.definition, Literal("A brief flicker of a few muscle fibres.", lang="en"))):
        ds.add((KIND, pred, obj))
    if pattern is not None:
        ds.add((KIND, CM.movementPattern, pattern))
    if shown:
        add_claim(ds, TWITCHING, CM.showsAs, KIND)
    return KIND


def replace(ds, s, p, new):
    """Set the single value of ``s p`` to ``new`` in the default graph."""
    ds.remove((s, p, None))
    ds.add((s, p, new))


# --- Data that must conform -----------------------------------------------------------------------

def test_bundled_data_conforms():
    if not (DATA_DIR / "article.trig").exists():
        pytest.skip("data/article.trig is not written yet")
    kg = load()
    report = validate(kg)
    assert report.conforms, "\n".join(report.lines(kg))


def test_fixture_conforms(mini):
    report = validate(mini)
    assert report.conforms, "\n".join(report.lines(mini))
    assert report.results == []


def test_validate_does_not_change_the_graph(mini):
    before = len(mini.dataset)
    union = len(mini)
    validate(mini)
    assert (len(mini.dataset), len(mini)) == (before, union)


# --- Broken copies of the fixture: each fails with exactly the expected rules ---------------------

BROKEN = [
    # An entity without a label.
    pytest.param(lambda ds: ds.remove((HYPOCALCEMIA, RDFS.label, None)),
                 {"EntityLabelShape"}, HYPOCALCEMIA, id="missing-label"),
    # An entity with two labels.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, RDFS.label, Literal("Low calcium", lang="en"))),
                 {"EntityLabelShape"}, HYPOCALCEMIA, id="two-labels"),
    # A label without a language tag.
    pytest.param(lambda ds: replace(ds, HYPOCALCEMIA, RDFS.label, Literal("Hypocalcemia")),
                 {"EntityLabelShape"}, HYPOCALCEMIA, id="label-not-english"),
    # An entity without a definition.
    pytest.param(lambda ds: ds.remove((HYPOCALCEMIA, SKOS.definition, None)),
                 {"EntityDefinitionShape"}, HYPOCALCEMIA, id="missing-definition"),
    # An entity with two entity classes.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, RDF.type, CM.Symptom)),
                 {"EntityShape"}, HYPOCALCEMIA, id="two-classes"),
    # An entity typed with the abstract cm:Entity only.
    pytest.param(lambda ds: replace(ds, CALCIUM, RDF.type, CM.Entity),
                 {"EntityShape", "TreatedByShape", "domain-range"}, CALCIUM, id="abstract-class"),
    # A synonym that is a number, not a string.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, SKOS.altLabel, Literal(42))),
                 {"EntitySynonymShape"}, HYPOCALCEMIA, id="synonym-not-string"),
    # A relation whose subject is of the wrong class: a treatment cannot have symptoms.
    pytest.param(lambda ds: add_claim(ds, CALCIUM, CM.hasSymptom, TWITCHING),
                 {"HasSymptomShape", "domain-range"}, CALCIUM, id="wrong-subject-class"),
    # A relation whose object is of the wrong class: a mechanism treated by a condition.
    pytest.param(lambda ds: add_claim(ds, HYPOCALCEMIA, CM.treatedBy, DIGEORGE),
                 {"TreatedByShape", "domain-range"}, HYPOCALCEMIA, id="wrong-object-class"),
    # A treatment attached to a symptom "whatever the cause": treatment follows the cause.
    pytest.param(lambda ds: add_claim(ds, TWITCHING, CM.treatedBy, CALCIUM),
                 {"TreatedByShape", "domain-range"}, TWITCHING, id="symptom-treated-whatever-the-cause"),
    # A synonym that is the head of the entity's label names a broader class.
    pytest.param(lambda ds: ds.add((TWITCHING, SKOS.altLabel, Literal("twitching", lang="en"))),
                 {"synonym-broader"}, TWITCHING, id="synonym-is-the-head-of-a-label"),
    # A synonym that is the head of another entity's label ("Calcium replacement"), in any case.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, SKOS.altLabel, Literal("Replacement"))),
                 {"synonym-broader"}, HYPOCALCEMIA, id="synonym-is-the-head-of-another-label"),
    # A synonym that is the label of a class.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, SKOS.altLabel, Literal("mechanism", lang="en"))),
                 {"synonym-broader"}, HYPOCALCEMIA, id="synonym-is-a-class-label"),
    # A relation the curators rejected, asserted after all (the fixture's claim holds it).
    pytest.param(lambda ds: add_rejected(ds, HYPOCALCEMIA, CM.canCause, TWITCHING,
                                         name=CLAIM["Rejected-in-a-test"]),
                 {"rejected-claim-asserted"}, HYPOCALCEMIA, id="rejected-relation-asserted"),
    # A rejected claim without the curator's reason.
    pytest.param(lambda ds: ds.remove((add_rejected(ds, DIGEORGE, CM.hasSymptom, TWITCHING),
                                       CM.curatorNote, None)),
                 {"RejectedClaimShape"}, CLAIM["DiGeorgeSyndrome-hasSymptom-UpperLipTwitching"],
                 id="rejected-claim-without-reason"),
    # A rejected claim whose predicate is not a relation.
    pytest.param(lambda ds: add_rejected(ds, DIGEORGE, RDFS.seeAlso, TWITCHING),
                 {"RejectedClaimShape"}, CLAIM["DiGeorgeSyndrome-seeAlso-UpperLipTwitching"],
                 id="rejected-claim-names-no-relation"),
    # A kind of movement without its pattern in time.
    pytest.param(lambda ds: add_kind(ds, pattern=None),
                 {"MovementKindShape"}, KIND, id="movement-kind-without-pattern"),
    # A kind of movement whose pattern is not one of the four words.
    pytest.param(lambda ds: add_kind(ds, pattern=Literal("jerky")),
                 {"MovementKindShape"}, KIND, id="movement-kind-unknown-pattern"),
    # A pattern word with a language tag is not the plain string the list holds.
    pytest.param(lambda ds: add_kind(ds, pattern=Literal("brief", lang="en")),
                 {"MovementKindShape"}, KIND, id="movement-kind-pattern-tagged"),
    # A kind of movement typed only as a kind: tools reading one entity class would miss it.
    pytest.param(lambda ds: ds.remove((add_kind(ds), RDF.type, CM.Symptom)),
                 {"MovementKindShape", "EntityShape"}, KIND, id="movement-kind-not-a-symptom"),
    # A kind of movement that no symptom shows as.
    pytest.param(lambda ds: add_kind(ds, shown=False),
                 {"MovementKindShape"}, KIND, id="movement-kind-shown-by-nothing"),
    # Only a symptom shows as a kind of movement.
    pytest.param(lambda ds: (add_kind(ds), add_claim(ds, HYPOCALCEMIA, CM.showsAs, KIND)),
                 {"ShowsAsShape", "domain-range"}, HYPOCALCEMIA, id="shows-as-from-a-mechanism"),
    # A relation asserted in the default graph, held by no claim graph.
    pytest.param(lambda ds: ds.add((DIGEORGE, CM.hasSymptom, TWITCHING)),
                 {"relation-unsourced"}, DIGEORGE, id="relation-without-claim"),
    # A relation in a named graph that is not a claim.
    pytest.param(lambda ds: ds.graph(URIRef("https://example.org/g")).add(
                     (DIGEORGE, CM.hasSymptom, TWITCHING)),
                 {"relation-unsourced"}, DIGEORGE, id="relation-in-non-claim-graph"),
    # A claim that cites no section.
    pytest.param(lambda ds: ds.remove((FIRST_CLAIM, CM.citesSection, None)),
                 {"ClaimShape", "relation-unsourced"}, FIRST_CLAIM, id="claim-without-section"),
    # A claim that cites the whole document instead of a section.
    pytest.param(lambda ds: replace(ds, FIRST_CLAIM, CM.citesSection,
                                    SOURCE["upper-lip-twitching"]),
                 {"ClaimShape", "domain-range"}, FIRST_CLAIM, id="claim-cites-document"),
    # A claim without its one-line text.
    pytest.param(lambda ds: ds.remove((FIRST_CLAIM, CM.claimText, None)),
                 {"ClaimShape"}, FIRST_CLAIM, id="claim-without-text"),
    # A claim graph holding a second relation.
    pytest.param(lambda ds: ds.graph(FIRST_CLAIM).add((DIGEORGE, CM.hasSymptom, TWITCHING)),
                 {"claim-multiple-triples"}, FIRST_CLAIM, id="claim-with-two-triples"),
    # A claim whose graph holds nothing (its graph name misspelt, say).
    pytest.param(lambda ds: (ds.add((CLAIM["Orphan"], RDF.type, CM.Claim)),
                             ds.add((CLAIM["Orphan"], CM.citesSection, SECTION)),
                             ds.add((CLAIM["Orphan"], CM.claimText, Literal("No.", lang="en")))),
                 {"claim-multiple-triples"}, CLAIM["Orphan"], id="claim-with-empty-graph"),
    # An HPO IRI with too few digits.
    pytest.param(lambda ds: replace(ds, HYPOCALCEMIA, SKOS.exactMatch,
                                    URIRef("http://purl.obolibrary.org/obo/HP_2901")),
                 {"CrossReferenceShape"}, HYPOCALCEMIA, id="bad-hpo-iri"),
    # An HPO identifier written as a CURIE string instead of an IRI.
    pytest.param(lambda ds: replace(ds, HYPOCALCEMIA, SKOS.exactMatch, Literal("HP:0002901")),
                 {"CrossReferenceShape"}, HYPOCALCEMIA, id="hpo-curie-literal"),
    # An OMIM entry on the old host.
    pytest.param(lambda ds: replace(ds, DIGEORGE, SKOS.exactMatch,
                                    URIRef("http://www.omim.org/entry/188400")),
                 {"CrossReferenceShape"}, DIGEORGE, id="bad-omim-iri"),
    # A cross-reference into a vocabulary whose identifiers we cannot check.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, SKOS.closeMatch,
                                    URIRef("http://id.nlm.nih.gov/mesh/D006996"))),
                 {"CrossReferenceShape"}, HYPOCALCEMIA, id="unchecked-vocabulary"),
    # Two entities with one label, differing only in case.
    pytest.param(lambda ds: replace(ds, CALCIUM, RDFS.label, Literal("hypocalcemia", lang="en")),
                 {"label-duplicate"}, CALCIUM, id="duplicate-label"),
    # One entity's label is another entity's synonym.
    pytest.param(lambda ds: ds.add((TWITCHING, SKOS.altLabel, Literal("HYPOCALCEMIA", lang="en"))),
                 {"label-duplicate"}, HYPOCALCEMIA, id="label-is-other-synonym"),
    # A relation to an IRI that nothing describes.
    pytest.param(lambda ds: add_claim(ds, HYPOCALCEMIA, CM.canCause, entity("Tetany")),
                 {"dangling-entity", "CanCauseShape", "domain-range"}, entity("Tetany"),
                 id="untyped-object"),
    # A misspelt relation.
    pytest.param(lambda ds: ds.add((HYPOCALCEMIA, URIRef(CM._NS + "treatedby"), CALCIUM)),
                 {"term-undeclared"}, HYPOCALCEMIA, id="undeclared-property"),
    # A misspelt class: the node is no longer an entity, so the relation to it breaks too.
    pytest.param(lambda ds: replace(ds, TWITCHING, RDF.type, URIRef(CM._NS + "Symptomm")),
                 {"term-undeclared", "CanCauseShape", "domain-range"}, TWITCHING,
                 id="undeclared-class"),
    # A source section without its number.
    pytest.param(lambda ds: ds.remove((SECTION, CM.sectionNumber, None)),
                 {"SourceSectionShape"}, SECTION, id="section-without-number"),
]


@pytest.mark.parametrize("break_it,rules,culprit", BROKEN)
def test_broken_copy_fails_with_expected_rules(mini, break_it, rules, culprit):
    break_it(mini.dataset)
    report = validate(mini)
    assert not report.conforms
    assert report.rules == rules, "\n".join(report.lines(mini))
    # Relation rules report the edge (subject as focus), so the culprit may be the value.
    assert culprit in {f.focus for f in report.results} | {f.value for f in report.results}


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.split("/")[-1])
def test_every_relation_needs_a_claim(mini, relation):
    # The check reads "content relation" from the ontology; this keeps it equal to RELATIONS.
    mini.dataset.add((CALCIUM, relation, TWITCHING))
    found = [f for f in validate(mini).results if f.rule == "relation-unsourced"]
    assert [(f.focus, f.path, f.value) for f in found] == [(CALCIUM, relation, TWITCHING)]
    assert "No claim graph holds this relation" in found[0].message


def test_domain_range_check_reads_the_ontology(mini):
    # Drift: the ontology narrows a range but shapes.ttl is not updated. SHACL still passes;
    # the check, which reads the ontology, catches the data that the new range forbids.
    ontology = mini.dataset.graph(ONTOLOGY_GRAPH)
    replace(ontology, CM.actsThrough, RDFS.range, CM.Symptom)
    report = validate(mini)
    assert report.rules == {"domain-range"}
    [finding] = report.results
    assert (finding.focus, finding.path, finding.value) == (DIGEORGE, CM.actsThrough, HYPOCALCEMIA)
    assert "rdfs:range" in finding.message


# --- Shapes and checks agree with the ontology ----------------------------------------------------

def ontology_classes(ontology: Graph, node) -> set:
    """The classes an ontology domain or range names: one class, or an owl:unionOf list."""
    if isinstance(node, URIRef):
        return {node}
    return set(Collection(ontology, ontology.value(node, OWL.unionOf)))


def shape_classes(shapes: Graph, shape) -> set:
    """The classes a shape allows: its sh:class, or the sh:class of each sh:or alternative."""
    if shapes.value(shape, SH["class"]) is not None:
        return set(shapes.objects(shape, SH["class"]))
    alternatives = Collection(shapes, shapes.value(shape, SH["or"]))
    return {c for alt in alternatives for c in shapes.objects(alt, SH["class"])}


def test_every_relation_has_one_shape_and_no_shape_targets_another_property(shapes):
    assert sorted(shapes.objects(None, SH.targetSubjectsOf)) == sorted(RELATIONS)


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.split("/")[-1])
def test_relation_shape_matches_ontology_domain_and_range(shapes, ontology, relation):
    [shape] = shapes.subjects(SH.targetSubjectsOf, relation)
    [object_shape] = [p for p in shapes.objects(shape, SH.property)
                      if shapes.value(p, SH.path) == relation]
    domain = ontology_classes(ontology, ontology.value(relation, RDFS.domain))
    range_ = ontology_classes(ontology, ontology.value(relation, RDFS.range))
    assert shape_classes(shapes, shape) == domain
    assert shape_classes(shapes, object_shape) == range_


def test_every_shape_is_documented(shapes):
    named = {s for kind in (SH.NodeShape, SH.PropertyShape)
             for s in shapes.subjects(RDF.type, kind)}
    assert len(named) > len(RELATIONS)       # one per relation, plus entity and provenance shapes
    for shape in named:
        for prop in (RDFS.label, RDFS.comment, SH.message):
            assert shapes.value(shape, prop) is not None, f"{shape} has no {prop}"
        # A named shape's property shapes report their own results, so each carries a message.
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            assert shapes.value(prop_shape, SH.message) is not None, (shape, path)


def test_checks_have_headers_and_the_report_columns():
    names = {p.name for p in check_files()}
    assert {"relation-unsourced-violation.rq", "claim-multiple-triples-violation.rq",
            "domain-range-violation.rq", "label-duplicate-violation.rq",
            "dangling-entity-violation.rq", "rejected-claim-asserted-violation.rq",
            "synonym-broader-violation.rq"} <= names
    for path in check_files():
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first.startswith("# ") and ": " in first, f"{path.name}: no title line"
        assert "?focus" in text and "?message" in text, f"{path.name}: no ?focus/?message column"
        # Run unguarded with rdflib, so they must never make it fetch anything.
        query = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        assert not re.search(r"\b(SERVICE|FROM|LOAD)\b", query, re.IGNORECASE), path.name


# --- The report as text ---------------------------------------------------------------------------

def test_report_lines_name_nodes_by_label_and_curie(mini):
    # A mechanism, not a symptom, as the subject: a symptom cannot be treated at all (review
    # finding 1), which would add a second pair of findings.
    add_claim(mini.dataset, HYPOCALCEMIA, CM.treatedBy, DIGEORGE)
    report = validate(mini)
    lines = report.lines(mini)
    assert len(lines) == len(report.results) == 2
    assert lines[0] == ("VIOLATION [TreatedByShape] Hypocalcemia (cm:Hypocalcemia) "
                        "cm:treatedBy DiGeorge syndrome (cm:DiGeorgeSyndrome): "
                        "What something is treated by must be a treatment.")
    assert lines[1].startswith(
        "VIOLATION [domain-range] Hypocalcemia (cm:Hypocalcemia)")
    assert report.summary() == "2 violations (1 from SHACL shapes, 1 from SPARQL checks)"


@pytest.mark.parametrize("value,shown", [
    # A literal is quoted, with its language tag.
    (Literal("Low calcium", lang="en"), '"Low calcium"@en'),
    # A long literal is cut, so one finding stays one line.
    (Literal("x" * 200), '"' + "x" * 59 + '…"'),
    # A number is shown as it reads, without quotes.
    (Literal(2), "2"),
    # An IRI outside every known prefix is shown whole.
    (URIRef("https://example.org/x"), "https://example.org/x"),
])
def test_finding_line_shows_values(value, shown):
    line = Finding("r", entity("A"), None, value, "m").line()
    assert line == f"VIOLATION [r] cm:A {shown}: m"


def test_summary_counts_only_violations():
    # Only violations fail a graph; a future warning-level rule must not read as a failure.
    report = ValidationReport(True, [Finding("r", None, None, None, "m", severity="Warning")])
    assert report.summary() == "conforms: no violations"
