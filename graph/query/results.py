r"""Write query results out: a plain-text table for terminals and the W3C exchange formats.

SELECT results go out as an aligned table (IRIs shortened to CURIEs — HPO, OMIM and ORPHA ids as
``HP:0002901``, ``OMIM:188400``, ``ORPHA:567`` — long values clipped), or in the SPARQL 1.1 results
formats: CSV and JSON through rdflib's own serializers, TSV and XML here (rdflib only reads TSV, and
its XML writer drops the text of literals whose value is false: ``0``, ``false``, ``""``). ASK
answers go out as a table line, JSON or XML. CONSTRUCT and DESCRIBE graphs go out as a table of
triples, Turtle, N-Triples, JSON-LD, RDF/XML, or TriG and N-Quads (the triples in the default
graph). Only the table says that a result was truncated, since the exchange formats have no place
for it: callers that write those should report :attr:`~graph.query.QueryResult.truncated`
themselves (``causemap query`` on stderr, ``causemap serve`` in a response header).

:data:`MEDIA_TYPES` gives each exchange format its registered media type, for HTTP content
negotiation (:mod:`graph.serve`) and downloads.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> from graph.query import QueryResult
>>> result = QueryResult("SELECT", ["mechanism", "label"],
...     [(URIRef("https://w3id.org/causemap/Hypocalcemia"), Literal("hypocalcemia", lang="en"))])
>>> print(serialize(result, "table"))
mechanism        label
---------------  ------------
cm:Hypocalcemia  hypocalcemia
1 row
>>> serialize(result, "tsv").split("\t")
['?mechanism', '?label\n<https://w3id.org/causemap/Hypocalcemia>', '"hypocalcemia"@en\n']
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result

from graph.errors import ResultFormatError
from graph.namespace import curie, xref_curie
from graph.query import QUERY_KINDS, QueryResult

__all__ = ["FORMATS", "MEDIA_TYPES", "MAX_CELL_WIDTH", "result_formats", "media_type",
           "serialize"]

_GRAPH_FORMATS = ("table", "turtle", "nt", "json-ld", "xml", "trig", "nquads")

#: The formats each kind of result can be written in; the first is the default. ``xml`` is the
#: SPARQL XML results format for SELECT and ASK, and RDF/XML for graphs.
FORMATS: dict[str, tuple[str, ...]] = {
    "SELECT": ("table", "csv", "tsv", "json", "xml"),
    "ASK": ("table", "json", "xml"),
    "CONSTRUCT": _GRAPH_FORMATS,
    "DESCRIBE": _GRAPH_FORMATS,
}

#: The registered media type of each exchange format, by result family (``table`` is plain text).
MEDIA_TYPES: dict[str, dict[str, str]] = {
    "results": {
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
        "table": "text/plain",
    },
    "graph": {
        "turtle": "text/turtle",
        "nt": "application/n-triples",
        "json-ld": "application/ld+json",
        "xml": "application/rdf+xml",
        "trig": "application/trig",
        "nquads": "application/n-quads",
        "table": "text/plain",
    },
}

#: Table cells longer than this are clipped with "…" (the other formats keep every character).
MAX_CELL_WIDTH = 60

_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld",
            "text": "table", "nq": "nquads", "n-quads": "nquads", "rdfxml": "xml",
            "rdf-xml": "xml", "rdf/xml": "xml"}
# XML 1.0 cannot carry these characters at all, not even as character references.
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]+")
# Written as plain strings: pytest's doctest collector probes module globals, and rdflib's closed
# XSD namespace warns on every unknown attribute it is asked for.
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING, _XSD_BOOLEAN = URIRef(_XSD + "string"), URIRef(_XSD + "boolean")
_TURTLE_NUMBER = {URIRef(_XSD + "integer"): re.compile(r"[+-]?\d+"),
                  URIRef(_XSD + "decimal"): re.compile(r"[+-]?\d*\.\d+"),
                  URIRef(_XSD + "double"): re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")}


def result_formats(kind: str) -> list[str]:
    """The formats a result of this kind can be written in, the default first.

    Parameters
    ----------
    kind : str
        ``'SELECT'``, ``'ASK'``, ``'CONSTRUCT'`` or ``'DESCRIBE'``.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        For any other kind.

    Examples
    --------
    >>> result_formats("ASK")
    ['table', 'json', 'xml']
    """
    if kind not in FORMATS:
        raise ValueError(f"unknown result kind {kind!r}; expected one of {', '.join(QUERY_KINDS)}")
    return list(FORMATS[kind])


def media_type(kind: str, fmt: str) -> str:
    """The media type of a result of this kind written in ``fmt`` (see :data:`MEDIA_TYPES`).

    Examples
    --------
    >>> media_type("SELECT", "xml"), media_type("CONSTRUCT", "xml")
    ('application/sparql-results+xml', 'application/rdf+xml')
    """
    name = _ALIASES.get(str(fmt).lower(), str(fmt).lower())
    family = "graph" if kind in ("CONSTRUCT", "DESCRIBE") else "results"
    if name not in FORMATS.get(kind, ()):
        raise ResultFormatError(f"{fmt} is not a format for {kind} results")
    return MEDIA_TYPES[family][name]


def serialize(result: QueryResult, fmt: str) -> str:
    """Write a query result in one format.

    Parameters
    ----------
    result : QueryResult
        As returned by :func:`graph.query.run_query`.
    fmt : str
        One of :func:`result_formats` for the result's kind (``ttl``, ``jsonld`` and
        ``ntriples`` are accepted as other names).

    Returns
    -------
    str

    Raises
    ------
    ResultFormatError
        The format is unknown, or is for another kind of result.

    Examples
    --------
    >>> from graph.query import QueryResult
    >>> import json
    >>> json.loads(serialize(QueryResult("ASK", boolean=True), "json"))
    {'head': {}, 'boolean': True}
    >>> serialize(QueryResult("ASK", boolean=True), "turtle")
    Traceback (most recent call last):
    ...
    graph.errors.ResultFormatError: turtle is for CONSTRUCT/DESCRIBE results; use table, json or xml
    """
    name = _ALIASES.get(str(fmt).lower(), str(fmt).lower())
    allowed = FORMATS.get(result.kind, ())
    if name not in allowed:
        kinds = [k for k, formats in FORMATS.items() if name in formats]
        if not kinds:
            every = sorted({f for formats in FORMATS.values() for f in formats})
            raise ResultFormatError(f"unknown format {fmt!r}; use one of {', '.join(every)}")
        raise ResultFormatError(f"{name} is for {'/'.join(kinds)} results; use "
                                f"{_or_list(allowed)}")
    if name == "table":
        return _table(result)
    if name == "tsv":
        return _tsv(result)
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        if name in ("trig", "nquads"):
            return _in_default_graph(result.graph).serialize(format=name)
        return result.graph.serialize(format=name)
    if name == "xml":
        return _xml(result)
    return _as_rdflib(result).serialize(format=name).decode("utf-8")


def _in_default_graph(graph):
    """The triples as the default graph of a dataset (rdflib would name a lone graph by a bnode)."""
    from rdflib import Dataset

    ds = Dataset()
    for prefix, ns in graph.namespaces():
        ds.bind(prefix, ns, override=True)
    for triple in graph:
        ds.add(triple)
    return ds


def _or_list(items) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


def _as_rdflib(result: QueryResult) -> Result:
    """The result as an rdflib Result, so that rdflib's W3C serializers can write it."""
    out = Result(result.kind)
    if result.kind == "ASK":
        out.askAnswer = bool(result.boolean)
        return out
    out.vars = [Variable(v) for v in result.variables]
    out.bindings = [{var: term for var, term in zip(out.vars, row) if term is not None}
                    for row in result.rows]
    return out


