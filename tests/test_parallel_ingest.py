"""``ingest`` with extraction in worker processes: the same stored graph as one process, and
a document whose worker raises or dies is the only one lost, reported by name."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from core.settings import Settings
import loaders.pipeline as pipeline
from graph.store import GraphStore, open_store
from loaders.parallel import CRASHED
from loaders.pipeline import IngestReport, ingest
from loaders.source import SourceDocument
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parent.parent
CRASH_MARK = "Zorblax Vendramin"  # a name no real document holds
RAISE_MARK = "Quillon Farsgate"


def corpus(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """Return a folder of the shared eval documents, the examples and ``extra`` files."""
    folder.mkdir()
    for f in sorted((SHARED / "eval" / "docs").iterdir()):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        body = [ln for ln in lines if not ln.startswith("Source: ")]
        (folder / f.name).write_text("".join(body), encoding="utf-8")
    for f in sorted((ROOT / "examples").iterdir()):
        shutil.copy(f, folder / f.name)
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def crash_on_mark(src: SourceDocument) -> None:
    """Kill the worker (no exception, no cleanup) on the marked document."""
    if CRASH_MARK in src.text:
        os._exit(7)


def raise_on_mark(src: SourceDocument) -> None:
    """Raise in the worker on the marked document."""
    if RAISE_MARK in src.text:
        raise RuntimeError("the hook refused it")


def graph_state(store: GraphStore) -> dict[str, Any]:
    """Return everything a store holds that does not depend on write order or time."""
    def rows(items: Any) -> list[str]:
        return sorted(json.dumps(i.model_dump(mode="json"), sort_keys=True, default=str)
                      for i in items)

    return {"stats": store.stats().model_dump(), "entities": rows(store.iter_entities()),
            "relations": rows(store.iter_relations()), "evidence": rows(store.iter_evidence()),
            "documents": rows(store.iter_documents())}


def report_of(report: IngestReport) -> dict[str, Any]:
    out = report.as_dict()
    out["rejected"] = sorted((r["input"], r["reason"]) for r in out["rejected"])
    return out


def test_two_workers_store_the_graph_one_process_stores(tmp_path: Path, store: GraphStore,
                                                        ) -> None:
    folder = corpus(tmp_path / "docs", {"empty.txt": "", "bad.bin": "\x00\x01\x02" * 10})
    serial_store = open_store(str(tmp_path / "serial.db"))
    try:
        serial = ingest(serial_store, [str(folder)], Settings(), workers=1)
        expected = graph_state(serial_store)
    finally:
        serial_store.close()
    names: list[str] = []
    parallel = ingest(store, [str(folder)], Settings(), progress=lambda n, _r: names.append(n),
                      workers=2)
    assert parallel.documents_stored == serial.documents_stored > 15
    assert report_of(parallel) == report_of(serial)
    assert graph_state(store) == expected
    # the progress callback saw every input once stored or rejected, in the inputs' order
    files = sorted(str(f) for f in folder.iterdir())
    assert sorted(set(names)) == files


def test_a_worker_that_dies_loses_its_document_only(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "docs", {
        "crash.txt": f"{CRASH_MARK} leads the Balkan Energy Fund. Russia funds Sputnik Serbia.\n",
        "raise.txt": f"{RAISE_MARK} owns a stake in NIS. China funds the railway.\n"})
    serial_store = open_store(str(tmp_path / "serial.db"))
    others = [str(f) for f in sorted(folder.iterdir()) if f.name != "crash.txt"]
    try:
        serial = ingest(serial_store, others, Settings(), workers=1)
        expected = graph_state(serial_store)
    finally:
        serial_store.close()
    store = open_store(str(tmp_path / "parallel.db"))
    try:
        report = ingest(store, [str(folder)], Settings(), workers=2, prepare=crash_on_mark)
        assert dict(report.rejected) == {str(folder / "crash.txt"): CRASHED}
        assert report.documents_read == serial.documents_read + 1
        assert report.documents_stored == serial.documents_stored
        assert graph_state(store) == expected
    finally:
        store.close()


def test_a_document_that_raises_in_its_worker_is_reported_by_name(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "docs", {
        "raise.txt": f"{RAISE_MARK} owns a stake in NIS. China funds the railway.\n"})
    store = open_store(str(tmp_path / "parallel.db"))
    try:
        report = ingest(store, [str(folder)], Settings(), workers=2, prepare=raise_on_mark)
        assert report.rejected == [
            (str(folder / "raise.txt"), "extraction failed: RuntimeError: the hook refused it")]
        assert report.documents_read == report.documents_stored + 1 > 15
    finally:
        store.close()


def test_the_cli_extracts_in_the_workers_it_is_given(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "docs")
    runner = CliRunner()
    one = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "a.db"),
                              "--json", "--workers", "1"])
    two = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "b.db"),
                              "--json", "-w", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert json.loads(one.stdout) == json.loads(two.stdout)
    zero = runner.invoke(app, ["ingest", str(folder), "--store", str(tmp_path / "c.db"),
                               "--workers", "0"])
    assert zero.exit_code == 2 and not (tmp_path / "c.db").exists()


def test_a_single_document_is_extracted_in_this_process(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("a pool was started for one document")

    monkeypatch.setattr(pipeline, "extract_parallel", no_pool)
    store = open_store(str(tmp_path / "one.db"))
    try:
        report = ingest(store, [str(ROOT / "examples" / "nis-gazprom.txt")], Settings(),
                        workers=2)
        assert report.documents_stored == 1 and report.triples > 0
    finally:
        store.close()


CLI = [sys.executable, "-m", "api.cli"]


def influence(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI of this checkout; return the finished process (text output)."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          stdin=subprocess.DEVNULL, check=False)


def children_of(pid: int) -> list[int]:
    """Return the ids of the running processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Return True while process ``pid`` runs (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_kill_9_of_a_parallel_ingest_ends_its_workers_and_a_rerun_mends(tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    texts = sorted((SHARED / "eval" / "docs").iterdir())
    for i in range(60):
        lines = texts[i % len(texts)].read_text(encoding="utf-8").splitlines(keepends=True)
        body = "".join(ln for ln in lines if not ln.startswith("Source: "))
        (folder / f"copy-{i:03d}.txt").write_text(f"{body}\nCopy {i}.\n", encoding="utf-8")
    clean = influence("ingest", str(folder), "--store", str(tmp_path / "clean.db"), "--json",
                      "--workers", "2")
    assert clean.returncode == 0, clean.stderr
    location = str(tmp_path / "killed.db")
    proc = subprocess.Popen([*CLI, "ingest", str(folder), "--store", location,
                             "--workers", "2"], stdout=subprocess.DEVNULL, cwd=ROOT,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT),
                                 "INFLUENCE_WRITE_BATCH": "2"})
    workers: list[int] = []
    stored = 0
    while proc.poll() is None and stored < 6:
        workers = children_of(proc.pid) or workers
        if Path(location).exists():
            store = open_store(location)
            stored = store.stats().documents
            store.close()
        time.sleep(0.2)
    workers = children_of(proc.pid) or workers
    assert proc.poll() is None, "the ingest ended before it was killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert workers, "no worker process was seen"
    for _ in range(150):  # the workers see their parent gone and end
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"worker processes {workers} outlived their killed parent")
    again = influence("ingest", str(folder), "--store", location, "--json", "--workers", "2")
    assert again.returncode == 0, again.stderr
    killed, done = open_store(location), open_store(str(tmp_path / "clean.db"))
    try:
        assert graph_state(killed) == graph_state(done)
    finally:
        killed.close()
        done.close()
