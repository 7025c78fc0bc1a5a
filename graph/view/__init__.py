"""The view layer: what the app and the exports draw, always bounded.

- :mod:`~graph.view.network`: the bounded view around a focus (or the best-connected entities);
- :mod:`~graph.view.clusters`: a big neighbourhood as groups that open;
- :mod:`~graph.view.render`, :mod:`~graph.view.style`, :mod:`~graph.view.bundle`: vis-network
  data and self-contained offline HTML;
- :mod:`~graph.view.export`: a view as RDF.
"""
