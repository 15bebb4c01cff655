"""Ingesting folders of mixed documents: every kind stored with evidence, idempotently."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import StoreUnavailable
from graph.model import Document, Entity, Evidence, Triple
from graph.store import GraphStore
from loaders.pipeline import IngestReport, _Writer, ingest
from tests.conftest import SHARED

TEXT = "Gazprom Neft owns a majority stake in NIS. Russia funds Sputnik Serbia.\n"
HTML = """<!DOCTYPE html><html><head><title>Huawei in Serbia</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/login">Log in</a></nav>
<div class="cookie">We use cookies. Accept all cookies.</div>
<article><h1>Huawei in Serbia</h1>
<p>Huawei supplies surveillance cameras to the Serbian Ministry of Interior.
China funds the Budapest-Belgrade railway. Aleksandar Vucic leads Serbia.</p>
<p>The Export-Import Bank of China loans money to Serbia for new motorways.</p></article>
<footer>Copyright 2024. All rights reserved.</footer></body></html>
"""
PDF_LINES = ["Viktor Orban leads Hungary.", "Hungary depends on Russian gas.",
             "Rosatom builds the Paks II nuclear plant in Hungary."]
JSONL = [
    {"title": "Dodik in Moscow", "date": "2023-05-23", "url": "https://example.org/dodik",
     "text": "Milorad Dodik met Vladimir Putin in Moscow. Russia supports Republika Srpska."},
    {"title": "Jets", "date": "2024-08-29", "url": "https://example.org/jets",
     "text": "Serbia buys Rafale fighter jets from France. Vladimir Putin leads Russia."},
]


def make_pdf(path: Path, lines: list[str]) -> None:
    """Write a one-page PDF holding ``lines``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(72, y, line)
        y -= 20
    c.showPage()
    c.save()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "note.txt").write_text(TEXT, encoding="utf-8")
    (d / "page.html").write_text(HTML, encoding="utf-8")
    make_pdf(d / "report.pdf", PDF_LINES)
    (d / "briefs.jsonl").write_text("\n".join(json.dumps(r) for r in JSONL) + "\n",
                                    encoding="utf-8")
    sample = SHARED / "eval" / "docs" / "balkans-meddling.txt"
    (d / "balkans-meddling.txt").write_bytes(sample.read_bytes())  # read at test time only
    return d


