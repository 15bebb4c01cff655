"""The GraphStore contract: the same assertions on every backend (SQLite file and Neo4j)."""
from __future__ import annotations

from datetime import date

import pytest

from core.errors import InputError
from core.names import clean_name, name_key
from graph.model import Entity, RelationFilter, Snapshot, Stats, relation_id
from graph.store import GraphStore
from tests.samples import (
    GAZPROM_NEFT,
    GOVERNMENT,
    HOSTILE_NAMES,
    HUNGARY,
    INFORMER,
    NEW,
    NEW_TRIPLES,
    NIS,
    OLD,
    OLD_TRIPLES,
    ORBAN,
    RUSSIA,
    SAMPLE,
    SERBIA,
    SPUTNIK,
    SPUTNIK_INT,
    UNICODE_NAMES,
    VUCIC,
    report,
    triple,
)


def _load(store: GraphStore) -> GraphStore:
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    return store


def _rel(store: GraphStore, s: Entity, p: str, o: Entity) -> str:
    [rel] = [r for r in store.relations_between(s.id, o.id) if r.predicate == p]
    return rel.id


def _names(hits: list[tuple[Entity, float]]) -> list[str]:
    return [e.name for e, _ in hits]


# ---------------------------------------------------------------- writes and reads


def test_upsert_then_read_entity_document_relation_evidence(store: GraphStore) -> None:
    result = store.upsert_document(OLD, OLD_TRIPLES)
    assert result.document_id == OLD.id and result.triples == 4 and result.created
    assert store.get_document(OLD.id) == OLD
    russia = store.get_entity(RUSSIA.id)
    assert russia is not None and russia.name == "Russia" and russia.type == "Country"
    assert "Russian Federation" in russia.aliases
    rel = store.get_relation(_rel(store, RUSSIA, "funds", SPUTNIK))
    assert rel is not None
    assert (rel.subject, rel.predicate, rel.object) == (RUSSIA.id, "funds", SPUTNIK.id)
    assert rel.confidence == pytest.approx(0.9) and rel.status == "asserted"
    assert rel.first_seen == rel.last_seen == date(2023, 3, 1) and rel.evidence_count == 1
    [ev] = store.evidence(rel.id)
    assert ev.sentence == "Russia funds Sputnik Serbia." and ev.relation_id == rel.id
    assert (ev.start, ev.end, ev.date, ev.status) == (0, 28, date(2023, 3, 1), "asserted")
    assert ev.document_id == OLD.id and ev.document_title == "old-report"
    assert ev.document_url == "https://example.org/old-report"


def test_past_evidence_round_trips_and_keeps_its_id(store: GraphStore) -> None:
    former = triple(OLD, VUCIC, "leads", SERBIA, "Former president Vucic led Serbia.", start=140)
    former = former.model_copy(update={"evidence": former.evidence.model_copy(
        update={"past": True})})
    store.upsert_document(OLD, [*OLD_TRIPLES, former])
    rel_id = _rel(store, VUCIC, "leads", SERBIA)
    [ev] = store.evidence(rel_id)
    assert ev.past and ev.status == "asserted"
    assert ev.id == former.evidence.model_copy(update={"past": False}).evidence_id(rel_id)
    assert store.best_evidence([rel_id])[rel_id].past
    assert [e.past for e in store.iter_evidence() if e.relation_id == rel_id] == [True]
    rel = store.get_relation(rel_id)
    assert rel is not None and rel.status == "asserted"  # a past relation is still a fact
    assert not any(e.past for e in store.iter_evidence() if e.relation_id != rel_id)


def test_missing_things_are_none_or_empty(store: GraphStore) -> None:
    _load(store)
    assert store.get_entity("atlantis") is None
    assert store.get_document("0" * 64) is None
    assert store.get_relation("nope") is None
    assert store.evidence("nope") == []
    assert store.get_entities(["atlantis", RUSSIA.id, "nowhere", SERBIA.id]) == \
        [store.get_entity(RUSSIA.id), store.get_entity(SERBIA.id)]
    assert store.relations_between(RUSSIA.id, VUCIC.id) == []
    store.ping()


def test_same_document_twice_changes_nothing(store: GraphStore) -> None:
    _load(store)
    before = store.stats()
    relations = sorted(store.iter_relations(), key=lambda r: r.id)
    again = store.upsert_document(OLD, OLD_TRIPLES)
    assert not again.created and again.triples == 4
    assert store.stats() == before == Stats(documents=2, entities=7, relations=6, evidence=6)
    assert sorted(store.iter_relations(), key=lambda r: r.id) == relations


