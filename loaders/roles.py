"""Titles and role nouns: who holds a role in which body ("Serbian President Aleksandar
Vučić", "X, the director of Y", "Y's chairman X", "X is the head of Y", "NATO member
Croatia", "a front company for Y", "deputy interior minister").

The holder is found by apposition, copula, title compound, "serves as" or coordination;
the body by a modifier, a possessive, a preposition ("of", "at", "from"), a parenthesis, or
the ministry a portfolio names (``loaders.portfolios``). The predicate is the role cue's
(``ig:roleCue``; inverse cues such as "subsidiary" read the other way).
"""
from __future__ import annotations

from typing import Any

from loaders.arguments import pobjs, subjects
from loaders.cues import range_of, role_of
from loaders.headers import header_holder, office_holder
from loaders.heads import head_type, population_nouns
from loaders.mentions import MentionIndex
from loaders.patterns import Candidate, relative
from loaders.portfolios import portfolio_body
from loaders.resolve import antecedent, argument
from loaders.vocab import in_body_predicate, to_role_cues
from ontology import get_ontology

# English grammar: prepositions that attach the body of a role ("director of", "analyst at").
ROLE_PREPS = {"at", "of", "for", "with", "in", "from"}


def _role_holders(index: MentionIndex, token: Any) -> list[Any]:
    """Return the tokens naming who holds the role ``token``: by apposition, copula,
    title compound, "serves as", or the holder of a coordinated role."""
    holders: list[Any] = []
    if token.dep_ == "compound" and token.head.i in index.by_token or token.dep_ == "appos":
        holders = [token.head]
    elif token.dep_ == "attr" and token.head.pos_ in {"AUX", "VERB"}:
        holders = subjects(token.head)  # "X is the head of Y"; "X became chairman of Y"
    elif token.dep_ == "oprd" and token.head.pos_ == "VERB":
        # "the board named X chairman of Y"; "X was appointed director of Y"
        holders = [c for c in token.head.children if c.dep_ == "dobj"] or subjects(token.head)
    elif token.dep_ == "nsubj" and token.head.lemma_ == "be":
        holders = [c for c in token.head.children if c.dep_ == "attr"]  # "Its chairman is X"
    elif token.dep_ == "pobj" and token.head.lower_ == "as" and token.head.head.pos_ == "VERB":
        verb = token.head.head  # "X serves as editor-in-chief of Y"; "identified X as head of Y"
        holders = [c for c in verb.children if c.dep_ == "dobj"] or subjects(verb)
    elif token.dep_ == "conj" and token.head.pos_ in {"NOUN", "PROPN"} and \
            role_of(token.head) is not None:  # "the deputy head of X and member of Y"
        holders = _role_holders(index, token.head)
    elif token.dep_ == "conj" and (role := _role_above(token.head)) is not None:
        holders = _role_holders(index, role)  # "the president of X and member of Y" misparsed
    holders = [x for h in holders for r in (relative(h) if h.tag_ in {"WDT", "WP"} else [h])
               for x in _copula_subject(index, r)]  # "X, which Y sanctioned as a front for Z"
    holders += [c for c in token.children if c.dep_ == "appos"]
    holders += [c for h in list(holders) for c in h.children
                if c.dep_ == "appos" and c.i != token.i]
    if holders:
        return holders
    above = header_holder(index, token) or office_holder(index, token)  # "Ambassador A B" /
    # "U.S. Representative to Y"; an infobox's "Head of X" / "In office"
    return _colon_holders(index, token) or ([index.doc[above.end - 1]] if above else [])


def _copula_subject(index: MentionIndex, noun: Any) -> list[Any]:
    """Return the subject a common noun is predicated of ("X is a businessman and politician
    who served as Y": X), or the noun itself."""
    attr = noun.head if noun.dep_ == "conj" else noun
    if noun.i in index.by_token or noun.pos_ != "NOUN" or attr.dep_ != "attr" or \
            attr.head.lemma_ != "be":
        return [noun]
    return [s for s in subjects(attr.head) if s.i in index.by_token] or [noun]


def _colon_holders(index: MentionIndex, token: Any) -> list[Any]:
    """Return the people a plural role names after a colon that ends its phrase ("three of
    its executives resident in X: A, B, and C"), when the list runs to the sentence's end."""
    if token.tag_ not in {"NNS", "NNPS"}:
        return []
    sent, doc = token.sent, token.doc
    colon = next((t.i for t in doc[token.i + 1:min(token.i + 14, sent.end)]
                  if t.text in {":", ";"} or t.pos_ in {"VERB", "AUX"} and t.dep_ not in {
                      "prep", "acl"}),
                 None)  # "including one national:" is part of the phrase
    if colon is None or doc[colon].text != ":":
        return []
    out = []
    for t in doc[colon + 1:sent.end]:
        m = index.by_token.get(t.i)
        if m is not None and m.start == t.i and m.kind == "name" and m.type == "Person":
            out.append(t)
        elif m is None and t.is_alpha and t.lower_ != "and":
            return []  # more than a list of names follows
    return out


