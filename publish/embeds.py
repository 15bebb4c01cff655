"""What a snapshot offers a publisher besides its page: the responsive embed code, the
oEmbed answer, the one-sentence description (alt text, social cards), the CSV of its
relations with their sources, and its PNG image.

The embed code is an ``<iframe>`` and a small script: the snapshot page posts its height
(``{"type": "influence-graph:height", "height": h}``, and AMP's ``embed-size`` message) to
the page that frames it, and the script sizes the matching iframe. Without the script
(a CMS that strips it) the iframe keeps its fallback height and scrolls.
"""
from __future__ import annotations

import csv
import io
import math
from typing import Any

from markupsafe import escape

from core.errors import InputError
from publish.payload import SnapshotPayload
from publish.render import snapshot_svg, svg_box

#: The height (CSS pixels) of an embed before its page reports its own, or without script.
FALLBACK_HEIGHT = 640
#: How wide an oEmbed answer is when the consumer sets no maximum.
OEMBED_WIDTH = 800
PNG_SCALES = (1, 2)
HEIGHT_MESSAGE = "influence-graph:height"
#: The host-page script of the embed code: sizes the iframe whose window sent the height.
#: One listener per page, however many embeds it holds; the sender's origin must be the
#: iframe's.
_RESIZER = (
    "<script>(function(){if(window.influenceGraphEmbeds)return;window.influenceGraphEmbeds=1;"
    "window.addEventListener(\"message\",function(e){var d=e.data;"
    "if(!d||d.type!==\"" + HEIGHT_MESSAGE + "\")return;var h=Math.ceil(Number(d.height));"
    "if(!(h>50&&h<20000))return;var f=document.querySelectorAll(\"iframe[data-influence-graph]\");"
    "for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source&&"
    "new URL(f[i].src,location.href).origin===e.origin){f[i].style.height=h+\"px\";}}});"
    "})();</script>")


def embed_snippet(url: str, title: str, width: int | None = None,
                  height: int = FALLBACK_HEIGHT) -> str:
    """Return the embed code of the snapshot page at ``url``: the iframe (full width, or at
    most ``width`` pixels; ``height`` until the page reports its own) and the resizing
    script."""
    max_width = f"max-width:{int(width)}px;" if width else "max-width:100%;"
    return (f'<iframe src="{escape(url)}" title="{escape(title)}" data-influence-graph '
            f'loading="lazy" scrolling="auto" style="width:100%;{max_width}'
            f'height:{int(height)}px;border:0" allowfullscreen></iframe>' + _RESIZER)


def describe(payload: SnapshotPayload | dict[str, Any]) -> str:
    """Return one or two sentences saying what a snapshot shows: how many entities and
    relations, and its first path or its centre (the alt text and social description)."""
    snap = SnapshotPayload.read(payload)
    names = {n.id: n.name for n in snap.nodes}
    n_nodes, n_edges = len(snap.nodes), len(snap.edges)
    counts = (f"{n_nodes} {'entity' if n_nodes == 1 else 'entities'} and {n_edges} "
              f"{'relation' if n_edges == 1 else 'relations'}")
    predicates = {e.id: e.predicate for e in snap.edges}
    if snap.paths:
        path = snap.paths[0]
        steps = [names.get(path.nodes[0], "?")]
        for rid, direction, node in zip(path.relations, path.directions, path.nodes[1:],
                                        strict=False):
            pred = predicates.get(rid, "")
            arrow = f"—{pred}→" if direction == "forward" else f"←{pred}—"
            steps.append(f"{arrow} {names.get(node, '?')}")
        return (f"A graph of {counts} showing how {names.get(path.source, '?')} reaches "
                f"{names.get(path.target, '?')}. Strongest path: {' '.join(steps)}.")
    focus = [names[i] for i in snap.query.focus if i in names]
    if focus:
        hops = snap.query.hops
        around = ", ".join(focus[:3]) + (f" and {len(focus) - 3} more" if len(focus) > 3 else "")
        return (f"A graph of {counts} around {around}, within {hops} "
                f"{'hop' if hops == 1 else 'hops'}.")
    return f"A graph of {counts}."


