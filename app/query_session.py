"""The SPARQL page's session: its state, running a query, the history, and deep links.

What :mod:`app.app_pages.query` shows is kept in ``st.session_state`` under keys that start with
``query_``: the editor's text, the outcome of the last run (a result or an error, ready for
:func:`app.query_results.show_outcome`), the history, the bound values of an example. Every query
goes through :func:`graph.query.run_query`, within this tab's share of the workers
(:data:`app.session_queries.QUOTA`). A deep link (``?q=<query text>`` with ``bind.NAME=<N3 term>``,
or ``?named=NAME&PARAM=value``) is applied once, and every run writes the URL that shares it.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import datetime

import streamlit as st
from rdflib import Literal, URIRef
from rdflib.util import from_n3

from app.query_results import summary
from app.session_queries import QUOTA, session_id
from app.state import get_kg
from graph.errors import (CausemapError, QueryError, QueryRejected, QuerySyntaxError,
                          QueryTimeout)
from graph.learn.entities import resolve
from graph.namespace import sparql_prefixes
import graph.query
from graph.query.builder import inline_values
from graph.query.named import NamedQuery, get_named_query, list_named_queries

__all__ = ["TABS", "init_state", "keep_hidden_tabs_state", "execute", "load", "bound_for",
           "on_editor_run",
           "named_with_params", "term_from_link", "apply_deep_link"]

S = st.session_state

TABS = ("Editor", "Examples", "Question builder", "History")
HISTORY_SIZE = 30
STARTER = """# Which conditions act through hypocalcemia? Ctrl+Enter (⌘+Enter on a Mac) runs the query.
SELECT ?condition ?conditionLabel
WHERE {
  ?condition cm:actsThrough cm:Hypocalcemia ;
             rdfs:label ?conditionLabel .
}
ORDER BY ?conditionLabel
"""
_LOCATED_RE = re.compile(r"^line \d+, column \d+: ")


# -- running ---------------------------------------------------------------------------------------

def init_state() -> None:
    S.setdefault("query_text", STARTER)
    S.setdefault("query_version", 0)
    S.setdefault("query_history", [])
    S.setdefault("query_outcome", None)
    S.setdefault("query_bound", None)  # (text, bindings) of a query whose non-entity
    # parameters are bound, not written in (an example's search text, say)
    S.setdefault("query_prefixes", sparql_prefixes())
    S.setdefault("query_timeout", 10)
    S.setdefault("query_max_rows", 5000)
    S.setdefault("query_page", 1)


@functools.lru_cache(maxsize=1)
def hidden_tab_keys() -> tuple[str, ...]:
    """The widgets of the Examples and Question builder tabs, which are drawn only when open.

    Read once per process: the bundled queries and templates do not change while the app runs,
    and reading the 23 query files took a millisecond of every rerun."""
    from graph.learn.questions import TEMPLATES
    keys = [f"query_example_{nq.name}_{p.name}" for nq in list_named_queries() for p in nq.params]
    keys.append("query_builder_template")
    keys += [f"query_builder_{t.name}_{slot.name}" for t in TEMPLATES for slot in t.slots]
    return tuple(keys)


def keep_hidden_tabs_state() -> None:
    """Keep the choices made in a tab that is not drawn this run.

    Streamlit forgets a widget's value at the end of a run that did not draw it; a value written
    back through the Session State API is kept (Streamlit's documented way). Only values and
    plain keys are written back: never a button's or a component's key, which cannot be set.
    """
    for key in hidden_tab_keys():
        if key in S:
            S[key] = S[key]


def _declared(text: str) -> tuple[str, bool, int]:
    """The text to run, whether to declare the project prefixes, and how many lines were added."""
    block = S.query_prefixes
    if block.strip() == sparql_prefixes().strip():
        return text, True, 0
    block = block.rstrip("\n") + "\n"
    return block + text, False, block.count("\n")


def _syntax_outcome(exc: QuerySyntaxError, added: int) -> dict:
    problem = _LOCATED_RE.sub("", str(exc))
    if exc.hint and problem.endswith(f"; {exc.hint}"):
        problem = problem[: -len(exc.hint) - 2]
    line, where = exc.line, "query"
    if line is not None and added:
        if line <= added:
            where = "prefixes"
        else:
            line -= added
    return {"kind": "syntax", "problem": problem, "line": line, "column": exc.column,
            "token": exc.token, "hint": exc.hint, "where": where}


def execute(text: str, source: str, bindings: dict | None = None) -> None:
    """Run ``text`` and keep the outcome (result or error) and a history entry in the session."""
    S.query_text = text
    S.query_page = 1
    full, declare, added = _declared(text)
    outcome: dict = {"text": text, "source": source, "bindings": bindings or {}}
    started = time.perf_counter()
    try:
        with QUOTA.slot(session_id()):  # this tab's fair share of the workers
            # Looked up at each run (not imported by name), so tests can put a stand-in there.
            outcome["result"] = graph.query.run_query(
                get_kg(), full, bindings=bindings, prefixes=declare,
                timeout=float(S.query_timeout), max_rows=int(S.query_max_rows),
                max_triples=int(S.query_max_rows) * 4)
        outcome["kind"] = "ok"
    except QuerySyntaxError as exc:
        outcome.update(_syntax_outcome(exc, added))
    except QueryRejected as exc:
        outcome.update(kind="rejected", message=str(exc))
    except QueryTimeout as exc:
        outcome.update(kind="timeout", message=str(exc))
    except (QueryError, CausemapError) as exc:
        outcome.update(kind="failed", message=str(exc))
    except Exception as exc:  # a bug must not show a student a traceback
        outcome.update(kind="failed", message=f"the query could not be run ({type(exc).__name__})")
    outcome["elapsed"] = time.perf_counter() - started
    S.query_outcome = outcome
    S.query_bound = (text, bindings) if bindings else None
    _remember(outcome)
    # The URL always holds the query last run, and its bound values (as N3 terms, "bind.NAME"),
    # so copying it shares exactly this query with exactly these values.
    bound = {f"bind.{name}": term.n3() for name, term in (bindings or {}).items()}
    S.query_link = ("q", text, tuple(sorted(bound.items())))
    st.query_params.clear()
    st.query_params.from_dict({"q": text, **bound})


def _remember(outcome: dict) -> None:
    history = S.query_history
    entry = {"text": outcome["text"], "source": outcome["source"], "summary": summary(outcome),
             "bindings": outcome["bindings"], "when": datetime.now().strftime("%H:%M:%S")}
    if history and history[0]["text"] == entry["text"] and history[0]["bindings"] == entry["bindings"]:
        history[0] = entry  # the same query again: refresh its entry rather than repeat it
    else:
        history.insert(0, entry)
        del history[HISTORY_SIZE:]


def load(text: str, *, run: bool, source: str, bindings: dict | None = None) -> None:
    """Put ``text`` into the editor (and run it); used by buttons as an on_click callback."""
    S.query_text = text
    S.query_version += 1
    S.query_tab = TABS[0]
    if run:
        execute(text, source, bindings)
    else:
        S.query_bound = (text, bindings) if bindings else None


def bound_for(text: str) -> dict | None:
    """The bindings that go with ``text``, if it is the query an example bound them for."""
    bound = S.query_bound
    return bound[1] if bound and bound[0].strip() == text.strip() else None


def on_editor_run(text: str) -> None:
    execute(text, "editor", bound_for(text))


# -- deep links ------------------------------------------------------------------------------------

def named_with_params(nq: NamedQuery, values: dict[str, str]) -> tuple[str, dict]:
    """A named query's text with entity parameters written in, and bindings for the others."""
    entities, others = {}, {}
    for param in nq.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise CausemapError(f"{nq.name} needs a value for {param.name} ({param.description})")
        kg = get_kg()
        term = param.to_term(raw, lambda t: resolve(kg, t))
        (entities if param.kind == "entity" else others)[param.name] = term
    return inline_values(nq.text, entities), others


def term_from_link(text: str):
    """An RDF term written in N3 (``<iri>`` or ``"text"@en``) from a shared link's ``bind.*``.

    Raises
    ------
    ValueError
        Anything else (a blank node, a variable, a formula, nonsense), with the text, shortened.

    >>> term_from_link('"chat"@fr')
    rdflib.term.Literal('chat', lang='fr')
    >>> term_from_link("?x")
    Traceback (most recent call last):
    ...
    ValueError: '?x' is not an IRI in <…> or a quoted literal
    """

    try:
        term = from_n3(text)
    except Exception:  # from_n3 raises several types on malformed input
        term = None
    if not isinstance(term, (URIRef, Literal)):
        raise ValueError(f"{text[:60]!r} is not an IRI in <…> or a quoted literal")
    return term


def apply_deep_link() -> None:
    params = st.query_params.to_dict()
    if "q" in params:
        bound = tuple(sorted((k, v) for k, v in params.items() if k.startswith("bind.")))
        link = ("q", params["q"], bound)
    elif "named" in params:
        link = ("named", tuple(sorted(params.items())))
    else:
        return
    if S.get("query_link") == link:
        return  # already applied (or produced by our own last run)
    S.query_link = link
    if link[0] == "q":
        try:
            bindings = {k.removeprefix("bind."): term_from_link(v) for k, v in link[2]}
        except ValueError as exc:
            S.query_outcome = {"kind": "link", "message": f"The link's values could not be read: {exc}",
                               "text": "", "source": "link", "bindings": {}}
            return
        load(params["q"], run=True, source="link", bindings=bindings or None)
        return
    name = params.pop("named")
    try:
        text, others = named_with_params(get_named_query(name), params)
    except (CausemapError, ValueError) as exc:
        S.query_outcome = {"kind": "link", "message": f"The link's query could not be opened: {exc}",
                           "text": "", "source": "link", "bindings": {}}
        return
    load(text, run=True, source=f"link: {name}", bindings=others or None)  # sets query_link
