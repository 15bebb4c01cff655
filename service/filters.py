"""The relation filter of a request, its names checked against the ontology."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph.model import RelationFilter
from ontology import get_ontology


def relation_filter(predicates: Sequence[str] = (), types: Sequence[str] = (),
                    since: date | None = None, until: date | None = None,
                    min_confidence: float = 0.0) -> RelationFilter:
    """Return the RelationFilter of these values; raise InputError naming an unknown
    predicate or type (and the known ones)."""
    onto = get_ontology()
    for p in predicates:
        onto.predicate(p)
    for t in types:
        onto.type(t)
    return RelationFilter(predicates=list(predicates), types=list(types), since=since,
                          until=until, min_confidence=min_confidence)


def check_type(type: str | None) -> None:
    """Return None when ``type`` is None or an entity type of the ontology; raise
    InputError naming the known types otherwise."""
    if type:
        get_ontology().type(type)
