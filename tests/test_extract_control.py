"""Extraction of ownership, control, purchases and sanctions from nominal and compound
phrases (issue 18 items 3 and 5): short sentences of our own wording, each class with a
negative case."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import extract_source, load_nlp
from loaders.source import SourceDocument
from tests.extracting import facts

Fact = tuple[str, str, str]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def asserted(nlp: Any, text: str) -> set[Fact]:
    """Return (subject, predicate, object) of every asserted triple of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name) for t in triples
            if t.evidence.status == "asserted"}


@pytest.mark.parametrize("text, expected", [
    ("Norway's state-owned Alpha Energy signed a deal.", ("Norway", "owns", "Alpha Energy")),
    ("Alpha Energy is a Norwegian state-owned oil company.", ("Norway", "owns", "Alpha Energy")),
    ("The Polish state-controlled Beta Bank opened a branch.",
     ("Poland", "controls", "Beta Bank")),
])
def test_a_state_participle_takes_the_country_of_its_phrase(nlp: Any, text: str,
                                                            expected: Fact) -> None:
    assert expected in asserted(nlp, text)


def test_a_state_participle_without_a_country_names_no_owner(nlp: Any) -> None:
    found = asserted(nlp, "The state-owned company Alpha Energy signed a deal.")
    assert not {f for f in found if f[1] in {"owns", "controls"}}


def test_a_counted_measure_of_goods_stands_for_the_goods(nlp: Any) -> None:
    found = asserted(nlp, "Alpha Trade bought three million tonnes of coal from Beta Mining.")
    assert ("Alpha Trade", "buys", "coal") in found
    assert not {f for f in found if f[2] == "tonnes"}


def test_goods_bought_from_a_named_seller_are_not_supplied_by_their_origin(nlp: Any) -> None:
    found = asserted(nlp, "Alpha Trade bought two million barrels of Iranian oil from Beta "
                          "Petro in 2024.")
    assert ("Beta Petro", "supplies", "Alpha Trade") in found
    assert ("Iran", "supplies", "Alpha Trade") not in found


def test_a_possessed_noun_with_plain_adjectives_refers_back(nlp: Any) -> None:
    found = asserted(nlp, "Chile's President Ana Soto delivers her annual state of the nation "
                          "speech in Santiago.")
    assert not {f for f in found if f[1] == "supplies"}


@pytest.mark.parametrize("text, expected", [
    ("Alpha Trade, which is owned by Beta Holding, signed a deal.",
     ("Beta Holding", "owns", "Alpha Trade")),
    ("Fuel was sold through Alpha Trade, a Thai company that the European Union sanctioned "
     "in 2022.", ("European Union", "sanctions", "Alpha Trade")),
])
def test_a_relative_pronoun_object_is_the_noun_it_qualifies(nlp: Any, text: str,
                                                            expected: Fact) -> None:
    assert expected in asserted(nlp, text)


def test_a_relative_pronoun_subject_stays_the_subject(nlp: Any) -> None:
    found = asserted(nlp, "Alpha Trade, which owns Beta Holding, signed a deal.")
    assert ("Alpha Trade", "owns", "Beta Holding") in found
    assert ("Beta Holding", "owns", "Alpha Trade") not in found


def test_a_listed_member_after_another_members_description(nlp: Any) -> None:
    found = asserted(nlp, "The Council adopted restrictive measures against Norland. Today's "
                          "package also targets companies such as Alpha Steel, the country's "
                          "largest producer, the state radio company Radio Nord, as well as "
                          "other firms.")
    assert ("Council", "sanctions", "Alpha Steel") in found or \
        ("Council of the European Union", "sanctions", "Alpha Steel") in found
    assert any(f[1:] == ("sanctions", "Radio Nord") for f in found)


def test_as_well_as_adds_a_designee_to_a_passive_designation(nlp: Any) -> None:
    found = asserted(nlp, "The Council sanctioned five people. Alpha Group, a Lisbon-based "
                          "association, is also sanctioned, as well as its director, Ana Costa.")
    assert any(f[1:] == ("sanctions", "Ana Costa") for f in found)
    assert not any(f[1:] == ("sanctions", "Ana Costa") for f in asserted(
        nlp, "The Council sanctioned five people. Alpha Group is also sanctioned. Its "
             "director is Ana Costa."))


