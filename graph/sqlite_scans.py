"""The whole-store reads of the embedded store: counts, the streams that exports and
rankings read, and snapshots."""
from __future__ import annotations

import json
from collections.abc import Iterator

from graph.model import Document, Entity, EvidenceView, Relation, RelationFilter, Snapshot, Stats
from graph.sqlite_connections import SqliteConnections
from graph.sqlite_sql import (
    _DOC_COLS,
    _ENTITY_COLS,
    _EV_COLS,
    _EV_FROM,
    _REL_COLS,
    _document,
    _entity,
    _evidence,
    _relation,
    _relation_where,
)


class SqliteScans(SqliteConnections):
    """Counts, streams of every entity, relation, evidence and document, and snapshots."""

    def stats(self) -> Stats:
        """Return the counts of documents, entities, relations and evidence."""
        row = self._read("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM "
                         "entities), (SELECT count(*) FROM relations), "
                         "(SELECT count(*) FROM evidence)")[0]
        return Stats(documents=row[0], entities=row[1], relations=row[2], evidence=row[3])

    # ------------------------------------------------------------------ export

    def iter_entities(self) -> Iterator[Entity]:
        """Yield every entity by id, streaming."""
        return (_entity(r) for r in self._stream(f"SELECT {_ENTITY_COLS} FROM entities e "
                                                 "ORDER BY e.id"))

    def iter_relations(self, flt: RelationFilter | None = None,
                       include_flagged: bool = True) -> Iterator[Relation]:
        """Yield every relation passing the filter by id, streaming."""
        where, params = _relation_where(flt, include_flagged)
        return (_relation(r) for r in self._stream(
            f"SELECT {_REL_COLS} FROM relations WHERE {where} ORDER BY id", params))

    def iter_evidence(self) -> Iterator[EvidenceView]:
        """Yield every evidence with its relation id and document, streaming."""
        return (_evidence(r) for r in self._stream(f"SELECT {_EV_COLS} FROM {_EV_FROM} "
                                                   "ORDER BY v.relation_id, v.id"))

    def iter_documents(self) -> Iterator[Document]:
        """Yield every document by id, streaming."""
        return (_document(r) for r in self._stream(f"SELECT {_DOC_COLS} FROM documents "
                                                   "ORDER BY id"))

    # ------------------------------------------------------------------ snapshots

    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot; a second snapshot with the same id is ignored."""
        with self._write() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO snapshots (id, created, title, payload) "
                               "VALUES (?, ?, ?, ?)", (snapshot.id, snapshot.created,
                                                       snapshot.title,
                                                       json.dumps(snapshot.payload)))
            if cur.rowcount:
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")

    def get_snapshot(self, snapshot_id: str) -> Snapshot | None:
        """Return the snapshot or None."""
        rows = self._read("SELECT id, created, title, payload FROM snapshots WHERE id = ?",
                          (snapshot_id,))
        return Snapshot(id=rows[0][0], created=rows[0][1], title=rows[0][2],
                        payload=json.loads(rows[0][3])) if rows else None

    def list_snapshots(self, limit: int = 100) -> list[Snapshot]:
        """Return snapshots, newest first (payloads included)."""
        rows = self._read("SELECT id, created, title, payload FROM snapshots "
                          "ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))
        return [Snapshot(id=r[0], created=r[1], title=r[2], payload=json.loads(r[3]))
                for r in rows]

    def snapshot_successor(self, snapshot_id: str) -> str | None:
        """Return the id of the newest snapshot whose payload ``replaces`` this one, or None."""
        rows = self._read("SELECT id FROM snapshots WHERE json_extract(payload, '$.replaces') = ? "
                          "ORDER BY created DESC, rowid DESC LIMIT 1", (snapshot_id,))
        return rows[0][0] if rows else None