def relations_csv(payload: SnapshotPayload | dict[str, Any]) -> str:
    """Return the CSV of a snapshot's relations, one row per source shown (a relation with
    no source shown has one row with empty source columns)."""
    snap = SnapshotPayload.read(payload)
    names = {n.id: n.name for n in snap.nodes}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["subject", "predicate", "object", "confidence", "status", "first_seen",
                     "last_seen", "evidence_count", "sentence", "document_title", "url",
                     "date", "evidence_status"])
    for e in snap.edges:
        head = [_cell(names.get(e.source, e.source)), e.predicate,
                _cell(names.get(e.target, e.target)), e.confidence, e.status,
                e.first_seen or "", e.last_seen or "", e.evidence_count]
        for ev in e.evidence or [{}]:
            writer.writerow(head + [_cell(ev.get("sentence", "")),
                                    _cell(ev.get("document_title", "")), ev.get("url") or "",
                                    ev.get("date") or "", ev.get("status", "")])
    return out.getvalue()


def _cell(text: Any) -> str:
    """Return text safe to open in a spreadsheet: a leading = + - @ cannot start a formula."""
    s = str(text)
    return "'" + s if s[:1] in {"=", "+", "-", "@", "\t", "\r"} else s


def png_size(payload: SnapshotPayload | dict[str, Any], scale: int = 1) -> tuple[int, int]:
    """Return (width, height) in pixels of the PNG of a snapshot at ``scale``."""
    _x, _y, width, height = svg_box(payload)
    return math.ceil(width * scale), math.ceil(height * scale)


def snapshot_png(payload: SnapshotPayload | dict[str, Any], scale: int = 1) -> bytes:
    """Return the PNG of a snapshot's SVG drawing at ``scale`` (1 or 2), of ``png_size``.

    Raises InputError for another scale.
    """
    # cairosvg is imported here: it loads the system cairo library, needed by this route only
    import cairosvg

    if scale not in PNG_SCALES:
        raise InputError(f"scale must be one of {', '.join(map(str, PNG_SCALES))}, not {scale}")
    width, height = png_size(payload, scale)
    return cairosvg.svg2png(bytestring=snapshot_svg(payload).encode("utf-8"),
                            output_width=width, output_height=height, unsafe=False)


def oembed(page_url: str, title: str, payload: SnapshotPayload | dict[str, Any],
           provider_url: str,
           maxwidth: int | None = None, maxheight: int | None = None) -> dict[str, Any]:
    """Return the oEmbed answer (type ``rich``) for the snapshot page at ``page_url``:
    the embed code sized within ``maxwidth`` x ``maxheight``, title, author (the credit),
    provider and the PNG thumbnail."""
    width = min(OEMBED_WIDTH, maxwidth) if maxwidth else OEMBED_WIDTH
    height = min(FALLBACK_HEIGHT, maxheight) if maxheight else FALLBACK_HEIGHT
    thumb_w, thumb_h = png_size(payload)
    if maxwidth and thumb_w > maxwidth or maxheight and thumb_h > maxheight:
        thumb = None
    else:
        thumb = {"thumbnail_url": f"{page_url}.png", "thumbnail_width": thumb_w,
                 "thumbnail_height": thumb_h}
    answer: dict[str, Any] = {
        "version": "1.0", "type": "rich", "title": title,
        "html": embed_snippet(page_url, title, width, height),
        "width": width, "height": height,
        "provider_name": "Influence Graph", "provider_url": provider_url + "/",
        "cache_age": 86400}
    credit = SnapshotPayload.read(payload).credit
    if credit:
        answer["author_name"] = credit
    return {**answer, **(thumb or {})}
