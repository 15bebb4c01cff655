"""Paths between two entities over any GraphStore: the best ``k`` simple paths of at most
``max_hops`` asserted relations, scored by the product of their confidences.

The store is read level by level from both ends (``adjacent_edges``: asserted relations
passing the filter), so the search behaves the same on every backend and never loads the
whole graph.
"""
from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Collection, Sequence

from pydantic import BaseModel

from core.errors import InputError
from graph.model import EvidenceView, Relation, RelationFilter
from graph.steps import ADJACENT_LIMIT, Direction, Edge, Step, has_type, walk_ways, walkable
from graph.store import GraphStore

MAX_FRONTIER = 2000      # entities expanded per level of a path search
MAX_EXPANSIONS = 100000  # partial paths popped before the search stops looking further
MAX_QUEUED = 1000000     # partial paths queued before it stops looking further
TIE = 1e-9               # scores closer than this are equal (products in another order)
STAGES = (0.95, 0.8, 0.6)  # floors of confidence a path search tries before all relations


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


def _edges(store: GraphStore, ids: Sequence[str], flt: RelationFilter, leaving: bool,
           mode: str, among: Collection[str] | None) -> list[tuple[str, str, str, str, float]]:
    """Return (id, subject, predicate, object, confidence) of the asserted relations
    passing ``flt`` that may be walked out of ``ids`` (``leaving``) or into them, best
    first; with ``among``, only those whose other end is in ``among``."""
    if not ids or (among is not None and not among):
        return []
    ways = walk_ways(mode)
    as_subject = as_object = None
    if ways is not None:
        forward = sorted(n for n, w in ways.items() if w[0])
        reverse = sorted(n for n, w in ways.items() if w[1])
        # a relation leaves its subject forward and its object in reverse
        as_subject, as_object = (forward, reverse) if leaving else (reverse, forward)
    return store.adjacent_edges(list(ids), flt, as_subject, as_object,
                                list(among) if among is not None else None, ADJACENT_LIMIT)


def _explore(store: GraphStore, source: str, target: str, max_hops: int, mode: str,
             flt: RelationFilter) -> dict[tuple[str, str], Step]:
    """Return the steps (strongest relation per ordered pair) that any path of at most
    ``max_hops`` from source to target can use.

    Bidirectional breadth-first: each round expands one more level on the side whose
    frontier is smaller (from the source along the steps, from the target against them)
    until the two sides together span ``max_hops`` levels or a side runs dry. Every edge of
    such a path then leaves an entity expanded from the source or enters one expanded from
    the target. The last round only needs the edges that reach an entity the other side
    has seen (any other far end is too far from the other end), so it asks only for those.
    A level expands at most MAX_FRONTIER entities, strongest relations first.
    """
    steps: dict[tuple[str, str], Step] = {}
    narrowed = walkable(flt, mode)
    if narrowed is None:
        return steps
    ways = walk_ways(mode)
    seen = {False: {source}, True: {target}}
    frontier = {False: [source], True: [target]}
    levels = 0
    while levels < max_hops and frontier[False] and frontier[True]:
        backward = len(frontier[True]) < len(frontier[False])
        here = set(frontier[backward])
        mine = seen[backward]
        last = levels == max_hops - 1
        nxt: dict[str, None] = {}
        for row in _edges(store, frontier[backward], narrowed, not backward, mode,
                          seen[not backward] if last else None):
            _rid, subject, predicate, obj, confidence = row
            if subject == obj:
                continue
            forward, reverse = (True, True) if ways is None else ways.get(predicate,
                                                                          (False, False))
            sides: tuple[tuple[bool, str, str, Direction], ...] = (
                (forward, subject, obj, "forward"), (reverse, obj, subject, "reverse"))
            # (near, far, step) for each way that leaves (or, backward, enters) ``here``
            for ok, u, v, direction in sides:
                near, far = (v, u) if backward else (u, v)
                if not ok or near not in here:
                    continue
                best = steps.get((u, v))
                if best is None or (-confidence, predicate) < (
                        -best.relation.confidence, best.relation.predicate):
                    steps[(u, v)] = Step(u, v, Edge._make(row), direction)
                if far not in mine:
                    mine.add(far)
                    nxt[far] = None
        frontier[backward] = list(nxt)[:MAX_FRONTIER]
        levels += 1
    return steps


