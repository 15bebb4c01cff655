"""The browser explorer (``GET /``) and its static files, vis-network included (no CDN)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from publish import csp
from publish.render import legend, templates, vis_network_js

router = APIRouter(include_in_schema=False)

VIS_PATH = "vendor/vis-network.min.js"


@router.get("/static/" + VIS_PATH)
def vis_network() -> Response:
    """Return vis-network from the pyvis package (the other static files are mounted by
    ``api.app`` from ``publish/static``)."""
    return Response(vis_network_js(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", response_class=HTMLResponse)
def explorer() -> HTMLResponse:
    """Return the explorer page, with the ontology's legend embedded as JSON."""
    config = {"legend": legend(), "vis": f"/static/{VIS_PATH}"}
    html = templates().get_template("explorer.html").render(config=config)
    return HTMLResponse(html, headers={"Content-Security-Policy": csp.EXPLORER,
                                       "Cache-Control": "no-cache"})
