"""What only the Neo4j backend has to prove: the schema it creates, hostile text reaching
Cypher and Lucene, outages (answers within seconds, recovers without a restart), concurrent
writers, and answers identical to the embedded store's on the same documents."""
from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from core.errors import StoreUnavailable
from core.names import name_key
from graph.model import Entity, RelationFilter, Stats
from graph.neo4j_store import Neo4jStore, _lucene
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.conftest import _clear_neo4j
from tests.neo4j_server import Neo4jTestServer, free_port
from tests.samples import NEW, NEW_TRIPLES, OLD, OLD_TRIPLES, RUSSIA, SAMPLE, corpus, report

pytestmark = pytest.mark.neo4j

ANSWER_WITHIN = 6.0
CYPHER_NAME = "'); MATCH (n) DETACH DELETE n //"


@pytest.fixture
def neo(neo4j_server: str) -> Iterator[Neo4jStore]:
    """Yield a Neo4jStore on the session's server, emptied first."""
    _clear_neo4j(neo4j_server)
    store = Neo4jStore(neo4j_server, "neo4j", "neo4j")
    yield store
    store.close()


def _start(server: Neo4jTestServer) -> Neo4jTestServer:
    try:
        return server.start()
    except Exception as exc:  # noqa: BLE001 - the message says why it did not start
        if os.environ.get("CI") or os.environ.get("INFLUENCE_REQUIRE_NEO4J"):
            pytest.fail(f"Neo4j test server did not start: {exc}", pytrace=False)
        pytest.skip(f"Neo4j test server did not start: {exc}")


def _query(uri: str, cypher: str, **params: Any) -> list[dict[str, Any]]:
    with GraphDatabase.driver(uri, auth=("neo4j", "neo4j")) as driver, driver.session() as s:
        return [record.data() for record in s.run(cypher, params)]


def _schema(uri: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """Return the (type, label, properties) of the constraints and of the online indexes."""
    constraints = {(c["type"], c["labelsOrTypes"][0], ",".join(c["properties"])) for c in _query(
        uri, "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")}
    indexes = {(i["type"], i["labelsOrTypes"][0], ",".join(i["properties"])) for i in _query(
        uri, "SHOW INDEXES YIELD type, labelsOrTypes, properties, state "
             "WHERE state = 'ONLINE' AND labelsOrTypes IS NOT NULL")}
    return constraints, indexes


def _answers_unavailable_quickly(call: Callable[[], object]) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="Neo4j"):
        call()
    assert time.monotonic() - started < ANSWER_WITHIN


def _state(store: GraphStore) -> dict[str, Any]:
    """Return everything a store holds, as comparable plain data."""
    return {"stats": store.stats(),
            "entities": [e.model_dump() for e in store.iter_entities()],
            "relations": [r.model_dump() for r in store.iter_relations()],
            "evidence": [e.model_dump() for e in store.iter_evidence()],
            "documents": [d.model_dump() for d in store.iter_documents()]}


def test_connect_creates_constraints_and_indexes(neo: Neo4jStore, neo4j_server: str) -> None:
    neo.ping()
    constraints, indexes = _schema(neo4j_server)
    assert {(kind, label) for kind, label, prop in constraints if prop == "id"} == {
        ("UNIQUENESS", label) for label in ("Entity", "Document", "Snapshot", "Meta", "Judgement")}
    for index in [("RANGE", "Alias", "head"), ("TEXT", "Alias", "head"),
                  ("RANGE", "Alias", "entity_id"), ("FULLTEXT", "Alias", "key"),
                  ("RANGE", "Evidence", "relation_id"), ("RANGE", "Evidence", "document_id"),
                  ("RANGE", "REL", "id")]:
        assert index in indexes


def _operators(plan: Any) -> list[str]:
    return [plan["operatorType"].split("@")[0],
            *(op for child in plan.get("children", []) for op in _operators(child))]


@pytest.mark.parametrize("name", ["STORED_EVIDENCE", "RELATION_ENDS", "DROP_RELATIONS",
                                  "UPDATE_RELATIONS", "CREATE_RELATIONS", "DELETE_EVIDENCE",
                                  "EVIDENCE_RELATIONS"])
def test_write_look_ups_are_index_seeks_even_planned_on_an_empty_graph(
        neo: Neo4jStore, neo4j_server: str, name: str) -> None:
    import graph.neo4j_cypher as cypher

    neo.ping()  # creates the schema
    with GraphDatabase.driver(neo4j_server, auth=("neo4j", "neo4j")) as driver, \
            driver.session() as session:
        plan = session.run("EXPLAIN " + getattr(cypher, name), ids=["x"],
                           rows=[{"id": "x", "subject": "a", "object": "b"}]).consume().plan
    assert "USING INDEX SEEK" in getattr(cypher, name) or "Entity {id:" in getattr(cypher, name)
    operators = _operators(plan)
    assert any("IndexSeek" in op for op in operators), operators
    assert not any("Scan" in op or "Join" in op for op in operators), operators


