"""Neo4j goes away while the API serves and while an ingest runs, then comes back.

Each test module run starts its own Neo4j test server (it is killed and restarted here,
so the session's shared server is left alone). The API answers 503 within 5 seconds while
Neo4j is down and 200 again once it is back, without restarting the app; an ingest that
loses Neo4j retries with backoff, reports every input it could not store, and a re-run
afterwards ends at the counts of a clean run.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from graph.store import open_store

pytestmark = pytest.mark.neo4j

ANSWER_WITHIN = 5.0


@pytest.fixture(scope="module")
def own_neo4j() -> Iterator[object]:
    """Start a Neo4j test server for this module only; yield it (it may be killed)."""
    from tests.neo4j_server import Neo4jTestServer

    server = Neo4jTestServer()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - the message says why it did not start
        if os.environ.get("CI") or os.environ.get("INFLUENCE_REQUIRE_NEO4J"):
            pytest.fail(f"Neo4j test server did not start: {exc}", pytrace=False)
        pytest.skip(f"Neo4j test server did not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def neo4j_up(own_neo4j: object) -> object:
    """Return the module's server, running and empty."""
    from tests.conftest import _clear_neo4j

    if not own_neo4j.running:  # type: ignore[attr-defined]
        own_neo4j.restart()  # type: ignore[attr-defined]
    _clear_neo4j(own_neo4j.uri)  # type: ignore[attr-defined]
    return own_neo4j


def _free_port() -> int:
    from tests.neo4j_server import free_port

    return free_port()


@pytest.fixture
def api_url(neo4j_up: object, tmp_path: Path) -> Iterator[str]:
    """Serve the API on Neo4j with uvicorn in a thread (the app opens the store itself)."""
    from tests.test_crash import influence, write_corpus

    uri = neo4j_up.uri  # type: ignore[attr-defined]
    corpus = write_corpus(tmp_path / "seed", files=3, rows=6)
    done = influence("ingest", *map(str, corpus), "--store", uri)
    assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    app = create_app(Settings(store=uri, neo4j_timeout=2.0))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


READS = ["/api/stats", "/api/entities?q=Russia", "/api/entities/russia",
         "/api/entities/russia/neighbors", "/api/rankings?metric=degree",
         "/api/paths?source=Russia&target=NIS&mode=any"]


def test_api_answers_503_while_neo4j_is_down_and_recovers(neo4j_up: object,
                                                          api_url: str) -> None:
    with httpx.Client(base_url=api_url, timeout=30) as c:
        before = c.get("/api/stats")
        assert before.status_code == 200
        for path in READS:
            assert c.get(path).status_code in (200, 404), path
        neo4j_up.kill()  # type: ignore[attr-defined]
        for path in READS * 2:
            started = time.monotonic()
            r = c.get(path)
            took = time.monotonic() - started
            assert r.status_code == 503, (path, r.status_code, r.text[:200])
            assert took < ANSWER_WITHIN, (path, took)
            assert r.json()["detail"]
        started = time.monotonic()
        post = c.post("/api/documents", json={"text": "Russia funds Sputnik Serbia."})
        # a write is not cut short: it ends after the store's own retries (3 tries, backoff)
        assert post.status_code == 503 and time.monotonic() - started < 20, post.text[:200]
        health = c.get("/health")
        assert health.status_code == 200
        neo4j_up.restart()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while c.get("/api/stats").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover after Neo4j came back"
            time.sleep(0.5)
        assert c.get("/api/stats").json() == before.json()
        for path in READS:
            assert c.get(path).status_code in (200, 404), path
        assert c.post("/api/documents", json={"text": "Russia funds Sputnik Serbia."}
                      ).status_code == 201


def test_app_started_while_neo4j_is_down_serves_once_it_is_up(neo4j_up: object) -> None:
    from fastapi.testclient import TestClient

    uri = neo4j_up.uri  # type: ignore[attr-defined]
    neo4j_up.kill()  # type: ignore[attr-defined]
    with TestClient(create_app(Settings(store=uri, neo4j_timeout=2.0))) as c:
        started = time.monotonic()
        r = c.get("/api/stats")
        assert r.status_code == 503 and time.monotonic() - started < ANSWER_WITHIN
        neo4j_up.restart()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while c.get("/api/stats").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.5)


