"""Influence-path latency: ``find_paths`` on each store vs networkx ``all_simple_paths``.

Pairs are seeded and degree-weighted (the subject of one random relation to the object of
another), as users ask about actors that appear in the news. Both sides answer the same
question: the k best paths of at most ``max_hops`` hops walkable in the direction
influence flows, asserted relations only. The naive side gets the whole graph in memory
for free (building it is not timed) and a time budget per pair; a pair that runs out of
budget counts with the budget as its time, so the speedup is a lower bound.
"""
from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from graph.model import Relation, RelationFilter
from graph.store import GraphStore


def pick_pairs(relations: list[Relation], n: int, seed: int) -> list[tuple[str, str]]:
    """Return ``n`` seeded (source, target) pairs of distinct entities, degree-weighted."""
    rng = random.Random(seed)
    asserted = [r for r in relations if r.status == "asserted"]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n:
        a, b = rng.choice(asserted).subject, rng.choice(asserted).object
        if a != b:
            pairs.append((a, b))
    return pairs


def quantile(values: list[float], q: float) -> float:
    """Return the ``q`` quantile (0..1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ours(store: GraphStore, pairs: list[tuple[str, str]], k: int, max_hops: int
         ) -> tuple[list[float], int]:
    """Return (seconds per pair, pairs with a path) of ``find_paths`` on ``store``."""
    from graph.traversal import find_paths

    flt = RelationFilter()
    times, found = [], 0
    for s, t in pairs:
        started = time.perf_counter()
        paths = find_paths(store, s, t, k, max_hops, "influence", flt)
        times.append(time.perf_counter() - started)
        found += bool(paths)
    return times, found


def naive(relations: list[Relation], pairs: list[tuple[str, str]], k: int, max_hops: int,
          budget: float) -> tuple[list[float], int, int]:
    """Return (seconds per pair, pairs with a path, pairs out of budget) of the networkx
    baseline."""
    from bench.naive import influence_graph, naive_paths
    from ontology import get_ontology

    influence = {p.name: p.influence for p in get_ontology().predicates.values()}
    g = influence_graph(relations)
    times, found, cut = [], 0, 0
    for s, t in pairs:
        started = time.perf_counter()
        paths, finished = naive_paths(g, s, t, k, max_hops, influence, budget)
        times.append(min(time.perf_counter() - started, budget))
        found += bool(paths)
        cut += not finished
    return times, found, cut


def measure_paths(stores: dict[str, GraphStore], n_pairs: int, k: int, max_hops: int,
                  budget: float, seed: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Return p50/p95 latency (ms) of ``find_paths`` on each store and of the naive baseline,
    and the speedup of each store's median over the baseline's median."""
    first = next(iter(stores.values()))
    relations = list(first.iter_relations(include_flagged=False))
    pairs = pick_pairs(relations, n_pairs, seed)
    out: dict[str, Any] = {"pairs": n_pairs, "k": k, "max_hops": max_hops,
                           "relations": len(relations)}
    base, base_found, cut = naive(relations, pairs, k, max_hops, budget)
    out["naive_p50_ms"] = quantile(base, 0.5) * 1000
    out["naive_p95_ms"] = quantile(base, 0.95) * 1000
    out["naive_found"], out["naive_out_of_budget"] = base_found, cut
    log(f"  networkx: p50 {out['naive_p50_ms']:.1f} ms, p95 {out['naive_p95_ms']:.1f} ms, "
        f"{base_found} with a path, {cut} out of the {budget:.1f} s budget")
    for name, store in stores.items():
        ours(store, pairs[:5], k, max_hops)  # warm caches and connections
        times, found = ours(store, pairs, k, max_hops)
        out[f"{name}_p50_ms"] = quantile(times, 0.5) * 1000
        out[f"{name}_p95_ms"] = quantile(times, 0.95) * 1000
        out[f"{name}_found"] = found
        out[f"{name}_speedup_vs_naive"] = statistics.median(base) / statistics.median(times)
        log(f"  {name}: p50 {out[f'{name}_p50_ms']:.1f} ms, p95 {out[f'{name}_p95_ms']:.1f} ms, "
            f"{found} with a path, {out[f'{name}_speedup_vs_naive']:.1f}x networkx")
    return out
