"""The question builder: every question's SPARQL gives the expected answer on the bundled data, and
the same answer as its twin named query, from Python and from the ``causemap`` command.

Expected answers come from two places: a few read off the source article by hand (the defaults),
and, for every entity a picker offers, the answer computed straight from the triples with rdflib's
graph API, with no SPARQL involved, so that a wrong query cannot agree with itself.
"""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, RDFS

from graph.learn.questions import TEMPLATES, build, get_template
from graph.query.builder import inline_values, sparql_term, values_clause
from graph.learn.entities import resolve
from graph.errors import EntityNotFound, NamedQueryError
from graph.query.named import get_named_query, list_named_queries, run_named
from graph.namespace import CM, entity
from graph.learn.paths import simple_paths
from graph.query import check_query, run_query
from graph.query.results import serialize
from graph.store import Store
from graph.store.oxigraph_store import OxigraphStore
from graph.store.rdflib_store import RdflibStore

E = entity


def answer(kg, name, entities=None):
    """Run a built question; return (built question, result)."""
    built = build(kg, name, entities)
    return built, run_query(kg, built.sparql)


def column(result, var):
    i = result.variables.index(var)
    return [row[i] for row in result.rows]


def entities_of(kg, *classes):
    return [e for e in kg.entities() if not classes or kg.class_of(e) in classes]


# -- the twins -------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_every_template_has_a_twin_named_query_with_the_same_parameters(template):
    twin = get_named_query(template.name)
    assert [p.name for p in twin.params] == [s.name for s in template.slots]
    assert all(p.kind == "entity" for p in twin.params)
    # The builder's defaults and the twin's defaults are the same entities.
    assert [p.to_term(p.default) for p in twin.params] == [s.default for s in template.slots]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_built_sparql_parses_and_selects_what_its_twin_selects(kg, template):
    built = build(kg, template)
    assert built.sparql == "\n".join(c.text for c in built.clauses) + "\n"
    assert check_query(built.sparql).variables == check_query(get_named_query(template.name).text).variables
    assert all(c.meaning.strip() for c in built.clauses)


