"""The embedded backend: one SQLite file in WAL mode, no server.

Every write runs in one ``BEGIN IMMEDIATE`` transaction (all or nothing, so a ``kill -9``
at any moment leaves whole documents or none); readers never block on writers (the
connections: ``graph.sqlite_connections``). Names are searched through their ``name_key``
with an FTS5 trigram index (substring and fuzzy candidates). The schema, SQL and row
conversions are in ``graph.sqlite_sql``, what a write does to the tables in
``graph.sqlite_writes``; the touched relations are re-aggregated here (``_reaggregate``).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from core.names import name_key
from graph.aggregate import raise_rejected, valid_items, validate_document
from graph.model import (
    Document,
    Entity,
    EvidenceView,
    Relation,
    RelationFilter,
    Triple,
    UpsertResult,
)
from graph.search import (
    FUZZY_CANDIDATES,
    add_fuzzy,
    add_score,
    best_first,
    match_score,
)
from graph.sqlite_connections import POOL_SIZE, _not_unicode
from graph.sqlite_review import SqliteReview
from graph.sqlite_scans import SqliteScans
from graph.sqlite_sql import (
    _DOC_COLS,
    _ENTITY_COLS,
    _EV_COLS,
    _EV_FROM,
    _EV_ORDER,
    _REL_COLS,
    MIGRATIONS,
    SCHEMA,
    _adjacent_sql,
    _document,
    _entity,
    _evidence,
    _relation,
    _relation_where,
)
from graph.sqlite_writes import drop_evidence, reaggregate, write_document

T = TypeVar("T")

__all__ = ["POOL_SIZE", "SqliteStore"]

# documents per write transaction of upsert_documents: each commit writes every page it
# touched, and the keys are hashes, so bigger batches share pages (100k relations: 50 per
# transaction 4,338-4,381 rel/s, 500: 7,414-7,427, 1,000: 7,626-8,140)
BATCH = 500


class SqliteStore(SqliteReview, SqliteScans):
    """A GraphStore in one SQLite file at ``path`` (its directory is created if missing).

    Raises StoreUnavailable naming the file when it cannot be opened or is not a database.
    """

    def __init__(self, path: str) -> None:
        super().__init__(path)
        with self._write() as conn:
            for statement in SCHEMA:
                conn.execute(statement)
            for table, column, kind, index in MIGRATIONS:
                if column not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                if index:
                    conn.execute(index)

    def ping(self) -> None:
        """Return None when the file answers a query; raise StoreUnavailable otherwise."""
        self._read("SELECT value FROM meta WHERE key = 'version'")

    def version(self) -> int:
        """Return the write counter: it grows by one with each committed write."""
        return int(self._read("SELECT value FROM meta WHERE key = 'version'")[0][0])

    # ------------------------------------------------------------------ writes

    def upsert_document(self, document: Document, triples: Sequence[Triple]) -> UpsertResult:
        """Store a document with its triples in one transaction, replacing earlier evidence.

        Evidence always belongs to ``document`` (its ``document_id`` is overridden).
        Raises InputError (nothing written) for unknown predicates or types or text that is
        not valid Unicode, StoreUnavailable when the file cannot be written.
        """
        validate_document(document, triples)
        with self._write() as conn:
            result = self._store_document(conn, document, triples)
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        return result

    def upsert_documents(self, items: Iterable[tuple[Document, Sequence[Triple]]],
                         batch_size: int = BATCH) -> list[UpsertResult]:
        """Store documents ``batch_size`` per transaction, each all or nothing.

        Every document is validated before its batch is written, and written in a savepoint
        of its own. Invalid documents are skipped and the valid ones are stored; then
        InputError names every skipped document and why. Returns the results of the stored
        documents, in input order.
        """
        results: list[UpsertResult] = []
        rejected: list[str] = []
        batch: list[tuple[Document, Sequence[Triple]]] = []

        def flush() -> None:
            if not batch:
                return
            with self._write() as conn:
                for doc, triples in batch:
                    conn.execute("SAVEPOINT document")
                    try:
                        results.append(self._store_document(conn, doc, triples))
                    except UnicodeEncodeError as exc:
                        conn.execute("ROLLBACK TO document")
                        rejected.append(f"document {doc.title or doc.id!r}: {_not_unicode(exc)}")
                    conn.execute("RELEASE document")
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
            batch.clear()

        for doc, triples in valid_items(items, rejected):
            batch.append((doc, triples))
            if len(batch) >= max(1, batch_size):
                flush()
        flush()
        raise_rejected(rejected, len(results))
        return results

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence, and what only it supported; False if absent."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() \
                    is None:
                return False
            touched = drop_evidence(conn, document_id)
            conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            reaggregate(conn, touched, self._overrides(conn).reviews)
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        return True

    def _store_document(self, conn: sqlite3.Connection, document: Document,
                        triples: Sequence[Triple]) -> UpsertResult:
        """Write a document with its triples in ``conn``'s transaction, then re-aggregate
        the relations its earlier and new evidence support."""
        overrides = self._overrides(conn)
        result, touched = write_document(conn, document, triples, overrides)
        reaggregate(conn, touched, overrides.reviews)
        return result

    # ------------------------------------------------------------------ reads

    def get_document(self, document_id: str) -> Document | None:
        """Return the document or None."""
        rows = self._read(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", (document_id,))
        return _document(rows[0]) if rows else None

    def document_ids_from(self, origin: str) -> list[str]:
        """Return the ids of the stored documents read from ``origin``, sorted."""
        return [r[0] for r in self._read(
            "SELECT id FROM documents WHERE origin = ? ORDER BY id", (origin,))]

    def get_entity(self, entity_id: str) -> Entity | None:
        """Return the entity with this id or None."""
        found = self.get_entities([entity_id])
        return found[0] if found else None

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        """Return the entities with these ids in the order given (unknown ids skipped)."""
        return self._in_order(f"SELECT {_ENTITY_COLS} FROM entities e WHERE e.id IN "
                              "(SELECT value FROM json_each(?))", _entity, entity_ids)

    def _in_order(self, sql: str, convert: Callable[[Any], T], ids: Sequence[str]) -> list[T]:
        """Return ``convert`` of each row ``sql`` reads for the JSON array of ``ids`` (rows
        start with their id), in the order of ``ids``, unknown ids skipped."""
        wanted = list(dict.fromkeys(ids))
        by_id = {r[0]: convert(r) for r in self._read(sql, (json.dumps(wanted),))}
        return [by_id[i] for i in wanted if i in by_id]

    def find_by_key(self, key: str, limit: int = 20) -> list[Entity]:
        """Return entities whose name or an alias has exactly this ``name_key``, by name;
        none for a key-less ``key`` (only punctuation or spaces)."""
        key = name_key(key)
        if not key:
            return []
        rows = self._read(f"SELECT {_ENTITY_COLS} FROM entities e WHERE e.id IN "
                          "(SELECT entity_id FROM aliases WHERE key = ?) "
                          "ORDER BY e.name, e.id LIMIT ?", (key, limit))
        return [_entity(r) for r in rows]

    def search_entities(self, query: str, type: str | None = None,
                        limit: int = 10) -> list[tuple[Entity, float]]:
        """Return (entity, score) best first, then by name.

        Scores: 100 exact key, 90 key prefix, 85 word prefix, 80 substring, below 80
        fuzzy (rapidfuzz over keys sharing a trigram with the query).
        """
        q = name_key(query)[:200]
        if not q or limit <= 0:
            return []
        want = limit * 4 + 20
        typed = "AND e.type = ?2" if type else ""
        scores: dict[str, float] = {}

        def collect(sql: str, *params: Any) -> None:
            for entity_id, key in self._read(
                    "SELECT a.entity_id, a.key FROM aliases a JOIN entities e ON "
                    f"e.id = a.entity_id WHERE {sql} {typed} ORDER BY a.key LIMIT ?3",
                    (params[0], type, want)):
                add_score(scores, entity_id, match_score(key, q))

        collect("a.key = ?1", q)
        if len(scores) < limit:
            collect("a.key >= ?1 AND a.key < ?1 || char(1114111)", q)
        if len(scores) < limit and len(q) >= 3:
            collect("a.rowid IN (SELECT rowid FROM alias_fts WHERE alias_fts MATCH ?1)",
                    '"' + q.replace('"', '""') + '"')
        elif len(scores) < limit:
            collect("a.key LIKE '%' || ?1 || '%'", q)
        if len(scores) < limit and len(q) >= 3:
            self._fuzzy(q, type, scores)
        return best_first(self.get_entities(list(scores)), scores, limit)

    def _fuzzy(self, q: str, type: str | None, scores: dict[str, float]) -> None:
        """Add fuzzy matches (score < 80) among the keys sharing a trigram with ``q``."""
        grams = sorted({q[i:i + 3] for i in range(len(q) - 2)})[:40]
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        rows = self._read(
            "SELECT a.entity_id, a.key FROM aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.rowid IN (SELECT rowid FROM alias_fts WHERE alias_fts MATCH ? "
            "ORDER BY rank LIMIT ?)" + (" AND e.type = ?" if type else ""),
            (match, FUZZY_CANDIDATES, *([type] if type else [])))
        add_fuzzy(scores, q, ((r[0], r[1]) for r in rows))

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation or None."""
        found = self.get_relations([relation_id])
        return found[0] if found else None

    def get_relations(self, relation_ids: Sequence[str]) -> list[Relation]:
        """Return the relations with these ids in the order given (unknown ids skipped)."""
        return self._in_order(f"SELECT {_REL_COLS} FROM relations WHERE id IN "
                              "(SELECT value FROM json_each(?))", _relation, relation_ids)

    def relations_of(self, entity_id: str, include_flagged: bool = True,
                     limit: int = 500) -> list[Relation]:
        """Return the relations in and out of an entity, most evidence first."""
        where, params = _relation_where(None, include_flagged)
        rows = self._read(
            f"SELECT {_REL_COLS} FROM relations WHERE id IN (SELECT id FROM relations WHERE "
            "subject = ? UNION SELECT id FROM relations WHERE object = ?) AND " + where
            + " ORDER BY evidence_count DESC, confidence DESC, id LIMIT ?",
            (entity_id, entity_id, *params, limit))
        return [_relation(r) for r in rows]

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Return every relation between two entities, in either direction, any status."""
        rows = self._read(f"SELECT {_REL_COLS} FROM relations WHERE (subject = ?1 AND object = ?2)"
                          " OR (subject = ?2 AND object = ?1) ORDER BY predicate, id", (a, b))
        return [_relation(r) for r in rows]

    def evidence(self, relation_id: str, limit: int = 200) -> list[EvidenceView]:
        """Return the evidence of a relation: asserted first, then by confidence, newest."""
        rows = self._read(f"SELECT {_EV_COLS} FROM {_EV_FROM} WHERE v.relation_id = ? "
                          f"ORDER BY {_EV_ORDER} LIMIT ?", (relation_id, limit))
        return [_evidence(r) for r in rows]

    def best_evidence(self, relation_ids: Sequence[str]) -> dict[str, EvidenceView]:
        """Return the best evidence of each relation in one query, by relation id."""
        rows = self._read(
            f"SELECT * FROM (SELECT {_EV_COLS}, ROW_NUMBER() OVER (PARTITION BY v.relation_id "
            f"ORDER BY {_EV_ORDER}) AS rank FROM {_EV_FROM} WHERE v.relation_id IN "
            "(SELECT value FROM json_each(?))) WHERE rank = 1",
            (json.dumps(list(dict.fromkeys(relation_ids))),))
        return {r[1]: _evidence(r) for r in rows}

    def adjacent(self, entity_ids: Sequence[str], flt: RelationFilter,
                 include_flagged: bool = False, limit: int = 10000) -> list[Relation]:
        """Return relations touching any of these entities and passing the filter,
        highest confidence first (undated relations fail a since/until filter)."""
        where, params = _relation_where(flt, include_flagged)
        ids = json.dumps(list(dict.fromkeys(entity_ids)))
        # each relation once: out of an entity, or into one from outside the set
        rows = self._read(
            f"SELECT {_REL_COLS} FROM relations WHERE subject IN (SELECT value FROM "
            f"json_each(?)) AND {where} UNION ALL SELECT {_REL_COLS} FROM relations WHERE "
            "object IN (SELECT value FROM json_each(?)) AND subject NOT IN (SELECT value FROM "
            f"json_each(?)) AND {where} ORDER BY confidence DESC, id LIMIT ?",
            (ids, *params, ids, ids, *params, limit))
        return [_relation(r) for r in rows]

    def adjacent_edges(self, entity_ids: Sequence[str], flt: RelationFilter,
                       as_subject: Sequence[str] | None = None,
                       as_object: Sequence[str] | None = None,
                       among: Sequence[str] | None = None,
                       limit: int = 10000) -> list[tuple[str, str, str, str, float]]:
        """Return (id, subject, predicate, object, confidence) of the asserted relations
        passing the filter that have their subject in ``entity_ids`` and, when
        ``as_subject`` is given, a predicate in it, or their object in ``entity_ids`` and,
        when ``as_object`` is given, a predicate in it; with ``among``, only those whose
        other end is in ``among``. Highest confidence first, then by id.

        The raw rows of what a walk reads, without building a Relation for each.
        """
        sql, params = _adjacent_sql("id, subject, predicate, object, confidence", entity_ids,
                                    flt, False, as_subject, as_object, among, limit)
        return self._read(sql, params)
