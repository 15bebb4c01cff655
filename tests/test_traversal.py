"""Paths, neighborhoods and name resolution over every store backend."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from core.errors import Ambiguous, InputError, NotFound
from graph.lookup import resolve_entity
from graph.model import Entity, RelationFilter
from graph.store import GraphStore
from graph.traversal import find_paths, neighbors
from tests.samples import (
    GOVERNMENT,
    INFORMER,
    RUSSIA,
    SERBIA,
    SPUTNIK,
    SPUTNIK_INT,
    VUCIC,
    report,
    triple,
)

ANY = RelationFilter()
KOSOVO = Entity.named("Kosovo", "Country")
A, B, C, D, E, F = (Entity.named(n, "Organization") for n in ("Alpha", "Beta", "Gamma",
                                                              "Delta", "Epsilon", "Zeta"))


def load(store: GraphStore, *facts: tuple[Entity, str, Entity], title: str = "report",
         published: date | None = None, confidence: float = 0.9) -> None:
    """Store one document stating ``facts``."""
    store.upsert_document(*report(title, published, facts, confidence=confidence))


def chains(paths: list) -> list[list[str]]:
    return [p.nodes for p in paths]


# ---------------------------------------------------------------- influence direction


def test_opposes_connects_nothing_in_influence_mode(store: GraphStore) -> None:
    load(store, (SERBIA, "opposes", KOSOVO))
    assert find_paths(store, SERBIA.id, KOSOVO.id, 5, 4, "influence", ANY) == []
    assert find_paths(store, KOSOVO.id, SERBIA.id, 5, 4, "influence", ANY) == []
    [path] = find_paths(store, KOSOVO.id, SERBIA.id, 5, 4, "any", ANY)
    assert path.nodes == [KOSOVO.id, SERBIA.id]
    assert path.hops[0].direction == "reverse" and path.hops[0].relation.predicate == "opposes"


def test_amplifies_lets_the_source_reach_the_outlet(store: GraphStore) -> None:
    load(store, (INFORMER, "amplifies", RUSSIA))
    [path] = find_paths(store, RUSSIA.id, INFORMER.id, 5, 4, "influence", ANY)
    hop = path.hops[0]
    assert (hop.source, hop.target, hop.direction) == (RUSSIA.id, INFORMER.id, "reverse")
    assert hop.relation.subject == INFORMER.id
    assert find_paths(store, INFORMER.id, RUSSIA.id, 5, 4, "influence", ANY) == []
    assert len(find_paths(store, INFORMER.id, RUSSIA.id, 5, 4, "any", ANY)) == 1


def test_forward_predicates_walk_subject_to_object_only(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (SPUTNIK, "supports", VUCIC))
    [path] = find_paths(store, RUSSIA.id, VUCIC.id, 5, 4, "influence", ANY)
    assert path.nodes == [RUSSIA.id, SPUTNIK.id, VUCIC.id]
    assert [h.direction for h in path.hops] == ["forward", "forward"]
    assert find_paths(store, VUCIC.id, RUSSIA.id, 5, 4, "influence", ANY) == []


def test_both_and_symmetric_predicates_walk_either_way(store: GraphStore) -> None:
    load(store, (VUCIC, "member_of", GOVERNMENT), (SERBIA, "negotiates_with", KOSOVO))
    for a, b in ((VUCIC, GOVERNMENT), (GOVERNMENT, VUCIC), (SERBIA, KOSOVO), (KOSOVO, SERBIA)):
        assert len(find_paths(store, a.id, b.id, 5, 2, "influence", ANY)) == 1


# ---------------------------------------------------------------- ranking, k, max_hops


def test_direct_path_comes_before_the_longer_one(store: GraphStore) -> None:
    load(store, (A, "funds", B), (B, "funds", C), (A, "funds", C))
    paths = find_paths(store, A.id, C.id, 5, 4, "influence", ANY)
    assert chains(paths) == [[A.id, C.id], [A.id, B.id, C.id]]
    assert paths[0].score == pytest.approx(0.9)
    assert paths[1].score == pytest.approx(0.81) and paths[1].weakest == pytest.approx(0.9)


def test_paths_are_ranked_by_product_of_confidences(store: GraphStore) -> None:
    load(store, (A, "funds", C), confidence=0.5, title="weak")
    load(store, (A, "funds", B), (B, "funds", C), confidence=0.95, title="strong")
    paths = find_paths(store, A.id, C.id, 5, 4, "influence", ANY)
    assert chains(paths) == [[A.id, B.id, C.id], [A.id, C.id]]
    assert paths[0].score == pytest.approx(0.95 * 0.95)
    assert paths[0].score >= paths[1].score


def test_k_limits_the_paths_and_max_hops_their_length(store: GraphStore) -> None:
    load(store, (A, "funds", B), (B, "funds", C), (C, "funds", D), (D, "funds", E),
         (E, "funds", F))
    assert find_paths(store, A.id, F.id, 5, 4, "influence", ANY) == []
    [path] = find_paths(store, A.id, F.id, 5, 5, "influence", ANY)
    assert len(path.hops) == 5 and path.nodes[0] == A.id and path.nodes[-1] == F.id
    assert find_paths(store, A.id, C.id, 5, 1, "influence", ANY) == []
    middles = [Entity.named(f"Relay {i}", "Organization") for i in range(6)]
    load(store, *[f for m in middles for f in ((A, "funds", m), (m, "funds", F))],
         title="relays")
    two = find_paths(store, A.id, F.id, 3, 2, "influence", ANY)
    assert len(two) == 3 and all(len(p.hops) == 2 for p in two)
    assert len({tuple(p.nodes) for p in two}) == 3
    assert len(find_paths(store, A.id, F.id, 50, 5, "influence", ANY)) == 7


def test_paths_are_simple_even_with_cycles(store: GraphStore) -> None:
    load(store, (A, "allied_with", B), (B, "allied_with", C), (C, "allied_with", A),
         (C, "funds", D))
    paths = find_paths(store, A.id, D.id, 50, 6, "any", ANY)
    assert paths and all(len(set(p.nodes)) == len(p.nodes) for p in paths)
    assert chains(paths)[0] == [A.id, C.id, D.id]
    assert sorted(map(tuple, chains(paths))) == sorted([(A.id, C.id, D.id),
                                                        (A.id, B.id, C.id, D.id)])


def test_hops_carry_their_best_evidence_and_paths_their_sources(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), title="first")
    load(store, (SPUTNIK, "supports", VUCIC), title="second")
    [path] = find_paths(store, RUSSIA.id, VUCIC.id, 5, 4, "influence", ANY)
    assert [h.evidence.sentence for h in path.hops] == [  # type: ignore[union-attr]
        "Russia funds Sputnik Serbia.", "Sputnik Serbia supports Aleksandar Vučić."]
    assert len(path.sources) == 2
    assert set(path.sources) == {h.evidence.document_id for h in path.hops}  # type: ignore[union-attr]


# ---------------------------------------------------------------- filters


def test_paths_respect_dates_predicates_and_confidence(store: GraphStore) -> None:
    load(store, (A, "funds", B), title="old", published=date(2020, 1, 1))
    load(store, (B, "controls", C), title="new", published=date(2024, 1, 1), confidence=0.6)
    assert len(find_paths(store, A.id, C.id, 5, 4, "influence", ANY)) == 1
    for flt in (RelationFilter(since=date(2022, 1, 1)), RelationFilter(until=date(2022, 1, 1)),
                RelationFilter(predicates=["funds"]), RelationFilter(min_confidence=0.7)):
        assert find_paths(store, A.id, C.id, 5, 4, "influence", flt) == [], flt
    both = RelationFilter(predicates=["funds", "controls"], since=date(2019, 1, 1),
                          until=date(2025, 1, 1), min_confidence=0.5)
    assert len(find_paths(store, A.id, C.id, 5, 4, "influence", both)) == 1


def test_paths_pass_only_through_entities_of_the_filtered_types(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (SPUTNIK, "supports", VUCIC))
    assert find_paths(store, RUSSIA.id, VUCIC.id, 5, 4, "influence",
                      RelationFilter(types=["Person", "Country"])) == []
    assert len(find_paths(store, RUSSIA.id, VUCIC.id, 5, 4, "influence",
                          RelationFilter(types=["MediaOutlet"]))) == 1


def test_flagged_relations_are_never_walked(store: GraphStore) -> None:
    d, ts = report("flags", None, [(A, "funds", B)])
    ts += [triple(d, B, "funds", C, "Beta does not fund Gamma.", status="negated"),
           triple(d, B, "controls", C, "Beta might control Gamma.", status="hypothetical")]
    store.upsert_document(d, ts)
    for mode in ("influence", "any"):
        assert find_paths(store, A.id, C.id, 5, 4, mode, ANY) == []
    sub = neighbors(store, B.id, 2, ANY, 50)
    assert {e.id for e in sub.entities} == {A.id, B.id}
    assert all(r.status == "asserted" for r in sub.relations)


def test_bad_parameters_are_input_errors(store: GraphStore) -> None:
    load(store, (A, "funds", B))
    with pytest.raises(InputError):
        find_paths(store, A.id, B.id, 5, 4, "sideways", ANY)
    with pytest.raises(InputError):
        find_paths(store, A.id, B.id, 0, 4, "any", ANY)
    assert find_paths(store, A.id, A.id, 5, 4, "any", ANY) == []


# ---------------------------------------------------------------- neighbors


def test_neighbors_by_hops(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (INFORMER, "amplifies", SPUTNIK),
         (GOVERNMENT, "controls", INFORMER), (SERBIA, "opposes", KOSOVO))
    one = neighbors(store, RUSSIA.id, 1, ANY, 100)
    assert one.entities[0].id == RUSSIA.id
    assert {e.id for e in one.entities} == {RUSSIA.id, SPUTNIK.id}
    two = neighbors(store, RUSSIA.id, 2, ANY, 100)
    assert {e.id for e in two.entities} == {RUSSIA.id, SPUTNIK.id, INFORMER.id}
    three = neighbors(store, RUSSIA.id, 3, ANY, 100)
    assert {e.id for e in three.entities} == {RUSSIA.id, SPUTNIK.id, INFORMER.id, GOVERNMENT.id}
    ids = {e.id for e in three.entities}
    assert len(three.relations) == 3
    assert all(r.subject in ids and r.object in ids for r in three.relations)


def test_neighbors_stop_at_the_limit_and_keep_relations_among_them(store: GraphStore) -> None:
    outlets = [Entity.named(f"Outlet {i}", "MediaOutlet") for i in range(8)]
    load(store, *[(RUSSIA, "funds", o) for o in outlets], *[(o, "supports", VUCIC)
                                                            for o in outlets])
    sub = neighbors(store, RUSSIA.id, 2, ANY, 5)
    assert len(sub.entities) == 5 and sub.entities[0].id == RUSSIA.id
    ids = {e.id for e in sub.entities}
    assert all(r.subject in ids and r.object in ids for r in sub.relations)
    assert len(sub.relations) == 4


def test_neighbors_filter_types_but_keep_the_center(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (VUCIC, "leads", SERBIA), (RUSSIA, "supports", VUCIC),
         (SPUTNIK_INT, "amplifies", RUSSIA))
    sub = neighbors(store, RUSSIA.id, 2, RelationFilter(types=["MediaOutlet"]), 100)
    assert {e.id for e in sub.entities} == {RUSSIA.id, SPUTNIK.id, SPUTNIK_INT.id}
    people = neighbors(store, RUSSIA.id, 2, RelationFilter(types=["Person"]), 100)
    assert {e.id for e in people.entities} == {RUSSIA.id, VUCIC.id}
    assert [r.predicate for r in people.relations] == ["supports"]


def test_neighbors_filter_predicates_and_dates(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), title="old", published=date(2020, 5, 1))
    load(store, (RUSSIA, "supports", VUCIC), title="new", published=date(2024, 5, 1))
    recent = neighbors(store, RUSSIA.id, 1, RelationFilter(since=date(2023, 1, 1)), 100)
    assert {e.id for e in recent.entities} == {RUSSIA.id, VUCIC.id}
    funding = neighbors(store, RUSSIA.id, 1, RelationFilter(predicates=["funds"]), 100)
    assert {e.id for e in funding.entities} == {RUSSIA.id, SPUTNIK.id}


def test_neighbors_of_unknown_entity_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFound):
        neighbors(store, "nobody", 1, ANY, 10)


# ---------------------------------------------------------------- resolving names


def test_resolve_by_id_name_alias_any_case_and_accents(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (VUCIC, "leads", SERBIA))
    assert resolve_entity(store, RUSSIA.id).id == RUSSIA.id
    assert resolve_entity(store, "RUSSIAN FEDERATION").id == RUSSIA.id
    assert resolve_entity(store, "aleksandar vucic").id == VUCIC.id
    assert resolve_entity(store, "  Vucic ").id == VUCIC.id


def test_resolve_ambiguous_alias_lists_the_candidates(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK), (SPUTNIK_INT, "amplifies", RUSSIA))
    with pytest.raises(Ambiguous) as caught:
        resolve_entity(store, "sputnik")
    assert set(caught.value.suggestions) == {"Sputnik Serbia", "Sputnik International"}
    for name in caught.value.suggestions:
        assert resolve_entity(store, name).name == name


def test_a_name_beats_an_alias_of_another_entity(store: GraphStore) -> None:
    serbia_alias = Entity.named("Republic of Serbia", "Country", aliases=["Serbian Republic"])
    other = Entity.named("Serbian Republic", "Organization")
    load(store, (serbia_alias, "funds", other))
    assert resolve_entity(store, "serbian republic").id == other.id


def test_resolve_unknown_suggests_but_never_guesses(store: GraphStore) -> None:
    load(store, (RUSSIA, "funds", SPUTNIK))
    with pytest.raises(NotFound) as caught:
        resolve_entity(store, "Rusia")
    assert not isinstance(caught.value, Ambiguous)
    assert "Russia" in caught.value.suggestions
    assert "Russia" in str(caught.value)
    with pytest.raises(NotFound):
        resolve_entity(store, "   ")


# ---------------------------------------------------------------- against brute force


def _brute_force(store: GraphStore, source: str, target: str, k: int, max_hops: int,
                 mode: str) -> list[tuple[list[str], float]]:
    """Return the best k (nodes, score) by enumerating every simple path in memory."""
    import networkx as nx

    from graph.traversal import steps_of

    g: nx.DiGraph[str] = nx.DiGraph()
    for r in store.iter_relations(include_flagged=False):
        for st in steps_of(r, mode):
            old = g.get_edge_data(st.source, st.target)
            if old is None or (-r.confidence, r.predicate) < (-old["c"], old["p"]):
                g.add_edge(st.source, st.target, c=r.confidence, p=r.predicate)
    if source not in g or target not in g:
        return []
    names = {e.id: e.name.casefold() for e in store.iter_entities()}
    found = []
    for nodes in nx.all_simple_paths(g, source, target, cutoff=max_hops):
        score = 1.0
        for a, b in itertools.pairwise(nodes):
            score *= g[a][b]["c"]
        found.append((nodes, score))
    found.sort(key=lambda f: (-round(f[1], 9), len(f[0]), [names[n] for n in f[0][1:]]))
    return found[:k]


def test_best_paths_equal_brute_force_on_a_random_graph(store: GraphStore) -> None:
    import random

    rng = random.Random(5)
    people = [Entity.named(f"Node {i:02d}", "Organization") for i in range(18)]
    predicates = ["funds", "amplifies", "opposes", "allied_with", "member_of", "controls"]
    facts = {(a.id, p, b.id): (a, p, b) for a, p, b in (
        (rng.choice(people), rng.choice(predicates), rng.choice(people)) for _ in range(60))
        if a.id != b.id}
    by_conf: dict[float, list] = {}
    for fact in facts.values():
        by_conf.setdefault(rng.choice([0.5, 0.65, 0.7, 0.85, 0.9, 0.97]), []).append(fact)
    for conf, group in by_conf.items():
        load(store, *group, title=f"random {conf}", confidence=conf)
    pairs = [(rng.choice(people).id, rng.choice(people).id) for _ in range(12)]
    checked = 0
    for mode, k, max_hops in (("influence", 6, 4), ("any", 6, 4), ("any", 3, 3),
                              ("influence", 20, 5), ("any", 20, 5)):
        for source, target in pairs:
            if source == target:
                continue
            want = _brute_force(store, source, target, k, max_hops, mode)
            got = find_paths(store, source, target, k, max_hops, mode, ANY)
            assert [p.nodes for p in got] == [w[0] for w in want], (mode, source, target)
            assert [p.score for p in got] == pytest.approx([w[1] for w in want], abs=1e-6)
            checked += len(want) > 1
    assert checked >= 15
