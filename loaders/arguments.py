"""Argument tokens of a cue: the subjects of a verb (inherited through control, coordination,
relative and participle clauses) and the objects of its prepositions.
"""
from __future__ import annotations

from typing import Any

from loaders.resolve import members
from loaders.vocab import receipt_labels, receipt_nouns

SUBJECT_DEPS = {"nsubj", "csubj"}


def subjects(verb: Any) -> list[Any]:
    """Return the subject tokens of a verb, inherited through xcomp, conj and gerunds.

    A passive clause's surface subject is inherited too ("X was founded in 1998 and
    funds Y"); passive cue verbs take their agent from "by" (``verb_candidates``).
    """
    dep, head = verb.dep_, verb.head
    # of two subjects the parser gave (a dateline read as one), the nearer is the subject
    for child in sorted(verb.children, key=lambda c: -c.i if c.i < verb.i else c.i):
        if child.dep_ in SUBJECT_DEPS or child.dep_ == "nsubjpass":
            if dep == "relcl" and child.tag_ in {"WDT", "WP"}:
                return members(head)  # "Gazprom Neft, which controls ..."
            return members(child)
    if head.i == verb.i:
        return []
    if dep == "xcomp" and head.pos_ == "VERB":
        controller = [c for c in head.children if c.dep_ == "dobj" and c.pos_ == "PROPN"]
        return members(controller[0]) if controller else subjects(head)  # "led X to act"
    if dep in {"xcomp", "conj"} and head.pos_ in {"VERB", "AUX"}:
        return subjects(head)
    if dep == "acomp" and verb.tag_ == "VBN" and head.pos_ in {"VERB", "AUX"}:
        return subjects(head)  # "Kartal is majority-owned by X" read as an adjective
    if dep == "xcomp" and head.pos_ == "ADJ" and head.head.pos_ in {"VERB", "AUX"}:
        return subjects(head.head)  # "Serbia has been reluctant to join"
    if dep == "advcl" and verb.tag_ == "VBG" and head.pos_ in {"VERB", "AUX"}:
        return subjects(head)
    if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
        controller = [c for c in head.head.children if c.dep_ == "dobj"]
        if head.lower_ in {"of", "for", "from", "into"} and controller:  # "accused Russia of
            # funding"; "after hosting X" is the subject's own act
            return members(controller[0])
        return subjects(head.head)
    if dep == "relcl" and any(c.dep_ in SUBJECT_DEPS and c.tag_ in {"WDT", "WP"}
                              for c in verb.children):
        return members(head)
    if dep == "acl" and verb.tag_ in {"VBG", "VBD"}:
        return [head]  # "sanctions targeting Moscow"; "TRT partnered" misparsed as a clause
    if dep == "acl" and verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                  for c in verb.children):
        return [c for c in head.children if c.dep_ == "poss"]  # "Canada's decision to impose"
    return []


def pobjs(prep: Any) -> list[Any]:
    """Return the objects of a preposition and their conjuncts ("of X and Y", "from buying X")."""
    out = []
    for c in prep.children:
        if c.dep_ == "pobj":
            out.extend(members(c))
        elif c.dep_ == "pcomp":
            out.extend(pobjs(c))
    return out


def prep_objects(heads: list[Any], prep_word: str) -> list[Any]:
    """Return the objects of the preposition ``prep_word`` hanging on any of ``heads``."""
    out = []
    for head in heads:
        for c in head.children:
            if c.dep_ in {"prep", "agent", "dative"} and c.lower_ == prep_word:
                out.extend(pobjs(c))
    return out


def received_as(noun: Any) -> str | None:
    """Return the predicate a received noun with its modifiers is received under
    (``ig:receiptNoun`` 'funding', ``ig:receiptLabel`` '$60 million': funds), or None."""
    nouns = receipt_nouns()
    mods = " ".join(t.lower_ for t in noun.lefts if t.dep_ in {"amod", "compound"})
    for key in (f"{mods} {noun.lower_}".strip(), noun.lower_, noun.lemma_.lower()):
        if key in nouns:
            return nouns[key]
    return receipt_labels().get(noun.ent_type_)


def given_with(verb: Any) -> list[tuple[Any, str]]:
    """Return the received nouns a verb gives "with", with their predicates ("provides X with
    money": funds; "with its largest source of foreign currency": funds)."""
    withs = [g for p in verb.children if p.dep_ == "prep" and p.lower_ == "with"
             for g in pobjs(p)]
    return [(n, pred) for g in withs for n in [g] + [
        x for p in g.children if p.dep_ == "prep" and p.lower_ == "of" for x in pobjs(p)]
        if (pred := received_as(n)) is not None]
