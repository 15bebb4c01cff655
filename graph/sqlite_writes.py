"""What a write does to the tables of the embedded store, inside the caller's transaction:
the document row, its entities and aliases, its relations and evidence.

The relations touched are re-aggregated from their evidence by the caller
(``reaggregate``) in the same transaction. An editor's judgements (``Overrides``) decide
where mentions land and what a relation's review is.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from core.names import clean_name, name_key
from graph.aggregate import EntityState, aggregate, merge_entity
from graph.judgements import Overrides
from graph.model import Document, Entity, Triple, UpsertResult
from graph.sqlite_sql import _DOC_COLS, _iso


def write_document(conn: sqlite3.Connection, document: Document,
                   triples: Sequence[Triple],
                   overrides: Overrides) -> tuple[UpsertResult, set[str]]:
    """Write a document, its entities, relations and evidence (replacing its earlier
    evidence) in the transaction of ``conn``, mentions placed where ``overrides`` says;
    return the result and the ids of the relations to re-aggregate (those of its earlier
    and of its new evidence)."""
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
    write_entities(conn, [overrides.entity(e) if not overrides.empty else e
                          for t in triples for e in (t.subject, t.object)])
    relations, evidence = {}, {}
    for t in triples:
        rel_id, subject, predicate, obj, raw, raw_subject, raw_object = overrides.placed(t)
        relations[rel_id] = (rel_id, subject, predicate, obj)
        ev = t.evidence
        ev_id = ev.evidence_id(raw, document.id)
        moved = rel_id != raw
        evidence[ev_id] = (
            ev_id, rel_id, document.id, ev.sentence, ev.start, ev.end,
            ev.page, _iso(ev.date), ev.extractor, ev.confidence, ev.attribution, ev.status,
            raw_subject if moved else None, t.predicate if moved else None,
            raw_object if moved else None, int(ev.past))
    conn.executemany("INSERT OR IGNORE INTO relations (id, subject, predicate, object, "
                     "confidence, status, evidence_count) VALUES (?, ?, ?, ?, 0, "
                     "'asserted', 0)", list(relations.values()))
    conn.executemany('INSERT OR REPLACE INTO evidence (id, relation_id, document_id, '
                     'sentence, "start", "end", page, date, extractor, confidence, '
                     'attribution, status, src_subject, src_predicate, src_object, past) '
                     'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
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


def reaggregate(conn: sqlite3.Connection, relation_ids: Iterable[str],
                reviews: Mapping[str, str]) -> None:
    """Recompute these relations from their evidence and their ``reviews``; delete what is
    left unsupported, and the entities left without any relation."""
    ids = json.dumps(sorted(set(relation_ids)))
    rels = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, subject, predicate, object FROM relations WHERE id IN "
        "(SELECT value FROM json_each(?))", (ids,))}
    rows: dict[str, list[tuple[float, str, dt.date | None]]] = {i: [] for i in rels}
    for rel_id, c, status, d in conn.execute(
            "SELECT relation_id, confidence, status, date FROM evidence WHERE relation_id "
            "IN (SELECT value FROM json_each(?))", (ids,)):
        rows[rel_id].append((c, status, dt.date.fromisoformat(d) if d else None))
    updates, gone = [], []
    for rel_id, (subject, predicate, obj) in sorted(rels.items()):
        rel = aggregate(rel_id, subject, predicate, obj, rows[rel_id],
                        reviews.get(rel_id, "unreviewed"))
        if rel is None:
            gone.append((rel_id,))
        else:
            updates.append((rel.confidence, rel.status, _iso(rel.first_seen),
                            _iso(rel.last_seen), rel.evidence_count, rel.review, rel_id))
    conn.executemany("UPDATE relations SET confidence = ?, status = ?, first_seen = ?, "
                     "last_seen = ?, evidence_count = ?, review = ? WHERE id = ?", updates)
    conn.executemany("DELETE FROM relations WHERE id = ?", gone)
    if not gone:
        return
    ends = json.dumps(sorted({e for s, _, o in rels.values() for e in (s, o)}))
    orphans = conn.execute(
        "SELECT value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM relations WHERE "
        "subject = value) AND NOT EXISTS (SELECT 1 FROM relations WHERE object = value)",
        (ends,)).fetchall()
    conn.executemany("DELETE FROM aliases WHERE entity_id = ?", orphans)
    conn.executemany("DELETE FROM entities WHERE id = ?", orphans)
