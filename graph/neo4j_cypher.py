"""The Cypher of the Neo4j store: its schema (and how it is created), the texts and
parameters of its queries, and the conversion of records to model objects.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import date
from typing import Any

from neo4j import Session
from neo4j.exceptions import Neo4jError, TransientError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from graph.model import Document, Entity, EvidenceView, Relation, RelationFilter, Snapshot

# Evidence ids need no uniqueness constraint: an id hashes the relation, document, offsets,
# sentence and status, and a write deletes its documents' evidence before creating it
# (repeats within a batch collapse first). Nothing reads evidence by id; the constraint
# cost ~5-8 % of a 100k load.
SCHEMA = [
    *(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
      for label in ("Entity", "Document", "Snapshot", "Meta", "Judgement")),
    "CREATE INDEX judgement_seq IF NOT EXISTS FOR (n:Judgement) ON (n.seq)",
    "CREATE INDEX alias_head IF NOT EXISTS FOR (n:Alias) ON (n.head)",
    "CREATE TEXT INDEX alias_head_text IF NOT EXISTS FOR (n:Alias) ON (n.head)",
    "CREATE INDEX alias_entity IF NOT EXISTS FOR (n:Alias) ON (n.entity_id)",
    "CREATE INDEX evidence_relation IF NOT EXISTS FOR (n:Evidence) ON (n.relation_id)",
    "CREATE INDEX evidence_document IF NOT EXISTS FOR (n:Evidence) ON (n.document_id)",
    "CREATE INDEX rel_id IF NOT EXISTS FOR ()-[r:REL]-() ON (r.id)",
    "CREATE INDEX snapshot_created IF NOT EXISTS FOR (n:Snapshot) ON (n.created)",
    "CREATE INDEX snapshot_replaces IF NOT EXISTS FOR (n:Snapshot) ON (n.replaces)",
    "CREATE INDEX document_origin IF NOT EXISTS FOR (n:Document) ON (n.origin)",
    ("CREATE FULLTEXT INDEX alias_fulltext IF NOT EXISTS FOR (n:Alias) ON EACH [n.key] "
     "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', "
     "`fulltext.eventually_consistent`: false}}"),
]
# Index entries have a size limit (about 8 kB): the indexes hold the first HEAD characters
# of a key (``head``); exact matches compare the whole key, substrings past HEAD are not found.
HEAD = 1000
LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')

BUMP = ("MERGE (m:Meta {id: 'graph'}) ON CREATE SET m.version = 0 "
        "SET m.version = m.version + 1")
# What writes look up, by id. ``USING INDEX SEEK``, not ``USING INDEX``: with index
# statistics sampled while the graph was tiny, the planner satisfied a plain hint with a
# scan of the whole index per row (a 100k load after a few small writes: one update of
# 5,961 relationships read 118 million index entries, 22 s), and forced replanning did not
# help as the statistics stayed stale.
STORED_EVIDENCE = ("UNWIND $ids AS id MATCH (ev:Evidence {relation_id: id}) "
                   "USING INDEX SEEK ev:Evidence(relation_id) "
                   "WHERE NOT ev.document_id IN $documents "
                   "WITH id, ev ORDER BY ev.id "
                   "RETURN id, collect([ev.confidence, ev.status, ev.date]) AS evs")
RELATION_ENDS = ("UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() USING INDEX SEEK r:REL(id) "
                 "RETURN id, r.subject AS s, r.predicate AS p, r.object AS o")
DROP_RELATIONS = ("UNWIND $ids AS id MATCH ()-[e:REL {id: id}]->() USING INDEX SEEK e:REL(id) "
                  "DELETE e")
UPDATE_RELATIONS = ("UNWIND $rows AS row MATCH ()-[e:REL {id: row.id}]->() "
                    "USING INDEX SEEK e:REL(id) SET e = row")
CREATE_RELATIONS = ("UNWIND $rows AS row MATCH (a:Entity {id: row.subject}), "
                    "(b:Entity {id: row.object}) CREATE (a)-[e:REL]->(b) SET e = row")
EVIDENCE_RELATIONS = ("UNWIND $ids AS id MATCH (ev:Evidence {document_id: id}) "
                      "USING INDEX SEEK ev:Evidence(document_id) "
                      "RETURN DISTINCT ev.relation_id AS rid")
DELETE_EVIDENCE = ("UNWIND $ids AS id MATCH (ev:Evidence {document_id: id}) "
                   "USING INDEX SEEK ev:Evidence(document_id) DELETE ev")
# Reads are read-committed: evidence a concurrent write deletes after the match comes back
# without properties; the view skips it (here, and in ``_evidence_views`` for the rest).
EVIDENCE_VIEW = ("WITH * WHERE ev.id IS NOT NULL "
                 "OPTIONAL MATCH (d:Document {id: ev.document_id}) "
                 "RETURN ev {.*, document_title: coalesce(d.title, ''), document_url: d.url} "
                 "AS ev")
REL_FILTER = ("($flagged OR r.status = 'asserted') AND r.confidence >= $min_confidence "
              "AND (size($predicates) = 0 OR r.predicate IN $predicates) "
              "AND ($since IS NULL OR r.last_seen >= $since) "
              "AND ($until IS NULL OR r.first_seen <= $until)")


ADJACENT = ("UNWIND $ids AS id MATCH (:Entity {id: id})-[r:REL]-() WHERE " + REL_FILTER +
            " WITH DISTINCT r")
# What a walk reads: the relations leaving an entity of $ids the way $as_subject allows (as
# their subject) or $as_object allows (as their object), the far end in $among when given.
# Two directed expansions (no end compared per relation); the text names only the
# conditions in use, as plans are cached per text and parameter types.
def _adjacent_edges_query(as_subject: bool, as_object: bool, among: bool) -> str:
    out = (["r.predicate IN $as_subject"] if as_subject else []) + (
        ["b.id IN $among"] if among else [])
    into = (["r.predicate IN $as_object"] if as_object else []) + (
        ["b.id IN $among"] if among else [])

    def where(conds: list[str]) -> str:
        return f" WHERE {' AND '.join(conds)}" if conds else ""

    return ("UNWIND $ids AS id MATCH (n:Entity {id: id}) CALL (n) { "
            f"MATCH (n)-[r:REL]->(b){where(out)} RETURN r UNION "
            f"MATCH (n)<-[r:REL]-(b){where(into)} RETURN r }} "
            "WITH DISTINCT r WHERE " + REL_FILTER)


EDGE_LIST = "[r.id, r.subject, r.predicate, r.object, r.confidence]"
REL_LIST = ("[r.id, r.subject, r.predicate, r.object, r.confidence, r.status, r.first_seen, "
            "r.last_seen, r.evidence_count, coalesce(r.review, 'unreviewed')]")
# one record holding a list per relation: far less to decode than a record (and a map of
# every property) per relation
REL_FIELDS = f"RETURN collect({REL_LIST}) AS rows"


def unless_cut(fields: str) -> str:
    """Return the RETURN clause of the rows (``fields`` of each ``r``) of at most $limit
    relations, or of null when more matched (nothing sent back: the caller asks again,
    sorted on the server)."""
    return (f"WITH collect(r) AS rs RETURN CASE WHEN size(rs) > $limit THEN null "
            f"ELSE [r IN rs | {fields}] END AS rows")


def _lucene(text: str) -> str:
    """Return ``text`` with every Lucene special character escaped."""
    return "".join("\\" + c if c in LUCENE_SPECIAL else c for c in text)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if hasattr(value, "to_native"):
        return value.to_native()  # type: ignore[no-any-return]
    return date.fromisoformat(value)


def _entity(props: dict[str, Any]) -> Entity:
    return Entity(id=props["id"], name=props["name"], type=props["type"],
                  aliases=list(props.get("aliases") or []),
                  external_ids=json.loads(props.get("external_ids") or "{}"))


def _relation(props: dict[str, Any]) -> Relation:
    return Relation.model_validate({**props, "first_seen": _day(props.get("first_seen")),
                                    "last_seen": _day(props.get("last_seen"))})


def _relation_fields(row: list[Any]) -> Relation:
    """Return the relation of a ``REL_FIELDS`` row, unvalidated (we wrote it validated)."""
    rid, subject, predicate, obj, confidence, status, first, last, count, review = row
    return Relation.model_construct(id=rid, subject=subject, predicate=predicate, object=obj,
                                    confidence=confidence, status=status,
                                    first_seen=_day(first), last_seen=_day(last),
                                    evidence_count=count, review=review)


def _document(props: dict[str, Any]) -> Document:
    return Document(**{k: v for k, v in props.items() if k != "published"},
                    published=_day(props.get("published")))


def _evidence(props: dict[str, Any]) -> EvidenceView:
    fields = {k: v for k, v in props.items() if k not in ("date", "start_offset", "end_offset")}
    return EvidenceView(**fields, start=props.get("start_offset"), end=props.get("end_offset"),
                        date=_day(props.get("date")))


def _evidence_views(rows: Iterable[Any]) -> list[EvidenceView]:
    """Return the EvidenceView of each row's ``ev``, skipping evidence that a concurrent
    write deleted while it was read (its properties come back empty)."""
    return [_evidence(r["ev"]) for r in rows if r["ev"].get("id") is not None]


def _filter_params(flt: RelationFilter | None, include_flagged: bool) -> dict[str, Any]:
    flt = flt or RelationFilter()
    return {"flagged": include_flagged, "min_confidence": flt.min_confidence,
            "predicates": list(flt.predicates), "since": _iso(flt.since), "until": _iso(flt.until)}


def _snapshot(props: dict[str, Any]) -> Snapshot:
    return Snapshot(id=props["id"], created=props["created"], title=props["title"],
                    payload=json.loads(props["payload"]))


def _create_schema(session: Session) -> None:
    """Create the constraints and indexes: all in one transaction (one commit instead of one
    per statement), or one by one when that fails (another process creating them at once)."""
    try:
        with session.begin_transaction() as tx:
            for statement in SCHEMA:
                tx.run(statement).consume()
            tx.commit()
        return
    except Neo4jError:
        pass
    for statement in SCHEMA:
        _create(session, statement)


def _create(session: Session, statement: str, attempts: int = 8) -> None:
    """Run one schema statement, retrying the deadlocks of processes creating it at once."""
    retrying = Retrying(retry=retry_if_exception_type(TransientError),
                        stop=stop_after_attempt(attempts), reraise=True,
                        wait=lambda state: 0.1 + random.random() * 0.4 * state.attempt_number)
    for attempt in retrying:
        with attempt:
            try:
                session.run(statement).consume()
            except TransientError:
                raise
            except Neo4jError as exc:  # a concurrent process created it first
                if "AlreadyExists" not in (exc.code or ""):
                    raise
            return
