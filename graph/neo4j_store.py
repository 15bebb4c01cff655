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

The driver, its sessions and the schema are in ``graph.neo4j_connections``, the Cypher texts
and record conversions in ``graph.neo4j_cypher``, the write transactions in
``graph.neo4j_writes``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from neo4j import ManagedTransaction, Record

from core.names import name_key
from graph.aggregate import raise_rejected, valid_items, validate_document
from graph.judgements import Overrides
from graph.model import (
    Document,
    Entity,
    EvidenceView,
    Relation,
    RelationFilter,
    Triple,
    UpsertResult,
)
from graph.neo4j_cypher import (
    ADJACENT,
    EDGE_LIST,
    EVIDENCE_VIEW,
    HEAD,
    REL_FIELDS,
    REL_LIST,
    _adjacent_edges_query,
    _document,
    _entity,
    _evidence_views,
    _filter_params,
    _lucene,
    _relation,
    _relation_fields,
    unless_cut,
)
from graph.neo4j_review import Neo4jReview
from graph.neo4j_scans import Neo4jScans
from graph.neo4j_writes import StaleOverrides, remove_work, upsert_work
from graph.search import FUZZY_CANDIDATES, add_fuzzy, add_score, best_first, match_score

__all__ = ["Neo4jStore", "_lucene"]

# documents per write transaction: ~10,000 evidence rows of typical documents, few round trips
BATCH = 2000
# ... or fewer, so that a transaction holds at most this many triples (its memory on the
# server: 40,000 triples of short sentences fit the 1 GiB test server's transaction limit)
BATCH_TRIPLES = 30_000


T = TypeVar("T")
# how many times a write is prepared again when judgements change while it is prepared
STALE_TRIES = 5


