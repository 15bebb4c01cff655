"""Snapshots: freeze a selected subgraph (POST, API key), then serve it as a page, an embed
snippet, an SVG drawing and JSON, forever the same."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.deps import StoreDep, require_read, require_write
from api.schemas import error_responses
from graph.errors import InputError, NotFound
from graph.model import RelationFilter
from graph.embeds import PNG_SCALES, embed_snippet, oembed, relations_csv, snapshot_png
from graph.render import snapshot_svg
from graph.snapshots import (
    MAX_FOCUS,
    MAX_HOPS,
    MAX_PATH_QUERIES,
    build_payload,
    canonical_json,
    current_payload,
    load_snapshot,
    make_snapshot,
    rejected_since,
    republish,
    snapshot_page,
)

router = APIRouter(tags=["snapshots"])

SidParam = Annotated[str, Path(min_length=1, max_length=80, description="Snapshot id")]
#: Published snapshots never change: caches may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A snapshot's page says when its relations were rejected later, and links to a
#: re-published version: cached for minutes (what it shows stays frozen).
PAGE_CACHE = "public, max-age=300"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class PathPair(BaseModel):
    """Two entities whose best paths go into the snapshot."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=1000)
    target: str = Field(min_length=1, max_length=1000)


class FiltersIn(BaseModel):
    """The relation filters the snapshot was made with (names checked against the ontology)."""

    model_config = ConfigDict(extra="forbid")

    predicates: list[str] = Field(default_factory=list, max_length=100)
    types: list[str] = Field(default_factory=list, max_length=100)
    since: dt.date | None = None
    until: dt.date | None = None
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    def to_filter(self) -> RelationFilter:
        """Return the RelationFilter; raise InputError naming an unknown predicate or type."""
        from ontology import get_ontology

        onto = get_ontology()
        for p in self.predicates:
            onto.predicate(p)
        for t in self.types:
            onto.type(t)
        return RelationFilter(**self.model_dump())


class SnapshotIn(BaseModel):
    """What to freeze: focus entities and their neighbourhood, paths, filters, and the words
    shown with it."""

    model_config = ConfigDict(extra="forbid")

    focus: list[str] = Field(default_factory=list, max_length=MAX_FOCUS,
                             description="Entity ids, names or aliases")
    hops: int = Field(1, ge=0, le=MAX_HOPS, description="Neighbourhood depth (0: alone)")
    paths: list[PathPair] = Field(default_factory=list, max_length=MAX_PATH_QUERIES)
    k: int = Field(3, ge=1, le=10, description="Paths kept per pair")
    max_hops: int = Field(4, ge=1, le=6)
    mode: Literal["influence", "any"] = "influence"
    filters: FiltersIn = FiltersIn()
    title: str = Field("", max_length=200)
    caption: str = Field("", max_length=2000)
    credit: str = Field("", max_length=300)
    positions: dict[str, tuple[float, float]] | None = Field(
        None, description="Layout as shown (entity id → [x, y]); else laid out on the server")

    @model_validator(mode="before")
    @classmethod
    def _finite_numbers(cls, data: Any) -> Any:
        """Turn Infinity/NaN (which Python's JSON reader accepts) into a value that fails
        validation with a message, so the 422 body stays valid JSON."""
        return _finite(data)

    @field_validator("positions")
    @classmethod
    def _few_positions(cls, v: dict[str, tuple[float, float]] | None
                       ) -> dict[str, tuple[float, float]] | None:
        if v is None:
            return v
        if len(v) > 1000:
            raise ValueError("at most 1000 positions")
        if any(not math.isfinite(c) or abs(c) > 1e6 for xy in v.values() for c in xy):
            raise ValueError("positions must be finite numbers within ±1e6")
        return v


class SnapshotOut(BaseModel):
    """A stored snapshot: its id, page URL and the snippet to embed it."""

    id: str
    url: str
    embed_html: str
    title: str
    created: str


class SnapshotListItem(BaseModel):
    """One snapshot in the list."""

    id: str
    url: str
    title: str
    created: str
    nodes: int
    edges: int


class SnapshotList(BaseModel):
    """Snapshots, newest first."""

    snapshots: list[SnapshotListItem]


def base_url(request: Request) -> str:
    """Return the public base URL of the service (INFLUENCE_PUBLIC_URL or the request's)."""
    public = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


@router.post("/api/snapshots", response_model=SnapshotOut, status_code=201,
             summary="Freeze a subgraph into a snapshot",
             description="Takes the neighbourhood of the focus entities and the best paths "
                         "between the given pairs, with the evidence shown, the layout and "
                         "the data date, and stores them as an immutable snapshot whose id is "
                         "the sha256 of its content. Needs a write key.",
             dependencies=[Depends(require_write)],
             responses=error_responses(400, 401, 403, 404, 409))
