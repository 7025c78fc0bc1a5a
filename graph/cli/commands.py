"""The core ``causemap`` commands: query, validate, export, stats, search, show, path and app.

Each parses its arguments, calls one or two library functions and prints what they return. Library
modules are imported inside the commands so that ``causemap --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from graph.cli.common import (EXIT_CHECK_FAILED, BadInput, app, fail, prepare_store, state,
                              write_output)

# -- query ---------------------------------------------------------------------------------------

class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"
    turtle = "turtle"
    nt = "nt"
    jsonld = "json-ld"
    trig = "trig"
    nquads = "nquads"


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"--param takes NAME=VALUE, got '{pair}'")
        params[name.strip()] = value.strip()
    return params


@app.command()
def query(
    text: Optional[str] = typer.Argument(None, help="SPARQL text (the project's prefixes are declared)."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the query from a .rq file."),
    named: Optional[str] = typer.Option(None, "--named", "-n", help="Run a named query (see --list)."),
    param: List[str] = typer.Option([], "--param", "-p", metavar="NAME=VALUE",
                                    help="A named query's parameter; entities by label, synonym or CURIE."),
    fmt: Optional[QueryFormat] = typer.Option(None, "--format", help="table (default), csv, tsv, json "
                                              "or xml (SPARQL results); turtle, nt, json-ld, xml "
                                              "(RDF/XML), trig or nquads for CONSTRUCT/DESCRIBE."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file."),
    timeout: Optional[float] = typer.Option(None, help="Stop the query after this many seconds "
                                            "(default CAUSEMAP_QUERY_SECONDS, 10)."),
    limit: int = typer.Option(5000, help="Cap on rows (or triples) returned; reported as truncation."),
    list_: bool = typer.Option(False, "--list", help="List the named queries and their questions."),
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) against the graph."""
    from graph.query.named import get_named_query, list_named_queries, run_named
    from graph.query import run_query
    from graph.query.results import serialize

    if list_:
        for nq in list_named_queries():
            params = " ".join(f"--param {p.name}=…" for p in nq.params)
            typer.echo(f"{nq.name}: {nq.question}" + (f"  [{params}]" if params else ""))
        return
    sources = [x for x in (text, file, named) if x]
    if len(sources) != 1:
        raise BadInput("give exactly one of: query text, --file FILE, --named NAME")
    if param and not named:
        raise BadInput("--param only goes with --named")
    if (timeout is not None and not timeout > 0) or limit <= 0:
        raise BadInput("--timeout and --limit must be positive")
    kg = state.kg()
    if named:
        from graph.learn.entities import resolve
        get_named_query(named)  # unknown names fail before any work
        result = run_named(kg, named, _parse_params(param), timeout=timeout, max_rows=limit,
                           max_triples=limit, resolve_entity=lambda t: resolve(kg, t))
    else:
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BadInput(f"cannot read {file}: {exc.strerror or 'not UTF-8 text'}") from None
        result = run_query(kg, text, timeout=timeout, max_rows=limit, max_triples=limit)
    chosen = fmt.value if fmt else ("turtle" if result.kind in ("CONSTRUCT", "DESCRIBE") else "table")
    write_output(serialize(result, chosen), output)
    if result.truncated:
        typer.echo(f"note: truncated at {result.limit} results (raise --limit to see more)", err=True)


# -- load --------------------------------------------------------------------------------------

@app.command()
def load(
    path: Path = typer.Argument(..., help="Folder for the on-disk store (new, empty, or a store "
                                "Causemap made before, which is replaced)."),
    data: Optional[List[Path]] = typer.Option(
        None, "--data", "-d", metavar="FILE",
        help="RDF files to load (repeat for several; added to the global --data files; "
             "default: the bundled data)."),
) -> None:
    """Build an on-disk Oxigraph store from --data files (or the bundled data), for --store oxigraph:PATH.

    causemap load PATH --data FILE and causemap --data FILE load PATH are the same.
    """
    from graph.store.disk import build_store

    if state.store is not None:
        raise BadInput("load builds a store; give the files with --data, not --store")
    files = [*(state.data or []), *(data or [])] or None
    def progress(step: str, seconds: int, size: int) -> None:
        if sys.stderr.isatty():
            typer.echo(f"\rloading {step} ({size / 1e6:,.0f} MB): {seconds} s", nl=False, err=True)

    def prepare(folder: Path) -> int:
        if sys.stderr.isatty():
            typer.echo("\rindexing (search, counts, hubs, phenotypes)…" + " " * 20, nl=False,
                       err=True)
        return prepare_store(folder)

    report = build_store(path, files, progress=progress, prepare=prepare)
    if sys.stderr.isatty():
        typer.echo("\r" + " " * 70 + "\r", nl=False, err=True)
    typer.echo(f"{report.path}: {report.triples:,} triples from {len(report.files)} files in "
               f"{report.seconds:.1f} s ({report.indexing:.1f} s of it indexing); use it with "
               f"--store oxigraph:{report.path}")