def _statements(text):
    """The query's lines without comments, VALUES lines or spacing differences."""
    return [" ".join(line.split()) for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#") and "VALUES" not in line]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_the_builder_explains_exactly_its_twins_query(kg, template):
    # The clauses a student reads are the named query's own lines plus one VALUES line.
    built = build(kg, template)
    assert _statements(built.sparql) == _statements(get_named_query(template.name).text)
    assert sum("VALUES" in c.text for c in built.clauses) == 1


def _parity_cases():
    """(template, entities) pairs: each template with its defaults and with other picks."""
    yield "causes-of", None
    yield "causes-of", {"effect": "upper-lip twitching"}
    yield "causes-of", {"effect": "hypocalcemia"}
    yield "shared-mechanism", None
    yield "shared-mechanism", {"condition": "Parkinson's disease"}
    yield "treats-mechanism-behind", None
    yield "treats-mechanism-behind", {"condition": "Parkinson's disease"}
    yield "how-connected", None
    yield "how-connected", {"first": "hypoparathyroidism", "second": "calcium replacement"}
    yield "how-connected", {"first": "als", "second": "Tourette syndrome"}
    yield "symptoms-of-condition", None
    yield "symptoms-of-condition", {"cause": "DiGeorge syndrome"}
    yield "conditions-through-mechanism", None
    yield "conditions-through-mechanism", {"mechanism": "neurodegeneration"}


PARITY = list(_parity_cases())


@pytest.mark.parametrize("name, entities", PARITY,
                         ids=[f"{n}-{'-'.join((e or {}).values()) or 'defaults'}" for n, e in PARITY])
def test_the_builder_and_its_named_twin_give_the_same_answer(kg, name, entities):
    built, result = answer(kg, name, entities)
    twin = run_named(kg, name, built.params, resolve_entity=lambda t: resolve(kg, t))
    assert result.variables == twin.variables
    assert result.rows == twin.rows




@pytest.mark.parametrize("name, entities", PARITY[::2],
                         ids=[f"{n}-{'-'.join((e or {}).values()) or 'defaults'}"
                              for n, e in PARITY[::2]])
def test_the_command_line_gives_the_builders_answer(kg, run_cli, name, entities):
    built, result = answer(kg, name, entities)
    args = [a for k, v in built.params.items() for a in ("--param", f"{k}={v}")]
    code, out, err = run_cli("query", "--named", name, *args, "--format", "csv")
    assert code == 0, err
    assert list(csv.reader(io.StringIO(out))) == list(csv.reader(io.StringIO(
        serialize(result, "csv"))))
    # What the page shows as "the same question from the command line" is that command.
    assert built.command == f"causemap query --named {name} " + " ".join(
        f"--param {k}={v}" for k, v in built.params.items())


@pytest.mark.parametrize("nq", list_named_queries(), ids=lambda nq: nq.name)
def test_inline_values_answer_like_bindings_for_every_named_query(kg, nq):
    # The example gallery writes entity parameters into the text as VALUES; other kinds stay
    # bindings. The answer must not change.
    terms = {p.name: p.to_term(p.default) for p in nq.params if p.kind == "entity"}
    others = {p.name: p.to_term(p.default) for p in nq.params if p.kind != "entity"}
    inlined = run_query(kg, inline_values(nq.text, terms), bindings=others)
    assert inlined.rows == run_named(kg, nq).rows


# -- expected answers ------------------------------------------------------------------------------

def test_what_can_cause_hypoparathyroidism(kg):
    built, result = answer(kg, "causes-of")
    assert built.english == "What can cause hypoparathyroidism?"
    # Real causes instead of the vague "hormonal disorder" (review finding 11).
    assert [str(x) for x in column(result, "causeLabel")] == [
        "autoimmune disease", "DiGeorge syndrome", "hypomagnesemia", "thyroid surgery"]
    assert [str(x) for x in column(result, "classLabel")] == [
        "Condition", "Condition", "Mechanism", "Trigger or exposure"]


@pytest.mark.parametrize("effect", [
    E("Hypoparathyroidism"), E("Hypocalcemia"), E("UpperLipTwitching"), E("FacialMuscleWeakness"),
    E("DopamineDeficiency")], ids=lambda e: e.split("/")[-1])
def test_what_can_cause_agrees_with_the_triples(kg, effect):
    g = kg
    expected = {s for p in (CM.canCause, CM.hasSymptom) for s in g.subjects(p, effect)
                if kg.class_of(s) is not None}
    _, result = answer(kg, "causes-of", {"effect": effect})
    assert set(column(result, "cause")) == expected


def test_which_conditions_share_a_mechanism_with_hypoparathyroidism(kg):
    _, result = answer(kg, "shared-mechanism")
    assert result.rows == [(E("DiGeorgeSyndrome"), result.rows[0][1], E("Hypocalcemia"),
                            result.rows[0][3])]
    assert str(result.rows[0][1]) == "DiGeorge syndrome"


def test_shared_mechanisms_agree_with_the_triples_for_every_condition(kg):
    g = kg
    for condition in entities_of(kg, CM.Condition):
        expected = {(other, m) for m in g.objects(condition, CM.actsThrough)
                    for other in g.subjects(CM.actsThrough, m)
                    if other != condition and kg.class_of(other) == CM.Condition}
        _, result = answer(kg, "shared-mechanism", {"condition": condition})
        got = {(row[0], row[2]) for row in result.rows}
        assert got == expected, kg.label(condition)


def test_what_treats_the_mechanism_behind_digeorge_syndrome(kg):
    _, result = answer(kg, "treats-mechanism-behind")
    assert [(str(r[1]), str(r[3])) for r in result.rows] == [("calcium replacement", "hypocalcemia")]


def test_mechanism_treatments_agree_with_the_triples_for_every_condition_and_trigger(kg):
    g = kg
    for cause in entities_of(kg, CM.Condition, CM.Trigger):
        expected = {(t, m) for m in g.objects(cause, CM.actsThrough)
                    for t in g.objects(m, CM.treatedBy)}
        _, result = answer(kg, "treats-mechanism-behind", {"condition": cause})
        assert {(row[0], row[2]) for row in result.rows} == expected, kg.label(cause)


def test_how_digeorge_syndrome_and_upper_lip_twitching_are_connected(kg):
    built, result = answer(kg, "how-connected")
    assert built.english == "How are DiGeorge syndrome and upper-lip twitching connected?"
    assert [str(x) for x in column(result, "reading")] == [
        "DiGeorge syndrome acts through hypocalcemia, which can cause upper-lip twitching."]


@pytest.mark.parametrize("first, second", [
    ("DiGeorgeSyndrome", "UpperLipTwitching"),
    ("Hypoparathyroidism", "CalciumReplacement"),
    ("ParkinsonsDisease", "Hypocalcemia"),
    ("AmyotrophicLateralSclerosis", "TouretteSyndrome"),
    ("Caffeine", "UpperLipTwitching"),
    ("FacialNerve", "BellsPalsy"),
    ("Thymus", "Lagophthalmos"),
])
def test_connections_read_like_the_path_finder(kg, first, second):
    # graph.learn.paths walks networkx, not SPARQL: the two must find the same paths of 1–2 steps.
    expected = {p.sentence for p in simple_paths(kg, E(first), E(second), max_length=2)}
    _, result = answer(kg, "how-connected", {"first": E(first), "second": E(second)})
    assert {str(x) for x in column(result, "reading")} == expected
    steps = [int(x) for x in column(result, "steps")]
    assert steps == sorted(steps)


def test_which_symptoms_can_parkinsons_disease_produce(kg):
    _, result = answer(kg, "symptoms-of-condition")
    # A lip tremor, not a twitch (review finding 9); soft monotone speech, not slurred (15).
    assert sorted({str(x) for x in column(result, "symptomLabel")}) == [
        "lip tremor", "soft monotone speech", "tremor of the hands"]


def test_which_conditions_act_through_hypocalcemia_and_what_treats_it(kg):
    _, result = answer(kg, "conditions-through-mechanism")
    assert [(str(r[1]), str(r[3])) for r in result.rows] == [
        ("DiGeorge syndrome", "calcium replacement"),
        ("hypoparathyroidism", "calcium replacement")]


# -- clauses and safety ----------------------------------------------------------------------------

def test_clauses_name_the_picked_entities(kg):
    built = build(kg, "shared-mechanism", {"condition": "Bell's palsy"})
    values = next(c for c in built.clauses if "VALUES" in c.text)
    assert values.text.strip() == "VALUES ?condition { cm:BellsPalsy }"
    assert "Bell's palsy" in values.meaning
    assert any("Bell's palsy" in c.meaning for c in built.clauses if "FILTER" in c.text)


@pytest.mark.parametrize("name, entities, error, message", [
    # no such template
    ("what-causes", None, NamedQueryError, "no question template 'what-causes'"),
    # a blank the template does not have
    ("causes-of", {"cause": "ptosis"}, NamedQueryError, "has no blank 'cause'"),
    # text that names no entity
    ("causes-of", {"effect": "xyzzy"}, EntityNotFound, "no entity called 'xyzzy'"),
    # an IRI that is not an entity of this graph is never written into the query
    ("causes-of", {"effect": URIRef("https://example.org/elsewhere")}, EntityNotFound,
     "not an entity in this graph"),
    # a property is not an entity either
    ("causes-of", {"effect": CM.canCause}, EntityNotFound, "not an entity in this graph"),
])
def test_bad_picks_are_refused(kg, name, entities, error, message):
    with pytest.raises(error, match=message):
        build(kg, name, entities)


def test_an_entity_iri_that_would_break_the_query_is_refused():
    # An uploaded graph could hold an IRI with characters that end a SPARQL IRI early; writing it
    # into VALUES would change the query, so the builder refuses it.
    ds = Dataset(default_union=True)
    evil = URIRef("https://example.org/x> } ; DROP ALL #")
    ds.add((CM.Condition, RDFS.subClassOf, CM.Entity))
    ds.add((evil, RDF.type, CM.Condition))
    with pytest.raises(ValueError, match="Invalid IRI"):
        OxigraphStore.from_dataset(ds)  # Oxigraph never stores such an IRI; rdflib does
    kg = RdflibStore(ds)
    with pytest.raises(ValueError, match="not an IRI that can be written in SPARQL"):
        build(kg, "shared-mechanism", {"condition": evil})


@pytest.mark.parametrize("terms, message", [
    ({}, "VALUES needs variable names"),                                   # nothing to fix
    ({"a b": E("Ptosis")}, "VALUES needs variable names"),                  # not a variable name
    ({"x": "https://example.org/a b"}, "not an IRI that can be written"),  # a space in the IRI
])
def test_values_clause_refuses_what_it_cannot_write(terms, message):
    with pytest.raises(ValueError, match=message):
        values_clause(terms)


@pytest.mark.parametrize("text, expected", [
    # WHERE in a comment and a brace in a string are not the query's own
    ('# WHERE { not here }\nSELECT ?x WHERE { ?x rdfs:label "{" }',
     '# WHERE { not here }\nSELECT ?x WHERE {\n  VALUES ?x { cm:Ptosis }\n  ?x rdfs:label "{" }'),
    # WHERE is optional for SELECT
    ("SELECT ?x { ?x a ?t }", "SELECT ?x {\n  VALUES ?x { cm:Ptosis }\n  ?x a ?t }"),
    # a CONSTRUCT template is not the WHERE group
    ("CONSTRUCT { ?x a ?t } WHERE { ?x a ?t }",
     "CONSTRUCT { ?x a ?t } WHERE {\n  VALUES ?x { cm:Ptosis }\n  ?x a ?t }"),
])
def test_inline_values_finds_the_where_group(text, expected):
    assert inline_values(text, {"x": E("Ptosis")}) == expected


def test_inline_values_needs_a_where_group():
    with pytest.raises(ValueError, match="no WHERE group"):
        inline_values("CONSTRUCT { ?x a ?t }", {"x": E("Ptosis")})


def test_sparql_term_prefers_curies():
    assert sparql_term(E("Hypocalcemia")) == "cm:Hypocalcemia"
    assert sparql_term("https://example.org/a") == "<https://example.org/a>"


def test_patterns_are_the_questions_of_the_issue():
    assert [get_template(n).pattern() for n in ("causes-of", "shared-mechanism",
                                                "treats-mechanism-behind", "how-connected")] == [
        "What can cause X?", "Which conditions share a mechanism with X?",
        "What treats the mechanism behind X?", "How are X and Y connected?"]
