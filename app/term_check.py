"""Why did my query find nothing? Prefixed names in a query that the graph never uses.

When a query comes back empty, :func:`unused_terms` lists each prefixed name of the query (such as
``cm:Conditon``) that appears nowhere in the graph, as subject, predicate or object, with the
closest term the graph does use. Each check is a one-triple pattern lookup through the store's
indexes (at most :data:`MAX_TERMS` names, three lookups each), never a scan; suggestions come from
the editor's bounded completion list (:func:`app.sparql_editor.completions`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from rdflib import URIRef

from graph.namespace import PREFIXES
from graph.store import Store

__all__ = ["prefixed_names", "unused_terms", "MAX_TERMS"]

MAX_TERMS = 20
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
# IRIs, strings and comments are taken out before looking for prefixed names.
_NOISE = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_NAME = re.compile(r"(?<![\w?$:<.-])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")


def prefixed_names(text: str, prefixes: Mapping[str, str] | None = None) -> dict[str, URIRef]:
    """The prefixed names of a query that a known or declared prefix expands, in order.

    >>> prefixed_names('SELECT * { ?x a cm:Conditon ; rdfs:label "a:b" } # cm:Nope')
    {'cm:Conditon': rdflib.term.URIRef('https://w3id.org/causemap/Conditon'), 'rdfs:label': rdflib.term.URIRef('http://www.w3.org/2000/01/rdf-schema#label')}
    """
    known = dict(PREFIXES if prefixes is None else prefixes)
    known.update({p or "": ns for p, ns in _DECLARED.findall(text)})
    body = _DECLARED.sub(" ", text)
    body = _NOISE.sub(" ", body)
    found: dict[str, URIRef] = {}
    for prefix, local in _NAME.findall(body):
        name = f"{prefix}:{local}"
        if prefix in known and name not in found:
            found[name] = URIRef(known[prefix] + local)
    return found


def _used(kg: Store, iri: URIRef) -> bool:
    for pattern in ((iri, None, None), (None, iri, None), (None, None, iri)):
        if next(iter(kg.triples(*pattern)), None) is not None:
            return True
    return False


def unused_terms(kg: Store, text: str, candidates: Iterable[str] = (),
                 prefixes: Mapping[str, str] | None = None) -> list[tuple[str, str | None]]:
    """``(name, suggestion)`` for each prefixed name of ``text`` that the graph never uses.

    >>> from graph.store import load
    >>> unused_terms(load(), "SELECT ?c { ?c a cm:Conditon }", ["cm:Condition", "cm:Mechanism"])
    [('cm:Conditon', 'cm:Condition')]
    """
    pool = list(candidates)
    out = []
    for name, iri in list(prefixed_names(text, prefixes).items())[:MAX_TERMS]:
        if _used(kg, iri):
            continue
        prefix = name.split(":", 1)[0] + ":"
        same_prefix = [c for c in pool if c.startswith(prefix)]
        close = difflib.get_close_matches(name, same_prefix, n=1, cutoff=0.75)
        out.append((name, close[0] if close else None))
    return out
