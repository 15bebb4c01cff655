"""Listings, names with "for", hyphenated roles, first surnames and descriptions read back
from a pronoun (issue 18): wording of EU Council releases and encyclopedia articles."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, rows", [
    ("The Council of the European Union listed the Kestrel Bank and its chairman Ivan Petrov.",
     {("Council of the European Union", "sanctions", "Kestrel Bank", "asserted"),
      ("Council of the European Union", "sanctions", "Ivan Petrov", "asserted")}),
    ("The Council of the European Union imposed restrictive measures on the Tarn Party. "
     "Its leader, Marko Horvat, is also listed.",
     {("Council of the European Union", "sanctions", "Marko Horvat", "asserted")}),
])
def test_listing_sanctions(nlp: Any, text: str, rows: set[Row]) -> None:
    found = facts(nlp, text)
    assert rows <= found
    # the Council is not who "its" means
    assert not {r for r in found if r[1] == "leads" and r[2] == "Council of the European Union"}


@pytest.mark.parametrize("text", [
    "The Council of the European Union sanctioned Laos. The Kestrel Bank is listed on the "
    "Moscow Exchange.",
    "Forbes listed Ivan Petrov among the richest men in Laos.",
])
def test_listing_on_an_exchange_or_among_others_is_no_sanction(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[1] == "sanctions" and r[2] != "Laos"}


def test_a_name_with_for_is_one_name(nlp: Any) -> None:
    found = facts(nlp, "Ivan Petrov heads the Prague-based Foundation for Eurasian Sovereignty.")
    assert ("Ivan Petrov", "leads", "Foundation for Eurasian Sovereignty", "asserted") in found


def test_an_editor_in_chief_leads_the_outlet(nlp: Any) -> None:
    found = facts(nlp, "Ivan Petrov, the editor-in-chief of Kestrel News, met Marko Horvat.")
    assert ("Ivan Petrov", "leads", "Kestrel News", "asserted") in found


def test_a_first_surname_stands_for_the_person(nlp: Any) -> None:
    found = facts(nlp, "Rosa Mamani Choque chairs the Tarn Party. Mamani joined the Kestrel "
                       "Institute in 2019.")
    assert ("Rosa Mamani Choque", "member_of", "Kestrel Institute", "asserted") in found


def test_a_pronoun_after_a_description_takes_what_the_description_names(nlp: Any) -> None:
    text = ("The listings include Kestrel News, a website that spreads Russian narratives. "
            "The outlet has accused the electoral commission of fraud. Its editor-in-chief, "
            "Ivan Petrov, is also listed.")
    assert ("Ivan Petrov", "leads", "Kestrel News", "asserted") in facts(nlp, text)


def test_a_named_group_after_its_description_is_the_object(nlp: Any) -> None:
    found = facts(nlp, "Litio SRL is a front company for the Russian state-owned mining group "
                       "Rusmetal.")
    assert ("Russia", "owns", "Rusmetal", "asserted") in found


def test_officials_of_a_ministry_are_designated_not_the_ministry(nlp: Any) -> None:
    found = facts(nlp, "The Department of State is designating two officials of the Tarn "
                       "Ministry of the Interior (TMI), Ivan Petrov and Ana Kovac, for their "
                       "involvement in abuses.")
    sanctioned = {r[2] for r in found if r[1] == "sanctions"}
    assert sanctioned == {"Ivan Petrov", "Ana Kovac"}


def test_a_country_whose_title_another_holds_is_not_a_bare_titles_body(nlp: Any) -> None:
    found = facts(nlp, "Moscow funds the Tarn Party. President Ivan Petrov, a staunch ally of "
                       "Russian President Vladimir Putin, praised the party.")
    assert ("Vladimir Putin", "leads", "Russia", "asserted") in found
    assert not {r for r in found if r[0] == "Ivan Petrov" and r[1] == "leads"}


def test_a_demonym_on_an_appositive_partner_is_no_party(nlp: Any) -> None:
    found = facts(nlp, "Costa Azul Hoteles, a Spanish partner of the Kestrel Group, built "
                       "hotels.")
    assert ("Costa Azul Hoteles", "allied_with", "Kestrel Group", "asserted") in found
    assert not {r for r in found if r[0] == "Spain"}


def test_ordering_an_arrest_buys_nothing(nlp: Any) -> None:
    assert not facts(nlp, "Colonel Ivan Petrov ordered the beating and arrest of protesters.")
    assert ("Serbia", "buys", "fighter jets", "asserted") in facts(
        nlp, "Serbia ordered 12 fighter jets.")


def test_a_surname_after_an_honorific_makes_the_full_name_a_person(nlp: Any) -> None:
    text = ("The Department of State designated Raul Ortega Lima and the Kestrel Bank. "
            "Colonel Ortega heads the Directorate of Special Operations.")
    assert ("Raul Ortega Lima", "leads", "Directorate of Special Operations", "asserted") in \
        facts(nlp, text)
