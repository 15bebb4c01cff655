"""The peer writer: neo4j-graphrag's ``Neo4jWriter`` fed a ``Neo4jGraph`` of the same triples.

The graph it writes holds what ours holds: one ``:Entity`` node per entity, one
``:Document`` node per document, one ``:Evidence`` node per evidence row (with its
relation and document ids, as our store keeps them) and one relationship per relation
(typed by its predicate, with the aggregated confidence, status, dates and evidence
count). The conversion is done before the clock starts: only the peer's own writing
(``Neo4jWriter.run``: node batches, ``apoc.merge.relationship`` batches, its cleanup)
is timed, which favours the peer.
"""
from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from bench.database import evidence_row
from graph.aggregate import aggregate, oriented, triple_relation_id
from graph.model import Document, Triple

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from neo4j_graphrag.components.kg_writer import Neo4jWriter
    from neo4j_graphrag.components.types import Neo4jGraph, Neo4jNode, Neo4jRelationship


def to_graph(batches: Iterable[tuple[Document, Sequence[Triple]]]) -> Neo4jGraph:
    """Return the ``Neo4jGraph`` holding the entities, documents, evidence and aggregated
    relations of ``batches``."""
    entities: dict[str, Neo4jNode] = {}
    documents: list[Neo4jNode] = []
    evidence: dict[str, Neo4jNode] = {}
    rel_ev: dict[str, list[tuple[float, str, object]]] = {}
    ends: dict[str, tuple[str, str, str]] = {}
    for doc, triples in batches:
        props = {k: v for k, v in doc.model_dump().items() if v is not None}
        if doc.published:
            props["published"] = doc.published.isoformat()
        documents.append(Neo4jNode(id=f"d:{doc.id}", label="Document", properties=props))
        for t in triples:
            for e in (t.subject, t.object):
                if e.id not in entities:
                    entity: dict[str, Any] = {"id": e.id, "name": e.name, "type": e.type,
                                              "aliases": list(e.aliases)}
                    entities[e.id] = Neo4jNode(id=f"e:{e.id}", label="Entity",
                                               properties=entity)
            rid = triple_relation_id(t)
            s, o = oriented(t)
            ends[rid] = (s, t.predicate, o)
            row = evidence_row(t.evidence, rid, doc.id)
            evidence[row["id"]] = Neo4jNode(id=f"v:{row['id']}", label="Evidence",
                                            properties={k: v for k, v in row.items()
                                                        if v is not None})
            rel_ev.setdefault(rid, []).append(
                (t.evidence.confidence, t.evidence.status, t.evidence.date))
    relationships = []
    for rid, rows in rel_ev.items():
        s, p, o = ends[rid]
        rel = aggregate(rid, s, p, o, rows)  # type: ignore[arg-type]
        assert rel is not None
        props = {"id": rid, "predicate": p, "confidence": rel.confidence, "status": rel.status,
                 "evidence_count": rel.evidence_count,
                 "first_seen": rel.first_seen.isoformat() if rel.first_seen else None,
                 "last_seen": rel.last_seen.isoformat() if rel.last_seen else None}
        relationships.append(Neo4jRelationship(
            start_node_id=f"e:{s}", end_node_id=f"e:{o}", type=p.upper(),
            properties={k: v for k, v in props.items() if v is not None}))
    return Neo4jGraph(nodes=[*entities.values(), *documents, *evidence.values()],
                      relationships=relationships)


def write_peer(drv: object, graph: Neo4jGraph, batch_size: int = 1000) -> float:
    """Write ``graph`` with ``Neo4jWriter`` into an empty database; return the seconds taken.

    Raises RuntimeError when the writer reports a failure.
    """
    writer = Neo4jWriter(drv, batch_size=batch_size)  # type: ignore[arg-type]
    started = time.perf_counter()
    result = asyncio.run(writer.run(graph))
    elapsed = time.perf_counter() - started
    if result.status != "SUCCESS":
        raise RuntimeError(f"neo4j-graphrag Neo4jWriter failed: {result.metadata}")
    return elapsed
