"""Paths: how one entity reaches another, hop by hop, each hop with its source sentence."""
from __future__ import annotations

from typing import Any

from graph.model import Entity, RelationFilter
from graph.store import GraphStore
from graph.traversal import find_paths
from service.entities import resolve
from service.views import EntityRef, EvidenceBrief, HopOut, PathOut, PathsOut

SCORE_DOC = (
    "A path's score is the product of the confidences of its hops (each hop's relation "
    "confidence is the noisy-or of its asserted evidence), so it is the chance that every "
    "link holds and a longer path never scores higher than its prefix; `weakest` is the "
    "lowest hop confidence and `sources` the distinct documents cited along the path. "
    "Paths are ordered by score, best first. In `mode=influence` an edge is walked only in "
    "the direction influence flows (the predicate's `influence` in the ontology: forward = "
    "subject → object, reverse = object → subject, both, none = never); `mode=any` walks "
    "every asserted edge either way. Only asserted relations are walked."
)


def _entity_ref(store: GraphStore, node: Any, cache: dict[str, EntityRef]) -> EntityRef:
    if isinstance(node, Entity):
        cache[node.id] = EntityRef.of(node)
        return cache[node.id]
    node_id = str(node)
    if node_id not in cache:
        found = store.get_entities([node_id])
        cache[node_id] = EntityRef.of(found[0]) if found else EntityRef(
            id=node_id, name=node_id, type="Organization")
    return cache[node_id]


def _node_id(node: Any) -> str:
    return node.id if isinstance(node, Entity) else str(node)


def _evidence(ev: Any) -> EvidenceBrief | None:
    if ev is None:
        return None
    return EvidenceBrief(sentence=ev.sentence, document_id=ev.document_id,
                         document_title=getattr(ev, "document_title", "") or "",
                         url=getattr(ev, "document_url", None), date=getattr(ev, "date", None),
                         past=getattr(ev, "past", False))


def path_out(store: GraphStore, path: Any, cache: dict[str, EntityRef]) -> PathOut:
    """Return the API view of a ``graph.traversal.Path``."""
    nodes = [_entity_ref(store, n, cache) for n in path.nodes]
    hops: list[HopOut] = []
    for hop in path.hops:
        src = _entity_ref(store, hop.source, cache)
        dst = _entity_ref(store, hop.target, cache)
        rel = hop.relation
        hops.append(HopOut(**{"from": _node_id(hop.source)}, to=_node_id(hop.target),
                           from_name=src.name, to_name=dst.name, predicate=rel.predicate,
                           direction=str(hop.direction), relation_id=rel.id,
                           confidence=rel.confidence, evidence=_evidence(hop.evidence)))
    weakest = path.weakest
    if not isinstance(weakest, (int, float)):
        weakest = getattr(getattr(weakest, "relation", weakest), "confidence", 0.0)
    sources = path.sources
    if isinstance(sources, int):
        sources = sorted({h.evidence.document_id for h in path.hops if h.evidence is not None})
    return PathOut(score=round(float(path.score), 6), weakest=float(weakest),
                   sources=[str(s) for s in sources], nodes=nodes, hops=hops)


def paths_between(store: GraphStore, source: str, target: str, k: int, max_hops: int,
                  mode: str, flt: RelationFilter) -> PathsOut:
    """Return the best ``k`` paths from ``source`` to ``target`` (names, aliases or ids)."""
    src = resolve(store, source)
    dst = resolve(store, target)
    found = find_paths(store, src.id, dst.id, k, max_hops, mode, flt)
    cache: dict[str, EntityRef] = {src.id: EntityRef.of(src), dst.id: EntityRef.of(dst)}
    missing = sorted({_node_id(n) for p in found for n in p.nodes} - set(cache))
    cache.update({e.id: EntityRef.of(e) for e in store.get_entities(missing)})  # one read
    return PathsOut(source=EntityRef.of(src), target=EntityRef.of(dst), mode=mode,  # type: ignore[arg-type]
                    score_doc=SCORE_DOC, paths=[path_out(store, p, cache) for p in found])
