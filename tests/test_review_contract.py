"""The editorial layer of the GraphStore contract: judgements, their undo, and how they hold
through ingest. The same assertions on every backend (SQLite file and Neo4j)."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.errors import InputError, NotFound
from graph.judgements import Judgement, JudgementRequest
from graph.model import Entity, RelationFilter, Triple
from graph.store import GraphStore
from tests.samples import (
    GOVERNMENT,
    INFORMER,
    NEW,
    NEW_TRIPLES,
    OLD,
    OLD_TRIPLES,
    RUSSIA,
    SAMPLE,
    SERBIA,
    SPUTNIK,
    SPUTNIK_INT,
    VUCIC,
    report,
)

EDITOR = "editor@example.org"
# a later report that names the merged-away outlet again, and re-states a relation
LATER = report("later-report", date(2024, 6, 1),
               [(SPUTNIK_INT, "amplifies", SERBIA), (INFORMER, "amplifies", SPUTNIK)])


def _judge(store: GraphStore, kind: str, entities: list[str] | None = None,
           relations: list[str] | None = None, note: str | None = None,
           **params: Any) -> Judgement:
    return store.judge(JudgementRequest(kind=kind, author=EDITOR,  # type: ignore[arg-type]
                                        note=note, entities=entities or [],
                                        relations=relations or [], params=params))


def _rel(store: GraphStore, s: Entity, p: str, o: Entity) -> str:
    [rel] = [r for r in store.relations_between(s.id, o.id) if r.predicate == p]
    return rel.id


def _state(store: GraphStore) -> dict[str, Any]:
    """Everything a judgement may change, comparable with ==."""
    evidence: dict[str, list[str]] = {}
    for ev in store.iter_evidence():
        evidence.setdefault(ev.relation_id, []).append(ev.id)
    return {
        "entities": {e.id: (e.name, e.type, sorted(e.aliases)) for e in store.iter_entities()},
        "relations": {r.id: (r.subject, r.predicate, r.object, r.status, r.review,
                             r.evidence_count, round(r.confidence, 6), r.first_seen)
                      for r in store.iter_relations()},
        "evidence": {k: sorted(v) for k, v in evidence.items()},
        "documents": sorted(d.id for d in store.iter_documents()),
    }


def _load(store: GraphStore, *docs: tuple[Any, list[Triple]]) -> None:
    for d, triples in docs:
        store.upsert_document(d, triples)


def _reloaded(store: GraphStore, *docs: tuple[Any, list[Triple]]) -> dict[str, Any]:
    """Return the state of the store's documents ingested again from nothing."""
    for d in list(store.iter_documents()):
        store.remove_document(d.id)
    assert store.stats().entities == 0
    _load(store, *docs)
    return _state(store)


