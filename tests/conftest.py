"""Fixtures shared by every test: stores of both backends, the Neo4j test server, sample data."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import get_settings
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[str]:
    """Start the real Neo4j 5.26 test server once per session; yield its bolt URI.

    In CI (CI=true) a server that cannot start fails the run; it is never skipped.
    """
    from tests.neo4j_server import Neo4jTestServer

    server = Neo4jTestServer()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - the message says why the server did not start
        if os.environ.get("CI") or os.environ.get("INFLUENCE_REQUIRE_NEO4J"):
            pytest.fail(f"Neo4j test server did not start: {exc}", pytrace=False)
        pytest.skip(f"Neo4j test server did not start: {exc}")
    yield server.uri
    server.stop()


def _clear_neo4j(uri: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=("neo4j", "neo4j")) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Yield an empty store of each backend: an embedded file, then the real Neo4j server."""
    if request.param == "sqlite":
        from graph.sqlite_store import SqliteStore

        s: GraphStore = SqliteStore(str(tmp_path / "test.db"))
    else:
        uri = request.getfixturevalue("neo4j_server")
        _clear_neo4j(uri)
        from graph.neo4j_store import Neo4jStore

        s = Neo4jStore(uri, "neo4j", "neo4j")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a store location string for the backend of the running parametrization."""
    return str(tmp_path / "test.db")


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Give every test settings read afresh from its own environment."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
