"""The frozen data of a snapshot, typed: what ``build_payload`` makes, the store keeps (as
its JSON), the page, the SVG drawing and the JSON endpoint read back.

The stored form is the model's JSON (``frozen()``); a snapshot's id is the sha256 of its
canonical JSON, so a field is written only when the payloads that carry it need it (an
edge says ``confirmed`` only when an editor confirmed it). Payloads stored by other
versions keep fields unknown here (``extra="allow"``).
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_serializer
from pydantic_core.core_schema import SerializerFunctionWrapHandler

PAYLOAD_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="allow")


class PayloadNode(_Frozen):
    """An entity of the snapshot at its frozen position."""

    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    x: int | float
    y: int | float
    focus: bool = False


class PayloadEdge(_Frozen):
    """A relation of the snapshot with the evidence shown for it."""

    id: str
    source: str
    target: str
    predicate: str
    confidence: float
    status: str
    first_seen: str | None = None
    last_seen: str | None = None
    evidence_count: int = 0
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    confirmed: bool = False

    @model_serializer(mode="wrap")
    def _without_unconfirmed(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        if not data.get("confirmed"):
            data.pop("confirmed", None)
        return data


class PayloadPath(_Frozen):
    """One path found between a pair of the query, hop by hop."""

    source: str
    target: str
    nodes: list[str]
    relations: list[str]
    directions: list[str]
    score: float | None = None


class PayloadQuery(_Frozen):
    """What the snapshot was made of: focus, depth, path pairs and filters."""

    focus: list[str] = Field(default_factory=list)
    hops: int = 1
    paths: list[dict[str, str]] = Field(default_factory=list)
    k: int = 3
    max_hops: int = 4
    mode: str = "influence"
    filters: dict[str, Any] = Field(default_factory=dict)


class SnapshotPayload(_Frozen):
    """A snapshot's frozen data: its words, its query, nodes, edges, paths and legend."""

    version: int = PAYLOAD_VERSION
    title: str = ""
    caption: str = ""
    credit: str = ""
    data_date: str | None = None
    latest_evidence: str | None = None
    query: PayloadQuery = Field(default_factory=PayloadQuery)
    nodes: list[PayloadNode] = Field(default_factory=list)
    edges: list[PayloadEdge] = Field(default_factory=list)
    paths: list[PayloadPath] = Field(default_factory=list)
    legend: dict[str, Any] | None = Field(default_factory=lambda: {"types": {}, "predicates": {}})

    def legend_or_empty(self) -> dict[str, Any]:
        """Return the legend, or an empty one for a payload stored without it."""
        return self.legend or {"types": {}, "predicates": {}}

    @classmethod
    def read(cls, payload: SnapshotPayload | dict[str, Any]) -> SnapshotPayload:
        """Return ``payload`` as the model (a stored payload is validated)."""
        return payload if isinstance(payload, SnapshotPayload) else cls.model_validate(payload)

    def frozen(self) -> dict[str, Any]:
        """Return the JSON data that is stored, hashed into the id and served."""
        return self.model_dump(mode="json")