def test_reupsert_replaces_the_documents_evidence(store: GraphStore) -> None:
    d, _ = report("note", date(2023, 5, 1), [(RUSSIA, "funds", INFORMER)])
    store.upsert_document(d, [triple(d, RUSSIA, "funds", INFORMER)])
    store.upsert_document(d, [triple(d, RUSSIA, "supports", SERBIA)])
    assert store.stats() == Stats(documents=1, entities=2, relations=1, evidence=1)
    assert store.get_entity(INFORMER.id) is None
    assert [r.predicate for r in store.relations_between(RUSSIA.id, SERBIA.id)] == ["supports"]


def test_repeated_evidence_is_stored_once(store: GraphStore) -> None:
    doubled = OLD_TRIPLES + OLD_TRIPLES[:2]  # the same statements twice in one document
    store.upsert_documents([(OLD, doubled), (NEW, NEW_TRIPLES), (OLD, doubled)], batch_size=10)
    store.upsert_documents([(OLD, doubled)])
    ids = [e.id for e in store.iter_evidence()]
    assert len(ids) == len(set(ids)) == 6
    assert store.stats() == Stats(documents=2, entities=7, relations=6, evidence=6)
    assert all(r.evidence_count == 1 for r in store.iter_relations())


def test_invalid_triple_stores_nothing_of_its_document(store: GraphStore) -> None:
    store.upsert_document(NEW, NEW_TRIPLES)
    before, version = store.stats(), store.version()
    bad = [OLD_TRIPLES[0], triple(OLD, RUSSIA, "bribes", INFORMER)]
    with pytest.raises(InputError, match="bribes"):
        store.upsert_document(OLD, bad)
    assert store.stats() == before and store.version() == version
    assert store.get_document(OLD.id) is None and store.get_entity(RUSSIA.id) is None


def test_batch_with_an_invalid_document_keeps_the_valid_ones(store: GraphStore) -> None:
    bad_doc, bad = report("bad", None, [(RUSSIA, "funds", HUNGARY)])
    bad = [bad[0].model_copy(update={"predicate": "bribes"})]
    with pytest.raises(InputError, match="bribes"):
        store.upsert_documents([(OLD, OLD_TRIPLES), (bad_doc, bad), (NEW, NEW_TRIPLES)],
                               batch_size=10)
    assert store.get_document(OLD.id) is not None
    assert len(store.evidence(_rel(store, RUSSIA, "funds", SPUTNIK))) == 1
    assert store.get_document(bad_doc.id) is None and store.get_entity(HUNGARY.id) is None


def test_upsert_documents_in_batches(store: GraphStore) -> None:
    items = [report(f"r{i}", date(2023, 1, 1 + i), [(RUSSIA, "funds", SPUTNIK),
                                                    (SERBIA, "buys", Entity.named(f"jet {i}",
                                                                                  "Asset"))])
             for i in range(7)]
    results = store.upsert_documents(items, batch_size=3)
    assert [r.document_id for r in results] == [d.id for d, _ in items]
    assert all(r.created and r.triples == 2 for r in results)
    assert store.stats() == Stats(documents=7, entities=10, relations=8, evidence=14)
    rel = store.get_relation(_rel(store, RUSSIA, "funds", SPUTNIK))
    assert rel is not None and rel.evidence_count == 7
    assert (rel.first_seen, rel.last_seen) == (date(2023, 1, 1), date(2023, 1, 7))


@pytest.mark.parametrize("change", [{"predicate": "bribes"},
                                    {"subject": Entity.named("Smaug", "Dragon")},
                                    {"object": Entity.named("Mordor", "Realm")}])
def test_unknown_predicate_or_type_is_input_error_store_unchanged(store: GraphStore,
                                                                  change: dict) -> None:
    _load(store)
    before, version = store.stats(), store.version()
    d, triples = report("x", None, [(RUSSIA, "funds", HUNGARY)])
    with pytest.raises(InputError):
        store.upsert_document(d, [triples[0].model_copy(update=change)])
    assert store.stats() == before and store.version() == version
    assert store.get_document(d.id) is None


