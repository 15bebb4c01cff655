"""Documents: ingest one (JSON text or URL, or a file upload), read one, delete one."""
from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import SettingsDep, StoreDep, require_read, require_write
from api.schemas import DeletedOut, DocumentIn, DocumentOut, IngestOut, error_responses
from core.errors import InputError, NotFound, UnsupportedMediaType
from core.limits import check_size
from service.ingest import ingest_document, ingest_file

router = APIRouter(prefix="/api/documents", tags=["documents"])

DocumentId = Annotated[str, Path(max_length=200, description="The document id (sha256 of its text)")]

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DocumentIn.model_json_schema()},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"},
                               "title": {"type": "string"}, "date": {"type": "string",
                                                                     "format": "date"},
                               "source": {"type": "string"}, "url": {"type": "string"}}}},
        },
    }
}


async def read_limited(request: Request, limit: int) -> bytes:
    """Return the request body, raising TooLarge as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        check_size("request body", int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        check_size("request body", size, limit, whole=False)
        chunks.append(chunk)
    return b"".join(chunks)


def _replay(request: Request, body: bytes) -> Request:
    """Return a request that reads ``body`` again (for the multipart parser)."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


@router.post("", response_model=IngestOut, status_code=201,
             summary="Ingest one document",
             description="JSON `{text | url, title, date, source}` or a multipart upload "
                         "(`file`, plus optional `title`, `date`, `source`, `url` fields) of "
                         "text, Markdown, HTML, PDF, JSON lines or a CSV/JSON-lines triple "
                         "file. The document is extracted and stored; the answer holds its id "
                         "and triples. Bodies over `INFLUENCE_MAX_UPLOAD_BYTES` are refused "
                         "with 413 while they are read; other content types with 415. Needs "
                         "a write key when `INFLUENCE_API_KEYS` is set.",
             dependencies=[Depends(require_write)], openapi_extra=UPLOAD_BODY,
             responses=error_responses(400, 401, 403, 413, 415))
async def post_document(request: Request, store: StoreDep, settings: SettingsDep) -> IngestOut:
    """Ingest one document from JSON or a file upload."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype not in {"application/json", "multipart/form-data"}:
        raise UnsupportedMediaType(f"content type {ctype or 'none'!r} is not supported: send "
                                   "application/json or multipart/form-data")
    limit = settings.max_upload_bytes
    body = await read_limited(request, limit + 64 * 1024 if ctype == "multipart/form-data"
                              else limit)
    if ctype == "application/json":
        try:
            payload = DocumentIn.model_validate(json.loads(body or b"null"))
        except (ValueError, ValidationError) as exc:
            raise InputError(f"invalid JSON body: {_short(exc)}") from None
        return await run_in_threadpool(ingest_document, store, settings, payload)
    form = await _replay(request, body).form(max_files=1, max_fields=10,
                                             max_part_size=1024 * 1024)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InputError("multipart body needs a `file` part")
    data = await upload.read()
    check_size(upload.filename or "upload", len(data), limit)
    meta = {k: form.get(k) for k in ("title", "date", "source", "url")}
    try:
        fields = DocumentIn.model_validate({k: v for k, v in meta.items() if isinstance(v, str)})
    except ValidationError as exc:
        raise InputError(f"invalid form field: {_short(exc)}") from None
    return await run_in_threadpool(ingest_file, store, settings, data,
                                   upload.filename or "upload", upload.content_type, fields)


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in exc.errors()[:5])
    return str(exc)[:300]


@router.get("/{document_id}", response_model=DocumentOut, summary="One stored document",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403, 404))
def get_document(store: StoreDep, document_id: DocumentId) -> DocumentOut:
    """Return a stored document's metadata."""
    doc = store.get_document(document_id)
    if doc is None:
        raise NotFound(f"no document with id {document_id!r}")
    return DocumentOut(**doc.model_dump())


@router.delete("/{document_id}", response_model=DeletedOut, summary="Delete a document",
               description="Removes the document, its evidence, and the relations and "
                           "entities only it supported. Needs a write key when "
                           "`INFLUENCE_API_KEYS` is set.",
               dependencies=[Depends(require_write)], responses=error_responses(401, 403, 404))
def delete_document(store: StoreDep, document_id: DocumentId) -> DeletedOut:
    """Delete a document and what only it supported."""
    if not store.remove_document(document_id):
        raise NotFound(f"no document with id {document_id!r}")
    return DeletedOut(id=document_id, deleted=True)
