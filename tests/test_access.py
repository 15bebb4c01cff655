"""Access: API keys on every write endpoint, keys kept out of logs, CORS and framing,
bounded request bodies, and no endpoint that runs what it is sent as Cypher."""
from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from core.names import content_hash
from graph.model import Document, Entity, Evidence, Triple
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
INFLUENCE = ROOT / ".venv" / "bin" / "influence"
WRITE_KEY = "wk-9f3c1e7a-write-secret"
OTHER_KEY = "wk-0000-not-a-key-secret"
WRITE_METHODS = {"post", "put", "patch", "delete"}
CYPHER = [
    "'); MATCH (n) DETACH DELETE n //",
    "\" }) MATCH (n) DETACH DELETE n RETURN 1 //",
    "x` ]->() DETACH DELETE n //",
    "1 OR 1=1; DROP TABLE entities; --",
    "$where} CALL apoc.cypher.runWrite('MATCH (n) DETACH DELETE n', {}) YIELD value RETURN 1//",
]

RUSSIA = Entity.named("Russia", "Country")
SPUTNIK = Entity.named("Sputnik Serbia", "MediaOutlet")
HOSTILE = Entity.named(CYPHER[0], "Organization")
TEXT = "Russia funds Sputnik Serbia. A group funds Sputnik Serbia."
DOC = Document(id=content_hash(TEXT), title="access", published=date(2024, 1, 1), length=len(TEXT))
TRIPLES = [
    Triple(subject=RUSSIA, predicate="funds", object=SPUTNIK,
           evidence=Evidence(document_id=DOC.id, sentence="Russia funds Sputnik Serbia.")),
    Triple(subject=HOSTILE, predicate="funds", object=SPUTNIK,
           evidence=Evidence(document_id=DOC.id, sentence="A group funds Sputnik Serbia.")),
]


@pytest.fixture
def sample_store(store: GraphStore) -> GraphStore:
    """Return a store (each backend) holding one document with a hostile entity name."""
    store.upsert_document(DOC, TRIPLES)
    return store


def client_for(store: GraphStore, **settings: Any) -> TestClient:
    """Return a test client of an app serving ``store``."""
    return TestClient(create_app(Settings(**settings), store=store))


