"""Drawing graphs: pyvis networks rendered as self-contained HTML, layouts and SVG for snapshots.

Every text (names, sentences, titles) reaches the page as text: HTML goes through Jinja
templates with autoescape, graph data through a JSON data block that the page's own script
turns into DOM nodes with ``textContent``; the SVG is built with ElementTree, which escapes.
pyvis' own template is never used (it switches tooltips to innerHTML, leaves the heading
unescaped and references CDNs): we build the ``Network`` and render it ourselves, with the
vis-network script from pyvis' package inlined.
"""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.lookup import resolve_entity
from graph.model import Entity, EvidenceView, Relation, RelationFilter
from graph.store import GraphStore
from graph.traversal import neighbors
from ontology import get_ontology
from publish import csp
from publish.payload import SnapshotPayload

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")
#: How adversarial (polarity "-") edges differ from the others, in every drawing.
ADVERSARIAL: dict[str, Any] = {"color": "#c0392b", "dashes": True}
NEUTRAL_EDGE = "#7f8c8d"
FALLBACK_COLOR = "#bab0ac"
EVIDENCE_PER_EDGE = 3
LAYOUT_WIDTH = 1000
LAYOUT_HEIGHT = 700
_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# ---------------------------------------------------------------- assets


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """Return the vis-network script shipped in the pyvis package (never fetched from a CDN).

    Raises FileNotFoundError when pyvis is installed without its template files.
    """
    path = resources.files("pyvis").joinpath(*VIS_JS)
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