def test_aliases_accumulate_across_documents(store: GraphStore) -> None:
    store.upsert_document(NEW, NEW_TRIPLES)
    other = Entity(id=VUCIC.id, name="A. Vučić", type="Person", aliases=["Aleksandar Vucic"])
    d, _ = report("later", date(2024, 2, 1), [])
    store.upsert_document(d, [triple(d, other, "leads", SERBIA)])
    vucic = store.get_entity(VUCIC.id)
    assert vucic is not None and vucic.name == "Aleksandar Vučić"
    assert {"Vucic", "A. Vučić", "Aleksandar Vucic"} <= set(vucic.aliases)
    assert [e.id for e in store.find_by_key(name_key("a vucic"))] == [VUCIC.id]


def test_same_entity_from_two_documents_is_one_node(store: GraphStore) -> None:
    _load(store)
    d, triples = report("third", date(2024, 3, 1), [(RUSSIA, "supports", SERBIA)])
    store.upsert_document(d, triples)
    assert store.stats().entities == 7
    assert len([e for e in store.iter_entities() if e.id == RUSSIA.id]) == 1
    assert len(store.relations_of(RUSSIA.id)) == 4


def test_generic_type_is_refined_by_a_specific_one(store: GraphStore) -> None:
    vague = Entity.named("Gazprom Neft", "Organization")
    d1, t1 = report("one", None, [(vague, "owns", NIS)])
    d2, t2 = report("two", None, [(GAZPROM_NEFT, "owns", NIS)])
    store.upsert_document(d1, t1)
    store.upsert_document(d2, t2)
    entity = store.get_entity(GAZPROM_NEFT.id)
    assert entity is not None and entity.type == "Company"
    d3, t3 = report("three", None, [(Entity.named("Gazprom Neft", "Organization"), "owns", NIS)])
    store.upsert_document(d3, t3)
    assert store.get_entity(GAZPROM_NEFT.id).type == "Company"  # type: ignore[union-attr]


def test_external_ids_round_trip_and_merge(store: GraphStore) -> None:
    russia = Entity.named("Russia", "Country", external_ids={"wikidata": "Q159"})
    d1, t1 = report("one", None, [(russia, "supports", SERBIA)])
    store.upsert_document(d1, t1)
    assert store.get_entity(RUSSIA.id).external_ids == {"wikidata": "Q159"}  # type: ignore[union-attr]
    iso = Entity.named("Russia", "Country", external_ids={"iso2": "RU"})
    d2, t2 = report("two", None, [(iso, "threatens", HUNGARY)])
    store.upsert_document(d2, t2)
    assert store.get_entity(RUSSIA.id).external_ids == {  # type: ignore[union-attr]
        "wikidata": "Q159", "iso2": "RU"}


# ---------------------------------------------------------------- search


def test_search_exact_any_case(store: GraphStore) -> None:
    _load(store)
    for query in ("Informer", "INFORMER", "informer", "  informer "):
        hits = store.search_entities(query)
        assert hits and hits[0][0].id == INFORMER.id and hits[0][1] == 100


def test_search_ignores_diacritics(store: GraphStore) -> None:
    d, triples = report("hu", None, [(ORBAN, "leads", HUNGARY)])
    store.upsert_document(d, triples)
    assert store.search_entities("Viktor Orban")[0][0].id == ORBAN.id
    assert store.search_entities("VIKTOR ORBÁN")[0][1] == 100


def test_search_by_alias_and_prefix(store: GraphStore) -> None:
    _load(store)
    assert store.search_entities("Vucic")[0][0].id == VUCIC.id
    assert store.search_entities("Russian Fed")[0][0].id == RUSSIA.id
    hits = store.search_entities("infor")
    assert hits[0][0].id == INFORMER.id and 80 <= hits[0][1] < 100


def test_search_fuzzy_finds_typos(store: GraphStore) -> None:
    _load(store)
    hits = store.search_entities("Rusia")
    assert hits and hits[0][0].id == RUSSIA.id and hits[0][1] < 80
    assert VUCIC.id in [e.id for e, _ in store.search_entities("Aleksander Vucic")]
    assert store.search_entities("Zzyzx Qwerty") == []


def test_search_filters_by_type(store: GraphStore) -> None:
    _load(store)
    hits = store.search_entities("ser", type="Country")
    assert [e.id for e, _ in hits] == [SERBIA.id]
    assert {e.type for e, _ in store.search_entities("sputnik", type="MediaOutlet")} == \
        {"MediaOutlet"}
    assert store.search_entities("sputnik", type="Person") == []


