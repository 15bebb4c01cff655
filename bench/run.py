"""Run every benchmark and print the ratios as one JSON line.

    python bench/run.py            # full run (see docs/BENCHMARKS.md for how long)
    python bench/run.py --quick    # 10k and 100k writes, reduced other sizes (~10 min)
    python -m bench.run --quick    # the same (from the repository root)

Starts and stops the Neo4j test server itself. Progress goes to stderr; the last line of
stdout is the JSON summary (also written to ``--out``). Each measurement is the median of
several runs, interleaved between the contenders so that load from other processes on a
shared machine hits them alike. A section that fails reports its error and the run goes on.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# run as a script, Python puts bench/ first on the path, where bench/api.py would shadow
# the project's api package
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path.pop(0)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUICK: dict[str, Any] = {
    "write_sizes": [10_000, 100_000], "write_runs": 3, "warm_docs": 150, "per_row_max": 10_000,
    "path_sizes": [5_000], "path_pairs": 30, "path_budget": 2.0, "neo4j_path_max": 5_000,
    "extract_docs": 60, "extract_runs": 3, "ingest_sizes": (40, 160),
    "api_concurrency": 8, "api_seconds": 4.0, "api_rounds": 1,
    "workers_files": 200, "workers_runs": 2,
}
FULL: dict[str, Any] = {
    "write_sizes": [10_000, 100_000], "write_runs": 3, "warm_docs": 300, "per_row_max": 100_000,
    "path_sizes": [10_000, 100_000, 1_000_000], "path_pairs": 200, "path_budget": 5.0,
    "neo4j_path_max": 1_000_000,
    "extract_docs": 300, "extract_runs": 5, "ingest_sizes": (1_000, 10_000),
    "api_concurrency": 8, "api_seconds": 10.0, "api_rounds": 3,
    "workers_files": 2_000, "workers_runs": 3,
}
TARGETS = {"ingest_speedup_vs_peer": 1.5, "ingest_speedup_vs_per_row": 20.0,
           "path_speedup_vs_naive": 10.0, "api_paths_vs_trivial_throughput": 0.2}
MAX_TARGETS = {"extract_overhead_vs_spacy": 1.25, "memory_growth": 1.25}
SEED = 7
PER_ROW_MAX = 100_000  # the per-row baseline runs up to this size (~3 min per 100k relations)
TARGETS_BY_SIZE = {"ingest_vs_floor": 0.7, "ingest_vs_peer": 1.2, "ingest_growth": 0.9,
                   "ingest_workers_speedup": 1.6}
SIZE_NAMES = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}


def log(message: str) -> None:
    """Print a progress line to stderr with the time since start."""
    print(f"[{time.perf_counter() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


STARTED = time.perf_counter()


def section(name: str, results: dict[str, Any], fn: Callable[[], dict[str, Any]]) -> None:
    """Run one benchmark, store its results under ``name`` (or its error) and log the time."""
    log(f"{name} ...")
    began = time.perf_counter()
    try:
        results[name] = fn()
    except Exception as exc:  # noqa: BLE001 - a broken section must not hide the others
        traceback.print_exc(file=sys.stderr)
        results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    results[name]["section_seconds"] = round(time.perf_counter() - began, 1)


def writes_and_paths(cfg: dict[str, Any], uri: str | None, results: dict[str, Any],
                     only: set[str]) -> None:
    """Write benchmarks per size, then path benchmarks per size on the stores just built
    (each when named in ``only``)."""
    from bench.generate import graph_batches
    from bench.writes import empty_database, measure_writes

    holds = [0]  # the size of the graph our loader left in Neo4j
    for size in cfg["write_sizes"] if "writes" in only else []:
        batches = list(graph_batches(size, SEED))
        runs = cfg["write_runs"] if size <= 10_000 else 1

        def writes(b: list[Any] = batches, r: int = runs,
                   per_row: bool = size <= min(PER_ROW_MAX, cfg["per_row_max"])
                   ) -> dict[str, Any]:
            return measure_writes(uri, b, r, cfg["warm_docs"], log, per_row=per_row)
        section(f"writes_{size}", results, writes)
        holds[0] = size if "error" not in results[f"writes_{size}"] else 0
        del batches
    for size in cfg["path_sizes"] if "paths" in only else []:
        def run(size: int = size) -> dict[str, Any]:
            from bench.paths import measure_paths
            from graph.sqlite_store import SqliteStore

            batches = graph_batches(size, SEED)
            with tempfile.TemporaryDirectory(prefix="bench-paths-") as tmp:
                sqlite = SqliteStore(str(Path(tmp) / "paths.db"))
                stores: dict[str, Any] = {"sqlite": sqlite}
                loads: dict[str, float] = {}
                began = time.perf_counter()
                sqlite.upsert_documents(batches)
                loads["sqlite_load_s"] = round(time.perf_counter() - began, 1)
                if uri is not None and size <= cfg["neo4j_path_max"]:
                    from graph.neo4j_store import Neo4jStore

                    began = time.perf_counter()
                    if holds[0] != size:
                        empty_database(uri)
                    neo = Neo4jStore(uri, "neo4j", "neo4j")
                    if holds[0] != size:  # generated again (seeded): never all in memory
                        neo.upsert_documents(graph_batches(size, SEED))
                        holds[0] = size
                        loads["neo4j_load_s"] = round(time.perf_counter() - began, 1)
                    stores["neo4j"] = neo
                log(f"  loaded {size} relations (generation included): {loads}")
                try:
                    return {**loads, **measure_paths(stores, cfg["path_pairs"], 5, 4,
                                                     cfg["path_budget"], SEED, log)}
                finally:
                    for store in stores.values():
                        store.close()
        section(f"paths_{size}", results, run)


def api_section(cfg: dict[str, Any], results: dict[str, Any]) -> None:
    """Serve a SQLite store of the first path size and load it."""
    def run() -> dict[str, Any]:
        from bench.api import measure_api
        from bench.generate import graph_batches
        from graph.sqlite_store import SqliteStore

        with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
            location = str(Path(tmp) / "api.db")
            store = SqliteStore(location)
            try:
                store.upsert_documents(graph_batches(cfg["path_sizes"][0], SEED))
                return measure_api(store, location, cfg["api_concurrency"], cfg["api_seconds"],
                                   cfg["api_rounds"], SEED, log)
            finally:
                store.close()
    section("api", results, run)


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """Return the headline ratios (first write size, first path size) and which targets hold."""
    def first(prefix: str, key: str) -> Any:
        for name, value in results.items():
            if name.startswith(prefix) and isinstance(value, dict) and key in value:
                return value[key]
        return None

    out = {
        "ingest_speedup_vs_peer": first("writes_", "ingest_speedup_vs_peer"),
        "ingest_speedup_vs_per_row": first("writes_", "ingest_speedup_vs_per_row"),
        "ingest_vs_floor": first("writes_", "ingest_vs_floor"),
        "path_speedup_vs_naive": first("paths_", "sqlite_speedup_vs_naive"),
        "path_speedup_vs_naive_neo4j": first("paths_", "neo4j_speedup_vs_naive"),
        "extract_overhead_vs_spacy": results.get("extraction", {}).get("extract_overhead_vs_spacy"),
        "api_paths_vs_trivial_throughput": results.get("api", {}).get(
            "api_paths_vs_trivial_throughput"),
        "api_neighbors_vs_trivial_throughput": results.get("api", {}).get(
            "api_neighbors_vs_trivial_throughput"),
        "memory_growth": results.get("ingest", {}).get("memory_growth"),
        "ingest_docs_per_s": results.get("ingest", {}).get("ingest_docs_per_s"),
        "sqlite_rel_per_s": first("writes_", "sqlite_rel_per_s"),
        "neo4j_rel_per_s": first("writes_", "ours_rel_per_s"),
    }
    out.update(scale_summary(results))
    met = {k: (out[k] is not None and out[k] >= v) for k, v in TARGETS.items()}
    for key, value in out.items():
        target = TARGETS_BY_SIZE.get(key.rsplit("_", 1)[0], TARGETS_BY_SIZE.get(key))
        if target is not None:
            met[key] = value is not None and value >= target
    met.update({k: (out[k] is not None and out[k] <= v) for k, v in MAX_TARGETS.items()})
    rounded = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}
    return {**rounded, "targets_met": met}


def scale_summary(results: dict[str, Any]) -> dict[str, Any]:
    """Return the Neo4j ingest's ratio to the floor and to the peer at each size run
    (``ingest_vs_floor_10k``, ``ingest_vs_peer_100k``...), ``ingest_growth`` (our rate at
    the largest size run over 10k) and ``ingest_workers_speedup``."""
    out: dict[str, Any] = {}
    rates: dict[int, float] = {}
    for size, label in SIZE_NAMES.items():
        got = results.get(f"writes_{size}", {})
        out[f"ingest_vs_floor_{label}"] = got.get("ingest_vs_floor")
        if size > 10_000:
            out[f"ingest_vs_peer_{label}"] = got.get("ingest_speedup_vs_peer")
        if got.get("ours_rel_per_s"):
            rates[size] = got["ours_rel_per_s"]
    if 1_000_000 not in rates:
        del out["ingest_vs_floor_1m"], out["ingest_vs_peer_1m"]
    largest = max(rates, default=None)
    out["ingest_growth"] = (rates[largest] / rates[10_000]
                            if largest and largest > 10_000 and 10_000 in rates else None)
    out["ingest_workers_speedup"] = results.get("workers", {}).get("ingest_workers_speedup")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; print the summary as the last line of stdout."""
    parser = argparse.ArgumentParser(description="Influence Graph benchmarks")
    parser.add_argument("--quick", action="store_true", help="reduced sizes (< 5 minutes)")
    parser.add_argument("--no-neo4j", action="store_true", help="skip everything on Neo4j")
    parser.add_argument("--only", default="",
                        help="comma-separated sections: writes, paths, extraction, ingest, "
                             "workers, api")
    parser.add_argument("--sizes", default="",
                        help="comma-separated relation counts replacing the write and path sizes")
    parser.add_argument("--write-sizes", default="",
                        help="comma-separated relation counts of the write section, any size "
                             f"(the per-row baseline runs up to {PER_ROW_MAX:,})")
    parser.add_argument("--out", default="", help="also write all results as JSON here")
    args = parser.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",") if x]
        cfg["write_sizes"] = [n for n in sizes if n <= 100_000]
        cfg["path_sizes"] = sizes
    if args.write_sizes:
        cfg["write_sizes"] = [int(x) for x in args.write_sizes.split(",") if x]
    only = {s for s in args.only.split(",") if s} or {"writes", "paths", "extraction", "ingest",
                                                          "workers", "api"}
    from ontology import get_ontology

    get_ontology()
    results: dict[str, Any] = {"mode": "quick" if args.quick else "full",
                               "python": platform.python_version(), "config": cfg}
    server = None
    uri = None
    if only & {"writes", "paths"} and not args.no_neo4j:
        from tests.neo4j_server import Neo4jTestServer

        log("starting the Neo4j test server")
        server = Neo4jTestServer()
        server.start()
        uri = server.uri
        results["neo4j"] = {"version": server.version, "apoc": server.apoc_version}
    try:
        if only & {"writes", "paths"}:
            writes_and_paths(cfg, uri, results, only)
    finally:
        if server is not None:
            server.stop()
            log("stopped the Neo4j test server")
    if "extraction" in only:
        from bench.extraction import measure_extraction

        section("extraction", results,
                lambda: measure_extraction(cfg["extract_docs"], cfg["extract_runs"], log))
    if "ingest" in only:
        from bench.extraction import measure_ingest

        section("ingest", results, lambda: measure_ingest(cfg["ingest_sizes"], log))
    if "workers" in only:
        from bench.workers import measure_workers

        section("workers", results, lambda: measure_workers(
            cfg["workers_files"], cfg["workers_runs"], (1, 2), log))
    if "api" in only:
        api_section(cfg, results)
    results["summary"] = summary(results)
    results["total_seconds"] = round(time.perf_counter() - STARTED, 1)
    log(f"done in {results['total_seconds']:.0f} s")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps({**results["summary"], "total_seconds": results["total_seconds"]}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
