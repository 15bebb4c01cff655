"""The browser explorer (``GET /``) and its static files, vis-network included (no CDN)."""
from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from core.errors import NotFound
from publish.render import STATIC, legend, templates, vis_network_js

router = APIRouter(include_in_schema=False)

#: The explorer runs only its own script files, talks only to this server, and may not be
#: framed by another site.
EXPLORER_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
VIS_PATH = "vendor/vis-network.min.js"


@router.get("/", response_class=HTMLResponse)
def explorer() -> HTMLResponse:
    """Return the explorer page, with the ontology's legend embedded as JSON."""
    config = {"legend": legend(), "vis": f"/static/{VIS_PATH}"}
    html = templates().get_template("explorer.html").render(config=config)
    return HTMLResponse(html, headers={"Content-Security-Policy": EXPLORER_CSP,
                                       "Cache-Control": "no-cache"})


@router.get("/static/{name:path}")
def static_file(name: Annotated[str, Path(max_length=200)]) -> Response:
    """Return a file of ``publish/static`` (or vis-network from the pyvis package); 404 else."""
    if name == VIS_PATH:
        return Response(vis_network_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})
    root = STATIC.resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(f"no static file {name!r}")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        media = "text/javascript"
    return Response(path.read_bytes(), media_type=media,
                    headers={"Cache-Control": "public, max-age=300"})
