"""The embedded backend: one SQLite file in WAL mode, no server.

Every write runs in one ``BEGIN IMMEDIATE`` transaction (all or nothing, so a ``kill -9``
at any moment leaves whole documents or none); concurrent writers, threads or processes,
wait up to ``BUSY_TIMEOUT_MS`` for each other. Each call borrows a pooled connection
and each ``iter_*`` stream opens its own, so readers never block on writers.
``synchronous=NORMAL``: a committed write survives a crash of the process; a power cut
may lose the last commits but never corrupts the file. Names are searched through their
``name_key`` with an FTS5 trigram index (substring and fuzzy candidates).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

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

BUSY_TIMEOUT_MS = 60_000
FETCH = 500  # rows per fetchmany when streaming
POOL_SIZE = 8  # idle connections kept open for reuse
FUZZY_CUTOFF = 70.0
FUZZY_CANDIDATES = 300

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('version', 0)",
    """CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, title TEXT NOT NULL,
        url TEXT, published TEXT, source TEXT, author TEXT, length INTEGER NOT NULL)""",
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
    # covering what a walk reads (adjacent_edges), so it never visits the table itself
    "CREATE INDEX IF NOT EXISTS relations_walk_out ON relations(subject, predicate, status, "
    "confidence, object, id)",
    "CREATE INDEX IF NOT EXISTS relations_walk_in ON relations(object, predicate, status, "
    "confidence, subject, id)",
    "DROP INDEX IF EXISTS relations_subject",  # replaced by the two above
    "DROP INDEX IF EXISTS relations_object",
    "CREATE INDEX IF NOT EXISTS evidence_relation ON evidence(relation_id)",
    "CREATE INDEX IF NOT EXISTS evidence_document ON evidence(document_id)",
    "CREATE INDEX IF NOT EXISTS aliases_key ON aliases(key)",
    "CREATE INDEX IF NOT EXISTS snapshots_created ON snapshots(created)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS alias_fts USING fts5(key, tokenize='trigram')",
    """CREATE TRIGGER IF NOT EXISTS aliases_fts_insert AFTER INSERT ON aliases BEGIN
        INSERT INTO alias_fts (rowid, key) VALUES (new.rowid, new.key); END""",
    """CREATE TRIGGER IF NOT EXISTS aliases_fts_delete AFTER DELETE ON aliases BEGIN
        DELETE FROM alias_fts WHERE rowid = old.rowid; END""",
)

_ENTITY_COLS = ("e.id, e.name, e.type, e.external_ids, (SELECT json_group_array(a.alias) "
                "FROM aliases a WHERE a.entity_id = e.id)")
_REL_COLS = "id, subject, predicate, object, confidence, status, first_seen, last_seen, evidence_count"
_EV_COLS = ('v.id, v.relation_id, v.document_id, v.sentence, v."start", v."end", v.page, '
            "v.date, v.extractor, v.confidence, v.attribution, v.status, d.title, d.url")
_EV_FROM = "evidence v JOIN documents d ON d.id = v.document_id"
_EV_ORDER = "(v.status = 'asserted') DESC, v.confidence DESC, v.date DESC, v.id"
_DOC_COLS = "id, title, url, published, source, author, length"


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
                        document_title=row[12] or "", document_url=row[13])


def _document(row: Sequence[Any]) -> Document:
    return Document(**dict(zip(_DOC_COLS.split(", "), row)))


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _not_unicode(exc: UnicodeEncodeError) -> InputError:
    """Return the InputError for text that cannot be stored (lone surrogates)."""
    return InputError(f"text is not valid Unicode ({exc.reason} at position {exc.start}: "
                      f"{exc.object[max(0, exc.start - 20):exc.start]!r}...)")


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


class SqliteStore:
    """A GraphStore in one SQLite file at ``path`` (its directory is created if missing).

    Raises StoreUnavailable naming the file when it cannot be opened or is not a database.
    """

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []  # connections not in use by any thread
        try:
            Path(self.path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the directory of store {self.path}: {exc}") \
                from exc
        with self._write() as conn:
            for statement in SCHEMA:
                conn.execute(statement)

    # ------------------------------------------------------------------ connections

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        text = str(exc)
        if "not a database" in text or "malformed" in text:
            return StoreUnavailable(f"store file {self.path} is not an Influence Graph SQLite "
                                    f"database ({text}); move it away or choose another path")
        return StoreUnavailable(f"store {self.path} unavailable: {text}")

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc
        return conn

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        """Lend an idle connection (or a new one) to the calling thread for the block."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        conn = conn or self._open()
        try:
            yield conn
        finally:
            with self._lock:
                keep = len(self._idle) < POOL_SIZE and not conn.in_transaction
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one BEGIN IMMEDIATE transaction; roll back on any error."""
        with self._conn() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._unavailable(exc) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise self._unavailable(exc) from exc
                if isinstance(exc, UnicodeEncodeError):
                    raise _not_unicode(exc) from exc
                raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            with self._conn() as conn:
                return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """Yield the rows of one query from a connection of its own, FETCH rows at a time."""
        conn = self._open()
        try:
            cur = conn.execute(sql, params)
            while rows := cur.fetchmany(FETCH):
                yield from rows
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc
        finally:
            conn.close()

    def ping(self) -> None:
        """Return None when the file answers a query; raise StoreUnavailable otherwise."""
        self._read("SELECT value FROM meta WHERE key = 'version'")

    def close(self) -> None:
        """Close the idle connections (the store opens new ones if it is used again)."""
        with self._lock:
            conns, self._idle = self._idle, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def version(self) -> int:
        """Return the write counter: it grows by one with each committed write."""
        return int(self._read("SELECT value FROM meta WHERE key = 'version'")[0][0])

    # ------------------------------------------------------------------ writes

    def upsert_document(self, document: Document, triples: Sequence[Triple]) -> UpsertResult:
        """Store a document with its triples in one transaction, replacing earlier evidence.

        Evidence always belongs to ``document`` (its ``document_id`` is overridden).
        Raises InputError (nothing written) for unknown predicates or types, StoreUnavailable
        when the file cannot be written.
        """
        validate_triples(triples)
        with self._write() as conn:
            result = self._store_document(conn, document, triples)
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        return result

    def upsert_documents(self, items: Iterable[tuple[Document, Sequence[Triple]]],
                         batch_size: int = 50) -> list[UpsertResult]:
        """Store documents ``batch_size`` per transaction, each all or nothing.

        Every document is validated before its batch is written, and written in a savepoint
        of its own. Invalid documents are skipped and the valid ones are stored; then
        InputError names every skipped document and why. Returns the results of the stored
        documents, in input order.
        """
        results: list[UpsertResult] = []
        rejected: list[str] = []
        batch: list[tuple[Document, Sequence[Triple]]] = []

        def flush() -> None:
            if not batch:
                return
            with self._write() as conn:
                for doc, triples in batch:
                    conn.execute("SAVEPOINT document")
                    try:
                        results.append(self._store_document(conn, doc, triples))
                    except UnicodeEncodeError as exc:
                        conn.execute("ROLLBACK TO document")
                        rejected.append(f"document {doc.title or doc.id!r}: {_not_unicode(exc)}")
                    conn.execute("RELEASE document")
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
            batch.clear()

        for doc, triples in items:
            try:
                validate_triples(triples)
            except InputError as exc:
                rejected.append(f"document {doc.title or doc.id!r}: {exc}")
                continue
            batch.append((doc, triples))
            if len(batch) >= max(1, batch_size):
                flush()
        flush()
        if rejected:
            raise InputError(f"{len(rejected)} document(s) rejected, {len(results)} stored: "
                             + "; ".join(rejected[:10]))
        return results

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence, and what only it supported; False if absent."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() \
                    is None:
                return False
            touched = self._drop_evidence(conn, document_id)
            conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            self._reaggregate(conn, touched)
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        return True

    def _store_document(self, conn: sqlite3.Connection, document: Document,
                        triples: Sequence[Triple]) -> UpsertResult:
        existed = conn.execute("SELECT 1 FROM documents WHERE id = ?",
                               (document.id,)).fetchone() is not None
        conn.execute(
            f"INSERT INTO documents ({_DOC_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, "
            "published = excluded.published, source = excluded.source, "
            "author = excluded.author, length = excluded.length",
            (document.id, document.title, document.url, _iso(document.published),
             document.source, document.author, document.length))
        touched = self._drop_evidence(conn, document.id)
        self._upsert_entities(conn, [e for t in triples for e in (t.subject, t.object)])
        relations, evidence = {}, {}
        for t in triples:
            rel_id = triple_relation_id(t)
            subject, obj = oriented(t)
            relations[rel_id] = (rel_id, subject, t.predicate, obj)
            ev = t.evidence.model_copy(update={"document_id": document.id})
            evidence[ev.evidence_id(rel_id)] = (
                ev.evidence_id(rel_id), rel_id, document.id, ev.sentence, ev.start, ev.end,
                ev.page, _iso(ev.date), ev.extractor, ev.confidence, ev.attribution, ev.status)
        conn.executemany("INSERT OR IGNORE INTO relations (id, subject, predicate, object, "
                         "confidence, status, evidence_count) VALUES (?, ?, ?, ?, 0, "
                         "'asserted', 0)", list(relations.values()))
        conn.executemany('INSERT OR REPLACE INTO evidence (id, relation_id, document_id, '
                         'sentence, "start", "end", page, date, extractor, confidence, '
                         'attribution, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                         list(evidence.values()))
        self._reaggregate(conn, touched | set(relations))
        return UpsertResult(document_id=document.id, triples=len(triples), created=not existed)

    def _upsert_entities(self, conn: sqlite3.Connection, entities: list[Entity]) -> None:
        """Insert new entities, refine generic types, merge external ids, add aliases."""
        stored = {row[0]: (row[1], row[2]) for row in conn.execute(
            "SELECT id, type, external_ids FROM entities WHERE id IN "
            "(SELECT value FROM json_each(?))", (json.dumps(sorted({e.id for e in entities})),))}
        merged: dict[str, tuple[str, dict[str, str]]] = {
            i: (t, json.loads(ext)) for i, (t, ext) in stored.items()}
        names: dict[str, str] = {}
        aliases: dict[tuple[str, str], str] = {}
        for e in entities:
            name = clean_name(e.name)
            names.setdefault(e.id, name)
            type_, ext = merged.get(e.id, (e.type, {}))
            merged[e.id] = (e.type if refines(type_, e.type) else type_,
                            {**e.external_ids, **ext})
            for surface in (name, *map(clean_name, e.aliases)):
                if surface and (e.id, surface) not in aliases:
                    aliases[(e.id, surface)] = name_key(surface)
        rows = {i: (t, json.dumps(ext, sort_keys=True)) for i, (t, ext) in merged.items()}
        conn.executemany("INSERT INTO entities (id, name, type, key, external_ids) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(i, names[i], rows[i][0], name_key(names[i]), rows[i][1])
                          for i in rows if i not in stored])
        conn.executemany("UPDATE entities SET type = ?, external_ids = ? WHERE id = ?",
                         [(*rows[i], i) for i in rows if i in stored and rows[i] != stored[i]])
        conn.executemany("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?, ?, ?)",
                         [(i, a, k) for (i, a), k in aliases.items()])

    @staticmethod
    def _drop_evidence(conn: sqlite3.Connection, document_id: str) -> set[str]:
        """Delete a document's evidence; return the ids of the relations it supported."""
        touched = {r[0] for r in conn.execute(
            "SELECT DISTINCT relation_id FROM evidence WHERE document_id = ?", (document_id,))}
        conn.execute("DELETE FROM evidence WHERE document_id = ?", (document_id,))
        return touched

    @staticmethod
    def _reaggregate(conn: sqlite3.Connection, relation_ids: set[str]) -> None:
        """Recompute these relations from their evidence; delete what is left unsupported."""
        ids = json.dumps(sorted(relation_ids))
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
            rel = aggregate(rel_id, subject, predicate, obj, rows[rel_id])
            if rel is None:
                gone.append((rel_id,))
            else:
                updates.append((rel.confidence, rel.status, _iso(rel.first_seen),
                                _iso(rel.last_seen), rel.evidence_count, rel_id))
        conn.executemany("UPDATE relations SET confidence = ?, status = ?, first_seen = ?, "
                         "last_seen = ?, evidence_count = ? WHERE id = ?", updates)
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

    # ------------------------------------------------------------------ reads

    def get_document(self, document_id: str) -> Document | None:
        """Return the document or None."""
        rows = self._read(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", (document_id,))
        return _document(rows[0]) if rows else None

    def get_entity(self, entity_id: str) -> Entity | None:
        """Return the entity with this id or None."""
        found = self.get_entities([entity_id])
        return found[0] if found else None

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        """Return the entities with these ids in the order given (unknown ids skipped)."""
        ids = list(dict.fromkeys(entity_ids))
        rows = self._read(f"SELECT {_ENTITY_COLS} FROM entities e WHERE e.id IN "
                          "(SELECT value FROM json_each(?))", (json.dumps(ids),))
        by_id = {r[0]: _entity(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def find_by_key(self, key: str, limit: int = 20) -> list[Entity]:
        """Return entities whose name or an alias has exactly this ``name_key``, by name."""
        rows = self._read(f"SELECT {_ENTITY_COLS} FROM entities e WHERE e.id IN "
                          "(SELECT entity_id FROM aliases WHERE key = ?) "
                          "ORDER BY e.name, e.id LIMIT ?", (name_key(key), limit))
        return [_entity(r) for r in rows]

    def search_entities(self, query: str, type: str | None = None,
                        limit: int = 10) -> list[tuple[Entity, float]]:
        """Return (entity, score) best first, then by name.

        Scores: 100 exact key, 90 key prefix, 85 word prefix, 80 substring, below 80
        fuzzy (rapidfuzz over keys sharing a trigram with the query).
        """
        q = name_key(query)[:200]
        if not q or limit <= 0:
            return []
        want = limit * 4 + 20
        typed = "AND e.type = ?2" if type else ""
        scores: dict[str, float] = {}

        def collect(sql: str, *params: Any) -> None:
            for entity_id, key in self._read(
                    "SELECT a.entity_id, a.key FROM aliases a JOIN entities e ON "
                    f"e.id = a.entity_id WHERE {sql} {typed} ORDER BY a.key LIMIT ?3",
                    (params[0], type, want)):
                score = (100.0 if key == q else 90.0 if key.startswith(q)
                         else 85.0 if f" {q}" in key else 80.0)
                scores[entity_id] = max(score, scores.get(entity_id, 0.0))

        collect("a.key = ?1", q)
        if len(scores) < limit:
            collect("a.key >= ?1 AND a.key < ?1 || char(1114111)", q)
        if len(scores) < limit and len(q) >= 3:
            collect("a.rowid IN (SELECT rowid FROM alias_fts WHERE alias_fts MATCH ?1)",
                    '"' + q.replace('"', '""') + '"')
        elif len(scores) < limit:
            collect("a.key LIKE '%' || ?1 || '%'", q)
        if len(scores) < limit and len(q) >= 3:
            self._fuzzy(q, type, scores)
        ranked = self.get_entities(list(scores))
        ranked.sort(key=lambda e: (-scores[e.id], e.name, e.id))
        return [(e, scores[e.id]) for e in ranked[:limit]]

    def _fuzzy(self, q: str, type: str | None, scores: dict[str, float]) -> None:
        """Add fuzzy matches (score < 80) among the keys sharing a trigram with ``q``."""
        grams = sorted({q[i:i + 3] for i in range(len(q) - 2)})[:40]
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        rows = self._read(
            "SELECT a.entity_id, a.key FROM aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.rowid IN (SELECT rowid FROM alias_fts WHERE alias_fts MATCH ? "
            "ORDER BY rank LIMIT ?)" + (" AND e.type = ?" if type else ""),
            (match, FUZZY_CANDIDATES, *([type] if type else [])))
        keys = [r[1] for r in rows]
        for _, score, i in process.extract(q, keys, scorer=fuzz.WRatio,
                                           score_cutoff=FUZZY_CUTOFF, limit=None):
            fuzzy = round(min(79.0, 79.0 * score / 100.0), 1)
            scores[rows[i][0]] = max(fuzzy, scores.get(rows[i][0], 0.0))

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation or None."""
        rows = self._read(f"SELECT {_REL_COLS} FROM relations WHERE id = ?", (relation_id,))
        return _relation(rows[0]) if rows else None

    def get_relations(self, relation_ids: Sequence[str]) -> list[Relation]:
        """Return the relations with these ids in the order given (unknown ids skipped)."""
        ids = list(dict.fromkeys(relation_ids))
        rows = self._read(f"SELECT {_REL_COLS} FROM relations WHERE id IN "
                          "(SELECT value FROM json_each(?))", (json.dumps(ids),))
        by_id = {r[0]: _relation(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def relations_of(self, entity_id: str, include_flagged: bool = True,
                     limit: int = 500) -> list[Relation]:
        """Return the relations in and out of an entity, most evidence first."""
        where, params = _relation_where(None, include_flagged)
        rows = self._read(
            f"SELECT {_REL_COLS} FROM relations WHERE id IN (SELECT id FROM relations WHERE "
            "subject = ? UNION SELECT id FROM relations WHERE object = ?) AND " + where
            + " ORDER BY evidence_count DESC, confidence DESC, id LIMIT ?",
            (entity_id, entity_id, *params, limit))
        return [_relation(r) for r in rows]

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Return every relation between two entities, in either direction, any status."""
        rows = self._read(f"SELECT {_REL_COLS} FROM relations WHERE (subject = ?1 AND object = ?2)"
                          " OR (subject = ?2 AND object = ?1) ORDER BY predicate, id", (a, b))
        return [_relation(r) for r in rows]

    def evidence(self, relation_id: str, limit: int = 200) -> list[EvidenceView]:
        """Return the evidence of a relation: asserted first, then by confidence, newest."""
        rows = self._read(f"SELECT {_EV_COLS} FROM {_EV_FROM} WHERE v.relation_id = ? "
                          f"ORDER BY {_EV_ORDER} LIMIT ?", (relation_id, limit))
        return [_evidence(r) for r in rows]

    def best_evidence(self, relation_ids: Sequence[str]) -> dict[str, EvidenceView]:
        """Return the best evidence of each relation in one query, by relation id."""
        rows = self._read(
            f"SELECT * FROM (SELECT {_EV_COLS}, ROW_NUMBER() OVER (PARTITION BY v.relation_id "
            f"ORDER BY {_EV_ORDER}) AS rank FROM {_EV_FROM} WHERE v.relation_id IN "
            "(SELECT value FROM json_each(?))) WHERE rank = 1",
            (json.dumps(list(dict.fromkeys(relation_ids))),))
        return {r[1]: _evidence(r) for r in rows}

    def adjacent(self, entity_ids: Sequence[str], flt: RelationFilter,
                 include_flagged: bool = False, limit: int = 10000) -> list[Relation]:
        """Return relations touching any of these entities and passing the filter,
        highest confidence first (undated relations fail a since/until filter)."""
        where, params = _relation_where(flt, include_flagged)
        ids = json.dumps(list(dict.fromkeys(entity_ids)))
        # each relation once: out of an entity, or into one from outside the set
        rows = self._read(
            f"SELECT {_REL_COLS} FROM relations WHERE subject IN (SELECT value FROM "
            f"json_each(?)) AND {where} UNION ALL SELECT {_REL_COLS} FROM relations WHERE "
            "object IN (SELECT value FROM json_each(?)) AND subject NOT IN (SELECT value FROM "
            f"json_each(?)) AND {where} ORDER BY confidence DESC, id LIMIT ?",
            (ids, *params, ids, ids, *params, limit))
        return [_relation(r) for r in rows]

    def adjacent_between(self, entity_ids: Sequence[str], other_ids: Sequence[str],
                         flt: RelationFilter, include_flagged: bool = False,
                         limit: int = 10000) -> list[Relation]:
        """Return the relations with one end in ``entity_ids`` and the other in
        ``other_ids`` passing the filter, highest confidence first: what ``adjacent``
        returns, less the relations leading outside ``other_ids``, read without them."""
        sql, params = _adjacent_sql(_REL_COLS, entity_ids, flt, include_flagged, None, None,
                                    other_ids, limit)
        return [_relation(r) for r in self._read(sql, params)]

    def adjacent_edges(self, entity_ids: Sequence[str], flt: RelationFilter,
                       as_subject: Sequence[str] | None = None,
                       as_object: Sequence[str] | None = None,
                       among: Sequence[str] | None = None,
                       limit: int = 10000) -> list[tuple[str, str, str, str, float]]:
        """Return (id, subject, predicate, object, confidence) of the asserted relations
        passing the filter that have their subject in ``entity_ids`` and, when
        ``as_subject`` is given, a predicate in it, or their object in ``entity_ids`` and,
        when ``as_object`` is given, a predicate in it; with ``among``, only those whose
        other end is in ``among``. Highest confidence first, then by id.

        The raw rows of what a walk reads, without building a Relation for each.
        """
        sql, params = _adjacent_sql("id, subject, predicate, object, confidence", entity_ids,
                                    flt, False, as_subject, as_object, among, limit)
        return self._read(sql, params)

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
