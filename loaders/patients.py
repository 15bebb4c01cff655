"""Relations whose subject is the patient of a passive verb: "X was elected to Y", "X, appointed
to the board of Y in 2019," (X member_of Y).

The verbs and prepositions are ``ig:patientCue`` annotations of the ontology. Whoever
elected or appointed X (the "by" agent, the active subject) is no party to the relation,
so only the passive form and the participle after a name are read.
"""
from __future__ import annotations

from typing import Any

from loaders.arguments import pobjs
from loaders.cues import range_of
from loaders.mentions import MentionIndex
from loaders.patterns import Candidate
from loaders.resolve import argument, members
from loaders.vocab import patient_cues

PATIENT_CONFIDENCE = 0.75


def _patients(verb: Any) -> list[Any]:
    """Return the tokens naming who a passive verb or participle was done to."""
    passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if passive:
        return members(passive[0])
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return [verb.head]  # "X, elected to parliament in 2019, said"
    return []


def patient_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the candidates of patient cues in ``sent``: the passive subject stands in the
    cue's predicate to the object of the cue's preposition."""
    cues = patient_cues()
    out: list[Candidate] = []
    for verb in sent:
        if verb.tag_ != "VBN":
            continue
        lemma = verb.lemma_.lower()
        for prep in (c for c in verb.children if c.dep_ == "prep"):
            predicate = cues.get((lemma, prep.lower_))
            if predicate is None:
                continue
            for who in _patients(verb):
                subject = index.at(who)
                if subject is None or subject.kind == "generic":
                    continue
                for obj_tok in pobjs(prep):
                    got = argument(index, obj_tok, range_of(predicate))
                    if got is not None and got[0] is not subject:
                        out.append(Candidate(subject, predicate, got[0], verb,
                                             round(PATIENT_CONFIDENCE * got[1], 3), "verb"))
    return out
