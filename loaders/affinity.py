"""Alignment written as a hyphenated prefix: "the pro-Russian party X" (X supports Russia),
"an anti-NATO movement" (opposes NATO).

The prefixes and their predicates are ``ig:prefixCue`` annotations of the ontology. The
prefixed word must stand for a known actor (a name, a demonym, a metonym); the modified
noun gives the subject through the name it is in apposition or compound with, or, for
content ("pro-Russian programmes"), the name that broadcasts or publishes it. "pro-Western"
names no actor and gives nothing.

A stance phrase (``ig:stancePhrase``) says the same of whoever acts: "X held a rally in support
of Y" (X supports Y), "in protest against Y" (X opposes Y).
"""
from __future__ import annotations

from typing import Any

from loaders.mentions import Mention, MentionIndex
from loaders.arguments import pobjs, subjects
from loaders.patterns import Candidate
from loaders.resolve import arguments
from loaders.vocab import content_nouns, content_verbs, prefix_cues, stance_phrases

PREFIX_CONFIDENCE = 0.75


def _prefixed_actor(index: MentionIndex, prefix: Any) -> Mention | None:
    """Return the actor mention that follows ``prefix`` and a hyphen ("pro-Kremlin")."""
    doc = index.doc
    i = prefix.i + 1
    if i + 1 >= len(doc) or doc[i].text not in {"-", "‑", "–"}:
        return None
    found = index.by_token.get(i + 1)
    if found is None or found.actor is None or found.start != i + 1:
        return None
    return found


def _noun_entity(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the entity a prefixed noun describes: the name it is in apposition or compound
    with ("the pro-X organization Y", "Y, a pro-X outlet", "the pro-X party Y") or the
    subject of its copula ("Y is a pro-X party"); never a common-noun phrase ("pro-X groups":
    who they are is not said)."""
    own = index.by_token.get(noun.i)
    if own is not None:
        return own
    named = [c for c in noun.children if c.dep_ == "appos" and c.i in index.by_token]
    if named:
        return index.by_token[named[0].i]
    if noun.dep_ in {"appos", "compound"} and noun.head.i in index.by_token:
        return index.by_token[noun.head.i]
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        named = [c for c in noun.head.children if c.dep_ == "nsubj" and c.i in index.by_token]
        return index.by_token[named[0].i] if named else None
    return _content_maker(index, noun)


def _content_maker(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the one name that makes or spreads a content noun it has as object ("X
    broadcasts pro-Y programmes": X), else None."""
    verb = noun.head
    if noun.dep_ != "dobj" or noun.lower_ not in content_nouns() or \
            verb.lemma_.lower() not in content_verbs():
        return None
    named = [m for s in subjects(verb) if (m := index.at(s)) is not None and m.kind == "name"]
    return named[0] if len(named) == 1 else None


def prefix_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of prefixes like "pro-"/"anti-" joined to an actor in ``sent``."""
    cues = prefix_cues()
    out: list[Candidate] = []
    for tok in sent:
        predicate = cues.get(tok.lower_)
        if predicate is None or tok.dep_ not in {"amod", "compound", "nmod"}:
            continue
        actor = _prefixed_actor(index, tok)
        noun = tok.head
        if actor is None or noun.pos_ not in {"NOUN", "PROPN"} or noun.i == tok.i:
            continue
        subject = _noun_entity(index, noun)
        if subject is None or subject is actor or subject.actor is actor.actor:
            continue
        # read as a verb: the clause's negation, hypothesis or accusation governs it
        out.append(Candidate(subject, predicate, actor, tok, PREFIX_CONFIDENCE, "verb"))
    return out


def _actor_verb(token: Any) -> Any:
    """Return the verb a phrase hangs on, directly or through the noun it qualifies ("held a
    rally in support of"), else None."""
    tok = token.head
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok if tok.pos_ in {"VERB", "AUX"} else None


def stance_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of stance phrases in ``sent``: the subject of the verb the phrase
    hangs on stands in the phrase's predicate to the phrase's object."""
    out: list[Candidate] = []
    tokens = list(sent)
    starts = {words[0] for words in stance_phrases()}
    for n, first in enumerate(tokens):
        if first.lower_ not in starts:
            continue
        for words, predicate in stance_phrases().items():
            span = tokens[n:n + len(words)]
            if tuple(t.lower_ for t in span) != words:
                continue
            verb = _actor_verb(first)
            if verb is None:
                continue
            actors = [a for s in subjects(verb) for a in arguments(index, s)
                      if a[0].kind == "name"]
            targets = [o for t in pobjs(span[-1]) for o in arguments(index, t)]
            for actor, a_conf in actors:
                for target, t_conf in targets:
                    if target is not actor:
                        conf = round(PREFIX_CONFIDENCE * a_conf * t_conf, 3)
                        out.append(Candidate(actor, predicate, target, span[1], conf, "verb"))
    return out
