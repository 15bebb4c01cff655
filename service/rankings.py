"""Rankings: who is central in the asserted graph, and its communities."""
from __future__ import annotations

from typing import Any

from graph.model import Entity, RelationFilter
from graph.overview import overview
from graph.rankings import communities, rank
from graph.store import GraphStore
from service.views import (
    CommunitiesOut,
    CommunityOut,
    EntityRef,
    OverviewOut,
    RankingsOut,
    RankItem,
)


def ranking(store: GraphStore, metric: str, type: str | None, limit: int,
            flt: RelationFilter) -> RankingsOut:
    """Return the top entities by ``metric`` (cached by the store's version in graph.rankings)."""
    rows = rank(store, metric, type, limit, flt)
    return RankingsOut(metric=metric,  # type: ignore[arg-type]
                       results=[RankItem(id=e.id, name=e.name, type=e.type, score=round(s, 6))
                                for e, s in rows])


def community_list(store: GraphStore, flt: RelationFilter) -> CommunitiesOut:
    """Return the communities of the asserted graph, largest first."""
    groups: list[Any] = list(communities(store, flt))
    ids = {m.id if isinstance(m, Entity) else str(m) for g in groups for m in g}
    known = {e.id: e for e in store.get_entities(sorted(ids))}
    out: list[CommunityOut] = []
    for g in groups:
        members = [known.get(m.id if isinstance(m, Entity) else str(m)) for m in g]
        refs = [EntityRef.of(m) for m in members if m is not None]
        out.append(CommunityOut(id=0, size=len(refs), members=refs))
    out.sort(key=lambda c: (-c.size, c.members[0].name if c.members else ""))
    for i, c in enumerate(out):
        c.id = i
    return CommunitiesOut(communities=out)


def overview_of(store: GraphStore, limit: int = 50, documents: int = 8) -> OverviewOut:
    """Return the overview of the graph: counts, the ``limit`` most central entities with
    the relations among them, the ``documents`` latest documents."""
    stats, top, relations, docs = overview(store, limit, documents)
    return OverviewOut(stats=stats, relations=relations, documents=docs,
                       entities=[RankItem(id=e.id, name=e.name, type=e.type, score=round(s, 6))
                                 for e, s in top])
