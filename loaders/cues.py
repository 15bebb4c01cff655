"""The cue words of the ontology's predicates as extraction looks them up.

Verb cues ("invest in": the verb lemma, words that must hang on it and the preposition
before the object), noun cues ("invasion") and role cues ("President"), read from
``ontology/core.ttl`` once per process.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ontology import get_ontology

# English grammar, not vocabulary: prepositions that can end a verb cue ("invest in").
PREPOSITIONS = {"in", "to", "on", "of", "with", "over", "into", "for", "against", "between",
                "at", "from", "by", "about", "through", "upon", "among", "toward", "towards"}


@dataclass(frozen=True)
class VerbCue:
    """A verb cue: the lemma, extra words that must hang on the verb, the object's preposition."""

    predicate: str
    lemma: str
    words: tuple[str, ...]
    prep: str | None


@lru_cache(maxsize=1)
def verb_cues() -> dict[str, tuple[VerbCue, ...]]:
    """Return the verb cues of every predicate by verb lemma, most specific first."""
    out: dict[str, list[VerbCue]] = {}
    for pred in get_ontology().predicates.values():
        for cue in pred.cues:
            words = cue.lower().split()
            if not words or words[0] == "be":
                continue
            prep = words[-1] if len(words) > 1 and words[-1] in PREPOSITIONS else None
            middle = tuple(w for w in (words[1:-1] if prep else words[1:])
                           if w not in {"a", "an", "the"})
            out.setdefault(words[0], []).append(VerbCue(pred.name, words[0], middle, prep))
    return {k: tuple(sorted(v, key=lambda c: (-len(c.words) - bool(c.prep), c.predicate)))
            for k, v in out.items()}


@lru_cache(maxsize=1)
def noun_cues() -> dict[str, tuple[str, ...]]:
    """Return the predicates of each noun cue (lower-cased)."""
    out: dict[str, list[str]] = {}
    for pred in get_ontology().predicates.values():
        for cue in pred.noun_cues:
            out.setdefault(cue.lower(), []).append(pred.name)
    return {k: tuple(sorted(set(v))) for k, v in out.items()}


@lru_cache(maxsize=1)
def role_cues() -> dict[str, str]:
    """Return the predicate of each role cue (lower-cased); of two predicates sharing a cue,
    the one with the narrower domain wins ("leads", held by persons only)."""
    out: dict[str, str] = {}
    for pred in sorted(get_ontology().predicates.values(),
                       key=lambda p: (len(p.domain) or len(get_ontology().types), p.name)):
        for cue in pred.role_cues:
            out.setdefault(cue.lower(), pred.name)
    return out


@lru_cache(maxsize=1)
def role_words() -> frozenset[str]:
    """Return every word of every role cue (lower-cased)."""
    return frozenset(w for cue in role_cues() for w in cue.split())


def range_of(predicate: str) -> tuple[str, ...]:
    """Return the range types of a predicate (empty when any type fits)."""
    return get_ontology().predicate(predicate).range
