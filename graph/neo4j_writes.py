"""What a write transaction of the Neo4j store does: bump the version (the lock that
serializes writers), merge entities and rewrite their alias nodes, recompute the aggregates
of the touched relations from their evidence, and delete what is left unsupported.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from neo4j import ManagedTransaction

from core.errors import InfluenceError
from core.names import name_key
from graph.aggregate import (
    EntityState,
    aggregate,
    merge_entity,
)
from graph.judgements import Overrides
from graph.model import Document, Entity, Triple
from graph.neo4j_cypher import (
    BUMP,
    CREATE_RELATIONS,
    DELETE_EVIDENCE,
    DROP_RELATIONS,
    EVIDENCE_RELATIONS,
    HEAD,
    RELATION_ENDS,
    STORED_EVIDENCE,
    UPDATE_RELATIONS,
    _day,
    _iso,
)

ROWS_PER_QUERY = 5000  # rows of one UNWIND write (see _write_rows)
JUDGEMENT_STAMP = "MATCH (m:Meta {id: 'graph'}) RETURN coalesce(m.judgements, 0) AS n"


class StaleOverrides(InfluenceError):
    """A judgement was made between reading the overrides and writing with them: the
    caller prepares the write again."""


def _check_stamp(tx: ManagedTransaction, overrides: Overrides) -> None:
    """Raise StaleOverrides unless ``overrides`` are those of the judgements stored now
    (call after ``_bump``: the lock keeps them so until the commit)."""
    record = tx.run(JUDGEMENT_STAMP).single()
    if (record["n"] if record else 0) != overrides.stamp:
        raise StaleOverrides("judgements changed while the write was prepared")


def _entity_row(entity_id: str, state: EntityState) -> dict[str, Any]:
    aliases = sorted(state.aliases)
    keys = sorted({k for k in map(name_key, [state.name, *aliases]) if k})
    return {"id": entity_id, "name": state.name, "type": state.type, "aliases": aliases,
            "keys": keys, "external_ids": json.dumps(state.external_ids, sort_keys=True)}


def _write_rows(tx: ManagedTransaction, query: str, rows: list[dict[str, Any]]) -> None:
    """Run the UNWIND ``query`` over ``rows`` in slices of ``ROWS_PER_QUERY`` (the server holds
    a slice's parameters while it runs: a 30k load wrote 45,000 evidence rows in one)."""
    for i in range(0, len(rows), ROWS_PER_QUERY):
        tx.run(query, rows=rows[i:i + ROWS_PER_QUERY]).consume()


def _bump(tx: ManagedTransaction) -> None:
    """Increment the version; the lock it takes on the Meta node serializes writers."""
    tx.run(BUMP).consume()


StoredEntities = tuple[dict[str, EntityState], dict[str, list[str]]]


def _read_entities(tx: ManagedTransaction, entities: list[Entity]) -> StoredEntities:
    """Return the merge state and the name keys of the stored ``entities``, by id."""
    stored: dict[str, EntityState] = {}
    stored_keys: dict[str, list[str]] = {}
    for r in tx.run("UNWIND $ids AS id MATCH (e:Entity {id: id}) "
                    "RETURN e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases, "
                    "e.external_ids AS external_ids, e.keys AS keys",
                    ids=sorted({e.id for e in entities})):
        stored[r["id"]] = EntityState(r["name"], r["type"], frozenset(r["aliases"] or ()),
                                      json.loads(r["external_ids"] or "{}"))
        stored_keys[r["id"]] = list(r["keys"] or [])
    return stored, stored_keys


def _write_entities(tx: ManagedTransaction, entities: list[Entity],
                    read: StoredEntities) -> None:
    """Merge ``entities`` (in order) into the stored ones (``read`` by ``_read_entities``),
    write those that changed and rewrite the alias nodes of those whose keys, type or name
    changed."""
    ids = sorted({e.id for e in entities})
    stored, stored_keys = read
    states = dict(stored)
    for e in entities:
        states[e.id] = merge_entity(states.get(e.id), e)
    rows = [_entity_row(i, states[i]) for i in ids if states[i] != stored.get(i)]
    if not rows:
        return
    # what was read is all there is: writers hold the version lock, so new ones are created
    created = [row for row in rows if row["id"] not in stored]
    changed = [row for row in rows if row["id"] in stored]
    if created:
        _write_rows(tx, "UNWIND $rows AS row CREATE (e:Entity) SET e = row", created)
    if changed:
        _write_rows(tx, "UNWIND $rows AS row MATCH (e:Entity {id: row.id}) SET e = row", changed)
    renamed = [row for row in rows if row["id"] not in stored
               or (row["keys"], row["type"], row["name"]) != (
                   stored_keys[row["id"]], stored[row["id"]].type, stored[row["id"]].name)]
    old = [row["id"] for row in renamed if row["id"] in stored]
    if old:
        tx.run("UNWIND $ids AS id MATCH (a:Alias {entity_id: id}) DELETE a", ids=old).consume()
    if renamed:
        _write_rows(tx, "UNWIND $rows AS row UNWIND row.keys AS key "
                    "CREATE (:Alias {key: key.key, head: key.head, entity_id: row.id, "
                    "type: row.type, name: row.name})",
                    [{**row, "keys": [{"key": k, "head": k[:HEAD]} for k in row["keys"]]}
                     for row in renamed])


def _stored_relations(tx: ManagedTransaction, ids: set[str], old: set[str],
                      ends: dict[str, tuple[str, str, str]], documents: list[str]
                      ) -> tuple[set[str], dict[str, list[tuple[float, str, date | None]]]]:
    """Return the relations among ``ids`` stored before this transaction and the evidence
    they keep (all but that of ``documents``, which this transaction replaces); fills
    ``ends`` for the ``old`` ones.

    ``old`` are the relations with evidence of ``documents`` (they exist); any other stored
    relation has evidence (a relation without evidence is deleted), so the evidence index
    answers for them. Run before the transaction deletes or writes anything but the
    version: index seeks in a transaction that has deleted tens of thousands of nodes cost
    ~0.5 ms each instead of microseconds.
    """
    evidence = {r["id"]: [(c, st, _day(d)) for c, st, d in r["evs"]]
                for r in tx.run(STORED_EVIDENCE, ids=sorted(ids), documents=documents)}
    unknown = sorted(rid for rid in old if rid not in ends)
    for r in tx.run(RELATION_ENDS, ids=unknown):
        ends[r["id"]] = (r["s"], r["p"], r["o"])
    return old | set(evidence), evidence


def _relation_row(rid: str, ends: tuple[str, str, str],
                  evidence: list[tuple[float, str, date | None]],
                  review: str) -> dict[str, Any] | None:
    """Return the properties of a relation aggregated from its evidence and review; None
    without any evidence."""
    rel = aggregate(rid, *ends, evidence, review)
    if rel is None:
        return None
    return {**rel.model_dump(), "first_seen": _iso(rel.first_seen),
            "last_seen": _iso(rel.last_seen)}


def _refresh_relations(tx: ManagedTransaction, ids: list[str], existing: set[str],
                       ends: dict[str, tuple[str, str, str]],
                       evidence: dict[str, list[tuple[float, str, date | None]]],
                       created: dict[str, dict[str, Any]], unsupported: set[str],
                       reviews: dict[str, str]) -> None:
    """Write the aggregates of the relations ``ids`` from their ``evidence`` rows, inside
    ``tx``: update the ``existing`` ones, create the others (their rows, aggregated
    beforehand, in ``created``), delete those left without evidence, then the entities
    (their ends or the ``unsupported`` ones) left without any relation."""
    update: list[dict[str, Any]] = []
    create: list[dict[str, Any]] = []
    drop: list[str] = []
    for rid in ids:
        if rid not in existing:  # only this transaction's evidence: aggregated already
            create.append(created[rid])
        elif (row := _relation_row(rid, ends[rid], evidence.get(rid, []),
                                   reviews.get(rid, "unreviewed"))) is None:
            drop.append(rid)
        else:
            update.append(row)
    if drop:
        tx.run(DROP_RELATIONS, ids=drop).consume()
    if update:
        _write_rows(tx, UPDATE_RELATIONS, update)
    if create:
        _write_rows(tx, CREATE_RELATIONS, create)
    loose = sorted({x for rid in drop for x in (ends[rid][0], ends[rid][2])} | unsupported)
    if loose:
        tx.run("UNWIND $ids AS id MATCH (e:Entity {id: id}) WHERE NOT (e)-[:REL]-() "
               "OPTIONAL MATCH (a:Alias {entity_id: id}) WITH e, collect(a) AS aliases "
               "FOREACH (a IN aliases | DELETE a) DETACH DELETE e", ids=loose).consume()


def _evidence_rows(final: dict[str, tuple[Document, list[Triple]]], ids: list[str],
                   overrides: Overrides
                   ) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, str, str]]]:
    """Return the evidence rows of the documents by evidence id, and the (subject,
    predicate, object) of each relation they state, mentions placed by ``overrides``."""
    evidence: dict[str, dict[str, Any]] = {}
    ends: dict[str, tuple[str, str, str]] = {}
    for doc_id in ids:
        for t in final[doc_id][1]:
            rid, subject, predicate, obj, raw, raw_subject, raw_object = overrides.placed(t)
            ends[rid] = (subject, predicate, obj)
            ev = t.evidence
            ev_id = ev.evidence_id(raw, doc_id)
            evidence[ev_id] = {
                "id": ev_id, "relation_id": rid, "document_id": doc_id,
                "sentence": ev.sentence, "start_offset": ev.start, "end_offset": ev.end,
                "page": ev.page, "date": _iso(ev.date), "extractor": ev.extractor,
                "confidence": ev.confidence, "attribution": ev.attribution,
                "status": ev.status, "past": ev.past}
            if rid != raw:  # the ends it was extracted with (an undone merge puts it back)
                evidence[ev_id].update(src_subject=raw_subject, src_predicate=t.predicate,
                                       src_object=raw_object)
    return evidence, ends


