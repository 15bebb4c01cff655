"""Entities: look one up, show it with its relations, search, walk its neighbourhood."""
from __future__ import annotations

from itertools import islice

from graph.lookup import resolve_entity
from graph.model import Entity, EvidenceView, Relation, RelationFilter
from graph.store import GraphStore
from graph.traversal import neighbors
from ontology import get_ontology
from service.views import (
    EntityDetail,
    EntityHit,
    EntityRef,
    EvidenceBrief,
    RelationSummary,
    SearchOut,
    SubgraphOut,
)

MAX_RELATIONS = 500


def resolve(store: GraphStore, ref: str) -> Entity:
    """Return the entity named by an id, name or alias (NotFound 404 / Ambiguous 409)."""
    return resolve_entity(store, ref)


def brief(e: EvidenceView | None) -> EvidenceBrief | None:
    """Return the short view of an evidence sentence, or None."""
    if e is None:
        return None
    return EvidenceBrief(sentence=e.sentence, document_id=e.document_id,
                         document_title=e.document_title, url=e.document_url, date=e.date,
                         past=e.past)


def entity_detail(store: GraphStore, entity: Entity) -> EntityDetail:
    """Return an entity with its relations in and out, each with its best sentence."""
    rels: list[Relation] = store.relations_of(entity.id, include_flagged=True,
                                              limit=MAX_RELATIONS + 1)
    cut = len(rels) > MAX_RELATIONS
    rels = rels[:MAX_RELATIONS]
    others = {e.id: e for e in store.get_entities(
        sorted({r.object if r.subject == entity.id else r.subject for r in rels}))}
    best = store.best_evidence([r.id for r in rels])
    out: list[RelationSummary] = []
    inn: list[RelationSummary] = []
    for r in rels:
        outgoing = r.subject == entity.id
        other_id = r.object if outgoing else r.subject
        other = others.get(other_id) or Entity(id=other_id, name=other_id, type="Organization")
        summary = RelationSummary(
            id=r.id, predicate=r.predicate, direction="out" if outgoing else "in",
            other=EntityRef.of(other), confidence=r.confidence, status=r.status,
            first_seen=r.first_seen, last_seen=r.last_seen, evidence_count=r.evidence_count,
            review=r.review, best_evidence=brief(best.get(r.id)))
        (out if outgoing else inn).append(summary)
    return EntityDetail(**entity.model_dump(), relations_out=out, relations_in=inn,
                        relations_truncated=cut)


def show(store: GraphStore, ref: str) -> EntityDetail:
    """Return the entity named by ``ref`` (id, name or alias) with its relations."""
    return entity_detail(store, resolve(store, ref))


def search(store: GraphStore, q: str, type: str | None = None, limit: int = 20) -> SearchOut:
    """Return the entities matching ``q`` (of ``type`` when given), best first; without
    ``q``, the first ``limit`` entities. Raises InputError for an unknown type."""
    if type is not None:
        get_ontology().type(type)
    if q.strip():
        hits = store.search_entities(q, type=type, limit=limit)
    else:
        ents = (e for e in store.iter_entities() if type is None or e.type == type)
        hits = [(e, 0.0) for e in islice(ents, limit)]
    return SearchOut(query=q, results=[
        EntityHit(id=e.id, name=e.name, type=e.type, aliases=e.aliases, score=round(s, 2))
        for e, s in hits])


def neighbourhood(store: GraphStore, ref: str, hops: int, flt: RelationFilter,
                  limit: int) -> SubgraphOut:
    """Return the subgraph within ``hops`` of the entity named by ``ref``: at most ``limit``
    entities (in the order the walk kept them) and the relations among them."""
    center = resolve(store, ref)
    sub = neighbors(store, center.id, hops, flt, limit + 1)  # one more: were there more?
    entities = sub.entities[:limit]
    kept = {e.id for e in entities}
    relations = [r for r in sub.relations if r.subject in kept and r.object in kept]
    return SubgraphOut(center=EntityRef.of(center), hops=hops, entities=entities,
                       relations=relations, truncated=len(sub.entities) > limit)
