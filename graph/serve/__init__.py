"""``causemap serve``: a read-only SPARQL 1.1 Protocol endpoint over any store.

Other tools query Causemap's graph through it: YASGUI in a browser, SPARQLWrapper, rdflib's
``SPARQLStore``, another Causemap (``--store sparql:http://127.0.0.1:7878/sparql``), or any SPARQL
client. Every query goes through :func:`graph.query.run_query`, so the guard, the limits and the
messages are those of the CLI and the app. The layers, one module each:

- :mod:`graph.serve.protocol`: read a Protocol request (GET, form POST, direct POST);
- :mod:`graph.serve.negotiation`: the ``Accept`` header → a result format;
- :mod:`graph.serve.description`: the SPARQL 1.1 Service Description;
- :mod:`graph.serve.ontology`: the ontology at ``/ontology``, Turtle or HTML;
- :mod:`graph.serve.access_log`: one short line per request;
- :mod:`graph.serve.app`: the Starlette routes, statuses and messages;
- :mod:`graph.serve.server`: uvicorn, on 127.0.0.1 by default.

Examples
--------
>>> from starlette.testclient import TestClient
>>> from graph.store import load
>>> client = TestClient(create_app(load()))
>>> r = client.get("/sparql", params={"query": "SELECT ?m WHERE { cm:DiGeorgeSyndrome "
...                                            "cm:actsThrough ?m }"}, headers={"Accept": "text/csv"})
>>> r.text
'm\\r\\nhttps://w3id.org/causemap/Hypocalcemia\\r\\n'
"""

from graph.serve.app import ServeConfig, create_app
from graph.serve.server import serve

__all__ = ["ServeConfig", "create_app", "serve"]
