"""What a visitor sees before asking anything: the most central entities with the
relations among them, the counts of the graph and its latest documents."""
from __future__ import annotations

import heapq
import threading
from typing import Any

from graph.model import Document, Entity, Relation, RelationFilter, Stats
from graph.rankings import rank, store_ref
from graph.store import GraphStore

MAX_ENTITIES = 200
#: The latest documents are read by one pass over the documents, once per store version.
_latest: dict[int, tuple[Any, int, list[Document]]] = {}
_lock = threading.Lock()


def latest_documents(store: GraphStore, limit: int = 8) -> list[Document]:
    """Return the ``limit`` most recently published documents (undated ones last, then by
    title), read once per store version."""
    version = store.version()
    with _lock:
        hit = _latest.get(id(store))
        if hit is not None and hit[0]() is store and hit[1] == version and len(hit[2]) >= limit:
            return hit[2][:limit]
    docs = heapq.nsmallest(limit, store.iter_documents(),
                           key=lambda d: (d.published is None,
                                          -(d.published.toordinal() if d.published else 0),
                                          d.title, d.id))
    with _lock:
        _latest[id(store)] = (store_ref(store), version, docs)
    return docs


def overview(store: GraphStore, limit: int = 50, documents: int = 8
             ) -> tuple[Stats, list[tuple[Entity, float]], list[Relation], list[Document]]:
    """Return (counts, the top ``limit`` entities by PageRank with their scores, the asserted
    relations among them, the ``documents`` latest documents)."""
    limit = max(1, min(limit, MAX_ENTITIES))
    top = rank(store, "pagerank", None, limit, RelationFilter())
    ids = [e.id for e, _ in top]
    rows = store.adjacent_edges(ids, RelationFilter(), among=ids, limit=limit * 20)
    relations = store.get_relations([r[0] for r in rows])
    return store.stats(), top, relations, latest_documents(store, documents)
