"""Paths: how one entity reaches another, hop by hop, each hop with its source sentence."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import StoreDep, relation_filter_dep, require_read
from api.schemas import (
    PathMode,
    PathsOut,
    error_responses,
    json_response,
)
from graph.model import RelationFilter
from service.paths import SCORE_DOC, paths_between

router = APIRouter(prefix="/api/paths", tags=["paths"], dependencies=[Depends(require_read)])

MAX_HOPS = 6
MAX_K = 50

@router.get("", response_model=PathsOut, summary="How does SOURCE reach TARGET?",
            description="The best `k` paths (at most 50) of at most `max_hops` hops (at most 6) "
                        "from `source` to `target` (ids, names or aliases), each hop with "
                        "its predicate, direction and source sentence.\n\n" + SCORE_DOC,
            responses=error_responses(401, 403, 404, 409))
def get_paths(store: StoreDep,
              source: Annotated[str, Query(min_length=1, max_length=1000,
                                           description="Where paths start: id, name or alias")],
              target: Annotated[str, Query(min_length=1, max_length=1000,
                                           description="Where paths end: id, name or alias")],
              flt: Annotated[RelationFilter, Depends(relation_filter_dep())],
              k: Annotated[int, Query(ge=1, le=MAX_K, description="How many paths")] = 5,
              max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS,
                                             description="Longest path, in hops")] = 4,
              mode: Annotated[PathMode, Query(description="influence: follow the direction "
                                                          "influence flows; any: every edge "
                                                          "either way")] = "influence",
              ) -> Response:
    """Return the best paths between two entities."""
    return json_response(paths_between(store, source, target, k, max_hops, mode, flt))