def create_snapshot(store: StoreDep, body: SnapshotIn, request: Request) -> SnapshotOut:
    """Build, store and return a snapshot."""
    flt = body.filters.to_filter()
    if not body.focus and not body.paths:
        raise InputError("give at least one focus entity or one path")
    payload = build_payload(store, body.focus, body.hops,
                            [(p.source, p.target) for p in body.paths], flt, body.title,
                            body.caption, body.credit, body.k, body.max_hops, body.mode,
                            body.positions)
    snap = make_snapshot(store, payload)
    url = f"{base_url(request)}/s/{snap.id}"
    return SnapshotOut(id=snap.id, url=url, embed_html=embed_snippet(url, snap.title),
                       title=snap.title, created=snap.created)


@router.get("/api/snapshots", response_model=SnapshotList, summary="List snapshots",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403))
def list_snapshots(store: StoreDep, request: Request,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100) -> SnapshotList:
    """Return the stored snapshots, newest first."""
    base = base_url(request)
    return SnapshotList(snapshots=[
        SnapshotListItem(id=s.id, url=f"{base}/s/{s.id}", title=s.title, created=s.created,
                         nodes=len(s.payload.get("nodes", [])),
                         edges=len(s.payload.get("edges", [])))
        for s in store.list_snapshots(limit)])


def _headers(csp: str | None = None) -> dict[str, str]:
    headers = {"Cache-Control": IMMUTABLE}
    if csp:
        headers["Content-Security-Policy"] = csp
    return headers


#: Snapshots are published for embedding: any site may frame them; they run no script.
FRAMEABLE_NO_SCRIPT = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                       "frame-src 'self'; base-uri 'none'; frame-ancestors *")


@router.get("/s/{sid}.json", summary="The frozen data of a snapshot",
            responses=error_responses(404))
def snapshot_json(store: StoreDep, sid: SidParam) -> Response:
    """Return the snapshot record: id, created, title and the frozen payload."""
    snap = load_snapshot(store, sid)
    body = canonical_json({"id": snap.id, "created": snap.created, "title": snap.title,
                           "payload": snap.payload})
    return Response(body, media_type="application/json",
                    headers={**_headers(FRAMEABLE_NO_SCRIPT), "Access-Control-Allow-Origin": "*"})


@router.get("/s/{sid}.svg", summary="A static drawing of a snapshot",
            responses=error_responses(404))
def snapshot_drawing(store: StoreDep, sid: SidParam) -> Response:
    """Return the SVG drawing of a snapshot, laid out on the server."""
    snap = load_snapshot(store, sid)
    return Response(snapshot_svg(snap.payload), media_type="image/svg+xml",
                    headers=_headers(FRAMEABLE_NO_SCRIPT))


@router.get("/s/{sid}/embed", response_class=HTMLResponse,
            summary="The snippet embedding a snapshot", responses=error_responses(404))
def snapshot_embed(store: StoreDep, sid: SidParam, request: Request) -> HTMLResponse:
    """Return the responsive ``<iframe>`` snippet of a snapshot (paste it into an article)."""
    snap = load_snapshot(store, sid)
    url = f"{base_url(request)}/s/{snap.id}"
    return HTMLResponse(embed_snippet(url, snap.title), headers=_headers(FRAMEABLE_NO_SCRIPT))


@router.get("/s/{sid}.csv", summary="The relations of a snapshot with their sources, as CSV",
            responses=error_responses(404))
def snapshot_csv(store: StoreDep, sid: SidParam) -> Response:
    """Return the CSV of a snapshot's relations, one row per source shown ("Get the data")."""
    snap = load_snapshot(store, sid)
    return Response(relations_csv(snap.payload), media_type="text/csv; charset=utf-8",
                    headers={**_headers(FRAMEABLE_NO_SCRIPT), "Access-Control-Allow-Origin": "*",
                             "Content-Disposition": f'attachment; filename="snapshot-{sid[:12]}.csv"'})


@router.get("/s/{sid}.png", summary="A PNG image of a snapshot (social cards, print)",
            responses={**error_responses(404, 422), 200: {"content": {"image/png": {}}}})
def snapshot_image(store: StoreDep, sid: SidParam,
                   scale: Annotated[int, Query(description="1 or 2 (twice the pixels)")] = 1
                   ) -> Response:
    """Return the PNG of a snapshot's drawing at scale 1 or 2."""
    if scale not in PNG_SCALES:
        raise InputError(f"scale must be 1 or 2, not {scale}")
    snap = load_snapshot(store, sid)
    return Response(snapshot_png(snap.payload, scale), media_type="image/png",
                    headers=_headers(FRAMEABLE_NO_SCRIPT))


