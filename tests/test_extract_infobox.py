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