def test_ingest_losing_neo4j_reports_what_it_could_not_store(
        neo4j_up: object, tmp_path: Path) -> None:
    """Neo4j is killed in the middle of ``influence ingest``; the run ends on its own,
    names every file it could not store, leaves whole documents only; a re-run after the
    restart ends at the counts of a clean run."""
    import subprocess

    from tests.test_crash import INFLUENCE, counts, evidence_per_document, influence, write_corpus

    uri = neo4j_up.uri  # type: ignore[attr-defined]
    files = write_corpus(tmp_path / "corpus", files=60, rows=6)
    clean_db = str(tmp_path / "clean.db")
    assert influence("ingest", str(tmp_path / "corpus"), "--store", clean_db).returncode == 0
    clean_store = open_store(clean_db)
    clean, clean_evidence = counts(clean_store), evidence_per_document(clean_store)
    clean_store.close()

    proc = subprocess.Popen([str(INFLUENCE), "ingest", str(tmp_path / "corpus"), "--store", uri,
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True,
                            env={**os.environ, "INFLUENCE_NEO4J_TIMEOUT": "2",
                                 "INFLUENCE_WRITE_BATCH": "2"})
    watcher = open_store(uri)
    try:
        deadline = time.monotonic() + 120
        while watcher.stats().documents < 5:
            assert proc.poll() is None, "the ingest ended before Neo4j could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        watcher.close()
    neo4j_up.kill()  # type: ignore[attr-defined]
    out, err = proc.communicate(timeout=240)
    assert proc.returncode in (2, 3), (proc.returncode, err[-2000:])
    assert "Traceback" not in out + err
    import json

    report = json.loads(out)
    rejected = {r["input"]: r["reason"] for r in report["rejected"]}
    # stored, then the look-up of its earlier versions met the dead server: stored and named
    warned = [i for i, reason in rejected.items() if reason.startswith("stored, but")]
    assert report["documents_stored"] + len(rejected) - len(warned) == len(files)
    assert rejected and all("unavailable" in reason for reason in rejected.values())
    assert set(rejected) <= {str(f) for f in files}

    neo4j_up.restart()  # type: ignore[attr-defined]
    store = open_store(uri)
    try:
        per_doc = evidence_per_document(store)
        stored = {d.id for d in store.iter_documents()}
        assert set(per_doc) <= stored
        assert all(per_doc[d] == clean_evidence[d] for d in stored)
    finally:
        store.close()
    again = influence("ingest", str(tmp_path / "corpus"), "--store", uri)
    assert again.returncode == 0, again.stdout + again.stderr
    store = open_store(uri)
    try:
        assert counts(store) == clean
    finally:
        store.close()


def test_store_errors_are_retried_with_backoff(neo4j_up: object, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: while Neo4j is down the first document is tried with growing pauses."""
    from loaders import pipeline
    from tests.test_crash import write_corpus

    files = write_corpus(tmp_path / "c", files=3, rows=3)
    store = open_store(neo4j_up.uri)  # type: ignore[attr-defined]
    pauses: list[float] = []
    real_sleep = time.sleep

    def recording_sleep(seconds: float) -> None:
        pauses.append(seconds)
        real_sleep(seconds)

    try:
        neo4j_up.kill()  # type: ignore[attr-defined]
        monkeypatch.setattr(pipeline.time, "sleep", recording_sleep)
        report = pipeline.ingest(store, [str(f) for f in files], Settings())
    finally:
        monkeypatch.undo()
        store.close()
    backoff = [p for p in pauses if p >= pipeline.BACKOFF]
    assert backoff[:pipeline.RETRIES - 1] == [pipeline.BACKOFF * 2 ** i
                                              for i in range(pipeline.RETRIES - 1)]
    assert report.documents_stored == 0
    assert [name for name, _ in report.rejected] == [str(f) for f in files]
    assert all("unavailable" in reason for _, reason in report.rejected)
