"""The naive baselines: one MERGE per relation row in its own transaction, and influence
paths found by networkx ``all_simple_paths`` on the whole graph, filtered afterwards."""
from __future__ import annotations

import itertools
import signal
import time
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
from neo4j import Driver, ManagedTransaction

from bench.database import evidence_row
from graph.aggregate import oriented, triple_relation_id
from graph.model import Document, Relation, Triple

CONSTRAINTS = (
    "CREATE CONSTRAINT naive_entity IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT naive_document IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT naive_evidence IF NOT EXISTS FOR (n:Evidence) REQUIRE n.id IS UNIQUE",
)

# One statement per evidence row: both ends, the document, the evidence, the relation with
# its running evidence count and noisy-or confidence. Every value is a parameter.
ROW = (
    "MERGE (d:Document {id: $doc.id}) SET d += $doc "
    "MERGE (a:Entity {id: $s.id}) ON CREATE SET a += $s "
    "MERGE (b:Entity {id: $o.id}) ON CREATE SET b += $o "
    "MERGE (ev:Evidence {id: $ev.id}) SET ev += $ev "
    "MERGE (a)-[r:REL {id: $rid}]->(b) "
    "ON CREATE SET r.predicate = $p, r.evidence_count = 0, r.miss = 1.0, r.status = $ev.status "
    "SET r.evidence_count = r.evidence_count + 1, "
    "r.miss = CASE WHEN $ev.status = 'asserted' THEN r.miss * (1.0 - $ev.confidence) "
    "ELSE r.miss END, "
    "r.status = CASE WHEN $ev.status = 'asserted' THEN 'asserted' ELSE r.status END, "
    "r.confidence = 1.0 - r.miss"
)


def write_per_row(drv: Driver, batches: Iterable[tuple[Document, Sequence[Triple]]]) -> float:
    """Write every evidence row with one MERGE statement in its own transaction (uniqueness
    constraints created first, as anyone would); return the seconds taken."""
    started = time.perf_counter()
    with drv.session() as session:
        for query in CONSTRAINTS:
            session.run(query).consume()
        for doc, triples in batches:
            doc_props = {k: v for k, v in doc.model_dump().items() if v is not None}
            if doc.published:
                doc_props["published"] = doc.published.isoformat()
            for t in triples:
                rid = triple_relation_id(t)
                s, o = oriented(t)
                ends = {t.subject.id: t.subject, t.object.id: t.object}
                ev = {k: v for k, v in evidence_row(t.evidence, rid, doc.id).items()
                      if v is not None}
                params = {"doc": doc_props, "rid": rid, "p": t.predicate, "ev": ev,
                          "s": {"id": s, "name": ends[s].name, "type": ends[s].type},
                          "o": {"id": o, "name": ends[o].name, "type": ends[o].type}}

                def one(tx: ManagedTransaction, params: dict = params) -> None:
                    tx.run(ROW, params).consume()

                session.execute_write(one)
    return time.perf_counter() - started


def influence_graph(relations: Iterable[Relation]) -> nx.Graph[str]:
    """Return an undirected networkx graph of the asserted relations; each edge keeps the
    (subject, predicate, confidence) of every relation between its two ends."""
    g: nx.Graph[str] = nx.Graph()
    for r in relations:
        if r.status != "asserted" or r.subject == r.object:
            continue
        if g.has_edge(r.subject, r.object):
            g[r.subject][r.object]["rels"].append((r.subject, r.predicate, r.confidence))
        else:
            g.add_edge(r.subject, r.object, rels=[(r.subject, r.predicate, r.confidence)])
    return g


def _walk(rels: list[tuple[str, str, float]], frm: str, influence: Mapping[str, str]) -> float:
    """Return the best confidence of a relation walkable from ``frm``; 0.0 when none is."""
    best = 0.0
    for subject, predicate, confidence in rels:
        way = influence.get(predicate, "none")
        if way == "both" or (way == "forward" and subject == frm) or (
                way == "reverse" and subject != frm):
            best = max(best, confidence)
    return best


class _OutOfBudget(Exception):
    """Raised by the timer inside networkx when a pair's time budget is spent."""


def _out_of_budget(_signum: int, _frame: object) -> None:
    raise _OutOfBudget


def naive_paths(g: nx.Graph[str], source: str, target: str, k: int, max_hops: int,
                influence: Mapping[str, str], budget: float) -> tuple[list[list[str]], bool]:
    """Return (the ``k`` best influence paths, finished) by enumerating every simple path of
    at most ``max_hops`` hops with networkx, keeping those walkable in the direction
    influence flows and ranking them like ``find_paths`` (product of hop confidences, then
    fewer hops). ``finished`` is False when ``budget`` seconds ran out first: a real-time
    timer interrupts networkx even while it searches without yielding (main thread only).
    """
    if source not in g or target not in g:
        return [], True
    found: list[tuple[float, int, list[str]]] = []
    finished = True
    previous = signal.signal(signal.SIGALRM, _out_of_budget)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        for path in nx.all_simple_paths(g, source, target, cutoff=max_hops):
            score = 1.0
            for a, b in itertools.pairwise(path):
                score *= _walk(g[a][b]["rels"], a, influence)
                if not score:
                    break
            if score:
                found.append((-score, len(path), path))
    except _OutOfBudget:
        finished = False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    found.sort()
    return [p for _, _, p in found[:k]], finished
