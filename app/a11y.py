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
  for (const el of document.querySelectorAll('[data-testid="stTable"] > div')) {
    if (!el.dataset.cmWatched) {  // a table may start to scroll later (fonts, a narrower window)
      el.dataset.cmWatched = "true";
      window.__causemapResize.observe(el);
    }
    const scrolls = el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Table: scroll sideways for more columns");
      el.dataset.cmScrollFixed = "true";
    } else if (!scrolls && el.dataset.cmScrollFixed) {
      el.removeAttribute("tabindex");
      el.removeAttribute("role");
      el.removeAttribute("aria-label");
      delete el.dataset.cmScrollFixed;
    }
  }
}

export default function () {
  if (!window.__causemapA11y) {
    let pending = 0;
    const later = () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(fix); };
    const observer = new MutationObserver(later);
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", later);
    window.__causemapResize = new ResizeObserver(later);
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
