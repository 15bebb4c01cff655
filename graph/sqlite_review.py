"""The editorial layer of the embedded store: its judgements table, and the ``ReviewTx``
through which ``graph.review`` runs a judgement inside one ``BEGIN IMMEDIATE`` transaction.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from core.names import name_key
from graph.judgements import Judgement, JudgementRequest, Overrides
from graph.model import Document, Entity, Relation, Triple
from graph.review import EvidenceEnds, Move, judge
from graph.sqlite_connections import SqliteConnections
from graph.sqlite_sql import _DOC_COLS, _ENTITY_COLS, _REL_COLS, _document, _entity, _relation
from graph.sqlite_writes import drop_evidence, reaggregate, write_document

_JUDGEMENT_STAMP = "SELECT value FROM meta WHERE key = 'judgements'"


class SqliteReview(SqliteConnections):
    """The connections of the embedded store with its judgement methods (the base of
    ``SqliteStore``)."""

    _cached: Overrides | None = None

    def _overrides(self, conn: sqlite3.Connection) -> Overrides:
        """Return the overrides of the active judgements as ``conn`` sees them (cached until
        a judgement is written)."""
        stamp = int(conn.execute(_JUDGEMENT_STAMP).fetchone()[0])
        cached = self._cached
        if cached is None or cached.stamp != stamp:
            cached = Overrides((json.loads(r[0]) for r in conn.execute(
                "SELECT effect FROM judgements WHERE active = 1 AND effect != '{}' "
                "ORDER BY seq")), stamp)
            self._cached = cached
        return cached

    def overrides(self) -> Overrides:
        """Return the folded effects of the active judgements."""
        try:
            with self._conn() as conn:
                return self._overrides(conn)
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc

    def judge(self, request: JudgementRequest) -> Judgement:
        """Run a judgement (or an undo) in one transaction and return it as stored.

        Raises InputError or NotFound (nothing changed) when it cannot be made.
        """
        with self._write() as conn:
            judgement = judge(SqliteReviewTx(conn, self), request)
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        return judgement

    def get_judgement(self, judgement_id: str) -> Judgement | None:
        """Return the judgement or None."""
        rows = self._read("SELECT body FROM judgements WHERE id = ?", (judgement_id,))
        return Judgement.model_validate_json(rows[0][0]) if rows else None

    def judgements(self, limit: int = 100, offset: int = 0) -> list[Judgement]:
        """Return judgements newest first."""
        rows = self._read("SELECT body FROM judgements ORDER BY seq DESC LIMIT ? OFFSET ?",
                          (limit, offset))
        return [Judgement.model_validate_json(r[0]) for r in rows]

    def iter_judgements(self) -> Iterator[Judgement]:
        """Yield every judgement, oldest first, streaming."""
        return (Judgement.model_validate_json(r[0])
                for r in self._stream("SELECT body FROM judgements ORDER BY seq"))


class SqliteReviewTx:
    """The ``graph.review.ReviewTx`` of one write transaction of the embedded store."""

    def __init__(self, conn: sqlite3.Connection, store: SqliteReview) -> None:
        self.conn = conn
        self.store = store

    def overrides(self) -> Overrides:
        """Return the overrides as this transaction sees them."""
        return self.store._overrides(self.conn)

    def _in_order(self, sql: str, ids: Sequence[str]) -> list[Any]:
        wanted = list(dict.fromkeys(ids))
        rows = {r[0]: r for r in self.conn.execute(sql, (json.dumps(wanted),))}
        return [rows[i] for i in wanted if i in rows]

    def entities(self, ids: Sequence[str]) -> list[Entity]:
        """Return the stored entities with these ids, in order."""
        return [_entity(r) for r in self._in_order(
            f"SELECT {_ENTITY_COLS} FROM entities e WHERE e.id IN "
            "(SELECT value FROM json_each(?))", ids)]

    def relations(self, ids: Sequence[str]) -> list[Relation]:
        """Return the stored relations with these ids, in order."""
        return [_relation(r) for r in self._in_order(
            f"SELECT {_REL_COLS} FROM relations WHERE id IN (SELECT value FROM json_each(?))",
            ids)]

    def document(self, document_id: str) -> Document | None:
        """Return the stored document or None."""
        row = self.conn.execute(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?",
                                (document_id,)).fetchone()
        return _document(row) if row else None

    def judgement(self, judgement_id: str) -> Judgement | None:
        """Return the stored judgement or None."""
        row = self.conn.execute("SELECT body FROM judgements WHERE id = ?",
                                (judgement_id,)).fetchone()
        return Judgement.model_validate_json(row[0]) if row else None

    def active(self, kind: str) -> list[Judgement]:
        """Return the active judgements of a kind, newest first."""
        return [Judgement.model_validate_json(r[0]) for r in self.conn.execute(
            "SELECT body FROM judgements WHERE kind = ? AND active = 1 ORDER BY seq DESC",
            (kind,))]

    def save(self, judgement: Judgement) -> None:
        """Insert or update a judgement; bump the judgement counter."""
        self.conn.execute(
            "INSERT INTO judgements (id, kind, at, active, effect, body) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET active = excluded.active, effect = excluded.effect, "
            "body = excluded.body",
            (judgement.id, judgement.kind, judgement.at, int(judgement.active),
             json.dumps(judgement.effect, sort_keys=True), judgement.model_dump_json()))
        self.conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'judgements'")

    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Create or replace entities with their aliases."""
        for e in entities:
            self.conn.execute(
                "INSERT INTO entities (id, name, type, key, external_ids) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, "
                "key = excluded.key, external_ids = excluded.external_ids",
                (e.id, e.name, e.type, name_key(e.name),
                 json.dumps(e.external_ids, sort_keys=True)))
            self.conn.execute("DELETE FROM aliases WHERE entity_id = ?", (e.id,))
            self.conn.executemany(
                "INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?, ?, ?)",
                [(e.id, a, name_key(a)) for a in dict.fromkeys([e.name, *e.aliases])])

    def delete_entities(self, ids: Sequence[str]) -> None:
        """Delete the entities with these ids that no relation touches."""
        loose = [(i,) for i in ids if self.conn.execute(
            "SELECT 1 FROM relations WHERE subject = ?1 UNION ALL "
            "SELECT 1 FROM relations WHERE object = ?1 LIMIT 1", (i,)).fetchone() is None]
        self.conn.executemany("DELETE FROM aliases WHERE entity_id = ?", loose)
        self.conn.executemany("DELETE FROM entities WHERE id = ?", loose)

    def evidence_ends(self, entity_ids: Sequence[str],
                      relation_ids: Sequence[str] = ()) -> list[EvidenceEnds]:
        """Return the evidence of the relations touching these entities or with these ids,
        with the ends it was extracted with."""
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT v.id, v.relation_id, coalesce(v.src_subject, r.subject), "
            "coalesce(v.src_predicate, r.predicate), coalesce(v.src_object, r.object) "
            "FROM evidence v JOIN relations r ON r.id = v.relation_id WHERE v.relation_id IN "
            "(SELECT id FROM relations WHERE subject IN (SELECT value FROM json_each(?1)) "
            "UNION SELECT id FROM relations WHERE object IN (SELECT value FROM json_each(?1)) "
            "UNION SELECT value FROM json_each(?2)) ORDER BY v.id",
            (json.dumps(list(entity_ids)), json.dumps(list(relation_ids))))]

    def move_evidence(self, moves: Sequence[Move], overrides: Overrides) -> None:
        """Move evidence to its new relations (created when missing) and refresh both."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO relations (id, subject, predicate, object, confidence, "
            "status, evidence_count) VALUES (?, ?, ?, ?, 0, 'asserted', 0)",
            sorted({m[2:6] for m in moves}))
        self.conn.executemany(
            "UPDATE evidence SET relation_id = ?, src_subject = ?, src_predicate = ?, "
            "src_object = ? WHERE id = ?", [(m[2], *m[6:9], m[0]) for m in moves])
        reaggregate(self.conn, {m[1] for m in moves} | {m[2] for m in moves},
                    overrides.reviews)

    def refresh(self, relation_ids: Sequence[str], overrides: Overrides) -> None:
        """Re-aggregate these relations."""
        reaggregate(self.conn, relation_ids, overrides.reviews)

    def store_document(self, document: Document, triples: Sequence[Triple],
                       overrides: Overrides) -> None:
        """Store a document with its triples."""
        _, touched = write_document(self.conn, document, triples, overrides)
        reaggregate(self.conn, touched, overrides.reviews)

    def remove_document(self, document_id: str, overrides: Overrides) -> None:
        """Remove a document and what only it supported."""
        touched = drop_evidence(self.conn, document_id)
        self.conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        reaggregate(self.conn, touched, overrides.reviews)


__all__ = ["JudgementRequest", "SqliteReview", "SqliteReviewTx"]
