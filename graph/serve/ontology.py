"""The ontology at its stable IRI: ``/ontology`` as Turtle for programs, a readable page for people.

``https://w3id.org/causemap/ontology`` names the ontology; ``causemap serve`` publishes the bundled
file (``ontology/causemap.ttl``) at ``/ontology`` with content negotiation: Turtle by default (the
file as curated, comments included), HTML when a browser asks for it, and N-Triples, JSON-LD or
RDF/XML on request. The page lists the header (title, description, version, licence) and every
class and relation with its label, definition and, for relations, domain, range and inverse
reading. Every text from the file is escaped, and the page loads nothing from anywhere.

Examples
--------
>>> page = ontology_html()
>>> "<h1>Causemap ontology</h1>" in page and 'id="canCause"' in page
True
"""

from __future__ import annotations

import functools
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from graph.namespace import CM, curie
from graph.store.files import ONTOLOGY, ONTOLOGY_GRAPH

__all__ = ["ONTOLOGY_TYPES", "ontology_graph", "ontology_turtle", "ontology_html",
           "ontology_as"]

#: What ``/ontology`` offers, the default first: media type → rdflib format (or "html").
ONTOLOGY_TYPES = {
    "text/turtle": "turtle",
    "text/html": "html",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #ddd; }
code { font-size: .9em; }
.note { color: #555; }
"""


@functools.lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The bundled ontology, parsed once per process."""
    return Graph().parse(ONTOLOGY, format="turtle")


def ontology_turtle() -> str:
    """The ontology file as curated (its comments are part of the documentation)."""
    return ONTOLOGY.read_text(encoding="utf-8")


def ontology_as(fmt: str) -> str:
    """The ontology in one of :data:`ONTOLOGY_TYPES`' formats."""
    if fmt == "turtle":
        return ontology_turtle()
    if fmt == "html":
        return ontology_html()
    return ontology_graph().serialize(format=fmt)


def _english(g: Graph, node, prop) -> str:
    values = [o for o in g.objects(node, prop) if isinstance(o, Literal)]
    values.sort(key=lambda v: (v.language not in ("en", None), str(v)))
    return str(values[0]) if values else ""


def _term(g: Graph, node) -> str:
    """A class or relation as HTML: a link to its row here, or its CURIE linked to its IRI."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_term(g, m) for m in Collection(g, members))
        return "(anonymous)"
    iri = str(node)
    label = _english(g, node, RDFS.label) or curie(iri)
    if iri.startswith(str(CM)) and (node, RDF.type, None) in g:
        return f'<a href="#{escape(iri[len(str(CM)):])}">{escape(label)}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{escape(iri)}">{escape(curie(iri))}</a>'
    return escape(curie(iri))


def _terms(g: Graph, kind) -> list[URIRef]:
    found = [s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)]
    return sorted(found, key=lambda s: _english(g, s, RDFS.label).lower() or str(s))


def _class_rows(g: Graph) -> list[str]:
    rows = []
    for node in _terms(g, OWL.Class):
        local = str(node)[len(str(CM)):]
        parents = ", ".join(_term(g, p) for p in sorted(g.objects(node, RDFS.subClassOf), key=str))
        rows.append(f'<tr id="{escape(local)}"><td>{escape(_english(g, node, RDFS.label))}<br>'
                    f'<code>{escape(curie(str(node)))}</code></td>'
                    f'<td>{escape(_english(g, node, SKOS.definition))}</td><td>{parents}</td></tr>')
    return rows


def _relation_rows(g: Graph) -> list[str]:
    rows = []
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    nodes = sorted({n for k in kinds for n in _terms(g, k)},
                   key=lambda s: _english(g, s, RDFS.label).lower())
    for node in nodes:
        local = str(node)[len(str(CM)):]
        domain = ", ".join(_term(g, d) for d in g.objects(node, RDFS.domain))
        range_ = ", ".join(_term(g, r) for r in g.objects(node, RDFS.range))
        inverse = _english(g, node, CM.inverseLabel)
        rows.append(f'<tr id="{escape(local)}"><td>{escape(_english(g, node, RDFS.label))}<br>'
                    f'<code>{escape(curie(str(node)))}</code></td>'
                    f'<td>{escape(_english(g, node, SKOS.definition))}'
                    + (f'<br><span class="note">read backwards: “{escape(inverse)}”</span>'
                       if inverse else "")
                    + f"</td><td>{domain}</td><td>{range_}</td></tr>")
    return rows


def ontology_html() -> str:
    """A small readable page of the ontology; every value from the file is escaped."""
    g = ontology_graph()
    head = ONTOLOGY_GRAPH
    title = _english(g, head, DCTERMS.title) or "Causemap ontology"
    facts = [("IRI", f"<code>{escape(str(head))}</code>")]
    version = g.value(head, OWL.versionInfo)
    if version is not None:
        facts.append(("Version", escape(str(version))))
    modified = g.value(head, DCTERMS.modified)
    if modified is not None:
        facts.append(("Modified", escape(str(modified))))
    licence = g.value(head, DCTERMS.license)
    if licence is not None:
        facts.append(("Licence", _term(g, licence)))
    facts.append(("Other formats", "Turtle, N-Triples, JSON-LD and RDF/XML from this address by "
                                   "content negotiation (the <code>Accept</code> header)"))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_english(g, head, DCTERMS.description))}</p>",
        f'<p class="note">{escape(_english(g, head, RDFS.comment))}</p>',
        f"<dl>{dl}</dl>",
        "<h2>Classes</h2>",
        "<table><tr><th>Class</th><th>Definition</th><th>Kind of</th></tr>",
        *_class_rows(g), "</table>",
        "<h2>Relations and attributes</h2>",
        "<table><tr><th>Relation</th><th>Definition</th><th>From</th><th>To</th></tr>",
        *_relation_rows(g), "</table>",
        "</body>", "</html>", ""])
