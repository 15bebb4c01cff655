"""Review through the API: judgements under write keys (the key's name is the author), the
log and candidates readable, export and import of judgements, rejected relations left out of
exports, PROV-O in RDF."""
from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.samples import INFORMER, SAMPLE, SERBIA, SPUTNIK, SPUTNIK_INT, VUCIC

KEY = "wk-review-secret-1"
HEADERS = {"X-API-Key": KEY}


def _client(store: GraphStore, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(api_keys=f"alice:{KEY}", **settings), store=store))


@pytest.fixture
def loaded(store: GraphStore) -> GraphStore:
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    return store


def _rel(store: GraphStore, s: Any, p: str, o: Any) -> str:
    return next(r.id for r in store.relations_between(s.id, o.id) if r.predicate == p)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_merge_by_name_is_made_by_the_keys_name_and_logged(loaded: GraphStore) -> None:
    with _client(loaded) as c:
        made = c.post("/api/review/judgements", headers=HEADERS, json={
            "kind": "merge", "entities": ["Sputnik Serbia", "Sputnik International"],
            "note": "same outlet"})
        assert made.status_code == 201, made.text
        j = made.json()
        assert (j["kind"], j["author"], j["entities"]) == (
            "merge", "alice", [SPUTNIK.id, SPUTNIK_INT.id])
        assert j["id"] and j["at"]
        log = c.get("/api/review/judgements").json()["judgements"]
        assert [x["id"] for x in log] == [j["id"]]
        assert c.get(f"/api/review/judgements/{j['id']}").json()["note"] == "same outlet"
        assert c.get("/api/review/judgements/j-none").status_code == 404
        undo = c.post("/api/review/judgements", headers=HEADERS,
                      json={"kind": "undo", "target": j["id"]})
        assert undo.status_code == 201
        again = c.post("/api/review/judgements", headers=HEADERS,
                       json={"kind": "undo", "target": j["id"]})
        assert again.status_code == 400 and "already undone" in again.json()["detail"]
    assert loaded.get_entity(SPUTNIK_INT.id) is not None


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("body,code,message", [
    ({"kind": "merge", "entities": ["Russia", "Russia"]}, 400, "itself"),
    ({"kind": "merge", "entities": ["Russia", "Atlantis"]}, 404, "Atlantis"),
    ({"kind": "reject", "relations": ["nope"], "reason": "x"}, 404, "nope"),
    ({"kind": "add", "entities": ["Russia", "Serbia"], "predicate": "adores",
      "source": "https://x.org", "quote": "q"}, 400, "unknown predicate"),
    ({"kind": "add", "entities": ["Russia", "Serbia"], "predicate": "funds", "quote": "q"},
     400, "source"),
    ({"kind": "teleport", "entities": ["Russia"]}, 422, ""),
])
def test_bad_judgements_are_4xx_with_a_message_and_change_nothing(
        loaded: GraphStore, body: dict, code: int, message: str) -> None:
    version = loaded.version()
    with _client(loaded) as c:
        answer = c.post("/api/review/judgements", headers=HEADERS, json=body)
    assert answer.status_code == code, answer.text
    assert message in answer.text
    assert loaded.version() == version and loaded.judgements() == []


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_rejected_relations_leave_exports_unless_asked_and_rdf_carries_prov(
        loaded: GraphStore) -> None:
    leads = _rel(loaded, VUCIC, "leads", SERBIA)
    with _client(loaded) as c:
        assert c.post("/api/review/judgements", headers=HEADERS, json={
            "kind": "reject", "relations": [leads], "reason": "not in the text"}).status_code == 201
        plain = c.get("/api/export", params={"format": "csv"}).text
        assert leads not in plain
        flagged = c.get("/api/export", params={"format": "csv", "include_rejected": True}).text
        assert leads in flagged and "rejected" in flagged
        ttl = c.get("/api/export", params={"format": "ttl"}).text
        assert "prov:wasAssociatedWith" in ttl and "prov:Activity" in ttl
        assert "prov:wasAttributedTo" in ttl and '"alice"' in ttl
        neighbours = c.get(f"/api/entities/{VUCIC.id}/neighbors")
        assert neighbours.status_code == 200 and leads not in neighbours.text
        ranked = c.get("/api/paths", params={"source": VUCIC.id, "target": SERBIA.id})
        assert leads not in ranked.text


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_judgements_exported_from_one_instance_import_into_another(
        loaded: GraphStore, tmp_path: Any) -> None:
    other = SqliteStore(str(tmp_path / "other.db"))
    for d, triples in SAMPLE:
        other.upsert_document(d, triples)
    amplifies = _rel(loaded, INFORMER, "amplifies", SPUTNIK)
    with _client(loaded) as c:
        for body in ({"kind": "merge", "entities": [SPUTNIK.id, SPUTNIK_INT.id]},
                     {"kind": "reject", "relations": [amplifies], "reason": "misread"},
                     {"kind": "rename", "entities": ["Informer"], "name": "Informer daily"}):
            assert c.post("/api/review/judgements", headers=HEADERS, json=body).status_code == 201
        exported = c.get("/api/review/export").text
    assert len(exported.splitlines()) == 3
    with _client(other) as c:
        bad = c.post("/api/review/import", headers=HEADERS, content=b'{"kind": "merge"}\n')
        assert bad.status_code == 400 and "body:1" in bad.json()["detail"]
        assert other.judgements() == []
        done = c.post("/api/review/import", headers=HEADERS, content=exported.encode())
        assert done.status_code == 200 and done.json() == {"imported": 3, "skipped": 0}
        again = c.post("/api/review/import", headers=HEADERS, content=exported.encode())
        assert again.json() == {"imported": 0, "skipped": 3}
    assert [e.model_dump() for e in other.iter_entities()] == \
        [e.model_dump() for e in loaded.iter_entities()]
    assert [r.model_dump() for r in other.iter_relations()] == \
        [r.model_dump() for r in loaded.iter_relations()]
    assert [j.author for j in other.judgements()] == ["alice"] * 3
    other.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_candidates_and_review_schemas_are_in_openapi(loaded: GraphStore) -> None:
    with _client(loaded) as c:
        found = c.get("/api/review/candidates").json()["candidates"]
        assert found and all(x["reasons"] for x in found)
        pair = {found[0]["a"]["id"], found[0]["b"]["id"]}
        assert pair == {SPUTNIK.id, SPUTNIK_INT.id}
        schema = c.get("/openapi.json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/review/judgements"] and "get" in paths["/api/review/judgements"]
    for path in ("/api/review/candidates", "/api/review/export", "/api/review/import",
                 "/api/review/judgements/{judgement_id}"):
        assert path in paths
    assert {"JudgementIn", "Judgement", "Candidate"} <= set(schema["components"]["schemas"])
