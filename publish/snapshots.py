"""Snapshots: a selected subgraph frozen with its evidence, layout and legend, content-addressed.

``build_payload`` reads the store once (neighbourhoods of the focus entities, paths between
pairs, the evidence shown per relation) and returns plain JSON data; ``snapshot_id`` is the
sha256 of its canonical JSON. Pages, SVG and JSON of a snapshot are drawn from that payload
only, so nothing that later happens to the graph (a deleted document) changes them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from core.errors import InputError, NotFound
from graph.lookup import resolve_entity
from graph.model import Entity, Relation, RelationFilter, Snapshot
from graph.store import GraphStore
from graph.traversal import find_paths, neighbors
from publish import csp
from publish.embeds import describe, png_size
from publish.payload import (
    PayloadEdge,
    PayloadNode,
    PayloadPath,
    PayloadQuery,
    SnapshotPayload,
)
from publish.render import (
    edge_style,
    evidence_dict,
    evidence_text,
    layout,
    legend,
    node_style,
    shown_evidence,
    static_text,
    templates,
    vis_network_js,
)

MAX_FOCUS = 20
MAX_PATH_QUERIES = 10
MAX_NODES = 300
MAX_HOPS = 3


def canonical_json(payload: dict[str, Any]) -> str:
    """Return the canonical JSON of a payload: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def snapshot_id(payload: dict[str, Any]) -> str:
    """Return the content address of a payload: the sha256 hex of its canonical JSON."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass
class _Selection:
    """What a snapshot's query selects from the store, before it is laid out."""

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    focus_ids: list[str] = field(default_factory=list)
    paths: list[PayloadPath] = field(default_factory=list)
    hop_evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _check_query(focus: Sequence[str], hops: int, paths: Sequence[tuple[str, str]]) -> None:
    """Return None for a query a snapshot can take; raise InputError saying why not."""
    if not focus and not paths:
        raise InputError("a snapshot needs at least one focus entity or one path")
    if len(focus) > MAX_FOCUS or len(paths) > MAX_PATH_QUERIES:
        raise InputError(f"a snapshot takes at most {MAX_FOCUS} focus entities and "
                         f"{MAX_PATH_QUERIES} paths")
    if not 0 <= hops <= MAX_HOPS:
        raise InputError(f"hops must be between 0 and {MAX_HOPS}, not {hops}")


def _add_focus(store: GraphStore, focus: Sequence[str], hops: int, flt: RelationFilter,
               sel: _Selection) -> None:
    """Add each focus entity and its ``hops`` neighbourhood to ``sel``."""
    for ref in focus:
        center = resolve_entity(store, ref)
        sel.focus_ids.append(center.id)
        sel.entities.setdefault(center.id, center)
        if hops:
            sub = neighbors(store, center.id, hops, flt, MAX_NODES)
            for e in sub.entities:
                sel.entities.setdefault(e.id, e)
            for r in sub.relations:
                sel.relations.setdefault(r.id, r)


def _add_path_pairs(store: GraphStore, pairs: Sequence[tuple[str, str]], flt: RelationFilter,
                    k: int, max_hops: int, mode: str, sel: _Selection) -> None:
    """Add the best ``k`` paths of each pair, their entities, relations and hop evidence."""
    for source, target in pairs:
        src = resolve_entity(store, source)
        dst = resolve_entity(store, target)
        sel.entities.setdefault(src.id, src)
        sel.entities.setdefault(dst.id, dst)
        for path in find_paths(store, src.id, dst.id, k, max_hops, mode, flt):
            for hop in path.hops:
                sel.relations.setdefault(hop.relation.id, hop.relation)
                if hop.evidence is not None:
                    sel.hop_evidence.setdefault(hop.relation.id, []).append(
                        evidence_dict(hop.evidence))
            missing = [n for n in path.nodes if n not in sel.entities]
            for e in store.get_entities(missing):
                sel.entities[e.id] = e
            sel.paths.append(PayloadPath(
                source=src.id, target=dst.id, nodes=list(path.nodes),
                relations=[h.relation.id for h in path.hops],
                directions=[h.direction for h in path.hops], score=round(float(path.score), 6)))