def test_lucene_special_characters_in_queries_do_not_error(neo: Neo4jStore,
                                                           neo4j_server: str) -> None:
    for d, triples in SAMPLE:
        neo.upsert_document(d, triples)
    for query in ['"AND (x OR y)~ /*', "russia~", "ser*", "(", "\\", "NOT", "a:b", "[1 TO 5]",
                  '"unbalanced', "{}^", "!!", "AND OR", "~", "/regex/"]:
        assert isinstance(neo.search_entities(query), list)
    assert neo.search_entities("Sputnik && Serbia || !")[0][0].name == "Sputnik Serbia"
    assert neo.search_entities("(RUSSIA)~")[0][0].name == "Russia"
    raw = '"AND (x OR y)~ /* + - && || ! { } [ ] ^ ? : \\'
    assert _query(neo4j_server, "CALL db.index.fulltext.queryNodes('alias_fulltext', $q) "
                                "YIELD node RETURN count(node) AS n", q=_lucene(raw)) == [{"n": 0}]


def test_cypher_in_names_is_stored_literally_and_deletes_nothing(neo: Neo4jStore) -> None:
    for d, triples in SAMPLE:
        neo.upsert_document(d, triples)
    before = neo.stats()
    evil = Entity.named(CYPHER_NAME, "Person", aliases=["x'}) DETACH DELETE n //"])
    d, triples = report(f"{CYPHER_NAME} report", None, [(evil, "funds", RUSSIA)])
    neo.upsert_document(d, triples)
    assert neo.stats() == Stats(documents=before.documents + 1, entities=before.entities + 1,
                                relations=before.relations + 1, evidence=before.evidence + 1)
    stored = neo.get_entity(evil.id)
    assert stored is not None and stored.name == CYPHER_NAME
    assert stored.aliases == ["x'}) DETACH DELETE n //"]
    assert neo.get_document(d.id).title == f"{CYPHER_NAME} report"  # type: ignore[union-attr]
    assert neo.search_entities(CYPHER_NAME)[0] == (stored, 100.0)
    assert neo.find_by_key(name_key("x'}) DETACH DELETE n //")) == [stored]
    assert neo.remove_document(d.id)
    assert neo.stats() == before


def test_outage_answers_within_seconds_and_the_same_store_recovers() -> None:
    server = _start(Neo4jTestServer())
    store = Neo4jStore(server.uri, "neo4j", "neo4j", timeout=5.0)
    try:
        store.upsert_document(OLD, OLD_TRIPLES)
        server.kill()
        _answers_unavailable_quickly(store.ping)
        _answers_unavailable_quickly(lambda: store.search_entities("russia"))
        _answers_unavailable_quickly(lambda: store.upsert_document(NEW, NEW_TRIPLES))
        _answers_unavailable_quickly(lambda: list(store.iter_entities()))
        server.restart()
        store.ping()
        assert store.search_entities("russia")[0][0].name == "Russia"
        store.upsert_document(NEW, NEW_TRIPLES)
        assert store.stats() == Stats(documents=2, entities=7, relations=6, evidence=6)
    finally:
        store.close()
        server.stop()


def test_a_store_opened_while_neo4j_is_down_works_once_it_is_up() -> None:
    server = Neo4jTestServer(port=free_port())
    store = Neo4jStore(server.uri, "neo4j", "neo4j", timeout=5.0)
    try:
        _answers_unavailable_quickly(store.ping)
        _answers_unavailable_quickly(lambda: store.upsert_document(OLD, OLD_TRIPLES))
        _start(server)
        store.upsert_document(OLD, OLD_TRIPLES)
        assert store.stats() == Stats(documents=1, entities=4, relations=4, evidence=4)
        constraints, indexes = _schema(server.uri)
        assert ("UNIQUENESS", "Entity", "id") in constraints
        assert ("FULLTEXT", "Alias", "key") in indexes
    finally:
        store.close()
        server.stop()


def test_concurrent_writers_of_overlapping_documents_end_like_sequential(
        neo: Neo4jStore, neo4j_server: str) -> None:
    docs = corpus(24, facts_per_doc=6, seed=11, pool=16)
    for d, triples in docs:
        neo.upsert_document(d, triples)
    sequential = _state(neo)
    _clear_neo4j(neo4j_server)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        mine = docs[worker * 6:] + docs[:worker * 6]  # every worker writes every document
        try:
            if worker % 2:
                neo.upsert_documents(mine[:12], batch_size=4)
                neo.upsert_documents(mine[12:], batch_size=5)
            else:
                for d, triples in mine:
                    neo.upsert_document(d, triples)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _state(neo) == sequential


def _write_share(uri: str, worker: int) -> str:
    """Write one worker's overlapping share of the shared corpus from a process of its own."""
    docs = corpus(32, facts_per_doc=6, seed=5, pool=20)
    mine = [docs[(worker * 4 + i) % len(docs)] for i in range(8)]
    store = Neo4jStore(uri, "neo4j", "neo4j")
    try:
        if worker % 2:
            store.upsert_documents(mine, batch_size=3)
        else:
            for d, triples in mine:
                store.upsert_document(d, triples)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - returned to the test, which shows it
        return repr(exc)
    finally:
        store.close()


