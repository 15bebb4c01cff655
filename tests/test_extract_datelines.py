"""A dateline ("BANGUI, May 14 (Reuters) -") says where a text was filed: its place is
page matter and acts in nothing (issue 18, item 6)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.datelines import DATELINE
from loaders.extract import load_nlp
from tests.extracting import facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


@pytest.mark.parametrize("line, dateline", [
    ("BANGUI, May 14 (Reuters) - Troops", "BANGUI, May 14 (Reuters) -"),
    ("WASHINGTON — Today", "WASHINGTON —"),
    ("BAMAKO, Mali, Aug 12 (Sahel Wire) —\nThe", "BAMAKO, Mali, Aug 12 (Sahel Wire) —"),
    ("KYIV, Ukraine (AP) — A", "KYIV, Ukraine (AP) —"),
    ("Serbia - a country", None),
    ("US — the text", None),
])
def test_datelines_are_recognized(line: str, dateline: str | None) -> None:
    found = DATELINE.search(line)
    assert (found.group() if found else None) == dateline


def test_a_dateline_place_acts_in_nothing(nlp: Any) -> None:
    text = ("Mines seized\n\nBANGUI, May 14 (Reuters) - Russian instructors working for the "
            "Sarn Militia have taken control of two gold mines, officials said.")
    assert not {r for r in facts(nlp, text) if r[0] == "Central African Republic"}


def test_taking_control_of_something_controls_it(nlp: Any) -> None:
    found = facts(nlp, "The Sarn Militia seized control of the Kestrel oil field in May.")
    assert {r for r in found if r[0] == "Sarn Militia" and r[1] == "controls"}
