"""Write throughput: our Neo4j loader vs the neo4j-graphrag peer vs one MERGE per row, and
the embedded SQLite store, all on the same seeded triples, each graph checked by counts."""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from neo4j import Driver

from bench import database
from bench.generate import expected_counts
from graph.model import Document, Triple

Batches = list[tuple[Document, list[Triple]]]


def _check(name: str, got: dict[str, int], want: dict[str, int]) -> None:
    if got != want:
        raise RuntimeError(f"{name} wrote a different graph: {got} instead of {want}")


def ours_neo4j(uri: str, batches: Batches) -> float:
    """Write ``batches`` with ``Neo4jStore.upsert_documents`` into an empty database (opening
    the store, which creates its constraints, is timed too); return seconds. Counts checked."""
    from graph.neo4j_store import Neo4jStore

    started = time.perf_counter()
    store = Neo4jStore(uri, "neo4j", "neo4j")
    try:
        store.upsert_documents(batches)
        elapsed = time.perf_counter() - started
        stats = store.stats().model_dump()
    finally:
        store.close()
    _check("Neo4jStore", stats, expected_counts(batches))
    return elapsed


def ours_sqlite(batches: Batches) -> float:
    """Write ``batches`` with ``SqliteStore.upsert_documents`` into a new file; return seconds."""
    from graph.sqlite_store import SqliteStore

    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        started = time.perf_counter()
        store = SqliteStore(str(Path(tmp) / "bench.db"))
        try:
            store.upsert_documents(batches)
            elapsed = time.perf_counter() - started
            stats = store.stats().model_dump()
        finally:
            store.close()
    _check("SqliteStore", stats, expected_counts(batches))
    return elapsed


def _driver_write(uri: str, name: str, batches: Batches, write: Callable[[Driver], float]
                  ) -> float:
    """Return the seconds ``write`` reports for writing ``batches`` through a driver to
    ``uri``; raises RuntimeError when the graph it left differs from the expected counts."""
    with database.driver(uri) as drv:
        elapsed = write(drv)
        _check(name, database.bench_counts(drv), expected_counts(batches))
    return elapsed


def peer_neo4j(uri: str, batches: Batches) -> float:
    """Write ``batches`` with neo4j-graphrag's ``Neo4jWriter``; return seconds. Counts checked."""
    from bench.peer import to_graph, write_peer

    graph = to_graph(batches)
    return _driver_write(uri, "neo4j-graphrag", batches, lambda drv: write_peer(drv, graph))


def floor_neo4j(uri: str, batches: Batches) -> float:
    """Write ``batches`` with the plain CREATE floor (``bench.floor``); return seconds.
    Counts checked."""
    from bench.floor import write_floor
    from bench.peer import to_graph

    graph = to_graph(batches)
    return _driver_write(uri, "plain CREATE floor", batches,
                         lambda drv: write_floor(drv, graph))


def naive_neo4j(uri: str, batches: Batches) -> float:
    """Write ``batches`` one MERGE per row, one transaction each; return seconds. Counts
    checked."""
    from bench.naive import write_per_row

    return _driver_write(uri, "per-row MERGE", batches, lambda drv: write_per_row(drv, batches))


def empty_database(uri: str) -> None:
    """Empty the Neo4j database at ``uri``: nodes, constraints and indexes."""
    with database.driver(uri) as drv:
        database.reset(drv)


def timed_runs(run: Callable[[], float], runs: int) -> list[float]:
    """Return the seconds of ``runs`` calls of ``run``."""
    return [run() for _ in range(runs)]


def measure_writes(uri: str | None, batches: Batches, runs: int, warm_docs: int,
                   log: Callable[[str], None], per_row: bool = True) -> dict[str, Any]:
    """Return relations/s (median of ``runs``) of each writer on ``batches``: ours on SQLite,
    then on Neo4j ours, the peer, one MERGE per row and the plain CREATE floor, each writing
    the same graph.

    Each Neo4j writer first writes the first ``warm_docs`` documents untimed (the server
    compiles and caches its plans), then rounds of peer, per-row, floor, ours run interleaved so
    that load from other processes hits every writer alike. Neo4j is left holding the graph
    our loader wrote. Without ``uri`` only the embedded store is measured; without
    ``per_row`` the per-row baseline is left out (its ratio is then None).
    """
    rels = expected_counts(batches)["relations"]
    out: dict[str, Any] = {"relations": rels, "documents": len(batches),
                           "evidence": sum(len(t) for _, t in batches)}
    secs = timed_runs(lambda: ours_sqlite(batches), runs)
    out["sqlite_rel_per_s"] = rels / statistics.median(secs)
    log(f"  sqlite: {out['sqlite_rel_per_s']:.0f} relations/s {_fmt(secs)}")
    if uri is None:
        return out
    writers: dict[str, Callable[[str, Batches], float]] = {
        "peer": peer_neo4j, "per-row": naive_neo4j, "floor": floor_neo4j, "ours": ours_neo4j}
    if not per_row:
        del writers["per-row"]
        out["naive_rel_per_s"] = None
    for warm in writers.values():  # untimed
        empty_database(uri)
        warm(uri, batches[:warm_docs])
    times: dict[str, list[float]] = {name: [] for name in writers}
    for _ in range(runs):
        for name, fn in writers.items():
            empty_database(uri)
            times[name].append(fn(uri, batches))
    for name, secs in times.items():
        key = "naive" if name == "per-row" else name
        out[f"{key}_rel_per_s"] = rels / statistics.median(secs)
        log(f"  {name}: {out[f'{key}_rel_per_s']:.0f} relations/s {_fmt(secs)}")
    out["ingest_speedup_vs_peer"] = out["ours_rel_per_s"] / out["peer_rel_per_s"]
    out["ingest_speedup_vs_per_row"] = (out["ours_rel_per_s"] / out["naive_rel_per_s"]
                                        if per_row else None)
    out["ingest_vs_floor"] = out["ours_rel_per_s"] / out["floor_rel_per_s"]
    return out


def _fmt(secs: Sequence[float]) -> str:
    return "(" + ", ".join(f"{s:.2f}s" for s in secs) + ")"
