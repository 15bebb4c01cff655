"""Snapshots: freeze a selected subgraph (POST, API key), then serve it as a page, an embed
snippet, an SVG drawing and JSON, forever the same."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from api.deps import StoreDep, require_read, require_write
from api.schemas import error_responses
from core.errors import InputError, NotFound
from publish import csp
from publish.embeds import PNG_SCALES, embed_snippet, oembed, relations_csv, snapshot_png
from publish.payload import SnapshotPayload
from publish.render import snapshot_svg
from publish.snapshots import canonical_json, current_payload, rejected_since, snapshot_page
from service import snapshots as snapshot_service
from service.snapshots import SnapshotIn, get_snapshot, republish_snapshot, successor_of

router = APIRouter(tags=["snapshots"])

SidParam = Annotated[str, Path(min_length=1, max_length=80, description="Snapshot id")]
#: Published snapshots never change: caches may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A snapshot's page says when its relations were rejected later, and links to a
#: re-published version: cached for minutes (what it shows stays frozen).
PAGE_CACHE = "public, max-age=300"


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
    snap = snapshot_service.create_snapshot(store, body)
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
        for s in snapshot_service.list_snapshots(store, limit)])


def _headers(policy: str) -> dict[str, str]:
    return {"Cache-Control": IMMUTABLE, "Content-Security-Policy": policy}


@router.get("/s/{sid}.json", summary="The frozen data of a snapshot",
            responses=error_responses(404))
def snapshot_json(store: StoreDep, sid: SidParam) -> Response:
    """Return the snapshot record: id, created, title and the frozen payload (checked
    against ``SnapshotPayload``, served as stored: its bytes are what the id hashes)."""
    snap = get_snapshot(store, sid)
    SnapshotPayload.read(snap.payload)
    body = canonical_json({"id": snap.id, "created": snap.created, "title": snap.title,
                           "payload": snap.payload})
    return Response(body, media_type="application/json",
                    headers={**_headers(csp.FRAMEABLE_NO_SCRIPT), "Access-Control-Allow-Origin": "*"})


@router.get("/s/{sid}.svg", summary="A static drawing of a snapshot",
            responses=error_responses(404))
def snapshot_drawing(store: StoreDep, sid: SidParam) -> Response:
    """Return the SVG drawing of a snapshot, laid out on the server."""
    snap = get_snapshot(store, sid)
    return Response(snapshot_svg(snap.payload), media_type="image/svg+xml",
                    headers=_headers(csp.FRAMEABLE_NO_SCRIPT))


@router.get("/s/{sid}/embed", response_class=HTMLResponse,
            summary="The snippet embedding a snapshot", responses=error_responses(404))
def snapshot_embed(store: StoreDep, sid: SidParam, request: Request) -> HTMLResponse:
    """Return the responsive ``<iframe>`` snippet of a snapshot (paste it into an article)."""
    snap = get_snapshot(store, sid)
    url = f"{base_url(request)}/s/{snap.id}"
    return HTMLResponse(embed_snippet(url, snap.title), headers=_headers(csp.FRAMEABLE_NO_SCRIPT))


@router.get("/s/{sid}.csv", summary="The relations of a snapshot with their sources, as CSV",
            responses=error_responses(404))
def snapshot_csv(store: StoreDep, sid: SidParam) -> Response:
    """Return the CSV of a snapshot's relations, one row per source shown ("Get the data")."""
    snap = get_snapshot(store, sid)
    return Response(relations_csv(snap.payload), media_type="text/csv; charset=utf-8",
                    headers={**_headers(csp.FRAMEABLE_NO_SCRIPT), "Access-Control-Allow-Origin": "*",
                             "Content-Disposition": f'attachment; filename="snapshot-{sid[:12]}.csv"'})


@router.get("/s/{sid}.png", summary="A PNG image of a snapshot (social cards, print)",
            responses={**error_responses(404, 422), 200: {"content": {"image/png": {}}}})
def snapshot_image(store: StoreDep, sid: SidParam,
                   scale: Annotated[int, Query(description="1 or 2 (twice the pixels)")] = 1
                   ) -> Response:
    """Return the PNG of a snapshot's drawing at scale 1 or 2."""
    if scale not in PNG_SCALES:
        raise InputError(f"scale must be 1 or 2, not {scale}")
    snap = get_snapshot(store, sid)
    with _PNG_LOCK:
        png = _PNGS.get((snap.id, scale))
    if png is None:
        png = snapshot_png(snap.payload, scale)
        with _PNG_LOCK:
            _PNGS[(snap.id, scale)] = png
            while len(_PNGS) > PNG_CACHE:
                _PNGS.popitem(last=False)
    return Response(png, media_type="image/png", headers=_headers(csp.FRAMEABLE_NO_SCRIPT))


#: The last PNGs drawn (a snapshot id shows the same forever; drawing one takes seconds).
PNG_CACHE = 32
_PNGS: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_PNG_LOCK = threading.Lock()
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
    snap = get_snapshot(store, match.group(1))
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
    snap = get_snapshot(store, sid)
    html, policy = snapshot_page(snap.id, snap.payload, base_url(request), theme, plain, static,
                                 successor_of(store, snap.id),
                                 rejected_since(store, snap.payload))
    return HTMLResponse(html, headers={**_headers(policy), "Cache-Control": PAGE_CACHE})


@router.post("/api/snapshots/{sid}/republish", response_model=SnapshotOut,
             summary="Re-publish a snapshot with today's data",
             description="Builds the snapshot's query again on the current graph. With new "
                         "data, a new snapshot (a new id) that replaces the old one is stored "
                         "(201) and the old page links to it; with the same data the old "
                         "snapshot is answered unchanged (200). Needs a write key.",
             dependencies=[Depends(require_write)],
             responses=error_responses(400, 401, 403, 404))
def republish(store: StoreDep, sid: SidParam, request: Request) -> JSONResponse:
    """Re-publish a snapshot; return the new one (201) or the unchanged one (200)."""
    snap, changed = republish_snapshot(store, sid)
    url = f"{base_url(request)}/s/{snap.id}"
    out = SnapshotOut(id=snap.id, url=url, embed_html=embed_snippet(url, snap.title),
                      title=snap.title, created=snap.created)
    return JSONResponse(out.model_dump(), status_code=201 if changed else 200)


@router.get("/s/{sid}/current", response_class=HTMLResponse,
            summary="The query of a snapshot on the current graph",
            description="The same focus, paths and filters as the snapshot, drawn from the "
                        "graph as it is now (corrections included); not frozen, not stored.",
            responses=error_responses(404))
def snapshot_current(store: StoreDep, sid: SidParam, request: Request) -> HTMLResponse:
    """Return the page of a snapshot's query on the current graph."""
    snap = get_snapshot(store, sid)
    html, policy = snapshot_page(snap.id, current_payload(store, snap.payload),
                                 base_url(request), live=True)
    return HTMLResponse(html, headers={**_headers(policy), "Cache-Control": "no-store"})

