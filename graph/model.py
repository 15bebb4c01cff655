"""The data that crosses every boundary: Entity, Evidence, Relation, Document, Triple.

Loaders produce them, stores persist them, the API serializes them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, Field

from core.names import entity_id

Status = Literal["asserted", "negated", "hypothetical", "refused", "alleged"]
# a relation's status adds two of its own: "rejected" by an editor, and "merged" (its two
# ends were merged into one entity: kept for an undo, never walked)
RelationStatus = Literal["asserted", "negated", "hypothetical", "refused", "alleged",
                         "rejected", "merged"]
Review = Literal["unreviewed", "confirmed", "rejected"]
# the relation statuses an editor's judgements give: left out of exports unless asked
EDITED_OUT = frozenset({"rejected", "merged"})


class Entity(BaseModel):
    """A node: an actor, an asset or an event, one per real-world thing."""

    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    external_ids: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def named(cls, name: str, type: str, aliases: list[str] | None = None,
              external_ids: dict[str, str] | None = None) -> Entity:
        """Return an entity whose id is derived from its canonical name."""
        return cls(id=entity_id(name), name=name, type=type, aliases=sorted(set(aliases or [])),
                   external_ids=external_ids or {})


class Document(BaseModel):
    """A source document; its id is the sha256 of its text."""

    id: str
    title: str = ""
    url: str | None = None
    published: dt.date | None = None
    source: str | None = None
    author: str | None = None
    length: int = 0
    # where it was read from, as a key: a fetched page's URL, or "file:" and a hash of the
    # file's path (the path itself is not stored). A new version from it replaces the old.
    origin: str | None = None


class Evidence(BaseModel):
    """One sentence of one document that states (or flags) a relation.

    ``past`` is True when the sentence says the relation held before it was written and
    no longer does ("former chairman", "headed X until 2019"): still a fact of its status,
    not part of the evidence id (an evidence stored before the field keeps its id).
    """

    document_id: str
    sentence: str
    start: int | None = None
    end: int | None = None
    page: int | None = None
    date: dt.date | None = None
    extractor: str = "manual"
    confidence: float = 1.0
    attribution: str | None = None
    status: Status = "asserted"
    past: bool = False

    def evidence_id(self, relation_id: str, document_id: str | None = None) -> str:
        """Return the id of this evidence for a relation, as evidence of ``document_id``
        (default: its own document): stable across re-ingests."""
        doc = self.document_id if document_id is None else document_id
        raw = f"{relation_id}|{doc}|{self.start}|{self.end}|{self.sentence}|{self.status}"
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def relation_id(subject_id: str, predicate: str, object_id: str, symmetric: bool = False) -> str:
    """Return the stable id of a relation; symmetric predicates order their ends."""
    a, b = (subject_id, object_id)
    if symmetric and b < a:
        a, b = b, a
    return hashlib.sha1(f"{a}|{predicate}|{b}".encode()).hexdigest()[:20]


class Triple(BaseModel):
    """What a loader produces: subject, predicate, object and the evidence for it."""

    subject: Entity
    predicate: str
    object: Entity
    evidence: Evidence


class Relation(BaseModel):
    """An edge, aggregated over all its evidence.

    ``confidence`` is the noisy-or of its asserted evidence confidences; ``status`` is
    "asserted" when at least one evidence is asserted, otherwise the flag of its evidence.
    Only asserted relations are walked by paths, neighbors and rankings. ``review`` is an
    editor's judgement; a rejected relation has status "rejected" whatever its evidence.
    Whether a relation still holds is left to its evidence (``Evidence.past``): a relation
    is not marked past, as later evidence may state it again and dates are per evidence.
    """

    id: str
    subject: str
    predicate: str
    object: str
    confidence: float
    status: RelationStatus = "asserted"
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    evidence_count: int = 0
    review: Review = "unreviewed"


class EvidenceView(Evidence):
    """Evidence joined with its document, as the API shows it."""

    id: str
    relation_id: str
    document_title: str = ""
    document_url: str | None = None


class Stats(BaseModel):
    """Counts of everything in a store."""

    documents: int
    entities: int
    relations: int
    evidence: int


class UpsertResult(BaseModel):
    """What one document's upsert did."""

    document_id: str
    triples: int
    created: bool


class RelationFilter(BaseModel):
    """Filters shared by neighbors, paths and rankings. Empty means no filter."""

    predicates: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    min_confidence: float = 0.0


class Subgraph(BaseModel):
    """Entities and the relations among them."""

    entities: list[Entity]
    relations: list[Relation]


class Snapshot(BaseModel):
    """A frozen, content-addressed subgraph with its presentation; never changes."""

    id: str
    created: str
    title: str
    payload: dict