def test_scripted_scenario_ingest_merge_reject_add_reingest_undo(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    evidence_before = store.stats().evidence

    merge = _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id], note="one outlet")
    assert (merge.kind, merge.author, merge.note) == ("merge", EDITOR, "one outlet")
    assert store.get_entity(SPUTNIK_INT.id) is None
    survivor = store.get_entity(SPUTNIK.id)
    assert survivor is not None and "Sputnik International" in survivor.aliases
    assert _rel(store, SPUTNIK, "amplifies", RUSSIA)
    assert store.stats().evidence == evidence_before

    amplifies = _rel(store, INFORMER, "amplifies", SPUTNIK)
    _judge(store, "reject", relations=[amplifies], reason="misread sentence")
    rejected = store.get_relation(amplifies)
    assert rejected is not None and (rejected.status, rejected.review) == ("rejected", "rejected")
    walked = {r.id for r in store.adjacent([INFORMER.id], RelationFilter())}
    assert amplifies not in walked
    assert amplifies in {r.id for r in store.adjacent([INFORMER.id], RelationFilter(),
                                                      include_flagged=True)}
    assert amplifies not in {r.id for r in store.iter_relations(include_flagged=False)}
    assert amplifies not in {e[0] for e in store.adjacent_edges([INFORMER.id],
                                                                RelationFilter())}

    added = _judge(store, "add", [GOVERNMENT.id, SPUTNIK.id], predicate="funds",
                   source="https://example.org/budget", quote="The government funds Sputnik.",
                   date="2024-02-01")
    [funds] = added.relations
    rel = store.get_relation(funds)
    assert rel is not None and (rel.subject, rel.predicate, rel.object) == (
        GOVERNMENT.id, "funds", SPUTNIK.id)
    [ev] = store.evidence(funds)
    assert (ev.sentence, ev.extractor, ev.document_url, ev.date) == (
        "The government funds Sputnik.", "editor", "https://example.org/budget",
        date(2024, 2, 1))

    # re-ingest the same documents and a later one naming the merged-away outlet
    _load(store, *SAMPLE, LATER)
    assert store.get_entity(SPUTNIK_INT.id) is None
    assert _rel(store, SPUTNIK, "amplifies", SERBIA)
    again = store.get_relation(amplifies)
    assert again is not None and again.status == "rejected" and again.evidence_count == 2
    assert store.get_relation(funds) is not None

    # undo everything, newest first: the graph is as if nothing had been judged
    for j in store.judgements():
        if j.kind != "undo" and j.active:
            _judge(store, "undo", target=j.id)
    restored = store.get_entity(SPUTNIK_INT.id)
    assert restored == SPUTNIK_INT.model_copy(update={"aliases": ["Sputnik"]})
    assert _rel(store, SPUTNIK_INT, "amplifies", SERBIA)
    assert _rel(store, SPUTNIK_INT, "amplifies", RUSSIA)
    assert "Sputnik International" not in (store.get_entity(SPUTNIK.id) or SPUTNIK).aliases
    assert store.get_relation(funds) is None
    final = _state(store)
    assert final == _reloaded(store, *SAMPLE, LATER)


def test_undone_merge_restores_both_entities_with_their_own_edges(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    before = _state(store)
    merge = _judge(store, "merge", [RUSSIA.id, SERBIA.id], name="Russia and Serbia")
    assert (store.get_entity(RUSSIA.id) or RUSSIA).name == "Russia and Serbia"
    assert store.get_entity(SERBIA.id) is None
    assert _rel(store, VUCIC, "leads", RUSSIA)
    undo = _judge(store, "undo", target=merge.id)
    assert undo.kind == "undo" and undo.params["target"] == merge.id
    assert _state(store) == before
    logged = store.get_judgement(merge.id)
    assert logged is not None and logged.undone_by == undo.id and not logged.active


def test_split_restores_the_originals_and_its_undo_merges_again(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    before = _state(store)
    _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id])
    merged = _state(store)
    split = _judge(store, "split", [SPUTNIK.id])
    assert split.kind == "split" and _state(store) == before
    _judge(store, "undo", target=split.id)
    assert _state(store) == merged
    with pytest.raises(InputError, match="not the result of a merge"):
        _judge(store, "split", [INFORMER.id])


