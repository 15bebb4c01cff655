"""Export: the whole graph in a standard format, streamed to a caller or written to a file."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.errors import InputError
from graph.export import content_type, export
from graph.store import GraphStore

FORMATS = ("ttl", "jsonld", "graphml", "gexf", "ftm", "csv")
EXTENSIONS = {"ttl": "ttl", "jsonld": "jsonld", "graphml": "graphml", "gexf": "gexf",
              "ftm": "ftm.json", "csv": "csv"}


def check_format(format: str, option: str = "format") -> None:
    """Return None for a known export format; raise InputError naming the known ones."""
    if format not in FORMATS:
        raise InputError(f"{option} must be one of {', '.join(FORMATS)}, not {format!r}")


def export_stream(store: GraphStore, format: str, include_rejected: bool = False
                  ) -> tuple[Iterator[str], str, str]:
    """Return (chunks, content type, file name) of the graph in ``format``. The first chunk
    is read before returning, so that an error (the store down) surfaces here, before an
    answer starts. Relations an editor rejected are left out unless ``include_rejected``."""
    check_format(format)
    chunks = export(store, format, include_rejected)
    first = next(chunks, "")

    def stream() -> Iterator[str]:
        yield first
        yield from chunks

    return stream(), content_type(format), f"influence-graph.{EXTENSIONS[format]}"


def export_file(store: GraphStore, format: str, output: Path,
                include_rejected: bool = False) -> None:
    """Write the graph in ``format`` to ``output``; a failed export leaves nothing
    half-written (it is written beside it, then renamed). Relations an editor rejected are
    left out unless ``include_rejected``. Raises InputError for a folder."""
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give the file to write")
    tmp = output.with_name(output.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for chunk in export(store, format, include_rejected):
                fh.write(chunk)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