def test_search_orders_best_first_then_by_name(store: GraphStore) -> None:
    _load(store)
    hits = store.search_entities("serbia")
    names = _names(hits)
    assert names[0] == "Serbia" and hits[0][1] == 100
    assert names.index("Serbian government") < names.index("Sputnik Serbia")
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    tied = store.search_entities("sputnik")
    assert _names(tied)[:2] == ["Sputnik International", "Sputnik Serbia"]
    assert tied[0][1] == tied[1][1] == 100
    assert len(store.search_entities("s", limit=2)) <= 2


def test_find_by_key(store: GraphStore) -> None:
    _load(store)
    assert {e.id for e in store.find_by_key("sputnik")} == {SPUTNIK.id, SPUTNIK_INT.id}
    assert [e.id for e in store.find_by_key(name_key("Aleksandar VUCIC"))] == [VUCIC.id]
    assert store.find_by_key("serb") == []


def test_find_by_key_ignores_names_without_a_key(store: GraphStore) -> None:
    shout = Entity.named("!!!", "Organization", aliases=["Shout Collective"])
    store.upsert_document(*report("Punctuation", date(2024, 5, 1), [(shout, "funds", SERBIA)]))
    assert name_key("!!!") == ""
    assert store.find_by_key("!!!") == [] and store.find_by_key("") == []
    assert [e.id for e in store.find_by_key("shout collective")] == [shout.id]


# ---------------------------------------------------------------- relations


def test_relations_of_both_directions_most_evidence_first(store: GraphStore) -> None:
    _load(store)
    d, triples = report("again", date(2024, 5, 1), [(INFORMER, "amplifies", SPUTNIK)])
    store.upsert_document(d, triples)
    rels = store.relations_of(INFORMER.id)
    assert {(r.subject, r.predicate, r.object) for r in rels} == {
        (INFORMER.id, "amplifies", SPUTNIK.id), (RUSSIA.id, "funds", INFORMER.id),
        (GOVERNMENT.id, "controls", INFORMER.id)}
    assert rels[0].predicate == "amplifies" and rels[0].evidence_count == 2
    asserted = store.relations_of(INFORMER.id, include_flagged=False)
    assert len(asserted) == 2 and all(r.status == "asserted" for r in asserted)
    assert len(store.relations_of(INFORMER.id, limit=1)) == 1


def test_relations_between_either_direction(store: GraphStore) -> None:
    _load(store)
    ab = store.relations_between(RUSSIA.id, SPUTNIK.id)
    ba = store.relations_between(SPUTNIK.id, RUSSIA.id)
    assert ab == ba and [r.predicate for r in ab] == ["funds"]
    assert [r.subject for r in store.relations_between(RUSSIA.id, SPUTNIK_INT.id)] == \
        [SPUTNIK_INT.id]


def test_symmetric_predicate_is_one_relation(store: GraphStore) -> None:
    d1, t1 = report("a", date(2023, 1, 1), [(SERBIA, "allied_with", RUSSIA)], confidence=0.5)
    d2, t2 = report("b", date(2024, 1, 1), [(RUSSIA, "allied_with", SERBIA)], confidence=0.5)
    store.upsert_document(d1, t1)
    store.upsert_document(d2, t2)
    [rel] = store.relations_between(SERBIA.id, RUSSIA.id)
    assert rel == store.relations_between(RUSSIA.id, SERBIA.id)[0]
    assert rel.id == relation_id(SERBIA.id, "allied_with", RUSSIA.id, symmetric=True)
    assert rel.evidence_count == 2 and rel.confidence == pytest.approx(0.75)
    assert store.stats().relations == 1


def test_confidence_is_noisy_or_over_documents(store: GraphStore) -> None:
    d1, t1 = report("one", date(2022, 6, 1), [(RUSSIA, "funds", INFORMER)], confidence=0.5)
    d2, t2 = report("two", date(2024, 6, 1), [(RUSSIA, "funds", INFORMER)], confidence=0.6)
    store.upsert_document(d1, t1)
    store.upsert_document(d2, t2)
    rel = store.get_relation(_rel(store, RUSSIA, "funds", INFORMER))
    assert rel is not None and rel.confidence == pytest.approx(0.8)
    assert (rel.first_seen, rel.last_seen, rel.evidence_count) == \
        (date(2022, 6, 1), date(2024, 6, 1), 2)
    best = store.evidence(rel.id)
    assert [e.confidence for e in best] == [0.6, 0.5]
    assert [e.document_title for e in best] == ["two", "one"]