def test_a_noun_founded_by_a_person_and_called_a_name_is_that_name(nlp: Any) -> None:
    found = asserted(nlp, "Payments went to a charity founded by Karl Brenner called "
                          "Nordic Justice Foundation.")
    assert ("Karl Brenner", "founded", "Nordic Justice Foundation") in found


def test_a_noun_founded_by_a_person_without_a_name_founds_nothing(nlp: Any) -> None:
    found = asserted(nlp, "Payments went to a charity founded by Karl Brenner.")
    assert not any(p == "founded" for _, p, _ in found)


def test_a_designation_reason_holds_for_each_coordinated_designee(nlp: Any) -> None:
    text = ("Halvard Minerals and Ivan Petrov are being designated for having materially "
            "assisted, sponsored, or provided financial support for the Sarn Militia.")
    got = asserted(nlp, text)
    assert {("Halvard Minerals", "supports", "Sarn Militia"),
            ("Ivan Petrov", "supports", "Sarn Militia")} <= got


def test_a_legal_form_makes_a_company_of_a_name_ner_read_as_a_person(nlp: Any) -> None:
    text = ("Lobaye Gold SARL holds the licences for both mines. The company is a subsidiary "
            "of Meroe Resources.")
    assert ("Meroe Resources", "owns", "Lobaye Gold SARL") in asserted(nlp, text)


def test_a_relative_pronoun_holds_the_role_of_as(nlp: Any) -> None:
    text = ("Meroe Resources, which Canada sanctioned in 2023 as a front company for the Sarn "
            "Militia, holds licences.")
    assert ("Sarn Militia", "controls", "Meroe Resources") in asserted(nlp, text)


def test_a_description_after_a_comma_is_the_name_before_it(nlp: Any) -> None:
    text = ("The institute receives most of its funding from the Gorchakov Public Diplomacy Fund, "
            "a foundation established by the Russian Ministry of Foreign Affairs.")
    got = asserted(nlp, text)
    assert ("Russian Ministry of Foreign Affairs", "founded",
            "Gorchakov Public Diplomacy Fund") in got


def test_a_participle_on_an_apposition_qualifies_the_name(nlp: Any) -> None:
    text = "OFAC sanctioned firms shipping oil to the Houthis, a militant group backed by Iran."
    assert ("Iran", "supports", "Houthis") in asserted(nlp, text)


def test_a_name_after_a_relative_clause_is_not_a_second_designee(nlp: Any) -> None:
    text = ("OFAC is designating Red Sea Petroleum LLC, a United Arab Emirates-based company "
            "that arranged the shipments on behalf of Houthi financial official Said al-Jamal.")
    assert not {f for f in asserted(nlp, text) if f[1] == "sanctions" and f[2] != "Red Sea "
                "Petroleum LLC"}


def test_a_general_manager_leads(nlp: Any) -> None:
    text = "Ahmed Qasim also serves as general manager of Aden Star Shipping Co."
    assert ("Ahmed Qasim", "leads", "Aden Star Shipping Co.") in asserted(nlp, text)


def test_revoking_a_licence_sanctions_its_holder(nlp: Any) -> None:
    text = "In 2012 the media regulator Tarncom revoked Radio Kestrel's licence to broadcast."
    assert ("Tarncom", "sanctions", "Radio Kestrel") in asserted(nlp, text)
    assert not {f for f in asserted(nlp, "The court revoked the ban.") if f[1] == "sanctions"}


def test_coordinated_of_phrases_name_each_source(nlp: Any) -> None:
    text = ("Radio Kestrel repeats talking points of the Syrian government of Bashar al-Assad "
            "and of Hezbollah, and amplifies the positions of the Iranian government.")
    got = asserted(nlp, text)
    assert {("Radio Kestrel", "amplifies", "Hezbollah"),
            ("Radio Kestrel", "amplifies", "Iranian government")} <= got


def test_a_stake_sold_to_someone_is_not_theirs(nlp: Any) -> None:
    found = facts(nlp, "A planned sale of the Tarn Group's stake to the Gulf Meridian Fund was "
                       "abandoned in 2022.")
    assert not {r for r in found if r[1] == "owns"}


def test_owned_by_the_russian_state_is_owned_by_russia(nlp: Any) -> None:
    found = facts(nlp, "The Tarn Group, a construction company owned by the Russian state, "
                       "holds 30 percent.")
    assert ("Russia", "owns", "Tarn Group", "asserted") in found
