"""A person's named company or foundation ("through his holding company, X"; "via his X
Foundation") gives owns/controls; "his" must mean one person (issue 18, item 5)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


TEXT = ("Viktor Balan made his fortune in banking. He later owned Balan Bank in Chisinau "
        "through his holding company, Balan Group.\nPeter Mokoena, a businessman, donated via "
        "his Mokoena Family Foundation.")


def test_a_persons_named_company_and_foundation(nlp: Any) -> None:
    found = facts(nlp, TEXT)
    assert ("Viktor Balan", "owns", "Balan Group", "asserted") in found
    assert ("Peter Mokoena", "controls", "Mokoena Family Foundation", "asserted") in found
    assert not {r for r in found if r[0] == "Viktor Balan" and "Mokoena" in r[2]}


@pytest.mark.parametrize("text", [
    "Anna Weiss met Karl Brandt, who praised his foundation, the Rhine Trust.",  # whose?
    "Karl Brandt joined his party, the Rhine Alliance, in 2010.",  # a party is not owned
])
def test_no_possession_when_the_owner_or_the_thing_is_unclear(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[1] in {"owns", "controls"}}


def test_his_charity_after_a_sentence_about_him(nlp: Any) -> None:
    text = ("Oskar Lind is a Swedish billionaire. Lind made his fortune in shipping. He later "
            "bought Lind Bank. His charity, the Lind Foundation, funds museums.")
    assert ("Oskar Lind", "controls", "Lind Foundation", "asserted") in facts(nlp, text)