def _edge(store: GraphStore, r: Relation, extra: list[dict[str, Any]]) -> PayloadEdge:
    shown = shown_evidence(store, r.id)
    for ev in extra:
        if ev not in shown:
            shown.insert(0, ev)
    # confirmed only when an editor confirmed it: payloads of unreviewed graphs keep their ids
    return PayloadEdge(id=r.id, source=r.subject, target=r.object, predicate=r.predicate,
                       confidence=round(r.confidence, 4), status=r.status,
                       first_seen=_date(r.first_seen), last_seen=_date(r.last_seen),
                       evidence_count=r.evidence_count, evidence=shown,
                       confirmed=r.review == "confirmed")


def _nodes(sel: _Selection, rels: Sequence[Relation],
           positions: dict[str, tuple[float, float]] | None) -> list[PayloadNode]:
    """Return the selected entities at their positions (given, else laid out)."""
    node_ids = sorted(sel.entities)
    pos = layout(node_ids, [(r.subject, r.object) for r in rels], positions)
    return [PayloadNode(id=i, name=sel.entities[i].name, type=sel.entities[i].type,
                        aliases=list(sel.entities[i].aliases), x=pos[i][0], y=pos[i][1],
                        focus=i in sel.focus_ids) for i in node_ids]


def build_payload(store: GraphStore, focus: Sequence[str], hops: int = 1,
                  paths: Sequence[tuple[str, str]] = (), flt: RelationFilter | None = None,
                  title: str = "", caption: str = "", credit: str = "", k: int = 3,
                  max_hops: int = 4, mode: str = "influence",
                  positions: dict[str, tuple[float, float]] | None = None,
                  today: dt.date | None = None) -> dict[str, Any]:
    """Return the frozen payload of a snapshot (``SnapshotPayload.frozen()``): nodes (with
    positions), edges with the evidence shown, the paths found, the legend, the query and
    the data date.

    ``focus`` are entity refs (ids, names, aliases) whose ``hops`` neighbourhood is taken
    (``hops`` 0: the entities alone); ``paths`` are (source, target) refs whose best ``k``
    paths are added. Raises InputError for an empty or oversized selection, NotFound /
    Ambiguous for an unknown entity.
    """
    flt = flt or RelationFilter()
    _check_query(focus, hops, paths)
    sel = _Selection()
    _add_focus(store, focus, hops, flt, sel)
    _add_path_pairs(store, paths, flt, k, max_hops, mode, sel)
    if len(sel.entities) > MAX_NODES:
        raise InputError(f"the selection has {len(sel.entities)} entities, over the limit of "
                         f"{MAX_NODES}: use fewer hops, focus entities or filters")
    rels = sorted((r for r in sel.relations.values()
                   if r.subject in sel.entities and r.object in sel.entities), key=lambda r: r.id)
    nodes = _nodes(sel, rels, positions)
    edges = [_edge(store, r, sel.hop_evidence.get(r.id, [])) for r in rels]
    query = PayloadQuery(focus=sel.focus_ids, hops=hops,
                         paths=[{"source": p[0], "target": p[1]} for p in paths], k=k,
                         max_hops=max_hops, mode=mode, filters=flt.model_dump(mode="json"))
    return SnapshotPayload(
        title=title.strip() or _default_title(sel), caption=caption.strip(),
        credit=credit.strip(),
        data_date=(today or dt.datetime.now(dt.UTC).date()).isoformat(),
        latest_evidence=max((e.last_seen for e in edges if e.last_seen), default=None),
        query=query, nodes=nodes, edges=edges, paths=sel.paths,
        legend=legend({n.type for n in nodes}, {e.predicate for e in edges}),
    ).frozen()


def _default_title(sel: _Selection) -> str:
    if sel.focus_ids:
        return "Influence network of " + ", ".join(sel.entities[i].name
                                                   for i in sel.focus_ids[:3])
    if sel.paths:
        return f"How {sel.entities[sel.paths[0].source].name} reaches " \
               f"{sel.entities[sel.paths[0].target].name}"
    return "Influence graph"


def make_snapshot(store: GraphStore, payload: SnapshotPayload | dict[str, Any]) -> Snapshot:
    """Store a payload as a snapshot (once: the same payload keeps its first record) and
    return the stored snapshot. Raises pydantic's ValidationError for a malformed payload."""
    typed = SnapshotPayload.read(payload)
    frozen = typed.frozen()
    sid = snapshot_id(frozen)
    existing = store.get_snapshot(sid)
    if existing is not None:
        return existing
    snap = Snapshot(id=sid, created=dt.datetime.now(dt.UTC).isoformat(
        timespec="seconds"), title=typed.title, payload=frozen)
    store.put_snapshot(snap)
    return store.get_snapshot(sid) or snap


