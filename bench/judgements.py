"""What active judgements cost an ingest: the same documents upserted into an embedded
store without judgements and with ``--merges`` active merges (every write places its
mentions through them), runs interleaved, best and median of each.

    .venv/bin/python -m bench.judgements [--docs 1000] [--merges 100] [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from graph.judgements import JudgementRequest
from graph.sqlite_store import SqliteStore
from tests.samples import corpus

FACTS = 20


def run(docs: int, merges: int) -> float:
    """Return triples per second of upserting ``docs`` documents after ``merges`` merges."""
    batches = corpus(docs + 50, FACTS, seed=1, pool=2000)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(str(Path(tmp) / "j.db"))
        store.upsert_documents(batches[:50])
        ids = [e.id for e in store.iter_entities()][:2 * merges]
        for a, b in zip(ids[0::2], ids[1::2], strict=False):
            store.judge(JudgementRequest(kind="merge", author="bench", entities=[a, b]))
        start = time.perf_counter()
        store.upsert_documents(batches[50:])
        seconds = time.perf_counter() - start
        store.close()
    return docs * FACTS / seconds


def main() -> None:
    """Print the rates of each variant: best, median, every run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--merges", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rates: dict[str, list[float]] = {"no judgements": [], f"{args.merges} merges": []}
    for _ in range(args.runs):
        rates["no judgements"].append(run(args.docs, 0))
        rates[f"{args.merges} merges"].append(run(args.docs, args.merges))
    for name, values in rates.items():
        print(f"{name}: best {max(values):,.0f} triples/s, median "
              f"{statistics.median(values):,.0f} ({', '.join(f'{v:,.0f}' for v in values)})")


if __name__ == "__main__":
    main()
