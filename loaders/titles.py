"""Titles written before a person's name, read by word order.

The small model parses a long title before a name in many ways ("U.S. Secretary of
State A", "said Under Secretary of the Treasury for Terrorism and Financial Intelligence
B"), so the dependency patterns miss the role. Here the words before a person's name
are read right to left: an optional portfolio ("for Terrorism and Financial
Intelligence"), an optional organization ("of the Treasury"), a capitalized role cue
("Secretary", "Secretary of State"), its modifiers ("Under", "Deputy") and the
organization or country written before it ("U.S.", "Treasury", "Georgian"). A title
with no organization gives nothing.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from core.names import name_key
from loaders.cues import all_role_cues, range_of
from loaders.heads import bare_titles
from loaders.mentions import Mention, MentionIndex
from loaders.patterns import Candidate
from loaders.resolve import argument, identity, is_person
from loaders.vocab import office_predicate
from ontology import Actor, get_ontology

TITLE_CONFIDENCE = 0.8
# Longest role cue read before a name, in words ("deputy foreign minister").
MAX_CUE_WORDS = 4
# Longest office title of the gazetteer, in words.
MAX_OFFICE_WORDS = 16
# Longest portfolio after "for" ("for Foreign Affairs and Security Policy").
MAX_PORTFOLIO_WORDS = 8
# Capitalized words that qualify a title without naming a body.
TITLE_MODIFIERS = {"under", "deputy", "assistant", "acting", "vice", "chief", "senior",
                   "special", "principal", "first", "former", "interim", "then"}
ORG_TYPES = {"Organization", "GovernmentBody", "Country", "PoliticalParty", "MediaOutlet",
             "Company", "ArmedGroup", "InternationalOrganization"}


def people_in(index: MentionIndex, start: int, end: int, surnames: bool = False) -> list[Mention]:
    """Return the persons' name mentions that start in tokens [start, end), in order; with
    ``surnames``, also a surname of a person named in full that NER typed otherwise."""
    out = []
    for i in range(start, end):
        m = index.by_token.get(i)
        if m is not None and m.start == i and m.kind == "name" and (
                m.type == "Person" or surnames and is_person(index, m)):
            out.append(m)
    return out


def _capitalized(tok: Any) -> bool:
    return tok.text[:1].isupper()


def _portfolio_start(doc: Any, first: int, j: int) -> int:
    """Return the index of "for" opening a capitalized portfolio that ends at ``j``, or -1."""
    k = j
    while k >= first and j - k < MAX_PORTFOLIO_WORDS and (
            _capitalized(doc[k]) or doc[k].lower_ in {"and", "&", ","}):
        k -= 1
    if k >= first and k < j and doc[k].lower_ == "for" and _capitalized(doc[k + 1]):
        return k
    return -1


def _cue_before(doc: Any, first: int, j: int) -> tuple[int, str] | None:
    """Return (start, cue) of the longest capitalized role cue that ends at ``j``."""
    cues = all_role_cues()
    for n in range(MAX_CUE_WORDS, 0, -1):
        start = j - n + 1
        if start < first:
            continue
        words = doc[start:j + 1]
        phrase = " ".join(t.lower_ for t in words)
        if phrase in cues and _capitalized(words[0]) and _capitalized(words[-1]):
            return start, phrase
    return None


def _org_at(index: MentionIndex, i: int, person: Mention) -> Mention | None:
    """Return the organization or country mention that ends at token ``i``."""
    found = index.by_token.get(i)
    if found is None or found is person or found.end != i + 1 or found.type not in ORG_TYPES:
        return None
    return found


def _org_of(index: MentionIndex, first: int, j: int, person: Mention) -> tuple[int, Mention] | None:
    """Return (index of "of", organization) when the words ending at ``j`` read "of (the) ORG"."""
    org = _org_at(index, j, person)
    if org is None:
        return None
    k = org.start - 1
    if k >= first and index.doc[k].lower_ == "the":
        k -= 1
    if k >= first and index.doc[k].lower_ == "of":
        return k, org
    return None


def _title_of(index: MentionIndex, sent: Any, person: Mention, bare: bool = True
              ) -> tuple[Any, str, Mention] | None:
    """Return (trigger token, cue, organization) of the title written before ``person``; a
    bare title ("President A B") only when ``bare``."""
    doc, first = index.doc, sent.start
    j = person.start - 1
    if j < first:
        return None
    k = _portfolio_start(doc, first, j)
    if k >= 0:
        j = k - 1
    org = None
    cue = _cue_before(doc, first, j)
    if cue is None:
        of = _org_of(index, first, j, person)
        if of is None:
            return None
        org = of[1]
        cue = _cue_before(doc, first, of[0] - 1)
        if cue is None:
            return None
        trigger = doc[of[0] - 1]
    else:
        trigger = doc[j]
    i = cue[0] - 1
    while i >= first and doc[i].lower_ in TITLE_MODIFIERS and _capitalized(doc[i]):
        i -= 1
    if org is None and i >= first:
        if doc[i].lower_ in {"'s", "’s"}:
            i -= 1
        org = _org_at(index, i, person)
    if org is None and bare and cue[1] in bare_titles():
        # "President A B" where one country is named, "General Secretary A B" and one party
        org = _sole_body(index, sent, person, bare_titles()[cue[1]])
    if org is None:
        return None
    return trigger, cue[1], org


def _sole_body(index: MentionIndex, sent: Any, person: Mention, type_name: str
               ) -> Mention | None:
    """Return the one body of ``type_name`` named in the sentence before ``sent`` and in
    ``sent`` (a country by name or capital, not by demonym); None when none or several are,
    or when another person's title there names it."""
    doc = index.doc
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    found = {identity(index, m): m for m in index.mentions if start <= m.start < sent.end
             and m is not person and m.kind == "name" and (
                 m.actor.type == type_name if m.actor is not None else
                 type_name != "Country" and m.type == type_name)}
    if len(found) != 1:
        return None
    # "President A, an ally of Russian President B": Russia's president is B
    held = {identity(index, got[2]) for other in people_in(index, start, sent.end)
            if other is not person
            and (got := _title_of(index, doc[other.start].sent, other, bare=False)) is not None}
    return None if held & found.keys() else next(iter(found.values()))