# -- validate ------------------------------------------------------------------------------------

@app.command()
def validate() -> None:
    """Check the graph against the SHACL shapes and the *-violation.rq checks (exit 1 on failure)."""
    from graph.validate import validate as run_validation

    kg = state.kg()
    report = run_validation(kg)
    for line in report.lines(kg):
        typer.echo(line)
    typer.echo(report.summary())
    if not report.conforms:
        raise typer.Exit(EXIT_CHECK_FAILED)


# -- export --------------------------------------------------------------------------------------

class ExportFormat(str, Enum):
    turtle = "turtle"
    trig = "trig"
    nt = "nt"
    nquads = "nquads"
    jsonld = "json-ld"
    graphml = "graphml"
    html = "html"


@app.command()
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.turtle, "--format", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file."),
    focus: Optional[str] = typer.Option(None, help="Export only the view around this entity "
                                        "(its neighbourhood, with each relation's claim)."),
    radius: int = typer.Option(1, min=1, max=3, help="Hops around --focus (1–3)."),
) -> None:
    """Export the graph as RDF, as GraphML, or as a standalone offline HTML network."""
    kg = state.kg()
    if focus is None and radius != 1:
        raise BadInput("--radius goes with --focus")
    if focus is not None and fmt in (ExportFormat.trig, ExportFormat.nquads):
        raise BadInput("--focus exports a view, which has no named graphs: use turtle, nt or json-ld")
    if focus is not None and fmt in (ExportFormat.turtle, ExportFormat.nt, ExportFormat.jsonld):
        from graph.learn.entities import resolve
        from graph.view.export import view_graph
        from graph.view.network import bounded_view

        view = bounded_view(kg, focus=str(resolve(kg, focus)), radius=radius)
        write_output(view_graph(kg, view.graph.nodes).serialize(format=fmt.value), output)
        return
    if fmt in (ExportFormat.html, ExportFormat.graphml):
        import networkx as nx
        from graph.learn.entities import resolve
        from graph.view.network import bounded_view

        view = bounded_view(kg, focus=str(resolve(kg, focus)) if focus else None, radius=radius)
        if fmt is ExportFormat.graphml:
            write_output("\n".join(nx.generate_graphml(view.graph)), output)
        else:
            from graph.view.render import standalone_html
            title = f"Causemap: {kg.label(resolve(kg, focus))}" if focus else "Causemap"
            write_output(standalone_html(view.graph, title=title), output)
        if view.hidden:
            typer.echo(f"note: {view.hidden} more nodes not shown (the view is capped)", err=True)
        return
    if fmt in (ExportFormat.trig, ExportFormat.nquads):  # the claims keep their named graphs
        text = kg.to_dataset().serialize(format=fmt.value)
    else:
        text = kg.to_graph().serialize(format=fmt.value)
    write_output(text, output)


# -- stats, search, show, path ----------------------------------------------------------------------

@app.command()
def stats() -> None:
    """Count triples, entities per class, relations per kind, claims and curator notes."""
    from graph.learn.stats import graph_stats

    s = graph_stats(state.kg())
    typer.echo(f"triples    {s.triples}")
    typer.echo(f"entities   {s.entities}")
    for label, n in s.classes:
        typer.echo(f"  {label:<24} {n}")
    typer.echo(f"relations  {s.relations}")
    for label, n in s.relation_kinds:
        typer.echo(f"  {label:<24} {n}")
    typer.echo(f"claims     {s.claims} (from {s.sections} source sections)")
    typer.echo(f"notes      {s.notes} curator notes")
    typer.echo(f"xrefs      {s.xrefs} cross-references to HPO, OMIM and ORPHA")


@app.command()
def search(text: str = typer.Argument(..., help="A name, synonym or part of one; typos are forgiven."),
           limit: int = typer.Option(10, min=1, max=100)) -> None:
    """Find entities by label or synonym."""
    from graph.learn.entities import search as run_search
    from graph.namespace import curie

    if not text.strip():
        raise BadInput("give some text to search for")
    hits = run_search(state.kg(), text, limit=limit)
    if not hits:
        fail(f"nothing matches '{text}'", EXIT_CHECK_FAILED)
    for h in hits:
        via = f"  (matched '{h.matched}')" if h.matched != h.label else ""
        typer.echo(f"{h.label}  [{h.cls_label}]  {curie(str(h.iri))}{via}")


