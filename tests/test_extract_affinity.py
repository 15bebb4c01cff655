"""Alignment written as a hyphenated prefix ("the pro-Russian party X", "an anti-NATO
movement Y") gives supports/opposes between the named entity and the actor (issue 18,
item 5); the clause's negation or accusation governs it."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, row", [
    ("Jan Novak chairs the pro-Russia political organization Czech Renewal.",
     ("Czech Renewal", "supports", "Russia", "asserted")),
    ("The pro-Kremlin party Revival won two seats.", ("Revival", "supports", "Russia", "asserted")),
    ("Radio Horizon, a pro-Chinese outlet, expanded its service.",
     ("Radio Horizon", "supports", "China", "asserted")),
    ("The anti-NATO party Home Front gained votes.", ("Home Front", "opposes", "NATO", "asserted")),
    ("Nadia Petrova is a pro-Russian politician.", ("Nadia Petrova", "supports", "Russia", "asserted")),
    ("Nadia Petrova is not a pro-Russian politician.",
     ("Nadia Petrova", "supports", "Russia", "negated")),
    ("Police accused Russia of funding a pro-Kremlin news site, Baltic Voice.",
     ("Baltic Voice", "supports", "Russia", "alleged")),
])
def test_a_prefixed_actor_gives_the_alignment(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text", [
    "Pro-Russian groups protested in the capital on Sunday.",  # who they are is not said
    "The anti-Western movement Sovereignty grew in the north.",  # no actor named
])
def test_no_alignment_without_a_named_entity_and_a_known_actor(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[1] in {"supports", "opposes"}}


def test_coordinated_verbs_share_their_object(nlp: Any) -> None:
    found = facts(nlp, "Baltic Holding owns and operates Baltic Radio and Nord TV.")
    for outlet in ("Baltic Radio", "Nord TV"):
        assert ("Baltic Holding", "owns", outlet, "asserted") in found
        assert ("Baltic Holding", "controls", outlet, "asserted") in found



def test_providing_training_supports(nlp: Any) -> None:
    found = facts(nlp, "Russia provides training to the National Police at a center in Managua.")
    assert ("Russia", "supports", "National Police", "asserted") in found


def test_promoting_an_actors_interests_supports_the_actor(nlp: Any) -> None:
    found = facts(nlp, "Baltic Voice promoted the interests of China in the region.")
    assert ("Baltic Voice", "supports", "China", "asserted") in found


@pytest.mark.parametrize("text, row", [
    ("Radio Kestrel, a station in Tarn, is funded by a foundation and broadcasts pro-Russian "
     "programmes.", ("Radio Kestrel", "supports", "Russia", "asserted")),
    ("Radio Kestrel publishes anti-NATO articles every week.",
     ("Radio Kestrel", "opposes", "NATO", "asserted")),
])
def test_who_broadcasts_prefixed_content_takes_its_alignment(nlp: Any, text: str,
                                                             row: Row) -> None:
    assert row in facts(nlp, text)


def test_who_criticizes_prefixed_content_takes_no_alignment(nlp: Any) -> None:
    found = facts(nlp, "Radio Kestrel criticized pro-Russian narratives.")
    assert not {r for r in found if r[1] in {"supports", "opposes"}}


@pytest.mark.parametrize("text, row", [
    ("In 2022 the Tarn Institute organized a rally in support of the Kestrel Front.",
     ("Tarn Institute", "supports", "Kestrel Front", "asserted")),
    ("The Tarn Party held a vigil in solidarity with Ukraine.",
     ("Tarn Party", "supports", "Ukraine", "asserted")),
    ("The Tarn Party did not hold a rally in support of Russia.",
     ("Tarn Party", "supports", "Russia", "negated")),
])
def test_a_stance_phrase_gives_the_actors_stance(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_a_people_is_not_its_state(nlp: Any) -> None:
    found = facts(nlp, "Canada continues to stand in solidarity with the people of Belarus.")
    assert ("Canada", "supports", "people of Belarus", "asserted") in found
    assert not {r for r in found if r[2] == "Belarus"}


@pytest.mark.parametrize("text, row", [
    ("The Ministry of Foreign Affairs of Armenia strongly condemns the shelling of Armenian "
     "villages by Azerbaijan.",
     ("Ministry of Foreign Affairs of Armenia", "criticizes", "Azerbaijan", "asserted")),
    ("The Ministry of Foreign Affairs of Tarnia rejects the allegations published by the news "
     "portal Delfi about the transit of goods.",
     ("Ministry of Foreign Affairs of Tarnia", "opposes", "Delfi", "asserted")),
    ("Kazakhstan supports the efforts of the OSCE.",
     ("Kazakhstan", "supports", "OSCE", "asserted")),
])
def test_who_made_what_is_condemned_rejected_or_supported(nlp: Any, text: str,
                                                          row: Row) -> None:
    assert row in facts(nlp, text)


def test_a_campaign_of_something_names_no_one(nlp: Any) -> None:
    found = facts(nlp, "Canada condemns the campaign of repression.")
    assert not {r for r in found if r[1] == "criticizes"}


@pytest.mark.parametrize("text, row", [
    ("The Kestrel Bank opened an office in Budapest in 2019. The activities of the bank "
     "threaten the security of Hungary.", ("Kestrel Bank", "threatens", "Hungary", "asserted")),
    ("The Sarn Militia took the border town. The presence of the militia in the north "
     "threatens Laos.",
     ("Sarn Militia", "threatens", "Laos", "asserted")),
])
def test_what_an_actor_does_stands_for_the_actor(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_a_war_of_aggression_against_a_country_attacks_it(nlp: Any) -> None:
    assert ("Russia", "attacks", "Ukraine", "asserted") in facts(
        nlp, "Russia's war of aggression against Ukraine continues.")


@pytest.mark.parametrize("text, row", [
    ("The European Union voiced support for the Tarn Electoral Commission.",
     ("European Union", "supports", "Tarn Electoral Commission", "asserted")),
    ("Canada expressed strong support for the Tarn Party.",
     ("Canada", "supports", "Tarn Party", "asserted")),
])
def test_a_light_verbs_subject_holds_its_nouns_relation(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text, row", [
    ("Canada's decision to sanction the Kestrel Bank was welcomed.",
     ("Canada", "sanctions", "Kestrel Bank", "asserted")),
    ("Serbia has been slow, despite its bid to join the European Union.",
     ("Serbia", "member_of", "European Union", "refused")),
    ("Russia's promise to fund the Tarn Party was welcomed.",
     ("Russia", "funds", "Tarn Party", "hypothetical")),
])
def test_a_possessors_decision_bid_or_promise_to_act(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text, row", [
    ("Canada supports Laos in its fight against corruption and Russian influence.",
     ("Laos", "opposes", "Russia", "asserted")),
    ("Ukraine's struggle against Russia's aggression continues.",
     ("Ukraine", "opposes", "Russia", "asserted")),
])
def test_a_fight_against_an_actors_influence_opposes_the_actor(nlp: Any, text: str,
                                                               row: Row) -> None:
    found = facts(nlp, text)
    assert row in found
    assert not {r for r in found if r[0] == "Canada" and r[1] == "opposes"}


@pytest.mark.parametrize("text, row", [
    ("Ivan Petrov praised Vladimir Putin.", ("Ivan Petrov", "supports", "Vladimir Putin",
                                             "asserted")),
    ("Laos condemned the sanctions imposed by the European Union.",
     ("Laos", "criticizes", "European Union", "asserted")),
    ("The Tarn Party and the Sarn Movement are close allies.",
     ("Tarn Party", "allied_with", "Sarn Movement", "asserted")),
])
def test_praise_condemned_measures_and_allies_in_a_copula(nlp: Any, text: str,
                                                          row: Row) -> None:
    assert row in facts(nlp, text)


def test_support_provided_is_support_not_supplies(nlp: Any) -> None:
    found = facts(nlp, "Russia provided support to the Tarn Party.")
    assert ("Russia", "supports", "Tarn Party", "asserted") in found
    assert not {r for r in found if r[1] == "supplies"}
    assert ("Russia", "supplies", "Tarn Militia", "asserted") in facts(
        nlp, "Russia provided weapons to the Tarn Militia.")