def _distances(start: str, links: dict[str, list[str]], allowed: set[str],
               limit: int) -> dict[str, int]:
    """Return the hop distance from ``start`` of the allowed entities within ``limit`` hops."""
    dist = {start: 0}
    frontier = [start]
    for level in range(1, limit + 1):
        nxt = []
        for u in frontier:
            for v in links.get(u, ()):
                if v in allowed and v not in dist:
                    dist[v] = level
                    nxt.append(v)
        frontier = nxt
    return dist


def _useful(steps: dict[tuple[str, str], Step], source: str, target: str, max_hops: int,
            allowed: set[str] | None) -> dict[str, list[Step]]:
    """Return the steps on some walk of at most ``max_hops`` from source to target through
    ``allowed`` entities (all when None), by the entity they leave."""
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for u, v in steps:
        if u != target and v != source:  # simple paths: never out of target, into source
            out.setdefault(u, []).append(v)
            into.setdefault(v, []).append(u)
    ok = allowed if allowed is not None else set(out) | set(into)
    ok = ok | {source, target}
    to = _distances(source, out, ok, max_hops)
    back = _distances(target, into, ok, max_hops)
    useful: dict[str, list[Step]] = {}
    for (u, v), st in steps.items():
        if u in to and v in back and to[u] + 1 + back[v] <= max_hops and u != target \
                and v != source:
            useful.setdefault(u, []).append(st)
    return useful


