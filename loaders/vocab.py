"""Predicate annotations of ``ontology/core.ttl`` that extraction reads beyond the
``PredicateInfo`` fields: content nouns, argument roles and governed statuses.
"""
from __future__ import annotations

from functools import cache, lru_cache

from ontology import get_ontology


@cache
def predicate_annotation(prop: str) -> dict[str, tuple[str, ...]]:
    """Return the values of annotation ``ig:<prop>`` by predicate name (those without it left out)."""
    onto = get_ontology()
    out: dict[str, tuple[str, ...]] = {}
    for name in onto.predicates:
        values = sorted(str(v) for v in onto.graph.objects(onto.NS[name], onto.NS[prop]))
        if values:
            out[name] = tuple(values)
    return out


def predicates_with(prop: str, value: str) -> tuple[str, ...]:
    """Return the predicates whose annotation ``ig:<prop>`` has ``value``."""
    return tuple(sorted(p for p, vals in predicate_annotation(prop).items() if value in vals))


@lru_cache(maxsize=1)
def content_nouns() -> dict[str, tuple[str, ...]]:
    """Return the predicates of each content noun (lower-cased): 'narratives' -> amplifies."""
    out: dict[str, list[str]] = {}
    for pred, nouns in predicate_annotation("contentNoun").items():
        for noun in nouns:
            out.setdefault(noun.lower(), []).append(pred)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def governed_statuses() -> dict[str, str]:
    """Return the status each verb lemma gives the statement it governs ('accuse' -> alleged)."""
    out: dict[str, str] = {}
    onto = get_ontology()
    for pred, statuses in predicate_annotation("governedStatus").items():
        for cue in onto.predicate(pred).cues:
            if " " not in cue:
                out[cue.lower()] = statuses[0]
    return out
