"""What only HTTP needs: JSON responses of validated answers, the error body of OpenAPI, the
enums of query parameters built from the ontology; and the answer models of
``service.views`` under the names the routes use.

The predicate and type enums are read from ``get_ontology()`` (never retyped here), so a
query parameter naming an unknown predicate or type is a 422 and the OpenAPI document
lists the vocabulary.
"""
from __future__ import annotations

import enum
from functools import lru_cache

from fastapi import Response
from pydantic import BaseModel, Field

from graph.model import Stats
from ontology import get_ontology
from service.views import (
    CommunitiesOut,
    CommunityOut,
    DeletedOut,
    DocumentIn,
    DocumentOut,
    EntityDetail,
    EntityHit,
    EntityRef,
    EvidenceBrief,
    EvidenceOut,
    ExportFormat,
    HealthOut,
    HopOut,
    IngestOut,
    OverviewOut,
    PathMode,
    PathOut,
    PathsOut,
    RankingsOut,
    RankItem,
    RankMetric,
    RelationDetail,
    RelationSummary,
    SearchOut,
    SubgraphOut,
)


def json_response(model: BaseModel) -> Response:
    """Return the JSON response of an answer already validated as its model.

    FastAPI would validate a returned model against the route's ``response_model`` again, in
    a second thread hop for sync routes, then serialize it twice; the hot read routes return
    this instead (the route still declares its ``response_model`` for the OpenAPI document).
    """
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")


@lru_cache(maxsize=1)
def predicate_enum() -> type[enum.Enum]:
    """Return the str Enum of the ontology's predicate names."""
    names = sorted(get_ontology().predicates)
    return enum.Enum("Predicate", {n: n for n in names}, type=str)  # type: ignore[return-value]


@lru_cache(maxsize=1)
def type_enum() -> type[enum.Enum]:
    """Return the str Enum of the ontology's entity type names."""
    names = sorted(get_ontology().types)
    return enum.Enum("EntityType", {n: n for n in names}, type=str)  # type: ignore[return-value]


class ErrorOut(BaseModel):
    """Every error body: a message, and "did you mean" names for unknown or ambiguous names."""

    detail: str
    suggestions: list[str] = Field(default_factory=list)


def error_responses(*codes: int) -> dict[int | str, dict]:
    """Return the OpenAPI ``responses`` entry of these error codes (and always 503)."""
    text = {400: "Bad input", 401: "API key missing", 403: "API key not accepted",
            404: "Not found (with suggestions when looked up by name)",
            409: "Ambiguous name (with the candidates as suggestions)",
            413: "Body over the upload limit", 415: "Unsupported content type",
            503: "The store cannot be reached"}
    return {c: {"model": ErrorOut, "description": text.get(c, "Error")}
            for c in sorted(set(codes) | {503})}



__all__ = [
    "CommunitiesOut", "CommunityOut", "DeletedOut", "DocumentIn", "DocumentOut", "EntityDetail",
    "EntityHit", "EntityRef", "ErrorOut", "EvidenceBrief", "EvidenceOut", "ExportFormat",
    "HealthOut", "HopOut", "IngestOut", "PathMode", "PathOut", "PathsOut", "RankItem",
    "RankMetric", "RankingsOut", "RelationDetail", "RelationSummary", "SearchOut", "Stats",
    "SubgraphOut", "error_responses", "json_response", "predicate_enum", "type_enum",
]
