"""The explorer on a hub in headless Chromium: how long until a neighbourhood of 2,000
entities is drawn, laid out and fitted, and how long opening its largest group takes.

The hub (``tests.samples.hub``) funds 1,400 organizations, has 400 members and 200 donors
that fund one another. The explorer of this checkout opens ``/?focus=hub-fund``; "before"
is the explorer of the commit given with ``--before`` (served in place of
``explorer.js``), which draws the first 200 neighbours ungrouped with every edge labelled.
Each figure is the median of ``--runs`` page loads; the machine's load average is printed
with them (the test machine is shared).

    python -m bench.explorer --runs 5 --before 4ef41fa
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from graph.sqlite_store import SqliteStore
from tests.neo4j_server import free_port
from tests.samples import hub

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
STABLE = "() => document.getElementById('graph').dataset.stable === 'true'"


def _serve(db: str) -> tuple[str, Any]:
    """Start the app over ``db`` in a thread; return (base URL, server)."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(store=db)), host="127.0.0.1",
                                           port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _current(page: Any, base: str) -> dict[str, float]:
    """Load the hub's view with this checkout's explorer, then open its largest group."""
    started = time.perf_counter()
    page.goto(f"{base}/?focus=hub-fund")
    page.wait_for_function("() => Number(document.getElementById('graph').dataset.nodes) > 1")
    drawn = time.perf_counter() - started
    page.wait_for_function(STABLE)
    stable = time.perf_counter() - started
    nodes = page.evaluate("window.explorer.nodes.length")
    labels = page.evaluate("window.explorer.edges.get().filter(e => e.label).length")
    group = page.evaluate("window.explorer.nodes.get().find(n => n.label === "
                          "'1,400 organizations it funds').id")
    started = time.perf_counter()
    page.evaluate("id => { window.explorer.network.emit('click', {nodes: [id], edges: [], "
                  "pointer: {DOM: {x: 0, y: 0}}}); return true; }", group)
    page.wait_for_function("() => Number(document.getElementById('graph').dataset.nodes) > 1000")
    page.wait_for_function(STABLE)
    opened = time.perf_counter() - started
    return {"first_drawn_s": drawn, "stable_s": stable, "nodes": nodes,
            "edge_labels": labels, "open_1400_s": opened,
            "nodes_after_open": page.evaluate("window.explorer.nodes.length")}


def _before(page: Any, base: str, script: str) -> dict[str, float]:
    """Load the hub with the old explorer (searched by name, as it had no URL state)."""
    page.route("**/static/explorer.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=script))
    page.goto(f"{base}/")
    page.wait_for_function("() => window.explorer !== undefined")
    page.fill("#search", "Hub Fund")
    item = page.locator("#suggestions li", has_text="Hub Fund").first
    item.wait_for()
    started = time.perf_counter()
    item.click()
    page.wait_for_function("() => Number(document.getElementById('graph').dataset.nodes) > 1")
    drawn = time.perf_counter() - started
    page.wait_for_function(STABLE)
    stable = time.perf_counter() - started
    return {"first_drawn_s": drawn, "stable_s": stable,
            "nodes": page.evaluate("window.explorer.nodes.length"),
            "edge_labels": page.evaluate("window.explorer.edges.get().filter(e => e.label)"
                                         ".length")}


def main() -> None:
    """Run the measurement and print the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="a commit whose api/static/explorer.js is 'before'")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="bench-explorer-")
    db = str(Path(folder) / "hub.db")
    store = SqliteStore(db)
    _center, document, triples = hub(1400, 400, 200)
    store.upsert_document(document, triples)
    store.close()
    base, server = _serve(db)
    old = (subprocess.run(["git", "show", f"{args.before}:api/static/explorer.js"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
           if args.before else None)
    results: dict[str, list[dict[str, float]]] = {"after": [], "before": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        for _ in range(args.runs):
            for name in ("after", "before"):
                if name == "before" and old is None:
                    continue
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.set_default_timeout(180000)
                results[name].append(_current(page, base) if name == "after"
                                     else _before(page, base, old or ""))
                context.close()
        browser.close()
    server.should_exit = True
    medians = {name: {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
               for name, runs in results.items() if runs}
    print(json.dumps({"runs": args.runs, "load_average": os.getloadavg(),
                      "median": medians}, indent=1))


if __name__ == "__main__":
    main()