def test_eight_processes_on_an_empty_database_end_like_one_sequential_writer(
        neo4j_server: str, tmp_path: Path) -> None:
    _clear_neo4j(neo4j_server)
    # Schema names cannot be parameters; these come from SHOW, not from a user.
    for row in _query(neo4j_server, "SHOW CONSTRAINTS YIELD name"):
        _query(neo4j_server, f"DROP CONSTRAINT `{row['name']}`")
    for row in _query(neo4j_server, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'"):
        _query(neo4j_server, f"DROP INDEX `{row['name']}`")
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        outcomes = pool.starmap(_write_share, [(neo4j_server, w) for w in range(8)])
    assert outcomes == ["ok"] * 8
    lite = SqliteStore(str(tmp_path / "sequential.db"))
    for d, triples in corpus(32, facts_per_doc=6, seed=5, pool=20):
        lite.upsert_document(d, triples)
    neo = Neo4jStore(neo4j_server, "neo4j", "neo4j")
    try:
        assert _state(neo) == _state(lite)
    finally:
        neo.close()
        lite.close()


def test_answers_match_the_embedded_store(neo: Neo4jStore, tmp_path: Path) -> None:
    lite = SqliteStore(str(tmp_path / "same.db"))
    docs = corpus(10, facts_per_doc=8, seed=3, pool=24) + SAMPLE
    first = docs[1][1][0]
    _, changed = report("re-extracted", None, [(first.subject, "supports", first.object)])
    try:
        for store in (lite, neo):
            store.upsert_documents(docs, batch_size=4)
            store.upsert_document(docs[0][0], changed)  # re-extraction of one document
            assert store.remove_document(docs[2][0].id)
            assert not store.remove_document(docs[2][0].id)
        assert _state(neo) == _state(lite)
        flt = RelationFilter(predicates=["funds", "amplifies", "supports"], min_confidence=0.5)
        some = [e.id for e in list(lite.iter_entities())[:5]]
        assert neo.adjacent(some, flt) == lite.adjacent(some, flt)
        assert neo.adjacent(some, RelationFilter(), include_flagged=True) == \
            lite.adjacent(some, RelationFilter(), include_flagged=True)
        for entity_id in some:
            assert neo.relations_of(entity_id) == lite.relations_of(entity_id)
        for rel in list(lite.iter_relations())[:10]:
            assert neo.evidence(rel.id) == lite.evidence(rel.id)
        for query in ["actor 01", "Actor 003", "a003", "sputnik", "serbia", "vucic", "rusia",
                      "ctor 00", "informer"]:
            assert neo.search_entities(query) == lite.search_entities(query), query
        assert neo.find_by_key("sputnik") == lite.find_by_key("sputnik")
    finally:
        lite.close()


def test_a_transaction_holds_at_most_batch_triples(neo: Neo4jStore) -> None:
    docs = corpus(6, facts_per_doc=3, seed=5, pool=12)
    before = neo.version()
    results = neo.upsert_documents(docs, batch_size=100, batch_triples=5)
    assert len(results) == 6
    assert neo.version() - before == 3  # one version per write transaction: 2 documents each
    assert neo.stats().documents == 6


def test_writes_sliced_into_small_queries_store_the_same_graph(
        neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """UNWIND writes run ROWS_PER_QUERY rows at a time: sliced to 2 rows, one transaction of
    six documents (an upsert, then a changed re-upsert) stores what the SQLite store does."""
    import graph.neo4j_writes as writes
    from graph.sqlite_store import SqliteStore

    monkeypatch.setattr(writes, "ROWS_PER_QUERY", 2)
    docs = corpus(6, facts_per_doc=3, seed=5, pool=12)
    changed = [(d, t[:-1]) for d, t in docs]
    neo.upsert_documents(docs)
    neo.upsert_documents(changed)
    with tempfile.TemporaryDirectory() as tmp:
        lite = SqliteStore(str(Path(tmp) / "same.db"))
        lite.upsert_documents(docs)
        lite.upsert_documents(changed)
        assert neo.stats() == lite.stats()
        assert sorted(e.id for e in neo.iter_evidence()) == \
            sorted(e.id for e in lite.iter_evidence())
        lite.close()


def test_evidence_deleted_while_read_is_skipped_not_an_error() -> None:
    # read-committed: a concurrent write may delete a matched :Evidence before its
    # properties are read; they come back empty (seen as a 500 under concurrent ingest)
    from graph.neo4j_cypher import _evidence_views

    kept = {"id": "e1", "relation_id": "r1", "document_id": "d1", "sentence": "A funds B.",
            "document_title": "t", "document_url": None}
    views = _evidence_views([{"ev": {"document_title": "", "document_url": None}},
                             {"ev": kept}])
    assert [v.id for v in views] == ["e1"]