_SNAPSHOT_PATH = re.compile(r"^/s/([0-9a-f]{64})/?$")


@router.get("/oembed", summary="oEmbed: the embed code of a snapshot page",
            description="`url` is a snapshot page (`{base}/s/{id}`). Answers the oEmbed "
                        "1.0 JSON of type `rich`: html (the iframe and its resizing script), "
                        "width, height, title, author_name (the credit), provider and the "
                        "PNG thumbnail. Only `format=json` is served.",
            responses=error_responses(400, 404, 422))
def oembed_answer(store: StoreDep, request: Request,
                  url: Annotated[str, Query(min_length=1, max_length=2000)],
                  maxwidth: Annotated[int | None, Query(ge=50, le=10000)] = None,
                  maxheight: Annotated[int | None, Query(ge=50, le=10000)] = None,
                  format: Annotated[Literal["json"], Query()] = "json") -> JSONResponse:
    """Return the oEmbed JSON of the snapshot page at ``url``."""
    base = base_url(request)
    parts = urlsplit(url)
    match = _SNAPSHOT_PATH.match(parts.path)
    if parts.netloc != urlsplit(base).netloc or match is None:
        raise NotFound(f"{url!r} is not a snapshot page of this service ({base}/s/<id>)")
    snap = load_snapshot(store, match.group(1))
    body = oembed(f"{base}/s/{snap.id}", snap.title, snap.payload, base, maxwidth, maxheight)
    return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*",
                                       "Cache-Control": "public, max-age=86400"})


@router.get("/s/{sid}", response_class=HTMLResponse, summary="A snapshot page",
            responses=error_responses(404, 422))
def snapshot_html(store: StoreDep, sid: SidParam, request: Request,
                  theme: Annotated[Literal["light", "dark", "auto"], Query(
                      description="auto follows the reader's prefers-color-scheme")] = "light",
                  plain: Annotated[bool, Query(description="1: no title and credit")] = False,
                  static: Annotated[bool, Query(description="1: the SVG drawing, no physics "
                                                            "and no drawing script")] = False,
                  ) -> HTMLResponse:
    """Return the self-contained page of a snapshot: graph, legend and cited relations,
    a notice when an editor rejected some of them since, and a link to the re-published
    version when there is one (so the page is cached for minutes, not forever: its data
    stays frozen)."""
    snap = load_snapshot(store, sid)
    html, csp = snapshot_page(snap.id, snap.payload, base_url(request), theme, plain, static,
                              store.snapshot_successor(snap.id),
                              rejected_since(store, snap.payload))
    return HTMLResponse(html, headers={**_headers(csp), "Cache-Control": PAGE_CACHE})


@router.get("/s/{sid}/current", response_class=HTMLResponse,
            summary="The query of a snapshot on the current graph",
            description="The same focus, paths and filters as the snapshot, drawn from the "
                        "graph as it is now (corrections included); not frozen, not stored.",
            responses=error_responses(404))
def snapshot_current(store: StoreDep, sid: SidParam, request: Request) -> HTMLResponse:
    """Return the page of a snapshot's query on the current graph."""
    snap = load_snapshot(store, sid)
    html, csp = snapshot_page(snap.id, current_payload(store, snap.payload), base_url(request),
                              live=True)
    return HTMLResponse(html, headers={**_headers(csp), "Cache-Control": "no-store"})


@router.post("/api/snapshots/{sid}/republish", response_model=SnapshotOut,
             summary="Re-publish a snapshot with today's data",
             description="Builds the snapshot's query again on the current graph. With new "
                         "data, a new snapshot (a new id) that replaces the old one is stored "
                         "(201) and the old page links to it; with the same data the old "
                         "snapshot is answered unchanged (200). Needs a write key.",
             dependencies=[Depends(require_write)],
             responses=error_responses(400, 401, 403, 404))
def republish_snapshot(store: StoreDep, sid: SidParam, request: Request) -> JSONResponse:
    """Re-publish a snapshot; return the new one (201) or the unchanged one (200)."""
    snap, changed = republish(store, sid)
    url = f"{base_url(request)}/s/{snap.id}"
    out = SnapshotOut(id=snap.id, url=url, embed_html=embed_snippet(url, snap.title),
                      title=snap.title, created=snap.created)
    return JSONResponse(out.model_dump(), status_code=201 if changed else 200)
