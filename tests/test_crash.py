"""``kill -9`` in the middle of ``influence ingest``, on both stores.

Afterwards the store opens, every document is there with all of its evidence or not at
all, and running the same ingest again ends with exactly the counts of a clean run.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from graph.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
INFLUENCE = ROOT / ".venv" / "bin" / "influence"
HEADER = ["subject", "subject_type", "predicate", "object", "object_type", "source", "date",
          "evidence"]
PREDICATES = ["funds", "owns", "controls", "supports", "influences", "amplifies"]
ACTORS = [(f"Actor {chr(65 + i % 26)}{i // 26} Holding", "Company") for i in range(40)] + [
    ("Aleksandar Vučić", "Person"), ("ALEKSANDAR VUCIC", "Person"), ("Russia", "Country"),
    ("Sputnik Serbia", "MediaOutlet"), ("Gazprom Neft", "Company"), ("NIS", "Company")]


def write_corpus(folder: Path, files: int, rows: int, offset: int = 0) -> list[Path]:
    """Write ``files`` triple CSV files of ``rows`` rows each, sharing entities; return them.

    Files overlap in entities (a pool of 46 names, two of them the same person spelled
    differently) but each row's sentence is its own, so every file is its own document.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in range(offset, offset + files):
        path = folder / f"links-{f:04d}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for r in range(rows):
                s_name, s_type = ACTORS[(f * 7 + r) % len(ACTORS)]
                o_name, o_type = ACTORS[(f * 11 + r * 3 + 1) % len(ACTORS)]
                if s_name.lower() == o_name.lower() or {s_name, o_name} <= {
                        "Aleksandar Vučić", "ALEKSANDAR VUCIC"}:
                    o_name, o_type = "NIS", "Company"
                p = PREDICATES[(f + r) % len(PREDICATES)]
                day = 1 + (f + r) % 28
                w.writerow([s_name, s_type, p, o_name, o_type, f"https://example.org/{f}",
                            f"2024-02-{day:02d}", f"Report {f} line {r}: {s_name} {p} {o_name}."])
        paths.append(path)
    return paths


def influence(*args: str, env: dict[str, str] | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``influence`` CLI; return the finished process (text output)."""
    return subprocess.run([str(INFLUENCE), *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, check=False)


def counts(store: GraphStore) -> dict[str, int]:
    """Return the four counts of a store."""
    return store.stats().model_dump()


def evidence_per_document(store: GraphStore) -> Counter[str]:
    """Return how many evidence sentences each document id has."""
    return Counter(ev.document_id for ev in store.iter_evidence())


Clean = tuple[dict[str, int], Counter[str]]


def clean_corpus(folder: Path, files: int) -> tuple[Path, Clean]:
    """Write a corpus of ``files`` files; return it with the counts and evidence per document
    of an uninterrupted ingest of it into an embedded store."""
    corpus = folder / "corpus"
    write_corpus(corpus, files=files, rows=8)
    db = str(folder / "clean.db")
    done = influence("ingest", str(corpus), "--store", db, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["documents_stored"] == files and not report["rejected"]
    store = open_store(db)
    try:
        return corpus, (counts(store), evidence_per_document(store))
    finally:
        store.close()


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clean]:
    """500 documents: the embedded store writes them in a few seconds."""
    return clean_corpus(tmp_path_factory.mktemp("crash-large"), 500)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clean]:
    """60 documents, for Neo4j, whose per-document transactions are slower."""
    return clean_corpus(tmp_path_factory.mktemp("crash-small"), 60)


def kill_mid_ingest(corpus: Path, location: str, at_least: int) -> int:
    """Start ``influence ingest`` and SIGKILL it once ``at_least`` documents are stored.

    Returns the number of documents seen stored just before the kill. Fails when the ingest
    ended before it could be killed (the corpus is then too small for this machine).
    """
    # small batches: many multi-document transactions for the kill to land in
    proc = subprocess.Popen([str(INFLUENCE), "ingest", str(corpus), "--store", location],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "INFLUENCE_WRITE_BATCH": "3"})
    seen = 0
    watcher: GraphStore | None = None
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if watcher is None:
                    watcher = open_store(location)
                seen = watcher.stats().documents
            except Exception:  # noqa: BLE001 - the store may not exist yet
                seen = 0
            if seen >= at_least:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if watcher is not None:
            watcher.close()
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    assert code == -signal.SIGKILL, f"the ingest ended (exit {code}) before it was killed: {stderr}"
    return seen


def check_after_crash(location: str, corpus: Path,
                      clean: Clean) -> None:
    """The store opens, holds whole documents only, and a re-run ends at the clean counts."""
    clean_counts, clean_evidence = clean
    stats = influence("stats", "--store", location, "--json")
    assert stats.returncode == 0, stats.stderr
    store = open_store(location)
    try:
        after = counts(store)
        assert 0 < after["documents"] < clean_counts["documents"]
        stored_docs = {d.id for d in store.iter_documents()}
        assert len(stored_docs) == after["documents"]
        per_doc = evidence_per_document(store)
        assert set(per_doc) <= stored_docs, "evidence of a document that is not stored"
        for doc_id in stored_docs:
            assert per_doc[doc_id] == clean_evidence[doc_id], (
                f"document {doc_id[:12]} has {per_doc[doc_id]} of its "
                f"{clean_evidence[doc_id]} evidence sentences")
    finally:
        store.close()
    again = influence("ingest", str(corpus), "--store", location, "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    store = open_store(location)
    try:
        assert counts(store) == clean_counts
        assert evidence_per_document(store) == clean_evidence
    finally:
        store.close()


def test_kill_9_during_ingest_into_the_embedded_store(tmp_path: Path,
                                                      large: tuple[Path, Clean]) -> None:
    corpus, clean = large
    location = str(tmp_path / "crashed.db")
    assert kill_mid_ingest(corpus, location, at_least=40) >= 40
    check_after_crash(location, corpus, clean)


@pytest.mark.neo4j
def test_kill_9_during_ingest_into_neo4j(neo4j_server: str, small: tuple[Path, Clean]) -> None:
    from tests.conftest import _clear_neo4j

    corpus, clean = small
    _clear_neo4j(neo4j_server)
    assert kill_mid_ingest(corpus, neo4j_server, at_least=5) >= 5
    check_after_crash(neo4j_server, corpus, clean)
    _clear_neo4j(neo4j_server)


def test_kill_9_twice_then_finish(tmp_path: Path, large: tuple[Path, Clean]) -> None:
    """A second crash on top of the first still leaves whole documents only."""
    corpus, clean = large
    location = str(tmp_path / "twice.db")
    kill_mid_ingest(corpus, location, at_least=20)
    store = open_store(location)
    first = store.stats().documents
    store.close()
    kill_mid_ingest(corpus, location, at_least=first + 20)
    check_after_crash(location, corpus, clean)
