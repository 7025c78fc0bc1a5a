"""Every error Causemap raises on purpose, under one base class.

Callers (the CLI, the app) catch :class:`CausemapError` and show its message as one line; anything
else that escapes is a bug. Messages are written for the person who typed the input: short, specific,
and never an echo of a traceback or of another file's content.
"""

from __future__ import annotations

__all__ = [
    "CausemapError",
    "DataLoadError",
    "EntityNotFound",
    "AmbiguousEntity",
    "QueryError",
    "QueryRejected",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryBusy",
    "QueryMemoryError",
    "QueryTooLarge",
    "NamedQueryError",
    "NoPathFound",
    "ResultFormatError",
]


class CausemapError(Exception):
    """Base class of all expected errors; ``str(err)`` is the one-line message for a user."""


class DataLoadError(CausemapError):
    """An RDF file could not be read or parsed."""


class EntityNotFound(CausemapError):
    """No entity matches the given label, synonym, CURIE or IRI."""


class AmbiguousEntity(EntityNotFound):
    """More than one entity matches equally well; the message lists the candidates."""


class QueryError(CausemapError):
    """Base class of the errors of running a SPARQL query."""


class QueryRejected(QueryError):
    """The query asks for something the guarded entry point never runs (updates, SERVICE, FROM …)."""


class QuerySyntaxError(QueryError):
    """The query does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 token: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.line = line
        self.column = column
        self.token = token
        self.hint = hint


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class QueryBusy(QueryError):
    """Every query worker stayed busy: the server is at its cap on concurrent queries."""


class QueryMemoryError(QueryError):
    """The query needed more memory than its cap and was stopped."""


class QueryTooLarge(QueryError):
    """A result value or the whole result passed its size cap in bytes."""


class NamedQueryError(CausemapError):
    """A named query does not exist, or its parameters are missing or malformed."""


class NoPathFound(CausemapError):
    """Two entities are not connected within the allowed path length."""


class ResultFormatError(CausemapError):
    """A query result cannot be written in the requested format (unknown, or for another kind)."""


class InvalidRequest(CausemapError):
    """A request that cannot be answered as asked (the same entity twice, the wrong kind of entity)."""
