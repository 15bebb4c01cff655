"""Encyclopedia infobox lines under the article's title ("- Owner: A", "- Subsid: A, B",
"- Party: C", "- Key People: D") relate the article's subject to each value (issue 18);
other fields give nothing."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts

OUTLET = """Baltic Voice
- Type: State-owned news channel
- Country: Latvia
- Owner: Nordic Broadcasting Corporation
- Subsid: Baltic Radio, Nord TV, balticvoice.lv
- Key People: Anna Berzina
- Headquarters: Riga

Baltic Voice is a news channel that broadcasts in four languages.
"""

PERSON = """= Oskar Lind =

Oskar Lind
- Born: 3 May 1961, Uppsala
- Party: Swedish Renewal
- Known for: shipping

Oskar Lind is a Swedish businessman.
"""


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def test_infobox_fields_of_an_outlet(nlp: Any) -> None:
    found = facts(nlp, OUTLET)
    assert ("Nordic Broadcasting Corporation", "owns", "Baltic Voice", "asserted") in found
    for outlet in ("Baltic Radio", "Nord TV", "balticvoice.lv"):
        assert ("Baltic Voice", "owns", outlet, "asserted") in found
    assert ("Anna Berzina", "member_of", "Baltic Voice", "asserted") in found
    assert not {r for r in found if "Riga" in r or "Latvia" in r[2]}  # no field of these


def test_infobox_party_of_a_person(nlp: Any) -> None:
    assert ("Oskar Lind", "member_of", "Swedish Renewal", "asserted") in facts(nlp, PERSON)


def test_field_lines_without_a_title_give_nothing(nlp: Any) -> None:
    text = "The fund changed hands.\n\n- Owner: Nordic Broadcasting Corporation\n- Party: Swedish Renewal\n"
    assert not {r for r in facts(nlp, text) if r[1] in {"owns", "member_of"}}


def test_unbulleted_infobox_lines_with_shares_and_roles(nlp: Any) -> None:
    text = ("Kestrel Holding\n\nFounded: 2008\nKey people: Ana Kovac (chairwoman); Marko Horvat "
            "(CEO)\nOwners: Ivan Petrov (52%); Tarn Group (30%)\nSubsidiaries: Sarn Mobile, "
            "Sarn TV\n\nKestrel Holding is a conglomerate based in Dushanbe.\n")
    found = facts(nlp, text)
    assert {("Ana Kovac", "leads", "Kestrel Holding", "asserted"),
            ("Marko Horvat", "leads", "Kestrel Holding", "asserted"),
            ("Ivan Petrov", "owns", "Kestrel Holding", "asserted"),
            ("Tarn Group", "owns", "Kestrel Holding", "asserted"),
            ("Kestrel Holding", "owns", "Sarn Mobile", "asserted"),
            ("Kestrel Holding", "owns", "Sarn TV", "asserted")} <= found


def test_an_unknown_label_line_is_no_infobox(nlp: Any) -> None:
    text = "Kestrel Holding\n\nNote: Ivan Petrov, Tarn Group\n\nThe holding makes cement.\n"
    assert not facts(nlp, text)


def test_the_holding_in_an_article_is_its_subject(nlp: Any) -> None:
    text = ("Kestrel Holding\n\nKestrel Holding is a conglomerate based in Dushanbe. In 2021 the "
            "European Bank for Reconstruction and Development criticized its emissions. The "
            "Sarn Forum has accused the holding of laundering money.")
    found = facts(nlp, text)
    assert ("Sarn Forum", "accuses", "Kestrel Holding", "asserted") in found


def test_an_infobox_funding_line_funds_the_subject(nlp: Any) -> None:
    text = ("Kestrel Foundation\n\nFounded: 2011\nFunding: Tarn Investment Group; Sarn Fund "
            "(2018–2022)\n\nThe Kestrel Foundation runs media training.\n")
    found = facts(nlp, text)
    assert {("Tarn Investment Group", "funds", "Kestrel Foundation", "asserted"),
            ("Sarn Fund", "funds", "Kestrel Foundation", "asserted")} <= found


def test_a_newspaper_bought_from_its_publisher_has_no_supplier(nlp: Any) -> None:
    found = facts(nlp, "In 2014 the Kestrel Foundation bought Mekong Mirror from the Tarn "
                       "Group.")
    assert ("Kestrel Foundation", "owns", "Mekong Mirror", "asserted") in found
    assert not {r for r in found if r[1] == "supplies"}


def test_who_states_that_it_never_received_money_is_the_speaker(nlp: Any) -> None:
    text = ("The Kestrel Foundation runs a school. The Tarn Fund paid for a centre. The "
            "foundation states that it has never received money from the Lao government.")
    found = facts(nlp, text)
    assert not {r for r in found if r[2] == "Tarn Fund"}
