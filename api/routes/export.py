"""Export: the whole graph in a standard format, streamed."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.deps import StoreDep, require_read
from api.schemas import ExportFormat, error_responses
from service.export import export_stream

router = APIRouter(tags=["export"], dependencies=[Depends(require_read)])


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
    chunks, media_type, filename = export_stream(store, format, include_rejected)
    return StreamingResponse(chunks, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
