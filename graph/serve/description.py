"""The SPARQL 1.1 Service Description of the endpoint: what a client may ask and how.

Served at the endpoint itself when a request carries no query (``GET /sparql``, ``GET /``), as the
Service Description recommendation (W3C, 2013, §2) asks. It names the endpoint, SPARQL 1.1 Query as
the only language (no update), every result format the endpoint writes (the W3C ``formats:`` IRIs),
the union default graph (``sd:UnionDefaultGraph``), the default dataset with its triple count and
vocabulary (VoID), and, in words, the limits a query runs under.

Examples
--------
>>> from rdflib import Graph
>>> text = service_description("http://127.0.0.1:7878/sparql", Limits(timeout=10, max_rows=5000,
...                            max_triples=20000), triples=1268)
>>> g = Graph().parse(data=text, format="turtle")
>>> sorted(str(o) for o in g.objects(None, SD.supportedLanguage))
['http://www.w3.org/ns/sparql-service-description#SPARQL11Query']
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.store.files import ONTOLOGY_GRAPH

__all__ = ["Limits", "SD", "FORMATS_NS", "VOID", "service_description", "description_graph"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

# Every result format the endpoint writes, as the W3C names them (https://www.w3.org/ns/formats/).
_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                   "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG",
                   "N-Quads")


@dataclass(frozen=True)
class Limits:
    """The bounds of every query the endpoint runs (seconds, rows, triples)."""

    timeout: float
    max_rows: int
    max_triples: int


def description_graph(endpoint: str, limits: Limits, *, triples: int | None = None) -> Graph:
    """The service description as an rdflib graph (see :func:`service_description`)."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("sd", SD), ("formats", FORMATS_NS), ("void", VOID), ("dcterms", DCTERMS),
                       ("rdfs", RDFS), ("xsd", XSD)):
        g.bind(prefix, ns)
    service, dataset, default = BNode("service"), BNode("dataset"), BNode("defaultGraph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in _RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS_NS[name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime,
           URIRef("http://www.w3.org/ns/entailment/Simple")))
    g.add((service, DCTERMS.title, Literal("Causemap SPARQL endpoint", lang="en")))
    g.add((service, RDFS.comment, Literal(
        "Read-only: SELECT, ASK, CONSTRUCT and DESCRIBE only; updates, SERVICE, FROM and FROM NAMED "
        "are refused (HTTP 400), as are default-graph-uri and named-graph-uri. The prefixes cm:, "
        "claim:, src:, rdf:, rdfs:, owl:, xsd:, skos:, prov:, dcterms:, schema: and obo: are "
        f"declared for every query. Each query is stopped after {limits.timeout:g} s (HTTP 504); "
        f"at most {limits.max_rows} rows or {limits.max_triples} triples are returned (the "
        "response header Causemap-Truncated says when more were dropped); HTTP 503 means every "
        "query worker is busy: try again. For learning, not for diagnosis.", lang="en")))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.vocabulary, ONTOLOGY_GRAPH))
    if triples is not None:
        g.add((default, VOID.triples, Literal(int(triples))))
    return g


def service_description(endpoint: str, limits: Limits, *, triples: int | None = None,
                        fmt: str = "turtle") -> str:
    """The service description of an endpoint, as Turtle (or another RDF format rdflib writes).

    Parameters
    ----------
    endpoint : str
        The endpoint's absolute URL (``sd:endpoint``).
    limits : Limits
        The bounds every query runs under.
    triples : int, optional
        The triples in the default graph (``void:triples``); left out when unknown.
    fmt : str
        An rdflib serializer name: ``turtle``, ``nt``, ``json-ld``, ``xml`` …
    """
    return description_graph(endpoint, limits, triples=triples).serialize(format=fmt)
