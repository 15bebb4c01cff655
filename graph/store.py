"""The GraphStore contract every backend implements, and the one function that opens a store.

Everything above (loaders, analyses, API, CLI) takes a ``GraphStore`` and never knows
which backend it is. ``tests/test_store_contract.py`` runs the same assertions on each.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from core.settings import Settings
from graph.judgements import Judgement, JudgementRequest, Overrides
from graph.model import (
    Document,
    Entity,
    EvidenceView,
    Relation,
    RelationFilter,
    Snapshot,
    Stats,
    Triple,
    UpsertResult,
)
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore


@runtime_checkable
class GraphStore(Protocol):
    """A persistent influence graph.

    Writes are atomic per document and idempotent: upserting the same document with the
    same triples twice leaves the store as after the first time. Upserting a document that
    is already stored replaces its evidence (re-extraction) in the same transaction.
    Relations whose evidence is not asserted (negated, hypothetical...) are stored with
    that status and are never walked by ``adjacent`` unless ``include_flagged``; so are
    relations an editor rejected (status "rejected"). Writes respect the active judgements:
    mentions of a merged-away entity land on its survivor, fixed names, types and removed
    aliases stay, a changed relation stays changed, a rejected one stays rejected.
    """

    def ping(self) -> None:
        """Return None when the store answers; raise StoreUnavailable otherwise."""

    def close(self) -> None:
        """Release connections and file handles."""

    def version(self) -> int:
        """Return a counter that changes on every committed write (for caches)."""

    # writes
    def upsert_document(self, document: Document, triples: Sequence[Triple]) -> UpsertResult:
        """Store a document with its triples in one transaction; return what was done.

        Raises InputError when a predicate or type is unknown to the ontology, and
        StoreUnavailable when the store cannot be reached (nothing is half-written).
        """

    def upsert_documents(self, items: Iterable[tuple[Document, Sequence[Triple]]],
                         batch_size: int = ...) -> list[UpsertResult]:
        """Store many documents, ``batch_size`` per transaction (each store has its own
        default), each document all or nothing."""

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence, and the relations and entities only it supported.

        Returns False when there was no such document.
        """

    # reads
    def get_document(self, document_id: str) -> Document | None:
        """Return the document or None."""

    def document_ids_from(self, origin: str) -> list[str]:
        """Return the ids of the stored documents read from ``origin``, sorted."""

    def get_entity(self, entity_id: str) -> Entity | None:
        """Return the entity with this id or None."""

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        """Return the entities with these ids (unknown ids are skipped)."""

    def find_by_key(self, key: str, limit: int = 20) -> list[Entity]:
        """Return entities whose name or an alias has exactly this ``name_key``; none when
        ``key`` has no key (only punctuation or spaces)."""

    def search_entities(self, query: str, type: str | None = None,
                        limit: int = 10) -> list[tuple[Entity, float]]:
        """Return (entity, score 0..100) best first: exact, prefix, then fuzzy matches of the
        query against names and aliases, case- and diacritics-insensitive."""

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation or None."""

    def get_relations(self, relation_ids: Sequence[str]) -> list[Relation]:
        """Return the relations with these ids in one read, in the order given (unknown ids
        skipped)."""

    def relations_of(self, entity_id: str, include_flagged: bool = True,
                     limit: int = 500) -> list[Relation]:
        """Return the relations in and out of an entity, most evidence first."""

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Return every relation between two entities, in either direction."""

    def evidence(self, relation_id: str, limit: int = 200) -> list[EvidenceView]:
        """Return the evidence of a relation with document titles and urls, best first."""

    def best_evidence(self, relation_ids: Sequence[str]) -> dict[str, EvidenceView]:
        """Return the best evidence of each relation (``evidence(id, limit=1)``) in one read,
        by relation id; relations without evidence are left out."""

    def adjacent(self, entity_ids: Sequence[str], flt: RelationFilter,
                 include_flagged: bool = False, limit: int = 10000) -> list[Relation]:
        """Return relations touching any of these entities (either end) passing the filter
        (predicates, dates, min_confidence; ``flt.types`` is applied by the caller)."""

    def adjacent_edges(self, entity_ids: Sequence[str], flt: RelationFilter,
                       as_subject: Sequence[str] | None = None,
                       as_object: Sequence[str] | None = None,
                       among: Sequence[str] | None = None,
                       limit: int = 10000) -> list[tuple[str, str, str, str, float]]:
        """Return (id, subject, predicate, object, confidence) of the asserted relations
        passing the filter that have their subject in ``entity_ids`` (and, when
        ``as_subject`` is given, a predicate in it) or their object in ``entity_ids`` (and,
        when ``as_object`` is given, a predicate in it); with ``among``, only those whose
        other end is in ``among``. Each relation once, highest confidence first, then by id:
        the rows a walk reads, without building a Relation for each."""

    def stats(self) -> Stats:
        """Return the counts of documents, entities, relations and evidence."""

    # export
    def iter_entities(self) -> Iterator[Entity]:
        """Yield every entity, streaming."""

    def iter_relations(self, flt: RelationFilter | None = None,
                       include_flagged: bool = True) -> Iterator[Relation]:
        """Yield every relation passing the filter, streaming."""

    def iter_evidence(self) -> Iterator[EvidenceView]:
        """Yield every evidence with its relation id, streaming."""

    def iter_documents(self) -> Iterator[Document]:
        """Yield every document, streaming."""

    # judgements (graph.review says what each kind does)
    def judge(self, request: JudgementRequest) -> Judgement:
        """Make a judgement (or undo one) in one transaction; return it as stored.

        Raises InputError (merging an entity with itself, undoing twice, an unknown
        predicate or type, a hand-added relation without a source...) or NotFound (an
        unknown entity, relation or judgement id), and then nothing has changed.
        """

    def get_judgement(self, judgement_id: str) -> Judgement | None:
        """Return the judgement or None."""

    def judgements(self, limit: int = 100, offset: int = 0) -> list[Judgement]:
        """Return judgements, newest first (undone ones included, marked)."""

    def iter_judgements(self) -> Iterator[Judgement]:
        """Yield every judgement, oldest first, streaming."""

    def overrides(self) -> Overrides:
        """Return the folded effects of the active judgements (merges, distinct pairs,
        fixed names and types, reviews) that writes respect."""

    # snapshots
    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot; storing the same id twice keeps the first."""

    def get_snapshot(self, snapshot_id: str) -> Snapshot | None:
        """Return the snapshot or None."""

    def list_snapshots(self, limit: int = 100) -> list[Snapshot]:
        """Return snapshots, newest first (payloads included)."""

    def snapshot_successor(self, snapshot_id: str) -> str | None:
        """Return the id of the newest snapshot whose payload ``replaces`` this one, or None."""


NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})


def is_neo4j(location: str) -> bool:
    """Return True when ``location`` is a Neo4j URI rather than the path of a store file."""
    return location.split("://", 1)[0] in NEO4J_SCHEMES


def open_store(location: str | None = None, settings: Settings | None = None) -> GraphStore:
    """Return the store named by ``location`` (or ``settings.store``).

    A ``neo4j://``, ``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI opens Neo4j with
    ``settings.neo4j_user`` / ``settings.neo4j_password``; anything else is the path of
    the embedded store file (default ``./influence.db``).
    """
    settings = settings or Settings()
    location = location or settings.store
    if is_neo4j(location):
        return Neo4jStore(location, settings.neo4j_user, settings.neo4j_password,
                          database=settings.neo4j_database, timeout=settings.neo4j_timeout)

    return SqliteStore(location)
