"""The entity-merge rule (graph.aggregate.merge_entity) and both stores applying it alike."""
from __future__ import annotations

from graph.aggregate import EntityState, entity_state, merge_entity, merged_entity
from graph.model import Entity
from graph.store import GraphStore
from tests.samples import NIS, SERBIA, report

ORG = Entity(id="gn", name="  Gazprom\u200f Neft ", type="Organization", aliases=["GPN", " "],
             external_ids={"wikidata": "Q1"})
COMPANY = Entity(id="gn", name="Gazprom Neft PJSC", type="Company", aliases=["Газпром нефть"],
                 external_ids={"wikidata": "Q2", "ogrn": "1"})


def test_first_name_wins_aliases_unite_earlier_ids_win_type_refines() -> None:
    state = merge_entity(merge_entity(None, ORG), COMPANY)
    assert state == EntityState("Gazprom Neft", "Company",
                                frozenset({"GPN", "Gazprom Neft PJSC", "Газпром нефть"}),
                                {"wikidata": "Q1", "ogrn": "1"})
    assert merge_entity(state, ORG).type == "Company"  # never back to the generic type


def test_a_stored_entity_round_trips_through_its_state() -> None:
    stored = Entity(id="gn", name="Gazprom Neft", type="Company", aliases=["GPN", "Z"],
                    external_ids={"wikidata": "Q1"})
    assert merged_entity("gn", entity_state(stored)) == stored
    assert merged_entity("gn", merge_entity(entity_state(stored), ORG)) == stored


def test_copies_merge_alike_in_one_document_and_across_documents(store: GraphStore) -> None:
    d1, t1 = report("one", None, [(ORG, "owns", NIS), (COMPANY, "supports", SERBIA)])
    store.upsert_document(d1, t1)
    got = store.get_entity("gn")
    assert got == Entity(id="gn", name="Gazprom Neft", type="Company",
                         aliases=sorted(["GPN", "Gazprom Neft PJSC", "Газпром нефть"]),
                         external_ids={"wikidata": "Q1", "ogrn": "1"})
    later = Entity(id="gn", name="GN", type="Organization", aliases=["GPN"],
                   external_ids={"ogrn": "9", "inn": "5"})
    d2, t2 = report("two", None, [(later, "owns", NIS)])
    store.upsert_documents([(d2, t2)])
    got = store.get_entity("gn")
    assert got is not None and got.name == "Gazprom Neft" and got.type == "Company"
    assert got.aliases == sorted(["GN", "GPN", "Gazprom Neft PJSC", "Газпром нефть"])
    assert got.external_ids == {"wikidata": "Q1", "ogrn": "1", "inn": "5"}


def test_placed_is_the_relation_id_and_the_stored_ends_at_once() -> None:
    """``placed`` (what the writers use) agrees with ``triple_relation_id`` and ``oriented``,
    and the evidence id of a document given explicitly is the id of a copy in it."""
    from graph.aggregate import oriented, placed, triple_relation_id
    from graph.model import Evidence, Triple

    ev = Evidence(document_id="d1", sentence="Serbia and NIS meet.", start=0, end=20)
    for predicate in ("owns", "meets_with"):  # meets_with is symmetric
        for a, b in ((SERBIA, NIS), (NIS, SERBIA)):
            t = Triple(subject=a, predicate=predicate, object=b, evidence=ev)
            assert placed(t) == (triple_relation_id(t), *oriented(t))
    sym = [placed(Triple(subject=a, predicate="meets_with", object=b, evidence=ev))
           for a, b in ((SERBIA, NIS), (NIS, SERBIA))]
    assert sym[0] == sym[1]
    copy = ev.model_copy(update={"document_id": "d2"})
    assert ev.evidence_id("r", "d2") == copy.evidence_id("r") != ev.evidence_id("r")
