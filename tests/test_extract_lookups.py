"""Cached look-ups of extraction give exactly the answers of the uncached functions."""
from __future__ import annotations

from typing import Any

from core.names import name_key
from loaders.lookups import actor_for, demonym_keys, key_of
from ontology import get_ontology, load


def _texts() -> list[str]:
    onto = get_ontology()
    out = ["", "the Kremlin", "Vučić", "VUCIC", "Gazprom Neft's", "  spaced   out  ",
           "x" * 500, "Zorbak Group", "Đoković", "the the Wagner Group"]
    for actor in onto.actors:
        out += [actor.name, *actor.aliases, *actor.demonyms, *actor.metonyms]
    return out


def test_cached_name_keys_and_actors_match_the_ontology() -> None:
    onto = get_ontology()
    for text in _texts():
        assert key_of(text) == name_key(text)
        assert actor_for(onto, text) is onto.actor_for(text)
        assert actor_for(onto, text) is actor_for(onto, text)  # the cached answer again


def test_demonym_keys_are_the_name_keys_of_an_actors_demonyms() -> None:
    with_demonyms = [a for a in get_ontology().actors if a.demonyms]
    assert with_demonyms
    for actor in with_demonyms:
        assert demonym_keys(actor) == {name_key(d) for d in actor.demonyms}


def test_another_ontology_is_asked_directly_not_the_cache() -> None:
    other = load()
    assert other is not get_ontology()
    asked: list[str] = []
    original = other.actor_for

    def counting(text: str) -> Any:
        asked.append(text)
        return original(text)

    other.actor_for = counting  # type: ignore[method-assign]
    name = get_ontology().actors[0].name
    assert actor_for(other, name) == get_ontology().actor_for(name)
    assert actor_for(other, name) is not None
    assert asked == [name, name]