def test_negated_relation_is_flagged_and_not_adjacent(store: GraphStore) -> None:
    _load(store)
    rel = store.get_relation(_rel(store, RUSSIA, "funds", INFORMER))
    assert rel is not None and rel.status == "negated" and rel.confidence == 0
    walked = store.adjacent([RUSSIA.id], RelationFilter())
    assert rel.id not in {r.id for r in walked} and len(walked) == 2
    flagged = store.adjacent([RUSSIA.id], RelationFilter(), include_flagged=True)
    assert rel.id in {r.id for r in flagged}
    assert rel.id not in {r.id for r in store.iter_relations(include_flagged=False)}
    d, t = report("yes", date(2024, 2, 2), [(RUSSIA, "funds", INFORMER)], confidence=0.7)
    store.upsert_document(d, t)
    rel = store.get_relation(rel.id)
    assert rel is not None and rel.status == "asserted" and rel.confidence == pytest.approx(0.7)
    assert [e.status for e in store.evidence(rel.id)] == ["asserted", "negated"]


def test_hypothetical_only_relation_keeps_its_flag(store: GraphStore) -> None:
    d, t = report("maybe", date(2024, 3, 3), [(RUSSIA, "attacks", HUNGARY)], status="hypothetical")
    store.upsert_document(d, t)
    [rel] = store.relations_between(HUNGARY.id, RUSSIA.id)
    assert rel.status == "hypothetical" and rel.confidence == 0 and rel.evidence_count == 1
    assert store.adjacent([RUSSIA.id, HUNGARY.id], RelationFilter()) == []
    assert store.adjacent([RUSSIA.id], RelationFilter(), include_flagged=True) == [rel]
    assert store.relations_of(RUSSIA.id, include_flagged=False) == []


def test_adjacent_filters_by_predicate(store: GraphStore) -> None:
    _load(store)
    flt = RelationFilter(predicates=["amplifies"])
    rels = store.adjacent([SPUTNIK.id, RUSSIA.id], flt)
    assert {(r.subject, r.object) for r in rels} == {(INFORMER.id, SPUTNIK.id),
                                                     (SPUTNIK_INT.id, RUSSIA.id)}
    assert store.adjacent([VUCIC.id], flt) == []
    assert store.adjacent([], RelationFilter()) == []


def test_adjacent_filters_by_dates(store: GraphStore) -> None:
    _load(store)
    ends = [INFORMER.id]
    since = store.adjacent(ends, RelationFilter(since=date(2024, 1, 1)))
    assert [r.predicate for r in since] == ["controls"]
    until = store.adjacent(ends, RelationFilter(until=date(2023, 12, 31)))
    assert [r.predicate for r in until] == ["amplifies"]
    window = RelationFilter(since=date(2023, 3, 1), until=date(2023, 3, 1))
    assert {r.predicate for r in store.adjacent([RUSSIA.id], window)} == {"funds", "amplifies"}


def test_adjacent_min_confidence_order_and_limit(store: GraphStore) -> None:
    d1, t1 = report("weak", None, [(RUSSIA, "supports", SERBIA)], confidence=0.3)
    d2, t2 = report("strong", None, [(RUSSIA, "funds", INFORMER)], confidence=0.95)
    d3, t3 = report("mid", None, [(RUSSIA, "threatens", HUNGARY)], confidence=0.6)
    for d, t in ((d1, t1), (d2, t2), (d3, t3)):
        store.upsert_document(d, t)
    rels = store.adjacent([RUSSIA.id], RelationFilter())
    assert [r.predicate for r in rels] == ["funds", "threatens", "supports"]
    strong = store.adjacent([RUSSIA.id], RelationFilter(min_confidence=0.5))
    assert [r.predicate for r in strong] == ["funds", "threatens"]
    assert [r.predicate for r in store.adjacent([RUSSIA.id], RelationFilter(), limit=1)] == \
        ["funds"]


# ---------------------------------------------------------------- removal, stats, export


