"""app.network_component without a browser: what reaches the component, and how a click comes back.

AppTest runs no JavaScript, so a click is simulated the way the browser reports one: by setting the
component's state through its key (``at.session_state[key] = {"selected": node_id}``) before a run.
``tests/browser/test_component_browser.py`` clicks a real node in Chromium.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from app.network_component import COMPONENT_NAME, component_js, network
from graph.view.render import vis_network_js

CM = "https://w3id.org/causemap/"


def page():
    """A tiny page: draw two entities, say which one was clicked, restyle around it."""
    import networkx as nx
    import streamlit as st

    from app.network_component import network
    from graph.view.render import to_vis_data

    CM = "https://w3id.org/causemap/"  # AppTest runs the function's source alone, without globals
    G = nx.MultiDiGraph()
    G.add_node(CM + "Hypocalcemia", label="Hypocalcemia", cls=CM + "Mechanism")
    G.add_node(CM + "Tetany", label="<img src=x onerror=alert(1)>", cls=CM + "Symptom")
    G.add_edge(CM + "Hypocalcemia", CM + "Tetany", key=CM + "canCause", label="can cause")
    if st.button("Forget the selection"):
        st.session_state["net"] = {"selected": None}
    picked = st.session_state.get("net", {}).get("selected")
    clicked = network(to_vis_data(G, selected=picked), key="net", height=400)
    st.text(f"selected={clicked}")


@pytest.fixture
def app():
    return AppTest.from_function(page, default_timeout=30).run()


def component(at):
    (element,) = at.get("bidi_component")
    return element.proto


def test_page_draws_the_component_with_the_data(app):
    assert not app.exception
    proto = component(app)
    assert proto.component_name == COMPONENT_NAME
    data = json.loads(proto.json or proto.mixed.json)
    assert {n["id"] for n in data["nodes"]} == {CM + "Hypocalcemia", CM + "Tetany"}
    assert data["height"] == 400 and data["options"]["edges"]["smooth"] is False
    assert proto.js_content == component_js()
    assert [t.value for t in app.text] == ["selected=None"]


def test_a_simulated_click_reaches_python(app):
    app.session_state["net"] = {"selected": CM + "Tetany"}
    app.run()
    assert not app.exception
    assert [t.value for t in app.text] == [f"selected={CM}Tetany"]
    # ... and the page restyled the drawing around the clicked entity.
    data = json.loads(component(app).json or component(app).mixed.json)
    tetany = next(n for n in data["nodes"] if n["id"] == CM + "Tetany")
    assert tetany["borderWidth"] == 4
    app.run()  # the selection persists like any widget value
    assert [t.value for t in app.text] == [f"selected={CM}Tetany"]


def test_a_page_can_forget_the_selection(app):
    app.session_state["net"] = {"selected": CM + "Tetany"}
    app.run()
    app.button[0].click().run()
    assert not app.exception
    assert [t.value for t in app.text] == ["selected=None"]


def test_component_js_inlines_vis_network_and_sets_text_only():
    js = component_js()
    assert vis_network_js() in js
    assert js.count("export default function") == 1
    own = js.replace(vis_network_js(), "")
    assert "innerHTML" not in own and "textContent" in own
    assert "setStateValue(\"selected\"" in own
    assert "import " not in own.replace("export default", "") and "http" not in own


@pytest.mark.parametrize("data, message", [
    ({}, "needs the dict"),                                         # not from to_vis_data
    ({"nodes": []}, "needs the dict"),                              # edges missing
    ({"nodes": [{"id": object()}], "edges": []}, "JSON-able"),      # something json can't write
])
def test_bad_data_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        network(data, key="net")
