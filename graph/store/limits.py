"""Every limit Causemap enforces, its default, and the environment variable that changes it.

One table (:data:`SETTINGS`) is the single source: the query runner, the worker pools, the result
caps and the file loaders read their bounds through :func:`setting`, and ``docs/limits.md``
documents the same rows (``tests/test_limits.py`` keeps the two in sync). A value is read from the
environment when it is needed, so a changed variable applies to the next store or query; a value
that is not a number, or is out of its range, is refused with a one-line
:class:`~graph.errors.CausemapError` that names the variable and the range.

Every message that reports a limit biting names the setting that changes it (:func:`how_to_change`).

Examples
--------
>>> setting("query_memory_mb")
512
>>> how_to_change("max_file_mb")
'CAUSEMAP_MAX_FILE_MB'
>>> import os; os.environ["CAUSEMAP_QUERY_WORKERS"] = "many"
>>> setting("query_workers")
Traceback (most recent call last):
...
graph.errors.DataLoadError: CAUSEMAP_QUERY_WORKERS must be a whole number between 1 and 64, not 'many'
>>> del os.environ["CAUSEMAP_QUERY_WORKERS"]
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from graph.errors import DataLoadError

__all__ = ["Setting", "SETTINGS", "setting", "how_to_change", "markdown_table", "FIXED",
           "MAX_TIMEOUT"]

#: The longest time limit any query may ask for (seconds): a hard ceiling, not configurable, so
#: that a typo such as ``--timeout 1e308`` is refused rather than taken to mean "never stop".
MAX_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Setting:
    """One limit: its key, environment variable, default, range, unit and what it bounds."""

    key: str
    env: str
    default: float
    low: float
    high: float
    unit: str
    bounds: str
    whole: bool = True


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("query_seconds", "CAUSEMAP_QUERY_SECONDS", 10, 0.001, MAX_TIMEOUT, "s",
            "default time limit of a query (parsing, checking and evaluation together); "
            "`--timeout` and the app's time-limit box override it per query", whole=False),
    Setting("query_memory_mb", "CAUSEMAP_QUERY_MEMORY_MB", 512, 64, 65536, "MiB",
            "memory one query may take beyond the loaded data (the worker's address space)"),
    Setting("query_workers", "CAUSEMAP_QUERY_WORKERS", 3, 1, 64, "processes",
            "queries that run at once on one store (its worker processes); more wait"),
    Setting("process_queries", "CAUSEMAP_PROCESS_QUERIES", 6, 1, 256, "queries",
            "queries that run at once in one process over all its stores (the app with its "
            "users' uploads, `causemap serve`); with the memory cap, this bounds the process"),
    Setting("queue_seconds", "CAUSEMAP_QUERY_QUEUE_SECONDS", 5, 0, 600, "s",
            "how long a query waits for a free worker before \"busy, try again\"", whole=False),
    Setting("max_rows", "CAUSEMAP_MAX_ROWS", 5000, 1, 10_000_000, "rows",
            "SELECT rows kept by default; more are reported as truncation (`--limit`)"),
    Setting("max_triples", "CAUSEMAP_MAX_TRIPLES", 20000, 1, 10_000_000, "triples",
            "CONSTRUCT and DESCRIBE triples kept by default; more are reported as truncation"),
    Setting("max_cell_bytes", "CAUSEMAP_MAX_CELL_BYTES", 1_000_000, 1000, 1_000_000_000,
            "bytes", "longest single value in a result (UTF-8); a longer one stops the query"),
    Setting("max_result_bytes", "CAUSEMAP_MAX_RESULT_BYTES", 32_000_000, 10_000,
            10_000_000_000, "bytes", "largest whole result (UTF-8 bytes of all its values)"),
    Setting("parse_cache_mb", "CAUSEMAP_PARSE_CACHE_MB", 64, 0, 4096, "MiB",
            "memory kept for queries checked lately (their tokens), least recently used "
            "evicted first; 0 keeps none"),
    Setting("max_file_mb", "CAUSEMAP_MAX_FILE_MB", 1024, 1, 1_048_576, "MiB",
            "largest RDF file `--data`, `CAUSEMAP_DATA` and `causemap load` read "
            "(the full HPO graph as N-Quads is 461 MB)"),
    Setting("parse_seconds", "CAUSEMAP_PARSE_SECONDS", 15, 1, 86400, "s",
            "time to parse one file, plus one second per 5 MB of it (the 461 MB HPO file gets "
            "107 s and needs about 20)", whole=False),
    Setting("parse_memory_mb", "CAUSEMAP_PARSE_MEMORY_MB", 768, 128, 65536, "MiB",
            "memory the parser of one user's file may take (it streams: 25 MiB for the HPO "
            "N-Quads, Turtle or RDF/XML of any size; JSON-LD needs about 9 times the file's "
            "size)"),
)}


def _describe_range(s: Setting) -> str:
    kind = "a whole number" if s.whole else "a number"
    return f"{kind} between {s.low:g} and {s.high:g}"


def setting(key: str) -> float | int:
    """The value in force for ``key``: its environment variable when set, else the default.

    Raises
    ------
    DataLoadError
        The variable is set to something that is not a number in the setting's range.
    """
    s = SETTINGS[key]
    raw = os.environ.get(s.env, "").strip()
    if not raw:
        return int(s.default) if s.whole else float(s.default)
    try:
        value = int(raw) if s.whole else float(raw)
    except ValueError:
        value = None
    if value is None or (isinstance(value, float) and not math.isfinite(value)) \
            or not s.low <= value <= s.high:
        raise DataLoadError(f"{s.env} must be {_describe_range(s)}, not '{raw[:40]}'")
    return value


def how_to_change(key: str) -> str:
    """The environment variable that changes ``key`` (for messages that say a limit bit)."""
    return SETTINGS[key].env


#: Bounds that are not settings (fixed in code): name, value, what it bounds.
FIXED = (
    ("longest query", "100,000 characters", "`graph.query.guard.MAX_QUERY_LENGTH`; longer is "
     "refused before anything runs"),
    ("deepest query nesting", "256 brackets", "`graph.query.guard.MAX_NESTING`; deeper would "
     "exhaust the parser's stack"),
    ("longest time limit", f"{MAX_TIMEOUT:g} s", "`--timeout` or `timeout=` above it (`inf`, "
     "`1e308`) or not a positive number (`nan`) is refused"),
    ("entity expansion in RDF/XML", "1 MiB or 10 × the file", "plain-text `<!ENTITY>` "
     "abbreviations only; entities defined through entities, external entities, external DTDs "
     "and parameter entities are refused"),
    ("JSON-LD contexts", "inline only", "a `@context` given as a URL, a `file:` IRI or a path "
     "is never fetched or read: the file is refused"),
    ("whole-graph copies", "500,000 triples", "`graph.store.base.WHOLE_GRAPH_LIMIT`: SHACL "
     "validation and exports of bigger stores are refused (query them instead)"),
)


def markdown_table() -> str:
    """The table of :data:`SETTINGS` as ``docs/limits.md`` shows it (``tests/test_limits.py``
    checks that the page holds exactly this)."""
    lines = ["| variable | default | range | what it bounds |", "| --- | --- | --- | --- |"]
    for s in SETTINGS.values():
        def shown(x: float) -> str:
            return f"{int(x):,}" if x == int(x) else f"{x:g}"
        lines.append(f"| `{s.env}` | {shown(s.default)} {s.unit} | {shown(s.low)} – "
                     f"{shown(s.high)} | {s.bounds} |")
    return "\n".join(lines) + "\n"


def env_whole_number(env: str, default: int, low: int, high: int) -> int:
    """A whole number from the environment variable ``env`` (``default`` when unset), for limits
    kept outside :data:`SETTINGS` (the app's upload and per-session caps).

    Raises
    ------
    DataLoadError
        The variable is not a whole number between ``low`` and ``high``; the message names it.

    >>> env_whole_number("CAUSEMAP_NOT_SET_ANYWHERE", 7, 1, 10)
    7
    """
    raw = os.environ.get(env, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DataLoadError(f"{env} must be a whole number between {low} and {high}, "
                            f"not {raw[:40]!r}")
    return value
