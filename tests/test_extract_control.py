"""Extraction of ownership, control, purchases and sanctions from nominal and compound
phrases (issue 18 items 3 and 5): short sentences of our own wording, each class with a
negative case."""
from __future__ import annotations

from typing import Any

import pytest

from loaders.extract import extract_source, load_nlp
from loaders.source import SourceDocument

Fact = tuple[str, str, str]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def asserted(nlp: Any, text: str) -> set[Fact]:
    """Return (subject, predicate, object) of every asserted triple of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name) for t in triples
            if t.evidence.status == "asserted"}


@pytest.mark.parametrize("text, expected", [
    ("Norway's state-owned Alpha Energy signed a deal.", ("Norway", "owns", "Alpha Energy")),
    ("Alpha Energy is a Norwegian state-owned oil company.", ("Norway", "owns", "Alpha Energy")),
    ("The Polish state-controlled Beta Bank opened a branch.",
     ("Poland", "controls", "Beta Bank")),
])
def test_a_state_participle_takes_the_country_of_its_phrase(nlp: Any, text: str,
                                                            expected: Fact) -> None:
    assert expected in asserted(nlp, text)


def test_a_state_participle_without_a_country_names_no_owner(nlp: Any) -> None:
    found = asserted(nlp, "The state-owned company Alpha Energy signed a deal.")
    assert not {f for f in found if f[1] in {"owns", "controls"}}


def test_a_counted_measure_of_goods_stands_for_the_goods(nlp: Any) -> None:
    found = asserted(nlp, "Alpha Trade bought three million tonnes of coal from Beta Mining.")
    assert ("Alpha Trade", "buys", "coal") in found
    assert not {f for f in found if f[2] == "tonnes"}


def test_goods_bought_from_a_named_seller_are_not_supplied_by_their_origin(nlp: Any) -> None:
    found = asserted(nlp, "Alpha Trade bought two million barrels of Iranian oil from Beta "
                          "Petro in 2024.")
    assert ("Beta Petro", "supplies", "Alpha Trade") in found
    assert ("Iran", "supplies", "Alpha Trade") not in found


def test_a_possessed_noun_with_plain_adjectives_refers_back(nlp: Any) -> None:
    found = asserted(nlp, "Chile's President Ana Soto delivers her annual state of the nation "
                          "speech in Santiago.")
    assert not {f for f in found if f[1] == "supplies"}