def write_operations(app: Any) -> list[tuple[str, str]]:
    """Return (method, path with placeholders filled) of every write operation in the schema."""
    ops = []
    for path, item in app.openapi()["paths"].items():
        for method in item:
            if method in WRITE_METHODS:
                ops.append((method.upper(), re.sub(r"\{[^}]+\}", "x", path)))
    return ops


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_every_write_endpoint_needs_a_key(sample_store: GraphStore) -> None:
    with client_for(sample_store, api_keys=f"{WRITE_KEY},second-key") as c:
        ops = write_operations(c.app)
        assert ("POST", "/api/documents") in ops and ("DELETE", "/api/documents/x") in ops
        for method, path in ops:
            none = c.request(method, path, json={})
            assert none.status_code == 401, (method, path, none.text)
            assert none.json()["detail"]
            wrong = c.request(method, path, json={}, headers={"X-API-Key": OTHER_KEY})
            assert wrong.status_code == 403, (method, path, wrong.text)
            assert OTHER_KEY not in wrong.text
            # a body that is not JSON says nothing of the schema to a caller without a key
            broken = c.request(method, path, content=b"{not json",
                               headers={"content-type": "application/json"})
            assert broken.status_code == 401, (method, path, broken.text)
            broken = c.request(method, path, content=b"{not json",
                               headers={"content-type": "application/json",
                                        "X-API-Key": OTHER_KEY})
            assert broken.status_code == 403, (method, path, broken.text)
        keyed = c.post("/api/snapshots", content=b"{not json",
                       headers={"content-type": "application/json", "X-API-Key": WRITE_KEY})
        assert keyed.status_code == 422  # with the key, the body's error
        # the right key gets past the check (404: the document does not exist)
        ok = c.delete("/api/documents/" + "0" * 64, headers={"X-API-Key": "second-key"})
        assert ok.status_code == 404
        assert sample_store.stats().documents == 1


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_rejected_writes_change_nothing(sample_store: GraphStore) -> None:
    before = sample_store.stats()
    with client_for(sample_store, api_keys=WRITE_KEY) as c:
        assert c.delete(f"/api/documents/{DOC.id}").status_code == 401
        assert c.delete(f"/api/documents/{DOC.id}",
                        headers={"X-API-Key": WRITE_KEY + " "}).status_code == 403
        assert c.post("/api/documents", json={"text": "Serbia funds Informer."},
                      headers={"X-API-Key": WRITE_KEY.upper()}).status_code == 403
        assert c.get("/api/stats").status_code == 200  # reads stay open without read keys
    assert sample_store.stats() == before


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_read_keys_guard_reads_when_set(sample_store: GraphStore) -> None:
    with client_for(sample_store, api_keys=WRITE_KEY, read_keys="reader") as c:
        assert c.get("/api/stats").status_code == 401
        assert c.get("/api/stats", headers={"X-API-Key": "nope"}).status_code == 403
        assert c.get("/api/paths?source=Russia&target=Serbia&k=x").status_code == 401
        assert c.get("/api/paths?source=Russia&target=Serbia&k=x",
                     headers={"X-API-Key": "reader"}).status_code == 422
        assert c.get("/api/stats", headers={"X-API-Key": "reader"}).status_code == 200
        assert c.get("/api/stats", headers={"X-API-Key": WRITE_KEY}).status_code == 200
        assert c.get("/health").status_code == 200


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_keys_never_reach_the_logs(sample_store: GraphStore,
                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with client_for(sample_store, api_keys=WRITE_KEY) as c:
        c.post("/api/documents", json={"text": "x"}, headers={"X-API-Key": OTHER_KEY})
        c.delete("/api/documents/nothing", headers={"X-API-Key": WRITE_KEY})
        c.post("/api/documents", content=b"{bad json", headers={
            "X-API-Key": WRITE_KEY, "content-type": "application/json"})
        c.get("/api/stats", headers={"X-API-Key": OTHER_KEY})
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert WRITE_KEY not in logged and OTHER_KEY not in logged


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """Run ``influence serve`` on an embedded store with a write key; yield (url, proc, log)."""
    from graph.sqlite_store import SqliteStore

    db = tmp_path / "served.db"
    s = SqliteStore(str(db))
    s.upsert_document(DOC, TRIPLES)
    s.close()
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "INFLUENCE_API_KEYS": WRITE_KEY, "INFLUENCE_STORE": str(db)}
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(INFLUENCE), "serve", "--port", str(port)], env=env,
                                stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"influence serve did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_real_server_logs_no_key(served: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    url, proc, log = served
    with httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/api/documents", json={"text": "x"},
                      headers={"X-API-Key": OTHER_KEY}).status_code == 403
        assert c.delete("/api/documents/nothing",
                        headers={"X-API-Key": WRITE_KEY}).status_code == 404
        assert c.get("/api/stats", headers={"X-API-Key": OTHER_KEY}).status_code == 200
        assert c.get(f"/api/entities/{quote(OTHER_KEY)}").status_code == 404
    proc.terminate()
    proc.wait(timeout=20)
    text = log.read_text(errors="replace")
    assert "/api/stats" in text, "the access log was expected in the output"
    assert WRITE_KEY not in text
    assert OTHER_KEY not in text.replace(f"/api/entities/{OTHER_KEY}", "")


# ---------------------------------------------------------------- CORS and framing