#: What a re-published snapshot may differ in without showing new data.
_NOT_DATA = ("data_date", "replaces")


def republish(store: GraphStore, sid: str, today: dt.date | None = None
              ) -> tuple[Snapshot, bool]:
    """Build snapshot ``sid`` again from its query on today's graph; return (snapshot,
    changed). With new data the result is a new snapshot (a new id) that ``replaces`` the
    old one, whose page then links to it; with the same data, the old snapshot, unchanged.

    Raises NotFound for an unknown snapshot, or for an entity of its query that is gone,
    InputError when the selection grew past the limits.
    """
    old = load_snapshot(store, sid).payload
    query = old.get("query") or {}
    flt = RelationFilter(**(query.get("filters") or {}))
    positions = {n["id"]: (n["x"], n["y"]) for n in old.get("nodes", [])}
    payload = build_payload(store, query.get("focus", []), query.get("hops", 1),
                            [(p["source"], p["target"]) for p in query.get("paths", [])], flt,
                            old.get("title", ""), old.get("caption", ""), old.get("credit", ""),
                            query.get("k", 3), query.get("max_hops", 4),
                            query.get("mode", "influence"), positions, today)
    same = ({k: v for k, v in payload.items() if k not in _NOT_DATA}
            == {k: v for k, v in old.items() if k not in _NOT_DATA})
    if same:
        return load_snapshot(store, sid), False
    return make_snapshot(store, {**payload, "replaces": sid}), True


def load_snapshot(store: GraphStore, sid: str) -> Snapshot:
    """Return the snapshot with this id; raise NotFound when there is none."""
    if len(sid) != 64 or any(c not in "0123456789abcdef" for c in sid):
        raise NotFound(f"no snapshot with id {sid!r} (ids are 64 hex digits)")
    snap = store.get_snapshot(sid)
    if snap is None:
        raise NotFound(f"no snapshot with id {sid!r}")
    return snap


def rejected_since(store: GraphStore, payload: SnapshotPayload | dict[str, Any]) -> list[str]:
    """Return the ids of the relations of a snapshot that an editor rejected since."""
    ids = [e.id for e in SnapshotPayload.read(payload).edges]
    return [r.id for r in store.get_relations(ids) if r.status == "rejected"]


def current_payload(store: GraphStore, payload: SnapshotPayload | dict[str, Any]
                    ) -> dict[str, Any]:
    """Return the payload the query of a snapshot gives on the graph as it is now (its
    title, caption and credit kept; rejected relations left out as in any new snapshot)."""
    p = SnapshotPayload.read(payload)
    q = p.query
    return build_payload(
        store, q.focus, q.hops, [(pair["source"], pair["target"]) for pair in q.paths],
        RelationFilter.model_validate(q.filters), p.title, p.caption, p.credit, q.k,
        q.max_hops, q.mode, {n.id: (n.x, n.y) for n in p.nodes})


# ---------------------------------------------------------------- pages


