"""Entities: search, one entity with its relations, its neighborhood."""
from __future__ import annotations

from itertools import islice
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from api.deps import StoreDep, relation_filter_dep, require_read
from api.schemas import (
    EntityDetail,
    EntityHit,
    EntityRef,
    EvidenceBrief,
    RelationSummary,
    SearchOut,
    SubgraphOut,
    error_responses,
    json_response,
    type_enum,
)
from graph.model import Entity, EvidenceView, Relation, RelationFilter
from graph.store import GraphStore

router = APIRouter(prefix="/api/entities", tags=["entities"],
                   dependencies=[Depends(require_read)])

EntityTypeEnum = type_enum()
EntityParam = Annotated[str, Path(description="An entity id, or a name or alias of it",
                                  max_length=1000)]
MAX_RELATIONS = 500


def resolve(store: GraphStore, ref: str) -> Entity:
    """Return the entity named by an id, name or alias (NotFound 404 / Ambiguous 409)."""
    from graph.lookup import resolve_entity

    return resolve_entity(store, ref)


def brief(e: EvidenceView | None) -> EvidenceBrief | None:
    """Return the API view of an evidence sentence, or None."""
    if e is None:
        return None
    return EvidenceBrief(sentence=e.sentence, document_id=e.document_id,
                         document_title=e.document_title, url=e.document_url, date=e.date)


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


@router.get("", response_model=SearchOut, summary="Search entities by name or alias",
            description="Exact, prefix, then fuzzy matches of `q` against names and aliases "
                        "(case- and accent-insensitive), best first, with a score 0..100. "
                        "Without `q`, lists entities.",
            responses=error_responses(401, 403))
def search(store: StoreDep,
           q: Annotated[str, Query(max_length=200, description="Text to look for")] = "",
           type: Annotated[EntityTypeEnum | None,  # type: ignore[valid-type]
                           Query(description="Only entities of this type")] = None,
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> SearchOut:
    """Return the entities matching ``q``, best first."""
    type_name = type.value if type is not None else None
    if q.strip():
        hits = store.search_entities(q, type=type_name, limit=limit)
    else:
        ents = (e for e in store.iter_entities() if type_name is None or e.type == type_name)
        hits = [(e, 0.0) for e in islice(ents, limit)]
    return SearchOut(query=q, results=[
        EntityHit(id=e.id, name=e.name, type=e.type, aliases=e.aliases, score=round(s, 2))
        for e, s in hits])


@router.get("/{entity}", response_model=EntityDetail, summary="One entity and its relations",
            description="The entity (by id, name or alias) with aliases, type, external ids, "
                        "and its relations in and out, each with its evidence count and best "
                        "evidence sentence. Unknown → 404 and ambiguous → 409, both with "
                        "`suggestions`.",
            responses=error_responses(401, 403, 404, 409))
def get_entity(store: StoreDep, entity: EntityParam) -> Response:
    """Return one entity with its relations."""
    return json_response(entity_detail(store, resolve(store, entity)))


@router.get("/{entity}/neighbors", response_model=SubgraphOut,
            summary="The neighborhood of an entity",
            description="Entities within `hops` asserted relations of the entity, and the "
                        "relations among them, filtered by predicates, entity types, dates "
                        "and confidence; at most `limit` entities.",
            responses=error_responses(401, 403, 404, 409))
def neighbors(store: StoreDep, entity: EntityParam,
              flt: Annotated[RelationFilter, Depends(relation_filter_dep())],
              hops: Annotated[int, Query(ge=1, le=4)] = 1,
              limit: Annotated[int, Query(ge=1, le=2000)] = 200) -> Response:
    """Return the subgraph around an entity."""
    from graph.traversal import neighbors as walk

    center = resolve(store, entity)
    sub = walk(store, center.id, hops, flt, limit + 1)  # one more: were there more?
    entities = sub.entities[:limit]  # in the order the walk kept them
    kept = {e.id for e in entities}
    relations = [r for r in sub.relations if r.subject in kept and r.object in kept]
    return json_response(SubgraphOut(center=EntityRef.of(center), hops=hops,
                                     entities=entities, relations=relations,
                                     truncated=len(sub.entities) > limit))
