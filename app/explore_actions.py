"""What the Explore page's controls do: each is a callback that writes the next view's URL.

The page (:mod:`app.app_pages.explore`) draws the view its URL names; a search pick, a click on
the drawing, *Focus here*, *Expand* and the filters each compute the next :class:`View` from the
current URL and write it (:func:`app.explore_view.view_params`), which Streamlit makes a browser
history entry. Nothing here draws.
"""

from __future__ import annotations

import uuid

import streamlit as st
from rdflib import URIRef

from app.explore_view import View, expand, is_cluster, toggle_group, view_from_params, view_params
from graph.learn.explain import capitalise
from graph.store import Store

__all__ = ["ExploreActions"]

S = st.session_state


class ExploreActions:
    """The callbacks of one store's Explore page; ``classes`` and ``relations`` map the filters'
    labels to IRIs."""

    def __init__(self, kg: Store, classes: dict[str, str], relations: dict[str, str]):
        self.kg, self.classes, self.relations = kg, classes, relations

    def current(self) -> View:
        return view_from_params(self.kg, st.query_params.to_dict(), self.classes,
                                self.relations)[0]

    def go(self, v: View) -> None:
        """Show view ``v``: write its URL (a new history entry); the run draws it."""
        st.query_params.from_dict(view_params(v))

    def name(self, iri) -> str:
        return capitalise(self.kg.label(URIRef(str(iri))))

    def focus_on(self, iri) -> None:
        v = self.current().with_(focus=str(iri), whole=False, expanded=(), selected=str(iri))
        S.explore_announce = {"id": uuid.uuid4().hex, "focus": True,
                              "text": f"The view now centres on {self.name(iri)}."}
        self.go(v)

    def toggle_expand(self, iri: str) -> None:
        new, said = expand(self.kg, self.current(), iri)
        if said:
            S.explore_notice = said
        if new is not None:
            self.go(new)

    def select(self, iri: str) -> None:
        """A click on the drawing (or a pick from its list): a new view, that entity selected."""
        v = self.current()
        if is_cluster(iri):  # a group of neighbours: open it (or close it again)
            self.go(toggle_group(v, iri))
            return
        if iri != v.selected and self.kg.class_of(URIRef(iri)) is not None:
            self.go(v.with_(selected=iri))

    def from_widgets(self) -> None:
        """The sidebar's filters changed: the same view with their values."""
        v = self.current()
        classes = tuple(self.classes[c] for c in S.explore_classes)
        relations = tuple(self.relations[r] for r in S.explore_relations)
        every_class, every_relation = set(self.classes.values()), set(self.relations.values())
        self.go(v.with_(radius=int(S.explore_radius), cap=int(S.explore_cap),
                        classes=None if set(classes) == every_class or not classes else classes,
                        relations=None if set(relations) == every_relation or not relations
                        else relations))
