"""Ingestion: files, folders and URLs in, documents with their triples stored.

``ingest`` dispatches each input by kind — structured triple files to
``loaders.triples``, RDF to ``graph.rdf``, everything else through
``loaders.documents`` and the streaming extractor — and upserts the documents in batches,
one transaction each. A bad input is reported and skipped; the good ones are stored.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from core.errors import InfluenceError, InputError, StoreUnavailable, UnsupportedMediaType
from core.limits import check_size
from core.names import content_hash
from core.settings import Settings
from graph.aggregate import triple_relation_id, validate_document
from graph.model import Document, Triple, UpsertResult
from graph.rdf import RDF_SUFFIXES, rdf_bytes_to_documents, rdf_format, rdf_to_documents
from graph.store import GraphStore
from loaders.documents import (
    ACCEPTED_FORMATS,
    detect_kind,
    fetch_url,
    is_structured,
    iter_path,
    read_bytes,
)
from loaders.extract import check_extractable, extract_documents, load_nlp
from loaders.parallel import Prepare, extract_parallel
from loaders.source import origin_of
from loaders.triples import read_triple_bytes, read_triple_file

RETRIES = 3
BACKOFF = 0.5
XML_MEDIA_TYPES = {"application/xml", "text/xml"}
WRITE_TRIPLES = 5_000  # at most this many triples per write of an ingest ...
WRITE_SECONDS = 1.0  # ... and a document read waits at most about this long for its write


@dataclass
class IngestReport:
    """What an ingest read, stored and rejected."""

    documents_read: int = 0
    documents_stored: int = 0
    documents_created: int = 0
    triples: int = 0
    entity_ids: set[str] = field(default_factory=set)
    relation_ids: set[str] = field(default_factory=set)
    document_ids: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    documents_replaced: int = 0  # earlier versions from the same origin, removed

    @property
    def entities(self) -> int:
        """Return the number of distinct entities in the stored triples."""
        return len(self.entity_ids)

    @property
    def relations(self) -> int:
        """Return the number of distinct relations in the stored triples."""
        return len(self.relation_ids)

    @property
    def ok(self) -> bool:
        """Return True when no input was rejected."""
        return not self.rejected

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-able data."""
        return {"documents_read": self.documents_read, "documents_stored": self.documents_stored,
                "documents_created": self.documents_created,
                "documents_replaced": self.documents_replaced, "triples": self.triples,
                "entities": self.entities, "relations": self.relations,
                "rejected": [{"input": i, "reason": r} for i, r in self.rejected]}


Progress = Callable[[str, IngestReport], None]


@lru_cache(maxsize=2)
def shared_nlp(model: str | None = None) -> Any:
    """Return the spaCy pipeline ``model`` (the default one when None), loaded once per
    process."""
    return load_nlp(model)


def is_url(text: str) -> bool:
    """Return True when ``text`` is an http(s) URL."""
    return text.split("://", 1)[0].lower() in {"http", "https"}


def expand(inputs: Sequence[str], report: IngestReport) -> list[str]:
    """Return the files and URLs named by ``inputs`` (folders walked, hidden files skipped).

    Inputs that do not exist are added to ``report.rejected``.
    """
    out: list[str] = []
    for item in inputs:
        if is_url(item):
            out.append(item)
            continue
        p = Path(item)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*"))
                       if f.is_file() and not any(part.startswith(".")
                                                  for part in f.relative_to(p).parts))
        elif p.is_file():
            out.append(str(p))
        else:
            report.rejected.append((item, "no such file, folder or URL"))
    return out


def _record(report: IngestReport, document: Document, triples: Sequence[Triple],
            result: UpsertResult) -> None:
    report.documents_stored += 1
    report.documents_created += int(result.created)
    report.triples += len(triples)
    report.document_ids.append(document.id)
    for t in triples:
        report.entity_ids.update((t.subject.id, t.object.id))
        try:
            report.relation_ids.add(triple_relation_id(t))
        except KeyError:
            pass