def test_remove_document_keeps_what_others_support(store: GraphStore) -> None:
    _load(store)
    d, triples = report("shared", date(2024, 4, 1), [(RUSSIA, "funds", SPUTNIK)])
    store.upsert_document(d, triples)
    assert store.remove_document(OLD.id) is True
    assert store.get_document(OLD.id) is None
    funds = store.get_relation(_rel(store, RUSSIA, "funds", SPUTNIK))
    assert funds is not None and funds.evidence_count == 1 and funds.first_seen == date(2024, 4, 1)
    assert store.relations_between(INFORMER.id, SPUTNIK.id) == []
    assert store.relations_between(RUSSIA.id, INFORMER.id) == []
    assert store.get_entity(SPUTNIK_INT.id) is None
    assert store.get_entity(INFORMER.id) is not None  # still controlled by the government
    assert store.find_by_key("sputnik international") == []
    assert store.stats() == Stats(documents=2, entities=6, relations=3, evidence=3)
    assert all(e.document_id != OLD.id for e in store.iter_evidence())


def test_remove_everything_and_twice(store: GraphStore) -> None:
    _load(store)
    assert store.remove_document(NEW.id) and store.remove_document(OLD.id)
    assert store.stats() == Stats(documents=0, entities=0, relations=0, evidence=0)
    assert store.search_entities("russia") == []
    assert store.remove_document(OLD.id) is False
    assert store.remove_document("no-such-document") is False


def test_stats_count_everything(store: GraphStore) -> None:
    assert store.stats() == Stats(documents=0, entities=0, relations=0, evidence=0)
    _load(store)
    assert store.stats() == Stats(documents=2, entities=7, relations=6, evidence=6)


def test_iterators_yield_everything(store: GraphStore) -> None:
    _load(store)
    entities = list(store.iter_entities())
    assert {e.id for e in entities} == {RUSSIA.id, SERBIA.id, SPUTNIK.id, SPUTNIK_INT.id,
                                        INFORMER.id, GOVERNMENT.id, VUCIC.id}
    assert next(e for e in entities if e.id == VUCIC.id).aliases == ["Vucic"]
    relations = list(store.iter_relations())
    assert len({r.id for r in relations}) == 6
    evidence = list(store.iter_evidence())
    assert len({e.id for e in evidence}) == 6 and {e.relation_id for e in evidence} == \
        {r.id for r in relations}
    assert {e.sentence for e in evidence} == {t.evidence.sentence
                                             for _, ts in SAMPLE for t in ts}
    assert sorted(d.id for d in store.iter_documents()) == sorted([OLD.id, NEW.id])
    assert len(list(store.iter_relations(include_flagged=False))) == 5
    recent = list(store.iter_relations(RelationFilter(since=date(2024, 1, 1))))
    assert {r.predicate for r in recent} == {"controls", "leads"}


def test_iterators_stream_many(store: GraphStore) -> None:
    items = [report(f"bulk {i}", None, [(Entity.named(f"Outlet {i}", "MediaOutlet"),
                                         "amplifies", RUSSIA)]) for i in range(1200)]
    store.upsert_documents(items, batch_size=200)
    assert sum(1 for _ in store.iter_entities()) == 1201
    assert sum(1 for _ in store.iter_relations()) == 1200
    assert sum(1 for _ in store.iter_evidence()) == 1200
    assert sum(1 for _ in store.iter_documents()) == 1200


# ---------------------------------------------------------------- snapshots, version


def test_snapshots_are_immutable_and_listed_newest_first(store: GraphStore) -> None:
    first = Snapshot(id="snap1", created="2024-01-01T10:00:00+00:00", title="Russia → Serbia",
                     payload={"entities": [RUSSIA.model_dump()], "note": "<b>x</b>"})
    second = Snapshot(id="snap2", created="2024-02-01T10:00:00+00:00", title="later",
                      payload={"entities": []})
    store.put_snapshot(first)
    store.put_snapshot(second)
    store.put_snapshot(first.model_copy(update={"title": "changed", "payload": {}}))
    assert store.get_snapshot("snap1") == first
    assert store.get_snapshot("nope") is None
    assert [s.id for s in store.list_snapshots()] == ["snap2", "snap1"]
    assert store.list_snapshots(limit=1) == [second]


def test_version_changes_on_every_write(store: GraphStore) -> None:
    seen = [store.version()]
    store.upsert_document(OLD, OLD_TRIPLES)
    seen.append(store.version())
    store.stats()
    store.search_entities("russia")
    assert store.version() == seen[-1]
    store.upsert_document(NEW, NEW_TRIPLES)
    seen.append(store.version())
    store.remove_document(NEW.id)
    seen.append(store.version())
    assert len(set(seen)) == 4


