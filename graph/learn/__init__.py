"""The learning layer: what a student learns from the graph, each a bounded read through a Store.

- :mod:`~graph.learn.search`, :mod:`~graph.learn.entities`: find an entity (an index built once
  per store), resolve a name to one, describe it;
- :mod:`~graph.learn.projection`, :mod:`~graph.learn.paths`, :mod:`~graph.learn.explain`:
  bounded networkx projections, paths between two entities, and edges and paths as sentences;
- :mod:`~graph.learn.relate`, :mod:`~graph.learn.compare`, :mod:`~graph.learn.differential`,
  :mod:`~graph.learn.treatments`, :mod:`~graph.learn.quiz`, :mod:`~graph.learn.hubs`: the
  exercises of the app's Learn pages and of the command line;
- :mod:`~graph.learn.phenotype_index`, :mod:`~graph.learn.phenotype_similarity`,
  :mod:`~graph.learn.differential_hpo`, :mod:`~graph.learn.quiz_hpo`: the same on the HPO graph;
- :mod:`~graph.learn.questions` (with :mod:`~graph.learn.question_templates`): questions in
  English built into SPARQL, clause by clause;
- :mod:`~graph.learn.stats`, :mod:`~graph.learn.schema`: counts, classes and relations.

It imports the store and query layers, never the views, the CLI or Streamlit
(``tests/test_layout.py``).
"""
