"""The Neo4j test server is the real thing: Neo4j 5.26 Community, Bolt, APOC core."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import ServiceUnavailable

pytestmark = pytest.mark.neo4j


@pytest.fixture
def driver(neo4j_server: str) -> Iterator[Driver]:
    # The credentials the other fixtures use; the server has auth disabled and accepts them.
    with GraphDatabase.driver(neo4j_server, auth=("neo4j", "neo4j")) as drv:
        yield drv


def test_server_answers_a_query(driver: Driver) -> None:
    records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1


def test_server_is_neo4j_5_26_community(driver: Driver) -> None:
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
    component = records[0]
    assert component["name"] == "Neo4j Kernel"
    assert component["versions"][0].startswith("5.26.")
    assert component["edition"] == "community"


def test_apoc_core_is_loaded_and_unrestricted(driver: Driver) -> None:
    records, _, _ = driver.execute_query("RETURN apoc.version() AS version")
    assert records[0]["version"].startswith("5.26.")
    # What neo4j-graphrag's Neo4jWriter calls: apoc.merge.node and apoc.create.addLabels.
    try:
        records, _, _ = driver.execute_query(
            "CALL apoc.merge.node(['ServerCheck'], {key: $key}) YIELD node "
            "CALL apoc.create.addLabels(node, ['Checked']) YIELD node AS labelled "
            "RETURN labels(labelled) AS labels", key="apoc")
        assert sorted(records[0]["labels"]) == ["Checked", "ServerCheck"]
    finally:
        driver.execute_query("MATCH (n:ServerCheck) DETACH DELETE n")


def test_killed_server_restarts_on_the_same_port_with_its_data() -> None:
    from tests.neo4j_server import Neo4jTestServer

    server = Neo4jTestServer().start()
    try:
        uri = server.uri
        with GraphDatabase.driver(uri, auth=None) as drv:
            drv.execute_query("CREATE (:Survivor {name: 'kept'})")
        server.kill()
        with (GraphDatabase.driver(uri, auth=None, connection_timeout=2) as drv,
              pytest.raises(ServiceUnavailable)):
            drv.verify_connectivity()
        server.restart()
        assert server.uri == uri
        with GraphDatabase.driver(uri, auth=None) as drv:
            records, _, _ = drv.execute_query("MATCH (n:Survivor) RETURN n.name AS name")
        assert [r["name"] for r in records] == ["kept"]
    finally:
        server.stop()
    assert not server.running
