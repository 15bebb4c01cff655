"""Snapshots on both stores: content-addressed, frozen, served as page, embed, SVG and JSON."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from core.errors import InputError, NotFound
from core.names import content_hash
from graph.model import Document, Entity, Evidence, Triple
from graph.store import GraphStore
from publish.snapshots import build_payload, canonical_json, make_snapshot, snapshot_id

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_SENTENCE = "Russia funds <script>alert(1)</script> Sputnik Serbia."
KEY = "write-key-1"

RUSSIA = Entity.named("Russia", "Country")
SPUTNIK = Entity.named("Sputnik Serbia", "MediaOutlet")
INFORMER = Entity.named("Informer", "MediaOutlet")
SERBIA = Entity.named("Serbia", "Country")
KOSOVO = Entity.named("Kosovo", "Country")
HOSTILE = Entity.named(HOSTILE_NAME, "Organization")


def _doc(text: str, title: str, url: str, published: date) -> Document:
    return Document(id=content_hash(text), title=title, url=url, published=published,
                    length=len(text))


def _t(doc: Document, s: Entity, p: str, o: Entity, sentence: str) -> Triple:
    return Triple(subject=s, predicate=p, object=o,
                  evidence=Evidence(document_id=doc.id, sentence=sentence, date=doc.published,
                                    confidence=0.9))


TEXT_A = f"{HOSTILE_SENTENCE} Informer amplifies Sputnik Serbia. Serbia opposes Kosovo."
TEXT_B = f"{HOSTILE_NAME} supports Informer."
DOC_A = _doc(TEXT_A, "Report <b>A</b>", "https://example.org/a?x=1&y=2", date(2024, 2, 1))
DOC_B = _doc(TEXT_B, "Hostile doc", "javascript:alert(1)", date(2024, 3, 1))
TRIPLES_A = [
    _t(DOC_A, RUSSIA, "funds", SPUTNIK, HOSTILE_SENTENCE),
    _t(DOC_A, INFORMER, "amplifies", SPUTNIK, "Informer amplifies Sputnik Serbia."),
    _t(DOC_A, SERBIA, "opposes", KOSOVO, "Serbia opposes Kosovo."),
]
TRIPLES_B = [_t(DOC_B, HOSTILE, "supports", INFORMER, TEXT_B)]


@pytest.fixture
def sample(store: GraphStore) -> GraphStore:
    """Return a store holding the two sample documents (hostile strings included)."""
    store.upsert_document(DOC_A, TRIPLES_A)
    store.upsert_document(DOC_B, TRIPLES_B)
    return store


@pytest.fixture
def client(sample: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(api_keys=KEY), store=sample)) as c:
        yield c


def _post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/snapshots", json=body, headers={"X-API-Key": KEY})
    assert r.status_code == 201, r.text
    return r.json()


# ---------------------------------------------------------------- payload


def test_payload_holds_nodes_edges_evidence_positions_and_date(sample: GraphStore) -> None:
    payload = build_payload(sample, ["Informer"], hops=1, today=date(2025, 1, 2))
    names = {n["name"] for n in payload["nodes"]}
    assert names == {"Informer", "Sputnik Serbia", HOSTILE_NAME}
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in payload["nodes"])
    assert len({(n["x"], n["y"]) for n in payload["nodes"]}) == 3
    preds = sorted(e["predicate"] for e in payload["edges"])
    assert preds == ["amplifies", "supports"]
    supports = next(e for e in payload["edges"] if e["predicate"] == "supports")
    assert supports["evidence"][0]["sentence"] == TEXT_B
    assert supports["evidence"][0]["document_title"] == "Hostile doc"
    assert payload["data_date"] == "2025-01-02"
    assert payload["latest_evidence"] == "2024-03-01"
    assert set(payload["legend"]["types"]) == {"MediaOutlet", "Organization"}


def test_payload_with_path_keeps_the_path_hops(sample: GraphStore) -> None:
    payload = build_payload(sample, [], paths=[("Russia", "Informer")], mode="influence")
    assert [p["nodes"] for p in payload["paths"]] == [[RUSSIA.id, SPUTNIK.id, INFORMER.id]]
    assert {n["id"] for n in payload["nodes"]} == {RUSSIA.id, SPUTNIK.id, INFORMER.id}
    funds = next(e for e in payload["edges"] if e["predicate"] == "funds")
    assert funds["evidence"][0]["sentence"] == HOSTILE_SENTENCE


def test_snapshot_id_is_sha256_of_canonical_json(sample: GraphStore) -> None:
    import hashlib

    payload = build_payload(sample, ["Serbia"], hops=1)
    assert snapshot_id(payload) == hashlib.sha256(
        canonical_json(payload).encode("utf-8")).hexdigest()
    again = build_payload(sample, ["Serbia"], hops=1)
    assert snapshot_id(again) == snapshot_id(payload)
    other = build_payload(sample, ["Serbia"], hops=1, title="Another title")
    assert snapshot_id(other) != snapshot_id(payload)


def test_snapshot_is_stored_once_and_read_back(sample: GraphStore) -> None:
    payload = build_payload(sample, ["Serbia"], hops=1)
    first = make_snapshot(sample, payload)
    second = make_snapshot(sample, json.loads(json.dumps(payload)))
    assert first.id == second.id and first.created == second.created
    got = sample.get_snapshot(first.id)
    assert got is not None and got.payload == payload
    assert [s.id for s in sample.list_snapshots()] == [first.id]


def test_empty_or_unknown_selection_is_refused(sample: GraphStore) -> None:
    with pytest.raises(InputError):
        build_payload(sample, [], paths=[])
    with pytest.raises(NotFound):
        build_payload(sample, ["Atlantis"])


# ---------------------------------------------------------------- API


def test_post_needs_the_write_key(client: TestClient) -> None:
    body = {"focus": ["Serbia"]}
    assert client.post("/api/snapshots", json=body).status_code == 401
    assert client.post("/api/snapshots", json=body,
                       headers={"X-API-Key": "wrong"}).status_code == 403


def test_post_returns_id_url_and_embed_snippet(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 1, "title": "Who backs Informer",
                         "caption": "A caption", "credit": "Jane Doe / The Dispatch"})
    assert len(out["id"]) == 64
    assert out["url"] == f"http://testserver/s/{out['id']}"
    assert f'src="{out["url"]}"' in out["embed_html"] and out["embed_html"].startswith("<iframe")
    listed = client.get("/api/snapshots").json()["snapshots"]
    assert [(s["id"], s["nodes"], s["edges"]) for s in listed] == [(out["id"], 3, 2)]


def test_post_rejects_unknown_predicate_and_entity(client: TestClient) -> None:
    r = client.post("/api/snapshots", json={"focus": ["Serbia"],
                                            "filters": {"predicates": ["bribes"]}},
                    headers={"X-API-Key": KEY})
    assert r.status_code == 400 and "bribes" in r.json()["detail"]
    r = client.post("/api/snapshots", json={"focus": ["Atlantis"]}, headers={"X-API-Key": KEY})
    assert r.status_code == 404


def test_page_lists_relations_with_sources_and_escapes_text(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "paths": [{"source": "Russia",
                                                          "target": "Informer"}],
                         "title": "<i>Title</i>", "caption": "<b>cap</b>"})
    r = client.get(f"/s/{out['id']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert HOSTILE_NAME not in html and "<script>alert(1)</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Title&lt;/i&gt;" in html and "&lt;b&gt;cap&lt;/b&gt;" in html
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    assert "href=\"javascript:" not in html and "Hostile doc" in html
    assert html.count('<tr id="relation-') == 3
    assert 'data-nodes="4" data-edges="3"' in html
    assert "<script src" not in html


def test_page_has_no_external_resources(client: TestClient) -> None:
    out = _post(client, {"focus": ["Serbia"]})
    html = client.get(f"/s/{out['id']}").text
    assert "<script src" not in html and "<link rel=\"stylesheet\"" not in html
    for marker in ("cdn.", "cdnjs", "jsdelivr", "unpkg", "googleapis"):
        assert marker not in html


def test_headers_let_snapshots_be_framed_but_not_the_explorer(client: TestClient) -> None:
    out = _post(client, {"focus": ["Serbia"]})
    page = client.get(f"/s/{out['id']}")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors *" in csp and "x-frame-options" not in page.headers
    assert "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1] \
        .split(";")[0]
    assert page.headers["cache-control"].startswith("public")
    explorer = client.get("/")
    assert "frame-ancestors 'none'" in explorer.headers["content-security-policy"]
    assert "script-src 'self'" in explorer.headers["content-security-policy"]
    assert explorer.headers["x-frame-options"] == "DENY"
    api = client.get("/api/snapshots")
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]


def test_inline_scripts_match_the_csp_hashes(client: TestClient) -> None:
    import re

    from publish.csp import script_hash

    out = _post(client, {"focus": ["Serbia"]})
    page = client.get(f"/s/{out['id']}")
    scripts = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
    assert len(scripts) == 2
    for s in scripts:
        assert script_hash(s) in page.headers["content-security-policy"]


def test_embed_svg_and_json(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 1})
    sid = out["id"]
    embed = client.get(f"/s/{sid}/embed")
    assert embed.text == out["embed_html"]
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    svg = client.get(f"/s/{sid}.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE_NAME in texts and "Informer" in texts
    assert "<img" not in svg.text
    data = client.get(f"/s/{sid}.json").json()
    assert data["id"] == sid and snapshot_id(data["payload"]) == sid


def test_unknown_snapshot_is_404(client: TestClient) -> None:
    assert client.get("/s/" + "0" * 64).status_code == 404
    assert client.get("/s/not-an-id.json").status_code == 404


def test_deleting_a_document_leaves_published_snapshots_unchanged(client: TestClient,
                                                                   sample: GraphStore) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 1, "paths": [
        {"source": "Russia", "target": "Informer"}]})
    sid = out["id"]
    before = {suffix: client.get(f"/s/{sid}{suffix}").content
              for suffix in ("", ".json", ".svg", "/embed")}
    assert sample.remove_document(DOC_B.id)
    assert sample.remove_document(DOC_A.id)
    assert sample.stats().relations == 0
    after = {suffix: client.get(f"/s/{sid}{suffix}").content
             for suffix in ("", ".json", ".svg", "/embed")}
    assert after == before
    assert HOSTILE_SENTENCE.encode() in before[".json"]


def test_infinite_positions_are_422(client: TestClient) -> None:
    r = client.post("/api/snapshots", content='{"focus": ["Serbia"], '
                    '"positions": {"serbia": [Infinity, 0]}}',
                    headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    assert r.status_code == 422


def test_explorer_positions_are_kept(client: TestClient, sample: GraphStore) -> None:
    out = _post(client, {"focus": ["Serbia"], "positions": {"serbia": [10.4, -20],
                                                           "kosovo": [300, 40.6]}})
    nodes = client.get(f"/s/{out['id']}.json").json()["payload"]["nodes"]
    assert {n["id"]: (n["x"], n["y"]) for n in nodes} == {"serbia": (10, -20),
                                                          "kosovo": (300, 41)}


def test_svg_drops_characters_xml_cannot_carry(client: TestClient) -> None:
    out = _post(client, {"focus": ["Serbia"], "title": "bad\x01title", "credit": "a\x0bb"})
    root = ET.fromstring(client.get(f"/s/{out['id']}.svg").text)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "badtitle"


def test_infinite_min_confidence_is_422(client: TestClient) -> None:
    r = client.post("/api/snapshots", content='{"focus": ["Serbia"], '
                    '"filters": {"min_confidence": NaN}}',
                    headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    assert r.status_code == 422


def test_republish_with_new_data_gives_a_new_id_and_the_old_page_links_to_it(
        client: TestClient, sample: GraphStore) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 1, "title": "Who backs Informer"})
    sid = out["id"]
    before = client.get(f"/s/{sid}.json").content
    same = client.post(f"/api/snapshots/{sid}/republish", headers={"X-API-Key": KEY})
    assert same.status_code == 200 and same.json()["id"] == sid
    assert client.post(f"/api/snapshots/{sid}/republish").status_code == 401
    text = "Russia funds Informer."
    doc = _doc(text, "Report C", "https://example.org/c", date(2024, 4, 1))
    sample.upsert_document(doc, [_t(doc, RUSSIA, "funds", INFORMER, text)])
    new = client.post(f"/api/snapshots/{sid}/republish", headers={"X-API-Key": KEY})
    assert new.status_code == 201, new.text
    new_id = new.json()["id"]
    assert new_id != sid and new.json()["title"] == "Who backs Informer"
    assert sample.snapshot_successor(sid) == new_id and sample.snapshot_successor(new_id) is None
    # the old snapshot shows what it showed, and its page links to the new one
    assert client.get(f"/s/{sid}.json").content == before
    old_page = client.get(f"/s/{sid}").text
    assert f'<a href="{new_id}" rel="next">' in old_page
    assert "Russia" not in client.get(f"/s/{sid}.csv").text
    new_page = client.get(f"/s/{new_id}").text
    assert f'<a href="{sid}" rel="prev">' in new_page and 'rel="next"' not in new_page
    payload = client.get(f"/s/{new_id}.json").json()["payload"]
    assert payload["replaces"] == sid
    assert {n["name"] for n in payload["nodes"]} >= {"Informer", "Russia"}
    assert client.post(f"/api/snapshots/{'0' * 64}/republish",
                       headers={"X-API-Key": KEY}).status_code == 404


def test_past_evidence_is_shown_former_on_the_page_and_in_the_payload(store: GraphStore
                                                                       ) -> None:
    sentence = "Informer was <b>formerly</b> amplifying Sputnik Serbia until 2019."
    doc = _doc(sentence, "Past report", "https://example.org/p", date(2024, 2, 1))
    former = _t(doc, INFORMER, "amplifies", SPUTNIK, sentence)
    former.evidence.past = True
    store.upsert_document(doc, [former])
    with TestClient(create_app(Settings(api_keys=KEY), store=store)) as client:
        out = _post(client, {"focus": ["Informer"]})
        [edge] = client.get(f"/s/{out['id']}.json").json()["payload"]["edges"]
        assert [ev.get("past") for ev in edge["evidence"]] == [True]
        html = client.get(f"/s/{out['id']}").text
    assert "(former)" in html and "&lt;b&gt;formerly&lt;/b&gt;" in html
