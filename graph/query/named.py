"""Named queries: the ``.rq`` files in ``graph/query/queries/``, each with a header saying what it asks.

A named query is data, like a datasette canned query: the SPARQL page builds its form from the
header, the CLI lists and runs it, and the tests run every one. The header is the file's leading
comment block (format in ``graph/query/queries/README.md``)::

    # title: Conditions acting through a mechanism
    # question: Which conditions act through hypocalcemia, and what treats it?
    # param: mechanism: entity = cm:Hypocalcemia — the mechanism to start from

Parameter values arrive as text (from a form or the command line), are turned into rdflib terms
by the parameter's kind, and reach the query as bindings through :func:`graph.query.run_query`,
never pasted into its text.

Examples
--------
>>> nq = get_named_query("entity-search")
>>> nq.title
'Search entities by name'
>>> [(p.name, p.kind) for p in nq.params]
[('text', 'text')]
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from graph.errors import NamedQueryError, QueryRejected, QuerySyntaxError
from graph.namespace import PREFIXES, expand_curie
from graph.query import QueryResult, check_query, run_query

__all__ = ["QUERIES_DIR", "PARAM_KINDS", "Param", "NamedQuery", "list_named_queries",
           "get_named_query", "check_named_query", "run_named"]

QUERIES_DIR = Path(__file__).resolve().parent / "queries"

#: What a parameter's value may be: an IRI, a plain string, or a whole number.
PARAM_KINDS = ("entity", "text", "integer")

_FIELD_RE = re.compile(r"#\s?(?P<key>[a-z]+):\s*(?P<value>.*?)\s*$")
_CONTINUATION_RE = re.compile(r"#(?:\s{2,}|\t)(?P<value>\S.*?)\s*$")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]+")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Param:
    """One parameter of a named query.

    Attributes
    ----------
    name : str
        The query variable it binds, without ``?``.
    kind : str
        One of :data:`PARAM_KINDS`.
    default : str or None
        The value used when none is given, as written in the header; ``None`` makes the
        parameter required.
    description : str
        What the value means, for forms and ``--help``.
    """

    name: str
    kind: str
    default: str | None
    description: str

    def to_term(self, value: Any,
                resolve_entity: Callable[[str], URIRef] | None = None) -> Identifier:
        """Turn a value given as text into the rdflib term this parameter binds.

        Parameters
        ----------
        value : str or rdflib term
            For ``entity``: a CURIE (``cm:Hypocalcemia``), an IRI with or without ``<>``, or
            anything ``resolve_entity`` understands (a label or synonym); a URIRef is used as
            is. For ``text``: any string. For ``integer``: digits with an optional sign.
        resolve_entity : callable, optional
            Turns other text (labels, synonyms) into an IRI; it raises its own
            :class:`~graph.errors.EntityNotFound` when nothing matches.

        Returns
        -------
        rdflib.URIRef or rdflib.Literal

        Raises
        ------
        NamedQueryError
            The value does not fit the kind.

        Examples
        --------
        >>> Param("mechanism", "entity", None, "a mechanism").to_term("cm:Hypocalcemia")
        rdflib.term.URIRef('https://w3id.org/causemap/Hypocalcemia')
        >>> term = Param("n", "integer", None, "a section number").to_term("4")
        >>> term.toPython(), str(term.datatype)
        (4, 'http://www.w3.org/2001/XMLSchema#integer')
        >>> Param("n", "integer", None, "a section number").to_term("four")
        Traceback (most recent call last):
        ...
        graph.errors.NamedQueryError: parameter n: 'four' is not a whole number
        """
        if self.kind == "text":
            return Literal(str(value))
        if self.kind == "integer":
            text = str(value).strip()
            if not _INTEGER_RE.fullmatch(text):
                raise NamedQueryError(f"parameter {self.name}: {text!r} is not a whole number")
            return Literal(int(text))
        if isinstance(value, URIRef):
            return value
        text = str(value).strip()
        iri = _entity_iri(text)
        if iri is not None:
            return iri
        prefix, sep, _ = text.partition(":")
        if sep and _NAME_RE.fullmatch(prefix) and " " not in text:
            raise NamedQueryError(f"parameter {self.name}: unknown prefix {prefix}: in {text!r} "
                                  f"(known: {', '.join(PREFIXES)})")
        if resolve_entity is not None:
            return resolve_entity(text)
        raise NamedQueryError(f"parameter {self.name}: {text!r} is not a CURIE such as "
                              "cm:Hypocalcemia or an IRI such as <https://…>")


def _entity_iri(text: str) -> URIRef | None:
    if text.startswith("<") and text.endswith(">") and _IRI_RE.fullmatch(text[1:-1]):
        return URIRef(text[1:-1])
    curie = expand_curie(text)
    if curie is not None and _IRI_RE.fullmatch(curie):
        return curie
    # A bare IRI needs an authority or a URN scheme; "foo:bar" is more likely a mistyped CURIE.
    if _IRI_RE.fullmatch(text) and ("://" in text or text.lower().startswith("urn:")):
        return URIRef(text)
    return None


@dataclass
class NamedQuery:
    """A ``.rq`` file and what its header says.

    Attributes
    ----------
    name : str
        The file stem, e.g. ``'entity-search'``.
    title, question : str
        A short title and the question the query answers, in plain English.
    params : list of Param
        In header order.
    text : str
        The whole file (the header is SPARQL comments, so this is the query).
    path : Path
    """

    name: str
    title: str
    question: str
    params: list[Param]
    text: str
    path: Path

    def param(self, name: str) -> Param | None:
        """The parameter with this name, or ``None``."""
        return next((p for p in self.params if p.name == name), None)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(QUERIES_DIR.parent.parent))
    except ValueError:
        return str(path)


def _parse_param(where: str, value: str) -> Param:
    name, sep, rest = value.partition(":")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME_RE.fullmatch(name):
        raise NamedQueryError(f"{where}: a param line reads "
                              "'# param: NAME: KIND [= DEFAULT] — DESCRIPTION'")
    # The description starts at the first em dash (or " -- ") outside a quoted default.
    quoted, cut, width = False, -1, 0
    for i, ch in enumerate(rest):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "—":
            cut, width = i, 1
            break
        elif not quoted and rest.startswith(" -- ", i):
            cut, width = i, 4
            break
    if cut < 0 or not rest[cut + width:].strip():
        raise NamedQueryError(f"{where}: param {name} needs a description after '—'")
    head, description = rest[:cut].strip(), rest[cut + width:].strip()
    kind, eq, default = (part.strip() for part in head.partition("="))
    if kind not in PARAM_KINDS:
        raise NamedQueryError(f"{where}: param {name} has kind {kind!r}; use one of "
                              f"{', '.join(PARAM_KINDS)}")
    if eq and not default:
        raise NamedQueryError(f"{where}: param {name} has '=' but no default value")
    if len(default) >= 2 and default[0] == default[-1] == '"':
        default = default[1:-1]
    return Param(name, kind, default if eq else None, description)


def _parse_header(text: str, path: Path) -> NamedQuery:
    """Read a ``.rq`` file's header; errors name the file and line."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None  # the field a continuation line extends
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the query starts: the header is over
        where = f"{_shown(path)}, line {number}"
        cont = _CONTINUATION_RE.fullmatch(stripped)
        if cont and last is not None:
            if last == "param":
                raw = lines["param-raw"] + " " + cont.group("value")
                lines["param-raw"] = raw
                params[-1] = _parse_param(f"{_shown(path)}, line {lines['param']}", raw)
            else:
                fields[last] += " " + cont.group("value")
            continue
        m = _FIELD_RE.fullmatch(stripped)
        if not m:
            last = None  # a free-text comment line
            continue
        key, value = m.group("key"), m.group("value")
        if key not in ("title", "question", "param"):
            close = difflib.get_close_matches(key, ["title", "question", "param"], n=1)
            raise NamedQueryError(f"{where}: unknown header field {key!r}" + (
                f" (did you mean {close[0]}?)" if close else
                " (use title, question or param)"))
        if not value:
            raise NamedQueryError(f"{where}: {key} is empty")
        if key == "param":
            param = _parse_param(where, value)
            if any(p.name == param.name for p in params):
                raise NamedQueryError(f"{where}: param {param.name} is declared twice")
            params.append(param)
            lines["param"], lines["param-raw"] = number, value
        elif key in fields:
            raise NamedQueryError(f"{where}: {key} is given twice")
        else:
            fields[key] = value
        last = key
    for key in ("title", "question"):
        if key not in fields:
            raise NamedQueryError(f"{_shown(path)}: the header has no '# {key}:' line")
    return NamedQuery(path.stem, fields["title"], fields["question"], params, text, path)


