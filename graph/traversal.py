"""The neighborhood of an entity over any GraphStore, and the import point of every walk.

``neighbors`` reads the store level by level (``adjacent``: asserted relations passing the
filter), so it behaves the same on every backend and never loads the whole graph. A store
that also offers ``adjacent_between`` (SqliteStore) is asked for just the relations among a
neighborhood, with the same results. The path search lives in ``graph.paths`` and how a
relation may be walked in ``graph.steps``; both are re-exported here.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from graph.errors import InputError, NotFound
from graph.model import Entity, Relation, RelationFilter, Subgraph
from graph.paths import Hop, Path, find_paths
from graph.steps import ADJACENT_LIMIT, Direction, Edge, Mode, Step, has_type, steps_of
from graph.store import GraphStore

__all__ = ["Direction", "Edge", "Hop", "Mode", "Path", "Step", "find_paths", "has_type",
           "neighbors", "steps_of"]


def _asserted(store: GraphStore, ids: Sequence[str], flt: RelationFilter,
              limit: int = ADJACENT_LIMIT, among: Collection[str] | None = None
              ) -> list[Relation]:
    """Return the asserted relations touching ``ids`` that pass ``flt``, best first; with
    ``among``, only those whose other end is in ``among`` (asked of the store as such when
    it offers ``adjacent_between``, a SQLite extension of the GraphStore contract)."""
    if not ids or (among is not None and not among):
        return []
    between = getattr(store, "adjacent_between", None) if among is not None else None
    if between is not None:
        found = between(list(ids), list(among), flt, include_flagged=False, limit=limit)
    else:
        found = store.adjacent(list(ids), flt, include_flagged=False, limit=limit)
        if among is not None:
            near = set(ids)
            found = [r for r in found if (r.subject in near and r.object in among)
                     or (r.object in near and r.subject in among)]
    rels = [r for r in found if r.status == "asserted"]
    rels.sort(key=lambda r: (-r.confidence, r.id))
    return rels


def neighbors(store: GraphStore, entity_id: str, hops: int, flt: RelationFilter,
              limit: int) -> Subgraph:
    """Return the entities within ``hops`` asserted relations of ``entity_id`` and the
    relations among them.

    Expands breadth first, strongest relations first, and stops at ``limit`` entities
    (the center included). ``flt.types`` keeps only entities of those types (the center is
    always kept); the other filters select the relations walked.

    Raises NotFound when the entity does not exist, InputError when hops or limit < 1.
    """
    if hops < 1 or limit < 1:
        raise InputError("hops and limit must be at least 1")
    center = store.get_entity(entity_id)
    if center is None:
        raise NotFound(f"no entity with the id {entity_id!r}")
    kept: dict[str, Entity] = {center.id: center}
    expanded: set[str] = set()
    relations: dict[str, Relation] = {}
    frontier = [center.id]
    for _level in range(hops):
        if not frontier or len(kept) >= limit:
            break
        rels = _asserted(store, frontier, flt)
        expanded.update(frontier)
        for r in rels:
            relations[r.id] = r
        candidates = _new_ends(rels, kept)
        found = {e.id: e for e in store.get_entities(candidates)}
        frontier = []
        for cid in candidates:
            if len(kept) >= limit:
                break
            ent = found.get(cid)
            if ent is not None and has_type(ent.type, flt.types):
                kept[cid] = ent
                frontier.append(cid)
    rest = [i for i in kept if i not in expanded]
    for r in _asserted(store, rest, flt, among=kept):
        relations[r.id] = r
    among = [r for r in relations.values() if r.subject in kept and r.object in kept]
    among.sort(key=lambda r: (-r.confidence, r.id))
    return Subgraph(entities=list(kept.values()), relations=among)


def _new_ends(rels: Iterable[Relation], kept: dict[str, Entity]) -> list[str]:
    """Return the ends of ``rels`` not yet kept, in the order of the relations."""
    out: dict[str, None] = {}
    for r in rels:
        for end in (r.subject, r.object):
            if end not in kept:
                out.setdefault(end)
    return list(out)
