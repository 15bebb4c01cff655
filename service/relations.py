"""Relations: one relation with its ends and all its evidence."""
from __future__ import annotations

from core.errors import NotFound
from graph.model import Entity
from graph.store import GraphStore
from service.views import EntityRef, EvidenceOut, RelationDetail


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
                            status=e.status, past=e.past, confidence=e.confidence, extractor=e.extractor)
                for e in store.evidence(rel.id, limit=1000)]
    return RelationDetail(**rel.model_dump(), subject_entity=ref(rel.subject),
                          object_entity=ref(rel.object), evidence=evidence)
