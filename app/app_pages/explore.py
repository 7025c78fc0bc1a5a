"""Explore page: the interactive network. Find, focus, filter, click for details, expand.

The URL is the view (:mod:`app.explore_view`): every run draws what the query string says, and
every change (a search, a click, *Focus here*, *Expand*, a filter) writes a new query string, which
Streamlit makes a browser history entry, so Back and Forward (and the drawing's own Back button)
step through views; the callbacks that write them are :mod:`app.explore_actions`'s. The browser
only ever receives a bounded view (:func:`graph.view.network.bounded_view`).
"""

from __future__ import annotations

import streamlit as st
from rdflib import URIRef

from app.details import show_details
from app.explore_actions import ExploreActions
from app.explore_view import CAP_RANGE, MAX_RADIUS, caption, draw, remember, view_from_params
from app.network_component import network
from app.search_box import search_box
from app.state import get_kg
from app.ui import disclaimer, entity_url, legend_markdown, markdown_text
from graph.learn.entities import describe
from graph.learn.schema import class_table, relation_table
from graph.view.export import view_graph
from graph.view.render import standalone_html, to_vis_data

kg = get_kg()
CLASSES = {c.label: str(c.iri) for c in class_table(kg)}
RELATIONS = {r.label: str(r.iri) for r in relation_table(kg)}
LABEL_OF = {iri: label for label, iri in (*CLASSES.items(), *RELATIONS.items())}
S = st.session_state


act = ExploreActions(kg, CLASSES, RELATIONS)


# -- the view the URL names, and the widgets that mirror it ------------------------------------
view, problems = view_from_params(kg, st.query_params.to_dict(), CLASSES, RELATIONS)
S.explore_radius, S.explore_cap = view.radius, view.cap
# An empty filter is no filter ("All classes"): ten chips of every class said nothing.
S.explore_classes = [LABEL_OF[c] for c in view.classes or ()]
S.explore_relations = [LABEL_OF[r] for r in view.relations or ()]
can_go_back = remember(S.setdefault("explore_trail", []), view)  # for the drawing's Back

st.title("Explore the graph")
disclaimer()
for problem in problems:
    st.warning(f"The link's {markdown_text(problem, limit=300)}.", icon=":material/link_off:")

with st.sidebar:
    search_box(kg, "Find an entity", key="explore_find", keep=False, on_pick=act.focus_on,
               placeholder="e.g. parkinsons, als, low calcium")
    st.caption("By name or synonym, typos forgiven. Enter takes the first match.")
    st.subheader("View")
    st.slider("Hops around the focus", 1, MAX_RADIUS, key="explore_radius",
              on_change=act.from_widgets, disabled=view.whole,
              help="How far from the focused entity the view reaches.")
    st.multiselect("Only these classes", list(CLASSES), key="explore_classes",
                   on_change=act.from_widgets, placeholder="All classes")
    st.multiselect("Only these relations", list(RELATIONS), key="explore_relations",
                   on_change=act.from_widgets, placeholder="All relations")
    st.number_input("Most nodes to draw", *CAP_RANGE, step=20, key="explore_cap",
                    on_change=act.from_widgets)
    if not view.whole:
        st.button("Show the whole graph", width="stretch",
                  on_click=lambda: act.go(act.current().with_(whole=True, focus=None,
                                                              expanded=())))

# -- the drawing ------------------------------------------------------------------------------------
shown = draw(kg, view)
left, right = st.columns([2, 1], gap="medium")
with left:
    n, m = shown.graph.number_of_nodes(), shown.graph.number_of_edges()
    said, filters = caption(kg, view, shown, LABEL_OF)
    st.markdown(said)
    if filters:
        st.caption(filters)
    if notice := S.pop("explore_notice", None):
        st.info(markdown_text(notice), icon=":material/info:")
    if shown.hidden:
        c1, c2 = st.columns([3, 1])
        c1.warning(f"{shown.hidden} more not shown: the view is capped at {view.cap} nodes.")
        c2.button("Show 100 more", key="explore_more",
                  on_click=lambda: act.go(act.current().with_(
                      cap=min(CAP_RANGE[1], view.cap + 100))))
    data = to_vis_data(shown.graph, selected=view.selected, focus=None if view.whole else view.focus)
    network(data, key="explore_network", height=min(860, max(560, 440 + 5 * n)),
            on_click=act.select,
            back=can_go_back, announce=S.pop("explore_announce", None),
            label=f"Network of {n} entities and {m} relations around "
                  f"{act.name(view.focus) if view.focus else 'the hubs'}")
    st.markdown(legend_markdown(), unsafe_allow_html=True)  # constants only, no data
    d1, d2 = st.columns(2)
    # Built only when clicked: serialising every rerun cost more than drawing the view.
    d1.download_button("Download view as HTML",
                       lambda: standalone_html(shown.graph, title="Causemap view"),
                       file_name="causemap-view.html", mime="text/html", width="stretch")
    d2.download_button("Download view as Turtle",
                       lambda: view_graph(kg, shown.graph.nodes).serialize(format="turtle"),
                       file_name="causemap-view.ttl", mime="text/turtle", width="stretch")

with right:
    sel = view.selected
    if not sel:
        st.info("Click a node, or pick one from *Find in this view*, to see what it is, how it "
                "relates to others, and where each relation comes from.")
    else:
        a1, a2 = st.columns(2)
        a1.button("Focus here", key="explore_focus_btn", width="stretch",
                  disabled=sel == view.focus and not view.expanded, on_click=act.focus_on,
                  args=(sel,))
        expanded = sel in view.expanded
        a2.button("Collapse" if expanded else "Expand", key="explore_expand", width="stretch",
                  on_click=act.toggle_expand, args=(sel,),
                  help="Take this entity's added neighbours away again." if expanded else
                  "Add this entity's direct neighbours to the view.")
        show_details(kg, describe(kg, URIRef(sel)), heading_level=3)
        st.markdown(f"[Open the entity page ↗]({entity_url(sel)})")
