"""The connections of the embedded store to its SQLite file, in WAL mode.

Every write runs in one ``BEGIN IMMEDIATE`` transaction (all or nothing, so a ``kill -9``
at any moment leaves whole documents or none); concurrent writers, threads or processes,
wait up to ``BUSY_TIMEOUT_MS`` for each other. Each call borrows a pooled connection
and each stream opens its own, so readers never block on writers.
``synchronous=NORMAL``: a committed write survives a crash of the process; a power cut
may lose the last commits but never corrupts the file.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import InputError, StoreUnavailable

BUSY_TIMEOUT_MS = 60_000
FETCH = 500  # rows per fetchmany when streaming
POOL_SIZE = 8  # idle connections kept open for reuse
# page cache per connection (SQLite's default is 2 MiB): a 100k-relation load in batches of
# 500 documents ran 5,866-6,132 rel/s with the default, 7,414-7,427 with this
CACHE_KIB = 32_768


def _not_unicode(exc: UnicodeEncodeError) -> InputError:
    """Return the InputError for text that cannot be stored (lone surrogates)."""
    return InputError(f"text is not valid Unicode ({exc.reason} at position {exc.start}: "
                      f"{exc.object[max(0, exc.start - 20):exc.start]!r}...)")


class SqliteConnections:
    """Pooled connections to the SQLite file at ``path`` (its directory is created if
    missing), the base of SqliteStore.

    Raises StoreUnavailable naming the file when its directory cannot be created.
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
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
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

    def close(self) -> None:
        """Close the idle connections (the store opens new ones if it is used again)."""
        with self._lock:
            conns, self._idle = self._idle, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
