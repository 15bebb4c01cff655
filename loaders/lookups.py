"""Cached name keys and gazetteer look-ups for extraction.

Extraction asks for the ``name_key`` of the same few names and the gazetteer actor of
the same spans over and over (every sub-span of a name, every argument, every alias);
each answer depends on the text alone, so it is computed once per process. The caches
are bounded: memory stays flat however many documents go through.
"""
from __future__ import annotations

from functools import lru_cache

from core.names import name_key
from ontology import Actor, Ontology, get_ontology

CACHE_SIZE = 1 << 16


@lru_cache(maxsize=CACHE_SIZE)
def key_of(text: str) -> str:
    """Return ``core.names.name_key(text)``, cached."""
    return name_key(text)


@lru_cache(maxsize=CACHE_SIZE)
def _actor_for(text: str) -> Actor | None:
    return get_ontology().actor_for(text)


def actor_for(onto: Ontology, text: str) -> Actor | None:
    """Return ``onto.actor_for(text)``; cached for the process's ontology."""
    if onto is get_ontology():
        return _actor_for(text)
    return onto.actor_for(text)


@lru_cache(maxsize=4096)
def demonym_keys(actor: Actor) -> frozenset[str]:
    """Return the name keys of an actor's demonyms ("russian" for Russia)."""
    return frozenset(key_of(d) for d in actor.demonyms)


def ner_types() -> dict[str, str]:
    """Return the ontology type of each spaCy NER label (``ig:nerLabel``); labels absent
    there (dates, numbers, works of art, languages) never make entities."""
    return get_ontology().ner_labels
