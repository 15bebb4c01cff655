"""The connection of the Neo4j store to its server: driver, sessions, schema, errors.

The driver is created at once but connects lazily: the schema is created on the first call
that reaches the server, and again after an outage. Calls raise StoreUnavailable within
about ``timeout`` seconds when the server is down, and work again when it is back.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from neo4j import GraphDatabase, ManagedTransaction, Record
from neo4j.exceptions import DriverError, Neo4jError

from core.errors import StoreUnavailable
from graph.neo4j_cypher import _create_schema

T = TypeVar("T")
# The driver logs each retry as a warning; without a handler of the application's own they
# would be printed on stderr by the logging module's last resort (the CLI's output).
logging.getLogger("neo4j").addHandler(logging.NullHandler())


class Neo4jConnections:
    """The driver and sessions of a Neo4j 5 database at ``uri``, the base of Neo4jStore."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None,
                 timeout: float = 5.0) -> None:
        self.uri = uri
        self._database = database
        self._timeout = timeout
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        # every session of this store hands on the bookmarks of the writes before it: on a
        # cluster a read routed to a follower waits until it holds them (read-your-writes)
        self.bookmarks = GraphDatabase.bookmark_manager()
        self._driver = GraphDatabase.driver(
            uri, auth=(user, password), connection_timeout=timeout,
            connection_acquisition_timeout=timeout, liveness_check_timeout=30.0,
            notifications_min_severity="OFF")

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
                                    initial_retry_delay=0.2, retry_delay_multiplier=2.0,
                                    bookmark_manager=self.bookmarks)

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

    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()
