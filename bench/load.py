"""A bounded HTTP load generator, run as its own process so it does not share the server's GIL.

    python bench/load.py URLS.json --concurrency 8 --seconds 10 --max-requests 20000

``URLS.json`` holds a list of loopback URLs; ``concurrency`` workers cycle through them
until ``seconds`` pass or ``max-requests`` are sent. Prints one JSON line: requests,
errors, requests/s, p50 and p99 latency in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def percentile(values: list[float], q: float) -> float:
    """Return the ``q`` quantile (0..1) of ``values`` by nearest rank; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(urls: list[str], concurrency: int, seconds: float, max_requests: int) -> dict:
    """Return the load summary of hitting ``urls`` with ``concurrency`` workers."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal errors, sent
        i = offset
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            url = urls[i % len(urls)]
            i += concurrency
            started = time.perf_counter()
            try:
                response = await client.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += int(not ok)

    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        await asyncio.gather(*(worker(client, n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "seconds": round(elapsed, 3),
            "rps": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2)}


def main(argv: list[str] | None = None) -> int:
    """Run the load described by the command line; print its summary as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", help="JSON file holding a list of loopback URLs")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=50_000)
    args = parser.parse_args(argv)
    with open(args.urls, encoding="utf-8") as fh:
        urls = json.load(fh)
    if not urls or any(urlsplit(u).hostname not in LOOPBACK for u in urls):
        print("load.py only sends to loopback URLs", file=sys.stderr)
        return 2
    summary = asyncio.run(run(urls, args.concurrency, min(args.seconds, 120.0),
                              args.max_requests))
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
