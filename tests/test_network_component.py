"""app.network_component without a browser: what reaches the component, and how a click comes back.

AppTest runs no JavaScript, so a click is simulated the way the browser reports one: by setting the
component's value through its key (``at.session_state[key] = click_value(node_id)``) before a run.
A click is an event: the page sees it once, and a rerun (or the browser's Back) never replays it.
``tests/browser/test_component_browser.py`` clicks a real node in Chromium.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from app.network_component import COMPONENT_NAME, click_value, component_js, network
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
        st.session_state["picked"] = None
    clicked = network(to_vis_data(G, selected=st.session_state.get("picked")), key="net",
                      height=400)
    if clicked:
        st.session_state["picked"] = clicked
        st.rerun()
    st.text(f"clicked={clicked} picked={st.session_state.get('picked')}")


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
    assert data["ui"] == {"toolbar": True}
    assert proto.js_content == component_js()
    assert [t.value for t in app.text] == ["clicked=None picked=None"]


def test_a_simulated_click_reaches_python_once(app):
    app.session_state["net"] = click_value(CM + "Tetany")
    app.run()
    assert not app.exception
    assert [t.value for t in app.text] == [f"clicked=None picked={CM}Tetany"]
    # ... and the page restyled the drawing around the clicked entity.
    data = json.loads(component(app).json or component(app).mixed.json)
    tetany = next(n for n in data["nodes"] if n["id"] == CM + "Tetany")
    assert tetany["borderWidth"] == 4
    app.run()  # an event: the same click is not seen twice
    assert [t.value for t in app.text] == [f"clicked=None picked={CM}Tetany"]


def test_a_page_can_forget_the_selection(app):
    app.session_state["net"] = click_value(CM + "Tetany")
    app.run()
    app.button[0].click().run()
    assert not app.exception
    assert [t.value for t in app.text] == ["clicked=None picked=None"]


def test_on_click_runs_before_the_page_can_draw_it():
    def page_with_callback():
        import networkx as nx
        import streamlit as st

        from app.network_component import network
        from graph.view.render import to_vis_data

        G = nx.MultiDiGraph()
        G.add_node("a", label="A")
        G.add_node("b", label="B")
        st.text(f"picked={st.session_state.get('picked')}")
        network(to_vis_data(G), key="net", on_click=lambda n: st.session_state.update(picked=n))

    at = AppTest.from_function(page_with_callback, default_timeout=30).run()
    at.session_state["net"] = click_value("b")
    at.run()
    assert [t.value for t in at.text] == ["picked=b"]


def test_the_drawing_options_reach_the_browser():
    def page_with_options():
        import networkx as nx

        from app.network_component import network
        from graph.view.render import to_vis_data

        G = nx.MultiDiGraph()
        G.add_node("a", label="A")
        network(to_vis_data(G), key="net", label="Two things", back=False, centre="a",
                announce={"id": "n1", "text": "Now around A.", "focus": True}, toolbar=False)

    at = AppTest.from_function(page_with_options, default_timeout=30).run()
    ui = json.loads(component(at).json or component(at).mixed.json)["ui"]
    assert ui["label"] == "Two things" and ui["back"] == {"enabled": False}
    assert ui["centre"]["node"] == "a" and ui["toolbar"] is False
    assert ui["announce"] == {"id": "n1", "text": "Now around A.", "focus": True}


def test_component_js_inlines_vis_network_and_sets_text_only():
    js = component_js()
    assert vis_network_js() in js
    assert js.count("export default function") == 1
    own = js.replace(vis_network_js(), "")
    assert "innerHTML" not in own and "textContent" in own
    assert 'setTriggerValue("click"' in own
    assert "import " not in own.replace("export default", "") and "http" not in own
    # The drawing is a named focus stop that the keyboard can use.
    assert 'tabindex: "0"' in own and "aria-label" in own and "keydown" in own


@pytest.mark.parametrize("data, message", [
    ({}, "needs the dict"),                                         # not from to_vis_data
    ({"nodes": []}, "needs the dict"),                              # edges missing
    ({"nodes": [{"id": object()}], "edges": []}, "JSON-able"),      # something json can't write
])
def test_bad_data_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        network(data, key="net")
