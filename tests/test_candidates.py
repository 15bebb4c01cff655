"""Duplicate candidates: split entities such as "U.S." / "United States" and
"U.S. Treasury" / "Treasury" come first, each with its reasons; distinct pairs never."""
from __future__ import annotations

from datetime import date

from graph.candidates import acronym, compact, duplicate_candidates
from graph.judgements import JudgementRequest
from graph.model import Entity
from graph.store import GraphStore
from tests.samples import SAMPLE, report

US = Entity.named("U.S.", "Country")
UNITED_STATES = Entity.named("United States", "Country")
US_TREASURY = Entity.named("U.S. Treasury", "GovernmentBody")
TREASURY = Entity.named("Treasury", "GovernmentBody")
RUSSIA = Entity.named("Russia", "Country")
STATES = Entity.named("Gulf States", "Organization")
OFAC = Entity.named("OFAC", "GovernmentBody")
FOREIGN = Entity.named("Office of Foreign Assets Control", "GovernmentBody")


def _load(store: GraphStore) -> None:
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    store.upsert_document(*report("sanctions", date(2024, 1, 1), [
        (US, "sanctions", RUSSIA), (UNITED_STATES, "supports", STATES),
        (US_TREASURY, "sanctions", RUSSIA), (TREASURY, "sanctions", STATES),
        (OFAC, "sanctions", RUSSIA), (FOREIGN, "sanctions", STATES)]))


def test_acronyms_and_compact_forms() -> None:
    assert acronym("Office of Foreign Assets Control") == "ofac"
    assert acronym("United States") == "us" and acronym("Treasury") == ""
    assert compact("U.S.") == "us"


def test_split_entities_come_first_with_reasons(store: GraphStore) -> None:
    _load(store)
    found = duplicate_candidates(store, limit=10)
    pairs = [{c.a.id, c.b.id} for c in found]
    expected = [{US.id, UNITED_STATES.id}, {US_TREASURY.id, TREASURY.id},
                {OFAC.id, FOREIGN.id}]
    assert all(p in pairs[:4] for p in expected), [(c.a.name, c.b.name) for c in found]
    by_pair = {frozenset((c.a.id, c.b.id)): c for c in found}
    assert any("acronym" in r for r in by_pair[frozenset((US.id, UNITED_STATES.id))].reasons)
    assert any("contains" in r
               for r in by_pair[frozenset((US_TREASURY.id, TREASURY.id))].reasons)
    assert {RUSSIA.id, STATES.id} not in pairs


def test_distinct_pairs_are_left_out(store: GraphStore) -> None:
    _load(store)
    store.judge(JudgementRequest(kind="distinct", author="t", entities=[US.id, UNITED_STATES.id]))
    pairs = [{c.a.id, c.b.id} for c in duplicate_candidates(store, limit=50)]
    assert {US.id, UNITED_STATES.id} not in pairs and {US_TREASURY.id, TREASURY.id} in pairs
    only = duplicate_candidates(store, entity_ids=[TREASURY.id])
    assert only and all(TREASURY.id in (c.a.id, c.b.id) for c in only)
