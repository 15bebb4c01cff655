"""The Neo4j store as it would run against a cluster or Aura: opened with a routing URI
(``neo4j://``, the driver asks the server for its routing table and sends writes to the
leader), and its sessions sharing a bookmark manager, so a read after a write waits for
that write wherever it is routed (here the single test server routes to itself)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Bookmarks, GraphDatabase

from graph.neo4j_store import Neo4jStore
from tests.conftest import _clear_neo4j
from tests.samples import NEW, NEW_TRIPLES, OLD, OLD_TRIPLES

pytestmark = pytest.mark.neo4j


@pytest.fixture
def routed(neo4j_server: str) -> Iterator[Neo4jStore]:
    """Yield a store opened with the routing scheme on the test server, emptied first."""
    _clear_neo4j(neo4j_server)
    store = Neo4jStore(neo4j_server.replace("bolt://", "neo4j://"), "neo4j", "neo4j")
    yield store
    store.close()


def test_a_routing_uri_writes_through_the_leader_and_reads_back(routed: Neo4jStore) -> None:
    assert routed.uri.startswith("neo4j://")
    routed.upsert_documents([(OLD, OLD_TRIPLES)])
    assert routed.get_document(OLD.id) is not None
    assert routed.stats().documents == 1


def test_each_write_hands_its_bookmark_to_the_next_session(routed: Neo4jStore,
                                                           neo4j_server: str) -> None:
    routed.stats()  # the schema is in place: what follows is the write alone
    before = set(routed.bookmarks.get_bookmarks())
    routed.upsert_documents([(OLD, OLD_TRIPLES)])
    after_first = set(routed.bookmarks.get_bookmarks())
    assert after_first and after_first != before
    routed.upsert_documents([(NEW, NEW_TRIPLES)])
    after_second = set(routed.bookmarks.get_bookmarks())
    assert after_second and after_second != after_first
    # another process (another driver) given those bookmarks reads both writes
    with GraphDatabase.driver(neo4j_server.replace("bolt://", "neo4j://"),
                              auth=("neo4j", "neo4j")) as driver, \
            driver.session(bookmarks=Bookmarks.from_raw_values(after_second),
                           default_access_mode="READ") as session:
        ids = {r["id"] for r in session.run("MATCH (d:Document) RETURN d.id AS id")}
    assert ids == {OLD.id, NEW.id}
