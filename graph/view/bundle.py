"""The vis-network bundle that pyvis ships, read once, ready to inline in a page or a component.

No CDN: the app's component and the standalone page both inline this copy, so they work offline.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["vis_network_js", "vis_network_css"]


def _pyvis_lib() -> Path:
    import pyvis

    candidates = sorted(Path(pyvis.__file__).parent.glob("lib/vis-9*/vis-network.min.js"))
    if not candidates:
        raise FileNotFoundError("pyvis does not bundle vis-network (looked in pyvis/lib/vis-9*/)")
    return candidates[-1].parent


@functools.cache
def vis_network_js() -> str:
    """The standalone vis-network bundle that pyvis ships, ready to inline (read once, cached).

    The trailing ``sourceMappingURL`` comment is removed so that nothing, not even developer
    tools, asks for a file that is not there.

    >>> js = vis_network_js()
    >>> "vis-network" in js[:200] and "sourceMappingURL" not in js and "</script" not in js
    True
    """
    js = (_pyvis_lib() / "vis-network.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S*\s*$", "", js)
    if re.search(r"</script|<!--", js, re.IGNORECASE):  # would end or garble an inline <script>
        raise ValueError("the bundled vis-network cannot be inlined in a <script> element")
    return js


@functools.cache
def vis_network_css() -> str:
    """The stylesheet that goes with :func:`vis_network_js` (its images are ``data:`` URLs)."""
    css = (_pyvis_lib() / "vis-network.css").read_text(encoding="utf-8")
    return re.sub(r"/\*# sourceMappingURL=\S*\s*\*/", "", css)
