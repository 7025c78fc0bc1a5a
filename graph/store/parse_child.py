"""The child process that parses one untrusted RDF file: ``python -I parse_child.py SPEC``.

Run by :mod:`graph.store.parsing`, never imported by Causemap itself: it depends on nothing but the
standard library and pyoxigraph, so it starts in about 60 ms. It reads the file from a descriptor
its parent opened and checked (so the file cannot be swapped after the check), parses it with
Oxigraph under a cap on its address space, and writes the statements to standard output as
N-Quads, Oxigraph's own serialisation — the only RDF the parent then parses. A parser that
crashes (a stack overflow on a document nested too deeply), exhausts its memory or hangs takes
only this process with it; the parent reports it and stops it at the parse time limit.

``SPEC`` is JSON: ``fd`` (the open file), ``format`` (an :class:`pyoxigraph.RdfFormat` name),
``base`` (the base IRI) and ``memory_mb``. An error is one JSON line on standard error,
``{"error": …}``, and exit status 2.
"""

import json
import os
import resource
import signal
import sys


def _cap_memory(memory_mb: int) -> None:
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * resource.getpagesize()
    limit = now + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl+C and stops us
    spec = json.loads(sys.argv[1])
    import pyoxigraph as ox

    try:
        _cap_memory(int(spec["memory_mb"]))
    except (OSError, ValueError):
        pass  # not Linux: the parent's time limit still stops us
    source = os.fdopen(int(spec["fd"]), "rb", buffering=1024 * 1024)
    out = os.fdopen(1, "wb", buffering=1024 * 1024)
    try:
        quads = ox.parse(input=source, format=getattr(ox.RdfFormat, spec["format"]),
                         base_iri=spec["base"], rename_blank_nodes=True)
        ox.serialize(quads, output=out, format=ox.RdfFormat.N_QUADS)
        out.flush()
    except BrokenPipeError:
        return 3  # the parent stopped reading: it has given up on us
    except MemoryError:
        _report("MemoryError", "")
        return 2
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError, RecursionError) as exc:
        _report(type(exc).__name__, str(exc))
        return 2
    return 0


def _report(kind: str, message: str) -> None:
    os.write(2, (json.dumps({"error": message[:4000], "type": kind}) + "\n").encode())


if __name__ == "__main__":
    sys.exit(main())