def title_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return leads/member_of candidates of titles written before a person's name
    ("U.S. Secretary of State A": A member_of the United States; "Under Secretary of the
    Treasury for Terrorism and Financial Intelligence B": B member_of the Treasury)."""
    cues = all_role_cues()
    out: list[Candidate] = []
    for person in people_in(index, sent.start, sent.end):
        found = _title_of(index, sent, person)
        if found is None:
            continue
        trigger, cue, org = found
        predicate, inverse = cues[cue]
        if inverse:
            continue
        got = argument(index, index.doc[org.end - 1], range_of(predicate))
        if got is None or got[0] is person:
            continue
        out.append(Candidate(person, predicate, got[0], trigger, TITLE_CONFIDENCE, "role"))
    return out


@lru_cache(maxsize=1)
def offices() -> dict[str, Actor]:
    """Return the gazetteer's actors by the key of each office title they hold
    (``ig:office``: "High Representative for Foreign Affairs and Security Policy")."""
    return {name_key(o): a for a in get_ontology().actors for o in a.offices}


def _office_at(doc: Any, start: int, end: int, forward: bool) -> tuple[Actor, int, int] | None:
    """Return (actor, start, end) of the longest office title that starts at ``start``
    (``forward``) or ends just before ``end``, within [start, end)."""
    known = offices()
    for n in range(min(MAX_OFFICE_WORDS, end - start), 0, -1):
        first = start if forward else end - n
        words = doc[first:first + n]
        actor = known.get(name_key(words.text))
        if actor is not None and _capitalized(words[0]):
            return actor, first, first + n
    return None


def office_titles(index: MentionIndex, sent: Any) -> list[tuple[Mention, Actor, int, int]]:
    """Return (person, actor, start, end) of each office of the gazetteer written beside a
    person's name in ``sent`` ("A, High Representative for Foreign Affairs and Security
    Policy"; the office before the name)."""
    if not offices():
        return []
    doc = index.doc
    out = []
    for person in people_in(index, sent.start, sent.end):
        after = person.end + 1 if person.end < sent.end and doc[person.end].text == "," else -1
        if 0 <= after < sent.end and doc[after].lower_ == "the":
            after += 1
        found = _office_at(doc, after, sent.end, True) if after >= 0 else None
        if found is None:
            found = _office_at(doc, sent.start, person.start, False)
        if found is not None:
            out.append((person, *found))
    return out


def office_candidates(index: MentionIndex, sent: Any,
                      found: list[Candidate]) -> list[Candidate]:
    """Return ``found`` without the relations read inside an office title of the gazetteer
    ("leads Foreign Affairs"), plus member_of of each office holder and the office's body:
    the office names its body even when the text does not."""
    titles = office_titles(index, sent)
    spans = [(start, end) for _, _, start, end in titles]

    def inside(i: int) -> bool:
        return any(start <= i < end for start, end in spans)

    out = [c for c in found if not (inside(c.trigger.i) or inside(c.subject.start)
                                    or inside(c.object.start))]
    for person, actor, start, _ in titles:
        body = Mention(-1, -1, actor.name, actor.type, "name", actor=actor)
        out.append(Candidate(person, office_predicate(), body, index.doc[start],
                             TITLE_CONFIDENCE, "role"))
    return out