class _Writer:
    """Stores the documents handed to it in batches of up to ``batch`` documents (fewer when
    they hold ``WRITE_TRIPLES`` triples, or when the first had waited ``WRITE_SECONDS`` by the
    time the next one came), one transaction each, retried with backoff while the store is
    unavailable."""

    def __init__(self, store: GraphStore, report: IngestReport, progress: Progress | None,
                 sleep: Callable[[float], None] | None = None, batch: int = 1) -> None:
        self.store = store
        self.report = report
        self.progress = progress
        self.sleep = sleep or time.sleep
        self.batch = max(1, batch)
        self.store_down = False
        self.pending: list[tuple[str, Document, Sequence[Triple]]] = []
        self.held = 0
        self.since = 0.0

    def write(self, name: str, document: Document, triples: Sequence[Triple]) -> None:
        """Queue one document for storing (rejected at once when invalid); the queue is
        written when full. Call ``flush`` after the last one."""
        self.report.documents_read += 1
        try:
            validate_document(document, triples)
        except InputError as exc:
            self.reject(name, str(exc))
            return
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((name, document, triples))
        self.held += len(triples)
        if len(self.pending) >= self.batch or self.held >= WRITE_TRIPLES or \
                time.monotonic() - self.since >= WRITE_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Store the queued documents in one transaction; on failure add (name, reason) of
        each to the report's rejected."""
        batch, self.pending, self.held = self.pending, [], 0
        if batch:
            self._store(batch)

    def _store(self, batch: list[tuple[str, Document, Sequence[Triple]]]) -> None:
        try:
            results = upsert_with_retry(self.store, [(d, t) for _, d, t in batch], self.sleep,
                                        tries=1 if self.store_down else RETRIES)
        except StoreUnavailable as exc:
            self.store_down = True
            for name, _, _ in batch:
                self.reject(name, f"store unavailable: {exc}")
            return
        except InputError as exc:
            if len(batch) == 1:
                self.reject(batch[0][0], str(exc))
                return
            # validated above, so the store itself refused one: one by one names it
            for item in batch:
                self._store([item])
            return
        self.store_down = False
        for i, ((name, document, triples), result) in enumerate(zip(batch, results)):
            _record(self.report, document, triples, result)
            # a later version of the same origin in this batch removes this one
            if not any(d.origin == document.origin for _, d, _ in batch[i + 1:]):
                try:
                    self.report.documents_replaced += len(drop_earlier_versions(self.store,
                                                                                document))
                except StoreUnavailable as exc:
                    self.store_down = True
                    self.reject(name, "stored, but the store became unavailable before its "
                                      f"earlier versions (if any) were removed: {exc}")
            if self.progress:
                self.progress(name, self.report)

    def read_failed(self, name: str, reason: str) -> None:
        """Record a document read but not extracted (its extraction raised, or its worker
        died)."""
        self.report.documents_read += 1
        self.reject(name, reason)

    def reject(self, name: str, reason: str) -> None:
        """Record a rejected input."""
        self.report.rejected.append((name, reason))
        if self.progress:
            self.progress(name, self.report)


def read_structured(path: str, settings: Settings | None = None
                    ) -> Iterator[tuple[Document, list[Triple]]]:
    """Yield the (document, triples) of a triple file or an RDF file."""
    if Path(path).suffix.lower() in RDF_SUFFIXES:
        yield from rdf_to_documents(path)
        return
    yield read_triple_file(path, settings)


def is_structured_input(path: str) -> bool:
    """Return True for a triple file (CSV/TSV, JSON lines of triples) or an RDF file: read
    as it is, not extracted. Raises InputError when the file cannot be read."""
    if Path(path).suffix.lower() in RDF_SUFFIXES:
        return True
    return is_structured(Path(path))


def _source_name(src: Any, default: str) -> str:
    for attr in ("path", "name", "url", "title"):
        value = getattr(src, attr, None)
        if value:
            return str(value)
    return default


