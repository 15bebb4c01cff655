"""What a write does to the tables of the embedded store, inside the caller's transaction:
the document row, its entities and aliases, its relations and evidence.

The relations touched are re-aggregated from their evidence by the caller
(``SqliteStore._reaggregate``) in the same transaction.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from core.names import clean_name, name_key
from graph.aggregate import EntityState, merge_entity, placed
from graph.model import Document, Entity, Triple, UpsertResult
from graph.sqlite_sql import _DOC_COLS, _iso


def write_document(conn: sqlite3.Connection, document: Document,
                   triples: Sequence[Triple]) -> tuple[UpsertResult, set[str]]:
    """Write a document, its entities, relations and evidence (replacing its earlier
    evidence) in the transaction of ``conn``; return the result and the ids of the relations
    to re-aggregate (those of its earlier and of its new evidence)."""
    existed = conn.execute("SELECT 1 FROM documents WHERE id = ?",
                           (document.id,)).fetchone() is not None
    conn.execute(
        f"INSERT INTO documents ({_DOC_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, "
        "published = excluded.published, source = excluded.source, "
        "author = excluded.author, length = excluded.length, "
        "origin = coalesce(excluded.origin, documents.origin)",
        (document.id, document.title, document.url, _iso(document.published),
         document.source, document.author, document.length, document.origin))
    touched = drop_evidence(conn, document.id)
    write_entities(conn, [e for t in triples for e in (t.subject, t.object)])
    relations, evidence = {}, {}
    for t in triples:
        rel_id, subject, obj = placed(t)
        relations[rel_id] = (rel_id, subject, t.predicate, obj)
        ev = t.evidence
        ev_id = ev.evidence_id(rel_id, document.id)
        evidence[ev_id] = (
            ev_id, rel_id, document.id, ev.sentence, ev.start, ev.end,
            ev.page, _iso(ev.date), ev.extractor, ev.confidence, ev.attribution, ev.status)
    conn.executemany("INSERT OR IGNORE INTO relations (id, subject, predicate, object, "
                     "confidence, status, evidence_count) VALUES (?, ?, ?, ?, 0, "
                     "'asserted', 0)", list(relations.values()))
    conn.executemany('INSERT OR REPLACE INTO evidence (id, relation_id, document_id, '
                     'sentence, "start", "end", page, date, extractor, confidence, '
                     'attribution, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                     list(evidence.values()))
    return (UpsertResult(document_id=document.id, triples=len(triples), created=not existed),
            touched | set(relations))


def write_entities(conn: sqlite3.Connection, entities: list[Entity]) -> None:
    """Merge ``entities`` (in order) into the stored ones (``graph.aggregate.merge_entity``):
    insert the new ones, update the types and external ids that changed, and add every
    surface to the aliases (the table unites them with the stored ones)."""
    stored = {row[0]: (row[1], row[2]) for row in conn.execute(
        "SELECT id, type, external_ids FROM entities WHERE id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(sorted({e.id for e in entities})),))}
    # the stored names and aliases are not read: a stored name is never rewritten, and the
    # aliases table unites the surfaces itself
    merged = {i: EntityState("", t, frozenset(), json.loads(ext))
              for i, (t, ext) in stored.items()}
    aliases: dict[tuple[str, str], str] = {}
    for e in entities:
        merged[e.id] = merge_entity(merged.get(e.id), e)
        for surface in (clean_name(e.name), *map(clean_name, e.aliases)):
            if surface and (e.id, surface) not in aliases:
                aliases[(e.id, surface)] = name_key(surface)
    rows = {i: (m.type, json.dumps(m.external_ids, sort_keys=True)) for i, m in merged.items()}
    conn.executemany("INSERT INTO entities (id, name, type, key, external_ids) "
                     "VALUES (?, ?, ?, ?, ?)",
                     [(i, merged[i].name, rows[i][0], name_key(merged[i].name), rows[i][1])
                      for i in rows if i not in stored])
    conn.executemany("UPDATE entities SET type = ?, external_ids = ? WHERE id = ?",
                     [(*rows[i], i) for i in rows if i in stored and rows[i] != stored[i]])
    conn.executemany("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?, ?, ?)",
                     [(i, a, k) for (i, a), k in aliases.items()])


def drop_evidence(conn: sqlite3.Connection, document_id: str) -> set[str]:
    """Delete a document's evidence; return the ids of the relations it supported."""
    touched = {r[0] for r in conn.execute(
        "SELECT DISTINCT relation_id FROM evidence WHERE document_id = ?", (document_id,))}
    conn.execute("DELETE FROM evidence WHERE document_id = ?", (document_id,))
    return touched