def _write_documents(tx: ManagedTransaction, final: dict[str, tuple[Document, list[Triple]]],
                     ids: list[str], existed: set[str]) -> None:
    """Create the documents not stored yet, replace the properties of the others (keeping
    a stored origin when the new copy has none)."""
    docs = {i: {**final[i][0].model_dump(exclude_none=True),
                "published": _iso(final[i][0].published)} for i in ids}
    if len(existed) < len(ids):
        tx.run("UNWIND $rows AS row CREATE (d:Document) SET d = row",
               rows=[docs[i] for i in ids if i not in existed]).consume()
    if existed:
        tx.run("UNWIND $rows AS row MATCH (d:Document {id: row.id}) "
               "WITH d, row, d.origin AS origin SET d = row "
               "SET d.origin = coalesce(row.origin, origin)",
               rows=[docs[i] for i in ids if i in existed]).consume()


def upsert_work(batch: list[tuple[Document, list[Triple]]], overrides: Overrides
                ) -> Callable[[ManagedTransaction], set[str]]:
    """Return the work of one write transaction storing validated documents as if upserted
    one after another (a repeated id: the last copy wins), mentions placed where
    ``overrides`` says; the work returns the ids of the documents already stored, and
    raises StaleOverrides when a judgement came in between. The rows are prepared here,
    once, not on every retry."""
    final = {doc.id: (doc, triples) for doc, triples in batch}  # a repeated id: last wins
    ids = sorted(final)
    entities = [e if overrides.empty else overrides.entity(e)
                for _, triples in batch for t in triples for e in (t.subject, t.object)]
    evidence, ends = _evidence_rows(final, ids, overrides)
    fresh: dict[str, list[tuple[float, str, date | None]]] = {}
    for ev_id in sorted(evidence):  # by id, as stored evidence is read back
        row = evidence[ev_id]
        fresh.setdefault(row["relation_id"], []).append(
            (row["confidence"], row["status"], _day(row["date"])))
    # a relation not stored yet has only this evidence: its row is ready before the work
    created = {rid: ready for rid, rows in fresh.items()
               if (ready := _relation_row(rid, ends[rid], rows, overrides.review(rid)))
               is not None}
    # entities only named by an earlier copy of a repeated document support nothing
    unsupported = {e.id for e in entities} - {x for s, _, o in ends.values() for x in (s, o)}

    def work(tx: ManagedTransaction) -> set[str]:
        _bump(tx)
        _check_stamp(tx, overrides)
        existed = {r["id"] for r in tx.run(
            "UNWIND $ids AS id MATCH (d:Document {id: id}) RETURN d.id AS id", ids=ids)}
        old_rels = {r["rid"] for r in tx.run(EVIDENCE_RELATIONS, ids=ids)}
        touched = old_rels | set(ends)
        known = dict(ends)  # this attempt's copy: a retry starts from the prepared ends
        existing, kept = _stored_relations(tx, touched, old_rels, known, ids)
        stored_entities = _read_entities(tx, entities)
        tx.run(DELETE_EVIDENCE, ids=ids).consume()
        _write_documents(tx, final, ids, existed)
        _write_entities(tx, entities, stored_entities)
        # the evidence of these documents was just deleted and ids include the document
        _write_rows(tx, "UNWIND $rows AS row CREATE (ev:Evidence) SET ev = row",
                    [evidence[i] for i in sorted(evidence)])
        for rid in existing.intersection(fresh):
            kept[rid] = kept.get(rid, []) + fresh[rid]
        _refresh_relations(tx, sorted(touched), existing, known, kept, created, unsupported,
                           overrides.reviews)
        return existed

    return work


def remove_work(document_id: str, overrides: Overrides
                ) -> Callable[[ManagedTransaction], bool]:
    """Return the work of one write transaction removing a document, its evidence and what
    only it supported (relations keep the reviews of ``overrides``); the work returns False
    when there was no such document, and raises StaleOverrides when a judgement came in
    between."""
    def work(tx: ManagedTransaction) -> bool:
        if tx.run("MATCH (d:Document {id: $id}) RETURN d.id", id=document_id).peek() is None:
            return False
        _bump(tx)
        _check_stamp(tx, overrides)
        old_rels = {r["rid"] for r in tx.run(EVIDENCE_RELATIONS, ids=[document_id])}
        ends: dict[str, tuple[str, str, str]] = {}
        existing, kept = _stored_relations(tx, old_rels, old_rels, ends, [document_id])
        tx.run(DELETE_EVIDENCE, ids=[document_id]).consume()
        tx.run("MATCH (d:Document {id: $id}) DELETE d", id=document_id).consume()
        _refresh_relations(tx, sorted(old_rels), existing, ends, kept, {}, set(),
                           overrides.reviews)
        return True

    return work