def _frame_denied(headers: httpx.Headers) -> bool:
    xfo = headers.get("x-frame-options", "").lower()
    csp = headers.get("content-security-policy", "").lower()
    return xfo in {"deny", "sameorigin"} or bool(
        re.search(r"frame-ancestors\s+('none'|'self')", csp))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_and_explorer_cannot_be_framed_or_read_cross_origin(
        sample_store: GraphStore) -> None:
    evil = {"Origin": "https://evil.example"}
    with client_for(sample_store, api_keys=WRITE_KEY) as c:
        pages = ["/api/stats", "/api/entities?q=Russia", f"/api/entities/{RUSSIA.id}",
                 "/health", "/docs"]
        if c.get("/").status_code == 200:  # the explorer, when it is served
            pages.append("/")
        for page in pages:
            r = c.get(page, headers=evil)
            assert r.status_code == 200, (page, r.status_code)
            assert _frame_denied(r.headers), (page, dict(r.headers))
            assert r.headers.get("access-control-allow-origin") not in {"*", evil["Origin"]}
            assert r.headers.get("x-content-type-options", "").lower() == "nosniff", page
        pre = c.options("/api/documents", headers={
            **evil, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key,content-type"})
        assert pre.headers.get("access-control-allow-origin") not in {"*", evil["Origin"]}
        assert "x-api-key" not in pre.headers.get("access-control-allow-headers", "").lower()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_snapshot_pages_are_frameable(sample_store: GraphStore) -> None:
    app = create_app(Settings(api_keys=WRITE_KEY), store=sample_store)
    paths = list(app.openapi()["paths"])
    page = next((p for p in paths if re.fullmatch(r"/(s|snapshots?)/\{[^}]+\}", p)), None)
    if page is None:
        pytest.skip(f"no snapshot page route yet (routes: {sorted(p for p in paths if p)})")
    with TestClient(app) as c:
        made = c.post("/api/snapshots", json={"focus": [RUSSIA.id], "title": CYPHER[0]},
                      headers={"X-API-Key": WRITE_KEY})
        assert made.status_code in (200, 201), made.text
        sid = made.json().get("id")
        r = c.get(page.replace(page[page.index("{"):], sid))
        assert r.status_code == 200, r.text[:300]
        assert not _frame_denied(r.headers), dict(r.headers)
        assert r.headers.get("x-content-type-options", "").lower() == "nosniff"


# ---------------------------------------------------------------- bodies


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_request_bodies_are_bounded(sample_store: GraphStore) -> None:
    limit = 32 * 1024
    big = b"Russia funds Serbia. " * (limit // 10)
    with client_for(sample_store, max_upload_bytes=limit) as c:
        declared = c.post("/api/documents", files={"file": ("big.txt", big, "text/plain")})
        assert declared.status_code == 413 and "limit" in declared.json()["detail"]
        as_json = c.post("/api/documents", json={"text": big.decode()})
        assert as_json.status_code == 413

        def chunks() -> Iterator[bytes]:  # no content-length: the limit holds while reading
            yield b'{"text": "'
            for _ in range(200):
                yield b"x" * 8192
            yield b'"}'

        streamed = c.post("/api/documents", content=chunks(),
                          headers={"content-type": "application/json"})
        assert streamed.status_code == 413, streamed.text[:200]
        huge = b"x" * (limit + 2 * 1024 * 1024)
        for method, path in (("GET", "/api/stats"), ("POST", "/api/stats"),
                             ("POST", "/nowhere"), ("DELETE", "/api/documents/x")):
            r = c.request(method, path, content=huge, headers={"content-type": "text/plain"})
            assert r.status_code in (405, 413, 404), (method, path, r.status_code)
            assert r.status_code != 200 or method == "GET"
    assert sample_store.stats().documents == 1


# ---------------------------------------------------------------- Cypher


def test_no_parameter_takes_a_query_language(tmp_path: Path) -> None:
    from graph.sqlite_store import SqliteStore

    s = SqliteStore(str(tmp_path / "p.db"))
    try:
        spec = create_app(Settings(), store=s).openapi()
    finally:
        s.close()
    schemas = spec.get("components", {}).get("schemas", {})
    names: set[str] = set()

    def fields(schema: dict[str, Any], depth: int = 0) -> None:
        if depth > 4:
            return
        if "$ref" in schema:
            fields(schemas[schema["$ref"].rsplit("/", 1)[1]], depth + 1)
        for key, sub in schema.get("properties", {}).items():
            names.add(key.lower())
            fields(sub, depth + 1)
        for sub in schema.get("anyOf", []) + schema.get("allOf", []) + [schema.get("items", {})]:
            fields(sub, depth + 1)

    for item in spec["paths"].values():
        for op in item.values():
            names.update(p["name"].lower() for p in op.get("parameters", []))
            for media in op.get("requestBody", {}).get("content", {}).values():
                fields(media.get("schema", {}))
    assert {"text", "url", "focus"} <= names  # the request bodies were read
    assert not names & {"cypher", "query", "statement", "sql", "sparql", "where", "match"}


def test_cypher_sent_to_every_read_endpoint_is_only_data(sample_store: GraphStore) -> None:
    """Each Cypher fragment goes into every path and query string parameter of every GET."""
    before = sample_store.stats()
    app = create_app(Settings(), store=sample_store)
    with TestClient(app) as c:
        spec = app.openapi()
        sent = 0
        for path, item in spec["paths"].items():
            op = item.get("get")
            if op is None or path in {"/openapi.json", "/docs", "/redoc"}:
                continue
            params = [p for p in op.get("parameters", [])
                      if p.get("schema", {}).get("type", "string") == "string"
                      or "anyOf" in p.get("schema", {})]
            for payload in CYPHER:
                url = re.sub(r"\{[^}]+\}", quote(payload, safe=""), path)
                query = {p["name"]: payload for p in params if p["in"] == "query"}
                r = c.get(url, params=query)
                sent += 1
                assert r.status_code < 500, (url, query, r.status_code, r.text[:200])
        assert sent >= 5 * 5
        shown = c.get(f"/api/entities/{HOSTILE.id}")
        assert shown.status_code == 200 and shown.json()["name"] == CYPHER[0]
        found = c.get("/api/entities", params={"q": "MATCH (n) DETACH"})
        assert found.status_code == 200
    assert sample_store.stats() == before