@lru_cache(maxsize=8)
def static_text(name: str) -> str:
    """Return the text of a file of ``publish/static`` (the page scripts and styles)."""
    return (STATIC / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def templates() -> Environment:
    """Return the Jinja environment of ``publish/templates`` (autoescape on for every file)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["safe_url"] = safe_url
    env.filters["css_color"] = css_color
    return env


def safe_url(url: Any) -> str | None:
    """Return ``url`` when it is an absolute http(s) URL, else None (no ``javascript:`` links)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in {"http", "https"} and parts.netloc else None


def css_color(color: Any) -> str:
    """Return ``color`` when it is a hex colour, else a neutral grey (nothing else reaches CSS)."""
    return color if isinstance(color, str) and _COLOR.match(color) else FALLBACK_COLOR


# ---------------------------------------------------------------- legend and styles


def legend(types: Iterable[str] | None = None, predicates: Iterable[str] | None = None
           ) -> dict[str, Any]:
    """Return the legend read from the ontology: type colours/shapes and predicate polarity.

    With ``types`` / ``predicates`` only those appear (in ontology order); else all.
    """
    onto = get_ontology()
    want_t = set(types) if types is not None else None
    want_p = set(predicates) if predicates is not None else None
    return {
        "types": {t.name: {"label": t.label or t.name, "color": css_color(t.color),
                           "shape": t.shape or "dot", "parent": t.parent}
                  for t in onto.types.values() if want_t is None or t.name in want_t},
        "predicates": {p.name: {"label": p.label or p.name, "polarity": p.polarity,
                                "symmetric": p.symmetric, "family": p.family}
                       for p in onto.predicates.values() if want_p is None or p.name in want_p},
        "adversarial": dict(ADVERSARIAL),
        "edge_color": NEUTRAL_EDGE,
    }


def node_style(type_name: str, leg: dict[str, Any]) -> dict[str, str]:
    """Return the vis-network colour and shape of an entity type."""
    info = leg["types"].get(type_name) or {}
    return {"color": css_color(info.get("color")), "shape": info.get("shape") or "dot"}


def edge_style(predicate: str, leg: dict[str, Any]) -> dict[str, Any]:
    """Return the vis-network colour, dashes and arrows of a predicate's edges."""
    info = leg["predicates"].get(predicate) or {}
    adversarial = info.get("polarity") == "-"
    return {"color": ADVERSARIAL["color"] if adversarial else NEUTRAL_EDGE,
            "dashes": bool(adversarial), "arrows": "" if info.get("symmetric") else "to",
            "adversarial": adversarial}


def evidence_text(ev: dict[str, Any]) -> str:
    """Return one evidence as a plain-text line: the sentence, its document and date."""
    where = ev.get("document_title") or (ev.get("document_id") or "")[:12]
    when = f", {ev['date']}" if ev.get("date") else ""
    former = " (former)" if ev.get("past") else ""
    return f"“{ev.get('sentence', '')}” — {where}{when}{former}"


def evidence_dict(ev: EvidenceView) -> dict[str, Any]:
    """Return the JSON form of an evidence as drawings and snapshots show it."""
    return {"sentence": ev.sentence, "document_id": ev.document_id,
            "document_title": ev.document_title or "", "url": ev.document_url,
            "date": ev.date.isoformat() if ev.date else None, "status": ev.status,
            **({"past": True} if ev.past else {})}


def shown_evidence(store: GraphStore, relation_id: str, limit: int = EVIDENCE_PER_EDGE
                   ) -> list[dict[str, Any]]:
    """Return the best evidence of a relation (asserted first), at most ``limit``."""
    evs = store.evidence(relation_id, limit=limit * 4)
    evs.sort(key=lambda e: e.status != "asserted")
    return [evidence_dict(e) for e in evs[:limit]]


# ---------------------------------------------------------------- pyvis


def build_network(entities: Sequence[Entity], relations: Sequence[Relation],
                  evidence: dict[str, list[dict[str, Any]]], leg: dict[str, Any]) -> Any:
    """Return a pyvis ``Network`` of these entities and relations.

    Tooltips (``title``) are plain text; the page turns them into text nodes.
    """
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    names = {e.id: e.name for e in entities}
    for e in entities:
        style = node_style(e.type, leg)
        tip = f"{e.name}\n{e.type}" + (f"\naka {', '.join(e.aliases)}" if e.aliases else "")
        net.add_node(e.id, label=e.name, title=tip, shape=style["shape"], color=style["color"])
    for r in relations:
        if r.subject not in names or r.object not in names:
            continue
        style = edge_style(r.predicate, leg)
        lines = [f"{names[r.subject]} — {r.predicate} → {names[r.object]}",
                 f"confidence {r.confidence:.2f}, {r.evidence_count} evidence"]
        lines += [evidence_text(ev) for ev in evidence.get(r.id, [])]
        net.add_edge(r.subject, r.object, id=r.id, label=r.predicate, title="\n".join(lines),
                     color=style["color"], dashes=style["dashes"], arrows=style["arrows"])
    net.toggle_physics(True)
    return net


def network_data(net: Any) -> dict[str, Any]:
    """Return the nodes, edges and options of a pyvis network as JSON-able data."""
    options = net.options if isinstance(net.options, dict) else json.loads(net.options.to_json())
    keep = ("id", "label", "title", "shape", "color", "group", "x", "y", "physics")
    nodes = [{k: n[k] for k in keep if k in n} for n in net.nodes]
    ekeep = ("id", "from", "to", "label", "title", "color", "dashes", "arrows")
    edges = [{k: e[k] for k in ekeep if k in e} for e in net.edges]
    return {"nodes": nodes, "edges": edges, "options": options}


def render_network_page(data: dict[str, Any], title: str, leg: dict[str, Any],
                        subtitle: str = "") -> tuple[str, str]:
    """Return (html, csp) of a self-contained page drawing ``data`` (see ``network_data``).

    The page inlines vis-network and the page script, and carries a CSP meta tag allowing
    only those two scripts; the CSP is also returned for the HTTP header.
    """
    scripts = [vis_network_js(), static_text("graph.js")]
    policy = csp.inline_page(scripts, frameable=False)
    html = templates().get_template("network.html").render(
        title=title, subtitle=subtitle, data=data, legend=leg,
        meta_csp=csp.inline_page(scripts, frameable=None), vis_js=scripts[0],
        page_js=scripts[1], css=static_text("graph.css"))
    return html, policy


def visualize(store: GraphStore, ref: str, hops: int = 1, flt: RelationFilter | None = None,
              limit: int = 150) -> tuple[str, str]:
    """Return (html, csp) of the pyvis drawing of the neighbourhood of entity ``ref``.

    Raises NotFound / Ambiguous for an unknown or ambiguous entity.
    """
    center = resolve_entity(store, ref)
    sub = neighbors(store, center.id, hops, flt or RelationFilter(), limit)
    evidence = {r.id: shown_evidence(store, r.id) for r in sub.relations}
    leg = legend({e.type for e in sub.entities}, {r.predicate for r in sub.relations})
    net = build_network(sub.entities, sub.relations, evidence, leg)
    subtitle = (f"{len(sub.entities)} entities and {len(sub.relations)} relations within "
                f"{hops} hop{'s' if hops != 1 else ''}")
    return render_network_page(network_data(net), f"Influence network of {center.name}",
                               leg, subtitle)


# ---------------------------------------------------------------- layout and SVG


def layout(node_ids: Sequence[str], edges: Iterable[tuple[str, str]],
           fixed: dict[str, tuple[float, float]] | None = None) -> dict[str, list[int]]:
    """Return integer positions (x, y) for every node, laid out by networkx (seeded).

    Positions lie in a LAYOUT_WIDTH x LAYOUT_HEIGHT box centred on 0; ``fixed`` positions
    (as the explorer showed them) are kept when every node has one.
    """
    import networkx as nx

    ids = list(node_ids)
    if fixed and all(i in fixed for i in ids):
        return {i: [round(fixed[i][0]), round(fixed[i][1])] for i in ids}
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(sorted(ids))
    g.add_edges_from(sorted((a, b) for a, b in edges if a in g and b in g))
    if len(ids) == 1:
        return {ids[0]: [0, 0]}
    pos = nx.spring_layout(g, seed=7, k=2.0 / math.sqrt(max(len(ids), 1)), iterations=100)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    # small graphs get a small box, so labels stay readable when the drawing is fitted
    width = min(LAYOUT_WIDTH, 220 * math.sqrt(len(ids)))
    height = min(LAYOUT_HEIGHT, 160 * math.sqrt(len(ids)))
    return {n: [round((p[0] - min(xs)) / span_x * width - width / 2),
                round((p[1] - min(ys)) / span_y * height - height / 2)]
            for n, p in pos.items()}


def _xml(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _shape(parent: ET.Element, shape: str, x: float, y: float, r: float, color: str) -> None:
    attrs = {"fill": color, "stroke": "#333", "stroke-width": "1"}
    if shape in {"square", "box"}:
        ET.SubElement(parent, "rect", {**attrs, "x": f"{x - r:.1f}", "y": f"{y - r:.1f}",
                                       "width": f"{2 * r:.1f}", "height": f"{2 * r:.1f}"})
        return
    corners = {"triangle": (3, -90), "triangleDown": (3, 90), "diamond": (4, 0),
               "hexagon": (6, 0), "star": (10, -90)}.get(shape)
    if corners is None:
        ET.SubElement(parent, "circle", {**attrs, "cx": f"{x:.1f}", "cy": f"{y:.1f}",
                                         "r": f"{r:.1f}"})
        return
    n, start = corners
    points = []
    for i in range(n):
        rr = r * (0.45 if shape == "star" and i % 2 else 1.0)
        a = math.radians(start + 360 * i / n)
        points.append(f"{x + rr * math.cos(a):.1f},{y + rr * math.sin(a):.1f}")
    ET.SubElement(parent, "polygon", {**attrs, "points": " ".join(points)})


NODE_RADIUS = 12


def svg_box(payload: SnapshotPayload | dict[str, Any]) -> tuple[float, float, float, float]:
    """Return (min x, min y, width, height) of the SVG drawing of a snapshot payload."""
    p = SnapshotPayload.read(payload)
    pad = 150
    xs = [n.x for n in p.nodes] or [0]
    ys = [n.y for n in p.nodes] or [0]
    return (min(xs) - pad, min(ys) - 40, max(xs) - min(xs) + 2 * pad,
            max(ys) - min(ys) + pad + 60)


def _svg_canvas(p: SnapshotPayload) -> tuple[ET.Element, tuple[float, float, float, float]]:
    """Return the ``<svg>`` element sized to the nodes (title, arrow markers, white ground)
    and its view box (x, y, width, height)."""
    min_x, min_y, width, height = svg_box(p)
    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", role="img",
                     viewBox=f"{min_x} {min_y} {width} {height}",
                     width=str(width), height=str(height))
    ET.SubElement(svg, "title").text = _xml(p.title or "Influence graph")
    defs = ET.SubElement(svg, "defs")
    for name, color in (("arrow", NEUTRAL_EDGE), ("arrow-adv", ADVERSARIAL["color"])):
        marker = ET.SubElement(defs, "marker", id=name, viewBox="0 0 10 10", refX="10",
                               refY="5", markerWidth="7", markerHeight="7", orient="auto")
        ET.SubElement(marker, "path", d="M0,0 L10,5 L0,10 z", fill=color)
    ET.SubElement(svg, "rect", x=str(min_x), y=str(min_y), width=str(width),
                  height=str(height), fill="#ffffff")
    return svg, (min_x, min_y, width, height)


def _svg_edges(svg: ET.Element, p: SnapshotPayload, leg: dict[str, Any]) -> None:
    """Draw each edge between its nodes' rims, with its predicate as title and label."""
    r = NODE_RADIUS
    pos = {n.id: (n.x, n.y) for n in p.nodes}
    edges_g = ET.SubElement(svg, "g", {"class": "edges", "font-family": "sans-serif",
                                       "font-size": "11"})
    for e in p.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        style = edge_style(e.predicate, leg)
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        attrs = {"x1": f"{x1 + ux * r:.1f}", "y1": f"{y1 + uy * r:.1f}",
                 "x2": f"{x2 - ux * (r + 2):.1f}", "y2": f"{y2 - uy * (r + 2):.1f}",
                 "stroke": style["color"], "stroke-width": "1.5"}
        if style["dashes"]:
            attrs["stroke-dasharray"] = "6 4"
        if style["arrows"]:
            attrs["marker-end"] = "url(#arrow-adv)" if style["adversarial"] else "url(#arrow)"
        line = ET.SubElement(edges_g, "line", attrs)
        ET.SubElement(line, "title").text = _xml(e.predicate)
        label = ET.SubElement(edges_g, "text", x=f"{(x1 + x2) / 2:.1f}",
                              y=f"{(y1 + y2) / 2 - 3:.1f}", fill=style["color"])
        label.set("text-anchor", "middle")
        label.text = _xml(e.predicate)


def _svg_nodes(svg: ET.Element, p: SnapshotPayload, leg: dict[str, Any]) -> None:
    """Draw each node in its type's shape and colour, named below."""
    r = NODE_RADIUS
    nodes_g = ET.SubElement(svg, "g", {"class": "nodes", "font-family": "sans-serif",
                                       "font-size": "13"})
    for n in p.nodes:
        style = node_style(n.type, leg)
        group = ET.SubElement(nodes_g, "g")
        ET.SubElement(group, "title").text = _xml(f"{n.name} ({n.type})")
        _shape(group, style["shape"], n.x, n.y, r, style["color"])
        text = ET.SubElement(group, "text", x=str(n.x), y=str(n.y + r + 14), fill="#222")
        text.set("text-anchor", "middle")
        text.text = _xml(n.name)


def snapshot_svg(payload: SnapshotPayload | dict[str, Any]) -> str:
    """Return a static SVG drawing of a snapshot payload at its frozen positions.

    Built with ElementTree, so every name and label is escaped XML text.
    """
    p = SnapshotPayload.read(payload)
    leg = p.legend_or_empty()
    svg, (min_x, min_y, _width, height) = _svg_canvas(p)
    _svg_edges(svg, p, leg)
    _svg_nodes(svg, p, leg)
    credit = " · ".join(x for x in (p.credit, p.data_date) if x)
    if credit:
        foot = ET.SubElement(svg, "text", x=str(min_x + 10), y=str(min_y + height - 12),
                             fill="#555")
        foot.set("font-family", "sans-serif")
        foot.set("font-size", "11")
        foot.text = _xml(credit)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)