def ingest(store: GraphStore, inputs: Sequence[str], settings: Settings | None = None,
           progress: Progress | None = None, nlp: Any = None, workers: int = 1,
           prepare: Prepare | None = None) -> IngestReport:
    """Read, extract and store every document named by ``inputs``; return what happened.

    Parameters
    ----------
    store : the store to write into, ``settings.write_batch`` documents per transaction.
    inputs : files, folders (walked) and http(s) URLs.
    settings : loader limits (sizes, timeouts); the environment's when None.
    progress : called with (input name, report so far) after each document is stored or
        an input rejected.
    nlp : a loaded spaCy pipeline; loaded once per process when needed and None.
    workers : extraction processes (``loaders.parallel``); 1 extracts in this process.
        The writes stay in this process, in the order of the inputs either way.
    prepare : run in each worker before a document is extracted (tests' hook), when
        ``workers`` > 1.

    Never raises for a bad input: each one is reported in ``rejected`` with its reason.
    """
    settings = settings or Settings()
    report = IngestReport()
    writer = _Writer(store, report, progress, batch=settings.write_batch)
    to_extract: list[str] = []
    for item in expand(inputs, report):
        if is_url(item):
            to_extract.append(item)
            continue
        try:
            structured = is_structured_input(item)
        except InfluenceError as exc:
            writer.reject(item, str(exc))
            continue
        if not structured:
            to_extract.append(item)
            continue
        try:
            for document, triples in read_structured(item, settings):
                writer.write(item, document, triples)
        except InfluenceError as exc:
            writer.reject(item, str(exc))
        except (OSError, ValueError) as exc:
            writer.reject(item, f"cannot read: {exc}")
    if to_extract:
        _extract_and_store(to_extract, settings, writer, nlp, workers, prepare)
    writer.flush()
    return report


def _extract_and_store(items: list[str], settings: Settings, writer: _Writer, nlp: Any,
                       workers: int = 1, prepare: Prepare | None = None) -> None:
    """Stream the documents of ``items`` through the extractor (in ``workers`` processes
    when more than one document is to be read) and store each one."""
    stream = _named_sources(items, settings, writer)
    head = list(islice(stream, 2 if workers > 1 else 1))
    if not head:
        return
    if workers > 1 and len(head) > 1:
        for name, outcome in extract_parallel(chain(head, stream), workers,
                                              settings.spacy_model, prepare):
            if isinstance(outcome, str):
                writer.read_failed(name, outcome)
            else:
                writer.write(name, *outcome)
        return
    names: dict[str, str] = {}

    def sources() -> Iterator[Any]:
        for name, src in chain(head, stream):
            names[src.id] = name
            yield src

    for document, triples in extract_documents(sources(), nlp or shared_nlp(settings.spacy_model)):
        writer.write(names.get(document.id, document.title or document.id), document, triples)


def _named_sources(items: list[str], settings: Settings, writer: _Writer
                   ) -> Iterator[tuple[str, Any]]:
    """Yield (name, source document) of each readable document of ``items``; the others
    are rejected through ``writer`` by name."""
    for item in items:
        try:
            if is_url(item):
                found: Iterable[Any] = fetched_pages(fetch_url(item, settings), item)
            else:
                found = iter_path(Path(item), settings)
            for src in found:
                if isinstance(src, InfluenceError):
                    writer.reject(_error_input(src, item), str(src))
                    continue
                name = _source_name(src, item)
                try:
                    check_extractable(src, name)
                except InputError as exc:
                    writer.reject(name, str(exc))
                    continue
                yield name, src
        except InfluenceError as exc:
            writer.reject(item, str(exc))
        except (OSError, ValueError) as exc:
            writer.reject(item, f"cannot read: {exc}")


def _error_input(exc: InfluenceError, default: str) -> str:
    return str(getattr(exc, "path", None) or getattr(exc, "input", None) or default)


