"""PROFILE every query of one Neo4j write batch on graphs of growing size.

    PYTHONPATH=$PWD python -m bench.profile_writes --sizes 10000,100000 --batch 50

Loads the generated graph (``bench.generate``) of each size with ``Neo4jStore``, then writes
the next ``--batch`` documents of the same generator (new relations and new evidence of
stored ones, as a growing graph receives them) with every query of the transaction run
under ``PROFILE``; prints per query its database hits, rows, server time and the
operators that did most of the hits, as JSON lines on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from itertools import islice
from typing import Any

from neo4j import ManagedTransaction

from bench.generate import graph_batches
from bench.writes import empty_database
from graph.neo4j_store import Neo4jStore
from tests.neo4j_server import Neo4jTestServer

SEED = 7


def _operators(plan: dict[str, Any]) -> Iterator[tuple[str, int, int]]:
    """Yield (operator, db hits, rows) of a profiled plan, depth first."""
    args = plan.get("args", {})
    name = plan.get("operatorType", "?")
    if args.get("Details"):
        name = f"{name} {str(args['Details'])[:90]}"
    yield name, int(plan.get("dbHits", 0)), int(plan.get("rows", 0))
    for child in plan.get("children", []):
        yield from _operators(child)


class _Profiled:
    """The records and summary of a query run eagerly under PROFILE (what the write code
    reads from a Result: iteration, ``single``, ``consume``)."""

    def __init__(self, records: list[Any], summary: Any) -> None:
        self.records = records
        self.summary = summary

    def __iter__(self) -> Iterator[Any]:
        return iter(self.records)

    def single(self) -> Any:
        return self.records[0] if self.records else None

    def consume(self) -> Any:
        return self.summary


def profiled(log: list[dict[str, Any]]) -> Any:
    """Return a replacement of ``ManagedTransaction.run`` that profiles each query into
    ``log``."""
    original = ManagedTransaction.run

    def run(self: ManagedTransaction, query: str, parameters: Any = None, **kw: Any) -> Any:
        began = time.perf_counter()
        result = original(self, "PROFILE " + query, parameters, **kw)
        records = list(result)
        summary = result.consume()
        ops = sorted(_operators(summary.profile or {}), key=lambda o: -o[1])
        rows = kw.get("rows") or kw.get("ids") or []
        log.append({"query": " ".join(query.split())[:110], "params": len(rows),
                    "db_hits": sum(o[1] for o in ops), "records": len(records),
                    "server_ms": (summary.result_available_after or 0)
                    + (summary.result_consumed_after or 0),
                    "client_ms": round((time.perf_counter() - began) * 1000, 1),
                    "top": [f"{o[0]}: {o[1]} hits, {o[2]} rows" for o in ops[:3]]})
        return _Profiled(records, summary)

    return run


def main(argv: list[str] | None = None) -> int:
    """Profile one batch of writes after each size; print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--batch", type=int, default=50, help="documents of the profiled write")
    args = parser.parse_args(argv)
    server = Neo4jTestServer()
    server.start()
    try:
        for size in [int(x) for x in args.sizes.split(",")]:
            empty_database(server.uri)
            batches = graph_batches(size + size // 10, SEED)
            store = Neo4jStore(server.uri, "neo4j", "neo4j")
            try:
                began = time.perf_counter()
                load = list(islice(batches, 0, None))
                head, tail = _split(load, size)
                store.upsert_documents(head)
                loaded = time.perf_counter() - began
                print(f"loaded {size} relations in {loaded:.1f} s", file=sys.stderr, flush=True)
                log: list[dict[str, Any]] = []
                original = ManagedTransaction.run
                ManagedTransaction.run = profiled(log)  # type: ignore[method-assign]
                try:
                    began = time.perf_counter()
                    store.upsert_documents(tail[:args.batch], batch_size=args.batch)
                    took = time.perf_counter() - began
                finally:
                    ManagedTransaction.run = original  # type: ignore[method-assign]
                print(json.dumps({"size": size, "batch_documents": args.batch,
                                  "batch_seconds": round(took, 3),
                                  "stats": store.stats().model_dump()}), flush=True)
                for entry in log:
                    print(json.dumps({"size": size, **entry}), flush=True)
            finally:
                store.close()
    finally:
        server.stop()
    return 0


def _split(batches: list[Any], size: int) -> tuple[list[Any], list[Any]]:
    """Return the documents that state the first ``size`` relations, and the rest."""
    seen: set[tuple[str, str, str]] = set()
    for i, (_, triples) in enumerate(batches):
        seen.update((t.subject.id, t.predicate, t.object.id) for t in triples)
        if len(seen) >= size:
            return batches[:i + 1], batches[i + 1:]
    return batches, []


if __name__ == "__main__":
    sys.exit(main())