def _completion_bounds(useful: dict[str, list[Step]], target: str,
                       max_hops: int) -> list[dict[str, float]]:
    """Return ``bounds[r][v]``: the best product of confidences of a walk from ``v`` to the
    target in at most ``r`` hops, an upper bound of what a path through ``v`` with ``r``
    hops left can still score."""
    bounds = [{target: 1.0}]
    for _r in range(max_hops):
        prev = bounds[-1]
        cur = dict(prev)
        for u, sts in useful.items():
            for st in sts:
                value = st.relation.confidence * prev.get(st.target, -1.0)
                if value > cur.get(u, -1.0):
                    cur[u] = value
        bounds.append(cur)
    return bounds


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

    A path scores at most its weakest hop, so once k paths scoring θ are known no relation
    weaker than θ can be on a better one: the search walks the strongest relations first
    and lowers the floor only as far as needed (``_staged_search``). Each search reads the
    store level by level from both ends (see ``_explore``), keeps the entities that lie on
    some short enough walk, then enumerates simple paths best first (A* on the score,
    bounded by the best completion of each entity), so the first ``k`` found are the best
    ``k``.

    Raises InputError for a bad mode, k or max_hops.
    """
    if mode not in ("influence", "any"):
        raise InputError(f"mode must be influence or any, not {mode!r}")
    if k < 1 or max_hops < 1:
        raise InputError("k and max_hops must be at least 1")
    if source_id == target_id:
        return []
    done = _by_names(store, _staged_search(store, source_id, target_id, k, max_hops, mode,
                                           flt))[:k]
    on_paths = sorted({st.relation.id for _score, p in done for st in p})
    best = store.best_evidence(on_paths)
    full = {r.id: r for r in store.get_relations(on_paths)}
    return [_path(p, best, full) for _score, p in done]


def _staged_search(store: GraphStore, source: str, target: str, k: int, max_hops: int,
                   mode: str, flt: RelationFilter) -> list[tuple[float, list[Step]]]:
    """Return (score, steps) of the best ``k`` paths, searching the strong relations first.

    A search walking only relations of confidence >= f finds every path whose hops all
    are; when it finds k paths, any path with a weaker hop scores below f, so if the k-th
    scores s >= f the answer is found, and if it scores s < f one more search from s is
    exact. When it finds fewer than k, the next (lower) floor of STAGES is tried, then all
    relations the filter passes.
    """
    for floor in STAGES:
        if floor <= flt.min_confidence:
            break
        done = _search(store, source, target, k, max_hops, mode,
                       flt.model_copy(update={"min_confidence": floor}))
        if len(done) < k:
            continue
        kth = done[k - 1][0] - 2 * TIE
        if kth >= floor:
            return done
        if kth > flt.min_confidence:
            return _search(store, source, target, k, max_hops, mode,
                           flt.model_copy(update={"min_confidence": kth}))
        break
    return _search(store, source, target, k, max_hops, mode, flt)


def _search(store: GraphStore, source: str, target: str, k: int, max_hops: int, mode: str,
            flt: RelationFilter) -> list[tuple[float, list[Step]]]:
    """Return (score, steps) of the best ``k`` paths walking the relations ``flt`` passes
    and of any others tying the k-th, best first (``_by_names`` breaks ties)."""
    steps = _explore(store, source, target, max_hops, mode, flt)
    useful = _useful(steps, source, target, max_hops, None)
    if flt.types:
        nodes = set(useful) | {st.target for sts in useful.values() for st in sts}
        allowed = {e.id for e in store.get_entities(sorted(nodes))
                   if has_type(e.type, flt.types)}
        useful = _useful(steps, source, target, max_hops, allowed)
    return _best_paths(source, target, k, max_hops, useful,
                       _completion_bounds(useful, target, max_hops))


def _by_names(store: GraphStore, done: list[tuple[float, list[Step]]]
              ) -> list[tuple[float, list[Step]]]:
    """Return ``done`` ordered by score (to 9 decimals), then fewer hops, then the names of
    the entities along each path; names are read only for paths that tie on both."""
    def rank(d: tuple[float, list[Step]]) -> tuple[float, int]:
        return -round(d[0], 9), len(d[1])

    counts = Counter(rank(d) for d in done)
    tied = sorted({st.target for d in done if counts[rank(d)] > 1 for st in d[1]})
    names = {e.id: e.name.casefold() for e in store.get_entities(tied)} if tied else {}

    def key(d: tuple[float, list[Step]]) -> tuple[float, int, list[str]]:
        along = [names.get(st.target, st.target) for st in d[1]] if counts[rank(d)] > 1 else []
        return (*rank(d), along)

    return sorted(done, key=key)


def _best_paths(source: str, target: str, k: int, max_hops: int,
                out_steps: dict[str, list[Step]], bounds: list[dict[str, float]]
                ) -> list[tuple[float, list[Step]]]:
    """Return (score, steps) of the best ``k`` paths from source to target, best first,
    and of any other path scoring the same as the k-th (to 9 decimals; the caller orders
    those by hops and names).

    A* on the score: a partial path is keyed by its score times the best completion of its
    last entity with the hops it has left (``bounds``), which never underestimates and only
    falls along a path, so complete paths come out in score order.
    """
    Item = tuple[float, int, int, float, tuple[str, ...], tuple[Step, ...]]
    heap: list[Item] = [(-bounds[max_hops].get(source, 0.0), 0, 0, 1.0, (source,), ())]
    done: list[tuple[float, list[Step]]] = []
    pops = pushed = 0
    while heap and pops < MAX_EXPANSIONS and pushed < MAX_QUEUED:
        neg, _hops, _seq, score, nodes, path = heapq.heappop(heap)
        pops += 1
        if len(done) >= k and -neg < done[-1][0] - TIE:
            break  # everything left scores lower than the k found
        last = nodes[-1]
        if last == target:
            done.append((score, list(path)))
            continue
        left = max_hops - len(path) - 1
        for st in out_steps.get(last, ()):
            nxt = st.target
            rest = bounds[left].get(nxt)
            if rest is None or nxt in nodes:
                continue
            value = score * st.relation.confidence
            pushed += 1
            heapq.heappush(heap, (-value * rest, len(path) + 1, pushed, value, nodes + (nxt,),
                                  path + (st,)))
    return done


def _path(steps: Sequence[Step], best: dict[str, EvidenceView],
          full: dict[str, Relation]) -> Path:
    """Return the Path of ``steps`` with each hop's Relation and best evidence (both read
    beforehand; a relation deleted since the search keeps what the search read)."""
    hops: list[Hop] = []
    for st in steps:
        hops.append(Hop(source=st.source, target=st.target,
                        relation=full.get(st.relation.id) or _as_relation(st.relation),
                        direction=st.direction, evidence=best.get(st.relation.id)))
    score = 1.0
    for st in steps:
        score *= st.relation.confidence
    sources = sorted({h.evidence.document_id for h in hops if h.evidence is not None})
    return Path(nodes=[steps[0].source] + [st.target for st in steps] if steps else [],
                hops=hops, score=round(score, 6),
                weakest=min((st.relation.confidence for st in steps), default=0.0),
                sources=sources)


def _as_relation(edge: Edge | Relation) -> Relation:
    """Return the Relation holding what the search read of ``edge``."""
    return Relation(id=edge.id, subject=edge.subject, predicate=edge.predicate,
                    object=edge.object, confidence=edge.confidence)
