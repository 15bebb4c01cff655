"""Relations: one relation with all its evidence."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import StoreDep, require_read
from api.schemas import RelationDetail, error_responses
from service.relations import relation_detail

router = APIRouter(prefix="/api/relations", tags=["relations"],
                   dependencies=[Depends(require_read)])


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
