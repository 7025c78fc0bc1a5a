"""RDF terms at the boundary between engines: rdflib terms in our API, pyoxigraph terms inside.

Causemap's Python API speaks rdflib (``URIRef``, ``Literal``, ``BNode``); Oxigraph answers with its
own term classes. The conversions here are exact, with one normalisation that RDF 1.1 itself makes:
a simple literal *is* an ``xsd:string`` literal, so Oxigraph's ``"x"^^xsd:string`` becomes rdflib's
plain ``Literal("x")`` (rdflib keeps the two apart and would otherwise find no match between a
parsed file and a query answer). Terms cross process boundaries as N-Triples text
(:func:`to_nt` / :func:`from_nt`), which every engine reads and which never runs code on unpickling.

Examples
--------
>>> from rdflib import Literal, URIRef
>>> t = to_ox(Literal("low calcium", lang="en"))
>>> t
<Literal value=low calcium language=en>
>>> from_ox(t) == Literal("low calcium", lang="en")
True
>>> from_ox(to_ox(Literal("x")))
rdflib.term.Literal('x')
>>> from_nt(to_nt(URIRef("https://w3id.org/causemap/Hypocalcemia")))
rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia')
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

__all__ = ["to_ox", "from_ox", "to_nt", "from_nt", "ox_graph", "encode_ox", "encode_rdflib", "decode",
           "LazyRows"]

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


def to_ox(term):
    """An rdflib term (or ``None``) as the pyoxigraph term Oxigraph matches against."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {type(term).__name__}")


def from_ox(term):
    """A pyoxigraph term (or ``None``) as the rdflib term our API returns.

    Made the way :func:`decode` makes a worker's values (Oxigraph checked the IRI and the
    language tag; strings and IRIs are built directly, typed literals through rdflib's
    constructor, cached): this runs once per value of every lookup a page makes.
    """
    kind = type(term)  # exact types, most common first
    if kind is _NAMED:
        return _new_str(URIRef, term.value)
    if term is None:
        return None
    if kind is _LITERAL:
        language = term.language
        if language:
            return _string_literal(term.value, language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING or datatype == _LANG_STRING:
            return _string_literal(term.value, None)
        return _typed_literal(term.value, datatype)
    if kind is _BLANK:
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"not an RDF term: {kind.__name__}")


def ox_graph(name):
    """A graph name for pyoxigraph: ``None`` is the default graph."""
    return ox.DefaultGraph() if name is None else to_ox(name)


def to_nt(term) -> str:
    """One term as N-Triples text (``<iri>``, ``"text"@en``, ``_:b``)."""
    return str(to_ox(term))


def from_nt(text: str):
    """Read back one term written by :func:`to_nt`."""
    if text.startswith("_:"):
        return BNode(text[2:])
    # A one-triple document is the standard way to have an N-Triples term parsed.
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return from_ox(quad.object)


# -- compact encoding for results crossing a pipe ---------------------------------------------------
# An IRI travels as its string, a literal as (value, language, datatype), a blank node as (id,):
# cheap to make in a worker, cheap to pickle, and decoded once, in the process that shows it.

_NAMED, _LITERAL, _BLANK = ox.NamedNode, ox.Literal, ox.BlankNode


def encode_ox(term):
    """A pyoxigraph term as a plain, picklable value (see :func:`decode`)."""
    kind = type(term)  # exact types, most common first: this runs once per value of a result
    if kind is _NAMED:
        return term.value
    if term is None:
        return None
    if kind is _LITERAL:
        language = term.language
        if language:
            return (term.value, language, None)
        datatype = term.datatype.value
        return (term.value, None, None if datatype == _XSD_STRING else datatype)
    if kind is _BLANK:
        return (term.value,)
    raise TypeError(f"not an RDF term: {kind.__name__}")


def encode_rdflib(term):
    """An rdflib term as the same plain value :func:`encode_ox` makes."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        if datatype == _XSD_STRING:
            datatype = None
        return (str(term), term.language, datatype)
    if isinstance(term, BNode):
        return (str(term),)
    raise TypeError(f"not an RDF term: {type(term).__name__}")


_new_str = str.__new__


def _string_literal(text: str, language: str | None) -> Literal:
    """``Literal(text, lang=language)`` for a plain or language-tagged string, built directly.

    What rdflib's constructor would make (a string is its own value; no datatype; nothing to
    normalise), without its checks: the engine that produced the term checked its language tag.
    Seven times cheaper, and most values of a result are such strings (labels, names).
    """
    lit = _new_str(Literal, text)
    lit._language = language or None
    lit._datatype = None
    lit._value = text
    lit._ill_typed = None
    return lit


@functools.lru_cache(maxsize=4096)
def _typed_literal(text: str, datatype: str) -> Literal:
    """A typed literal through rdflib's constructor (which normalises it: ``"01"^^xsd:integer``
    is ``1``), kept: literals are immutable, and numbers, booleans and dates repeat in results."""
    return Literal(text, datatype=_new_str(URIRef, datatype))


def decode(value):
    """The rdflib term for a value made by :func:`encode_ox` or :func:`encode_rdflib`.

    IRIs were checked by the engine that produced them (Oxigraph refuses an invalid IRI), so they
    become :class:`~rdflib.URIRef` without rdflib's own check, at a quarter of the cost; strings
    likewise (:func:`_string_literal`).

    >>> decode(encode_ox(ox.Literal("3", datatype=ox.NamedNode(str(XSD.integer)))))
    rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> decode(("chat", "fr", None)) == Literal("chat", lang="fr")
    True
    """
    if value.__class__ is str:
        return _new_str(URIRef, value)
    if value is None:
        return None
    if len(value) == 1:
        return BNode(value[0])
    text, language, datatype = value
    if datatype is None:
        return _string_literal(text, language)
    return _typed_literal(text, datatype)


def encoded_size(value) -> int:
    """Characters in an encoded term's text (the size that result caps count)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    return len(value[0])


class LazyRows(Sequence):
    """Rows of encoded terms (:func:`encode_ox`), decoded into rdflib terms when first read.

    A list to its callers (length, indexing, slicing, iteration, equality with a list), so a page
    that shows 50 rows of 5,000 makes 50 rows of rdflib terms, not 5,000.

    >>> rows = LazyRows([("https://w3id.org/causemap/a", ("1", None, None))])
    >>> rows[0]
    (rdflib.term.URIRef('https://w3id.org/causemap/a'), rdflib.term.Literal('1'))
    >>> rows == [(URIRef("https://w3id.org/causemap/a"), Literal("1"))], len(rows)
    (True, 1)
    """

    __slots__ = ("_encoded", "_decoded")

    def __init__(self, encoded):
        self._encoded = encoded
        self._decoded: list | None = None

    def _all(self) -> list:
        if self._decoded is None:
            self._decoded = [tuple(map(decode, row)) for row in self._encoded]
            self._encoded = None
        return self._decoded

    def __len__(self) -> int:
        return len(self._decoded if self._decoded is not None else self._encoded)

    def __getitem__(self, index):
        if self._decoded is not None:
            return self._decoded[index]
        if isinstance(index, slice):
            return [tuple(map(decode, row)) for row in self._encoded[index]]
        return tuple(map(decode, self._encoded[index]))

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, (list, tuple, LazyRows)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._all())
