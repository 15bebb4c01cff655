"""A minister's portfolio names the ministry the title is held in (issue 18, roles)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, row", [
    ("Rosa Mamani Choque chairs the company. Mamani served as Laos's vice-minister of mining "
     "from 2015 to 2019.", ("Rosa Mamani Choque", "member_of", "Ministry of Mining", "asserted")),
    ("The Department of State designated two officials of the Tarn Ministry of the Interior. "
     "Ana Kovac served as deputy interior minister from 2016 to 2021.",
     ("Ana Kovac", "member_of", "Tarn Ministry of the Interior", "asserted")),
])
def test_a_ministers_portfolio_names_the_ministry(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_a_minister_of_a_country_keeps_the_country(nlp: Any) -> None:
    found = facts(nlp, "Ivan Petrov, the prime minister of Laos, met Marko Horvat.")
    assert ("Ivan Petrov", "leads", "Laos", "asserted") in found
    assert not {r for r in found if r[2].startswith("Ministry")}
