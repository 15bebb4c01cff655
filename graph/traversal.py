"""The neighborhood of an entity over any GraphStore, and the import point of every walk.

``neighbors`` reads the store level by level (``adjacent_edges``: asserted relations passing
the filter), so it behaves the same on every backend and never loads the whole graph. The path search lives in ``graph.paths`` and how a
relation may be walked in ``graph.steps``; both are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterable

from core.errors import InputError, NotFound
from graph.model import Entity, RelationFilter, Subgraph
from graph.paths import Hop, Path, find_paths
from graph.steps import ADJACENT_LIMIT, Direction, Edge, Mode, Step, has_type, steps_of
from graph.store import GraphStore

__all__ = ["Direction", "Edge", "Hop", "Mode", "Path", "Step", "find_paths", "has_type",
           "neighbors", "steps_of"]


def neighbors(store: GraphStore, entity_id: str, hops: int, flt: RelationFilter,
              limit: int) -> Subgraph:
    """Return the entities within ``hops`` asserted relations of ``entity_id`` and the
    relations among them.

    Expands breadth first, strongest relations first, and stops at ``limit`` entities
    (the center included). ``flt.types`` keeps only entities of those types (the center is
    always kept); the other filters select the relations walked. Each level reads the rows
    of ``adjacent_edges`` and only as many entities as may still be kept; whole Relations
    are read only for the relations returned.

    Raises NotFound when the entity does not exist, InputError when hops or limit < 1.
    """
    if hops < 1 or limit < 1:
        raise InputError("hops and limit must be at least 1")
    center = store.get_entity(entity_id)
    if center is None:
        raise NotFound(f"no entity with the id {entity_id!r}")
    kept: dict[str, Entity] = {center.id: center}
    expanded: set[str] = set()
    edges: dict[str, Edge] = {}
    frontier = [center.id]
    for _level in range(hops):
        if not frontier or len(kept) >= limit:
            break
        rows = [Edge._make(row) for row in store.adjacent_edges(frontier, flt,
                                                                limit=ADJACENT_LIMIT)]
        expanded.update(frontier)
        edges.update((e.id, e) for e in rows)
        frontier = _keep(store, _new_ends(rows, kept), kept, flt, limit)
    rest = [i for i in kept if i not in expanded]
    if rest:
        edges.update((row[0], Edge._make(row)) for row in store.adjacent_edges(
            rest, flt, among=list(kept), limit=ADJACENT_LIMIT))
    among = sorted((e for e in edges.values() if e.subject in kept and e.object in kept),
                   key=lambda e: (-e.confidence, e.id))
    return Subgraph(entities=list(kept.values()),
                    relations=store.get_relations([e.id for e in among]))


def _keep(store: GraphStore, candidates: list[str], kept: dict[str, Entity],
          flt: RelationFilter, limit: int) -> list[str]:
    """Add to ``kept`` the candidates of the wanted types, in order, until ``limit``; return
    the ids added. Entities are read in chunks a little larger than the room left."""
    added: list[str] = []
    start = 0
    while start < len(candidates) and len(kept) < limit:
        size = max(64, 2 * (limit - len(kept)))
        for ent in store.get_entities(candidates[start:start + size]):
            if len(kept) >= limit:
                break
            if has_type(ent.type, flt.types):
                kept[ent.id] = ent
                added.append(ent.id)
        start += size
    return added


def _new_ends(edges: Iterable[Edge], kept: dict[str, Entity]) -> list[str]:
    """Return the ends of ``edges`` not yet kept, in the order of the edges."""
    out: dict[str, None] = {}
    for e in edges:
        for end in (e.subject, e.object):
            if end not in kept:
                out.setdefault(end)
    return list(out)
