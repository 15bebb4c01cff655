"""The explorer's review panel in a real headless Chromium: with a write key entered, confirm
and reject edges from their selection, rename a node, merge from the panel, undo from the
log; edges show their review and rejected ones are hidden unless asked."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.sqlite_store import SqliteStore
from tests.samples import GOVERNMENT, INFORMER, SAMPLE, SPUTNIK, SPUTNIK_INT
from tests.test_browser import Watch, _click_node, _free_port, _host, _wait_stable, browser, page

pytestmark = pytest.mark.browser
KEY = "wk-review-browser-secret"
__all__ = ["browser", "page"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app over the sample graph, write key named "desk"; yield its base URL."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    store = SqliteStore(str(tmp_path_factory.mktemp("review") / "r.db"))
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    port = _free_port()
    app = create_app(Settings(api_keys=f"desk:{KEY}"), store=store)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    store.close()


def _edge_id(server: str, subject: str, predicate: str, obj: str) -> str:
    detail = httpx.get(f"{server}/api/entities/{subject}", timeout=10).json()
    return next(r["id"] for r in detail["relations_out"]
                if r["predicate"] == predicate and r["other"]["id"] == obj)


def _click_edge(page: Any, edge_id: str) -> None:
    """Click an explorer graph edge on its drawn curve (vis-network's own geometry), off
    its label in the middle."""
    point = page.evaluate(
        """id => { const net = window.explorer.network;
             const m = net.body.edges[id].edgeType.getPoint(0.35);
             const d = net.canvasToDOM(m); const r = document.querySelector('#graph canvas')
             .getBoundingClientRect(); return {x: r.left + d.x, y: r.top + d.y}; }""", edge_id)
    page.mouse.click(point["x"], point["y"])


def _log_kinds(page: Any) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#review-log li strong')]"
                         ".map(s => s.textContent)")


def test_review_panel_confirm_reject_rename_merge_and_undo(server: str, page: Any) -> None:
    watch = Watch(page)
    page.goto(server + "/")
    page.wait_for_function("() => window.explorer !== undefined")
    assert not page.locator("#review-box").is_visible()

    page.click("#snapshot-box summary")
    page.fill("#api-key", KEY)
    page.locator("#api-key").dispatch_event("change")
    page.locator("#review-box").wait_for(state="visible")

    page.fill("#search", "Inform")
    page.locator("#suggestions li", has_text="Informer").first.click()
    page.wait_for_function("() => Number(document.getElementById('graph').dataset.nodes) === 3")
    _wait_stable(page)

    # confirm an edge from its selection: it is drawn thick and green
    amplifies = _edge_id(server, INFORMER.id, "amplifies", SPUTNIK.id)
    _click_edge(page, amplifies)
    page.locator("#review-confirm").click()
    page.wait_for_function(f"() => (window.explorer.edges.get('{amplifies}') || {{}})"
                           ".review === 'confirmed'")
    assert page.evaluate(f"window.explorer.edges.get('{amplifies}').width") == 3

    # reject another with a reason: it leaves the graph, comes back (dashed) when asked
    controls = _edge_id(server, GOVERNMENT.id, "controls", INFORMER.id)
    _wait_stable(page)
    _click_edge(page, controls)
    page.fill("#review-reason", "the sentence says the opposite")
    page.locator("#review-reject").click()
    page.wait_for_function(f"() => window.explorer.edges.get('{controls}') === null")
    page.check("#review-show-rejected")
    page.wait_for_function(f"() => (window.explorer.edges.get('{controls}') || {{}})"
                           ".review === 'rejected'")
    assert page.evaluate(f"window.explorer.edges.get('{controls}').dashes") is not False
    relation = httpx.get(f"{server}/api/relations/{controls}", timeout=10).json()
    assert relation["status"] == "rejected"
    page.uncheck("#review-show-rejected")
    page.wait_for_function(f"() => window.explorer.edges.get('{controls}') === null")

    # rename a node from its selection
    _wait_stable(page)
    _click_node(page, SPUTNIK.id)
    page.locator("#review-rename").wait_for()
    page.fill("#review-name", "Sputnik Srbija")
    page.locator("#review-rename").click()
    page.wait_for_function(f"() => window.explorer.nodes.get('{SPUTNIK.id}').label === "
                           "'Sputnik Srbija'")
    assert httpx.get(f"{server}/api/entities/{SPUTNIK.id}", timeout=10).json()["name"] \
        == "Sputnik Srbija"

    # merge from the panel (the selected node is kept), then undo it from the log
    assert page.input_value("#review-merge-a") == "Sputnik Serbia"
    page.fill("#review-merge-a", "Sputnik Srbija")
    page.fill("#review-merge-b", "Sputnik International")
    page.click("#review-merge-go")
    page.wait_for_function("() => document.querySelector('#review-log li strong') && "
                           "document.querySelector('#review-log li strong').textContent "
                           "=== 'merge'")
    # the merged-away id now names the survivor (it is one of its aliases)
    assert httpx.get(f"{server}/api/entities/{SPUTNIK_INT.id}", timeout=10).json()["id"] \
        == SPUTNIK.id
    assert _log_kinds(page)[:4] == ["merge", "rename", "reject", "confirm"]
    log = httpx.get(f"{server}/api/review/judgements", timeout=10).json()["judgements"]
    assert [j["author"] for j in log] == ["desk"] * 4
    page.locator("#review-log li").first.locator(".review-undo").click()
    page.wait_for_function("() => document.querySelector('#review-log li strong')"
                           ".textContent === 'undo'")
    assert httpx.get(f"{server}/api/entities/{SPUTNIK_INT.id}", timeout=10).json()["id"] \
        == SPUTNIK_INT.id
    assert "undone" in page.locator("#review-log li").nth(1).get_attribute("class")

    # the likely duplicates, with their reasons: mark the Sputniks distinct
    either = (f"#review-candidates li[data-pair='{SPUTNIK.id} {SPUTNIK_INT.id}'], "
              f"#review-candidates li[data-pair='{SPUTNIK_INT.id} {SPUTNIK.id}']")
    pair = page.locator(either)
    assert "share the name or alias" in pair.inner_text()
    pair.locator(".review-candidate-distinct").click()
    page.wait_for_function("() => document.querySelector('#review-log li strong')"
                           ".textContent === 'distinct'")
    page.wait_for_function(f"() => !document.querySelector(\"{either}\")")
    watch.check(_host(server))
