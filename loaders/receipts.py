"""Relations read from the side of the one who receives: "X receives most of its funding from
Y" (Y funds X), "these groups get weapons and money from Y" (Y supplies and funds them),
"X was built with Chinese funding" (China funds X).

What is received is an ``ig:receiptNoun`` of a predicate in the ontology; the giver is the
object of "from", attached to the verb or to what is received.
"""
from __future__ import annotations

from typing import Any

from loaders.arguments import given_with, pobjs, prep_objects, received_as, subjects
from loaders.mentions import MentionIndex
from loaders.patterns import Candidate
from loaders.resolve import argument, arguments, members
from loaders.vocab import giving_verbs, providing_verbs, receipt_verbs

RECEIPT_CONFIDENCE = 0.75


def _received(verb: Any) -> list[tuple[Any, str]]:
    """Return the received nouns of a verb's object with their predicates ("most of its
    funding": funding), conjuncts included."""
    out = []
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        heads = [obj] + [g for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                         for g in pobjs(p)]  # "most of its funding"
        for head in heads:
            for noun in members(head):
                predicate = received_as(noun)
                if predicate is not None:
                    out.append((noun, predicate))
    return out


def _givers(verb: Any, received: list[tuple[Any, str]]) -> list[Any]:
    """Return the objects of "from" on the verb or on a received noun."""
    heads = [verb] + [noun for noun, _ in received]
    return [g for h in heads for p in h.children if p.dep_ == "prep" and p.lower_ == "from"
            for g in pobjs(p)]


def _pointing(token: Any) -> bool:
    """Return True for a common noun that points back ("these groups") without a name to
    stand for: which groups is not resolved here."""
    return token.pos_ == "NOUN" and any(c.lower_ in {"these", "those", "this", "that"}
                                        for c in token.children if c.dep_ == "det")


def receipt_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of receiving verbs in ``sent``: the giver stands in the received
    noun's predicate to the receiver."""
    out: list[Candidate] = []
    verbs = receipt_verbs()
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in verbs:
            continue
        allowed = verbs[verb.lemma_.lower()]
        received = [(n, p) for n, p in _received(verb) if p in allowed]
        givers = _givers(verb, received)
        if not received or not givers:
            continue
        receivers = [r for s in subjects(verb) for r in arguments(index, s)
                     if not (_pointing(s) and r[0].kind == "generic")]
        for predicate, trigger in {p: n for n, p in reversed(received)}.items():
            for giver_tok in givers:
                for giver, g_conf in arguments(index, giver_tok):
                    for receiver, r_conf in receivers:
                        if giver is receiver or giver.kind == "generic" and \
                                receiver.kind == "generic":
                            continue
                        conf = round(RECEIPT_CONFIDENCE * g_conf * r_conf, 3)
                        out.append(Candidate(giver, predicate, receiver, trigger, conf, "verb"))
    return out


def means_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of "with <giver's> <received noun>" on a verb ("the base was
    expanded with Chinese funding", "X was founded with money from Y"): the giver stands in
    the noun's predicate to the verb's subject."""
    out: list[Candidate] = []
    for prep in sent:
        verb = prep.head
        if prep.dep_ != "prep" or prep.lower_ != "with" or verb.pos_ != "VERB":
            continue
        for noun in pobjs(prep):
            predicate = received_as(noun)
            if predicate is None:
                continue
            givers = [g for h in (noun, verb) for p in h.children if p.dep_ == "prep"
                      and p.lower_ == "from" for g in pobjs(p)] + [
                c for c in noun.children if c.dep_ == "poss"] + [
                c for c in noun.lefts if c.dep_ in {"amod", "compound"} and c.text[:1].isupper()]
            giver = argument(index, givers[0]) if len(givers) == 1 else None
            if giver is None or giver[0].kind == "generic":
                continue  # "with Chinese funding": China; "with new funding": no one
            for s_tok in subjects(verb):
                for receiver, r_conf in arguments(index, s_tok):
                    if receiver is not giver[0]:
                        conf = round(RECEIPT_CONFIDENCE * giver[1] * r_conf, 3)
                        out.append(Candidate(giver[0], predicate, receiver, noun, conf, "verb"))
    return out


def provision_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of "X provides Y with <received noun>" ("provides the junta
    with its largest source of foreign currency": X funds Y)."""
    out: list[Candidate] = []
    verbs = providing_verbs()
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in verbs:
            continue
        allowed = verbs[verb.lemma_.lower()]
        recipients = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
        found = [(n, p) for n, p in given_with(verb) if p in allowed]
        if not recipients or not found:
            continue
        trigger, predicate = found[0]
        out.extend(_given(index, verb, recipients, trigger, predicate))
    return out


def giving_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of "X transferred $5 million to Y", "X sent drones to Y": the
    subject gives the object's predicate (a receipt noun of it) to the object of "to"."""
    out: list[Candidate] = []
    verbs = giving_verbs()
    for verb in sent:
        allowed = verbs.get(verb.lemma_.lower()) if verb.pos_ == "VERB" else None
        if not allowed:
            continue
        given = [(n, p) for c in verb.children if c.dep_ == "dobj" for n in members(c)
                 if (p := received_as(n)) is not None and p in allowed]
        receivers = prep_objects([verb], "to")
        if not given or not receivers:
            continue
        trigger, predicate = given[0]
        out.extend(_given(index, verb, receivers, trigger, predicate))
    return out


def _given(index: MentionIndex, verb: Any, receivers: list[Any], trigger: Any,
           predicate: str) -> list[Candidate]:
    """Return the candidates of the verb's named subjects giving ``predicate`` to each
    receiver ("X provides Y with money", "X transferred money to Y")."""
    out: list[Candidate] = []
    for s_tok in subjects(verb):
        for giver, g_conf in arguments(index, s_tok):
            for r_tok in receivers:
                for receiver, r_conf in arguments(index, r_tok):
                    if receiver is not giver and giver.kind == "name":
                        conf = round(RECEIPT_CONFIDENCE * g_conf * r_conf, 3)
                        out.append(Candidate(giver, predicate, receiver, trigger, conf, "verb"))
    return out