def evidence_by_document(store: GraphStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ev in store.iter_evidence():
        counts[ev.document_id] = counts.get(ev.document_id, 0) + 1
    return counts


def test_mixed_folder_stores_every_document_with_evidence(store: GraphStore, mixed: Path) -> None:
    report = ingest(store, [str(mixed)])
    assert report.rejected == []
    assert report.documents_read == report.documents_stored == 6
    assert store.stats().documents == 6
    per_doc = evidence_by_document(store)
    assert set(report.document_ids) <= set(per_doc), "a document was stored without evidence"
    titles = {store.get_document(i).title for i in report.document_ids}  # type: ignore[union-attr]
    assert {"Dodik in Moscow", "Jets"} <= titles
    sentences = {ev.sentence for ev in store.iter_evidence()}
    assert not any("cookies" in s for s in sentences)
    assert not any("Skip to content" in s or "comment" in s.lower() for s in sentences)
    assert any(r.predicate == "mediates" for r in store.iter_relations())  # from the sample


def test_ingest_same_folder_twice_changes_nothing(store: GraphStore, mixed: Path) -> None:
    ingest(store, [str(mixed)])
    before = store.stats()
    evidence = sorted(ev.id for ev in store.iter_evidence())
    again = ingest(store, [str(mixed)])
    assert again.rejected == [] and again.documents_created == 0
    assert store.stats() == before
    assert sorted(ev.id for ev in store.iter_evidence()) == evidence


def test_bad_file_is_reported_and_the_rest_stored(store: GraphStore, mixed: Path) -> None:
    (mixed / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (mixed / "bad.csv").write_text(
        "subject,subject_type,predicate,object,object_type,source,date,evidence\n"
        "A,Country,bribes,B,Country,,,A bribes B.\n", encoding="utf-8")
    report = ingest(store, [str(mixed), str(mixed / "absent.txt")])
    rejected = {Path(name).name for name, _ in report.rejected}
    assert {"broken.pdf", "bad.csv", "absent.txt"} <= rejected
    assert report.documents_stored == 6 and store.stats().documents == 6


def test_a_document_too_long_for_the_model_is_rejected_by_name(store: GraphStore,
                                                               mixed: Path) -> None:
    """A text over the extractor's limit (spaCy's max_length) is one rejected file, not a
    crash of the run: the other files, before and after it, are stored."""
    from loaders.extract import MAX_CHARS

    (mixed / "huge.txt").write_text("Serbia buys jets. " * (MAX_CHARS // 18 + 1),
                                    encoding="utf-8")
    report = ingest(store, [str(mixed), str(mixed / "huge.txt")])
    reasons = {Path(name).name: why for name, why in report.rejected}
    assert "huge.txt" in reasons and "over the limit" in reasons["huge.txt"]
    assert report.documents_stored == 6 and store.stats().documents == 6


def test_triple_file_is_stored_as_is(store: GraphStore, tmp_path: Path) -> None:
    f = tmp_path / "links.csv"
    f.write_text("subject,subject_type,predicate,object,object_type,source,date,evidence\n"
                 "Gazprom Neft,Company,owns,NIS,Company,https://example.org/nis,2023-02-02,"
                 "Gazprom Neft owns a majority stake in NIS.\n", encoding="utf-8")
    report = ingest(store, [str(f)])
    assert report.rejected == [] and report.triples == 1 and report.relations == 1
    assert store.stats().relations == 1


class FlakyStore:
    """Delegates to a store, but the first ``failures`` upserts raise StoreUnavailable."""

    def __init__(self, inner: GraphStore, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    def upsert_document(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("connection reset")
        return self.inner.upsert_document(*args, **kwargs)

    def upsert_documents(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("connection reset")
        return self.inner.upsert_documents(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def test_store_hiccups_are_retried(store: GraphStore, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: None)
    f = tmp_path / "links.csv"
    f.write_text("subject,subject_type,predicate,object,object_type,source,date,evidence\n"
                 "Russia,Country,funds,Sputnik Serbia,MediaOutlet,,,Russia funds Sputnik Serbia.\n",
                 encoding="utf-8")
    report = ingest(FlakyStore(store, 2), [str(f)])  # type: ignore[arg-type]
    assert report.rejected == [] and store.stats().documents == 1
    down = ingest(FlakyStore(store, 100), [str(f)])  # type: ignore[arg-type]
    assert down.rejected and "store unavailable" in down.rejected[0][1]


def test_an_edited_file_ingested_again_replaces_its_earlier_version(
        store: GraphStore, tmp_path: Path) -> None:
    """The document id hashes the text, so an edited file is a new document; its origin (a
    hash of the file's path) names the earlier version, which is removed: one sentence is
    not counted twice. A file of the same name elsewhere is another origin."""
    article = tmp_path / "a" / "article.txt"
    article.parent.mkdir()
    article.write_text("Russia funds Sputnik Serbia.", encoding="utf-8")
    twin = tmp_path / "b" / "article.txt"
    twin.parent.mkdir()
    twin.write_text("Aleksandar Vučić leads Serbia.", encoding="utf-8")
    ingest(store, [str(article), str(twin)])
    before = {r.id: r.evidence_count for r in store.iter_relations(include_flagged=True)}
    article.write_text("Russia funds Sputnik Serbia. Gazprom Neft owns a majority stake in NIS.",
                       encoding="utf-8")
    report = ingest(store, [str(article)])
    assert report.ok and report.documents_replaced == 1
    assert store.stats().documents == 2
    after = {r.id: r.evidence_count for r in store.iter_relations(include_flagged=True)}
    assert all(after[rid] == count for rid, count in before.items())  # nothing counted twice
    assert len(after) == len(before) + 1
    stored = [store.get_document(i) for i in report.document_ids]
    assert all(d is not None and d.origin and str(tmp_path) not in d.origin for d in stored)


def test_records_of_one_json_lines_file_are_not_versions_of_each_other(
        store: GraphStore, tmp_path: Path) -> None:
    lines = tmp_path / "briefs.jsonl"
    lines.write_text(json.dumps({"title": "one", "text": "Russia funds Sputnik Serbia."}) + "\n"
                     + json.dumps({"title": "two", "text": "Gazprom Neft owns NIS."}) + "\n",
                     encoding="utf-8")
    report = ingest(store, [str(lines)])
    assert report.ok and report.documents_stored == 2 and store.stats().documents == 2


class CountingStore:
    """Delegates to a store, counting the documents of each write call."""

    def __init__(self, inner: GraphStore, refuse: str = "") -> None:
        self.inner = inner
        self.refuse = refuse
        self.writes: list[int] = []

    def upsert_documents(self, items, batch_size: int = 50):  # type: ignore[no-untyped-def]
        items = list(items)
        self.writes.append(len(items))
        if any(d.title == self.refuse for d, _ in items):
            from core.errors import InputError
            raise InputError(f"document {self.refuse!r} refused by the store")
        return self.inner.upsert_documents(items, batch_size=batch_size)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def _triple_file(folder: Path, i: int) -> Path:
    path = folder / f"links-{i:02d}.csv"
    path.write_text("subject,subject_type,predicate,object,object_type,source,date,evidence\n"
                    f"Russia,Country,funds,Outlet {i} Media,MediaOutlet,,,"
                    f"Russia funds Outlet {i} Media.\n", encoding="utf-8")
    return path


def test_ingest_writes_documents_in_batches_of_the_setting(store: GraphStore,
                                                          tmp_path: Path) -> None:
    from api.settings import Settings

    files = [str(_triple_file(tmp_path, i)) for i in range(7)]
    counting = CountingStore(store)
    seen: list[str] = []
    report = ingest(counting, files, Settings(write_batch=3),  # type: ignore[arg-type]
                    progress=lambda name, _: seen.append(name))
    assert counting.writes == [3, 3, 1]
    assert report.ok and report.documents_stored == 7 and store.stats().documents == 7
    assert sorted(seen) == sorted(files)  # progress once per stored document


def test_a_document_the_store_refuses_is_named_and_its_batch_is_stored(
        store: GraphStore, tmp_path: Path) -> None:
    from api.settings import Settings

    files = [_triple_file(tmp_path, i) for i in range(4)]
    counting = CountingStore(store, refuse="links-02.csv")
    report = ingest(counting, [str(f) for f in files],  # type: ignore[arg-type]
                    Settings(write_batch=10))
    assert counting.writes == [4, 1, 1, 1, 1]  # the batch, then one by one
    assert [name for name, _ in report.rejected] == [str(files[2])]
    assert report.documents_stored == 3 and store.stats().documents == 3


def _version(text: str) -> tuple[Document, list[Triple]]:
    doc = Document(id=text.replace(" ", "-").lower(), title=text, origin="file:same")
    triple = Triple(subject=Entity(id="country:russia", name="Russia", type="Country"),
                    predicate="funds",
                    object=Entity(id="mediaoutlet:sputnik", name="Sputnik", type="MediaOutlet"),
                    evidence=Evidence(sentence=text, document_id=doc.id))
    return doc, [triple]


def test_two_versions_of_one_origin_in_one_batch_keep_the_later(store: GraphStore) -> None:
    """As if written one after the other: the later version removes the earlier one (each
    removing the other would leave neither)."""
    report = IngestReport()
    writer = _Writer(store, report, None, batch=10)
    for text in ("Russia funds Sputnik", "Russia funds Sputnik again"):
        writer.write(text, *_version(text))
    writer.flush()
    assert [d.title for d in store.iter_documents()] == ["Russia funds Sputnik again"]
    assert report.documents_replaced == 1 and report.documents_stored == 2


def test_an_upload_of_several_documents_is_written_in_one_call(store: GraphStore) -> None:
    """Validated together and written together: a store failing midway leaves none."""
    from loaders.pipeline import ingest_upload

    data = (json.dumps({"title": "one", "text": "Russia funds Sputnik Serbia."}) + "\n"
            + json.dumps({"title": "two", "text": "Gazprom Neft owns a majority stake in NIS."})
            + "\n").encode()
    counting = CountingStore(store)
    stored = ingest_upload(counting, data, "briefs.jsonl", None)  # type: ignore[arg-type]
    assert counting.writes == [2]
    assert [d.title for d, _, _ in stored] == ["one", "two"]
    assert store.stats().documents == 2


class LookupDownStore:
    """Delegates to a store whose look-up of a file's earlier versions fails."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner

    def document_ids_from(self, origin: str) -> list[str]:
        raise StoreUnavailable("connection reset")

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def test_a_stored_batch_whose_earlier_versions_cannot_be_checked_is_stored_and_named(
        store: GraphStore, tmp_path: Path) -> None:
    files = [str(_triple_file(tmp_path, i)) for i in range(2)]
    report = ingest(LookupDownStore(store), files)  # type: ignore[arg-type]
    assert report.documents_stored == 2 and store.stats().documents == 2
    assert [name for name, _ in report.rejected] == files
    assert all(reason.startswith("stored, but") and "unavailable" in reason
               for _, reason in report.rejected)
