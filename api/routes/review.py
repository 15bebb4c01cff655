"""Review: an editor's judgements (write key; the key's name is the author), the log of
them and the duplicate candidates (read), export and import of judgements as JSON lines."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import EditorDep, StoreDep, require_read, require_write
from api.schemas import error_responses
from core.errors import InputError, NotFound, TooLarge
from graph.candidates import Candidate
from graph.judgements import Judgement, JudgementKind
from service.review import (
    ImportReport,
    candidates,
    export_judgements,
    import_judgements,
    judgement_log,
    make_judgement,
)

router = APIRouter(prefix="/api/review", tags=["review"])
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_OFFSET = 1_000_000_000  # SQLite integers stop at 2**63; no log is this long


class JudgementIn(BaseModel):
    """A judgement to make. ``entities`` by id, name or alias; ``relations`` by id.

    - merge: ``entities`` (the first survives), optional ``name``, ``type``
    - split: ``entities`` [the result of a merge]; distinct: ``entities`` [a, b]
    - rename: ``entities`` [e], ``name``; retype: ``entities`` [e], ``type``
    - alias-add / alias-remove: ``entities`` [e], ``alias``
    - confirm: ``relations`` [r]; reject: ``relations`` [r], ``reason``
    - change: ``relations`` [r], ``predicate`` and/or ``reverse``
    - add: ``entities`` [subject, object], ``predicate``, ``source`` (URL or stored document
      id), ``quote``, optional ``date``
    - undo: ``target`` (a judgement id)
    """

    model_config = ConfigDict(extra="forbid")

    kind: JudgementKind
    entities: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list,
                                                                    max_length=100)
    relations: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list,
                                                                   max_length=100)
    note: str | None = Field(default=None, max_length=2000)
    name: str | None = Field(default=None, max_length=1000)
    type: str | None = Field(default=None, max_length=100)
    alias: str | None = Field(default=None, max_length=1000)
    reason: str | None = Field(default=None, max_length=2000)
    predicate: str | None = Field(default=None, max_length=100)
    reverse: bool | None = None
    source: str | None = Field(default=None, max_length=2000)
    quote: str | None = Field(default=None, max_length=20_000)
    date: dt.date | None = None
    target: str | None = Field(default=None, max_length=100)


class JudgementsOut(BaseModel):
    """A page of the log, newest first."""

    judgements: list[Judgement]


class CandidatesOut(BaseModel):
    """Likely duplicate pairs, best first, each with its reasons."""

    candidates: list[Candidate]


@router.post("/judgements", response_model=Judgement, status_code=201,
             summary="Make a judgement (or undo one)",
             description="Merge, split, mark distinct, rename, retype, add or remove an alias "
                         "of entities; confirm, reject, change the predicate or direction of "
                         "relations, add one by hand with its citation; undo a judgement by "
                         "id. One transaction: on any error nothing changes. The author is "
                         "the name of the write key (`name:key` in INFLUENCE_API_KEYS).",
             responses=error_responses(400, 401, 403, 404, 409))
def post_judgement(store: StoreDep, author: EditorDep, body: JudgementIn) -> Judgement:
    """Make one judgement and return it."""
    params: dict[str, Any] = body.model_dump(exclude={"kind", "entities", "relations", "note"},
                                             exclude_none=True, mode="json")
    return make_judgement(store, body.kind, author, body.entities, body.relations, body.note,
                          **params)


@router.get("/judgements", response_model=JudgementsOut, summary="The log of judgements",
            description="Every judgement, newest first, undone ones marked with who undid "
                        "them and when.",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403))
def get_judgements(store: StoreDep,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                   offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> JudgementsOut:
    """Return a page of the log."""
    return JudgementsOut(judgements=judgement_log(store, limit, offset))


@router.get("/judgements/{judgement_id}", response_model=Judgement, summary="One judgement",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403, 404))
def get_judgement(store: StoreDep,
                  judgement_id: Annotated[str, Path(max_length=100)]) -> Judgement:
    """Return one judgement."""
    found = store.get_judgement(judgement_id)
    if found is None:
        raise NotFound(f"no judgement with the id {judgement_id!r}")
    return found


class ReviewsOut(BaseModel):
    """The relations an editor confirmed or rejected: review by relation id."""

    reviews: dict[str, str]


@router.get("/relations", response_model=ReviewsOut, summary="Reviewed relations",
            description="The review of every relation an active judgement confirmed or "
                        "rejected (the explorer styles edges with it).",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403))
def get_reviews(store: StoreDep) -> ReviewsOut:
    """Return the reviews of the reviewed relations."""
    return ReviewsOut(reviews=dict(store.overrides().reviews))


@router.get("/candidates", response_model=CandidatesOut, summary="Likely duplicates",
            description="Pairs of entities likely to be one (shared alias, acronym, similar "
                        "names, same type, shared neighbours), best first, each with its "
                        "reasons; pairs marked distinct are left out.",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403, 404, 409))
def get_candidates(store: StoreDep,
                   limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   entity: Annotated[str | None, Query(max_length=1000,
                                                       description="Only pairs with this "
                                                                   "entity")] = None,
                   ) -> CandidatesOut:
    """Return duplicate candidates."""
    return CandidatesOut(candidates=candidates(store, limit, entity))


@router.get("/export", summary="Export the judgements", response_class=StreamingResponse,
            description="Every judgement, oldest first, one JSON object a line, for "
                        "`POST /api/review/import` on another instance.",
            dependencies=[Depends(require_read)],
            responses={200: {"description": "JSON lines", "content": {"application/x-ndjson": {}}},
                       **error_responses(401, 403)})
def export_review(store: StoreDep) -> StreamingResponse:
    """Stream the judgements as JSON lines."""
    return StreamingResponse(export_judgements(store), media_type="application/x-ndjson",
                             headers={"Content-Disposition":
                                      'attachment; filename="judgements.jsonl"'})


@router.post("/import", response_model=ImportReport, summary="Import judgements",
             description="A JSON-lines export of judgements (the request body), made again "
                         "in order; those already here (same id) are skipped. Every line is "
                         "checked before the first is applied.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}}}}},
             dependencies=[Depends(require_write)],
             responses=error_responses(400, 401, 403, 413))
async def import_review(request: Request, store: StoreDep) -> ImportReport:
    """Import judgements from the body."""
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise TooLarge(f"body over {MAX_IMPORT_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8 JSON lines") from None
    return await run_in_threadpool(import_judgements, store, text.splitlines(), "body")
