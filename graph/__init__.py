"""Causemap's pure-Python core: load the graph, query it, project it to networkx, explain it.

Never imports streamlit (or pyvis, outside :mod:`graph.view.render`), so the CLI starts fast and the core
can be used from any Python program. Submodules are imported on use; the names below are the ones
most programs need.
"""

from graph.errors import CausemapError
from graph.namespace import CM, entity
from graph.store import Store, load

__all__ = ["CausemapError", "CM", "entity", "Store", "load"]
__version__ = "0.1.0"
