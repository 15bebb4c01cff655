"""Neo4j helpers shared by the writers under test: an empty database between runs, counts."""
from __future__ import annotations

from typing import Any

from neo4j import Driver, GraphDatabase

AUTH = ("neo4j", "neo4j")


def driver(uri: str) -> Driver:
    """Return a driver for the test server (auth disabled, any credentials accepted)."""
    return GraphDatabase.driver(uri, auth=AUTH)


def reset(drv: Driver) -> None:
    """Delete every node and drop every constraint and index: the next writer starts empty.

    Relationships go first, in batches: a ``DETACH DELETE`` of a node of the 1M graph with
    its ~10^5 relationships overflowed the server's transaction memory."""
    with drv.session() as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        for rec in list(session.run("SHOW CONSTRAINTS YIELD name")):
            session.run(f"DROP CONSTRAINT `{rec['name']}` IF EXISTS").consume()
        for rec in list(session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' "
                                    "RETURN name")):
            session.run(f"DROP INDEX `{rec['name']}` IF EXISTS").consume()


def bench_counts(drv: Driver) -> dict[str, int]:
    """Return documents, entities, relations and evidence of the peer/naive schema:
    ``:Entity`` nodes, one relationship per relation between them, ``:Document`` and
    ``:Evidence`` nodes."""
    queries = {
        "documents": "MATCH (n:Document) RETURN count(n) AS c",
        "entities": "MATCH (n:Entity) RETURN count(n) AS c",
        "relations": "MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS c",
        "evidence": "MATCH (n:Evidence) RETURN count(n) AS c",
    }
    out: dict[str, int] = {}
    with drv.session() as session:
        for key, query in queries.items():
            out[key] = int(session.run(query).single()["c"])  # type: ignore[index]
    return out


def evidence_row(ev: Any, relation_id: str, document_id: str) -> dict[str, Any]:
    """Return the stored properties of one evidence row (same fields for every writer)."""
    return {"id": ev.evidence_id(relation_id), "relation_id": relation_id,
            "document_id": document_id, "sentence": ev.sentence, "start_offset": ev.start,
            "end_offset": ev.end, "date": ev.date.isoformat() if ev.date else None,
            "extractor": ev.extractor, "confidence": ev.confidence, "status": ev.status}
