"""Membership by election or appointment: "X was elected to Y", "X won a seat in Y" (X
member_of Y); whoever elected X is no party to it (issue 18, item 4)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("text, row", [
    ("Jan Novak was elected to parliament in 2019.",
     ("Jan Novak", "member_of", "parliament", "asserted")),
    ("Eva Dvorak was elected to the National Assembly of Ruritania in 2016.",
     ("Eva Dvorak", "member_of", "National Assembly of Ruritania", "asserted")),
    ("Anna Berg was not elected to the Riksdag.", ("Anna Berg", "member_of", "Riksdag", "negated")),
    ("Olga Kral won a seat in the Sejm in 2015.", ("Olga Kral", "member_of", "Sejm", "asserted")),
])
def test_election_gives_membership(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)


def test_the_electors_are_no_members(nlp: Any) -> None:
    found = facts(nlp, "Voters in Brno elected Tom Lind to the city council.")
    assert not {r for r in found if r[1] == "member_of" and r[0] != "Tom Lind"}