def test_merging_a_relation_between_the_two_keeps_it_out_of_walks(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    before = _state(store)
    merge = _judge(store, "merge", [INFORMER.id, SPUTNIK.id])
    loops = [r for r in store.relations_of(INFORMER.id) if r.subject == r.object]
    assert loops and all(r.status == "merged" for r in loops)
    assert not [e for e in store.adjacent_edges([INFORMER.id], RelationFilter())
                if e[1] == e[3]]
    _judge(store, "undo", target=merge.id)
    assert _state(store) == before


def test_distinct_entities_are_not_merged_until_the_judgement_is_undone(
        store: GraphStore) -> None:
    _load(store, *SAMPLE)
    distinct = _judge(store, "distinct", [SPUTNIK.id, SPUTNIK_INT.id])
    assert store.overrides().distinct == {frozenset((SPUTNIK.id, SPUTNIK_INT.id))}
    with pytest.raises(InputError, match="distinct"):
        _judge(store, "merge", [SPUTNIK_INT.id, SPUTNIK.id])
    assert store.get_entity(SPUTNIK_INT.id) is not None
    _judge(store, "undo", target=distinct.id)
    _judge(store, "merge", [SPUTNIK_INT.id, SPUTNIK.id])
    assert store.get_entity(SPUTNIK.id) is None


def test_rename_retype_and_aliases_hold_through_reingest(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    before = _state(store)
    rename = _judge(store, "rename", [GOVERNMENT.id], name="Government of Serbia")
    retype = _judge(store, "retype", [INFORMER.id], type="Company")
    add = _judge(store, "alias-add", [RUSSIA.id], alias="Moscow")
    remove = _judge(store, "alias-remove", [RUSSIA.id], alias="Russian Federation")
    _load(store, *SAMPLE)
    # a new document naming the government by its new name lands on the same entity
    _load(store, report("government", date(2024, 3, 1),
                        [(Entity.named("Government of Serbia", "GovernmentBody"), "controls",
                          SPUTNIK)]))
    government = store.get_entity(GOVERNMENT.id)
    assert government is not None and government.name == "Government of Serbia"
    assert "Serbian government" in government.aliases
    assert _rel(store, GOVERNMENT, "controls", SPUTNIK)
    assert (store.get_entity(INFORMER.id) or INFORMER).type == "Company"
    russia = store.get_entity(RUSSIA.id)
    assert russia is not None and "Moscow" in russia.aliases
    assert "Russian Federation" not in russia.aliases
    for j in (remove, add, retype, rename):
        _judge(store, "undo", target=j.id)
    for d in store.iter_documents():
        if d.title == "government":
            store.remove_document(d.id)
    assert _state(store) == before


def test_change_predicate_or_direction_moves_the_evidence_and_undo_moves_it_back(
        store: GraphStore) -> None:
    _load(store, *SAMPLE)
    before = _state(store)
    controls = _rel(store, GOVERNMENT, "controls", INFORMER)
    change = _judge(store, "change", relations=[controls], predicate="funds", reverse=True)
    assert store.get_relation(controls) is None
    moved = store.get_relation(change.params["result"])
    assert moved is not None and (moved.subject, moved.predicate, moved.object) == (
        INFORMER.id, "funds", GOVERNMENT.id)
    _load(store, *SAMPLE)  # found again: stays changed
    assert store.get_relation(controls) is None and moved.evidence_count == 1
    _judge(store, "undo", target=change.id)
    assert _state(store) == before


def test_confirm_marks_the_relation_and_undo_clears_it(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    leads = _rel(store, VUCIC, "leads", SERBIA)
    confirm = _judge(store, "confirm", relations=[leads])
    rel = store.get_relation(leads)
    assert rel is not None and (rel.review, rel.status) == ("confirmed", "asserted")
    _load(store, *SAMPLE)
    assert (store.get_relation(leads) or rel).review == "confirmed"
    _judge(store, "undo", target=confirm.id)
    assert (store.get_relation(leads) or rel).review == "unreviewed"


def test_log_lists_every_judgement_newest_first(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    first = _judge(store, "distinct", [RUSSIA.id, SERBIA.id])
    second = _judge(store, "retype", [INFORMER.id], type="Company", note="a company")
    undo = _judge(store, "undo", target=first.id)
    log = store.judgements()
    assert [j.id for j in log] == [undo.id, second.id, first.id]
    assert all(j.author == EDITOR and j.at for j in log)
    assert [j.id for j in store.iter_judgements()] == [first.id, second.id, undo.id]
    assert store.get_judgement("j-nope") is None


BAD = [
    ("merge", [RUSSIA.id, "no-such-entity"], [], {}, NotFound, "no-such-entity"),
    ("merge", [RUSSIA.id, RUSSIA.id], [], {}, InputError, "with itself"),
    ("merge", [RUSSIA.id], [], {}, InputError, "two or more"),
    ("merge", [RUSSIA.id, SERBIA.id], [], {"type": "Planet"}, InputError, "unknown type"),
    ("rename", [RUSSIA.id], [], {"name": "Serbia"}, InputError, "merge them instead"),
    ("retype", [RUSSIA.id], [], {"type": "Country"}, InputError, "already"),
    ("alias-remove", [RUSSIA.id], [], {"alias": "Russia"}, InputError, "rename"),
    ("reject", [], ["no-such-relation"], {"reason": "x"}, NotFound, "no-such-relation"),
    ("add", [RUSSIA.id, SERBIA.id], [], {"predicate": "adores", "source": "https://x.org",
                                         "quote": "q"}, InputError, "unknown predicate"),
    ("add", [RUSSIA.id, SERBIA.id], [], {"predicate": "funds", "quote": "q"}, InputError,
     "source"),
    ("add", [RUSSIA.id, SERBIA.id], [], {"predicate": "funds", "source": "not a url",
                                         "quote": "q"}, InputError, "neither a URL"),
    ("undo", [], [], {"target": "j-unknown"}, NotFound, "j-unknown"),
]


@pytest.mark.parametrize("kind,entities,relations,params,error,message", BAD)
def test_bad_judgements_fail_clearly_and_change_nothing(
        store: GraphStore, kind: str, entities: list[str], relations: list[str],
        params: dict[str, Any], error: type[Exception], message: str) -> None:
    _load(store, *SAMPLE)
    before, version = _state(store), store.version()
    with pytest.raises(error, match=message):
        _judge(store, kind, entities, relations, **params)
    assert _state(store) == before and store.version() == version
    assert store.judgements() == []


def test_reject_needs_a_reason_and_undo_twice_fails(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    leads = _rel(store, VUCIC, "leads", SERBIA)
    with pytest.raises(InputError, match="reason"):
        _judge(store, "reject", relations=[leads])
    reject = _judge(store, "reject", relations=[leads], reason="wrong")
    undo = _judge(store, "undo", target=reject.id)
    before = _state(store)
    with pytest.raises(InputError, match="already undone"):
        _judge(store, "undo", target=reject.id)
    with pytest.raises(InputError, match="is an undo"):
        _judge(store, "undo", target=undo.id)
    assert _state(store) == before and len(store.judgements()) == 2


def test_a_failing_merge_mid_way_leaves_nothing_half_applied(
        store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph import review

    _load(store, *SAMPLE)
    before, version = _state(store), store.version()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise InputError("failed on purpose after the survivor was written")

    monkeypatch.setattr(review, "_replace", broken)
    with pytest.raises(InputError, match="on purpose"):
        _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id], name="Sputnik")
    assert _state(store) == before and store.version() == version
    assert store.judgements() == []


def test_new_documents_after_a_merge_land_on_the_survivor(store: GraphStore) -> None:
    _load(store, (OLD, OLD_TRIPLES))
    _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id])
    _load(store, LATER, (NEW, NEW_TRIPLES))
    assert store.get_entity(SPUTNIK_INT.id) is None
    assert {r.object for r in store.relations_of(SPUTNIK.id)
            if r.predicate == "amplifies" and r.subject == SPUTNIK.id} == {RUSSIA.id, SERBIA.id}


def test_a_merge_keeps_the_review_of_relations_it_moves(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    amplifies = _rel(store, SPUTNIK_INT, "amplifies", RUSSIA)
    _judge(store, "reject", relations=[amplifies], reason="not an outlet of Russia")
    before = _state(store)
    merge = _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id])
    moved = store.get_relation(_rel(store, SPUTNIK, "amplifies", RUSSIA))
    assert moved is not None and (moved.review, moved.status) == ("rejected", "rejected")
    _judge(store, "undo", target=merge.id)
    assert _state(store) == before


def test_a_changed_relation_keeps_its_confirmation(store: GraphStore) -> None:
    _load(store, *SAMPLE)
    controls = _rel(store, GOVERNMENT, "controls", INFORMER)
    _judge(store, "confirm", relations=[controls])
    change = _judge(store, "change", relations=[controls], predicate="funds")
    moved = store.get_relation(change.params["result"])
    assert moved is not None and moved.review == "confirmed"


def test_a_write_prepared_before_a_judgement_follows_the_judgement(
        store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(store, *SAMPLE)
    stale = store.overrides()
    _judge(store, "merge", [SPUTNIK.id, SPUTNIK_INT.id])
    current = store.overrides
    calls: list[int] = []

    def first_stale() -> Any:  # a write that read the overrides before the merge
        calls.append(1)
        return stale if len(calls) == 1 else current()

    monkeypatch.setattr(store, "overrides", first_stale)
    _load(store, LATER)
    assert store.get_entity(SPUTNIK_INT.id) is None
    assert _rel(store, SPUTNIK, "amplifies", SERBIA)
