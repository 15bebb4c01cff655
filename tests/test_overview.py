"""The overview the explorer opens on, on both stores: counts, the most central entities
with the relations among them, the latest documents."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.overview import latest_documents, overview
from graph.store import GraphStore
from tests.samples import hub
from tests.test_snapshots import DOC_A, DOC_B, TRIPLES_A, TRIPLES_B


def test_overview_holds_counts_central_entities_their_relations_and_latest_documents(
        store: GraphStore) -> None:
    store.upsert_document(DOC_A, TRIPLES_A)
    store.upsert_document(DOC_B, TRIPLES_B)
    _center, register, triples = hub(30, 5, 3)
    store.upsert_document(register, triples)
    stats, top, relations, docs = overview(store, limit=5, documents=2)
    assert stats == store.stats()
    assert len(top) == 5 and top[0][1] >= top[-1][1]
    ids = {e.id for e, _ in top}
    assert relations and all(r.subject in ids and r.object in ids for r in relations)
    # every asserted relation among the five is there
    among = [r for r in store.iter_relations(None) if r.subject in ids and r.object in ids]
    assert sorted(r.id for r in relations) == sorted(r.id for r in among)
    assert [d.id for d in docs] == [register.id, DOC_B.id]  # 2025-01-15, then 2024-03-01
    assert [d.id for d in latest_documents(store, 3)] == [register.id, DOC_B.id, DOC_A.id]


def test_overview_route(store: GraphStore) -> None:
    store.upsert_document(DOC_A, TRIPLES_A)
    store.upsert_document(DOC_B, TRIPLES_B)
    with TestClient(create_app(Settings(), store=store)) as client:
        body = client.get("/api/overview?limit=3&documents=1").json()
        assert body["stats"]["relations"] == 4
        assert [e["name"] for e in body["entities"]][0] == "Russia"
        assert len(body["entities"]) == 3 and len(body["documents"]) == 1
        assert client.get("/api/overview?limit=0").status_code == 422
