"""``causemap serve``: the SPARQL endpoint over the global ``--store`` / ``--data``.

The command only reads its options, opens the store and hands over to :mod:`graph.serve`.
"""

from __future__ import annotations

from typing import List

import typer

from graph.cli.common import BadInput, app, state


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (default: this machine "
                             "only; 0.0.0.0 opens it to the network)."),
    port: int = typer.Option(7878, min=0, max=65535, help="Port to listen on (0: any free port, "
                             "printed when ready)."),
    timeout: float = typer.Option(10.0, help="Stop each query after this many seconds (HTTP 504)."),
    limit: int = typer.Option(5000, help="Cap on rows (or triples) per query; the response header "
                              "Causemap-Truncated reports a cut."),
    cors_origin: List[str] = typer.Option(
        [], "--cors-origin", metavar="ORIGIN",
        help="Let pages from this origin query the endpoint from a browser (repeat for several; "
             "'*' for any), e.g. a YASGUI page. Default: no CORS."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                    help="Log one line per request on stderr."),
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql) with the ontology at /ontology."""
    import math

    from graph.serve import ServeConfig, create_app, serve as run_server

    if not math.isfinite(timeout) or timeout <= 0 or limit <= 0:
        raise BadInput("--timeout and --limit must be positive")
    for origin in cors_origin:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise BadInput(f"--cors-origin takes an origin such as http://localhost:8080 or '*', "
                           f"not '{origin[:80]}'")
    kg = state.kg()  # opened (and its workers forked) before the server starts any thread
    shown = f"[{host}]" if ":" in host else host
    config = ServeConfig(timeout=timeout, max_rows=limit, max_triples=limit,
                         cors_origins=tuple(cors_origin), base_url=f"http://{shown}:{port}/")
    typer.echo(f"causemap serve: {len(kg):,} triples from {kg.descriptor}", err=True)
    run_server(create_app(kg, config), host=host, port=port, access_log=access_log,
               ready="causemap serve: SPARQL endpoint at {base}sparql, ontology at {base}ontology "
                     "(Ctrl+C stops it)")
