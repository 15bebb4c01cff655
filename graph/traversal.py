"""Bounded walks over any GraphStore: the neighborhood of an entity and the paths between two.

Both only read ``store.adjacent`` (asserted relations passing the filter), level by level,
so they behave the same on every backend and never load the whole graph.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from graph.errors import InputError, NotFound
from graph.model import Entity, EvidenceView, Relation, RelationFilter, Subgraph
from graph.store import GraphStore

Direction = Literal["forward", "reverse"]
Mode = Literal["influence", "any"]

MAX_FRONTIER = 2000      # entities expanded per level of a path search
ADJACENT_LIMIT = 20000   # relations read per level
MAX_EXPANSIONS = 200000  # partial paths popped before the search gives up looking further


class Hop(BaseModel):
    """One edge of a path walked ``source`` → ``target``.

    ``direction`` is "forward" when that is the relation's own direction (subject → object)
    and "reverse" when it is walked object → subject; ``evidence`` is the relation's best
    evidence (None when it has none).
    """

    source: str
    target: str
    relation: Relation
    direction: Direction
    evidence: EvidenceView | None = None


class Path(BaseModel):
    """A simple path: its entity ids in order, its hops, score, weakest hop and documents."""

    nodes: list[str]
    hops: list[Hop]
    score: float
    weakest: float
    sources: list[str]


@dataclass(frozen=True)
class Step:
    """A way to walk a relation: from one end to the other, in a direction."""

    source: str
    target: str
    relation: Relation
    direction: Direction


# ---------------------------------------------------------------- filters and steps


def has_type(type_name: str, types: Sequence[str]) -> bool:
    """Return True when ``type_name`` is one of ``types`` or a subtype; True when no types."""
    if not types:
        return True
    from ontology import get_ontology

    onto = get_ontology()
    return any(onto.is_a(type_name, t) for t in types)


def steps_of(relation: Relation, mode: str) -> list[Step]:
    """Return the ways ``relation`` may be walked in ``mode``.

    ``any``: both ways. ``influence``: as the predicate's influence in the ontology says
    (forward: subject → object, reverse: object → subject, both, none: never).
    """
    if relation.status != "asserted" or relation.subject == relation.object:
        return []
    fwd = Step(relation.subject, relation.object, relation, "forward")
    rev = Step(relation.object, relation.subject, relation, "reverse")
    if mode == "any":
        return [fwd, rev]
    from ontology import get_ontology

    info = get_ontology().predicates.get(relation.predicate)
    influence = info.influence if info is not None else "none"
    return {"forward": [fwd], "reverse": [rev], "both": [fwd, rev]}.get(influence, [])


def _asserted(store: GraphStore, ids: Sequence[str], flt: RelationFilter,
              limit: int = ADJACENT_LIMIT) -> list[Relation]:
    """Return the asserted relations touching ``ids`` that pass ``flt``, best first."""
    if not ids:
        return []
    rels = [r for r in store.adjacent(list(ids), flt, include_flagged=False, limit=limit)
            if r.status == "asserted"]
    rels.sort(key=lambda r: (-r.confidence, r.id))
    return rels


# ---------------------------------------------------------------- neighbors


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
    for r in _asserted(store, rest, flt):
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


# ---------------------------------------------------------------- paths


def _expand(store: GraphStore, start: str, levels: int, mode: str, flt: RelationFilter,
            backward: bool, steps: dict[tuple[str, str], Step]) -> dict[str, int]:
    """Walk ``levels`` levels from ``start`` (against the steps when ``backward``).

    Adds every step seen to ``steps`` (the best relation per ordered pair of entities) and
    returns the distance of each entity reached. Each level expands at most MAX_FRONTIER
    entities.
    """
    dist = {start: 0}
    frontier = [start]
    for level in range(1, levels + 1):
        if not frontier:
            break
        here = set(frontier)
        nxt: dict[str, None] = {}
        for r in _asserted(store, frontier, flt):
            for st in steps_of(r, mode):
                near, far = (st.target, st.source) if backward else (st.source, st.target)
                if near not in here:
                    continue
                key = (st.source, st.target)
                best = steps.get(key)
                if best is None or (r.confidence, best.relation.predicate) > (
                        best.relation.confidence, r.predicate):
                    steps[key] = st
                if far not in dist:
                    dist[far] = level
                    nxt.setdefault(far)
        frontier = list(nxt)[:MAX_FRONTIER]
    return dist


def find_paths(store: GraphStore, source_id: str, target_id: str, k: int, max_hops: int,
               mode: str, flt: RelationFilter) -> list[Path]:
    """Return up to ``k`` simple paths of at most ``max_hops`` asserted relations from
    ``source_id`` to ``target_id``, best first.

    A path's score is the product of the confidences of its hops (each relation's
    confidence is the noisy-or of its asserted evidence): the chance that every link holds,
    so a longer path never scores higher than its prefix. ``weakest`` is the lowest hop
    confidence; ``sources`` the distinct documents of the hops' best evidence. Paths are
    ordered by score, then fewer hops, then entity names. Between two entities only the
    strongest walkable relation is used, so the paths differ in their entities.

    In ``mode="influence"`` a relation is walked only the way influence flows (the
    predicate's ``influence`` in the ontology: forward = subject → object, reverse =
    object → subject, both, none = never); ``mode="any"`` walks every asserted relation
    either way. ``flt`` selects relations (predicates, dates, confidence) and, with
    ``flt.types``, the entities a path may pass through (its ends always may).

    The search expands ceil(max_hops / 2) levels from the source along the steps and the
    rest from the target against them (at most MAX_FRONTIER entities a level), then
    enumerates paths best first in that explored subgraph.

    Raises InputError for a bad mode, k or max_hops.
    """
    if mode not in ("influence", "any"):
        raise InputError(f"mode must be influence or any, not {mode!r}")
    if k < 1 or max_hops < 1:
        raise InputError("k and max_hops must be at least 1")
    if source_id == target_id:
        return []
    steps: dict[tuple[str, str], Step] = {}
    forward_levels = math.ceil(max_hops / 2)
    backward_levels = max_hops - forward_levels
    _expand(store, source_id, forward_levels, mode, flt, False, steps)
    to_target = _expand(store, target_id, backward_levels, mode, flt, True, steps)
    out_steps: dict[str, list[Step]] = {}
    for st in steps.values():
        out_steps.setdefault(st.source, []).append(st)
    nodes = {n for pair in steps for n in pair}
    entities = {e.id: e for e in store.get_entities(sorted(nodes))}
    allowed = {n for n, e in entities.items() if has_type(e.type, flt.types)} | {source_id, target_id}
    names = {n: e.name.casefold() for n, e in entities.items()}
    found = _best_paths(source_id, target_id, k, max_hops, out_steps, to_target,
                        backward_levels, allowed, names)
    cache: dict[str, EvidenceView | None] = {}
    return [_path(store, p, cache) for p in found]


def _best_paths(source: str, target: str, k: int, max_hops: int,
                out_steps: dict[str, list[Step]], to_target: dict[str, int],
                backward_levels: int, allowed: set[str],
                names: dict[str, str]) -> list[list[Step]]:
    """Return up to ``k`` step lists from source to target, best first.

    Best-first search on (−score, hops, names): scores only fall as a path grows, so paths
    reach the target in their final order. ``to_target`` gives a lower bound of the hops
    left (entities the backward walk did not reach are more than ``backward_levels`` away).
    """
    def key(score: float, nodes: tuple[str, ...]) -> tuple[float, int, tuple[str, ...]]:
        return (-score, len(nodes) - 1, tuple(names.get(n, n) for n in nodes))

    heap: list[tuple[tuple[float, int, tuple[str, ...]], tuple[str, ...], tuple[Step, ...]]] = []
    heapq.heappush(heap, (key(1.0, (source,)), (source,), ()))
    done: list[list[Step]] = []
    pops = 0
    while heap and len(done) < k and pops < MAX_EXPANSIONS:
        (neg, _h, _n), nodes, path = heapq.heappop(heap)
        pops += 1
        last = nodes[-1]
        if last == target:
            done.append(list(path))
            continue
        hops = len(path)
        for st in out_steps.get(last, ()):
            nxt = st.target
            if nxt in nodes or nxt not in allowed:
                continue
            left = 0 if nxt == target else to_target.get(nxt, backward_levels + 1)
            if hops + 1 + left > max_hops:
                continue
            score = -neg * st.relation.confidence
            grown = nodes + (nxt,)
            heapq.heappush(heap, (key(score, grown), grown, path + (st,)))
    return done


def _path(store: GraphStore, steps: Sequence[Step],
          cache: dict[str, EvidenceView | None]) -> Path:
    """Return the Path of ``steps`` with each hop's best evidence."""
    hops: list[Hop] = []
    for st in steps:
        rid = st.relation.id
        if rid not in cache:
            best = store.evidence(rid, limit=1)
            cache[rid] = best[0] if best else None
        hops.append(Hop(source=st.source, target=st.target, relation=st.relation,
                        direction=st.direction, evidence=cache[rid]))
    score = 1.0
    for st in steps:
        score *= st.relation.confidence
    sources = sorted({h.evidence.document_id for h in hops if h.evidence is not None})
    return Path(nodes=[steps[0].source] + [st.target for st in steps] if steps else [],
                hops=hops, score=round(score, 6),
                weakest=min((st.relation.confidence for st in steps), default=0.0),
                sources=sources)
