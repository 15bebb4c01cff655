"""Export: the whole graph in a standard format, streamed."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.deps import StoreDep, require_read
from api.schemas import ExportFormat, error_responses

router = APIRouter(tags=["export"], dependencies=[Depends(require_read)])

EXTENSIONS = {"ttl": "ttl", "jsonld": "jsonld", "graphml": "graphml", "gexf": "gexf",
              "ftm": "ftm.json", "csv": "csv"}


@router.get("/api/export", summary="Export the graph", response_class=StreamingResponse,
            description="The whole graph, streamed: Turtle (`ttl`) or JSON-LD (`jsonld`) with "
                        "the ontology's IRIs, GraphML or GEXF for Gephi, FollowTheMoney "
                        "entities as JSON lines (`ftm`), or CSV of relations with evidence. "
                        "Relations an editor rejected are left out unless `include_rejected`; "
                        "the RDF formats carry the judgements with PROV-O.",
            responses={200: {"description": "The graph in the requested format",
                             "content": {"text/plain": {}}},
                       **error_responses(401, 403)})
def export_graph(store: StoreDep,
                 format: Annotated[ExportFormat, Query(description="Output format")] = "ttl",
                 include_rejected: Annotated[bool, Query(
                     description="Also relations an editor rejected (status \"rejected\")")
                 ] = False,
                 ) -> StreamingResponse:
    """Stream the graph in ``format``."""
    from graph.export import content_type, export

    chunks = export(store, format, include_rejected)
    first = next(chunks, "")  # errors (store down) surface here, before the 200 is sent

    def stream():  # type: ignore[no-untyped-def]
        yield first
        yield from chunks

    return StreamingResponse(stream(), media_type=content_type(format), headers={
        "Content-Disposition": f'attachment; filename="influence-graph.{EXTENSIONS[format]}"'})
