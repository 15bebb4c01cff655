"""Whether a statement says its relation held in the past ("former chairman of X", "headed
X until 2019"): the relation is kept, its evidence marked past (``Evidence.past``).

The cue words are the ontology's (``ig:Past``, ``ig:PastUntil``, read by loaders.cues).
"""
from __future__ import annotations

from typing import Any

from loaders.cues import modality_cues

# how far before a role or noun cue its modifiers are read ("former Acme Corp chairman")
MAX_PREMODIFIERS = 4
PREMODIFIER_POS = {"ADJ", "NOUN", "PROPN"}
PAST_TAGS = {"VBD", "VBN"}


def held_before(trigger: Any, kind: str) -> bool:
    """Return True when the statement of ``trigger`` (a candidate's ``kind``: "verb",
    "noun" or "role") says its relation held before the sentence was written: a past cue
    among the words right before a role or noun ("former chairman", "ex-president"), a
    past adverb on its verb ("formerly headed"), or a closing date under a past-tense verb
    ("headed X until 2019", "was its head until 2019", "served as minister from 2010 to
    2014")."""
    cues = modality_cues()
    if kind != "verb" and _premodified(trigger, cues.past):
        return True
    verb = trigger if kind == "verb" else _verb_of(trigger)
    if verb is None:
        return False
    return any(c.dep_ == "advmod" and c.lower_ in cues.past for c in verb.children) or \
        _closed(verb, cues.past_until)


def _premodified(trigger: Any, words: frozenset[str]) -> bool:
    """Return True when a word of ``words`` opens the run of modifiers (adjectives, nouns,
    hyphens) right before ``trigger``."""
    doc, floor = trigger.doc, max(trigger.sent.start, trigger.i - MAX_PREMODIFIERS)
    for i in range(trigger.i - 1, floor - 1, -1):
        tok = doc[i]
        if tok.lower_ in words:
            return True
        if tok.pos_ not in PREMODIFIER_POS and tok.text != "-":
            return False
    return False


def _verb_of(noun: Any) -> Any:
    """Return the verb a role or noun cue is the complement of ("was the head of X",
    "served as chairman of X"), or None."""
    head = noun.head
    if noun.dep_ in {"attr", "oprd"} and head.pos_ in {"VERB", "AUX"}:
        return head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
        return head.head
    return None


def _closed(verb: Any, closing: frozenset[str]) -> bool:
    """Return True when a past-tense ``verb`` has a closing date: a closing preposition
    with a year ("until 2019"), directly or after an opening one ("from 2010 to 2014")."""
    if verb.tag_ not in PAST_TAGS or any(c.tag_ == "MD" for c in verb.children):
        return False
    for prep in (c for c in verb.children if c.dep_ == "prep" and _dated_prep(c)):
        if prep.lower_ in closing:
            return True
        # the closing preposition hangs on the opening one or on its date
        nested = [*prep.children, *(t for o in prep.children if o.dep_ == "pobj"
                                    for t in o.children)]
        if any(p.dep_ == "prep" and p.lower_ in closing and _dated_prep(p) for p in nested):
            return True
    return False


def _dated_prep(prep: Any) -> bool:
    """Return True when a preposition's object is a year or a date ending in one."""
    return any(o.dep_ == "pobj" and _dated(o) for o in prep.children)


def _dated(tok: Any) -> bool:
    """Return True for a year ("2019") or a date ending in one ("March 2019")."""
    return tok.shape_ == "dddd" or (tok.ent_type_ == "DATE" and any(
        c.shape_ == "dddd" for c in tok.children))
