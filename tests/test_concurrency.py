"""Eight ingests of overlapping documents at once — four ``influence ingest`` processes and
four API clients of a running ``influence serve`` — on each store.

They end with exactly the counts of one sequential ingest of the same files, no two
entities with the same name key, the same evidence per document, no error reaching a
user; and reads keep answering while the writes run.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.names import name_key
from graph.store import open_store
from tests.test_crash import INFLUENCE, counts, evidence_per_document, influence, write_corpus

JOBS = 8
FILES_PER_JOB = 10
ROWS = 6
POOL = JOBS * FILES_PER_JOB // 2  # every file is ingested by two jobs


def job_files(pool: list[Path], job: int) -> list[Path]:
    """Return the files of one job: a window of the pool overlapping the next job's."""
    start = job * FILES_PER_JOB // 2
    return [pool[(start + i) % len(pool)] for i in range(FILES_PER_JOB)]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_corpus(tmp_path_factory.mktemp("conc") / "pool", files=POOL, rows=ROWS)


@pytest.fixture(scope="module")
def sequential(pool: list[Path], tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[dict[str, int], Counter[str]]:
    """Return counts and evidence per document of one sequential ingest of the pool."""
    db = str(tmp_path_factory.mktemp("seq") / "seq.db")
    done = influence("ingest", *map(str, pool), "--store", db)
    assert done.returncode == 0, done.stdout + done.stderr
    store = open_store(db)
    try:
        return counts(store), evidence_per_document(store)
    finally:
        store.close()


@pytest.fixture
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield an empty store location of the parametrized backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "concurrent.db")
        return
    from tests.conftest import _clear_neo4j

    uri = request.getfixturevalue("neo4j_server")
    _clear_neo4j(uri)
    yield uri
    _clear_neo4j(uri)


def serve(location: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``influence serve`` on ``location``; return the process and its URL."""
    from tests.neo4j_server import free_port

    port = free_port()
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(INFLUENCE), "serve", "--store", location, "--port",
                                 str(port)], stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/api/stats", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"influence serve did not start:\n{log.read_text()}")
        time.sleep(0.3)


@pytest.mark.parametrize("location", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)],
                         indirect=True)
def test_eight_concurrent_ingests_equal_one_sequential(
        location: str, pool: list[Path], tmp_path: Path,
        sequential: tuple[dict[str, int], Counter[str]]) -> None:
    seq_counts, seq_evidence = sequential
    server, url = serve(location, tmp_path / "serve.log")
    answers: list[int] = []
    reads: list[int] = []
    failures: list[str] = []
    writing = threading.Event()
    writing.set()

    def api_job(files: list[Path]) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            for f in files:
                r = c.post("/api/documents", files={"file": (f.name, f.read_bytes(), "text/csv")})
                answers.append(r.status_code)
                if r.status_code not in (200, 201):
                    failures.append(f"POST {f.name}: {r.status_code} {r.text[:300]}")

    def reader() -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            while writing.is_set():
                for path in ("/api/stats", "/api/entities?q=Actor", "/api/entities/nis"):
                    try:
                        r = c.get(path)
                        reads.append(r.status_code)
                        if r.status_code not in (200, 404):
                            failures.append(f"GET {path}: {r.status_code} {r.text[:200]}")
                    except httpx.HTTPError as exc:
                        failures.append(f"GET {path}: {exc!r}")
                time.sleep(0.05)

    try:
        procs = [subprocess.Popen([str(INFLUENCE), "ingest", *map(str, job_files(pool, j)),
                                   "--store", location, "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  stdin=subprocess.DEVNULL, env=dict(os.environ))
                 for j in range(0, JOBS, 2)]
        threads = [threading.Thread(target=api_job, args=(job_files(pool, j),))
                   for j in range(1, JOBS, 2)]
        read_thread = threading.Thread(target=reader)
        for t in [*threads, read_thread]:
            t.start()
        for p in procs:
            out, err = p.communicate(timeout=400)
            if p.returncode != 0 or "Traceback" in err:
                failures.append(f"influence ingest exited {p.returncode}: {err[-1500:]}")
            else:
                report = json.loads(out)
                if report["rejected"] or report["documents_stored"] != FILES_PER_JOB:
                    failures.append(f"influence ingest report: {report}")
        for t in threads:
            t.join(timeout=400)
        writing.clear()
        read_thread.join(timeout=60)
    finally:
        writing.clear()
        server.terminate()
        server.wait(timeout=30)
    assert not failures, "\n".join(failures[:10])
    assert len(answers) == FILES_PER_JOB * (JOBS // 2)
    assert len(reads) >= 3 and set(reads) <= {200, 404}
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log and "deadlock" not in log.lower(), log[-3000:]

    store = open_store(location)
    try:
        assert counts(store) == seq_counts
        assert evidence_per_document(store) == seq_evidence
        keys = Counter(name_key(e.name) for e in store.iter_entities())
        assert [k for k, n in keys.items() if n > 1] == []
        ids = [e.id for e in store.iter_entities()]
        assert len(ids) == len(set(ids))
    finally:
        store.close()


@pytest.mark.parametrize("location", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)],
                         indirect=True)
def test_the_same_file_ingested_eight_times_at_once(location: str, pool: list[Path],
                                                    sequential: tuple[dict[str, int],
                                                                      Counter[str]]) -> None:
    """Eight processes race to store the very same documents: one copy of each results."""
    same = pool[:3]
    procs = [subprocess.Popen([str(INFLUENCE), "ingest", *map(str, same), "--store", location],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL) for _ in range(JOBS)]
    errors = []
    for p in procs:
        _out, err = p.communicate(timeout=300)
        if p.returncode != 0:
            errors.append(err[-1500:])
    assert not errors, errors[0]
    store = open_store(location)
    try:
        stats = counts(store)
        per_doc = evidence_per_document(store)
    finally:
        store.close()
    _, seq_evidence = sequential
    assert stats["documents"] == len(same)
    assert per_doc == Counter({d: seq_evidence[d] for d in per_doc}) and len(per_doc) == len(same)
