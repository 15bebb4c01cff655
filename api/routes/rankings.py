"""Rankings: who is central in the asserted graph, and its communities."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import StoreDep, relation_filter_dep, require_read
from api.schemas import (
    CommunitiesOut,
    OverviewOut,
    RankingsOut,
    RankMetric,
    error_responses,
    type_enum,
)
from graph.model import RelationFilter
from service.rankings import community_list, overview_of, ranking

router = APIRouter(tags=["rankings"], dependencies=[Depends(require_read)])

EntityTypeEnum = type_enum()


@router.get("/api/rankings", response_model=RankingsOut, summary="Most central entities",
            description="Entities ranked by `pagerank` (who shapes many entities, or entities "
                        "that themselves shape many, along asserted influence edges), "
                        "`betweenness` (brokers on shortest paths) or `degree` (number of "
                        "asserted relations), optionally of one type and over the relations "
                        "seen between `since` and `until`.",
            responses=error_responses(401, 403))
def get_rankings(store: StoreDep,
                 metric: Annotated[RankMetric, Query()] = "pagerank",
                 type: Annotated[EntityTypeEnum | None, Query()] = None,  # type: ignore[valid-type]
                 limit: Annotated[int, Query(ge=1, le=500)] = 20,
                 since: Annotated[date | None, Query()] = None,
                 until: Annotated[date | None, Query()] = None) -> RankingsOut:
    """Return entities ranked by a centrality metric."""
    flt = RelationFilter(since=since, until=until)
    return ranking(store, metric, type.value if type is not None else None, limit, flt)


@router.get("/api/communities", response_model=CommunitiesOut, summary="Communities",
            description="Groups of entities more densely related to each other than to the "
                        "rest (modularity communities of the asserted graph), largest first.",
            responses=error_responses(401, 403))
def get_communities(store: StoreDep,
                    flt: Annotated[RelationFilter, Depends(relation_filter_dep())]
                    ) -> CommunitiesOut:
    """Return the communities of the graph."""
    return community_list(store, flt)


@router.get("/api/overview", response_model=OverviewOut, summary="What the graph holds, at a glance",
            description="The counts of documents, entities and relations, the `limit` most "
                        "central entities by PageRank with the asserted relations among them, "
                        "and the `documents` most recently published documents: what the "
                        "explorer opens on.",
            responses=error_responses(401, 403))
def get_overview(store: StoreDep,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50,
                 documents: Annotated[int, Query(ge=0, le=50)] = 8) -> OverviewOut:
    """Return the overview of the graph."""
    return overview_of(store, limit, documents)
