"""Snapshots: freeze a selected subgraph (POST, API key), then serve it as a page, an embed
snippet, an SVG drawing and JSON, forever the same."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from pydantic import BaseModel

from api.deps import StoreDep, require_read, require_write
from api.schemas import error_responses
from publish import csp
from publish.payload import SnapshotPayload
from publish.render import snapshot_svg
from publish.snapshots import canonical_json, current_payload, rejected_since, snapshot_page
from service import snapshots as snapshot_service
from service.snapshots import SnapshotIn, get_snapshot

router = APIRouter(tags=["snapshots"])

SidParam = Annotated[str, Path(min_length=1, max_length=80, description="Snapshot id")]
#: Published snapshots never change: caches may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A snapshot's page says when its relations were rejected later: cached for minutes.
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


def embed_snippet(url: str, title: str) -> str:
    """Return the responsive ``<iframe>`` snippet embedding the snapshot page at ``url``."""
    return (f'<iframe src="{escape(url)}" title="{escape(title)}" loading="lazy" '
            f'style="width:100%;max-width:100%;aspect-ratio:4/3;min-height:420px;border:0" '
            f'allowfullscreen></iframe>')


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


@router.get("/s/{sid}", response_class=HTMLResponse, summary="A snapshot page",
            responses=error_responses(404))
def snapshot_html(store: StoreDep, sid: SidParam) -> HTMLResponse:
    """Return the self-contained page of a snapshot: graph, legend and cited relations,
    and a notice when an editor rejected some of them since (so the page is cached for
    minutes, not forever: its data stays frozen)."""
    snap = get_snapshot(store, sid)
    html, policy = snapshot_page(snap.id, snap.payload, rejected_since(store, snap.payload))
    return HTMLResponse(html, headers={**_headers(policy), "Cache-Control": PAGE_CACHE})


@router.get("/s/{sid}/current", response_class=HTMLResponse,
            summary="The query of a snapshot on the current graph",
            description="The same focus, paths and filters as the snapshot, drawn from the "
                        "graph as it is now (corrections included); not frozen, not stored.",
            responses=error_responses(404))
def snapshot_current(store: StoreDep, sid: SidParam) -> HTMLResponse:
    """Return the page of a snapshot's query on the current graph."""
    snap = get_snapshot(store, sid)
    html, policy = snapshot_page(snap.id, current_payload(store, snap.payload), live=True)
    return HTMLResponse(html, headers={**_headers(policy), "Cache-Control": "no-store"})