def _tsv_term(term) -> str:
    """A term in the SPARQL TSV results format: Turtle syntax, tabs and newlines escaped."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term)
    if term.datatype in _TURTLE_NUMBER and _TURTLE_NUMBER[term.datatype].fullmatch(text):
        return text
    if term.datatype == _XSD_BOOLEAN and text in ("true", "false"):
        return text
    quoted = '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                    .replace("\n", "\\n").replace("\r", "\\r")) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype is not None and term.datatype != _XSD_STRING:
        return f"{quoted}^^<{term.datatype}>"
    return quoted


def _xml_text(text: str) -> str:
    if _NOT_XML_RE.search(text):
        raise ResultFormatError("a value holds a control character that XML cannot carry; use "
                                "json, csv or tsv")
    return escape(text)


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None and term.datatype != _XSD_STRING:
        attrs = f" datatype={quoteattr(_xml_text(str(term.datatype)))}"
    return f"<literal{attrs}>{_xml_text(str(term))}</literal>"


def _xml(result: QueryResult) -> str:
    """The SPARQL Query Results XML Format (W3C, 2013): every value written, ``0`` and ``""`` too."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<sparql xmlns="{_SPARQL_RESULTS_NS}">', "  <head>"]
    lines += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    lines.append("  </head>")
    if result.kind == "ASK":
        lines.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("  <results>")
        for row in result.rows:
            lines.append("    <result>")
            lines += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                      for v, t in zip(result.variables, row) if t is not None]
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        text = f"_:{term}"
    elif isinstance(term, Literal):
        text = str(term)
    else:
        text = xref_curie(str(term)) or curie(str(term))
    text = _CONTROL_RE.sub(" ", text)  # a newline or tab in a value would break the columns
    return text if len(text) <= MAX_CELL_WIDTH else text[:MAX_CELL_WIDTH - 1] + "…"


def _table(result: QueryResult) -> str:
    if result.kind == "ASK":
        return "true" if result.boolean else "false"
    if result.kind == "SELECT":
        header, rows, unit = list(result.variables), result.rows, "row"
    else:
        header, unit = ["subject", "predicate", "object"], "triple"
        rows = sorted(result.graph, key=lambda t: tuple(_cell(x) for x in t))
    cells = [[_cell(t) for t in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(text.ljust(w) for text, w in zip(line, widths)).rstrip()
             for line in [header, ["-" * w for w in widths], *cells]]
    n = len(rows)
    lines.append(f"truncated at {n} {unit}s" if result.truncated
                 else f"{n} {unit}{'' if n == 1 else 's'}")
    return "\n".join(lines)
