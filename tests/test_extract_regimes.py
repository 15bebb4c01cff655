"""A regime named after people ("the Ortega-Murillo regime") is one government body, led by
the people the document names so; a condemned "regime's campaign" is the regime (issue 18)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


TEXT = ("Sweden condemns the Varga-Kovac regime's continued campaign of repression against "
        "journalists. Since 2015, Laszlo Varga and his wife, Ilona Kovac, have jailed dozens of "
        "reporters.")


def test_a_regime_named_after_its_leaders(nlp: Any) -> None:
    found = facts(nlp, TEXT)
    assert ("Sweden", "criticizes", "Varga-Kovac regime", "asserted") in found
    assert ("Laszlo Varga", "leads", "Varga-Kovac regime", "asserted") in found
    assert not {r for r in found if r[2] == "continued campaign"}


def test_a_regime_whose_namesake_the_text_does_not_name_has_no_leader(nlp: Any) -> None:
    found = facts(nlp, "Sweden condemns the Assad regime's campaign against journalists.")
    assert not {r for r in found if r[1] == "leads"}


def test_campaign_of_something_names_no_producer(nlp: Any) -> None:
    found = facts(nlp, "Sweden condemned the campaign of repression in the north.")
    assert not {r for r in found if r[2] == "repression"}
