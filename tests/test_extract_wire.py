"""Wire-news wording (issue 18): names cut by NER before "and", short forms of company names,
state ownership with a demonym, agreements signed "with", relative clauses that keep their
own status."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def test_an_acronym_spells_a_name_cut_before_and(nlp: Any) -> None:
    found = facts(nlp, "The Kestrel Trading Company is controlled by the ruling Movement for "
                       "Unity and Renewal (MUR).")
    assert ("Movement for Unity and Renewal", "controls", "Kestrel Trading Company",
            "asserted") in found


def test_a_relative_clause_keeps_its_own_status(nlp: Any) -> None:
    found = facts(nlp, "The U.S. Treasury, which sanctioned the Tarn Party in 2021, declined "
                       "to comment.")
    assert ("U.S. Department of the Treasury", "sanctions", "Tarn Party", "asserted") in found


def test_leading_words_of_a_company_name_stand_for_it(nlp: Any) -> None:
    text = ("Laos signed a deal with Azov Maritime Group. Azov Maritime will lend money to the "
            "Tarn Bank. Azov Maritime's chief executive, Igor Kalinin, signed it.")
    found = facts(nlp, text)
    assert ("Igor Kalinin", "leads", "Azov Maritime Group", "asserted") in found
    assert not {r for r in found if "Azov Maritime" in (r[0], r[2])}


def test_a_state_owned_firm_with_a_demonym_is_owned_by_that_state(nlp: Any) -> None:
    found = facts(nlp, "The Nakfa Trading Corporation, a state-owned Eritrean firm, bought "
                       "cranes.")
    assert ("Eritrea", "owns", "Nakfa Trading Corporation", "asserted") in found


@pytest.mark.parametrize("text, row", [
    ("Laos on Thursday signed a 30-year concession with the Azov Maritime Group.",
     ("Laos", "negotiates_with", "Azov Maritime Group", "asserted")),
    ("Serbia held talks with Russia.", ("Serbia", "negotiates_with", "Russia", "asserted")),
])
def test_an_agreement_signed_or_talks_held_with(nlp: Any, text: str, row: Row) -> None:
    found = facts(nlp, text)
    assert row in found
    assert not {r for r in found if r[1] == "owns"}  # "held talks" owns nothing


def test_a_body_noun_before_a_role_is_the_body_named_before(nlp: Any) -> None:
    text = ("Ethiopia's Ministry of Foreign Affairs condemned the deal. \"It is a mistake,\" "
            "ministry spokesperson Dawit Alemu told reporters.")
    assert ("Dawit Alemu", "member_of", "Ministry of Foreign Affairs", "asserted") in \
        facts(nlp, text)


def test_standing_with_supports_and_a_bishop_is_no_part_of_the_name(nlp: Any) -> None:
    found = facts(nlp, "Canada condemns the violence. We stand with the Catholic Church in "
                       "Nicaragua and with Bishop Rolando Alvarez.")
    assert {("Canada", "supports", "Catholic Church", "asserted"),
            ("Canada", "supports", "Rolando Alvarez", "asserted")} <= found


def test_standing_with_a_people_is_not_with_its_state(nlp: Any) -> None:
    found = facts(nlp, "The European Union continues to stand in solidarity with the people "
                       "of Belarus.")
    assert not {r for r in found if r[2] == "Belarus"}


def test_visa_restrictions_are_sanctions(nlp: Any) -> None:
    assert ("U.S. Department of State", "sanctions", "Ivan Petrov", "asserted") in facts(
        nlp, "The Department of State imposed visa restrictions on Ivan Petrov.")


@pytest.mark.parametrize("text, row", [
    ("ADDIS ABABA, March 6 (Horn Wire) - Laos's Ministry of Defence has received eight armed "
     "drones from the Turkish manufacturer Kartal Defence Systems, the ministry said.",
     ("Kartal Defence Systems", "supplies", "Ministry of Defence", "asserted")),
    ("Kartal is majority-owned by Ozan Holding, an Istanbul conglomerate.",
     ("Ozan Holding", "owns", "Kartal", "asserted")),
    ("In December, Turkish President Tayyip Erdogan brokered an agreement between Laos and "
     "Somalia in Ankara after hosting Somali President Hassan Sheikh Mohamud.",
     ("Tayyip Erdogan", "meets_with", "Hassan Sheikh Mohamud", "asserted")),
    ("Gedion Alemayehu, a lawmaker from the opposition Amhara Democratic Forum, spoke.",
     ("Gedion Alemayehu", "member_of", "Amhara Democratic Forum", "asserted")),
])
def test_wire_sentences_after_a_dateline_and_of_split_names(nlp: Any, text: str,
                                                            row: Row) -> None:
    found = facts(nlp, text)
    assert row in found
    assert not {r for r in found if r[0] in {"Hassan Sheikh", "Mohamud", "agreement"}}


def test_a_businessman_from_a_country_is_no_member_of_it(nlp: Any) -> None:
    found = facts(nlp, "Ivan Petrov, a businessman from Laos, spoke.")
    assert not {r for r in found if r[1] == "member_of"}
