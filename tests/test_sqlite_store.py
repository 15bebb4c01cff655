"""The embedded store alone: kill -9 mid-ingest, concurrent writer processes and threads,
rollback on errors, files that are not stores."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.errors import InputError, StoreUnavailable
from graph import sqlite_store, sqlite_writes
from graph.model import Entity, RelationFilter, Stats
from graph.sqlite_connections import CACHE_KIB
from graph.sqlite_store import SqliteStore
from tests.samples import (
    INFORMER,
    NEW,
    NEW_TRIPLES,
    OLD,
    OLD_TRIPLES,
    RUSSIA,
    corpus,
    report,
)

ROOT = Path(__file__).resolve().parent.parent
INGEST = """
import sys
from graph.sqlite_store import SqliteStore
from tests.samples import corpus

path, n, facts, seed, batch = sys.argv[1], *map(int, sys.argv[2:6])
store = SqliteStore(path)
docs = corpus(n, facts, seed)
print("ready", flush=True)
for i in range(0, n, batch):
    if batch == 1:
        store.upsert_document(*docs[i])
    else:
        store.upsert_documents(docs[i:i + batch], batch_size=batch)
    print(min(i + batch, n), flush=True)
store.close()
"""


def _ingest_process(path: Path, n: int, facts: int = 20, seed: int = 0,
                    batch: int = 1) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", INGEST, str(path), str(n), str(facts),
                             str(seed), str(batch)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _check_whole_documents(path: Path, docs: list) -> int:
    """Assert the file is intact and every document is there whole or not at all.

    Returns how many documents are stored.
    """
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {r[0] for r in conn.execute("SELECT id FROM documents")}
        counts = dict(conn.execute("SELECT document_id, count(*) FROM evidence "
                                   "GROUP BY document_id").fetchall())
        assert conn.execute("SELECT count(*) FROM relations r WHERE evidence_count != "
                            "(SELECT count(*) FROM evidence v WHERE v.relation_id = r.id)"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM entities e WHERE NOT EXISTS (SELECT 1 FROM "
                            "relations r WHERE r.subject = e.id OR r.object = e.id)"
                            ).fetchone()[0] == 0
    for d, triples in docs:  # each sample triple has its own sentence offset: one evidence
        if d.id in stored:
            assert counts.get(d.id) == len(triples)
        else:
            assert d.id not in counts
    assert set(counts) <= stored
    return len(stored)


def _snapshot(store: SqliteStore) -> tuple[Stats, list, list]:
    return (store.stats(), sorted(store.iter_relations(), key=lambda r: r.id),
            sorted(store.iter_entities(), key=lambda e: e.id))


@pytest.fixture
def clean_run(tmp_path: Path) -> Iterator[tuple[Stats, list, list]]:
    """Yield what a store holds after one uninterrupted ingest of ``corpus(120, 30)``."""
    store = SqliteStore(str(tmp_path / "clean.db"))
    store.upsert_documents(corpus(120, 30), batch_size=1)
    yield _snapshot(store)
    store.close()


def _ingest_until_killed(path: Path, after: int, batch: int) -> None:
    """Run the ingest of ``corpus(120, 30)`` in a process and SIGKILL it after ``after`` docs."""
    proc = _ingest_process(path, 120, 30, batch=batch)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    done = 0
    while done < after:
        line = proc.stdout.readline()
        assert line, f"ingest ended early: {proc.stderr.read()}"
        done = int(line)
    time.sleep(random.uniform(0, 0.01))  # land anywhere in the next document's write
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("batch", [1, 10])
def test_kill_9_mid_ingest_leaves_whole_documents(tmp_path: Path, batch: int,
                                                  clean_run: tuple[Stats, list, list]) -> None:
    path = tmp_path / "killed.db"
    docs = corpus(120, 30)
    # each round re-ingests from the start: re-upserts (evidence replaced) get killed too
    for after in (30, 60, 90):
        _ingest_until_killed(path, after, batch)
        stored = _check_whole_documents(path, docs)
        assert after <= stored < 120
    store = SqliteStore(str(path))
    store.ping()
    assert store.stats().documents == stored
    store.upsert_documents(docs, batch_size=25)
    assert _snapshot(store) == clean_run
    store.close()
    _check_whole_documents(path, docs)


def test_eight_concurrent_writer_processes_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    # overlapping work: two processes per corpus, the four corpora share their entities
    procs = [_ingest_process(path, 40, 10, seed=seed, batch=batch)
             for seed in (0, 1, 2, 3) for batch in (1, 5)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert out.split()[-1] == "40"
    sequential = SqliteStore(str(tmp_path / "sequential.db"))
    for seed in (0, 1, 2, 3):
        sequential.upsert_documents(corpus(40, 10, seed))
    store = SqliteStore(str(path))
    assert _snapshot(store) == _snapshot(sequential)
    _check_whole_documents(path, [d for seed in (0, 1, 2, 3) for d in corpus(40, 10, seed)])


def test_threads_share_one_store(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "threads.db"))
    docs = corpus(60, 10)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        store.upsert_document(*docs[i])

    def read(_: int) -> None:
        store.search_entities("actor 01")
        store.adjacent([docs[0][1][0].subject.id], RelationFilter())
        sum(1 for _ in store.iter_relations())
        store.stats()

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(write, i) for i in range(60)]
        futures += [pool.submit(read, i) for i in range(60)]
        for f in futures:
            if f.exception():
                errors.append(f.exception())  # type: ignore[arg-type]
    assert errors == []
    sequential = SqliteStore(str(tmp_path / "one.db"))
    sequential.upsert_documents(docs)
    assert _snapshot(store) == _snapshot(sequential)


def test_a_failure_mid_transaction_rolls_everything_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = SqliteStore(str(tmp_path / "t.db"))
    store.upsert_document(NEW, NEW_TRIPLES)
    before, version = _snapshot(store), store.version()
    calls = 0
    real = sqlite_writes.aggregate  # the re-aggregation moved to graph.sqlite_writes

    def fail_on_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite_writes, "aggregate", fail_on_third)
    with pytest.raises(StoreUnavailable, match="disk I/O"):
        store.upsert_document(OLD, OLD_TRIPLES)
    assert calls == 3
    assert _snapshot(store) == before and store.version() == version
    assert store.get_document(OLD.id) is None
    monkeypatch.undo()
    store.upsert_document(OLD, OLD_TRIPLES)
    assert store.stats() == Stats(documents=2, entities=7, relations=6, evidence=6)


def test_upsert_documents_stores_the_valid_documents_after_a_bad_one(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "t.db"))
    bad_doc, bad = report("bad", None, [(RUSSIA, "funds", INFORMER)])
    bad = [bad[0].model_copy(update={"object": Entity.named("Informer", "Newspaper")})]
    with pytest.raises(InputError, match="Newspaper") as info:
        store.upsert_documents([(OLD, OLD_TRIPLES), (bad_doc, bad), (NEW, NEW_TRIPLES)],
                               batch_size=1)
    assert "bad" in str(info.value) and "2 stored" in str(info.value)
    assert {d.id for d in store.iter_documents()} == {OLD.id, NEW.id}


def test_readers_see_a_stable_stream_while_writes_commit(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "t.db"))
    docs = corpus(30, 40)
    store.upsert_documents(docs[:20])
    expected = store.stats().relations
    stream = store.iter_relations()
    first = [next(stream) for _ in range(5)]
    writer = threading.Thread(target=lambda: store.upsert_documents(docs[20:]))
    writer.start()
    writer.join(timeout=60)
    assert not writer.is_alive()
    assert len(first) + sum(1 for _ in stream) == expected
    assert store.stats().relations > expected


def test_file_settings_are_wal_with_foreign_keys_and_a_bigger_page_cache(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "deep" / "er" / "t.db"))
    store.upsert_document(OLD, OLD_TRIPLES)
    with store._conn() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
    store.close()
    assert SqliteStore(str(tmp_path / "deep" / "er" / "t.db")).stats().documents == 1


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreUnavailable, match="notes.db.*not .*database"):
        SqliteStore(str(path))
    assert path.read_text().startswith("these are my notes")


def test_a_path_that_cannot_be_created_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="file"):
        SqliteStore(str(blocker / "sub" / "t.db"))


def test_ping_fails_when_the_file_goes_bad(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = SqliteStore(str(path))
    store.ping()
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StoreUnavailable, match="t.db"):
        store.ping()


def test_short_lived_threads_do_not_leak_connections(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = SqliteStore(str(path))
    store.upsert_document(OLD, OLD_TRIPLES)
    for _ in range(40):
        t = threading.Thread(target=store.search_entities, args=("russia",))
        t.start()
        t.join()

    def open_files() -> int:
        fds = Path("/proc/self/fd")
        return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == str(path.resolve()))

    assert 1 <= open_files() <= sqlite_store.POOL_SIZE
    store.close()
    assert open_files() == 0


def test_a_file_from_before_documents_had_an_origin_is_upgraded_when_opened(
        tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    store = SqliteStore(path)
    store.upsert_document(OLD, OLD_TRIPLES)
    store.close()
    with sqlite3.connect(path) as conn:  # the documents table as it was before the column
        conn.execute("DROP INDEX documents_origin")
        conn.execute("ALTER TABLE documents DROP COLUMN origin")
    store = SqliteStore(path)
    try:
        assert store.get_document(OLD.id) is not None
        store.upsert_document(NEW.model_copy(update={"origin": "file:x"}), NEW_TRIPLES)
        assert store.document_ids_from("file:x") == [NEW.id]
        assert store.stats().documents == 2
    finally:
        store.close()


def test_a_file_from_before_evidence_could_be_past_reads_as_not_past(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    store = SqliteStore(path)
    store.upsert_document(OLD, OLD_TRIPLES)
    ids = sorted(e.id for e in store.iter_evidence())
    store.close()
    with sqlite3.connect(path) as conn:  # the evidence table as it was before the column
        conn.execute("ALTER TABLE evidence DROP COLUMN past")
    store = SqliteStore(path)
    try:
        evidence = list(store.iter_evidence())
        assert sorted(e.id for e in evidence) == ids and not any(e.past for e in evidence)
        t = OLD_TRIPLES[0]
        store.upsert_document(OLD, [t.model_copy(update={"evidence": t.evidence.model_copy(
            update={"past": True})}), *OLD_TRIPLES[1:]])
        assert sorted(e.id for e in store.iter_evidence()) == ids  # past is not in the id
        assert [e.past for e in store.iter_evidence()].count(True) == 1
    finally:
        store.close()
