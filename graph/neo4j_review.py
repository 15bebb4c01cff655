"""The editorial layer of the Neo4j store: ``(:Judgement)`` nodes, and the ``ReviewTx``
through which ``graph.review`` runs a judgement inside one write transaction (which first
bumps the Meta version, the lock that serializes writers).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph.aggregate import EntityState
from graph.judgements import Judgement, JudgementRequest, Overrides
from graph.model import Document, Entity, Relation, Triple
from graph.neo4j_connections import Neo4jConnections
from graph.neo4j_cypher import HEAD, REL_FIELDS, _day, _document, _entity, _relation_fields
from graph.neo4j_writes import (
    JUDGEMENT_STAMP,
    _bump,
    _entity_row,
    _refresh_relations,
    _write_rows,
    remove_work,
    upsert_work,
)
from graph.review import EvidenceEnds, Move, judge

ACTIVE_EFFECTS = ("MATCH (j:Judgement) WHERE j.active AND j.effect <> '{}' "
                  "RETURN j.effect AS effect ORDER BY j.seq")


class Neo4jReview(Neo4jConnections):
    """The connections of the Neo4j store with its judgement methods (the base of
    ``Neo4jStore``)."""

    _cached: Overrides | None = None

    def _overrides_in(self, tx: ManagedTransaction) -> Overrides:
        """Return the overrides of the active judgements as ``tx`` sees them (cached until
        a judgement is written)."""
        record = tx.run(JUDGEMENT_STAMP).single()
        stamp = record["n"] if record else 0
        cached = self._cached
        if cached is None or cached.stamp != stamp:
            cached = Overrides((json.loads(r["effect"]) for r in tx.run(ACTIVE_EFFECTS)),
                               stamp)
            self._cached = cached
        return cached

    def overrides(self) -> Overrides:
        """Return the folded effects of the active judgements."""
        return self._read(self._overrides_in)

    def judge(self, request: JudgementRequest) -> Judgement:
        """Run a judgement (or an undo) in one transaction and return it as stored.

        Raises InputError or NotFound (nothing changed) when it cannot be made.
        """
        def work(tx: ManagedTransaction) -> Judgement:
            _bump(tx)
            return judge(Neo4jReviewTx(tx, self), request)

        return self._write(work)

    def get_judgement(self, judgement_id: str) -> Judgement | None:
        """Return the judgement or None."""
        rows = self._rows("MATCH (j:Judgement {id: $id}) RETURN j.body AS body", id=judgement_id)
        return Judgement.model_validate_json(rows[0]["body"]) if rows else None

    def judgements(self, limit: int = 100, offset: int = 0) -> list[Judgement]:
        """Return judgements newest first."""
        rows = self._rows("MATCH (j:Judgement) RETURN j.body AS body ORDER BY j.seq DESC "
                          "SKIP $offset LIMIT $limit", offset=offset, limit=limit)
        return [Judgement.model_validate_json(r["body"]) for r in rows]

    def iter_judgements(self) -> Iterator[Judgement]:
        """Yield every judgement, oldest first, streaming."""
        return self._stream("MATCH (j:Judgement) RETURN j.body AS body ORDER BY j.seq", {},
                            lambda body: Judgement.model_validate_json(body))


class Neo4jReviewTx:
    """The ``graph.review.ReviewTx`` of one write transaction of the Neo4j store."""

    def __init__(self, tx: ManagedTransaction, store: Neo4jReview) -> None:
        self.tx = tx
        self.store = store

    def overrides(self) -> Overrides:
        """Return the overrides as this transaction sees them."""
        return self.store._overrides_in(self.tx)

    def entities(self, ids: Sequence[str]) -> list[Entity]:
        """Return the stored entities with these ids, in order."""
        found = {r["e"]["id"]: _entity(r["e"]) for r in self.tx.run(
            "UNWIND $ids AS id MATCH (e:Entity {id: id}) "
            "RETURN e {.id, .name, .type, .aliases, .external_ids} AS e", ids=list(ids))}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def relations(self, ids: Sequence[str]) -> list[Relation]:
        """Return the stored relations with these ids, in order."""
        wanted = list(dict.fromkeys(ids))
        record = self.tx.run("UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() "
                             "USING INDEX SEEK r:REL(id) " + REL_FIELDS, ids=wanted).single()
        found = {row[0]: _relation_fields(row) for row in (record["rows"] if record else [])}
        return [found[i] for i in wanted if i in found]

    def document(self, document_id: str) -> Document | None:
        """Return the stored document or None."""
        record = self.tx.run("MATCH (d:Document {id: $id}) RETURN d {.*} AS d",
                             id=document_id).single()
        return _document(record["d"]) if record else None

    def judgement(self, judgement_id: str) -> Judgement | None:
        """Return the stored judgement or None."""
        record = self.tx.run("MATCH (j:Judgement {id: $id}) RETURN j.body AS body",
                             id=judgement_id).single()
        return Judgement.model_validate_json(record["body"]) if record else None

    def active(self, kind: str) -> list[Judgement]:
        """Return the active judgements of a kind, newest first."""
        return [Judgement.model_validate_json(r["body"]) for r in self.tx.run(
            "MATCH (j:Judgement) WHERE j.kind = $kind AND j.active "
            "RETURN j.body AS body ORDER BY j.seq DESC", kind=kind)]

    def save(self, judgement: Judgement) -> None:
        """Create or update a judgement; bump the judgement counter."""
        self.tx.run(
            "MATCH (m:Meta {id: 'graph'}) SET m.judgements = coalesce(m.judgements, 0) + 1 "
            "WITH m MERGE (j:Judgement {id: $id}) "
            "ON CREATE SET j.seq = m.judgements, j.kind = $kind, j.at = $at "
            "SET j.active = $active, j.effect = $effect, j.body = $body",
            id=judgement.id, kind=judgement.kind, at=judgement.at, active=judgement.active,
            effect=json.dumps(judgement.effect, sort_keys=True),
            body=judgement.model_dump_json()).consume()

    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Create or replace entities and their alias nodes."""
        rows = [_entity_row(e.id, EntityState(e.name, e.type, frozenset(e.aliases),
                                              e.external_ids)) for e in entities]
        if not rows:
            return
        self.tx.run("UNWIND $rows AS row MERGE (e:Entity {id: row.id}) SET e = row",
                    rows=rows).consume()
        self.tx.run("UNWIND $ids AS id MATCH (a:Alias {entity_id: id}) DELETE a",
                    ids=[r["id"] for r in rows]).consume()
        _write_rows(self.tx, "UNWIND $rows AS row UNWIND row.keys AS key "
                    "CREATE (:Alias {key: key.key, head: key.head, entity_id: row.id, "
                    "type: row.type, name: row.name})",
                    [{**row, "keys": [{"key": k, "head": k[:HEAD]} for k in row["keys"]]}
                     for row in rows])

    def delete_entities(self, ids: Sequence[str]) -> None:
        """Delete the entities with these ids that no relation touches."""
        self.tx.run("UNWIND $ids AS id MATCH (e:Entity {id: id}) WHERE NOT (e)-[:REL]-() "
                    "OPTIONAL MATCH (a:Alias {entity_id: id}) WITH e, collect(a) AS aliases "
                    "FOREACH (a IN aliases | DELETE a) DETACH DELETE e", ids=list(ids)).consume()

    def evidence_ends(self, entity_ids: Sequence[str],
                      relation_ids: Sequence[str] = ()) -> list[EvidenceEnds]:
        """Return the evidence of the relations touching these entities or with these ids,
        with the ends it was extracted with."""
        return [(r["id"], r["rid"], r["s"], r["p"], r["o"]) for r in self.tx.run(
            "CALL () { UNWIND $entities AS id MATCH (:Entity {id: id})-[r:REL]-() "
            "RETURN r.id AS rid UNION UNWIND $relations AS rid RETURN rid } "
            "WITH DISTINCT rid MATCH ()-[r:REL {id: rid}]->() USING INDEX SEEK r:REL(id) "
            "MATCH (ev:Evidence {relation_id: rid}) USING INDEX SEEK ev:Evidence(relation_id) "
            "RETURN ev.id AS id, rid, coalesce(ev.src_subject, r.subject) AS s, "
            "coalesce(ev.src_predicate, r.predicate) AS p, "
            "coalesce(ev.src_object, r.object) AS o ORDER BY id",
            entities=list(entity_ids), relations=list(relation_ids))]

    def move_evidence(self, moves: Sequence[Move], overrides: Overrides) -> None:
        """Move evidence to its new relations (created when missing) and refresh both."""
        targets = {m[2]: m[2:6] for m in moves}
        self.tx.run(
            "UNWIND $rows AS row MATCH (a:Entity {id: row.subject}), (b:Entity {id: row.object}) "
            "WHERE NOT EXISTS { MATCH ()-[x:REL {id: row.id}]->() } "
            "CREATE (a)-[e:REL]->(b) SET e = row",
            rows=[{"id": rid, "subject": s, "predicate": p, "object": o, "confidence": 0.0,
                   "status": "asserted", "evidence_count": 0, "review": "unreviewed"}
                  for rid, s, p, o in targets.values()]).consume()
        _write_rows(self.tx, "UNWIND $rows AS row MATCH (ev:Evidence {relation_id: row.old}) "
                    "USING INDEX SEEK ev:Evidence(relation_id) WHERE ev.id = row.id "
                    "SET ev.relation_id = row.rid, ev.src_subject = row.s, "
                    "ev.src_predicate = row.p, ev.src_object = row.o",
                    [{"id": m[0], "old": m[1], "rid": m[2], "s": m[6], "p": m[7], "o": m[8]}
                     for m in moves])
        self.refresh(sorted({m[1] for m in moves} | set(targets)), overrides)

    def refresh(self, relation_ids: Sequence[str], overrides: Overrides) -> None:
        """Re-aggregate these relations; delete the unsupported ones and the entities left
        without relations."""
        ends: dict[str, tuple[str, str, str]] = {}
        evidence: dict[str, list[Any]] = {}
        for r in self.tx.run(
                "UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() USING INDEX SEEK r:REL(id) "
                "OPTIONAL MATCH (ev:Evidence {relation_id: id}) "
                "WITH id, r, ev ORDER BY ev.id RETURN id, r.subject AS s, r.predicate AS p, "
                "r.object AS o, collect(CASE WHEN ev IS NULL THEN null "
                "ELSE [ev.confidence, ev.status, ev.date] END) AS evs",
                ids=list(dict.fromkeys(relation_ids))):
            ends[r["id"]] = (r["s"], r["p"], r["o"])
            evidence[r["id"]] = [(c, st, _day(d)) for c, st, d in r["evs"]]
        _refresh_relations(self.tx, sorted(ends), set(ends), ends, evidence, {}, set(),
                           overrides.reviews)

    def store_document(self, document: Document, triples: Sequence[Triple],
                       overrides: Overrides) -> None:
        """Store a document with its triples."""
        upsert_work([(document, list(triples))], overrides)(self.tx)

    def remove_document(self, document_id: str, overrides: Overrides) -> None:
        """Remove a document and what only it supported."""
        remove_work(document_id, overrides)(self.tx)
