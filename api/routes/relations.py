"""Relations: one relation with all its evidence."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import StoreDep, require_read
from api.schemas import EntityRef, EvidenceOut, RelationDetail, error_responses
from graph.errors import NotFound
from graph.model import Entity
from graph.store import GraphStore

router = APIRouter(prefix="/api/relations", tags=["relations"],
                   dependencies=[Depends(require_read)])


def relation_detail(store: GraphStore, relation_id: str) -> RelationDetail:
    """Return a relation with its ends and every evidence (NotFound when unknown)."""
    rel = store.get_relation(relation_id)
    if rel is None:
        raise NotFound(f"no relation with id {relation_id!r}")
    ends = {e.id: e for e in store.get_entities([rel.subject, rel.object])}

    def ref(eid: str) -> EntityRef:
        return EntityRef.of(ends.get(eid) or Entity(id=eid, name=eid, type="Organization"))

    evidence = [EvidenceOut(id=e.id, sentence=e.sentence, document_id=e.document_id,
                            document_title=e.document_title, url=e.document_url, date=e.date,
                            start=e.start, end=e.end, page=e.page, attribution=e.attribution,
                            status=e.status, confidence=e.confidence, extractor=e.extractor)
                for e in store.evidence(rel.id, limit=1000)]
    return RelationDetail(**rel.model_dump(), subject_entity=ref(rel.subject),
                          object_entity=ref(rel.object), evidence=evidence)


@router.get("/{relation_id}", response_model=RelationDetail,
            summary="One relation and all its evidence",
            description="The relation, its subject and object, and every sentence that states "
                        "(or negates, hedges, attributes) it, with document title, url, date, "
                        "offsets, attribution and status.",
            responses=error_responses(401, 403, 404))
def get_relation(store: StoreDep,
                 relation_id: Annotated[str, Path(max_length=200)]) -> RelationDetail:
    """Return one relation with its evidence."""
    return relation_detail(store, relation_id)