def _role_above(noun: Any) -> Any:
    """Return the role noun whose "of" object ``noun`` is ("the president of [the committee]
    and member of Y": the parser joins "member" to "committee"), or None."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "of" or prep.head.pos_ not in {"NOUN", "PROPN"}:
        return None
    return prep.head if role_of(prep.head) is not None else None


def _orgs_after_parenthesis(token: Any) -> list[Any]:
    """Return the "of" objects after a parenthesis that follows a role ("the Governor
    ('Bashkan') of X": the parser hangs "of X" elsewhere)."""
    doc, i = token.doc, token.i + 1
    if i >= len(doc) or doc[i].text != "(":
        return []
    while i < len(doc) and doc[i].text != ")" and i - token.i < 8:
        i += 1
    if i + 1 >= len(doc) or doc[i].text != ")" or doc[i + 1].lower_ != "of":
        return []
    return pobjs(doc[i + 1])


def _parenthesized(token: Any) -> bool:
    """Return True for a word inside parentheses a few words long."""
    doc = token.doc
    for i in range(token.i - 1, max(token.i - 4, -1), -1):
        if doc[i].text == ")":
            return False
        if doc[i].text == "(":
            return True
    return False


def _coordinated_orgs(index: MentionIndex, token: Any) -> list[Any]:
    """Return the body of the role a role is coordinated with ("its director and founder,
    X": founder of "its" too), when this role names none of its own."""
    head = token.head
    if token.dep_ != "conj" or role_of(head) is None or \
            any(c.dep_ == "prep" for c in token.children):
        return []
    return [c for c in head.children if c.dep_ == "poss"] or \
        [o for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for o in pobjs(c)]


def role_candidates(index: MentionIndex, token: Any) -> list[Candidate]:
    """Return leads/member_of candidates of a title or role noun.

    "Serbian President Aleksandar Vučić", "NATO member Croatia", "Morina, an expert at
    the ECFR", "Lawson is a reporter at The Dispatch", "the head of X, Y".
    """
    if token.pos_ not in {"NOUN", "PROPN"} or token.i in index.by_token:
        return []
    found = role_of(token)
    if found is None:
        return []
    predicate, chain = found
    inverse = predicate.startswith("^")
    predicate = predicate.lstrip("^")
    holders = _role_holders(index, token)
    if not holders:
        return []
    orgs: list[Any] = []
    for c in [*token.lefts, *(g for t in chain for g in t.lefts)]:
        if c.dep_ in {"amod", "compound", "nmod"} and c.i in index.by_token:
            orgs.append(c)
        elif c.dep_ == "compound" and c.pos_ == "NOUN" and (kind := head_type(c)) and \
                get_ontology().is_a(kind, "Organization") and \
                (back := antecedent(index, c, set(), kind)) is not None:
            orgs.append(index.doc[back.end - 1])  # "ministry spokesperson A": that ministry
    for c in token.children:
        if c.dep_ == "prep" and (c.lower_ in ROLE_PREPS or c.lower_ == "to" and
                                 token.lemma_.lower() in to_role_cues()):
            # "a commander in North Darfur" holds no role of the place; "an adviser to X"
            orgs.extend(o for o in pobjs(c) if c.lower_ not in {"in", "from"} or (
                (m := index.by_token.get(o.i)) is None or m.type != "Country"))
        elif c.dep_ == "poss" and c.pos_ == "PRON" and token.dep_ == "conj" and \
                token.head.i in index.by_token:
            orgs.append(token.head)  # "X and its director, Y": "its" is the conjoined X
        elif c.dep_ == "poss":
            orgs.append(c)  # "Serbia's interior minister", "its chairman"
    body = portfolio_body(index, token)  # "deputy interior minister": the ministry
    if body is not None and body not in orgs:
        orgs.append(body)
    if not orgs:
        orgs = _orgs_after_parenthesis(token) or _coordinated_orgs(index, token)
    if not orgs and token.dep_ == "compound" and token.head.dep_ == "pobj" and \
            token.head.head.lower_ == "of" and token.head.head.head.i in index.by_token:
        orgs.append(token.head.head.head)  # "the National Party of former President X"
    out = []
    person_only = get_ontology().predicate(predicate).domain == ("Person",)
    for holder in holders:
        h, weight = index.at(holder), 1.0
        if h is None and holder.dep_ in {"nsubj", "nsubjpass"} and holder.pos_ in {
                "NOUN", "PRON"} and (found_h := argument(index, holder)) is not None and \
                found_h[0].kind == "name":
            h, weight = found_h  # "The company is a subsidiary of Y": the company named before
        if h is None or h.kind == "generic" or _parenthesized(holder):
            continue  # "the Governor ('Bashkan') of X": the local word for the title
        if person_only and h.actor is None and h.type != "Person":
            h.type = "Person"  # only a person holds this title: NER said otherwise
        for org in orgs:
            if org.lower_ in population_nouns():
                continue  # "People's Deputy of Ukraine": a title, no body called "People"
            org = _whole_body(index, org)
            o = argument(index, org, range_of(predicate))
            if o is None or o[0] is h:
                continue
            subject, obj = (o[0], h) if inverse else (h, o[0])  # "X, a front company for Y"
            stated = predicate
            if org.i < token.i and o[0].type == "InternationalOrganization":
                stated = in_body_predicate(predicate) or predicate  # "our NATO ally X"
            out.append(Candidate(subject, stated, obj, token, round(0.9 * o[1] * weight, 3),
                                 "role"))
    return out


def _whole_body(index: MentionIndex, org: Any) -> Any:
    """Return the named body an unnamed organ belongs to ("chairman of the political council
    of the party For Life": For Life), else ``org``."""
    if org.pos_ != "NOUN" or org.i in index.by_token or head_type(org) is None:
        return org
    for prep in org.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for pobj in pobjs(prep):
            if pobj.i in index.by_token and index.by_token[pobj.i].kind == "name":
                return pobj
            after = index.by_token.get(pobj.i + 1)
            if pobj.pos_ == "NOUN" and head_type(pobj) is not None and after is not None and \
                    after.start == pobj.i + 1 and after.kind == "name":
                return index.doc[after.end - 1]  # "the political party For Life"
    return org
