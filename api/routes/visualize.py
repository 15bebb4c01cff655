"""A pyvis drawing of an entity's neighbourhood, as one self-contained HTML page."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from api.deps import StoreDep, relation_filter_dep, require_read
from api.schemas import error_responses
from graph.model import RelationFilter
from publish.render import visualize

router = APIRouter(tags=["visualize"], dependencies=[Depends(require_read)])


@router.get("/api/visualize", response_class=HTMLResponse,
            summary="A pyvis drawing of an entity's neighbourhood",
            description="A self-contained HTML page (vis-network inline, no CDN) drawing the "
                        "entities within `hops` of `focus`, coloured and shaped by type, with "
                        "a legend and tooltips carrying the evidence sentences.",
            responses=error_responses(401, 403, 404, 409))
def get_visualization(store: StoreDep,
                      focus: Annotated[str, Query(min_length=1, max_length=1000,
                                                  description="Entity id, name or alias")],
                      flt: Annotated[RelationFilter, Depends(relation_filter_dep())],
                      hops: Annotated[int, Query(ge=1, le=3)] = 1,
                      limit: Annotated[int, Query(ge=1, le=500)] = 150) -> HTMLResponse:
    """Return the drawing of the neighbourhood of ``focus``."""
    html, csp = visualize(store, focus, hops, flt, limit)
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})
