"""Who is central in the asserted graph, and its communities, computed with networkx.

The graph is read once per store version and filter with ``store.iter_relations`` and
cached; any committed write changes ``store.version()`` and so invalidates it.
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from core.errors import InputError
from graph.model import Entity, RelationFilter
from graph.store import GraphStore
from graph.traversal import has_type
from ontology import get_ontology

METRICS = ("pagerank", "betweenness", "degree")
CACHE_SIZE = 8
SEED = 42
EXACT_BETWEENNESS = 1000  # above this many entities betweenness is estimated
BETWEENNESS_PIVOTS = 300  # from this many seeded sample sources
ENTITY_CHUNK = 500


@dataclass
class _Graphs:
    """The graphs of one store version and filter, and the results computed on them."""

    influence: nx.DiGraph[str]
    undirected: nx.Graph[str]
    degree: Counter[str]
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    communities: list[list[str]] | None = None


_cache: OrderedDict[tuple[int, int, str], tuple[Any, _Graphs]] = OrderedDict()
_lock = threading.Lock()


def _entity_types(store: GraphStore) -> dict[str, str]:
    return {e.id: e.type for e in store.iter_entities()}


def _build(store: GraphStore, flt: RelationFilter) -> _Graphs:
    """Return the graphs of the asserted relations passing ``flt``.

    ``influence`` has an edge u → v when influence flows from u to v (forward: subject →
    object, reverse: object → subject, both: both ways, none: no edge), weighted by the
    summed confidence; ``undirected`` has every asserted relation; ``degree`` counts the
    asserted relations of each entity.
    """
    onto = get_ontology()
    types = _entity_types(store) if flt.types else {}

    def keep(entity_id: str) -> bool:
        if not flt.types:
            return True
        t = types.get(entity_id)
        return t is not None and has_type(t, flt.types)

    influence: nx.DiGraph[str] = nx.DiGraph()
    undirected: nx.Graph[str] = nx.Graph()
    degree: Counter[str] = Counter()
    for r in store.iter_relations(flt, include_flagged=False):
        if r.status != "asserted" or r.subject == r.object:
            continue
        if not (keep(r.subject) and keep(r.object)):
            continue
        degree[r.subject] += 1
        degree[r.object] += 1
        _add(undirected, r.subject, r.object, r.confidence)
        info = onto.predicates.get(r.predicate)
        way = info.influence if info is not None else "none"
        influence.add_nodes_from((r.subject, r.object))
        if way in ("forward", "both"):
            _add(influence, r.subject, r.object, r.confidence)
        if way in ("reverse", "both"):
            _add(influence, r.object, r.subject, r.confidence)
    return _Graphs(influence=influence, undirected=undirected, degree=degree)


def _add(g: nx.Graph[str], u: str, v: str, weight: float) -> None:
    if g.has_edge(u, v):
        g[u][v]["weight"] += weight
    else:
        g.add_edge(u, v, weight=weight)


def store_ref(store: GraphStore) -> Callable[[], GraphStore | None]:
    """Return a callable giving the store back while it lives: a weak reference, so a cache
    keyed by ``id(store)`` neither keeps a closed store alive nor serves another store that
    took its id; stores without weakref support are kept alive."""
    try:
        return weakref.ref(store)
    except TypeError:
        return lambda: store


def _graphs(store: GraphStore, flt: RelationFilter) -> _Graphs:
    """Return the cached graphs of this store, version and filter, building them if needed."""
    key = (id(store), store.version(), flt.model_dump_json())
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0]() is store:
            _cache.move_to_end(key)
            return hit[1]
    built = _build(store, flt)
    with _lock:
        _cache[key] = (store_ref(store), built)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def clear_cache() -> None:
    """Forget every cached graph (tests, memory pressure)."""
    with _lock:
        _cache.clear()


def _scores(graphs: _Graphs, metric: str) -> dict[str, float]:
    if metric in graphs.scores:
        return graphs.scores[metric]
    g = graphs.influence
    if metric == "degree":
        scores = {n: float(c) for n, c in graphs.degree.items()}
    elif g.number_of_nodes() == 0:
        scores = {}
    elif metric == "pagerank":
        scores = pagerank(g.reverse(copy=False))
    else:
        n = g.number_of_nodes()
        sample = BETWEENNESS_PIVOTS if n > EXACT_BETWEENNESS else None
        scores = nx.betweenness_centrality(g, k=sample, seed=SEED, normalized=True)
    graphs.scores[metric] = scores
    return scores


def pagerank(g: nx.DiGraph[str], alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict[str, float]:
    """Return the weighted PageRank of ``g`` (sums to 1), by power iteration.

    The same definition as ``networkx.pagerank`` (dangling entities spread their rank
    evenly), computed in pure Python so no SciPy is needed.
    """
    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    out_weight = {u: sum(d.get("weight", 1.0) for _, _, d in g.out_edges(u, data=True))
                  for u in nodes}
    rank_ = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank_[u] for u in nodes if out_weight[u] == 0) / n
        nxt = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u, v, d in g.edges(data=True):
            nxt[v] += alpha * rank_[u] * d.get("weight", 1.0) / out_weight[u]
        err = sum(abs(nxt[u] - rank_[u]) for u in nodes)
        rank_ = nxt
        if err < n * tol:
            break
    return rank_


def _ranked_entities(store: GraphStore, ordered: list[str]) -> Iterator[Entity]:
    """Yield the entities of ``ordered`` ids in that order, read in chunks."""
    for i in range(0, len(ordered), ENTITY_CHUNK):
        chunk = ordered[i:i + ENTITY_CHUNK]
        found = {e.id: e for e in store.get_entities(chunk)}
        for eid in chunk:
            if eid in found:
                yield found[eid]


def rank(store: GraphStore, metric: str, type: str | None, limit: int,
         flt: RelationFilter) -> list[tuple[Entity, float]]:
    """Return the top ``limit`` (entity, score) by ``metric``, best first (ties by name).

    ``pagerank``: PageRank over the influence graph (asserted relations oriented the way
    influence flows by the predicate's ``influence``, weighted by confidence) with rank
    handed from the influenced to who influences them, so an entity scores high when it
    shapes many entities, or entities that themselves shape many; ``betweenness``: brokers on
    shortest influence paths (sampled above EXACT_BETWEENNESS entities); ``degree``: the
    number of asserted relations. ``type`` keeps entities of that type (and subtypes);
    ``flt`` selects the relations. Raises InputError for an unknown metric or type.
    """
    if metric not in METRICS:
        raise InputError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if type is not None:
        get_ontology().type(type)
    if limit < 1:
        return []
    scores = _scores(_graphs(store, flt), metric)
    ordered = sorted(scores, key=lambda n: (-scores[n], n))
    out: list[tuple[Entity, float]] = []
    for entity in _ranked_entities(store, ordered):
        if type is None or has_type(entity.type, [type]):
            out.append((entity, float(scores[entity.id])))
            if len(out) >= limit:
                break
    out.sort(key=lambda es: (-round(es[1], 12), es[0].name.casefold(), es[0].id))
    return out


def communities(store: GraphStore, flt: RelationFilter) -> list[list[str]]:
    """Return the communities of the undirected asserted graph as lists of entity ids.

    Louvain modularity communities (seeded, so the same graph gives the same groups),
    largest first, members sorted by id. Entities without asserted relations are left out.
    """
    graphs = _graphs(store, flt)
    if graphs.communities is None:
        g = graphs.undirected
        groups = (nx.community.louvain_communities(g, weight="weight", seed=SEED)
                  if g.number_of_nodes() else [])
        graphs.communities = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c))
    return [list(c) for c in graphs.communities]
