"""Snapshots and editors: a snapshot marks the relations an editor confirmed; one whose
relations were rejected later says so and links to the same view on the current graph,
its data staying frozen."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.judgements import JudgementRequest
from graph.store import GraphStore
from tests.samples import GOVERNMENT, INFORMER, SAMPLE, SPUTNIK

KEY = "wk-snapshot-review"


def _rel(store: GraphStore, s: str, p: str, o: str) -> str:
    return next(r.id for r in store.relations_between(s, o) if r.predicate == p)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_confirmed_marked_and_later_rejections_noted(store: GraphStore) -> None:
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    amplifies = _rel(store, INFORMER.id, "amplifies", SPUTNIK.id)
    controls = _rel(store, GOVERNMENT.id, "controls", INFORMER.id)
    with TestClient(create_app(Settings(api_keys=KEY), store=store)) as c:
        plain = c.post("/api/snapshots", json={"focus": ["Informer"], "hops": 1},
                       headers={"X-API-Key": KEY}).json()
        store.judge(JudgementRequest(kind="confirm", author="desk", relations=[amplifies]))
        made = c.post("/api/snapshots", json={"focus": ["Informer"], "hops": 1},
                      headers={"X-API-Key": KEY})
        assert made.status_code == 201, made.text
        sid = made.json()["id"]
        assert sid != plain["id"]
        frozen = c.get(f"/s/{sid}.json").json()
        edges = {e["id"]: e for e in frozen["payload"]["edges"]}
        assert edges[amplifies]["confirmed"] is True and "confirmed" not in edges[controls]
        page = c.get(f"/s/{sid}")
        assert "confirmed by an editor" in page.text and 'id="rejected-notice"' not in page.text

        store.judge(JudgementRequest(kind="reject", author="desk", relations=[controls],
                                     params={"reason": "misread"}))
        page = c.get(f"/s/{sid}")
        assert 'id="rejected-notice"' in page.text
        assert "rejected 1 of its relations" in page.text and f'href="{sid}/current"' in page.text
        assert "rejected by an editor since publication" in page.text
        assert page.headers["cache-control"] == "public, max-age=300"
        assert c.get(f"/s/{sid}.json").json() == frozen  # the data stays frozen
        current = c.get(f"/s/{sid}/current")
        assert current.status_code == 200 and 'id="live-notice"' in current.text
        assert controls not in current.text and amplifies in current.text
        assert current.headers["cache-control"] == "no-store"
        assert c.get("/s/" + "0" * 64 + "/current").status_code == 404
