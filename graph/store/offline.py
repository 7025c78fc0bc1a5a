"""Keep Causemap offline: forbid the network fetches rdflib can make on its own.

rdflib fetches URLs while parsing (JSON-LD ``@context``, ``owl:imports`` in some tools) and while
querying (``SERVICE``, ``FROM``). The query guard rejects those clauses up front; this audit hook is
the second line, so that a path we did not think of still cannot reach the network. It blocks
``urllib`` requests for the whole process, which Causemap itself never makes.
"""

from __future__ import annotations

import sys

__all__ = ["forbid_network", "NetworkForbidden"]

_installed = False


class NetworkForbidden(RuntimeError):
    """Raised (from an audit hook) when code in this process opens a URL with urllib."""


def _hook(event: str, args: tuple) -> None:
    if event == "urllib.Request":
        url = args[0] if args else "?"
        if not str(url).startswith("file:"):
            raise NetworkForbidden(f"network access is disabled in Causemap (tried to open {url})")
        raise NetworkForbidden("reading file: URLs from data or queries is disabled in Causemap")


def forbid_network() -> None:
    """Install the audit hook once per process (it cannot be removed).

    >>> forbid_network()
    >>> import urllib.request
    >>> urllib.request.urlopen("http://127.0.0.1:9/")
    Traceback (most recent call last):
    ...
    graph.store.offline.NetworkForbidden: network access is disabled in Causemap (tried to open http://127.0.0.1:9/)
    """
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
