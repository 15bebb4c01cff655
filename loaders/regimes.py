"""Leaders of a regime named after them: "the Ortega-Murillo regime" is led by the people the
document names Ortega and Murillo (``MentionIndex._regimes`` makes the regime a name)."""
from __future__ import annotations

from typing import Any

from loaders.cues import all_role_cues
from loaders.mentions import REGIME_WORD, Mention, MentionIndex
from loaders.patterns import Candidate
from loaders.resolve import is_person

REGIME_CONFIDENCE = 0.75
LEADER_CUE = "leader"


def _full_name(m: Mention) -> bool:
    """Return True for two or three capitalized words of letters ("Rosario Murillo" that NER
    typed otherwise): a regime's namesake is a person."""
    words = m.text.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)


def _named_person(index: MentionIndex, surname: str) -> Mention | None:
    """Return the fullest person's name in the document that ends with ``surname``."""
    found = [m for m in index.mentions if m.kind == "name" and m.actor is None
             and (m.key == surname or m.key.endswith(" " + surname))
             and (is_person(index, m) or _full_name(m))]
    return max(found, key=lambda m: len(m.key)) if found else None


def regime_candidates(index: MentionIndex, sent: Any, seen: set[str]) -> list[Candidate]:
    """Return "leads" candidates of the people a regime in ``sent`` is named after, once per
    regime of the document (``seen`` holds the keys of regimes already read)."""
    predicate = all_role_cues()[LEADER_CUE][0]
    out: list[Candidate] = []
    for i in range(sent.start, sent.end):
        regime = index.by_token.get(i)
        if regime is None or regime.start != i or regime.type != "GovernmentBody" or \
                not regime.key.endswith(" " + REGIME_WORD) or regime.key in seen:
            continue
        seen.add(regime.key)
        for surname in regime.key[:-len(REGIME_WORD) - 1].replace("-", " ").split():
            person = _named_person(index, surname)
            if person is not None:
                out.append(Candidate(person, predicate, regime, index.doc[regime.end - 1],
                                     REGIME_CONFIDENCE, "role"))
    return out
