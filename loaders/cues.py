"""The cue words of the ontology as extraction looks them up, and the token tests built on
them alone.

Verb cues ("invest in": the verb lemma, words that must hang on it and the preposition
before the object), noun cues ("invasion"), role cues ("President") and modality cues
("not", "might", "said"), read from ``ontology/*.ttl`` once per process. This module
imports no other extraction module: every one of them may import it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ontology import get_ontology

# English grammar, not vocabulary: prepositions that can end a verb cue ("invest in").
PREPOSITIONS = {"in", "to", "on", "of", "with", "over", "into", "for", "against", "between",
                "at", "from", "by", "about", "through", "upon", "among", "toward", "towards",
                "alongside", "beside"}
# the modalities that mark a relation as past rather than giving it a status
TENSE_MODALITIES = ("Past", "PastUntil")
# Read apart from the status it falls back to: some predicates hold in the attempt.
ATTEMPT_MODALITY = "Attempted"


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
def inverse_role_cues() -> dict[str, str]:
    """Return the predicate of each inverse role cue (``ig:roleCueInverse``, lower-cased):
    "front company" -> controls (the party after it controls the holder)."""
    onto = get_ontology()
    return {str(v).lower(): name for name in sorted(onto.predicates)
            for v in onto.graph.objects(onto.NS[name], onto.NS.roleCueInverse)}


@lru_cache(maxsize=1)
def all_role_cues() -> dict[str, tuple[str, bool]]:
    """Return (predicate, inverse) of every role cue, inverse or not (lower-cased)."""
    out = {cue: (pred, False) for cue, pred in role_cues().items()}
    out.update({cue: (pred, True) for cue, pred in inverse_role_cues().items()})
    return out


@lru_cache(maxsize=1)
def role_words() -> frozenset[str]:
    """Return every word of every role cue (lower-cased)."""
    return frozenset(w for cue in all_role_cues() for w in cue.split())


def range_of(predicate: str) -> tuple[str, ...]:
    """Return the range types of a predicate (empty when any type fits)."""
    return get_ontology().predicate(predicate).range


# English inflection: a third-person or past ending and what it replaced.
ENDINGS = (("ies", "y"), ("ied", "y"), ("es", ""), ("es", "e"), ("s", ""), ("ed", ""),
           ("ed", "e"))


def cue_lemma(tok: Any) -> str | None:
    """Return the verb cue lemma of an inflected word ("amplifies" -> "amplify"), or None.

    The tagger's lemma is wrong when it took the verb for a noun ("amplifie"), so the
    endings are undone here too.
    """
    return _cue_lemma(tok.lower_, tok.lemma_.lower())


@lru_cache(maxsize=1 << 16)
def _cue_lemma(low: str, lemma: str) -> str | None:
    cues = verb_cues()
    found = [lemma] + [low[:-len(end)] + base for end, base in ENDINGS
                       if low.endswith(end) and len(low) > len(end) + 2]
    return next((lemma for lemma in found if lemma != low and lemma in cues), None)


def verb_like(tok: Any) -> bool:
    """Return True for a verb, or a word reading as an inflected verb cue ("sanctions")."""
    return tok.pos_ in {"VERB", "AUX"} or cue_lemma(tok) is not None


def role_of(token: Any) -> tuple[str, list[Any]] | None:
    """Return (predicate, tokens of the role phrase) when ``token`` ends a role cue; the
    predicate of an inverse role cue ("front company") is prefixed with "^"."""
    cues = all_role_cues()
    lemma = token.lemma_.lower()
    low = token.lower_
    if low not in role_words() and lemma not in cues and not any(
            c.lower_ in role_words() for c in token.lefts):
        return None  # no word here is part of a role cue
    named = {t.i for t in token.lefts if t.ent_type_}
    chain = [c for c in token.lefts if c.dep_ in {"compound", "amod"} and c.i not in named]
    joined = _hyphenated(token)
    if "-" in joined and joined in cues:  # "editor-in-chief", split by the tokenizer
        return _named_role(cues[joined]), chain
    words = [t.lower_ for t in chain] + [low]
    for n in range(min(len(words), 3), 0, -1):
        for i in range(len(words) - n, -1, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in cues:  # "chief executive officer": "chief executive" decides
                return _named_role(cues[phrase]), [c for c in chain if c.dep_ == "compound"]
    if lemma in cues:
        return _named_role(cues[lemma]), chain
    return None


def _hyphenated(token: Any) -> str:
    """Return the word a token starts when hyphens join it to the next ones with no space
    ("editor-in-chief"), lower-cased; the token alone otherwise."""
    doc, end = token.doc, token.i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    return doc[token.i:end].text.lower()


def _named_role(found: tuple[str, bool]) -> str:
    return "^" + found[0] if found[1] else found[0]


@dataclass(frozen=True)
class ModalityCues:
    """The modality cue words of the ontology."""

    words: dict[str, frozenset[str]]      # status -> single-word cues
    phrases: dict[str, tuple[tuple[str, str], ...]]  # status -> (verb, particle) pairs
    attribution: frozenset[str]
    past: frozenset[str] = frozenset()        # "former", "formerly": the relation held before
    past_until: frozenset[str] = frozenset()  # "until 2019": closes the time it held


@lru_cache(maxsize=1)
def modality_cues() -> ModalityCues:
    """Return the modality cue words of the ontology by status."""
    words: dict[str, set[str]] = {}
    phrases: dict[str, list[tuple[str, str]]] = {}
    attribution: set[str] = set()
    tense: dict[str, frozenset[str]] = {}
    for mod in get_ontology().modalities.values():
        if mod.name == "Attribution":
            attribution.update(c.lower() for c in mod.cues if " " not in c)
            continue
        if mod.name in TENSE_MODALITIES:
            tense[mod.name] = frozenset(c.lower() for c in mod.cues)
            continue
        status = "attempted" if mod.name == ATTEMPT_MODALITY else mod.status
        for cue in mod.cues:
            parts = cue.lower().split()
            if len(parts) == 1:
                words.setdefault(status, set()).add(parts[0])
            else:
                phrases.setdefault(status, []).append((parts[0], parts[-1]))
    return ModalityCues({k: frozenset(v) for k, v in words.items()},
                        {k: tuple(v) for k, v in phrases.items()}, frozenset(attribution),
                        tense.get("Past", frozenset()), tense.get("PastUntil", frozenset()))


@lru_cache(maxsize=1)
def modality_words() -> frozenset[str]:
    """Return every single-word modality cue of the ontology."""
    return frozenset().union(*modality_cues().words.values())
