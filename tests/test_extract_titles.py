"""A title written before a person's name gives the role when it names a body or a
country: "U.S. Secretary of State A", "Under Secretary of the Treasury for ... B",
"British Foreign Secretary C" (issue 18, item 4). A title naming no body gives nothing."""
from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Span

from loaders.extract import load_nlp
from loaders.mentions import MentionIndex
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, row", [
    ('"The network is exposed," said Under Secretary of the Treasury for Terrorism and '
     'Financial Intelligence Jane Q. Holloway.',
     ("Jane Q. Holloway", "member_of", "U.S. Department of the Treasury", "asserted")),
    ("U.S. Secretary of State Mark Delaney said in a statement that the measures would stay.",
     ("Mark Delaney", "member_of", "United States", "asserted")),
    ("British Foreign Secretary Tom Wren condemned the raid on Tuesday.",
     ("Tom Wren", "member_of", "United Kingdom", "asserted")),
    ("The purchase was announced by Kenyan Deputy Defence Minister Ruth Odongo on Friday.",
     ("Ruth Odongo", "member_of", "Kenya", "asserted")),
])
def test_a_title_before_a_name_gives_the_role(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text", [
    "Secretary of State Mark Delaney said in a statement that the measures would stay.",
    "Under Secretary for Terrorism and Financial Intelligence Jane Q. Holloway spoke.",
])
def test_a_title_naming_no_body_gives_no_role(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[1] in {"member_of", "leads"}}


@pytest.mark.parametrize("text", [
    "The Council acted today.\nMara Lindqvist, High Representative for Foreign Affairs and "
    "Security Policy\nThe measures apply from today.",
    '"We act today," said Mara Lindqvist, High Representative of the Union for Foreign '
    "Affairs and Security Policy.",
])
def test_an_office_of_the_gazetteer_names_its_body(nlp: Any, text: str) -> None:
    found = facts(nlp, text)
    assert ("Mara Lindqvist", "member_of", "European Union", "asserted") in found
    assert not {r for r in found if r[2] in {"Foreign Affairs", "Security", "Union"}}


def test_a_signature_line_with_an_unknown_office_gives_nothing(nlp: Any) -> None:
    text = "The Council acted today.\nMara Lindqvist, Special Adviser to the Director\nThe end."
    assert not {r for r in facts(nlp, text) if r[0] == "Mara Lindqvist"}


