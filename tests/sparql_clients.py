"""Query a SPARQL endpoint with real third-party clients, in a process of their own.

Run by ``tests/test_serve_clients.py`` as ``python tests/sparql_clients.py`` with a JSON list of
jobs on stdin; prints a JSON list of answers, one per job. It imports no Causemap code, and must
not: SPARQLWrapper and rdflib's ``SPARQLStore`` open URLs with ``urllib``, which
``graph.store.offline`` forbids for the whole process once an ``rdflib:`` store is opened or its
doctest has run (both happen in the test process, in an order pytest decides). Here nothing
installs that audit hook, so the clients run as they would in any user's program.

A job is ``{"client": "sparqlwrapper" | "sparqlstore", "endpoint": URL, "query": TEXT,
"format": NAME, "method": NAME}``. An answer is normalised so that the test can compare it with
Causemap's own output:

- SELECT in JSON or XML: ``{"vars": [...], "rows": [[term or null, ...], ...]}``, terms written
  in N-Triples syntax;
- ASK: ``{"boolean": true|false}``;
- CSV and TSV from SPARQLWrapper: ``{"text": body}`` as sent;
- CONSTRUCT/DESCRIBE: ``{"nt": N-Triples}`` of the parsed graph;
- a failure: ``{"error": class name, "message": text}``.
"""

from __future__ import annotations

import json
import sys
import warnings


def _nt_json(cell: dict) -> str:
    """A SPARQL JSON results term in N-Triples syntax."""
    from rdflib import BNode, Literal, URIRef

    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value).n3()
    if kind == "bnode":
        return BNode(value).n3()
    return Literal(value, lang=cell.get("xml:lang"), datatype=cell.get("datatype")).n3()


def _xml_rows(doc) -> dict:
    """A SPARQL XML results document (SPARQLWrapper's minidom) as vars and rows."""
    from rdflib import BNode, Literal, URIRef

    def text(node) -> str:
        return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE)

    boolean = doc.getElementsByTagName("boolean")
    if boolean:
        return {"boolean": text(boolean[0]).strip() == "true"}
    names = [v.getAttribute("name") for v in doc.getElementsByTagName("variable")]
    rows = []
    for result in doc.getElementsByTagName("result"):
        cells = dict.fromkeys(names)
        for binding in result.getElementsByTagName("binding"):
            term = next(c for c in binding.childNodes if c.nodeType == c.ELEMENT_NODE)
            if term.tagName == "uri":
                cells[binding.getAttribute("name")] = URIRef(text(term)).n3()
            elif term.tagName == "bnode":
                cells[binding.getAttribute("name")] = BNode(text(term)).n3()
            else:
                lang = term.getAttribute("xml:lang") or None
                datatype = term.getAttribute("datatype") or None
                cells[binding.getAttribute("name")] = Literal(text(term), lang=lang,
                                                              datatype=datatype).n3()
        rows.append([cells[n] for n in names])
    return {"vars": names, "rows": rows}


def sparqlwrapper(job: dict) -> dict:
    from SPARQLWrapper import (CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE,
                               XML, SPARQLWrapper)

    formats = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "turtle": TURTLE, "n3": N3,
               "rdfxml": RDFXML, "json-ld": JSONLD}
    client = SPARQLWrapper(job["endpoint"])
    client.setQuery(job["query"])
    client.setReturnFormat(formats[job["format"]])
    if job["method"] in ("POST", "POSTDIRECTLY"):
        client.setMethod(POST)
        if job["method"] == "POSTDIRECTLY":
            client.setRequestMethod(POSTDIRECTLY)
    answer = client.query().convert()
    if job["format"] in ("csv", "tsv"):
        return {"text": answer.decode("utf-8")}
    if job["format"] in ("turtle", "n3"):  # SPARQLWrapper hands these over unparsed
        from rdflib import Graph
        return {"nt": Graph().parse(data=answer, format="turtle").serialize(format="nt")}
    if isinstance(answer, dict):  # SPARQL JSON results
        if "boolean" in answer:
            return {"boolean": answer["boolean"]}
        names = answer["head"]["vars"]
        return {"vars": names, "rows": [[_nt_json(b[n]) if n in b else None for n in names]
                                        for b in answer["results"]["bindings"]]}
    if hasattr(answer, "serialize"):  # an rdflib Graph for CONSTRUCT/DESCRIBE
        return {"nt": answer.serialize(format="nt")}
    return _xml_rows(answer)


def sparqlstore(job: dict) -> dict:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(job["endpoint"], returnFormat=job["format"], method=job["method"])
    result = Graph(store=store).query(job["query"])
    if result.type == "ASK":
        return {"boolean": bool(result.askAnswer)}
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return {"nt": result.graph.serialize(format="nt")}
    names = [str(v) for v in result.vars]
    return {"vars": names, "rows": [[(row[i].n3() if row[i] is not None else None)
                                     for i in range(len(names))] for row in result]}


def main() -> None:
    warnings.simplefilter("ignore")  # SPARQLWrapper warns about its own format guesses
    answers = []
    for job in json.load(sys.stdin):
        try:
            answers.append({"sparqlwrapper": sparqlwrapper, "sparqlstore": sparqlstore}
                           [job["client"]](job))
        except Exception as exc:  # the test asserts on failures too
            answers.append({"error": type(exc).__name__, "message": str(exc)})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
