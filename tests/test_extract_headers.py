"""The header block of a speech or statement: a name line and, under it, the speaker's
position ("Ambassador A B" / "Acting U.S. Representative to the United Nations")."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import extract_source, load_nlp
from loaders.source import SourceDocument
from tests.extracting import facts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


HEADER = ("Remarks at a Security Council Briefing\n\nAmbassador Jane Roe\n"
          "Deputy U.S. Representative to the United Nations\nNew York, New York\n"
          "March 3, 2025\n\nThank you, Madam President. Canada condemns the attacks.\n")


def test_the_position_line_gives_the_name_above_it_a_role(nlp: Any) -> None:
    assert ("Jane Roe", "member_of", "United States", "asserted") in facts(nlp, HEADER)


def test_the_evidence_holds_both_lines(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(text=HEADER), nlp)
    found = [t.evidence for t in triples if t.subject.name == "Jane Roe"]
    assert found and all(e.sentence == HEADER[e.start:e.end] and "Jane Roe" in e.sentence
                         and "Representative" in e.sentence for e in found)


@pytest.mark.parametrize("text", [
    "Jane Roe\n\nDeputy U.S. Representative to the United Nations\n",  # a blank line between
    "Jane Roe and John Doe\nDeputy U.S. Representatives to the United Nations\n",
    "Jane Roe\n- Office: Deputy U.S. Representative to the United Nations\n",
])
def test_no_role_without_a_lone_name_right_above(nlp: Any, text: str) -> None:
    assert not {r for r in facts(nlp, text) if r[0] == "Jane Roe"}


REMARKS = ("Ambassador Jane Roe\u2019s Remarks at a Press Conference on Sanctions\n\n"
           "Embassy of the United States of America\nBudapest, Hungary\nApril 12, 2023\n\n"
           "Thanks for joining me today. Today, the United States announced sanctions on more "
           "than fifty entities across twenty jurisdictions.\n")


def test_a_head_of_mission_in_the_header_leads_the_embassy_on_its_own_line(nlp: Any) -> None:
    found = facts(nlp, REMARKS)
    assert ("Jane Roe", "leads", "Embassy of the United States of America", "asserted") in found


def test_a_body_line_without_a_titled_head_gives_nothing(nlp: Any) -> None:
    text = REMARKS.replace("Ambassador Jane Roe\u2019s", "Jane Roe\u2019s")
    assert not {r for r in facts(nlp, text) if r[1] == "leads"}


INFOBOX = ("Oleh Petrenko\n\nFrom Wikipedia, the free encyclopedia\n\nOleh Petrenko\n"
           "People's Deputy of Chile\nAssumed office\n29 August 2019\n"
           "Head of the Office of the President of Chile\nIn office\n"
           "12 June 2002 – 21 January 2005\n\nOleh Petrenko is a politician.\n")


def test_an_infobox_position_in_office_belongs_to_the_articles_person(nlp: Any) -> None:
    found = facts(nlp, INFOBOX)
    assert ("Oleh Petrenko", "leads", "Office of the President of Chile", "asserted") in found
    assert ("Oleh Petrenko", "member_of", "Chile", "asserted") in found
    assert not {r for r in found if r[2] == "People"}


def test_a_position_line_not_followed_by_in_office_holds_nothing(nlp: Any) -> None:
    text = INFOBOX.replace("In office\n", "")
    assert not {r for r in facts(nlp, text) if r[1] == "leads"}
