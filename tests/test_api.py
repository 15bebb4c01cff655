"""The HTTP API, on both stores: every endpoint, path direction, filters, auth, errors."""
from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from core.errors import StoreUnavailable
from core.names import content_hash
from graph.model import Document, Entity, Evidence, Triple
from graph.store import GraphStore

RUSSIA = Entity.named("Russia", "Country", aliases=["Russian Federation"])
SPUTNIK = Entity.named("Sputnik Serbia", "MediaOutlet", aliases=["Sputnik"])
SPUTNIK_INT = Entity.named("Sputnik International", "MediaOutlet", aliases=["Sputnik"])
INFORMER = Entity.named("Informer", "MediaOutlet")
GOVERNMENT = Entity.named("Serbian government", "GovernmentBody")
VUCIC = Entity.named("Aleksandar Vučić", "Person", aliases=["Vucic"])
SERBIA = Entity.named("Serbia", "Country")


def _doc(text: str, title: str, published: date) -> Document:
    return Document(id=content_hash(text), title=title, url=f"https://example.org/{title}",
                    published=published, length=len(text))


def _triple(doc: Document, s: Entity, p: str, o: Entity, sentence: str,
            status: str = "asserted", confidence: float = 0.9) -> Triple:
    start = 0
    return Triple(subject=s, predicate=p, object=o,
                  evidence=Evidence(document_id=doc.id, sentence=sentence, start=start,
                                    end=start + len(sentence), date=doc.published,
                                    confidence=confidence, status=status))  # type: ignore[arg-type]


OLD_TEXT = ("Russia funds Sputnik Serbia. Informer amplifies Sputnik Serbia. "
            "Russia does not fund Informer. Sputnik International is a Russian outlet.")
NEW_TEXT = "The Serbian government controls Informer. Aleksandar Vučić leads Serbia."
OLD = _doc(OLD_TEXT, "old-report", date(2023, 3, 1))
NEW = _doc(NEW_TEXT, "new-report", date(2024, 1, 10))
OLD_TRIPLES = [
    _triple(OLD, RUSSIA, "funds", SPUTNIK, "Russia funds Sputnik Serbia."),
    _triple(OLD, INFORMER, "amplifies", SPUTNIK, "Informer amplifies Sputnik Serbia."),
    _triple(OLD, RUSSIA, "funds", INFORMER, "Russia does not fund Informer.", status="negated"),
    _triple(OLD, SPUTNIK_INT, "amplifies", RUSSIA, "Sputnik International is a Russian outlet."),
]
NEW_TRIPLES = [
    _triple(NEW, GOVERNMENT, "controls", INFORMER, "The Serbian government controls Informer."),
    _triple(NEW, VUCIC, "leads", SERBIA, "Aleksandar Vučić leads Serbia."),
]


@pytest.fixture
def graph_store(store: GraphStore) -> GraphStore:
    """Return a store holding the two sample documents."""
    store.upsert_document(OLD, OLD_TRIPLES)
    store.upsert_document(NEW, NEW_TRIPLES)
    return store


def make_client(store: GraphStore, **settings: Any) -> TestClient:
    """Return a client of an app serving ``store`` with these settings."""
    return TestClient(create_app(Settings(**settings), store=store))


@pytest.fixture
def client(graph_store: GraphStore) -> Iterator[TestClient]:
    with make_client(graph_store) as c:
        yield c


# ---------------------------------------------------------------- health, stats, search


