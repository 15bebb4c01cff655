"""Neo4j backend of the GraphStore contract: official driver, parameterized Cypher, UNWIND batches.

Model: a ``(:Entity)-[:REL]->(:Entity)`` relationship per relation holds its aggregate
(found by id through the ``rel_id`` relationship index); ``:Evidence`` nodes carry
``relation_id`` and ``document_id`` (both indexed); ``:Alias {key, head, entity_id, type,
name}`` nodes hold the name keys of each entity's name and aliases (range index for exact
and prefix lookups, text index for substrings, fulltext index for fuzzy search). Every
write transaction first bumps the version of the single ``:Meta`` node, which also
serializes writers: the aggregates recomputed in Python (``graph.aggregate``, as the
embedded store does) from the evidence read inside the transaction cannot race, and
writers cannot deadlock each other.

The driver is created at once but connects lazily: the schema is created on the first call
that reaches the server, and again after an outage. Calls raise StoreUnavailable within
about ``timeout`` seconds when the server is down, and work again when it is back.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from neo4j import GraphDatabase, ManagedTransaction, Record, Session
from neo4j.exceptions import DriverError, Neo4jError, TransientError
from rapidfuzz import fuzz

from graph.aggregate import aggregate, oriented, refines, triple_relation_id, validate_triples
from graph.errors import InputError, StoreUnavailable
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
from graph.names import clean_name, name_key

T = TypeVar("T")
# The driver logs each retry as a warning; without a handler of the application's own they
# would be printed on stderr by the logging module's last resort (the CLI's output).
logging.getLogger("neo4j").addHandler(logging.NullHandler())

SCHEMA = [
    *(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
      for label in ("Entity", "Document", "Evidence", "Snapshot", "Meta")),
    "CREATE INDEX alias_head IF NOT EXISTS FOR (n:Alias) ON (n.head)",
    "CREATE TEXT INDEX alias_head_text IF NOT EXISTS FOR (n:Alias) ON (n.head)",
    "CREATE INDEX alias_entity IF NOT EXISTS FOR (n:Alias) ON (n.entity_id)",
    "CREATE INDEX evidence_relation IF NOT EXISTS FOR (n:Evidence) ON (n.relation_id)",
    "CREATE INDEX evidence_document IF NOT EXISTS FOR (n:Evidence) ON (n.document_id)",
    "CREATE INDEX rel_id IF NOT EXISTS FOR ()-[r:REL]-() ON (r.id)",
    "CREATE INDEX snapshot_created IF NOT EXISTS FOR (n:Snapshot) ON (n.created)",
    ("CREATE FULLTEXT INDEX alias_fulltext IF NOT EXISTS FOR (n:Alias) ON EACH [n.key] "
     "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', "
     "`fulltext.eventually_consistent`: false}}"),
]
# Index entries have a size limit (about 8 kB): the indexes hold the first HEAD characters
# of a key (``head``); exact matches compare the whole key, substrings past HEAD are not found.
HEAD = 1000
# documents per write transaction: ~10,000 evidence rows of typical documents, few round trips
BATCH = 500
FUZZY_CUTOFF = 70.0
FUZZY_CANDIDATES = 300
LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')

BUMP = ("MERGE (m:Meta {id: 'graph'}) ON CREATE SET m.version = 0 "
        "SET m.version = m.version + 1")
DELETE_EVIDENCE = ("UNWIND $ids AS id MATCH (ev:Evidence {document_id: id}) "
                   "WITH ev, ev.relation_id AS rid DELETE ev RETURN DISTINCT rid")
EVIDENCE_VIEW = ("OPTIONAL MATCH (d:Document {id: ev.document_id}) "
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


EDGE_FIELDS = "RETURN collect([r.id, r.subject, r.predicate, r.object, r.confidence]) AS rows"
# one record holding a list per relation: far less to decode than a record (and a map of
# every property) per relation
REL_FIELDS = ("RETURN collect([r.id, r.subject, r.predicate, r.object, r.confidence, r.status, "
              "r.first_seen, r.last_seen, r.evidence_count]) AS rows")


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
    rid, subject, predicate, obj, confidence, status, first, last, count = row
    return Relation.model_construct(id=rid, subject=subject, predicate=predicate, object=obj,
                                    confidence=confidence, status=status,
                                    first_seen=_day(first), last_seen=_day(last),
                                    evidence_count=count)


def _document(props: dict[str, Any]) -> Document:
    return Document(**{k: v for k, v in props.items() if k != "published"},
                    published=_day(props.get("published")))


def _evidence(props: dict[str, Any]) -> EvidenceView:
    fields = {k: v for k, v in props.items() if k not in ("date", "start_offset", "end_offset")}
    return EvidenceView(**fields, start=props.get("start_offset"), end=props.get("end_offset"),
                        date=_day(props.get("date")))


def _filter_params(flt: RelationFilter | None, include_flagged: bool) -> dict[str, Any]:
    flt = flt or RelationFilter()
    return {"flagged": include_flagged, "min_confidence": flt.min_confidence,
            "predicates": list(flt.predicates), "since": _iso(flt.since), "until": _iso(flt.until)}


def _merge_entity(stored: Entity | None, new: Entity) -> Entity:
    """Return ``new`` merged into ``stored``: the first name is kept, a more specific type
    refines a generic one, earlier external ids win, every other surface becomes an alias."""
    name = clean_name(new.name)
    base = stored or Entity(id=new.id, name=name, type=new.type)
    kind = new.type if refines(base.type, new.type) else base.type
    surfaces = {*base.aliases, name, *map(clean_name, new.aliases)} - {"", base.name}
    return Entity(id=base.id, name=base.name, type=kind, aliases=sorted(surfaces),
                  external_ids={**new.external_ids, **base.external_ids})


def _entity_row(e: Entity) -> dict[str, Any]:
    keys = sorted({k for k in map(name_key, [e.name, *e.aliases]) if k})
    return {"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases, "keys": keys,
            "external_ids": json.dumps(e.external_ids, sort_keys=True)}


class Neo4jStore:
    """A GraphStore in a Neo4j 5 database (see the module docstring for the model)."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None,
                 timeout: float = 5.0) -> None:
        self.uri = uri
        self._database = database
        self._timeout = timeout
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._driver = GraphDatabase.driver(
            uri, auth=(user, password), connection_timeout=timeout,
            connection_acquisition_timeout=timeout, liveness_check_timeout=30.0,
            notifications_min_severity="OFF")

    # plumbing
    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (DriverError, OSError) as exc:
            self._schema_ready = False  # the server may come back empty: check the schema again
            raise StoreUnavailable(f"Neo4j at {self.uri} is not answering ({exc}); "
                                   "check that the server runs and INFLUENCE_STORE") from exc
        except Neo4jError as exc:
            if exc.is_retryable() or (exc.code or "").startswith("Neo.ClientError.Security"):
                raise StoreUnavailable(f"Neo4j at {self.uri} refused the work ({exc.message}); "
                                       "check the server and its credentials") from exc
            if (exc.code or "").startswith("Neo.DatabaseError"):
                raise StoreUnavailable(f"Neo4j at {self.uri} failed ({exc.message}); "
                                       "see the server's logs") from exc
            raise

    def _session(self, write: bool = False) -> Any:
        # Writers are serialized by the Meta lock, so deadlocks are rare; the retry budget
        # is kept short so that a down server is reported within about the timeout.
        budget = self._timeout / (2 if write else 5)
        return self._driver.session(database=self._database, max_transaction_retry_time=budget,
                                    initial_retry_delay=0.2, retry_delay_multiplier=2.0)

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock, self._errors():
            if self._schema_ready:
                return
            with self._session(write=True) as session:
                _create_schema(session)
                session.run("CALL db.awaitIndexes($s)", s=max(10, int(self._timeout * 6)))\
                    .consume()
                # earlier versions kept a copy of each relation in a :Relation node
                session.run("MATCH (r:Relation) CALL (r) { DELETE r } "
                            "IN TRANSACTIONS OF 10000 ROWS").consume()
                session.execute_write(lambda tx: tx.run(
                    "MERGE (m:Meta {id: 'graph'}) ON CREATE SET m.version = 0").consume())
            self._schema_ready = True

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        self._ensure_schema()
        with self._errors(), self._session() as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        self._ensure_schema()
        with self._errors(), self._session(write=True) as session:
            return session.execute_write(work)

    def _rows(self, query: str, **params: Any) -> list[Record]:
        # one query needs no explicit transaction: an auto-commit one saves a round trip
        self._ensure_schema()
        with self._errors(), self._session() as session:
            return list(session.run(query, params))

    def _stream(self, query: str, params: dict[str, Any],
                convert: Callable[[Any], T]) -> Iterator[T]:
        self._ensure_schema()
        with self._errors(), self._session() as session:
            for record in session.run(query, params):
                yield convert(record[0])

    # GraphStore
    def ping(self) -> None:
        """Return None when Neo4j answers; raise StoreUnavailable otherwise."""
        self._rows("RETURN 1")

    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()

    def version(self) -> int:
        """Return the write counter of the Meta node (changes on every committed write)."""
        rows = self._rows("MATCH (m:Meta {id: 'graph'}) RETURN m.version AS v")
        return int(rows[0]["v"]) if rows else 0

    def upsert_document(self, document: Document, triples: Sequence[Triple]) -> UpsertResult:
        """Store a document with its triples in one transaction, replacing earlier evidence.

        Evidence always belongs to ``document`` (its ``document_id`` is overridden).
        Raises InputError (nothing written) for unknown predicates or types, StoreUnavailable
        when Neo4j cannot be reached (nothing written).
        """
        validate_triples(triples)
        return self._upsert_batch([(document, list(triples))])[0]

    def upsert_documents(self, items: Iterable[tuple[Document, Sequence[Triple]]],
                         batch_size: int = BATCH) -> list[UpsertResult]:
        """Store documents ``batch_size`` per transaction, each all or nothing.

        Every document is validated before its batch is written. Invalid documents are
        skipped and the valid ones are stored; then InputError names every skipped document
        and why. Returns the results of the stored documents, in input order.
        """
        results: list[UpsertResult] = []
        rejected: list[str] = []
        batch: list[tuple[Document, list[Triple]]] = []
        for doc, triples in items:
            try:
                validate_triples(triples)
            except InputError as exc:
                rejected.append(f"document {doc.title or doc.id!r}: {exc}")
                continue
            batch.append((doc, list(triples)))
            if len(batch) >= max(1, batch_size):
                results += self._upsert_batch(batch)
                batch = []
        if batch:
            results += self._upsert_batch(batch)
        if rejected:
            raise InputError(f"{len(rejected)} document(s) rejected, {len(results)} stored: "
                             + "; ".join(rejected[:10]))
        return results

    def _upsert_batch(self, batch: list[tuple[Document, list[Triple]]]) -> list[UpsertResult]:
        """Write validated documents in one transaction, as if upserted one after another."""
        final = {doc.id: (doc, triples) for doc, triples in batch}  # a repeated id: last wins
        ids = sorted(final)
        entities = [e for _, triples in batch for t in triples for e in (t.subject, t.object)]
        evidence: dict[str, dict[str, Any]] = {}
        ends: dict[str, tuple[str, str, str]] = {}
        fresh: dict[str, list[tuple[float, str, date | None]]] = {}
        for doc_id in ids:
            for t in final[doc_id][1]:
                rid = triple_relation_id(t)
                subject, obj = oriented(t)
                ends[rid] = (subject, t.predicate, obj)
                ev = t.evidence.model_copy(update={"document_id": doc_id})
                evidence[ev.evidence_id(rid)] = {
                    "id": ev.evidence_id(rid), "relation_id": rid, "document_id": doc_id,
                    "sentence": ev.sentence, "start_offset": ev.start, "end_offset": ev.end,
                    "page": ev.page, "date": _iso(ev.date), "extractor": ev.extractor,
                    "confidence": ev.confidence, "attribution": ev.attribution,
                    "status": ev.status}
        for ev_id in sorted(evidence):  # the order in which the stored evidence is read back
            row = evidence[ev_id]
            fresh.setdefault(row["relation_id"], []).append(
                (row["confidence"], row["status"], _day(row["date"])))
        # entities only named by an earlier copy of a repeated document support nothing
        unsupported = {e.id for e in entities} - {x for s, _, o in ends.values() for x in (s, o)}

        def work(tx: ManagedTransaction) -> set[str]:
            _bump(tx)
            existed = {r["id"] for r in tx.run(
                "UNWIND $ids AS id MATCH (d:Document {id: id}) RETURN d.id AS id", ids=ids)}
            old_rels = {r["rid"] for r in tx.run(DELETE_EVIDENCE, ids=ids)}
            tx.run("UNWIND $rows AS row MERGE (d:Document {id: row.id}) SET d = row",
                   rows=[{**final[i][0].model_dump(exclude_none=True),
                          "published": _iso(final[i][0].published)} for i in ids]).consume()
            _write_entities(tx, entities)
            # the evidence of these documents was just deleted and ids include the document
            tx.run("UNWIND $rows AS row CREATE (ev:Evidence) SET ev = row",
                   rows=[evidence[i] for i in sorted(evidence)]).consume()
            _refresh_relations(tx, old_rels | set(ends), ends, fresh, unsupported)
            return existed

        existed = self._write(work)
        seen: set[str] = set()
        results = []
        for doc, triples in batch:
            results.append(UpsertResult(document_id=doc.id, triples=len(triples),
                                        created=doc.id not in existed and doc.id not in seen))
            seen.add(doc.id)
        return results

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence, and what only it supported; False if absent."""
        def work(tx: ManagedTransaction) -> bool:
            if tx.run("MATCH (d:Document {id: $id}) RETURN d.id", id=document_id).peek() is None:
                return False
            _bump(tx)
            old_rels = {r["rid"] for r in tx.run(DELETE_EVIDENCE, ids=[document_id])}
            tx.run("MATCH (d:Document {id: $id}) DELETE d", id=document_id).consume()
            _refresh_relations(tx, old_rels, {}, {}, set())
            return True

        return self._write(work)

    def get_document(self, document_id: str) -> Document | None:
        """Return the document or None."""
        rows = self._rows("MATCH (d:Document {id: $id}) RETURN d {.*} AS d", id=document_id)
        return _document(rows[0]["d"]) if rows else None

    def get_entity(self, entity_id: str) -> Entity | None:
        """Return the entity with this id or None."""
        found = self.get_entities([entity_id])
        return found[0] if found else None

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        """Return the entities with these ids, in the order asked (unknown ids skipped)."""
        rows = self._rows("UNWIND $ids AS id MATCH (e:Entity {id: id}) "
                          "RETURN collect(e {.id, .name, .type, .aliases, .external_ids}) AS es",
                          ids=list(dict.fromkeys(entity_ids)))
        return [_entity(e) for e in rows[0]["es"]]

    def find_by_key(self, key: str, limit: int = 20) -> list[Entity]:
        """Return entities whose name or an alias has exactly this ``name_key``."""
        key = name_key(key)
        rows = self._rows("MATCH (a:Alias {head: $head}) WHERE a.key = $key "
                          "WITH DISTINCT a.entity_id AS id "
                          "MATCH (e:Entity {id: id}) RETURN e {.*} AS e "
                          "ORDER BY e.name, e.id LIMIT $limit",
                          key=key, head=key[:HEAD], limit=limit)
        return [_entity(r["e"]) for r in rows]

    def search_entities(self, query: str, type: str | None = None,
                        limit: int = 10) -> list[tuple[Entity, float]]:
        """Return (entity, score) best first, then by name.

        Scores: 100 exact key, 90 key prefix, 85 word prefix, 80 substring, below 80
        fuzzy (rapidfuzz over the fulltext index's fuzzy and prefix candidates).
        """
        q = name_key(query)[:200]
        if not q or limit <= 0:
            return []
        params = {"q": q, "head": q[:HEAD], "type": type, "want": limit * 4 + 20}
        typed = " AND ($type IS NULL OR a.type = $type) "
        found = "RETURN a.entity_id AS id, a.key AS key"

        def work(tx: ManagedTransaction) -> tuple[list[Record], list[Record]]:
            exact = [*tx.run("MATCH (a:Alias {head: $head}) WHERE a.key = $q" + typed + found,
                             params),
                     *tx.run("MATCH (a:Alias) WHERE a.head STARTS WITH $q" + typed + found +
                             " ORDER BY a.name LIMIT $want", params),
                     *tx.run("MATCH (a:Alias) WHERE a.head CONTAINS $q" + typed + found +
                             " ORDER BY a.name LIMIT $want", params)]
            if len(q) < 3:
                return exact, []
            words = [_lucene(w) for w in q.split()[:16]]
            lucene = " OR ".join(f"{w}~ OR {w}*" for w in words)
            fuzzy = list(tx.run("CALL db.index.fulltext.queryNodes('alias_fulltext', $lucene, "
                                "{limit: $n}) YIELD node AS a WHERE true" + typed + found,
                                lucene=lucene, n=FUZZY_CANDIDATES, type=type))
            return exact, fuzzy

        exact, fuzzy = self._read(work)
        scores: dict[str, float] = {}
        for r in fuzzy:
            score = fuzz.WRatio(q, r["key"], score_cutoff=FUZZY_CUTOFF)
            if score:
                scores[r["id"]] = max(round(min(79.0, 79.0 * score / 100.0), 1),
                                      scores.get(r["id"], 0.0))
        for r in exact:
            key = r["key"]
            score = (100.0 if key == q else 90.0 if key.startswith(q)
                     else 85.0 if f" {q}" in key else 80.0)
            scores[r["id"]] = max(score, scores.get(r["id"], 0.0))
        ranked = self.get_entities(list(scores))
        ranked.sort(key=lambda e: (-scores[e.id], e.name, e.id))
        return [(e, scores[e.id]) for e in ranked[:limit]]

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation or None."""
        rows = self._rows("MATCH ()-[r:REL {id: $id}]->() RETURN r {.*} AS r", id=relation_id)
        return _relation(rows[0]["r"]) if rows else None

    def get_relations(self, relation_ids: Sequence[str]) -> list[Relation]:
        """Return the relations with these ids in the order given (unknown ids skipped)."""
        ids = list(dict.fromkeys(relation_ids))
        if not ids:
            return []
        rows = self._rows("UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() " + REL_FIELDS,
                          ids=ids)[0]["rows"]
        by_id = {row[0]: _relation_fields(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def relations_of(self, entity_id: str, include_flagged: bool = True,
                     limit: int = 500) -> list[Relation]:
        """Return the relations in and out of an entity, most evidence first."""
        rows = self._rows(
            "MATCH (:Entity {id: $id})-[r:REL]-() WHERE $flagged OR r.status = 'asserted' "
            "WITH DISTINCT r RETURN r {.*} AS r "
            "ORDER BY r.evidence_count DESC, r.confidence DESC, r.id LIMIT $limit",
            id=entity_id, flagged=include_flagged, limit=limit)
        return [_relation(r["r"]) for r in rows]

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Return every relation between two entities, in either direction."""
        rows = self._rows("MATCH (:Entity {id: $a})-[r:REL]-(:Entity {id: $b}) "
                          "WITH DISTINCT r RETURN r {.*} AS r ORDER BY r.predicate, r.id",
                          a=a, b=b)
        return [_relation(r["r"]) for r in rows]

    def evidence(self, relation_id: str, limit: int = 200) -> list[EvidenceView]:
        """Return the evidence of a relation with document titles and urls, best first."""
        rows = self._rows("MATCH (ev:Evidence {relation_id: $id}) " + EVIDENCE_VIEW +
                          " ORDER BY ev.status = 'asserted' DESC, ev.confidence DESC, "
                          "coalesce(ev.date, '') DESC, ev.id LIMIT $limit",
                          id=relation_id, limit=limit)
        return [_evidence(r["ev"]) for r in rows]

    def best_evidence(self, relation_ids: Sequence[str]) -> dict[str, EvidenceView]:
        """Return the best evidence of each relation in one query, by relation id."""
        if not relation_ids:
            return {}
        rows = self._rows("UNWIND $ids AS id MATCH (ev:Evidence {relation_id: id}) "
                          "WITH id, ev ORDER BY ev.status = 'asserted' DESC, ev.confidence DESC, "
                          "coalesce(ev.date, '') DESC, ev.id "
                          "WITH id, head(collect(ev)) AS ev " + EVIDENCE_VIEW,
                          ids=list(dict.fromkeys(relation_ids)))
        found = [_evidence(r["ev"]) for r in rows]
        return {e.relation_id: e for e in found}

    def adjacent(self, entity_ids: Sequence[str], flt: RelationFilter,
                 include_flagged: bool = False, limit: int = 10000) -> list[Relation]:
        """Return relations touching any of these entities (either end) passing the filter
        (predicates, dates, min_confidence; ``flt.types`` is applied by the caller)."""
        if limit <= 0 or not entity_ids:
            return []
        params = {"ids": list(entity_ids), "limit": limit, "more": limit + 1,
                  **_filter_params(flt, include_flagged)}
        # sorting on the server only when the limit cuts: most frontiers are below it
        rows: list[list[Any]] = self._rows(ADJACENT + " LIMIT $more " + REL_FIELDS,
                                           **params)[0]["rows"]
        if len(rows) > limit:
            rows = self._rows(ADJACENT + " ORDER BY r.confidence DESC, r.id LIMIT $limit " +
                              REL_FIELDS, **params)[0]["rows"]
        rels = [_relation_fields(row) for row in rows]
        rels.sort(key=lambda r: (-r.confidence, r.id))
        return rels

    def adjacent_edges(self, entity_ids: Sequence[str], flt: RelationFilter,
                       as_subject: Sequence[str] | None = None,
                       as_object: Sequence[str] | None = None,
                       among: Sequence[str] | None = None,
                       limit: int = 10000) -> list[tuple[str, str, str, str, float]]:
        """Return (id, subject, predicate, object, confidence) of the asserted relations
        passing the filter that have their subject in ``entity_ids`` (and, when
        ``as_subject`` is given, a predicate in it) or their object in ``entity_ids`` (and,
        when ``as_object`` is given, a predicate in it); with ``among``, only those whose
        other end is in ``among``. Each relation once, highest confidence first, then by id."""
        if limit <= 0 or not entity_ids or (among is not None and not among):
            return []
        params = {"ids": list(dict.fromkeys(entity_ids)), "limit": limit, "more": limit + 1,
                  "as_subject": list(as_subject or ()), "as_object": list(as_object or ()),
                  "among": list(dict.fromkeys(among or ())), **_filter_params(flt, False)}
        query = _adjacent_edges_query(as_subject is not None, as_object is not None,
                                      among is not None)
        rows: list[list[Any]] = self._rows(query + " LIMIT $more " + EDGE_FIELDS,
                                           **params)[0]["rows"]
        if len(rows) > limit:
            rows = self._rows(query + " ORDER BY r.confidence DESC, r.id "
                              "LIMIT $limit " + EDGE_FIELDS, **params)[0]["rows"]
        edges = [(rid, subject, predicate, obj, confidence)
                 for rid, subject, predicate, obj, confidence in rows]
        edges.sort(key=lambda e: (-e[4], e[0]))
        return edges

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
            "s.payload = $payload, s.fresh = true WITH s WHERE s.fresh REMOVE s.fresh "
            "WITH s " + BUMP, id=snapshot.id, created=snapshot.created,
            title=snapshot.title, payload=json.dumps(snapshot.payload)).consume())

    def get_snapshot(self, snapshot_id: str) -> Snapshot | None:
        """Return the snapshot or None."""
        rows = self._rows("MATCH (s:Snapshot {id: $id}) RETURN s {.*} AS s", id=snapshot_id)
        return _snapshot(rows[0]["s"]) if rows else None

    def list_snapshots(self, limit: int = 100) -> list[Snapshot]:
        """Return snapshots, newest first (payloads included)."""
        rows = self._rows("MATCH (s:Snapshot) RETURN s {.*} AS s ORDER BY s.created DESC, s.id "
                          "LIMIT $limit", limit=limit)
        return [_snapshot(r["s"]) for r in rows]


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
    for attempt in range(attempts):
        try:
            session.run(statement).consume()
            return
        except TransientError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 + random.random() * 0.4 * (attempt + 1))
        except Neo4jError as exc:  # a concurrent process created it first
            if "AlreadyExists" not in (exc.code or ""):
                raise
            return


def _bump(tx: ManagedTransaction) -> None:
    """Increment the version; the lock it takes on the Meta node serializes writers."""
    tx.run(BUMP).consume()


def _snapshot(props: dict[str, Any]) -> Snapshot:
    return Snapshot(id=props["id"], created=props["created"], title=props["title"],
                    payload=json.loads(props["payload"]))


def _write_entities(tx: ManagedTransaction, entities: list[Entity]) -> None:
    """Merge ``entities`` (in order) into the stored ones, write those that changed and
    rewrite the alias nodes of those whose keys, type or name changed."""
    ids = sorted({e.id for e in entities})
    stored: dict[str, Entity] = {}
    stored_keys: dict[str, list[str]] = {}
    for r in tx.run("UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e {.*} AS e", ids=ids):
        stored[r["e"]["id"]] = _entity(r["e"])
        stored_keys[r["e"]["id"]] = list(r["e"].get("keys") or [])
    merged = dict(stored)
    for e in entities:
        merged[e.id] = _merge_entity(merged.get(e.id), e)
    rows = [_entity_row(merged[i]) for i in ids if merged[i] != stored.get(i)]
    if not rows:
        return
    tx.run("UNWIND $rows AS row MERGE (e:Entity {id: row.id}) "
           "SET e.name = row.name, e.type = row.type, e.aliases = row.aliases, "
           "e.keys = row.keys, e.external_ids = row.external_ids", rows=rows).consume()
    renamed = [row for row in rows if row["id"] not in stored
               or (row["keys"], row["type"], row["name"]) != (
                   stored_keys[row["id"]], stored[row["id"]].type, stored[row["id"]].name)]
    old = [row["id"] for row in renamed if row["id"] in stored]
    if old:
        tx.run("UNWIND $ids AS id MATCH (a:Alias {entity_id: id}) DELETE a", ids=old).consume()
    if renamed:
        tx.run("UNWIND $rows AS row UNWIND row.keys AS key "
               "CREATE (:Alias {key: key.key, head: key.head, entity_id: row.id, "
               "type: row.type, name: row.name})",
               rows=[{**row, "keys": [{"key": k, "head": k[:HEAD]} for k in row["keys"]]}
                     for row in renamed]).consume()


def _refresh_relations(tx: ManagedTransaction, touched: set[str],
                       ends: dict[str, tuple[str, str, str]],
                       fresh: dict[str, list[tuple[float, str, date | None]]],
                       unsupported: set[str]) -> None:
    """Recompute the aggregates of the touched relations from their evidence, inside ``tx``.

    ``fresh`` holds the evidence written by this transaction, by relation: a relation that
    did not exist before has no other, so only the evidence of existing ones is read back.
    Relations left without evidence are deleted, then the entities (their ends or the
    ``unsupported`` ones) left without any relation.
    """
    ids = sorted(touched)
    if not ids and not unsupported:
        return
    existing: set[str] = set()
    for r in tx.run("UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() "
                    "RETURN id, r.subject AS s, r.predicate AS p, r.object AS o", ids=ids):
        existing.add(r["id"])
        ends.setdefault(r["id"], (r["s"], r["p"], r["o"]))
    reread = [rid for rid in ids if rid in existing or rid not in fresh]
    evidence = {r["id"]: [(c, st, _day(d)) for c, st, d in r["evs"]] for r in tx.run(
        "UNWIND $ids AS id MATCH (ev:Evidence {relation_id: id}) WITH id, ev ORDER BY ev.id "
        "RETURN id, collect([ev.confidence, ev.status, ev.date]) AS evs", ids=reread)}
    update: list[dict[str, Any]] = []
    create: list[dict[str, Any]] = []
    drop: list[str] = []
    for rid in ids:
        s, p, o = ends[rid]
        rel = aggregate(rid, s, p, o, evidence.get(rid, []) if rid in existing or rid not in fresh
                        else fresh[rid])
        if rel is None:
            drop.append(rid)
            continue
        row = {**rel.model_dump(), "first_seen": _iso(rel.first_seen),
               "last_seen": _iso(rel.last_seen)}
        (update if rid in existing else create).append(row)
    if drop:
        tx.run("UNWIND $ids AS id MATCH ()-[e:REL {id: id}]->() DELETE e", ids=drop).consume()
    if update:
        tx.run("UNWIND $rows AS row MATCH ()-[e:REL {id: row.id}]->() SET e = row",
               rows=update).consume()
    if create:
        tx.run("UNWIND $rows AS row MATCH (a:Entity {id: row.subject}), (b:Entity {id: row.object}) "
               "CREATE (a)-[e:REL]->(b) SET e = row", rows=create).consume()
    loose = sorted({x for rid in drop for x in (ends[rid][0], ends[rid][2])} | unsupported)
    if loose:
        tx.run("UNWIND $ids AS id MATCH (e:Entity {id: id}) WHERE NOT (e)-[:REL]-() "
               "OPTIONAL MATCH (a:Alias {entity_id: id}) WITH e, collect(a) AS aliases "
               "FOREACH (a IN aliases | DELETE a) DETACH DELETE e", ids=loose).consume()