def _numbered_relations(p: SnapshotPayload, leg: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the edges numbered as the page lists them, with their ends' names: those on
    a path first, in path order; the rest by names."""
    names = {n.id: n.name for n in p.nodes}
    edges = {e.id: e for e in p.edges}
    order: list[str] = []
    for path in p.paths:
        order += [r for r in path.relations if r in edges and r not in order]
    rest = sorted((e for e in edges if e not in order),
                  key=lambda i: (names.get(edges[i].source, ""), edges[i].predicate,
                                 names.get(edges[i].target, "")))
    relations = []
    for i, rid in enumerate(order + rest, 1):
        e = edges[rid]
        label = (leg["predicates"].get(e.predicate) or {}).get("label") or e.predicate
        relations.append({**e.model_dump(mode="json"), "number": i,
                          "source_name": names.get(e.source, e.source),
                          "target_name": names.get(e.target, e.target),
                          "predicate_label": label,
                          "adversarial": edge_style(e.predicate, leg)["adversarial"]})
    return relations


def _path_hops(p: SnapshotPayload, relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return each path of the snapshot hop by hop, with the number of each hop's relation."""
    names = {n.id: n.name for n in p.nodes}
    numbers = {r["id"]: r["number"] for r in relations}
    predicates = {e.id: e.predicate for e in p.edges}
    paths = []
    for path in p.paths:
        hops = [{"from_name": names.get(a, a), "to_name": names.get(b, b),
                 "predicate": predicates.get(rid, ""), "direction": direction,
                 "number": numbers.get(rid)}
                for a, b, rid, direction in zip(path.nodes, path.nodes[1:], path.relations,
                                                path.directions, strict=False)]
        paths.append({"hops": hops, "score": path.score})
    return paths


def _vis_data(p: SnapshotPayload, relations: list[dict[str, Any]],
              leg: dict[str, Any]) -> dict[str, Any]:
    """Return the vis-network data of the snapshot: frozen positions, no physics."""
    vis_nodes = [{"id": n.id, "label": n.name, "x": n.x, "y": n.y, "group": n.type,
                  "title": f"{n.name}\n{n.type}", "borderWidth": 3 if n.focus else 1,
                  **node_style(n.type, leg)} for n in p.nodes]
    vis_edges = []
    for r in relations:
        style = edge_style(r["predicate"], leg)
        head = (f"{r['number']}. {r['source_name']} — {r['predicate']} → "
                f"{r['target_name']}")
        tip = "\n".join([head] + [evidence_text(ev) for ev in r["evidence"]])
        vis_edges.append({"id": r["id"], "from": r["source"], "to": r["target"],
                          "label": r["predicate"], "title": tip, "color": style["color"],
                          "dashes": style["dashes"], "arrows": style["arrows"],
                          "width": 3 if r.get("confirmed") else 1})
    return {"nodes": vis_nodes, "edges": vis_edges, "fit": True,
            "options": {"physics": {"enabled": False}}}


def snapshot_view(payload: SnapshotPayload | dict[str, Any]
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Return (numbered relations, paths hop by hop, vis data) of a snapshot payload.

    Relations on a path come first, in path order; the rest by names.
    """
    p = SnapshotPayload.read(payload)
    leg = p.legend_or_empty()
    relations = _numbered_relations(p, leg)
    return relations, _path_hops(p, relations), _vis_data(p, relations, leg)


THEMES = ("light", "dark", "auto")


def snapshot_page(sid: str, payload: dict[str, Any], base: str = "", theme: str = "light",
                  plain: bool = False, static: bool = False, successor: str | None = None,
                  rejected: Sequence[str] = (), live: bool = False) -> tuple[str, str]:
    """Return (html, csp) of the self-contained page of a snapshot (frameable by any site).

    ``base`` is the service's public URL (for the social-card and oEmbed links); ``theme``
    light, dark or auto (the reader's ``prefers-color-scheme``); ``plain`` leaves out the
    title and credit (a CMS sets its own); ``static`` draws the SVG instead of the
    interactive graph (no physics, no drawing script); ``successor`` is the id of the
    snapshot re-published from this one, linked at the top; ``rejected``: the ids of its
    relations an editor rejected since it was published (the page says so and links to
    the same view of the current graph); ``live``: the page is that current view, not a
    frozen snapshot. Raises InputError for another theme.
    """
    if theme not in THEMES:
        raise InputError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
    p = SnapshotPayload.read(payload)
    relations, paths, data = snapshot_view(p)
    later = set(rejected)
    for r in relations:
        r["rejected_later"] = r["id"] in later
    scripts = [static_text("graph.js")] if static else [vis_network_js(), static_text("graph.js")]
    policy = csp.inline_page(scripts, frameable=True)
    page_url = f"{base}/s/{sid}"
    html = templates().get_template("snapshot.html").render(
        id=sid, p=p, relations=relations, paths=paths, data=data, live=live,
        rejected=[r["number"] for r in relations if r["rejected_later"]],
        current_url=f"{sid}/current",
        svg_url=f"{sid}.svg", json_url=f"{sid}.json", csv_url=f"{sid}.csv",
        png_url=f"{sid}.png", page_url=page_url, base=base,
        oembed_url=f"{base}/oembed?{urlencode({'url': page_url})}",
        png_abs=f"{page_url}.png?scale=2", png_size=png_size(payload, 2),
        description=describe(payload), theme=theme, plain=plain, static=static,
        successor=successor, replaces=payload.get("replaces"),
        css=static_text("graph.css"), scripts=scripts)
    return html, policy