# ---------------------------------------------------------------- hostile and unicode names


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=lambda n: repr(n[:24]))
def test_hostile_names_are_stored_literally(store: GraphStore, raw: str) -> None:
    _load(store)
    hostile = Entity.named(raw, "Organization", aliases=[raw[:50] + " alias"])
    d, triples = report("hostile", date(2024, 1, 1), [(hostile, "funds", INFORMER)])
    store.upsert_document(d, triples)
    found = store.get_entity(hostile.id)
    assert found is not None and found.name == clean_name(raw)
    assert clean_name(raw[:50] + " alias") in found.aliases
    assert store.stats() == Stats(documents=3, entities=8, relations=7, evidence=7)
    assert hostile.id in {e.id for e in store.find_by_key(name_key(raw))}
    assert store.search_entities(raw[:60])[0][0].id == hostile.id
    [rel] = store.relations_between(hostile.id, INFORMER.id)
    assert store.evidence(rel.id)[0].sentence == triples[0].evidence.sentence
    assert store.remove_document(d.id) and store.get_entity(hostile.id) is None


def test_hostile_sentence_title_and_attribution_stored_literally(store: GraphStore) -> None:
    sentence = "'); MATCH (n) DETACH DELETE n // <script>alert(1)</script> \u202e\x00 \"q\""
    d, _ = report("<img src=x onerror=alert(1)> '; DROP TABLE documents; --", None, [])
    t = triple(d, RUSSIA, "funds", INFORMER, sentence, attribution="} RETURN 1 //")
    store.upsert_document(d, [t])
    [ev] = list(store.iter_evidence())
    assert ev.sentence == sentence and ev.attribution == "} RETURN 1 //"
    assert store.get_document(d.id) == d and ev.document_title == d.title


@pytest.mark.parametrize("name,type_", UNICODE_NAMES)
def test_unicode_names_round_trip(store: GraphStore, name: str, type_: str) -> None:
    entity = Entity.named(name, type_)
    d, triples = report(f"about {name}", date(2024, 1, 1), [(entity, "influences", SERBIA)])
    store.upsert_document(d, triples)
    assert store.get_entity(entity.id) == entity
    hits = store.search_entities(name)
    assert hits and hits[0][0].id == entity.id and hits[0][1] == 100
    assert store.get_document(d.id).title == f"about {name}"  # type: ignore[union-attr]


def test_best_evidence_of_many_relations_in_one_read(store: GraphStore) -> None:
    _load(store)
    ids = [r.id for r in store.iter_relations()]
    assert len(ids) >= 3
    best = store.best_evidence(ids + ["no-such-relation"])
    assert set(best) == set(ids)
    for rid in ids:
        assert best[rid] == store.evidence(rid, limit=1)[0]
    assert store.best_evidence([]) == {}


def test_get_relations_in_one_read(store: GraphStore) -> None:
    _load(store)
    ids = [r.id for r in store.iter_relations()]
    asked = list(reversed(ids)) + ["no-such-relation", ids[0]]
    got = store.get_relations(asked)
    assert [r.id for r in got] == list(reversed(ids))
    assert got == [store.get_relation(i) for i in reversed(ids)]
    assert store.get_relations([]) == []


def _edges_expected(store: GraphStore, ids: list[str], flt: RelationFilter,
                    as_subject: list[str] | None, as_object: list[str] | None,
                    among: list[str] | None, limit: int) -> list[tuple]:
    """What adjacent_edges must return, computed from every stored relation."""
    rows = []
    for r in store.iter_relations(flt, include_flagged=False):
        out = r.subject in ids and (as_subject is None or r.predicate in as_subject) and (
            among is None or r.object in among)
        into = r.object in ids and (as_object is None or r.predicate in as_object) and (
            among is None or r.subject in among)
        if out or into:
            rows.append((r.id, r.subject, r.predicate, r.object, r.confidence))
    rows.sort(key=lambda e: (-e[4], e[0]))
    return rows[:limit]


