"""Pydantic models of what the operations return: the API serializes them, the CLI prints
them (``--json``: the same objects)."""
from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graph.model import Document, Entity, Relation, Review, Stats

ExportFormat = Literal["ttl", "jsonld", "graphml", "gexf", "ftm", "csv"]
RankMetric = Literal["pagerank", "betweenness", "degree"]
PathMode = Literal["influence", "any"]


class HealthOut(BaseModel):
    """Liveness of the service and of its store."""

    status: Literal["ok", "degraded"]
    store: Literal["ok", "unavailable"]
    version: str


class EntityRef(BaseModel):
    """An entity named in another answer: enough to show and link it."""

    id: str
    name: str
    type: str

    @classmethod
    def of(cls, e: Entity) -> EntityRef:
        """Return the reference of an entity."""
        return cls(id=e.id, name=e.name, type=e.type)


class EntityHit(EntityRef):
    """A search result, with its match score (0..100, best first)."""

    aliases: list[str] = Field(default_factory=list)
    score: float


class SearchOut(BaseModel):
    """Entities matching a query, best first."""

    query: str
    results: list[EntityHit]


class EvidenceBrief(BaseModel):
    """The best sentence of a relation and where it comes from."""

    sentence: str
    document_id: str
    document_title: str = ""
    url: str | None = None
    date: dt.date | None = None
    past: bool = False  # the relation held before the sentence was written ("former")


class RelationSummary(BaseModel):
    """A relation as seen from one of its ends."""

    id: str
    predicate: str
    direction: Literal["out", "in"]
    other: EntityRef
    confidence: float
    status: str
    first_seen: date | None = None
    last_seen: date | None = None
    evidence_count: int
    review: Review = "unreviewed"
    best_evidence: EvidenceBrief | None = None


class EntityDetail(Entity):
    """An entity with its relations in and out."""

    relations_out: list[RelationSummary]
    relations_in: list[RelationSummary]
    relations_truncated: bool = Field(
        False, description="True when the entity has more relations than the 500 with "
                           "the most evidence listed here; `/neighbors` reaches 2,000 "
                           "entities")


class SubgraphOut(BaseModel):
    """The neighborhood of an entity: entities and the relations among them."""

    center: EntityRef
    hops: int
    entities: list[Entity]
    relations: list[Relation]
    truncated: bool = False


class EvidenceOut(BaseModel):
    """One piece of evidence of a relation, with its document."""

    id: str
    sentence: str
    document_id: str
    document_title: str = ""
    url: str | None = None
    date: dt.date | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    attribution: str | None = None
    status: str
    past: bool = False  # the relation held before the sentence was written ("former")
    confidence: float
    extractor: str


class RelationDetail(Relation):
    """A relation, its two ends and all its evidence."""

    subject_entity: EntityRef
    object_entity: EntityRef
    evidence: list[EvidenceOut]


class HopOut(BaseModel):
    """One edge of a path, walked ``from`` → ``to``; ``direction`` says whether that is the
    relation's own direction (subject → object, "forward") or against it ("reverse")."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    from_name: str
    to_name: str
    predicate: str
    direction: str
    relation_id: str
    confidence: float
    evidence: EvidenceBrief | None = None


class PathOut(BaseModel):
    """One path: its hops in order, its score, its weakest hop's confidence, its documents."""

    score: float
    weakest: float
    sources: list[str]
    nodes: list[EntityRef]
    hops: list[HopOut]


class PathsOut(BaseModel):
    """The best paths between two entities."""

    source: EntityRef
    target: EntityRef
    mode: PathMode
    score_doc: str
    paths: list[PathOut]


class RankItem(EntityRef):
    """An entity and its score under a ranking metric."""

    score: float


class OverviewOut(BaseModel):
    """What the explorer opens on: the counts, the most central entities (PageRank) with
    the relations among them, and the latest documents."""

    stats: Stats
    entities: list[RankItem]
    relations: list[Relation]
    documents: list[Document]


class RankingsOut(BaseModel):
    """Entities ranked by a centrality metric, best first."""

    metric: RankMetric
    results: list[RankItem]


class CommunityOut(BaseModel):
    """One community: its members, largest first."""

    id: int
    size: int
    members: list[EntityRef]


class CommunitiesOut(BaseModel):
    """The communities of the asserted graph."""

    communities: list[CommunityOut]


class DocumentIn(BaseModel):
    """A document to ingest by JSON: its text, or a URL to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=500)
    date: dt.date | None = None
    source: str | None = Field(None, max_length=200)


class IngestOut(BaseModel):
    """What ingesting one document stored."""

    document_id: str
    created: bool
    document: Document
    triples: list[dict]
    more: list[str] = Field(default_factory=list,
                            description="Ids of further documents of the same upload "
                                        "(a JSON-lines file holds several)")


class DocumentOut(Document):
    """A stored document."""


class DeletedOut(BaseModel):
    """The outcome of a delete."""

    id: str
    deleted: bool
