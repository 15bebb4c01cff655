"""A person's named company or foundation: "his holding company, X" (he owns X), "her charity,
the X Foundation" and "his X Foundation" (she/he controls X), "Y's firm, X" (Y owns X).

The possessor must be a person (a name, or "his"/"her" resolved to one); the possessed noun
must be a company (owns) or another organization (controls) by its head noun or its own
name's type. Parties, governments, media and armed groups are left out: "his party" or "her
newspaper" is where one works as often as what one owns.
"""
from __future__ import annotations

from typing import Any

from loaders.heads import head_type
from loaders.mentions import Mention, MentionIndex
from loaders.patterns import Candidate
from loaders.resolve import argument, is_person
from loaders.titles import people_in

POSSESSION_CONFIDENCE = 0.7
PREDICATE_OF_TYPE = {"Company": "owns", "Organization": "controls"}


def _possessor(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the person a noun's possessive names ("his", "Y's"), or None."""
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is None or poss.lower_ in {"its", "their", "our", "my", "your"}:
        return None
    if poss.pos_ == "PRON":
        return _person_before(index, poss)
    got = argument(index, poss)
    if got is None or not is_person(index, got[0]) or got[0].kind != "name":
        return None
    return got[0]


def _person_before(index: MentionIndex, pron: Any) -> Mention | None:
    """Return the one person "his"/"her" can mean: the only person named before it in its
    sentence; with none there, the only one named in the sentence before; with none there
    either, the resolver's antecedent."""
    doc = index.doc
    sent = pron.sent
    ranges = [(sent.start, pron.i)]
    if sent.start > 0:
        before = doc[sent.start - 1].sent
        ranges.append((before.start, before.end))
    for start, end in ranges:
        people = {m.key: m for m in people_in(index, start, end, True) if m.end <= end}
        if people:
            keys = sorted(people, key=len)
            if all(k == keys[-1] or keys[-1].endswith(" " + k) for k in keys):
                return people[keys[-1]]  # "Peter Mokoena ... Mokoena": one person
            return None
    got = argument(index, pron)
    return got[0] if got is not None and is_person(index, got[0]) else None


def _possessed(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the named company or organization a possessed noun stands for: its own name
    ("his X Foundation") or the name in apposition ("his holding company, X")."""
    own = index.by_token.get(noun.i)
    if own is not None and own.kind == "name" and own.end == noun.i + 1:
        return own if own.type in PREDICATE_OF_TYPE else None
    if own is not None or head_type(noun) not in PREDICATE_OF_TYPE:
        return None
    named = next((c for c in noun.children if c.dep_ == "appos"), None)
    found = index.by_token.get(named.i) if named is not None else None
    if found is None or found.kind != "name" or found.type not in PREDICATE_OF_TYPE:
        return None
    return found


def possession_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return owns/controls candidates of a person's possessed company or organization."""
    out: list[Candidate] = []
    for noun in sent:
        if noun.pos_ not in {"NOUN", "PROPN"}:
            continue
        owner = _possessor(index, noun)
        if owner is None:
            continue
        owned = _possessed(index, noun)
        if owned is None or owned is owner:
            continue
        out.append(Candidate(owner, PREDICATE_OF_TYPE[owned.type], owned, noun,
                             POSSESSION_CONFIDENCE, "noun"))
    return out
