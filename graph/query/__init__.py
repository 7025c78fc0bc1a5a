"""The query layer: the one way to run SPARQL, on every backend.

- :mod:`graph.query.lexer`: SPARQL tokens, in linear time;
- :mod:`graph.query.guard`: what a query may ask for, refused before anything runs;
- :mod:`graph.query.diagnostics`: a parser's complaint as one line with a hint;
- :mod:`graph.query.runner`: :func:`run_query` and :func:`check_query`, bounded and parameterised;
- :mod:`graph.query.named`: the named queries in ``graph/query/queries/*.rq``;
- :mod:`graph.query.builder`: SPARQL text from terms (IRIs as terms, ``VALUES`` clauses);
- :mod:`graph.query.results`: tables, CSV, TSV, SPARQL JSON and XML, RDF formats.
"""

from graph.query.guard import MAX_QUERY_LENGTH, QUERY_KINDS
from graph.query.runner import QueryInfo, QueryResult, check_query, run_query

__all__ = ["QueryResult", "QueryInfo", "run_query", "check_query", "QUERY_KINDS",
           "MAX_QUERY_LENGTH"]