def test_health_reports_store_ok(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == "ok" and body["version"]


def test_stats_count_everything(client: TestClient) -> None:
    assert client.get("/api/stats").json() == {"documents": 2, "entities": 7,
                                                "relations": 6, "evidence": 6}


def test_search_finds_entities_best_first_with_score(client: TestClient) -> None:
    body = client.get("/api/entities", params={"q": "sputnik"}).json()
    names = [r["name"] for r in body["results"]]
    assert "Sputnik Serbia" in names and "Sputnik International" in names
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_by_type(client: TestClient) -> None:
    body = client.get("/api/entities", params={"q": "s", "type": "Country"}).json()
    assert body["results"] and {r["type"] for r in body["results"]} == {"Country"}


def test_search_unknown_type_is_422(client: TestClient) -> None:
    assert client.get("/api/entities", params={"q": "x", "type": "Dragon"}).status_code == 422


# ---------------------------------------------------------------- one entity


def test_entity_by_name_has_relations_with_best_sentence(client: TestClient) -> None:
    body = client.get("/api/entities/Informer").json()
    assert body["id"] == INFORMER.id and body["type"] == "MediaOutlet"
    out = {(r["predicate"], r["other"]["name"]) for r in body["relations_out"]}
    inn = {(r["predicate"], r["other"]["name"]) for r in body["relations_in"]}
    assert ("amplifies", "Sputnik Serbia") in out
    assert ("controls", "Serbian government") in inn
    amplifies = next(r for r in body["relations_out"] if r["predicate"] == "amplifies")
    assert amplifies["evidence_count"] == 1
    assert amplifies["best_evidence"]["sentence"] == "Informer amplifies Sputnik Serbia."


def test_entity_by_alias_and_by_id(client: TestClient) -> None:
    assert client.get("/api/entities/Vucic").json()["name"] == "Aleksandar Vučić"
    assert client.get(f"/api/entities/{VUCIC.id}").json()["name"] == "Aleksandar Vučić"


def test_unknown_entity_is_404_with_suggestions(client: TestClient) -> None:
    r = client.get("/api/entities/Rusia")
    assert r.status_code == 404
    body = r.json()
    assert body["detail"] and "Russia" in body["suggestions"]


def test_ambiguous_entity_is_409_with_candidates(client: TestClient) -> None:
    r = client.get("/api/entities/Sputnik")
    assert r.status_code == 409
    assert {"Sputnik Serbia", "Sputnik International"} <= set(r.json()["suggestions"])


def test_neighbors_within_hops(client: TestClient) -> None:
    one = client.get("/api/entities/Russia/neighbors", params={"hops": 1}).json()
    names = {e["name"] for e in one["entities"]}
    assert "Sputnik Serbia" in names and "Serbian government" not in names
    two = client.get("/api/entities/Russia/neighbors", params={"hops": 2}).json()
    assert "Informer" in {e["name"] for e in two["entities"]}


def test_neighbors_skip_negated_relations(client: TestClient) -> None:
    one = client.get("/api/entities/Russia/neighbors", params={"hops": 1}).json()
    assert all(r["status"] == "asserted" for r in one["relations"])
    assert INFORMER.id not in {e["id"] for e in one["entities"]}


def test_neighbors_filtered_by_predicate(client: TestClient) -> None:
    body = client.get("/api/entities/Informer/neighbors",
                      params={"predicates": "controls"}).json()
    assert {r["predicate"] for r in body["relations"]} == {"controls"}


def test_neighbors_unknown_predicate_is_422(client: TestClient) -> None:
    r = client.get("/api/entities/Informer/neighbors", params={"predicates": "bribes"})
    assert r.status_code == 422


# ---------------------------------------------------------------- relations


def test_relation_with_all_evidence(client: TestClient) -> None:
    detail = client.get("/api/entities/Russia").json()
    rel_id = next(r["id"] for r in detail["relations_out"] if r["other"]["name"] == "Sputnik Serbia")
    body = client.get(f"/api/relations/{rel_id}").json()
    assert body["predicate"] == "funds" and body["subject_entity"]["name"] == "Russia"
    ev = body["evidence"][0]
    assert ev["sentence"] == "Russia funds Sputnik Serbia."
    assert ev["document_title"] == "old-report" and ev["url"] == "https://example.org/old-report"
    assert ev["date"] == "2023-03-01" and ev["status"] == "asserted" and ev["past"] is False
    assert ev["start"] == 0 and ev["end"] == len("Russia funds Sputnik Serbia.")


def test_past_evidence_is_shown_as_past(store: GraphStore) -> None:
    sentence = "Aleksandar Vučić formerly led Serbia."
    former = _triple(NEW, VUCIC, "leads", SERBIA, sentence)
    former.evidence.past = True
    store.upsert_document(NEW, [former])
    with make_client(store) as c:
        detail = c.get("/api/entities/Serbia").json()
        [summary] = detail["relations_in"]
        assert summary["best_evidence"]["past"] is True and summary["status"] == "asserted"
        [ev] = c.get(f"/api/relations/{summary['id']}").json()["evidence"]
    assert ev["past"] is True and ev["status"] == "asserted" and ev["sentence"] == sentence


def test_unknown_relation_is_404(client: TestClient) -> None:
    assert client.get("/api/relations/nope").status_code == 404


# ---------------------------------------------------------------- paths


def test_paths_follow_influence_direction(client: TestClient) -> None:
    body = client.get("/api/paths", params={"source": "Russia", "target": "Informer"}).json()
    assert body["mode"] == "influence" and body["score_doc"]
    path = body["paths"][0]
    assert [n["name"] for n in path["nodes"]] == ["Russia", "Sputnik Serbia", "Informer"]
    first, second = path["hops"]
    assert (first["from"], first["to"], first["predicate"]) == (RUSSIA.id, SPUTNIK.id, "funds")
    assert first["direction"] == "forward"
    # "Informer amplifies Sputnik Serbia": influence flows from Sputnik Serbia to Informer
    assert (second["from"], second["to"], second["predicate"]) == (SPUTNIK.id, INFORMER.id,
                                                                   "amplifies")
    assert second["direction"] == "reverse"
    assert first["evidence"]["sentence"] == "Russia funds Sputnik Serbia."
    assert second["evidence"]["document_title"] == "old-report"
    assert 0 < path["score"] <= path["weakest"] <= 1
    assert path["sources"]


def test_paths_against_influence_need_mode_any(client: TestClient) -> None:
    params = {"source": "Informer", "target": "Russia"}
    assert client.get("/api/paths", params=params).json()["paths"] == []
    anyway = client.get("/api/paths", params={**params, "mode": "any"}).json()
    assert anyway["paths"]


def test_paths_never_walk_negated_relations(client: TestClient) -> None:
    body = client.get("/api/paths", params={"source": "Russia", "target": "Informer"}).json()
    assert all(len(p["hops"]) == 2 for p in body["paths"])


def test_paths_time_filter(client: TestClient) -> None:
    params = {"source": "Russia", "target": "Informer"}
    assert client.get("/api/paths", params={**params, "until": "2023-12-31"}).json()["paths"]
    assert client.get("/api/paths", params={**params, "since": "2024-01-01"}).json()["paths"] == []


@pytest.mark.parametrize("params", [{"k": 51}, {"max_hops": 7}, {"predicates": "bribes"},
                                    {"types": "Dragon"}, {"mode": "sideways"},
                                    {"min_confidence": 2}])
def test_paths_bad_parameters_are_422(client: TestClient, params: dict) -> None:
    r = client.get("/api/paths", params={"source": "Russia", "target": "Informer", **params})
    assert r.status_code == 422


def test_paths_unknown_source_is_404(client: TestClient) -> None:
    r = client.get("/api/paths", params={"source": "Atlantis", "target": "Informer"})
    assert r.status_code == 404 and "suggestions" in r.json()


# ---------------------------------------------------------------- rankings, export


@pytest.mark.parametrize("metric", ["pagerank", "betweenness", "degree"])
def test_rankings(client: TestClient, metric: str) -> None:
    body = client.get("/api/rankings", params={"metric": metric}).json()
    assert body["metric"] == metric and body["results"]
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_rankings_by_type_and_unknown_metric(client: TestClient) -> None:
    body = client.get("/api/rankings", params={"metric": "degree", "type": "MediaOutlet"}).json()
    assert {r["type"] for r in body["results"]} == {"MediaOutlet"}
    assert client.get("/api/rankings", params={"metric": "fame"}).status_code == 422


def test_communities(client: TestClient) -> None:
    body = client.get("/api/communities").json()
    members = {m["name"] for c in body["communities"] for m in c["members"]}
    assert {"Russia", "Informer"} <= members


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "graphml", "gexf", "ftm", "csv"])
def test_export_streams_every_format(client: TestClient, fmt: str) -> None:
    r = client.get("/api/export", params={"format": fmt})
    assert r.status_code == 200 and "Sputnik Serbia" in r.text
    assert "attachment" in r.headers["content-disposition"]