def test_adjacent_edges_by_side_predicates_and_far_end(store: GraphStore) -> None:
    _load(store)
    d, t = report("weak and denied", date(2024, 5, 1),
                  [(RUSSIA, "supports", SERBIA), (SERBIA, "funds", INFORMER)], confidence=0.4)
    store.upsert_document(d, t)
    d, t = report("denied", date(2024, 5, 2), [(RUSSIA, "owns", NIS)], status="negated")
    store.upsert_document(d, t)
    everyone = [e.id for e in store.iter_entities()]
    predicates = sorted({r.predicate for r in store.iter_relations()})
    cases = [
        ([RUSSIA.id], RelationFilter(), None, None, None, 100),
        ([RUSSIA.id, SERBIA.id], RelationFilter(), predicates[:2], predicates[1:], None, 100),
        ([RUSSIA.id, SERBIA.id, SPUTNIK.id], RelationFilter(min_confidence=0.5), predicates,
         [], None, 100),
        (everyone, RelationFilter(), None, None, [SERBIA.id, INFORMER.id], 100),
        (everyone, RelationFilter(predicates=predicates[:3]), predicates, predicates,
         None, 3),
        ([SERBIA.id], RelationFilter(since=date(2024, 1, 1)), None, None, everyone, 100),
    ]
    for ids, flt, subj, obj, among, limit in cases:
        want = _edges_expected(store, ids, flt, subj, obj, among, limit)
        got = store.adjacent_edges(ids, flt, subj, obj, among, limit)
        assert [tuple(e) for e in got] == want, (ids, flt, subj, obj, among, limit)
    assert store.adjacent_edges([RUSSIA.id], RelationFilter())  # not vacuous
    assert all(e[2] != "owns" or e[3] != NIS.id
               for e in store.adjacent_edges([RUSSIA.id], RelationFilter()))
    assert store.adjacent_edges([], RelationFilter()) == []
    assert store.adjacent_edges([RUSSIA.id], RelationFilter(), among=[]) == []


@pytest.mark.parametrize("where", ["title", "name", "alias", "sentence"])
def test_text_that_is_not_unicode_is_rejected_before_anything_is_written(
        store: GraphStore, where: str) -> None:
    """A lone surrogate (JSON lets ``\\ud800`` through) in a document's title, an entity's
    name or alias, or an evidence sentence: InputError naming it, nothing of that document
    written, the other documents of the batch stored."""
    from tests.samples import doc

    bad_doc = doc("text of a document with a surrogate",
                  "Bro\ud800ken title" if where == "title" else "surrogate")
    broken = (Entity.named("Bro\ud800ken", "Organization") if where == "name" else
              Entity.named("Broken", "Organization", aliases=["B\ud800"]) if where == "alias"
              else Entity.named("Broken", "Organization"))
    sentence = "Broken funds \ud800 Informer." if where == "sentence" else None
    bad = [triple(bad_doc, broken, "funds", INFORMER, sentence)]
    with pytest.raises(InputError, match="not valid Unicode"):
        store.upsert_document(bad_doc, bad)
    assert store.stats() == Stats(documents=0, entities=0, relations=0, evidence=0)
    with pytest.raises(InputError, match="surrogate.*not valid Unicode|not valid Unicode"):
        store.upsert_documents([(OLD, OLD_TRIPLES), (bad_doc, bad), (NEW, NEW_TRIPLES)])
    assert store.stats() == Stats(documents=2, entities=7, relations=6, evidence=6)
    assert store.get_document(bad_doc.id) is None


def test_a_relation_of_an_entity_with_itself_is_refused(store: GraphStore) -> None:
    d, triples = report("Loop", date(2024, 5, 1), [(RUSSIA, "funds", RUSSIA)])
    with pytest.raises(InputError, match="'Russia' funds itself"):
        store.upsert_document(d, triples)
    assert store.stats() == Stats(documents=0, entities=0, relations=0, evidence=0)


def test_documents_are_found_by_origin_which_a_write_without_one_keeps(
        store: GraphStore) -> None:
    first = OLD.model_copy(update={"origin": "https://example.org/story"})
    second = NEW.model_copy(update={"origin": "https://example.org/story"})
    store.upsert_document(first, OLD_TRIPLES)
    store.upsert_document(second, NEW_TRIPLES)
    assert store.document_ids_from("https://example.org/story") == sorted([OLD.id, NEW.id])
    assert store.document_ids_from("file:other") == []
    store.upsert_documents([(OLD, OLD_TRIPLES)])  # no origin given: the stored one stays
    found = store.get_document(OLD.id)
    assert found is not None and found.origin == "https://example.org/story"
    store.remove_document(NEW.id)
    assert store.document_ids_from("https://example.org/story") == [OLD.id]