def ingest_upload(store: GraphStore, data: bytes, name: str, content_type: str | None,
                  settings: Settings | None = None, *, url: str | None = None,
                  title: str | None = None, published: date | None = None,
                  source: str | None = None, nlp: Any = None,
                  ) -> list[tuple[Document, list[Triple], UpsertResult]]:
    """Read one uploaded body (a document, or a triple file), extract and store it.

    Returns (document, triples, result) per stored document. Raises InputError for an
    unreadable or unsupported body, TooLarge over the limit, StoreUnavailable when the
    store is down after retries.
    """
    settings = settings or Settings()
    check_size(name, len(data), settings.max_upload_bytes)
    items: list[tuple[Document, list[Triple]]]
    if fmt := _upload_rdf_format(data, name, content_type):
        items = list(rdf_bytes_to_documents(data, name, fmt))
        if not items:
            raise InputError(f"{name}: no relation in the ontology's vocabulary found in the RDF")
    elif _upload_is_triples(data, name):
        document, triples = read_triple_bytes(data, name, settings.max_upload_bytes)
        document = _override(document, title, published, source, url)
        items = [(_keep_stored(store, document, title, published, source, url), triples)]
    else:
        docs = read_bytes(data, name, content_type, url, settings)
        if not docs:
            raise InputError(f"{name}: no text found")
        _check_sources(name, docs)
        docs = [_keep_stored(store, _override(d, title, published, source), title, published,
                             source, url) for d in docs]
        items = [(d, list(t))
                 for d, t in extract_documents(docs, nlp or shared_nlp(settings.spacy_model))]
    return _store_all(store, name, items)


def ingest_fetched(store: GraphStore, url: str, settings: Settings | None = None, *,
                   title: str | None = None, published: date | None = None,
                   source: str | None = None, nlp: Any = None,
                   ) -> list[tuple[Document, list[Triple], UpsertResult]]:
    """Fetch one URL (with the loader's timeout, size and redirect limits), extract and store it.

    Returns (document, triples, result) per stored document; raises like ``ingest_upload``.
    """
    settings = settings or Settings()
    docs = fetched_pages(fetch_url(url, settings), url)
    if not docs:
        raise InputError(f"{url}: no text found")
    _check_sources(url, docs)
    docs = [_keep_stored(store, _override(d, title, published, source), title, published,
                         source, url) for d in docs]
    items = [(d, list(t))
             for d, t in extract_documents(docs, nlp or shared_nlp(settings.spacy_model))]
    return _store_all(store, url, items)


def fetched_pages(got: Any, url: str) -> list[Any]:
    """Return the documents ``fetch_url`` read from ``url``; a single one (a page) has the
    URL as its origin, so fetching it again after it changed replaces it. The records of a
    fetched JSON-lines body are excerpts, not versions of one another: no origin."""
    docs = got if isinstance(got, list) else [got]
    if len(docs) == 1 and not isinstance(docs[0], InfluenceError):
        return [_with(docs[0], {"origin": origin_of(url, None)})]
    return docs


def _check_sources(name: str, docs: Sequence[Any]) -> None:
    """Return None when the extractor can read every document of an upload; raise
    InputError naming the first it cannot (``check_extractable``)."""
    for i, d in enumerate(docs, start=1):
        check_extractable(d, f"document {i} of {name}" if len(docs) > 1 else name)


def _store_all(store: GraphStore, name: str, items: list[tuple[Document, list[Triple]]]
               ) -> list[tuple[Document, list[Triple], UpsertResult]]:
    """Return (document, triples, result) of each item stored, once every item has been
    validated: one invalid document of an upload rejects the upload, nothing written; the
    items are written together, so a store failing midway leaves none of them."""
    for i, (d, t) in enumerate(items, start=1):
        try:
            validate_document(d, t)
        except InputError as exc:
            which = f"document {i} of {name}" if len(items) > 1 else name
            raise InputError(f"{which}: {exc}") from None
    stored = [(d, t, r) for (d, t), r in zip(items, upsert_with_retry(store, items))]
    for d, _, _ in stored:
        drop_earlier_versions(store, d)
    return stored


