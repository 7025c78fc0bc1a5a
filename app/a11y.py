"""Accessibility fixes for Streamlit's own markup around our content, as one tiny component.

A table wider than a phone's screen scrolls sideways inside Streamlit's table container, and a
scroll region that the keyboard cannot focus is a WCAG failure (axe: ``scrollable-region-focusable``):
its right-hand columns could be read only with a pointer. :func:`accessibility_fixes`, mounted once
per page by the router, makes every such container a named, focusable region (``tabindex=0``,
``role=region``), now and whenever the page changes. It adds attributes only; it draws nothing.
"""

from __future__ import annotations

import functools

import streamlit as st

__all__ = ["accessibility_fixes"]

_JS = """
function fix() {
  // Every table container is a named, focusable region, whether it scrolls now or not: whether
  // it scrolls changes with the window and with late layout (fonts), and a region that may
  // scroll must be reachable by keyboard from the start.
  for (const el of document.querySelectorAll('[data-testid="stTable"] > div')) {
    if (!el.hasAttribute("tabindex")) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Table (scroll sideways if it is wider than the page)");
    }
  }
}

export default function () {
  if (!window.__causemapA11y) {
    const observer = new MutationObserver(fix);  // at once: a new table is fixed as it appears
    observer.observe(document.body, { childList: true, subtree: true });
    window.__causemapA11y = observer;
  }
  fix();
}
"""


@functools.cache
def _component():
    return st.components.v2.component("causemap_a11y", js=_JS)


def accessibility_fixes() -> None:
    """Mount the fixes (once per page run; they keep working as the page changes)."""
    _component()(key="causemap_a11y", height=0)
