"""The SQL of the embedded store: its schema, the column lists and filters of its queries,
and the conversion of rows to model objects. Text only: nothing here opens a connection.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from graph.model import Document, Entity, EvidenceView, Relation, RelationFilter

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('version', 0)",
    """CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, title TEXT NOT NULL,
        url TEXT, published TEXT, source TEXT, author TEXT, length INTEGER NOT NULL,
        origin TEXT)""",
    """CREATE TABLE IF NOT EXISTS entities (id TEXT PRIMARY KEY, name TEXT NOT NULL,
        type TEXT NOT NULL, key TEXT NOT NULL, external_ids TEXT NOT NULL DEFAULT '{}')""",
    """CREATE TABLE IF NOT EXISTS aliases (
        entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        alias TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (entity_id, alias))""",
    """CREATE TABLE IF NOT EXISTS relations (id TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES entities(id), predicate TEXT NOT NULL,
        object TEXT NOT NULL REFERENCES entities(id), confidence REAL NOT NULL,
        status TEXT NOT NULL, first_seen TEXT, last_seen TEXT,
        evidence_count INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS evidence (id TEXT PRIMARY KEY,
        relation_id TEXT NOT NULL REFERENCES relations(id),
        document_id TEXT NOT NULL REFERENCES documents(id), sentence TEXT NOT NULL,
        "start" INTEGER, "end" INTEGER, page INTEGER, date TEXT, extractor TEXT NOT NULL,
        confidence REAL NOT NULL, attribution TEXT, status TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS snapshots (id TEXT PRIMARY KEY, created TEXT NOT NULL,
        title TEXT NOT NULL, payload TEXT NOT NULL)""",
    # an editor's judgements, never deleted; "effect" is what writes consult (graph.judgements)
    """CREATE TABLE IF NOT EXISTS judgements (seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, at TEXT NOT NULL, active INTEGER NOT NULL,
        effect TEXT NOT NULL, body TEXT NOT NULL)""",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('judgements', 0)",
    # covering what a walk reads (adjacent_edges), so it never visits the table itself
    ("CREATE INDEX IF NOT EXISTS relations_walk_out ON relations(subject, predicate, status, "
     "confidence, object, id)"),
    ("CREATE INDEX IF NOT EXISTS relations_walk_in ON relations(object, predicate, status, "
     "confidence, subject, id)"),
    "DROP INDEX IF EXISTS relations_subject",  # replaced by the two above
    "DROP INDEX IF EXISTS relations_object",
    "CREATE INDEX IF NOT EXISTS evidence_relation ON evidence(relation_id)",
    "CREATE INDEX IF NOT EXISTS evidence_document ON evidence(document_id)",
    "CREATE INDEX IF NOT EXISTS aliases_key ON aliases(key)",
    "CREATE INDEX IF NOT EXISTS snapshots_created ON snapshots(created)",
    ("CREATE INDEX IF NOT EXISTS snapshots_replaces ON "
     "snapshots(json_extract(payload, '$.replaces'))"),
    "CREATE VIRTUAL TABLE IF NOT EXISTS alias_fts USING fts5(key, tokenize='trigram')",
    """CREATE TRIGGER IF NOT EXISTS aliases_fts_insert AFTER INSERT ON aliases BEGIN
        INSERT INTO alias_fts (rowid, key) VALUES (new.rowid, new.key); END""",
    """CREATE TRIGGER IF NOT EXISTS aliases_fts_delete AFTER DELETE ON aliases BEGIN
        DELETE FROM alias_fts WHERE rowid = old.rowid; END""",
)

_ENTITY_COLS = ("e.id, e.name, e.type, e.external_ids, (SELECT json_group_array(a.alias) "
                "FROM aliases a WHERE a.entity_id = e.id)")
_REL_COLS = ("id, subject, predicate, object, confidence, status, first_seen, last_seen, "
             "evidence_count, review")
_EV_COLS = ('v.id, v.relation_id, v.document_id, v.sentence, v."start", v."end", v.page, '
            "v.date, v.extractor, v.confidence, v.attribution, v.status, d.title, d.url, v.past")
_EV_FROM = "evidence v JOIN documents d ON d.id = v.document_id"
_EV_ORDER = "(v.status = 'asserted') DESC, v.confidence DESC, v.date DESC, v.id"
_DOC_COLS = "id, title, url, published, source, author, length, origin"
# what a file created before a column existed gets (ALTER TABLE, then its index if any)
MIGRATIONS: tuple[tuple[str, str, str, str | None], ...] = (
    ("documents", "origin", "TEXT",
     "CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin)"),
    ("relations", "review", "TEXT NOT NULL DEFAULT 'unreviewed'", None),
    # the ends an evidence was extracted with, when a judgement moved it elsewhere (null:
    # those of its relation)
    ("evidence", "src_subject", "TEXT", None),
    ("evidence", "src_predicate", "TEXT", None),
    ("evidence", "src_object", "TEXT", None),
    # evidence stored before the extractor read "former", "until 2019": not past
    ("evidence", "past", "INTEGER NOT NULL DEFAULT 0", None),
)


def _entity(row: Sequence[Any]) -> Entity:
    aliases = json.loads(row[4]) if row[4] and row[4] != "[]" else []
    return _entity_of(row, aliases)


def _entity_of(row: Sequence[Any], aliases: Iterable[str]) -> Entity:
    """Return the Entity of an (id, name, type, external_ids) row and its aliases."""
    ext = json.loads(row[3]) if row[3] and row[3] != "{}" else {}
    return Entity(id=row[0], name=row[1], type=row[2],
                  aliases=sorted({a for a in aliases if a != row[1]}), external_ids=ext)


_REL_FIELDS = tuple(_REL_COLS.split(", "))
_REL_VALIDATOR = Relation.__pydantic_validator__


def _relation(row: Sequence[Any]) -> Relation:
    # pydantic-core's validator straight from the row dict: the cheapest way found to
    # build a Relation (model_construct is slower, and the dates still need parsing).
    return _REL_VALIDATOR.validate_python(dict(zip(_REL_FIELDS, row)))


def _evidence(row: Sequence[Any]) -> EvidenceView:
    return EvidenceView(id=row[0], relation_id=row[1], document_id=row[2], sentence=row[3],
                        start=row[4], end=row[5], page=row[6], date=row[7], extractor=row[8],
                        confidence=row[9], attribution=row[10], status=row[11],
                        document_title=row[12] or "", document_url=row[13], past=bool(row[14]))


def _document(row: Sequence[Any]) -> Document:
    return Document(**dict(zip(_DOC_COLS.split(", "), row)))


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _relation_where(flt: RelationFilter | None, include_flagged: bool) -> tuple[str, list[Any]]:
    """Return the SQL conditions (joined by AND, "1" when none) and parameters of a filter.

    Undated relations fail a ``since``/``until`` condition.
    """
    conds, params = ["1"], []  # type: tuple[list[str], list[Any]]
    if not include_flagged:
        conds.append("status = 'asserted'")
    if flt is not None:
        if flt.predicates:
            conds.append("predicate IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(flt.predicates))
        if flt.since is not None:
            conds.append("last_seen >= ?")
            params.append(flt.since.isoformat())
        if flt.until is not None:
            conds.append("first_seen <= ?")
            params.append(flt.until.isoformat())
        if flt.min_confidence > 0:
            conds.append("confidence >= ?")
            params.append(flt.min_confidence)
    return " AND ".join(conds), params


def _adjacent_sql(cols: str, entity_ids: Sequence[str], flt: RelationFilter,
                  include_flagged: bool, as_subject: Sequence[str] | None,
                  as_object: Sequence[str] | None, among: Sequence[str] | None,
                  limit: int) -> tuple[str, list[Any]]:
    """Return the query (and its parameters) of the relations with their subject in
    ``entity_ids`` (and a predicate in ``as_subject`` when given) or their object in it
    (and a predicate in ``as_object`` when given), the other end in ``among`` when given,
    passing the filter, best first; each relation once."""
    where, where_params = _relation_where(flt, include_flagged)
    ids = json.dumps(list(dict.fromkeys(entity_ids)))
    others = json.dumps(list(dict.fromkeys(among))) if among is not None else None

    def end(near: str, far: str, predicates: Sequence[str] | None) -> tuple[str, list[Any]]:
        sql, params = f"{near} IN (SELECT value FROM json_each(?))", [ids]
        if predicates is not None:
            sql += " AND predicate IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(predicates)))
        if others is not None:  # "+": walk the index of the near end, the smaller set
            sql += f" AND +{far} IN (SELECT value FROM json_each(?))"
            params.append(others)
        return sql, params

    out_sql, out_params = end("subject", "object", as_subject)
    in_sql, in_params = end("object", "subject", as_object)
    sql = (f"SELECT {cols} FROM relations WHERE {out_sql} AND {where} UNION ALL "
           f"SELECT {cols} FROM relations WHERE {in_sql} AND NOT ({out_sql}) AND {where} "
           "ORDER BY confidence DESC, id LIMIT ?")
    return sql, [*out_params, *where_params, *in_params, *out_params, *where_params, limit]
