"""Ingest and extract: files, folders, URLs, posted texts and uploads in, stored documents
with their triples out (``loaders.pipeline`` does the reading and the writing)."""
from __future__ import annotations

from pathlib import Path

from core.errors import InfluenceError, InputError
from core.settings import Settings
from graph.aggregate import unicode_problem
from graph.model import Document, Triple, UpsertResult
from graph.store import GraphStore
from loaders.documents import RDF_SUFFIXES, iter_path
from loaders.evaluation import evaluate
from loaders.extract import check_extractable, extract_documents, triples_json
from loaders.pipeline import (
    IngestReport,
    Progress,
    expand,
    ingest,
    ingest_fetched,
    ingest_upload,
    is_structured_input,
    read_structured,
    shared_nlp,
)
from service.views import DocumentIn, IngestOut

Stored = list[tuple[Document, list[Triple], UpsertResult]]


def count_inputs(inputs: list[str]) -> int:
    """Return how many files and URLs ``inputs`` name (folders walked)."""
    return len(expand(inputs, IngestReport()))


def ingest_inputs(store: GraphStore, inputs: list[str], settings: Settings,
                  progress: Progress | None = None, workers: int = 1) -> IngestReport:
    """Read, extract and store every file, folder and URL of ``inputs``, extracting in
    ``workers`` processes; return the report (a bad input is in its ``rejected``, never
    raised)."""
    return ingest(store, inputs, settings, progress, workers=workers)


def import_rdf(store: GraphStore, file: Path, settings: Settings) -> IngestReport:
    """Import an RDF export into the store; return the report. Raises InputError when the
    file is not named as RDF."""
    if file.suffix.lower() not in RDF_SUFFIXES:
        raise InputError(f"{file}: not an RDF file (expected one of "
                         f"{', '.join(sorted(RDF_SUFFIXES))})")
    return ingest(store, [str(file)], settings)


def extract_file(file: Path, settings: Settings) -> list[dict]:
    """Return the triples (as JSON rows) of one document file, extracted, or of a triple or
    RDF file, read as ingest would store them; nothing is stored."""
    if file.is_dir():
        raise InputError(f"{file}: is a folder; extract reads one file (ingest reads folders)")
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    rows: list[dict] = []
    if is_structured_input(str(file)):  # its triples are read as they are, not extracted
        for _document, triples in read_structured(str(file), settings):
            rows.extend(triples_json(triples))
        return rows
    docs = []
    for src in iter_path(file, settings):
        if isinstance(src, InfluenceError):
            raise src
        check_extractable(src, str(file))
        docs.append(src)
    for _document, triples in extract_documents(docs, shared_nlp(settings.spacy_model)):
        rows.extend(triples_json(triples))
    return rows


def evaluate_folder(docs: Path, gold: Path, settings: Settings) -> dict:
    """Return the scores of the extraction of every document of ``docs`` that a gold file
    of ``gold`` names (``loaders.evaluation.evaluate``); nothing is stored."""
    return evaluate(docs, gold, shared_nlp(settings.spacy_model), settings)


def ingest_out(items: Stored) -> IngestOut:
    """Return the answer of one ingested body: its first document and triples, and the ids
    of the others."""
    document, triples, result = items[0]
    return IngestOut(document_id=document.id, created=result.created, document=document,
                     triples=triples_json(triples), more=[d.id for d, _, _ in items[1:]])


def ingest_document(store: GraphStore, settings: Settings, payload: DocumentIn) -> IngestOut:
    """Extract and store a posted text, or the page at a posted URL; return what was stored.
    Raises InputError without either, or for text that is not valid Unicode."""
    if payload.text is not None and payload.text.strip():
        if problem := unicode_problem(payload.text):
            raise InputError(f"text is {problem}")
        data = payload.text.encode("utf-8")
        name = (payload.title or "document") + ".txt"
        items = ingest_upload(store, data, name, "text/plain", settings, url=payload.url,
                              title=payload.title, published=payload.date,
                              source=payload.source)
    elif payload.url:
        items = ingest_fetched(store, payload.url, settings, title=payload.title,
                               published=payload.date, source=payload.source)
    else:
        raise InputError("give `text` or `url`")
    return ingest_out(items)


def ingest_file(store: GraphStore, settings: Settings, data: bytes, name: str,
                content_type: str | None, fields: DocumentIn) -> IngestOut:
    """Extract and store an uploaded file with the metadata of ``fields``; return what was
    stored (raises like ``loaders.pipeline.ingest_upload``)."""
    items = ingest_upload(store, data, name, content_type, settings, url=fields.url,
                          title=fields.title, published=fields.date, source=fields.source)
    return ingest_out(items)
