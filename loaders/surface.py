"""Word-order patterns for plain "Name verbs Name" sentences the parser got wrong.

The small English model often tags the verb of a short sentence about names it does
not know as a noun ("Hungary funds Republika Srpska" read as one noun phrase), so the
dependency patterns of ``loaders.patterns`` find nothing. Here a sentence that starts
with a name, continues with an inflected verb cue and then names its object gives that
relation, when the dependency patterns gave none for that verb.
"""
from __future__ import annotations

from typing import Any

from loaders.cues import cue_lemma, modality_cues, modality_words, range_of, verb_cues
from loaders.heads import head_type
from loaders.mentions import Mention, MentionIndex
from loaders.patterns import Candidate, given_otherwise, said_by_noun
from loaders.resolve import argument, content_producer
from loaders.vocab import typed_object_cues

SURFACE_CONFIDENCE = 0.7
ARTICLES = {"the", "a", "an"}
# What may follow the object of a plain sentence: its end, a preposition, a comma.
OBJECT_ENDS = {"PUNCT", "ADP", "SPACE"}


def _first_name(index: MentionIndex, sent: Any, begin: int) -> Mention | None:
    """Return the name or typed phrase that opens a clause at ``begin`` (after an article).

    The phrase runs up to the first word that reads as a verb cue ("Informer amplifies",
    "The Chinese embassy funds").
    """
    doc = index.doc
    i = begin
    while i < sent.end and (doc[i].is_space or doc[i].lower_ in ARTICLES):
        i += 1
    if i >= sent.end:
        return None
    found = index.by_token.get(i)
    if found is None or found.kind == "demonym":
        last = i
        while last + 1 < sent.end and _phrase_word(doc[last + 1]) and (
                cue_lemma(doc[last + 1]) is None or doc[last + 1].pos_ == "PROPN"):
            last += 1
        if doc[last].pos_ not in {"NOUN", "PROPN"}:
            return None
        got = argument(index, doc[last])
        found = got[0] if got is not None and got[0].end == last + 1 else None
    if found is None or found.kind == "demonym" or found.start > i:
        return None
    return found


def _object_after(index: MentionIndex, start: int, end: int, predicate: str) -> Mention | None:
    """Return the mention that starts at ``start`` (after an article) and ends the clause."""
    doc = index.doc
    i = start
    while i < end and doc[i].lower_ in ARTICLES:
        i += 1
    if i >= end or not (_phrase_word(doc[i]) or doc[i].pos_ == "NUM"):
        return None  # "fought in Mali": a preposition opens no object
    last = i  # the object is the whole noun phrase: "Budapest-Belgrade railway", not Budapest
    while last + 1 < end and (_phrase_word(doc[last + 1]) or doc[last + 1].text == "-" and
                              last + 2 < end and _phrase_word(doc[last + 2])):
        last += 1
    if doc[last].pos_ not in {"NOUN", "PROPN"} and not (
            last + 1 < end and doc[last + 1].lower_ == "of"):
        return None  # "anti-Western and ...": an adjective heads no object ("most of" may)
    head = content_producer(doc[last], {predicate})  # "Serbian government narratives"
    got = argument(index, head, range_of(predicate))
    if head.i != last and got is not None:
        return got[0]
    found = got[0] if got is not None and got[0].start >= i else None
    if found is None or found.kind == "demonym" or found.end > end or found.end <= last:
        return None
    after = doc[found.end] if found.end < end else None
    if after is not None and after.pos_ not in OBJECT_ENDS and after.lower_ != "and":
        return None
    if any(doc[k].dep_ in {"nsubj", "nsubjpass"} and doc[k].head.i >= found.end
           for k in range(found.start, found.end)):
        return None  # "EU funds Serbia received": Serbia is the subject of another verb
    return found


def _phrase_word(tok: Any) -> bool:
    return tok.pos_ in {"PROPN", "NOUN", "ADJ"} and tok.text[:1].isalnum()


def _clause_starts(sent: Any) -> list[int]:
    """Return where a plain clause may start: the sentence start, after an opening phrase
    without verb or modality cue ("In 2023,", "Moreover,"), after "say that"."""
    cues = modality_cues()
    marked = modality_words()
    starts = [sent.start]
    cued = False  # a verb or a modality cue stands before the current token
    for tok in sent:
        low = tok.lower_
        if tok.text == "," and not cued:
            starts.append(tok.i + 1)
        elif low == "that" and tok.i > sent.start and \
                tok.doc[tok.i - 1].lemma_.lower() in cues.attribution:
            starts.append(tok.i + 1)  # "Analysts say that X funds Y"
        if not cued:
            cued = tok.pos_ in {"VERB", "AUX"} or low in marked or tok.lemma_.lower() in marked
    return starts


def surface_candidates(index: MentionIndex, sent: Any,
                       found: list[Candidate]) -> list[Candidate]:
    """Return "Name verbs Name" candidates of ``sent`` for verbs no pattern in ``found`` used."""
    out: list[Candidate] = []
    for begin in _clause_starts(sent):
        out.extend(_clause_candidates(index, sent, begin, found))
    return out


def _clause_candidates(index: MentionIndex, sent: Any, begin: int,
                       found: list[Candidate]) -> list[Candidate]:
    subject = _first_name(index, sent, begin)
    if subject is None or subject.end >= sent.end:
        return []
    verb = index.doc[subject.end]
    lemma = cue_lemma(verb)
    if lemma is None or any(c.trigger.i == verb.i for c in found):
        return []
    out: list[Candidate] = []
    for cue in verb_cues()[lemma]:
        if cue.words or given_otherwise(verb, cue.predicate):
            continue
        start = verb.i + 1
        if cue.prep:
            if start >= sent.end or index.doc[start].lower_ != cue.prep:
                continue
            start += 1
        obj = _object_after(index, start, sent.end, cue.predicate)
        if obj is not None and obj.kind == "generic" and head_type(index.doc[obj.end - 1]) is \
                None and cue.lemma in typed_object_cues().get(cue.predicate, ()):
            continue  # "ordered the arrest": no goods
        if obj is not None and said_by_noun(cue, index.doc[obj.end - 1]):
            continue
        while obj is not None and obj is not subject:
            out.append(Candidate(subject, cue.predicate, obj, verb, SURFACE_CONFIDENCE, "verb"))
            after = obj.end  # "funds Sputnik Serbia and RT Balkan"
            if after + 1 >= sent.end or index.doc[after].lower_ != "and":
                break
            obj = _object_after(index, after + 1, sent.end, cue.predicate)
    return out