@app.command()
def show(name: str = typer.Argument(..., help="Entity label, synonym, CURIE or IRI.")) -> None:
    """Show an entity: type, synonyms, definition, cross-references and every relation with its source."""
    from graph.learn.entities import describe, resolve
    from graph.learn.explain import capitalise

    kg = state.kg()
    d = describe(kg, resolve(kg, name))
    typer.echo(f"{capitalise(d.label)}  [{d.cls_label}]  {d.curie}")
    if d.synonyms:
        typer.echo(f"also called: {', '.join(d.synonyms)}")
    typer.echo(d.definition)
    for x in d.xrefs:
        typer.echo(f"{x.kind}: {x.short_id}  {x.url}")
    for note in d.notes:
        typer.echo(f"curator's note: {note}")
    for rel in d.relations:
        src = "; ".join(p.where for p in rel.provenance) or "no source"
        typer.echo(f"- {rel.sentence}  ({src})")


@app.command()
def path(
    a: str = typer.Argument(..., help="First entity (label, synonym, CURIE or IRI)."),
    b: str = typer.Argument(..., help="Second entity."),
    max_length: int = typer.Option(0, "--max-length", min=0, max=6,
                                   help="Also list longer paths up to this many steps (0: shortest only)."),
    sources: bool = typer.Option(True, "--sources/--no-sources", help="Show the source of each step."),
) -> None:
    """Explain how two entities are connected, as sentences."""
    from graph.learn.entities import resolve
    from graph.learn.paths import shortest_paths, simple_paths

    kg = state.kg()
    ea, eb = resolve(kg, a), resolve(kg, b)
    paths = (simple_paths(kg, ea, eb, max_length=max_length) if max_length
             else shortest_paths(kg, ea, eb))
    if not paths:
        within = f" within {max_length} steps" if max_length else ""
        fail(f"no path between {kg.label(ea)} and {kg.label(eb)}{within}", EXIT_CHECK_FAILED)
    for p in paths:
        typer.echo(p.sentence)
        if sources:
            for step, provs in zip(p.steps, p.sources):
                for prov in provs:
                    typer.echo(f"    {kg.label(step.source)} → {kg.label(step.target)}: "
                               f"{prov.claim_text} ({prov.where})")


# -- app -----------------------------------------------------------------------------------------

def _upload_mb() -> int:
    """The upload page's size cap in MB (``CAUSEMAP_UPLOAD_MB``, 1–1024, default 20)."""
    raw = os.environ.get("CAUSEMAP_UPLOAD_MB", "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 1024 else 20


@app.command(name="app")
def run_app(
    port: int = typer.Option(8501, min=1024, max=65535, help="Port to serve on."),
    address: str = typer.Option("localhost", help="Address to bind (default: this machine only)."),
    headless: bool = typer.Option(False, help="Do not open a browser."),
) -> None:
    """Start the Causemap web app (Streamlit) on the bundled data, --data files or --store."""
    import importlib.resources

    from graph.store import STORE_ENV, parse_descriptor

    env = dict(os.environ)
    if state.data:
        env["CAUSEMAP_DATA"] = os.pathsep.join(str(p.resolve()) for p in state.data)
    descriptor = state.descriptor()
    scheme, rest = parse_descriptor(descriptor)
    if scheme == "oxigraph" and rest:  # the app may run from another folder: an absolute path
        descriptor = f"oxigraph:{Path(rest).resolve()}"
    env[STORE_ENV] = descriptor
    # The installed `app` package, so that a wheel finds its script as a checkout does.
    script = importlib.resources.files("app") / "streamlit_app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.port", str(port), "--server.address", address,
           "--server.headless", "true" if headless else "false",
           "--browser.gatherUsageStats", "false",
           # Students see the app, not Streamlit's developer menu ("Deploy", rerun settings).
           "--client.toolbarMode", "minimal",
           # Streamlit runs a full gc.collect(2) after every script run. The shared store, its
           # caches and search index are long-lived and frozen out of the collector anyway
           # (app/state.py), and walking them after each click cost 75 % of a warm page on the
           # 2.3 M-triple graph: the collector's own thresholds still run as usual.
           "--runner.postScriptGC", "false",
           # Streamlit holds an upload in memory before the page sees it: refuse what the upload
           # page would refuse anyway (CAUSEMAP_UPLOAD_MB, default 20; app/uploads.py checks it).
           "--server.maxUploadSize", str(_upload_mb())]
    # Become the Streamlit server rather than wrap it: a signal to `causemap app` (Ctrl+C, a
    # service manager, a test's terminate()) then reaches the server itself, leaving no orphan.
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, cmd, env)
    except OSError as exc:
        raise BadInput(f"could not start Streamlit: {exc.strerror}") from None


