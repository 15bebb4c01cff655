"""Extraction, issue 18 items 1 and 2: whole names and document-level coreference.

Every sentence here is of our own wording about invented actors; each class has a
positive case and a negative one (no resolution beats a wrong one).
"""
from __future__ import annotations

from typing import Any

import pytest

from graph.model import Entity
from loaders.extract import extract_source, load_nlp
from loaders.source import SourceDocument
from loaders.mentions import MentionIndex
from ontology import get_ontology

Fact = tuple[str, str, str]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def asserted(nlp: Any, text: str) -> set[Fact]:
    """Return (subject, predicate, object) names of the asserted triples of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name) for t in triples
            if t.evidence.status == "asserted"}


def entities(nlp: Any, text: str) -> dict[str, Entity]:
    """Return the entities of the triples of ``text`` by name."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {e.name: e for t in triples for e in (t.subject, t.object)}


# ---------------------------------------------------------------- names


def test_full_names_differing_by_a_middle_name_are_one_person(nlp: Any) -> None:
    text = ("Canada sanctioned Petar Ivanov Kostadinov on Monday. Petar Kostadinov denied "
            "wrongdoing. Kostadinov owns Zorvan Holdings.")
    found = asserted(nlp, text)
    assert ("Petar Ivanov Kostadinov", "owns", "Zorvan Holdings") in found
    assert not any("Petar Kostadinov" in (s, o) for s, _, o in found)


def test_a_surname_two_full_names_share_stays_unresolved(nlp: Any) -> None:
    text = ("Canada sanctioned Petar Ivanov Kostadinov and Petar Georgiev Kostadinov. "
            "Kostadinov owns Zorvan Holdings.")
    assert not any(p == "owns" for _, p, _ in asserted(nlp, text))


def test_counted_units_of_goods_stand_for_the_goods(nlp: Any) -> None:
    found = asserted(nlp, "Zorvan Holdings bought more than two million barrels of crude oil from "
                          "Kardan Trading in 2023.")
    assert ("Zorvan Holdings", "buys", "crude oil") in found
    assert ("Kardan Trading", "supplies", "Zorvan Holdings") in found
    assert not any(o == "barrels" for _, _, o in found)


def test_a_named_seller_is_the_supplier_not_the_goods_origin(nlp: Any) -> None:
    found = asserted(nlp, "Zorvan Holdings bought Iranian crude oil from Kardan Trading.")
    assert ("Kardan Trading", "supplies", "Zorvan Holdings") in found
    assert not any(s == "Iran" and p == "supplies" for s, p, _ in found)


def test_a_lowercase_phrase_is_no_gazetteer_body(nlp: Any) -> None:
    found = asserted(nlp, "Marko Petrovic was elected chairman of the political council of "
                          "the Elbonian Workers Union.")
    assert not any("Council of the European Union" in (s, o) for s, _, o in found)


@pytest.mark.parametrize("text, expected", [
    ("Ivan Petrov chairs the political party For Life.", ("Ivan Petrov", "leads", "For Life")),
    ("Marko Petrovic funds the Elbonian People's Party.",
     ("Marko Petrovic", "funds", "Elbonian People's Party")),
    ("Kardan Media supports the Freedom and Justice Party.",
     ("Kardan Media", "supports", "Freedom and Justice Party")),
    ("The Autonomous Region of Western Tarsia funds the Tarsian Cultural Association.",
     ("Autonomous Region of Western Tarsia", "funds", "Tarsian Cultural Association")),
])
def test_names_with_prepositions_conjunctions_and_possessives_stay_whole(
        nlp: Any, text: str, expected: Fact) -> None:
    assert expected in asserted(nlp, text)


def test_two_names_joined_by_and_stay_two(nlp: Any) -> None:
    found = asserted(nlp, "Canada sanctioned Zorvan Holdings and Kardan Media.")
    assert {("Canada", "sanctions", "Zorvan Holdings"),
            ("Canada", "sanctions", "Kardan Media")} <= found


def test_aliases_carry_every_surface_form_of_the_entity(nlp: Any) -> None:
    text = ("The Elbonian Liberation Front (ELF) attacked the village of Dorvak. "
            "Marko Petrovic funds the Elbonian Liberation Front. The ELF recruits in Tarsia.")
    front = entities(nlp, text)["Elbonian Liberation Front"]
    assert "ELF" in front.aliases


# ---------------------------------------------------------------- coreference


def test_a_description_resolves_to_the_name_of_its_type_before_it(nlp: Any) -> None:
    text = ("The National Bank of Elbonia financed Volta Energy Group. The bank also owns a "
            "stake in Kardan Media. The outlet supports the Freedom and Justice Party.")
    found = asserted(nlp, text)
    assert ("National Bank of Elbonia", "owns", "Kardan Media") in found
    assert ("Kardan Media", "supports", "Freedom and Justice Party") in found


def test_a_description_a_nearer_name_contests_stays_unresolved(nlp: Any) -> None:
    text = ("The Council sanctioned Zorvan Holdings. According to the Council, the company "
            "funds the Tarsian Liberation Army and supplies the group with fuel.")
    assert not any(o == "Council" or o.startswith("Council") for _, p, o in
                   asserted(nlp, text) if p == "supplies")


def test_a_seller_described_by_its_type_is_the_supplier(nlp: Any) -> None:
    text = ("The Ministry of Defense of Elbonia signed a contract with Acme Arms Ltd. "
            "The ministry buys drones from the company.")
    assert ("Acme Arms Ltd.", "supplies", "Ministry of Defense of Elbonia") in asserted(nlp, text)


def test_he_resolves_to_the_one_person_named_just_before(nlp: Any) -> None:
    text = "The ELF is funded by Marko Petrovic. He also funds the Elbonian People's Party."
    assert ("Marko Petrovic", "funds", "Elbonian People's Party") in asserted(nlp, text)