def test_export_unknown_format_is_422(client: TestClient) -> None:
    assert client.get("/api/export", params={"format": "xls"}).status_code == 422


# ---------------------------------------------------------------- documents


def test_get_and_delete_document(client: TestClient) -> None:
    body = client.get(f"/api/documents/{NEW.id}").json()
    assert body["title"] == "new-report" and body["published"] == "2024-01-10"
    assert client.delete(f"/api/documents/{NEW.id}").json() == {"id": NEW.id, "deleted": True}
    assert client.get(f"/api/documents/{NEW.id}").status_code == 404
    assert client.delete(f"/api/documents/{NEW.id}").status_code == 404
    assert client.get("/api/entities/Vucic").status_code == 404


CSV = ("subject,subject_type,predicate,object,object_type,source,date,evidence\n"
       "Gazprom Neft,Company,owns,NIS,Company,https://example.org/nis,2023-02-02,"
       "Gazprom Neft owns a majority stake in NIS.\n")


def test_upload_triple_file(client: TestClient) -> None:
    r = client.post("/api/documents", files={"file": ("nis.csv", CSV.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["document_id"] and len(body["triples"]) == 1
    assert client.get("/api/entities/NIS").json()["relations_in"][0]["other"]["name"] == \
        "Gazprom Neft"


def test_post_text_extracts_and_stores(client: TestClient) -> None:
    text = "Gazprom Neft owns a majority stake in NIS. Russia funds Sputnik Serbia."
    r = client.post("/api/documents", json={"text": text, "title": "NIS note",
                                            "date": "2023-02-02"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["document"]["title"] == "NIS note" and body["triples"]
    assert client.get(f"/api/documents/{body['document_id']}").status_code == 200


def test_post_without_text_or_url_is_400(client: TestClient) -> None:
    assert client.post("/api/documents", json={"title": "empty"}).status_code == 400
    assert client.post("/api/documents", content=b"{not json",
                       headers={"content-type": "application/json"}).status_code == 400


def test_post_unsupported_content_type_is_415(client: TestClient) -> None:
    r = client.post("/api/documents", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_oversize_upload_is_413(graph_store: GraphStore) -> None:
    with make_client(graph_store, max_upload_bytes=1000) as c:
        big = b"Russia funds Sputnik Serbia. " * 200
        r = c.post("/api/documents", files={"file": ("big.txt", io.BytesIO(big), "text/plain")})
        assert r.status_code == 413
        r = c.post("/api/documents", json={"text": big.decode()})
        assert r.status_code == 413

        def chunks() -> Iterator[bytes]:  # no content-length: counted while read
            for _ in range(10):
                yield b'{"text": "' + b"x" * 500

        r = c.post("/api/documents", content=chunks(),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413


# ---------------------------------------------------------------- auth


def test_writes_need_a_write_key(graph_store: GraphStore) -> None:
    with make_client(graph_store, api_keys="w-secret, other") as c:
        url = f"/api/documents/{NEW.id}"
        assert c.delete(url).status_code == 401
        assert c.delete(url, headers={"X-API-Key": "wrong"}).status_code == 403
        assert c.get("/api/stats").status_code == 200  # reads stay open
        assert c.delete(url, headers={"X-API-Key": "w-secret"}).status_code == 200


def test_reads_need_a_key_when_read_keys_are_set(graph_store: GraphStore) -> None:
    with make_client(graph_store, api_keys="w-secret", read_keys="r-secret") as c:
        assert c.get("/api/stats").status_code == 401
        assert c.get("/api/stats", headers={"X-API-Key": "nope"}).status_code == 403
        assert c.get("/api/stats", headers={"X-API-Key": "r-secret"}).status_code == 200
        assert c.get("/api/stats", headers={"X-API-Key": "w-secret"}).status_code == 200
        assert c.delete(f"/api/documents/{NEW.id}",
                        headers={"X-API-Key": "r-secret"}).status_code == 403
        assert c.get("/health").status_code == 200


# ---------------------------------------------------------------- store outages


class DownStore:
    """A store whose every call raises StoreUnavailable."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise StoreUnavailable("connection refused")

        return fail


class HangingStore:
    """A store that does not answer: reads block, ping fails."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def ping(self) -> None:
        raise StoreUnavailable("no answer")

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        def hang(*args: Any, **kwargs: Any) -> Any:
            time.sleep(self.delay)
            raise StoreUnavailable("timed out")

        return hang


@pytest.mark.parametrize("url", ["/api/stats", "/api/entities?q=russia", "/api/entities/Russia",
                                 "/api/paths?source=a&target=b", "/api/rankings",
                                 "/api/export?format=csv", "/api/relations/x"])
def test_store_down_is_503(url: str) -> None:
    with TestClient(create_app(Settings(), store=DownStore()),  # type: ignore[arg-type]
                    raise_server_exceptions=False) as c:
        r = c.get(url)
        assert r.status_code == 503, r.text
        assert "unavailable" in r.json()["detail"] or "connection" in r.json()["detail"]
        assert c.get("/health").json()["store"] == "unavailable"


def test_store_that_hangs_is_503_within_5_seconds() -> None:
    with TestClient(create_app(Settings(), store=HangingStore(8.0)),  # type: ignore[arg-type]
                    raise_server_exceptions=False) as c:
        started = time.monotonic()
        r = c.get("/api/stats")
        assert r.status_code == 503
        assert time.monotonic() - started < 5.0


# ---------------------------------------------------------------- OpenAPI


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/health", "/api/stats", "/api/entities", "/api/entities/{entity}",
                 "/api/entities/{entity}/neighbors", "/api/relations/{relation_id}",
                 "/api/paths", "/api/rankings", "/api/communities", "/api/documents",
                 "/api/documents/{document_id}", "/api/export"):
        assert path in spec["paths"], path
    params = {p["name"]: p for p in spec["paths"]["/api/paths"]["get"]["parameters"]}
    assert params["k"]["schema"]["maximum"] == 50
    assert params["max_hops"]["schema"]["maximum"] == 6
    assert "noisy-or" in spec["paths"]["/api/paths"]["get"]["description"]


def test_non_finite_numbers_are_422_not_500(client: TestClient) -> None:
    r = client.get("/api/paths", params={"source": "Russia", "target": "Informer",
                                         "min_confidence": "nan"})
    assert r.status_code == 422
    r = client.post("/api/snapshots", content=b'{"focus": ["Russia"], "hops": Infinity}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "detail" in r.json()


# ---------------------------------------------------------------- text that is not Unicode
SURROGATE_TEXT = '{"text": "Gazprom funds \\ud800 Sputnik Serbia."}'


def _upload_two(client: TestClient, second: str) -> Any:
    """Return the answer to a JSON-lines upload of a good document, then ``second``."""
    lines = '{"title": "good", "text": "Fizzcorp Industries funds Sputnik Serbia."}\n' + second
    return client.post("/api/documents", files={"file": ("two.jsonl", lines.encode(),
                                                         "application/x-ndjson")})


def test_lone_surrogates_are_400_or_422_never_500(client: TestClient) -> None:
    """JSON's ``\\ud800`` escape yields a string UTF-8 cannot encode: in a posted text, in a
    field that fails validation (the 422 echoes its input) and in a JSON-lines upload."""
    before = client.get("/api/stats").json()
    r = client.post("/api/documents", content=SURROGATE_TEXT.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not valid Unicode" in r.json()["detail"], r.text
    r = client.post("/api/snapshots", content=b'{"focus": ["serbia"], "hops": "\\ud800"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "\\ud800" in r.json()["detail"][0]["input"], r.text
    r = _upload_two(client, '{"title": "bad", "text": "Blargco funds \\ud800 Sputnik Serbia."}')
    assert r.status_code == 400 and "document 2 of two.jsonl" in r.json()["detail"], r.text
    assert client.get("/api/stats").json() == before


def test_an_upload_with_one_bad_document_stores_none_of_them(client: TestClient) -> None:
    """The second document's title is not valid Unicode: the upload is refused whole."""
    before = client.get("/api/stats").json()
    r = _upload_two(client, '{"title": "\\ud800", "text": "Blargco Holdings funds Sputnik Serbia."}')
    assert r.status_code == 400 and "title is not valid Unicode" in r.json()["detail"], r.text
    assert client.get("/api/stats").json() == before
    assert client.get("/api/entities/Fizzcorp Industries").status_code == 404


def test_a_422_echoes_at_most_a_short_piece_of_the_input(client: TestClient) -> None:
    r = client.post("/api/snapshots", json={"focus": ["serbia"], "hops": "x" * 100_000})
    assert r.status_code == 422 and len(r.content) < 2000, len(r.content)


def test_a_text_too_long_for_the_model_is_400(client: TestClient) -> None:
    from loaders.extract import MAX_CHARS

    before = client.get("/api/stats").json()
    r = client.post("/api/documents", json={"text": "Serbia buys jets. " * (MAX_CHARS // 18 + 1)})
    assert r.status_code == 400 and "over the limit" in r.json()["detail"], r.text[:300]
    assert client.get("/api/stats").json() == before


def test_posting_a_text_again_without_metadata_keeps_what_was_stored(
        client: TestClient) -> None:
    text = "Zorbatron Holdings funds Sputnik Serbia."
    first = client.post("/api/documents", json={"text": text, "title": "Orig",
                                                "url": "https://example.org/z",
                                                "date": "2020-05-05"})
    assert first.status_code == 201, first.text
    again = client.post("/api/documents", json={"text": text})
    assert again.status_code == 201, again.text
    doc = client.get(f"/api/documents/{first.json()['document_id']}").json()
    assert (doc["title"], doc["url"], doc["published"]) == \
        ("Orig", "https://example.org/z", "2020-05-05"), doc
    assert again.json()["triples"][0]["date"] == "2020-05-05"
    renamed = client.post("/api/documents", json={"text": text, "title": "New title"})
    assert renamed.json()["document"]["title"] == "New title"


def test_multipart_metadata_applies_to_triple_files(client: TestClient) -> None:
    r = client.post("/api/documents", files={"file": ("nis.csv", CSV.encode(), "text/csv")},
                    data={"title": "My report", "date": "2023-03-03", "source": "Reuters",
                          "url": "https://example.org/r"})
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    assert (doc["title"], doc["published"], doc["source"], doc["url"]) == \
        ("My report", "2023-03-03", "Reuters", "https://example.org/r"), doc


def test_neighbors_are_truncated_only_when_more_were_left_out(client: TestClient) -> None:
    every = client.get("/api/entities/Russia/neighbors", params={"hops": 2}).json()
    n = len(every["entities"])
    assert n >= 3 and not every["truncated"]
    exact = client.get("/api/entities/Russia/neighbors", params={"hops": 2, "limit": n}).json()
    assert len(exact["entities"]) == n and not exact["truncated"]
    cut = client.get("/api/entities/Russia/neighbors",
                     params={"hops": 2, "limit": n - 1}).json()
    kept = {e["id"] for e in cut["entities"]}
    assert len(kept) == n - 1 and cut["truncated"]
    assert all(r["subject"] in kept and r["object"] in kept for r in cut["relations"])


def test_entity_detail_says_when_it_lists_only_some_relations(
        graph_store: GraphStore) -> None:
    from service.entities import MAX_RELATIONS

    text = "Feeders fund the hub."
    doc = _doc(text, "feeders", date(2024, 1, 1))
    hub = Entity.named("Megahub Agency", "Organization")
    feeders = [Entity.named(f"Feeder Org {i}", "Organization") for i in range(MAX_RELATIONS + 1)]
    graph_store.upsert_document(doc, [_triple(doc, f, "funds", hub, f"{f.name} funds the hub.")
                                      for f in feeders])
    with make_client(graph_store) as c:
        detail = c.get("/api/entities/Megahub Agency").json()
        assert len(detail["relations_in"]) == MAX_RELATIONS and detail["relations_truncated"]
        assert not c.get("/api/entities/Russia").json()["relations_truncated"]


def test_document_metadata_has_length_limits(client: TestClient) -> None:
    before = client.get("/api/stats").json()
    r = client.post("/api/documents",
                    json={"text": "Russia funds Informer.", "title": "T" * 100_000})
    assert r.status_code == 400 and "title" in r.json()["detail"], r.text[:300]
    assert len(r.content) < 2000
    r = client.post("/api/documents", files={"file": ("a.txt", b"Russia funds Informer.",
                                                      "text/plain")},
                    data={"url": "https://example.org/" + "x" * 5000})
    assert r.status_code == 400 and "url" in r.json()["detail"], r.text[:300]
    assert client.get("/api/stats").json() == before


def test_two_texts_citing_one_url_are_both_kept(client: TestClient) -> None:
    """A posted text's URL is a citation, not its identity: excerpts of one report stay."""
    url = "https://example.org/report"
    a = client.post("/api/documents", json={"text": "Russia funds Sputnik Serbia.", "url": url})
    b = client.post("/api/documents", json={"text": "Gazprom Neft owns a majority stake in NIS.",
                                            "url": url})
    assert a.status_code == b.status_code == 201
    for r in (a, b):
        assert client.get(f"/api/documents/{r.json()['document_id']}").status_code == 200
