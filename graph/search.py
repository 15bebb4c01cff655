"""Entity search shared by both backends: the score of a name key against a query, the
fuzzy scoring of candidates (rapidfuzz), and the order of the answer. Each backend only
finds the candidates in its engine."""
from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from graph.model import Entity

FUZZY_CUTOFF = 70.0  # rapidfuzz WRatio under which a candidate is no match
FUZZY_CANDIDATES = 300  # candidates a backend's index hands to the fuzzy scoring
FUZZY_TOP = 79.0  # a fuzzy match scores below every exact, prefix or substring match


def match_score(key: str, q: str) -> float:
    """Return the score of a name key found by an exact, prefix or substring look-up of
    the query key ``q``: 100 exact, 90 key prefix, 85 word prefix, 80 substring."""
    return (100.0 if key == q else 90.0 if key.startswith(q)
            else 85.0 if f" {q}" in key else 80.0)


def add_score(scores: dict[str, float], entity_id: str, score: float) -> None:
    """Keep the best score of ``entity_id`` in ``scores``."""
    scores[entity_id] = max(score, scores.get(entity_id, 0.0))


def add_fuzzy(scores: dict[str, float], q: str, candidates: Iterable[tuple[str, str]]) -> None:
    """Add the fuzzy scores (below 80) of the (entity id, key) ``candidates`` for ``q``."""
    for entity_id, key in candidates:
        score = fuzz.WRatio(q, key, score_cutoff=FUZZY_CUTOFF)
        if score:
            add_score(scores, entity_id, round(min(FUZZY_TOP, FUZZY_TOP * score / 100.0), 1))


def best_first(entities: Iterable[Entity], scores: dict[str, float],
               limit: int) -> list[tuple[Entity, float]]:
    """Return (entity, score) of the ``limit`` best, best first, then by name and id."""
    ranked = sorted(entities, key=lambda e: (-scores[e.id], e.name, e.id))
    return [(e, scores[e.id]) for e in ranked[:limit]]