def _override(src: Any, title: str | None, published: date | None, source: str | None,
              url: str | None = None) -> Any:
    """Return the source document with the caller's metadata where given."""
    given = {"title": title, "published": published, "source": source, "url": url}
    return _with(src, {k: v for k, v in given.items() if v})


def _keep_stored(store: GraphStore, src: Any, title: str | None, published: date | None,
                 source: str | None, url: str | None) -> Any:
    """Return the document with the metadata already stored for the same text where the
    caller gave none: posting a text again without its title, date or link keeps them
    (the date also dates the evidence)."""
    stored = store.get_document(src.id)
    if stored is None:
        return src
    changes: dict[str, Any] = {}
    if not title and stored.title:
        changes["title"] = stored.title
    for name, given in (("published", published), ("source", source), ("url", url),
                        ("author", None)):
        if not given and not getattr(src, name, None) and getattr(stored, name):
            changes[name] = getattr(stored, name)
    return _with(src, changes)


def _with(src: Any, changes: dict[str, Any]) -> Any:
    """Return ``src`` (a SourceDocument or a Document) with ``changes``."""
    if not changes:
        return src
    if hasattr(src, "model_copy"):
        return src.model_copy(update=changes)
    return dataclasses.replace(src, **changes)


def _upload_rdf_format(data: bytes, name: str, content_type: str | None) -> str | None:
    """Return rdflib's format of an uploaded RDF body (by suffix or media type, as the CLI
    reads files; XML naming the RDF namespace at its root is RDF/XML), or None for a body
    that is not RDF. Raises UnsupportedMediaType for other XML, which no reader takes."""
    if fmt := rdf_format(name, content_type):
        return fmt
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    is_xml = (mime in XML_MEDIA_TYPES or Path(name).suffix.lower() == ".xml"
              or (head.startswith(b"<?xml") and detect_kind(data, name, content_type) == "text"))
    if not is_xml:
        return None
    if b"http://www.w3.org/1999/02/22-rdf-syntax-ns#" in head and b":RDF" in head:
        return "xml"
    raise UnsupportedMediaType(f"{name}: XML that is not RDF/XML is not read; accepted formats: "
                               f"{ACCEPTED_FORMATS}")


def _upload_is_triples(data: bytes, name: str) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return True
    if suffix in {".jsonl", ".ndjson"}:
        head = data.lstrip()[:2000].split(b"\n", 1)[0]
        return b'"subject"' in head and b'"predicate"' in head
    return False


def drop_earlier_versions(store: GraphStore, document: Document) -> list[str]:
    """Remove the other stored documents of ``document``'s origin (earlier versions of the
    same file or URL; this one is stored already, so a crash in between leaves both, as
    before); return their ids."""
    if not document.origin:
        return []
    earlier = [i for i in store.document_ids_from(document.origin) if i != document.id]
    for doc_id in earlier:
        store.remove_document(doc_id)
    return earlier


def upsert_with_retry(store: GraphStore, items: Sequence[tuple[Document, Sequence[Triple]]],
                      sleep: Callable[[float], None] | None = None,
                      tries: int = RETRIES) -> list[UpsertResult]:
    """Upsert ``items`` in one ``upsert_documents`` call (one transaction while they hold at
    most a store's batch of triples), tried ``tries`` times with backoff while the store is
    unavailable; return their results."""
    retrying = Retrying(retry=retry_if_exception_type(StoreUnavailable),
                        stop=stop_after_attempt(tries), wait=wait_exponential(multiplier=BACKOFF),
                        sleep=sleep or time.sleep, reraise=True)
    return retrying(store.upsert_documents, items, batch_size=max(1, len(items)))
