"""The floor: the fastest plain Cypher load of the same graph we could write, for scale.

It is handed the peer's pre-aggregated ``Neo4jGraph`` (built before the clock starts) and
only creates: one uniqueness constraint (entity ids, which the relationships are matched
by), then ``UNWIND ... CREATE`` of entities, documents, evidence and relationships in
transactions of 20,000 rows. No reads of stored state, no other index, no merging: a
loader that keeps a graph right across incremental upserts cannot go below it.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from neo4j import Driver, ManagedTransaction, Session

if TYPE_CHECKING:
    from neo4j_graphrag.components.types import Neo4jGraph

CHUNK = 20_000
LABELS = ("Entity", "Document", "Evidence")
CREATE_NODES = {label: f"UNWIND $rows AS row CREATE (n:{label}) SET n = row" for label in LABELS}
CREATE_RELS = ("UNWIND $rows AS row MATCH (a:Entity {id: row.s}), (b:Entity {id: row.o}) "
               "CREATE (a)-[r:REL]->(b) SET r = row.p")


Rows = list[dict[str, Any]]


def floor_rows(graph: Neo4jGraph) -> tuple[dict[str, Rows], Rows]:
    """Return the node properties by label and the relationship rows of ``graph`` (whose
    node ids are the peer's ``e:``/``d:``/``v:`` prefixed ids)."""
    nodes: dict[str, Rows] = {label: [] for label in LABELS}
    for node in graph.nodes:
        nodes[node.label].append(node.properties)
    rels = [{"s": r.start_node_id[2:], "o": r.end_node_id[2:], "p": r.properties}
            for r in graph.relationships]
    return nodes, rels


def write_floor(drv: Driver, graph: Neo4jGraph) -> float:
    """Write ``graph`` with plain UNWIND/CREATE into an empty database; return the seconds
    taken (the constraint included, converting the graph to rows not)."""
    nodes, rels = floor_rows(graph)

    def run(session: Session, query: str, rows: Rows) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(query, rows=rows).consume()
        session.execute_write(work)

    started = time.perf_counter()
    drv.execute_query("CREATE CONSTRAINT floor_entity IF NOT EXISTS "
                      "FOR (n:Entity) REQUIRE n.id IS UNIQUE")
    with drv.session() as session:
        for label, items in nodes.items():
            for i in range(0, len(items), CHUNK):
                run(session, CREATE_NODES[label], items[i:i + CHUNK])
        for i in range(0, len(rels), CHUNK):
            run(session, CREATE_RELS, rels[i:i + CHUNK])
    return time.perf_counter() - started