def test_he_with_two_people_named_just_before_stays_unresolved(nlp: Any) -> None:
    text = ("The ELF is funded by Marko Petrovic and Ivan Horvath. He also funds the "
            "Elbonian People's Party.")
    assert not any(o == "Elbonian People's Party" for _, _, o in asserted(nlp, text))


@pytest.mark.parametrize("text", [
    "Zorvan Holdings and Kardan Media were sanctioned by Canada. The two companies are owned "
    "by Marko Petrovic.",
    "Canada sanctioned Zorvan Holdings and Kardan Media. Both companies are owned by "
    "Marko Petrovic.",
    "Zorvan Holdings and Kardan Media are registered in Cyprus. They are owned by "
    "Marko Petrovic.",
])
def test_a_counted_description_or_they_stands_for_each_name(nlp: Any, text: str) -> None:
    owned = {o for s, p, o in asserted(nlp, text) if p == "owns" and s == "Marko Petrovic"}
    assert owned == {"Zorvan Holdings", "Kardan Media"}


def test_a_count_that_does_not_fit_the_names_resolves_nothing(nlp: Any) -> None:
    text = ("Canada sanctioned Zorvan Holdings, Kardan Media and Volta Trading. The two "
            "companies are owned by Marko Petrovic.")
    assert not any(p == "owns" and o in {"Zorvan Holdings", "Kardan Media", "Volta Trading"}
                   for _, p, o in asserted(nlp, text))


LISTS = ("The Ministry of Trade named Zorvan Holdings, Kardan Media and the Volta Trading "
         "Company on Monday. It had named the Orsa Shipping Company and Belin Finance in May. ")


def test_a_counted_description_spans_the_lists_before_it(nlp: Any) -> None:
    text = LISTS + "These five entities are controlled by Marko Petrovic."
    controlled = {o for s, p, o in asserted(nlp, text) if p == "controls"
                  and s == "Marko Petrovic"}
    assert controlled == {"Zorvan Holdings", "Kardan Media", "Volta Trading Company",
                          "Orsa Shipping Company", "Belin Finance"}


def test_they_after_a_counted_description_stands_for_its_names(nlp: Any) -> None:
    text = LISTS + ("These five entities are registered abroad, which means that they file "
                    "no reports. In fact, they are owned by Marko Petrovic.")
    owned = {o for s, p, o in asserted(nlp, text) if p == "owns" and s == "Marko Petrovic"}
    assert owned == {"Zorvan Holdings", "Kardan Media", "Volta Trading Company",
                     "Orsa Shipping Company", "Belin Finance"}


@pytest.mark.parametrize("text", [
    LISTS + "These four entities are controlled by Marko Petrovic.",  # no run of lists is four
    LISTS + "Four entities are controlled by Marko Petrovic.",  # new to the text
])
def test_a_count_no_run_of_lists_gives_resolves_nothing(nlp: Any, text: str) -> None:
    assert not any(s == "Marko Petrovic" and p == "controls" for s, p, _ in asserted(nlp, text))


def test_a_surname_follows_a_full_name_ner_missed(nlp: Any) -> None:
    text = ("Ana Kovac, the head of the Office of the President of Elbonia, met with Ivan "
            "Horvath. Kovac later criticized the Council of the European Union.")
    assert ("Ana Kovac", "criticizes", "Council of the European Union") in asserted(nlp, text)


def test_a_name_ner_found_once_is_found_where_it_missed_it(nlp: Any) -> None:
    doc = nlp("Press TV is an Iranian network. In 2012 Ofcom revoked the licence of Press TV.")
    doc.ents = [e for e in doc.ents if e.start != 0]  # as NER misses a name opening a text
    index = MentionIndex(doc, get_ontology())
    assert [m.text for m in index.mentions if m.start < 3] == ["Press TV"]


def test_a_title_with_a_person_in_apposition_is_that_person(nlp: Any) -> None:
    text = ("Foreign Minister Murat Nurtleu discussed these questions with the EU Special Envoy "
            "for Sanctions David O'Sullivan during his visit to Astana.")
    found = asserted(nlp, text)
    assert ("Murat Nurtleu", "negotiates_with", "David O'Sullivan") in found
    assert not {f for f in found if f[1] == "meets_with"}  # whose visit is not said


def test_fighting_in_a_place_opposes_nothing(nlp: Any) -> None:
    assert not asserted(nlp, "The Sarn Militia fought in Mali.")


def test_the_government_is_no_group_named_before(nlp: Any) -> None:
    text = ("The Tarn Group fought in Mali. The Kremlin-funded outlet Baltic Voice attacked "
            "the government.")
    assert not {f for f in asserted(nlp, text) if f[2] == "Tarn Group"}


GROUP = ("The Tarn Initiative Group (TIG) is an organization established in 2023 in Baku. "
         "It is headed by Abbas Mirzayev. The group has organized conferences. French "
         "officials have described the group as a tool. In 2024, France accused Azerbaijan of "
         "using the group. ")


def test_the_group_far_after_the_one_group_named_is_that_group(nlp: Any) -> None:
    text = GROUP + "The group denies receiving funding from the Azerbaijani government."
    _, triples = extract_source(SourceDocument(text=text), nlp)
    assert ("Azerbaijani government", "funds", "Tarn Initiative Group", "negated") in {
        (t.subject.name, t.predicate, t.object.name, t.evidence.status) for t in triples}


def test_it_after_an_unresolved_description_is_not_an_earlier_subject(nlp: Any) -> None:
    text = GROUP + "The movement denies it. It cooperates with the Kestrel Forum."
    assert not {f for f in asserted(nlp, text) if f[0] == "France" and f[2] == "Kestrel Forum"}
