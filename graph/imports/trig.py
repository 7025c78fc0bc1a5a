"""Write quads as sorted, readable TriG: the same quads always give the same bytes.

Used for the committed enrichment graph, whose diffs a curator reads: graphs, subjects,
predicates and objects are sorted (``rdf:type`` first, as ``a``), IRIs are shortened with the
project prefixes where the local part is a plain name, and blocks are laid out like
``data/article.trig`` (one subject per block, four-space indent). pyoxigraph's own TriG writer is
not used because its prefix order is not fixed, and it does not sort.

Examples
--------
>>> from pyoxigraph import Literal, NamedNode, Quad
>>> g = NamedNode("https://w3id.org/causemap/source/hpo-2025-01-16")
>>> s = NamedNode("http://purl.obolibrary.org/obo/HP_0002901")
>>> label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
>>> print(trig_text([Quad(s, label, Literal("Hypocalcemia", language="en"), g)],
...                 prefixes={"obo": "http://purl.obolibrary.org/obo/",
...                           "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
...                           "src": "https://w3id.org/causemap/source/"}), end="")
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/causemap/source/> .
<BLANKLINE>
src:hpo-2025-01-16 {
<BLANKLINE>
    obo:HP_0002901
        rdfs:label "Hypocalcemia"@en .
<BLANKLINE>
}
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

__all__ = ["trig_text"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")


class _Namer:
    def __init__(self, prefixes: dict[str, str]):
        # Longest namespace first, so obo:HP_… never hides a longer match.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: str) -> str:
        if iri == _RDF_TYPE:
            return "a"
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"

    def term(self, term) -> str:
        if isinstance(term, NamedNode):
            name = self.iri(term.value)
            return f"<{term.value}>" if name == "a" else name
        if isinstance(term, Literal):
            datatype = term.datatype.value
            if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(term.value):
                return term.value
            if datatype == _XSD + "integer" and _INTEGER.fullmatch(term.value):
                return term.value
            if datatype == _XSD + "boolean" and term.value in ("true", "false"):
                return term.value
            text = str(Literal(term.value))  # N-Triples escaping of the lexical form
            if term.language:
                return f"{text}@{term.language}"
            if datatype == _XSD + "string":
                return text
            return f"{text}^^{self.iri(datatype)}"
        return str(term)


def _sort_key(term) -> tuple:
    # IRIs by their text, not by "<iri>": otherwise ".../hpo-1-x" would sort before ".../hpo-1".
    return (0, term.value) if isinstance(term, NamedNode) else (1, str(term))


def trig_text(quads: Iterable[Quad], *, prefixes: dict[str, str], header: str = "") -> str:
    """Serialise quads as sorted TriG.

    Parameters
    ----------
    quads : iterable of pyoxigraph.Quad
        Duplicates are written once. Blank nodes are not supported (the importers write none).
    prefixes : dict of str to str
        Prefix → namespace; every one is declared, in sorted order.
    header : str
        Comment text for the top of the file; each line gets a ``# ``.

    Returns
    -------
    str
    """
    namer = _Namer(prefixes)
    graphs: dict[object, dict[object, dict[str, set]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set)))
    for q in quads:
        graphs[q.graph_name][q.subject][q.predicate.value].add(q.object)
    out = [f"# {line}".rstrip() + "\n" for line in header.splitlines()]
    if out:
        out.append("\n")
    out += [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())]
    order = sorted(graphs, key=lambda g: (not isinstance(g, DefaultGraph), _sort_key(g)))
    for graph in order:
        inside = not isinstance(graph, DefaultGraph)
        indent = "    " if inside else ""
        out.append("\n")
        if inside:
            out.append(f"{namer.term(graph)} {{\n\n")
        subjects = graphs[graph]
        # A graph's description of itself comes first, then every subject in order.
        for subject in sorted(subjects, key=lambda s: (s != graph, _sort_key(s))):
            preds = subjects[subject]
            lines = []
            for pred in sorted(preds, key=lambda p: (p != _RDF_TYPE, namer.iri(p))):
                objects = " , ".join(namer.term(o) for o in sorted(preds[pred], key=_sort_key))
                lines.append(f"{indent}    {namer.iri(pred)} {objects}")
            out.append(f"{indent}{namer.term(subject)}\n" + " ;\n".join(lines) + " .\n\n")
        if inside:
            out.append("}\n")
    text = "".join(out)
    return text.rstrip("\n") + "\n"
