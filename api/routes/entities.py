"""Entities: search, one entity with its relations, its neighborhood."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from api.deps import StoreDep, relation_filter_dep, require_read
from api.schemas import (
    EntityDetail,
    SearchOut,
    SubgraphOut,
    error_responses,
    json_response,
    type_enum,
)
from graph.model import RelationFilter
from service.entities import neighbourhood, show
from service.entities import search as search_entities

router = APIRouter(prefix="/api/entities", tags=["entities"],
                   dependencies=[Depends(require_read)])

EntityTypeEnum = type_enum()
EntityParam = Annotated[str, Path(description="An entity id, or a name or alias of it",
                                  max_length=1000)]


@router.get("", response_model=SearchOut, summary="Search entities by name or alias",
            description="Exact, prefix, then fuzzy matches of `q` against names and aliases "
                        "(case- and accent-insensitive), best first, with a score 0..100. "
                        "Without `q`, lists entities.",
            responses=error_responses(401, 403))
def search(store: StoreDep,
           q: Annotated[str, Query(max_length=200, description="Text to look for")] = "",
           type: Annotated[EntityTypeEnum | None,  # type: ignore[valid-type]
                           Query(description="Only entities of this type")] = None,
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> SearchOut:
    """Return the entities matching ``q``, best first."""
    return search_entities(store, q, type.value if type is not None else None, limit)


@router.get("/{entity}", response_model=EntityDetail, summary="One entity and its relations",
            description="The entity (by id, name or alias) with aliases, type, external ids, "
                        "and its relations in and out, each with its evidence count and best "
                        "evidence sentence. Unknown → 404 and ambiguous → 409, both with "
                        "`suggestions`.",
            responses=error_responses(401, 403, 404, 409))
def get_entity(store: StoreDep, entity: EntityParam) -> Response:
    """Return one entity with its relations."""
    return json_response(show(store, entity))


@router.get("/{entity}/neighbors", response_model=SubgraphOut,
            summary="The neighborhood of an entity",
            description="Entities within `hops` asserted relations of the entity, and the "
                        "relations among them, filtered by predicates, entity types, dates "
                        "and confidence; at most `limit` entities.",
            responses=error_responses(401, 403, 404, 409))
def neighbors(store: StoreDep, entity: EntityParam,
              flt: Annotated[RelationFilter, Depends(relation_filter_dep())],
              hops: Annotated[int, Query(ge=1, le=4)] = 1,
              limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> Response:
    """Return the subgraph around an entity."""
    return json_response(neighbourhood(store, entity, hops, flt, limit))
