"""Relations read from the side of the one who receives ("X receives funding from Y": Y funds
X), and "we" in a statement standing for the state that speaks (issue 18)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, rows", [
    ("The Tarn Institute is a think tank in Zagreb. The institute receives most of its "
     "funding from the Kestrel Foundation. It also received grants from the Elbonian Ministry "
     "of Culture in 2016.",
     {("Kestrel Foundation", "funds", "Tarn Institute", "asserted"),
      ("Elbonian Ministry of Culture", "funds", "Tarn Institute", "asserted")}),
    ("The Sarn Militia receives weapons and money from the Kestrel Corps.",
     {("Kestrel Corps", "supplies", "Sarn Militia", "asserted"),
      ("Kestrel Corps", "funds", "Sarn Militia", "asserted")}),
    ("The Tarn Party did not receive money from Russia.",
     {("Russia", "funds", "Tarn Party", "negated")}),
])
def test_the_giver_of_what_is_received(nlp: Any, text: str, rows: set[Row]) -> None:
    assert rows <= facts(nlp, text)


def test_what_is_not_money_or_goods_gives_nothing(nlp: Any) -> None:
    found = facts(nlp, "The Tarn Party received a letter from Russia.")
    assert not {r for r in found if r[0] == "Russia"}


def test_these_groups_with_no_name_to_stand_for_receive_nothing(nlp: Any) -> None:
    found = facts(nlp, "The militias attacked Deir ez-Zor. These groups receive weapons from "
                       "Iran.")
    assert not {r for r in found if r[0] == "Iran" and r[1] == "supplies"}


def test_we_in_a_statement_is_the_state_that_speaks(nlp: Any) -> None:
    text = ("Canada condemns the attacks on civilians. We support the Organisation for the "
            "Prohibition of Chemical Weapons.")
    assert ("Canada", "supports", "Organisation for the Prohibition of Chemical Weapons",
            "asserted") in facts(nlp, text)


@pytest.mark.parametrize("text", [
    "Canada condemns the attacks. \"We support the Tarn Party,\" said a protester.",
    "Canada condemns the attacks. Ivan Petrov spoke next. We support the Tarn Party.",
])
def test_we_quoted_or_after_a_person_is_unresolved(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[0] == "Canada" and r[1] == "supports"}


@pytest.mark.parametrize("text, row", [
    ("The Tarn Party won the vote with Russian support.",
     ("Russia", "supports", "Tarn Party", "asserted")),
    ("The Kestrel Institute was founded in 2014 with money from Gazprom.",
     ("Gazprom", "funds", "Kestrel Institute", "asserted")),
])
def test_with_a_givers_money_or_support(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_with_money_of_no_one_gives_nothing(nlp: Any) -> None:
    assert not {r for r in facts(nlp, "The Kestrel Institute was rebuilt with new funding.")
                if r[1] == "funds"}


def test_we_is_the_first_state_speaking_unless_another_spoke_last(nlp: Any) -> None:
    text = ("Canada remains concerned about the situation. Canada condemns the Sarn Militia. "
            "We welcome the efforts of Egypt to mediate.")
    assert ("Canada", "supports", "Egypt", "asserted") in facts(nlp, text)
    text = ("Canada condemns the Sarn Militia. Russia continues to arm the militia. We welcome "
            "the efforts of Egypt to mediate.")
    assert not {r for r in facts(nlp, text) if r[2] == "Egypt"}


def test_welcoming_someones_efforts_supports_them_welcoming_a_guest_meets(nlp: Any) -> None:
    found = facts(nlp, "Canada welcomes the decision of the European Union to send monitors.")
    assert ("Canada", "supports", "European Union", "asserted") in found
    assert not {r for r in found if r[1] == "meets_with"}
    found = facts(nlp, "Ivan Petrov welcomed Marko Horvat in Zagreb.")
    assert ("Ivan Petrov", "meets_with", "Marko Horvat", "asserted") in found


@pytest.mark.parametrize("text, row", [
    ("Russia provides the Tarn Party with money.", ("Russia", "funds", "Tarn Party", "asserted")),
    ("Iran provides the Sarn Militia with drones and missiles.",
     ("Iran", "supplies", "Sarn Militia", "asserted")),
])
def test_providing_someone_with_something(nlp: Any, text: str, row: Row) -> None:
    found = facts(nlp, text)
    assert row in found
    assert len({r for r in found if r[0] == row[0] and r[2] == row[2]}) == 1


def test_equipping_gives_goods_never_money(nlp: Any) -> None:
    assert ("Iran", "supplies", "Sarn Militia", "asserted") in facts(
        nlp, "Iran equipped the Sarn Militia with drones.")
    assert not {r for r in facts(nlp, "Iran equipped the Sarn Militia with money.")
                if r[1] == "funds"}


@pytest.mark.parametrize("text", [
    "Since 2022 the Kestrel Bank has received more than $60 million from the Tarn Holding.",
    "The Kestrel Bank received millions from the Tarn Holding.",
])
def test_an_amount_of_money_received_is_funding(nlp: Any, text: str) -> None:
    assert ("Tarn Holding", "funds", "Kestrel Bank", "asserted") in facts(nlp, text)


def test_visitors_or_votes_received_are_no_funding(nlp: Any) -> None:
    found = facts(nlp, "The Kestrel Institute received 5,000 visitors from Laos. The Tarn Party "
                       "received 40 percent of the vote.")
    assert not {r for r in found if r[1] == "funds"}


def test_the_description_takes_the_name_holding_its_noun(nlp: Any) -> None:
    text = ("Rusmetal has denied financing the Tarn Party. Ivan Petrov heads the Foundation "
            "for Eurasian Sovereignty. The foundation received millions from the Kestrel Bank.")
    found = facts(nlp, text)
    assert ("Kestrel Bank", "funds", "Foundation for Eurasian Sovereignty", "asserted") in found
    assert not {r for r in found if r[2] == "Rusmetal"}


@pytest.mark.parametrize("text, row", [
    ("The Kestrel Bank transferred $5 million to the Tarn Party.",
     ("Kestrel Bank", "funds", "Tarn Party", "asserted")),
    ("Iran sent drones to the Sarn Militia.", ("Iran", "supplies", "Sarn Militia", "asserted")),
    ("The Kestrel Bank did not send money to the Tarn Party.",
     ("Kestrel Bank", "funds", "Tarn Party", "negated")),
])
def test_money_or_goods_given_to_someone(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_people_transferred_are_no_funding(nlp: Any) -> None:
    assert not facts(nlp, "Russia transferred the prisoners to Laos.")


def test_supplying_someones_goods_supplies_them(nlp: Any) -> None:
    assert ("Russia", "supplies", "Serbia", "asserted") in facts(
        nlp, "Russia supplies most of Serbia's gas.")
    found = facts(nlp, "Serbia supplies Russian gas to Bosnia.")
    assert not {r for r in found if r[2] == "Russia"}


def test_directing_a_company_leads_it(nlp: Any) -> None:
    assert ("Yamila Soto", "leads", "Kestrel Logistics", "asserted") in facts(
        nlp, "The Kestrel Logistics company was founded in 2009. Yamila Soto now directs "
             "Kestrel Logistics.")
