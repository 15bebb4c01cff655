"""A relation that held before the sentence was written ("former chairman", "headed X until
2019") is kept, asserted, with its evidence marked past (issue 18)."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.cues import modality_cues
from loaders.extract import extract_source, load_nlp, triples_json
from loaders.source import SourceDocument

Row = tuple[str, str, str, str, bool]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def facts(nlp: Any, text: str) -> set[Row]:
    """Return (subject, predicate, object, status, past) of every triple of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name, t.evidence.status, t.evidence.past)
            for t in triples}


@pytest.mark.parametrize("text", [
    "Jane Roe, the former chairwoman of Brightwater Holdings, spoke on Monday.",
    "Brightwater Holdings' former chairwoman Jane Roe spoke on Monday.",
    "Jane Roe, the former Brightwater Holdings chairwoman, spoke on Monday.",
    "Jane Roe, an ex-chairwoman of Brightwater Holdings, spoke on Monday.",
    "Jane Roe, who formerly headed Brightwater Holdings, spoke on Monday.",
    "Jane Roe, who previously headed Brightwater Holdings, spoke on Monday.",
    "Jane Roe headed Brightwater Holdings until 2019.",
    "Jane Roe was the head of Brightwater Holdings until March 2019.",
    "Jane Roe served as Brightwater Holdings' chairwoman from 2010 to 2014.",
])
def test_a_former_office_is_kept_asserted_and_marked_past(nlp: Any, text: str) -> None:
    assert ("Jane Roe", "leads", "Brightwater Holdings", "asserted", True) in facts(nlp, text)


@pytest.mark.parametrize("text", [
    "Jane Roe, the chairwoman of Brightwater Holdings, spoke on Monday.",
    "Jane Roe heads Brightwater Holdings.",
    "Jane Roe will head Brightwater Holdings until 2030.",
    "Jane Roe has headed Brightwater Holdings since 2019.",
    "Jane Roe served as Brightwater Holdings' chairwoman from 2010.",
])
def test_a_current_office_is_not_past(nlp: Any, text: str) -> None:
    assert ("Jane Roe", "leads", "Brightwater Holdings", "asserted", False) in facts(nlp, text)


def test_former_marks_the_office_not_the_other_relations_of_its_holder(nlp: Any) -> None:
    found = facts(nlp, "Former Defence Minister Jane Roe joined the board of Acme Corp.")
    assert ("Jane Roe", "member_of", "Acme Corp.", "asserted", False) in found
    assert not any(past for *_, past in found)


def test_past_reaches_the_json_and_leaves_the_flags_alone(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(
        text="Jane Roe headed Brightwater Holdings until 2019."), nlp)
    [row] = triples_json(triples)
    assert row["past"] is True and row["status"] == "asserted" and row["asserted"] is True
    assert row["negated"] is False and row["hypothetical"] is False


def test_the_past_cues_come_from_the_ontology() -> None:
    cues = modality_cues()
    assert {"former", "ex", "formerly", "previously"} <= cues.past
    assert "until" in cues.past_until
    assert not cues.past & frozenset().union(*cues.words.values())
