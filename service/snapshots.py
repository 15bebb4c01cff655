"""Snapshots: freeze a selected subgraph (its payload built by ``publish.snapshots``) and
read frozen ones back."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.errors import InputError
from graph.model import RelationFilter, Snapshot
from graph.store import GraphStore
from publish.snapshots import (
    MAX_FOCUS,
    MAX_HOPS,
    MAX_PATH_QUERIES,
    build_payload,
    load_snapshot,
    make_snapshot,
    republish,
)
from service.filters import relation_filter


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class PathPair(BaseModel):
    """Two entities whose best paths go into the snapshot."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=1000)
    target: str = Field(min_length=1, max_length=1000)


class FiltersIn(BaseModel):
    """The relation filters the snapshot was made with (names checked against the ontology)."""

    model_config = ConfigDict(extra="forbid")

    predicates: list[str] = Field(default_factory=list, max_length=100)
    types: list[str] = Field(default_factory=list, max_length=100)
    since: dt.date | None = None
    until: dt.date | None = None
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    def to_filter(self) -> RelationFilter:
        """Return the RelationFilter; raise InputError naming an unknown predicate or type."""
        return relation_filter(**self.model_dump())


class SnapshotIn(BaseModel):
    """What to freeze: focus entities and their neighbourhood, paths, filters, and the words
    shown with it."""

    model_config = ConfigDict(extra="forbid")

    focus: list[str] = Field(default_factory=list, max_length=MAX_FOCUS,
                             description="Entity ids, names or aliases")
    hops: int = Field(1, ge=0, le=MAX_HOPS, description="Neighbourhood depth (0: alone)")
    paths: list[PathPair] = Field(default_factory=list, max_length=MAX_PATH_QUERIES)
    k: int = Field(3, ge=1, le=10, description="Paths kept per pair")
    max_hops: int = Field(4, ge=1, le=6)
    mode: Literal["influence", "any"] = "influence"
    filters: FiltersIn = FiltersIn()
    title: str = Field("", max_length=200)
    caption: str = Field("", max_length=2000)
    credit: str = Field("", max_length=300)
    positions: dict[str, tuple[float, float]] | None = Field(
        None, description="Layout as shown (entity id → [x, y]); else laid out on the server")

    @model_validator(mode="before")
    @classmethod
    def _finite_numbers(cls, data: Any) -> Any:
        """Turn Infinity/NaN (which Python's JSON reader accepts) into a value that fails
        validation with a message, so the 422 body stays valid JSON."""
        return _finite(data)

    @field_validator("positions")
    @classmethod
    def _few_positions(cls, v: dict[str, tuple[float, float]] | None
                       ) -> dict[str, tuple[float, float]] | None:
        if v is None:
            return v
        if len(v) > 1000:
            raise ValueError("at most 1000 positions")
        if any(not math.isfinite(c) or abs(c) > 1e6 for xy in v.values() for c in xy):
            raise ValueError("positions must be finite numbers within ±1e6")
        return v


def create_snapshot(store: GraphStore, body: SnapshotIn) -> Snapshot:
    """Build, store and return the snapshot ``body`` asks for; raise InputError for an empty
    selection or an unknown predicate or type, NotFound / Ambiguous for an unknown entity."""
    flt = body.filters.to_filter()
    if not body.focus and not body.paths:
        raise InputError("give at least one focus entity or one path")
    payload = build_payload(store, body.focus, body.hops,
                            [(p.source, p.target) for p in body.paths], flt, body.title,
                            body.caption, body.credit, body.k, body.max_hops, body.mode,
                            body.positions)
    return make_snapshot(store, payload)


def list_snapshots(store: GraphStore, limit: int = 100) -> list[Snapshot]:
    """Return the stored snapshots, newest first."""
    return store.list_snapshots(limit)


def get_snapshot(store: GraphStore, sid: str) -> Snapshot:
    """Return the stored snapshot ``sid`` (NotFound when unknown)."""
    return load_snapshot(store, sid)


def republish_snapshot(store: GraphStore, sid: str) -> tuple[Snapshot, bool]:
    """Build snapshot ``sid`` again on today's graph; return (snapshot, changed): a new
    snapshot replacing it when the data changed, else the old one (see
    ``publish.snapshots.republish``)."""
    return republish(store, sid)


def successor_of(store: GraphStore, sid: str) -> str | None:
    """Return the id of the newest snapshot re-published from ``sid``, or None."""
    return store.snapshot_successor(sid)
