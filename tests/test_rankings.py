"""Rankings and communities over every store backend, and their cache."""
from __future__ import annotations

from datetime import date

import pytest

from core.errors import InputError
from graph.model import Entity, RelationFilter
from graph.rankings import communities, pagerank, rank
from graph.store import GraphStore
from tests.samples import report, triple

ANY = RelationFilter()
KREMLIN = Entity.named("Russia", "Country")
OUTLETS = [Entity.named(f"Outlet {i}", "MediaOutlet") for i in range(4)]
READERS = [Entity.named(f"Reader {i}", "Person") for i in range(3)]


def load(store: GraphStore, *facts: tuple[Entity, str, Entity], title: str = "report",
         published: date | None = None) -> None:
    """Store one document stating ``facts``."""
    store.upsert_document(*report(title, published, facts))


def names(rows: list[tuple[Entity, float]]) -> list[str]:
    return [e.name for e, _ in rows]


def test_pagerank_puts_who_shapes_many_first(store: GraphStore) -> None:
    load(store, *[(KREMLIN, "funds", o) for o in OUTLETS],
         *[(o, "amplifies", KREMLIN) for o in OUTLETS[:2]],
         (OUTLETS[0], "influences", READERS[0]))
    rows = rank(store, "pagerank", None, 3, ANY)
    assert names(rows)[0] == "Russia"
    scores = [s for _, s in rows]
    assert scores == sorted(scores, reverse=True) and len(rows) == 3


def test_degree_counts_asserted_relations_only(store: GraphStore) -> None:
    d, ts = report("degree", None, [(KREMLIN, "funds", o) for o in OUTLETS[:3]])
    ts += [triple(d, OUTLETS[3], "amplifies", KREMLIN, "Outlet 3 never repeats Russia.",
                  status="negated"),
           triple(d, OUTLETS[3], "criticizes", READERS[0], "Outlet 3 criticizes Reader 0.")]
    store.upsert_document(d, ts)
    rows = {e.name: s for e, s in rank(store, "degree", None, 10, ANY)}
    assert rows["Russia"] == 3.0
    assert rows["Outlet 3"] == 1.0
    assert rows["Reader 0"] == 1.0


def test_influence_none_predicates_count_for_degree_not_pagerank_edges(store: GraphStore) -> None:
    load(store, (READERS[0], "opposes", READERS[1]), (READERS[1], "criticizes", READERS[2]))
    pr = {e.name: s for e, s in rank(store, "pagerank", None, 10, ANY)}
    assert pr["Reader 0"] == pytest.approx(pr["Reader 1"]) == pytest.approx(pr["Reader 2"])
    assert {e.name: s for e, s in rank(store, "degree", None, 10, ANY)}["Reader 1"] == 2.0


def test_betweenness_finds_the_broker(store: GraphStore) -> None:
    load(store, (KREMLIN, "funds", OUTLETS[0]), (OUTLETS[0], "influences", READERS[0]),
         (OUTLETS[0], "influences", READERS[1]))
    rows = rank(store, "betweenness", None, 5, ANY)
    assert names(rows)[0] == "Outlet 0" and rows[0][1] > 0
    assert all(s == 0 for _, s in rows[1:])


def test_rank_by_type_and_limit(store: GraphStore) -> None:
    load(store, *[(KREMLIN, "funds", o) for o in OUTLETS],
         *[(OUTLETS[0], "influences", r) for r in READERS])
    outlets = rank(store, "degree", "MediaOutlet", 10, ANY)
    assert {e.type for e, _ in outlets} == {"MediaOutlet"} and len(outlets) == 4
    assert names(outlets)[0] == "Outlet 0"
    assert len(rank(store, "degree", None, 2, ANY)) == 2
    orgs = rank(store, "degree", "Organization", 10, ANY)  # subtypes count
    assert {e.type for e, _ in orgs} == {"MediaOutlet"}


def test_rank_rejects_unknown_metric_and_type(store: GraphStore) -> None:
    with pytest.raises(InputError):
        rank(store, "fame", None, 5, ANY)
    with pytest.raises(InputError):
        rank(store, "degree", "Planet", 5, ANY)
    assert rank(store, "pagerank", None, 5, ANY) == []


def test_rank_over_a_time_window(store: GraphStore) -> None:
    load(store, (KREMLIN, "funds", OUTLETS[0]), title="old", published=date(2019, 1, 1))
    load(store, *[(OUTLETS[1], "influences", r) for r in READERS], title="new",
         published=date(2024, 1, 1))
    recent = rank(store, "degree", None, 10, RelationFilter(since=date(2023, 1, 1)))
    assert "Russia" not in names(recent) and names(recent)[0] == "Outlet 1"
    older = rank(store, "degree", None, 10, RelationFilter(until=date(2020, 1, 1)))
    assert set(names(older)) == {"Russia", "Outlet 0"}


def test_rankings_are_recomputed_after_a_write(store: GraphStore) -> None:
    load(store, (KREMLIN, "funds", OUTLETS[0]), title="first")
    before = rank(store, "degree", None, 10, ANY)
    assert rank(store, "degree", None, 10, ANY) == before  # cached
    load(store, *[(OUTLETS[1], "influences", r) for r in READERS], title="second")
    after = {e.name: s for e, s in rank(store, "degree", None, 10, ANY)}
    assert after["Outlet 1"] == 3.0 and len(after) == 6


def test_communities_group_densely_related_entities(store: GraphStore) -> None:
    left = [Entity.named(f"Left {i}", "Organization") for i in range(4)]
    right = [Entity.named(f"Right {i}", "Organization") for i in range(4)]
    facts = [(a, "allied_with", b) for group in (left, right)
             for i, a in enumerate(group) for b in group[i + 1:]]
    load(store, *facts, (left[0], "opposes", right[0]))
    groups = communities(store, ANY)
    assert sorted(map(set, groups), key=sorted) == [{e.id for e in left}, {e.id for e in right}]
    assert communities(store, ANY) == groups  # seeded: the same every time


def test_pagerank_matches_networkx_definition() -> None:
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 2.0), ("c", "a", 1.0),
                               ("a", "c", 0.5), ("d", "a", 1.0)])
    mine = pagerank(g)
    assert sum(mine.values()) == pytest.approx(1.0)
    # the power iteration networkx documents, computed by hand for this small graph
    n, alpha = 4, 0.85
    ref = dict.fromkeys(g, 1 / n)
    out = {u: sum(d["weight"] for _, _, d in g.out_edges(u, data=True)) for u in g}
    for _ in range(500):
        nxt = dict.fromkeys(g, (1 - alpha) / n)
        for u, v, d in g.edges(data=True):
            nxt[v] += alpha * ref[u] * d["weight"] / out[u]
        ref = nxt
    assert mine == pytest.approx(ref, abs=1e-8)
