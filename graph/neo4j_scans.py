"""The whole-store reads of the Neo4j store: counts, the streams that exports and
rankings read, and snapshots."""
from __future__ import annotations

import json
from collections.abc import Iterator

from graph.model import Document, Entity, EvidenceView, Relation, RelationFilter, Snapshot, Stats
from graph.neo4j_connections import Neo4jConnections
from graph.neo4j_cypher import (
    BUMP,
    EVIDENCE_VIEW,
    REL_FILTER,
    _document,
    _entity,
    _evidence,
    _filter_params,
    _relation,
    _snapshot,
)


class Neo4jScans(Neo4jConnections):
    """Counts, streams of every entity, relation, evidence and document, and snapshots."""

    def stats(self) -> Stats:
        """Return the counts of documents, entities, relations and evidence."""
        rows = self._rows(
            "CALL () { MATCH (n:Document) RETURN count(n) AS documents } "
            "CALL () { MATCH (n:Entity) RETURN count(n) AS entities } "
            "CALL () { MATCH ()-[r:REL]->() RETURN count(r) AS relations } "
            "CALL () { MATCH (n:Evidence) RETURN count(n) AS evidence } "
            "RETURN documents, entities, relations, evidence")
        return Stats(**dict(rows[0]))

    def iter_entities(self) -> Iterator[Entity]:
        """Yield every entity, streaming."""
        return self._stream("MATCH (e:Entity) RETURN e {.*} ORDER BY e.id", {}, _entity)

    def iter_relations(self, flt: RelationFilter | None = None,
                       include_flagged: bool = True) -> Iterator[Relation]:
        """Yield every relation passing the filter, streaming."""
        return self._stream("MATCH ()-[r:REL]->() WHERE " + REL_FILTER +
                            " RETURN r {.*} ORDER BY r.id", _filter_params(flt, include_flagged),
                            _relation)

    def iter_evidence(self) -> Iterator[EvidenceView]:
        """Yield every evidence with its relation id, streaming."""
        return self._stream("MATCH (ev:Evidence) " + EVIDENCE_VIEW +
                            " ORDER BY ev.relation_id, ev.id", {}, _evidence)

    def iter_documents(self) -> Iterator[Document]:
        """Yield every document, streaming."""
        return self._stream("MATCH (d:Document) RETURN d {.*} ORDER BY d.id", {}, _document)

    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot; storing the same id twice keeps the first."""
        self._write(lambda tx: tx.run(
            "MERGE (s:Snapshot {id: $id}) ON CREATE SET s.created = $created, s.title = $title, "
            "s.payload = $payload, s.replaces = $replaces, s.fresh = true "
            "WITH s WHERE s.fresh REMOVE s.fresh "
            "WITH s " + BUMP, id=snapshot.id, created=snapshot.created,
            title=snapshot.title, payload=json.dumps(snapshot.payload),
            replaces=snapshot.payload.get("replaces")).consume())

    def get_snapshot(self, snapshot_id: str) -> Snapshot | None:
        """Return the snapshot or None."""
        rows = self._rows("MATCH (s:Snapshot {id: $id}) RETURN s {.*} AS s", id=snapshot_id)
        return _snapshot(rows[0]["s"]) if rows else None

    def list_snapshots(self, limit: int = 100) -> list[Snapshot]:
        """Return snapshots, newest first (payloads included)."""
        rows = self._rows("MATCH (s:Snapshot) RETURN s {.*} AS s ORDER BY s.created DESC, s.id "
                          "LIMIT $limit", limit=limit)
        return [_snapshot(r["s"]) for r in rows]

    def snapshot_successor(self, snapshot_id: str) -> str | None:
        """Return the id of the newest snapshot whose payload ``replaces`` this one, or None."""
        rows = self._rows("MATCH (s:Snapshot {replaces: $id}) RETURN s.id AS id "
                          "ORDER BY s.created DESC, s.id LIMIT 1", id=snapshot_id)
        return rows[0]["id"] if rows else None