class Neo4jStore(Neo4jReview, Neo4jScans):
    """A GraphStore in a Neo4j 5 database (see the module docstring for the model)."""

    def ping(self) -> None:
        """Return None when Neo4j answers; raise StoreUnavailable otherwise."""
        self._rows("RETURN 1")

    def version(self) -> int:
        """Return the write counter of the Meta node (changes on every committed write)."""
        rows = self._rows("MATCH (m:Meta {id: 'graph'}) RETURN m.version AS v")
        return int(rows[0]["v"]) if rows else 0

    def upsert_document(self, document: Document, triples: Sequence[Triple]) -> UpsertResult:
        """Store a document with its triples in one transaction, replacing earlier evidence.

        Evidence always belongs to ``document`` (its ``document_id`` is overridden).
        Raises InputError (nothing written) for unknown predicates or types or text that is
        not valid Unicode, StoreUnavailable when Neo4j cannot be reached (nothing written).
        """
        validate_document(document, triples)
        return self._upsert_batch([(document, list(triples))])[0]

    def upsert_documents(self, items: Iterable[tuple[Document, Sequence[Triple]]],
                         batch_size: int = BATCH,
                         batch_triples: int = BATCH_TRIPLES) -> list[UpsertResult]:
        """Store documents ``batch_size`` per transaction (fewer when they hold more than
        ``batch_triples`` triples), each transaction all or nothing.

        Every document is validated before its batch is written. Invalid documents are
        skipped and the valid ones are stored; then InputError names every skipped document
        and why. Returns the results of the stored documents, in input order.
        """
        results: list[UpsertResult] = []
        rejected: list[str] = []
        batch: list[tuple[Document, list[Triple]]] = []
        held = 0
        for doc, triples in valid_items(items, rejected):
            batch.append((doc, list(triples)))
            held += len(triples)
            if len(batch) >= max(1, batch_size) or held >= batch_triples:
                results += self._upsert_batch(batch)
                batch, held = [], 0
        if batch:
            results += self._upsert_batch(batch)
        raise_rejected(rejected, len(results))
        return results

    def _upsert_batch(self, batch: list[tuple[Document, list[Triple]]]) -> list[UpsertResult]:
        """Write validated documents in one transaction, as if upserted one after another."""
        existed = self._write_judged(lambda overrides: upsert_work(batch, overrides))
        seen: set[str] = set()
        results = []
        for doc, triples in batch:
            results.append(UpsertResult(document_id=doc.id, triples=len(triples),
                                        created=doc.id not in existed and doc.id not in seen))
            seen.add(doc.id)
        return results

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence, and what only it supported; False if absent."""
        return self._write_judged(lambda overrides: remove_work(document_id, overrides))

    def _write_judged(self, make: Callable[[Overrides], Callable[[ManagedTransaction], T]]
                      ) -> T:
        """Run the write ``make`` prepares with the current overrides; prepare it again
        when a judgement came in between (StaleOverrides)."""
        for _ in range(STALE_TRIES - 1):
            try:
                return self._write(make(self.overrides()))
            except StaleOverrides:
                continue
        return self._write(make(self.overrides()))

    def get_document(self, document_id: str) -> Document | None:
        """Return the document or None."""
        rows = self._rows("MATCH (d:Document {id: $id}) RETURN d {.*} AS d", id=document_id)
        return _document(rows[0]["d"]) if rows else None

    def document_ids_from(self, origin: str) -> list[str]:
        """Return the ids of the stored documents read from ``origin``, sorted."""
        rows = self._rows("MATCH (d:Document {origin: $origin}) RETURN d.id AS id "
                          "ORDER BY id", origin=origin)
        return [r["id"] for r in rows]

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
        """Return entities whose name or an alias has exactly this ``name_key``; none for a
        key-less ``key`` (only punctuation or spaces)."""
        key = name_key(key)
        if not key:
            return []
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
        add_fuzzy(scores, q, ((r["id"], r["key"]) for r in fuzzy))
        for r in exact:
            add_score(scores, r["id"], match_score(r["key"], q))
        return best_first(self.get_entities(list(scores)), scores, limit)

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation or None."""
        found = self.get_relations([relation_id])
        return found[0] if found else None

    def get_relations(self, relation_ids: Sequence[str]) -> list[Relation]:
        """Return the relations with these ids in the order given (unknown ids skipped)."""
        ids = list(dict.fromkeys(relation_ids))
        if not ids:
            return []
        rows = self._rows("UNWIND $ids AS id MATCH ()-[r:REL {id: id}]->() "
                          "USING INDEX SEEK r:REL(id) " + REL_FIELDS, ids=ids)[0]["rows"]
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
        rows = self._rows("MATCH (ev:Evidence {relation_id: $id}) "
                          "USING INDEX SEEK ev:Evidence(relation_id) " + EVIDENCE_VIEW +
                          " ORDER BY ev.status = 'asserted' DESC, ev.confidence DESC, "
                          "coalesce(ev.date, '') DESC, ev.id LIMIT $limit",
                          id=relation_id, limit=limit)
        return _evidence_views(rows)

    def best_evidence(self, relation_ids: Sequence[str]) -> dict[str, EvidenceView]:
        """Return the best evidence of each relation in one query, by relation id."""
        if not relation_ids:
            return {}
        rows = self._rows("UNWIND $ids AS id MATCH (ev:Evidence {relation_id: id}) "
                          "USING INDEX SEEK ev:Evidence(relation_id) "
                          "WITH id, ev ORDER BY ev.status = 'asserted' DESC, ev.confidence DESC, "
                          "coalesce(ev.date, '') DESC, ev.id "
                          "WITH id, head(collect(ev)) AS ev " + EVIDENCE_VIEW,
                          ids=list(dict.fromkeys(relation_ids)))
        return {e.relation_id: e for e in _evidence_views(rows)}

    def adjacent(self, entity_ids: Sequence[str], flt: RelationFilter,
                 include_flagged: bool = False, limit: int = 10000) -> list[Relation]:
        """Return relations touching any of these entities (either end) passing the filter
        (predicates, dates, min_confidence; ``flt.types`` is applied by the caller)."""
        if limit <= 0 or not entity_ids:
            return []
        params = {"ids": list(entity_ids), "limit": limit, "more": limit + 1,
                  **_filter_params(flt, include_flagged)}
        rows = self._best_rows(ADJACENT, REL_LIST, params)
        rels = [_relation_fields(row) for row in rows]
        rels.sort(key=lambda r: (-r.confidence, r.id))
        return rels

    def _best_rows(self, query: str, fields: str, params: dict[str, Any]) -> list[list[Any]]:
        """Return ``fields`` of the ``r`` that ``query`` matches, at most ``$limit`` of them,
        the best when more match. Sorted on the server only when the limit cuts (most
        levels of a walk are below it); until then an over-limit match sends back nothing."""
        rows: list[list[Any]] | None = self._rows(
            query + " LIMIT $more " + unless_cut(fields), **params)[0]["rows"]
        if rows is None:
            rows = self._rows(query + " ORDER BY r.confidence DESC, r.id LIMIT $limit "
                              f"RETURN collect({fields}) AS rows", **params)[0]["rows"]
        return rows

    def adjacent_edges(self, entity_ids: Sequence[str], flt: RelationFilter,
                       as_subject: Sequence[str] | None = None,
                       as_object: Sequence[str] | None = None,
                       among: Sequence[str] | None = None,
                       limit: int = 10000) -> list[tuple[str, str, str, str, float]]:
        """Return the rows ``GraphStore.adjacent_edges`` describes: two directed expansions
        per entity, only the conditions in use named in the query."""
        if limit <= 0 or not entity_ids or (among is not None and not among):
            return []
        params = {"ids": list(dict.fromkeys(entity_ids)), "limit": limit, "more": limit + 1,
                  "as_subject": list(as_subject or ()), "as_object": list(as_object or ()),
                  "among": list(dict.fromkeys(among or ())), **_filter_params(flt, False)}
        query = _adjacent_edges_query(as_subject is not None, as_object is not None,
                                      among is not None)
        rows = self._best_rows(query, EDGE_LIST, params)
        edges = [(rid, subject, predicate, obj, confidence)
                 for rid, subject, predicate, obj, confidence in rows]
        edges.sort(key=lambda e: (-e[4], e[0]))
        return edges