@pytest.mark.parametrize("text, row", [
    ("The listings include Omar Haddad, the deputy commander of the Northern Front and brother "
     "of its leader, Karim Haddad.", ("Karim Haddad", "leads", "Northern Front", "asserted")),
    ("Omar Haddad, the deputy commander of the Northern Front, fled.",
     ("Omar Haddad", "member_of", "Northern Front", "asserted")),
    ("The EU is concerned by the war between the Southern Army (SA), led by Musa Adam, and "
     "the Northern Front.", ("Musa Adam", "leads", "Southern Army", "asserted")),
])
def test_roles_through_its_and_a_participle_after_a_comma(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_its_stays_unresolved_when_two_bodies_are_named_before_it(nlp: Any) -> None:
    text = ("The Council also sanctioned Ali Nour, an adviser to the Northern Front leadership "
            "who manages its procurement, and praised its leader, Karim Haddad.")
    assert not {r for r in facts(nlp, text) if r[0] == "Karim Haddad" and r[1] == "leads"}


@pytest.mark.parametrize("text, row", [
    ("The new listings include Ana Rusu, who is the Governor ('Primar') of the Autonomous "
     "Region of Valdor, and is responsible for promoting separatism.",
     ("Ana Rusu", "leads", "Autonomous Region of Valdor", "asserted")),
    ("The listings also include Ion Pavel, the deputy president of the executive committee "
     "and member of the Valdor People's Assembly.",
     ("Ion Pavel", "member_of", "Valdor People's Assembly", "asserted")),
    ("Nordlink is also sanctioned, as well as its director and founder, Maria Codreanu.",
     ("Maria Codreanu", "founded", "Nordlink", "asserted")),
])
def test_coordinated_and_parenthesized_roles(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_a_parenthesized_local_title_holds_no_role(nlp: Any) -> None:
    text = ("The new listings include Ana Rusu, who is the Governor ('Primar') of the "
            "Autonomous Region of Valdor.")
    assert not {r for r in facts(nlp, text) if r[0] == "Primar"}


def test_a_plural_role_names_its_holders_after_a_colon(nlp: Any) -> None:
    text = ("Nordbank was sanctioned on Monday. The measures also target three of its senior "
            "executives: John Smith, Mary Jones, and Peter Brown.")
    found = facts(nlp, text)
    for name in ("John Smith", "Mary Jones", "Peter Brown"):
        assert (name, "member_of", "Nordbank", "asserted") in found


def test_its_means_a_body_named_again_by_its_acronym(nlp: Any) -> None:
    text = ("Among those listed are the Nordic Export Bank (NEB) and two of its executives "
            "living in Elbonia: John Smith and Mary Jones.")
    found = facts(nlp, text)
    for name in ("John Smith", "Mary Jones"):
        assert (name, "member_of", "Nordic Export Bank", "asserted") in found


def test_the_object_of_identified_as_holds_the_role_not_the_subject(nlp: Any) -> None:
    found = facts(nlp, "The Justice Department identified Ivan Petrov as a senior executive "
                       "of Nordbank.")
    assert not {r for r in found if r[0] == "Justice Department"}


def test_a_ship_manager_is_no_member(nlp: Any) -> None:
    found = facts(nlp, "Kestrel Marine, the ship manager of the vessel Polar Star, cooperated.")
    assert not {r for r in found if r[1] == "member_of"}


def test_an_ally_in_an_international_body_is_its_member(nlp: Any) -> None:
    found = facts(nlp, "The United States supports our NATO ally Latvia in its fight against "
                       "corruption. Serbia is a close ally of Russia.")
    assert ("Latvia", "member_of", "NATO", "asserted") in found
    assert ("Latvia", "allied_with", "NATO", "asserted") not in found
    assert ("Serbia", "allied_with", "Russia", "asserted") in found


def test_a_role_of_a_relative_clause_on_a_predicate_noun(nlp: Any) -> None:
    text = ("Lars Berg (born 1956) is a Danish billionaire and politician who served as the "
            "prime minister of Denmark from 2012 to 2013.")
    assert ("Lars Berg", "leads", "Denmark", "asserted") in facts(nlp, text)
    assert not {r for r in facts(nlp, text) if r[0] in {"politician", "billionaire"}}


def test_an_adviser_to_a_body_is_its_member_an_ambassador_to_a_country_is_not(nlp: Any) -> None:
    found = facts(nlp, "The Council sanctioned Ali Nour, a former adviser to the Northern Front "
                       "leadership.\nJane Roe, the ambassador to Hungary, spoke.")
    assert ("Ali Nour", "member_of", "Northern Front", "asserted") in found
    assert not {r for r in found if r[0] == "Jane Roe" and r[2] == "Hungary"}



def test_a_title_word_that_ner_took_for_an_organization_is_dropped(nlp: Any) -> None:
    doc = nlp("The inquiry named former MEP Piotr Nowak on Monday.")
    doc.ents = [Span(doc, 4, 7, label="ORG")]  # how NER reads some such names
    names = {(m.text, m.type) for m in MentionIndex(doc).mentions}
    assert ("Piotr Nowak", "Person") in names
    assert not {n for n in names if "MEP" in n[0]}


def test_an_associate_of_a_person_is_allied_with_them(nlp: Any) -> None:
    found = facts(nlp, "Ivan Petrov, a close associate of Marko Horvat, owns Nordbank.")
    assert ("Ivan Petrov", "allied_with", "Marko Horvat", "asserted") in found
    found = facts(nlp, "Ivan Petrov is an associate professor at Tarn University.")
    assert not {r for r in found if r[1] == "allied_with"}


def test_a_rank_before_a_name_is_not_part_of_it(nlp: Any) -> None:
    found = facts(nlp, "The Sarn Militia, led by Colonel Ivan Petrov, took the town.")
    assert ("Ivan Petrov", "leads", "Sarn Militia", "asserted") in found


def test_fighting_alongside_is_an_alliance(nlp: Any) -> None:
    found = facts(nlp, "The Sarn Militia fought alongside the Tarn Liberation Army in 2019.")
    assert ("Sarn Militia", "allied_with", "Tarn Liberation Army", "asserted") in found


def test_whose_leader_names_the_leader_of_the_noun_before(nlp: Any) -> None:
    text = ("The plan was opposed by the Tarn Liberal Party, whose leader, Ivan Petrov, spoke "
            "on Monday.")
    assert ("Ivan Petrov", "leads", "Tarn Liberal Party", "asserted") in facts(nlp, text)


def test_a_family_named_by_its_surname_is_not_the_company(nlp: Any) -> None:
    found = facts(nlp, "Dassault Aviation is controlled by the Dassault family.")
    assert ("Dassault family", "controls", "Dassault Aviation", "asserted") in found


@pytest.mark.parametrize("text, row", [
    ("Chile bought six jets on Monday. President Ivan Petrov said the deal was "
     "good.", ("Ivan Petrov", "leads", "Chile", "asserted")),
    ("Serbia bought jets, Prime Minister Ana Kovac said on Wednesday.",
     ("Ana Kovac", "leads", "Serbia", "asserted")),
])
def test_a_bare_national_title_means_the_one_country_named_near(nlp: Any, text: str,
                                                                 row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text", [
    "Russia attacked Ukraine overnight, President Ivan Petrov said.",  # two countries
    "A Russian agent met him. Former Vice President Ivan Petrov spoke.",  # a demonym only
    "The Tarn Party met on Monday. President Ivan Petrov spoke.",  # no country
])
def test_a_bare_national_title_without_one_named_country_gives_none(nlp: Any,
                                                                    text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[0] == "Ivan Petrov"}


@pytest.mark.parametrize("text, row", [
    ("The listings include Ana Rusu, the deputy head of department for external affairs of "
     "the region, and others.",
     ("Ana Rusu", "member_of", "department for external affairs of the region", "asserted")),
    ("Ion Pavel, the deputy president of the executive committee, spoke.",
     ("Ion Pavel", "member_of", "executive committee", "asserted")),
])
def test_a_body_with_no_name_keeps_its_portfolio(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


@pytest.mark.parametrize("text, row", [
    ("In November 2018, Medvedchuk was elected chairman of the political council of the "
     "political party For Life.", ("Medvedchuk", "leads", "For Life", "asserted")),
    ("Ivan Petrov is the chairman of the supervisory board of Kestrel Bank.",
     ("Ivan Petrov", "leads", "Kestrel Bank", "asserted")),
])
def test_a_role_in_an_organ_of_a_named_body_is_a_role_in_the_body(nlp: Any, text: str,
                                                                   row: Row) -> None:
    found = facts(nlp, text)
    assert row in found
    assert not {r for r in found if r[2] in {"political council", "supervisory board"}}


def test_a_bare_party_title_means_the_one_party_named_near(nlp: Any) -> None:
    text = ("Under General Secretary Ivan Petrov's tenure, the Tarn Workers' Party (TWP) has "
            "reorganized the state media.")
    assert ("Ivan Petrov", "leads", "Tarn Workers' Party", "asserted") in facts(nlp, text)


def test_members_of_a_family_stand_for_the_family(nlp: Any) -> None:
    text = ("Kestrel Gold, a Khartoum-based company owned by members of the Petrov family, "
            "finances the militia.")
    assert ("Petrov family", "owns", "Kestrel Gold", "asserted") in facts(nlp, text)