def _read(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NamedQueryError(f"{_shown(path)}: not a text file in UTF-8") from None
    except OSError as exc:
        raise NamedQueryError(f"{_shown(path)}: cannot be read ({exc.strerror})") from None
    return _parse_header(text, path)


def list_named_queries(directory: Path | str | None = None) -> list[NamedQuery]:
    """Every named query in ``directory`` (default: the bundled ones), sorted by name.

    Parameters
    ----------
    directory : Path or str, optional
        A folder of ``.rq`` files; default :data:`QUERIES_DIR`.

    Returns
    -------
    list of NamedQuery

    Raises
    ------
    NamedQueryError
        A file's header is malformed; the message names the file and line.

    Examples
    --------
    >>> names = [nq.name for nq in list_named_queries()]
    >>> "edge-source" in names and names == sorted(names)
    True
    """
    folder = Path(directory) if directory is not None else QUERIES_DIR
    return [_read(p) for p in sorted(folder.glob("*.rq"), key=lambda p: p.stem)]


def get_named_query(name: str, directory: Path | str | None = None) -> NamedQuery:
    """The named query called ``name`` (the file stem; a trailing ``.rq`` is ignored).

    Only that file is read, so one malformed file does not take the others down with it.

    Parameters
    ----------
    name : str
    directory : Path or str, optional
        A folder of ``.rq`` files; default :data:`QUERIES_DIR`.

    Returns
    -------
    NamedQuery

    Raises
    ------
    NamedQueryError
        No query has that name (the message suggests close names), or its header is malformed.

    Examples
    --------
    >>> get_named_query("edge-source.rq").question
    'Which claim states this relation, in which section of which source, and in what words?'
    >>> get_named_query("edge-sauce")
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: no named query 'edge-sauce'; did you mean edge-source?
    """
    wanted = str(name).removesuffix(".rq")
    folder = Path(directory) if directory is not None else QUERIES_DIR
    # Looked up among the files, never joined into a path: a name cannot leave the folder.
    files = {p.stem: p for p in sorted(folder.glob("*.rq"), key=lambda p: p.stem)}
    if wanted in files:
        return _read(files[wanted])
    close = difflib.get_close_matches(wanted, list(files), n=3, cutoff=0.6)
    if close:
        raise NamedQueryError(f"no named query {wanted!r}; did you mean {' or '.join(close)}?")
    raise NamedQueryError(f"no named query {wanted!r}; there are: {', '.join(files) or 'none'}")


def check_named_query(query: NamedQuery) -> None:
    """Check that the query parses and that its params and defaults fit it.

    Cheap enough for tests and for a page that lists queries, but not done on every listing.

    Parameters
    ----------
    query : NamedQuery

    Raises
    ------
    NamedQueryError
        The message names the file and, for a parameter, its header line.

    Examples
    --------
    >>> check_named_query(get_named_query("entity-search"))
    """
    _check_params(query, with_defaults=True)


def _check_params(query: NamedQuery, with_defaults: bool = False) -> None:
    try:
        info = check_query(query.text)
    except (QuerySyntaxError, QueryRejected) as exc:
        raise NamedQueryError(f"{_shown(query.path)}: {exc}") from None
    for param in query.params:
        where = f"{_shown(query.path)}, line {_param_line(query, param.name)}"
        if param.name not in info.mentioned:
            raise NamedQueryError(f"{where}: param {param.name} is not a variable of the query")
        if with_defaults and param.default is not None:
            try:
                param.to_term(param.default)
            except NamedQueryError as exc:
                raise NamedQueryError(f"{where}: default: {exc}") from None


def _param_line(query: NamedQuery, name: str) -> int:
    for number, line in enumerate(query.text.splitlines(), start=1):
        m = _FIELD_RE.fullmatch(line.strip())
        if m and m.group("key") == "param" and \
                m.group("value").partition(":")[0].strip().lstrip("?$") == name:
            return number
    return 1


def run_named(kg: Any, name: NamedQuery | str, params: Mapping[str, Any] | None = None, *,
              resolve_entity: Callable[[str], URIRef] | None = None,
              directory: Path | str | None = None, **run_kwargs: Any) -> QueryResult:
    """Run a named query with parameter values given as text.

    Parameters
    ----------
    kg : Store
    name : str or NamedQuery
        The query's name, or a query already read.
    params : dict of str to str, optional
        Values by parameter name; missing ones take their defaults, ``None`` counts as missing.
    resolve_entity : callable, optional
        Turns labels or synonyms into IRIs for ``entity`` parameters (CURIEs and IRIs are
        understood without it).
    directory : Path or str, optional
        Where to look the name up; default :data:`QUERIES_DIR`.
    **run_kwargs
        Passed to :func:`graph.query.run_query` (``timeout``, ``max_rows`` …).

    Returns
    -------
    QueryResult

    Raises
    ------
    NamedQueryError
        Unknown query or parameter, a required parameter without a value, or a value that
        does not fit its kind.
    QueryError
        As raised by :func:`graph.query.run_query`.

    Examples
    --------
    >>> from rdflib import Dataset
    >>> from graph.store.oxigraph_store import OxigraphStore
    >>> ds = Dataset(default_union=True)
    >>> _ = ds.parse(format="trig", data='''
    ...     @prefix cm: <https://w3id.org/causemap/> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     cm:Mechanism rdfs:subClassOf cm:Entity ; rdfs:label "Mechanism"@en .
    ...     cm:Hypocalcemia a cm:Mechanism ; rdfs:label "Hypocalcemia"@en .''')
    >>> result = run_named(OxigraphStore.from_dataset(ds), "entity-search", {"text": "CALC"})
    >>> [str(row[0]) for row in result.rows]
    ['https://w3id.org/causemap/Hypocalcemia']
    >>> run_named(OxigraphStore.from_dataset(ds), "entity-search", {"txt": "calc"})
    Traceback (most recent call last):
    ...
    graph.errors.NamedQueryError: entity-search has no parameter 'txt'; its parameters: text
    """
    query = name if isinstance(name, NamedQuery) else get_named_query(name, directory)
    _check_params(query)  # a mismatch is the file's fault: say so before blaming the user
    given = {k: v for k, v in (params or {}).items() if v is not None}
    for key in given:
        if query.param(key) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise NamedQueryError(f"{query.name} has no parameter {key!r}; its parameters: "
                                  f"{known}")
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is None:
            raise NamedQueryError(f"{query.name} needs a value for {param.name} "
                                  f"({param.description})")
        bindings[param.name] = param.to_term(value, resolve_entity)
    return run_query(kg, query.text, bindings=bindings, **run_kwargs)
