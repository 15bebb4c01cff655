"""API throughput: requests/s and p99 of ``/api/entities/{id}/neighbors`` and ``/api/paths``
vs ``/health`` of the same uvicorn server on loopback, loaded from a separate process."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from bench.paths import pick_pairs
from graph.store import GraphStore
from tests.neo4j_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def _serve(store_location: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "INFLUENCE_STORE": store_location, "INFLUENCE_API_KEYS": "",
           "INFLUENCE_READ_KEYS": ""}
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the API server exited: {err[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the API server did not answer within {timeout:.0f} s")


def _load(urls: list[str], concurrency: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(urls, fh)
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), fh.name,
                               "--concurrency", str(concurrency), "--seconds", str(seconds)],
                              cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120,
                              check=False)
    finally:
        os.unlink(fh.name)
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_api(store: GraphStore, store_location: str, concurrency: int, seconds: float,
                rounds: int, seed: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Return requests/s and p99 of each endpoint (median of ``rounds`` interleaved rounds)
    and the throughput ratios of neighbors and paths to ``/health``."""
    relations = list(store.iter_relations(include_flagged=False))
    rng = random.Random(seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ids = [rng.choice(relations).subject for _ in range(200)]
    targets = {
        "health": [f"{base}/health"],
        "neighbors": [f"{base}/api/entities/{quote(i, safe='')}/neighbors?hops=1&limit=200"
                      for i in ids],
        "paths": [f"{base}/api/paths?" + urlencode({"source": s, "target": t, "k": 5,
                                                     "max_hops": 4, "mode": "influence"})
                  for s, t in pick_pairs(relations, 200, seed)],
    }
    server = _serve(store_location, port)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    try:
        _wait_ready(base, server)
        for name, urls in targets.items():  # warm-up: imports, caches, connections
            _load(urls, concurrency, 1.0)
        for _ in range(rounds):
            for name, urls in targets.items():
                results[name].append(_load(urls, concurrency, seconds))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    out: dict[str, Any] = {"concurrency": concurrency, "seconds_per_round": seconds}
    for name, runs in results.items():
        runs.sort(key=lambda r: r["rps"])
        mid = runs[len(runs) // 2]
        out[f"{name}_rps"] = mid["rps"]
        out[f"{name}_p99_ms"] = mid["p99_ms"]
        out[f"{name}_errors"] = sum(r["errors"] for r in runs)
        log(f"  {name}: {mid['rps']:.0f} req/s, p50 {mid['p50_ms']:.1f} ms, p99 "
            f"{mid['p99_ms']:.1f} ms, {out[f'{name}_errors']} errors")
    out["api_neighbors_vs_trivial_throughput"] = out["neighbors_rps"] / out["health_rps"]
    out["api_paths_vs_trivial_throughput"] = out["paths_rps"] / out["health_rps"]
    return out
