"""Wording of ambassadors' remarks and official statements (issue 18): the speaker's title in
apposition, "we" after third parties, titles read back, defiance and convictions."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import load_nlp
from tests.extracting import Row, facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def test_the_speakers_title_in_a_line_without_a_verb(nlp: Any) -> None:
    found = facts(nlp, "Statement by Ambassador Fiona Ashcombe, UK Deputy Permanent "
                       "Representative to the UN, at the Security Council.")
    assert ("Fiona Ashcombe", "member_of", "United Kingdom", "asserted") in found


def test_we_after_a_third_party_who_does_not_speak_is_the_state(nlp: Any) -> None:
    text = ("The United Kingdom gives its full backing to the mission. Last month Mr Dodik "
            "travelled to Moscow. In 2022 we sanctioned Mr Dodik and Zeljka Cvijanovic.")
    found = facts(nlp, text)
    assert ("United Kingdom", "sanctions", "Zeljka Cvijanovic", "asserted") in found


def test_we_after_a_person_speaking_unquoted_is_theirs(nlp: Any) -> None:
    text = "Canada condemns the attacks. Ivan Petrov spoke next. We support the Tarn Party."
    assert not {r for r in facts(nlp, text) if r[1] == "supports"}


def test_the_title_read_back_is_the_person_named_with_it(nlp: Any) -> None:
    text = ("My thanks to High Representative Christian Schmidt for his report. The United "
            "Kingdom gives its full backing to the High Representative.")
    assert ("United Kingdom", "supports", "Christian Schmidt", "asserted") in facts(nlp, text)


@pytest.mark.parametrize("text, row", [
    ("Milorad Dodik continues to defy the Court of Bosnia and Herzegovina.",
     ("Milorad Dodik", "opposes", "Court of Bosnia and Herzegovina", "asserted")),
    ("The Court of Bosnia and Herzegovina convicted Milorad Dodik in February.",
     ("Court of Bosnia and Herzegovina", "accuses", "Milorad Dodik", "asserted")),
    ("Canada condemns the laws passed in March by the National Assembly of the Tarn Republic.",
     ("Canada", "criticizes", "National Assembly of the Tarn Republic", "asserted")),
])
def test_defiance_convictions_and_condemned_laws(nlp: Any, text: str, row: Row) -> None:
    assert row in facts(nlp, text)
