"""Dependency patterns that find relation candidates in a parsed sentence.

Every predicate comes from the ontology's cue words: verb cues ("invest in": the verb
lemma and the preposition before the object), noun cues ("invasion" in "X's invasion
of Y") and role cues ("President" in "Serbian President Aleksandar Vučić"). The cue
tables are read in ``loaders.cues``, argument tokens found in ``loaders.arguments``; the
patterns here only know English grammar: subjects and objects, passives, relative and
participle clauses, coordination, possessives, appositions and copulas.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.arguments import SUBJECT_DEPS, given_with, pobjs, prep_objects, subjects
from loaders.cues import (
    VerbCue,
    cue_lemma,
    noun_cues,
    range_of,
    role_cues,
    role_of,
    verb_cues,
)
from loaders.mentions import Mention, MentionIndex, implicit_agent
from loaders.heads import head_type, light_verbs, population_nouns, state_nouns
from loaders.resolve import (
    MEMBER_MARKERS,
    QUOTES,
    argument,
    arguments,
    content_producer,
    listed,
    members,
)
from loaders.vocab import (
    content_nouns,
    cue_exceptions,
    implicit_agent_predicates,
    instrument_nouns,
    instrument_verbs,
    noun_preps,
    reason_cues,
    typed_object_cues,
)
from ontology import get_ontology

__all__ = [
    "Candidate",
    "VerbCue",
    "noun_candidates",
    "noun_cues",
    "prep_objects",
    "range_of",
    "role_cues",
    "role_of",
    "sentence_candidates",
    "subjects",
    "verb_candidates",
    "verb_cues",
]

# English grammar, not vocabulary: prepositions that attach the object of a nominalization
# ("invasion of", "sanctions against", "talks between").
NOUN_OBJECT_PREPS = {"of", "on", "in", "into", "against", "with", "between", "to", "over", "for",
                     "toward", "towards", "upon", "among"}
SYMMETRIC_PREPS = {"with", "between", "among", "of", "to"}


@dataclass
class Candidate:
    """A relation found in a sentence, before resolution, modality and type checks."""

    subject: Mention
    predicate: str
    object: Mention
    trigger: Any
    confidence: float
    kind: str  # "verb", "noun", "role"


# What reads a title or role noun ("Serbian President A B"): ``loaders.roles``.
RoleReader = Callable[[MentionIndex, Any], list[Candidate]]


# ---------------------------------------------------------------- verb patterns


def _near_words(verb: Any) -> set[str]:
    """Return the lemmas of a verb's children and grandchildren and its children's words."""
    near = {c.lemma_.lower() for c in verb.children} | {
        g.lemma_.lower() for c in verb.children for g in c.children}
    near |= {c.lower_ for c in verb.children}
    return near


def _cue_fits(cue: VerbCue, near: set[str]) -> bool:
    return all(w in near for w in cue.words)


def _voice(index: MentionIndex, verb: Any) -> tuple[bool, bool, list[Any]]:
    """Return (passive, participle, agent tokens) of a cue verb."""
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) or (
        verb.dep_ == "acomp" and verb.tag_ == "VBN" and any(c.dep_ == "agent"
                                                            for c in verb.children))
    participle = verb.dep_ in {"acl", "amod"} and verb.tag_ == "VBN"
    if not passive and verb.dep_ in {"pcomp", "conj", "xcomp"} and verb.tag_ == "VBN":
        passive = any(c.dep_ == "auxpass" for c in verb.head.children) or any(
            c.lower_ == "being" for c in verb.lefts)  # "for being owned or controlled by"
    # "owned or controlled by X": participles joined with nothing between share the agent
    linked = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.i == verb.i + 2)]
    if verb.dep_ == "conj" and verb.head.i == verb.i - 2:
        linked.append(verb.head)
    agents = prep_objects(linked, "by") if passive or participle else []
    if participle and not agents:  # "EU-brokered talks", "Kremlin-funded outlets"
        agents = [c for c in verb.lefts if c.dep_ in {"npadvmod", "compound", "nmod"}
                  and c.i in index.by_token] or _state_agent(index, verb)
    return passive, participle, agents


def _state_agent(index: MentionIndex, verb: Any) -> list[Any]:
    """Return the country of "Iran's state-owned X", "an Iranian state-run network": a
    participle whose agent is the word for a state takes the country that qualifies the
    phrase (its possessor or demonym); nothing when no country does."""
    if not any(c.dep_ in {"npadvmod", "compound", "nmod"} and c.i not in index.by_token and (
            head_type(c) == "Country" or c.lower_ in state_nouns()) for c in verb.lefts):
        return []
    phrase = verb.head  # "Iran's state-owned X", "a state-owned Eritrean firm"
    return [c for c in phrase.children if c.dep_ in {"poss", "amod", "compound", "nmod"}
            and c.i < phrase.i and (m := index.by_token.get(c.i)) is not None
            and m.actor is not None and m.actor.type == "Country"]


def _passive_objects(verb: Any, cue: VerbCue, participle: bool) -> list[Any]:
    """Return the object tokens of a passive or participle cue verb ("X was funded by Y")."""
    if cue.prep and cue.prep != "by":
        return prep_objects([verb], cue.prep)
    if participle:  # "Russia-controlled X and Y": X only
        head = _named_before_comma(verb) or _described_after_comma(verb.head) or verb.head
        if head.dep_ in {"appos", "compound"} and head.pos_ == "NOUN" and \
                head.head.pos_ == "PROPN":
            # "the Houthis, a militant group backed by Iran"; "the state-owned group X"
            head = head.head
        return members(head, conjuncts=verb.dep_ != "amod")
    found = [m for c in verb.children if c.dep_ == "nsubjpass" for m in relative(c)]
    if not found and verb.dep_ == "conj":
        found = [m for c in verb.head.children if c.dep_ == "nsubjpass"
                 for m in members(c)] or subjects(verb.head)
    return (found or subjects(verb)) + _as_well_as(verb)


def _named_before_comma(verb: Any) -> Any:
    """Return the proper noun a participle clause set off by a comma follows ("the war
    between X (ACR), led by Y,": X, which the parser missed for "war"), or None when the
    parser's head is that noun or no proper noun stands there."""
    doc = verb.doc
    i = verb.i - 1
    if verb.dep_ != "acl" or i < 1 or doc[i].text != ",":
        return None
    i -= 1
    if doc[i].text == ")":  # a parenthesized short form: "X (ACR),"
        while i > 0 and doc[i].text != "(":
            i -= 1
        i -= 1
    tok = doc[i]
    if tok.pos_ != "PROPN" or tok.i == verb.head.i or verb.head.pos_ == "PROPN":
        return None
    while tok.dep_ == "compound" and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _described_after_comma(noun: Any) -> Any:
    """Return the proper noun an indefinite description set off by a comma follows ("the X
    Fund, a foundation established by Y": Fund), when the parser attached the description
    elsewhere; else None."""
    doc = noun.doc
    first = noun.left_edge.i
    if noun.pos_ != "NOUN" or first < 2 or doc[first].lower_ not in {"a", "an"} or \
            doc[first - 1].text != "," or doc[first - 2].pos_ != "PROPN" or \
            noun.dep_ == "appos" or head_type(noun) is None:
        return None
    tok = doc[first - 2]
    while tok.dep_ == "compound" and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _as_well_as(verb: Any) -> list[Any]:
    """Return the nouns added to a passive clause by "as well as" ("X is sanctioned, as well
    as its director, Y"): the parser hangs them on the verb."""
    cc = next((c for c in verb.children if c.dep_ == "cc" and c.lower_ == "as"
               and any(g.lower_ == "well" for g in c.children)), None)
    if cc is None:
        return []
    nouns = [m for c in verb.children if c.i > cc.i and c.dep_ in {"dep", "conj"}
             and c.pos_ in {"NOUN", "PROPN"} for m in members(c)]
    return [next((a for a in n.children if a.dep_ == "appos" and a.pos_ == "PROPN"), n)
            for n in nouns]  # "its director, Y": Y


def _active_objects(verb: Any, cue: VerbCue) -> list[Any]:
    """Return the object tokens of an active cue verb ("X funds Y", "X invests in Y")."""
    dobj = [c for c in verb.children if c.dep_ in {"dobj", "obj"}]
    # an object right after another object's phrase ends belongs inside that phrase ("X, a
    # company that works for official B": B read as a second object of the verb)
    dobj = [d for d in dobj if not any(e.i < d.i and e.right_edge.i + 1 == d.left_edge.i
                                       for e in dobj)]
    if cue.prep:
        found = prep_objects([verb, *dobj], cue.prep)
        if not found and cue.words:
            found = [g for d in dobj for c in d.children if c.dep_ == "acl"
                     for g in c.children if g.dep_ == "dobj"]
        if not found and cue.prep in {c.lower_ for c in verb.children if c.dep_ == "prt"}:
            found = [m for d in dobj for m in members(d)]
        return found
    if cue.words and all(w in {d.lemma_.lower() for d in dobj} for w in cue.words):
        return []
    if not dobj:  # "owns and operates X": the first verb shares the second's object
        dobj = [d for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"
                and c.i == verb.i + 2 and verb.doc[verb.i + 1].lower_ in {"and", "or"}
                for d in c.children if d.dep_ in {"dobj", "obj"}]
    found = [m for d in dobj for m in relative(d)]
    found += [m for c in verb.children if c.dep_ == "dative" and c.pos_ != "ADP"
              for m in members(c)]
    return found + prep_objects([verb], "to")  # "supplied gas to X": types decide


def relative(token: Any) -> list[Any]:
    """Return the members of an argument token; for the relative pronoun of a relative
    clause, the noun the clause qualifies, or the name that noun is in apposition to
    ("Gazprom, which is owned by X"; "Alpha, a company that X sanctioned")."""
    clause = token.head
    if token.tag_ not in {"WDT", "WP"} or clause.dep_ != "relcl":
        return members(token)
    noun = clause.head
    if noun.dep_ == "appos" and noun.pos_ == "NOUN" and noun.head.pos_ == "PROPN":
        noun = noun.head
    return members(noun)


def verb_candidates(index: MentionIndex, verb: Any) -> list[Candidate]:
    """Return the candidates of one verb whose lemma is a cue."""
    cues = verb_cues().get(verb.lemma_.lower(), ())
    if not cues:
        return []
    passive, participle, agents = _voice(index, verb)
    out: list[Candidate] = []
    near = _near_words(verb) if any(cue.words for cue in cues) else set()
    preds = {c.predicate for c in cues}
    for cue in cues:
        if not _cue_fits(cue, near) or given_otherwise(verb, cue.predicate):
            continue
        symmetric = get_ontology().predicate(cue.predicate).symmetric
        if passive and not agents and cue.prep not in {None, "by"} and symmetric:
            # "Orban is allied with Vucic": a state, not a passive with a hidden agent
            subj_toks = [m for c in verb.children if c.dep_ == "nsubjpass" for m in members(c)]
            obj_toks = prep_objects([verb], cue.prep)
            out.extend(_pairs(index, subj_toks, obj_toks, cue.predicate, verb, 0.8, "verb"))
            continue
        if passive or participle:
            subj_toks, obj_toks, conf = agents, _passive_objects(verb, cue, participle), 0.8
            among = _among_those(verb)
            if among is not None:
                obj_toks = among
            if not agents and cue.predicate in implicit_agent_predicates():
                if verb.dep_ in {"amod", "acl", "relcl"} or verb.head.dep_ in {"acl", "relcl"}:
                    obj_toks = _copula_other(verb) or obj_toks  # "the sanctioned X are A, B"
                objs = [x for o in obj_toks for x in _through_part(index, o)]
                out.extend(_implicit_pairs(index, objs, cue.predicate, verb, 0.7, "verb"))
                continue
        else:
            subj_toks, obj_toks = subjects(verb), _active_objects(verb, cue)
            if cue.predicate in implicit_agent_predicates():
                subj_toks = [a for t in subj_toks for a in _instrument_agent(t, cue.predicate)]
                if not subj_toks and subjects(verb):  # "a determination that designates X"
                    objs = [x for o in obj_toks for x in _through_part(index, o)]
                    out.extend(_implicit_pairs(index, objs, cue.predicate, verb, 0.7, "verb"))
                    continue
            conf = 0.85 if any(c.dep_ in SUBJECT_DEPS for c in verb.children) else 0.75
            if not obj_toks:  # "Kremlin narratives" read as a clause
                obj_toks = [c for c in verb.children if c.dep_ == "ccomp"]
        obj_toks = [o for o in obj_toks if not _foreign_content(o, {cue.predicate})]
        obj_toks = [content_producer(_through_share(o, preds), preds) for o in obj_toks]
        obj_toks = [x for o in obj_toks for x in [o, *_conjoined_pobjs(o)]]
        obj_toks = [x for o in obj_toks for x in _through_part(index, o)]
        if range_of(cue.predicate) and "Asset" not in range_of(cue.predicate):
            obj_toks = [_goods_owner(o) for o in obj_toks]  # "supply the military's aircraft"
        if cue.lemma in typed_object_cues().get(cue.predicate, ()):
            obj_toks = [o for o in obj_toks if _typed_itself(index, o)]
        if any(said_by_noun(cue, d) for d in verb.children if d.dep_ in {"dobj", "obj"}):
            continue  # "provided support to Y": the noun's relation, not supplying Y
        if not obj_toks and symmetric and len(subj_toks) > 1:
            # "Serbia and Russia signed an agreement"
            out.extend(_pairs(index, subj_toks[:1], subj_toks[1:], cue.predicate, verb, 0.7,
                              "verb"))
        out.extend(_pairs(index, subj_toks, obj_toks, cue.predicate, verb, conf, "verb"))
    return out


def _goods_owner(token: Any) -> Any:
    """Return the possessor of goods an actor-taking cue has as object ("most of the
    military's aircraft": the military), else ``token``."""
    goods = token
    if token.is_stop:  # "most of", "some of"
        goods = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), token)
    if head_type(goods) != "Asset":
        return token
    return next((c for c in goods.children if c.dep_ == "poss" and c.pos_ != "PRON"), token)


def said_by_noun(cue: VerbCue, obj: Any) -> bool:
    """Return True when a light verb's object is a noun cue of another predicate ("held
    talks": the talks state the relation, not "hold" for owning)."""
    return cue.lemma in light_verbs() and bool(
        set(noun_cues().get(obj.lower_, ()) + noun_cues().get(obj.lemma_.lower(), ()))
        - {cue.predicate})


def _typed_itself(index: MentionIndex, token: Any) -> bool:
    """Return True for an object that is a name, has a typing head noun or is counted ("12
    Rafale jets"), not a noun only the predicate's range would type ("the arrest")."""
    return token.i in index.by_token or head_type(token) is not None or any(
        c.dep_ == "nummod" for c in token.children)


def given_otherwise(verb: Any, predicate: str) -> bool:
    """Return True when the verb's cue of ``predicate`` says nothing: what it gives "with" is
    received under another predicate ("provides X with money": funding, not supplying), or
    it carries a preposition that gives it another sense ("listed on the exchange")."""
    lemma = verb.lemma_.lower()
    if any((lemma, p.lower_) in cue_exceptions().get(predicate, ()) for p in verb.children
           if p.dep_ == "prep"):
        return True
    found = {pred for _, pred in given_with(verb)}
    return bool(found) and predicate not in found


def _conjoined_pobjs(token: Any) -> list[Any]:
    """Return the objects of prepositions coordinated with the one ``token`` is the object of
    ("talking points of X and of Y": Y)."""
    if token.dep_ != "pobj":
        return []
    preps = [token.head] + [c for c in token.children if c.dep_ == "prep"
                            and c.lower_ == token.head.lower_]  # the parser may hang it lower
    return [g for p in preps for c in p.children if c.dep_ == "conj" and c.pos_ == "ADP"
            and c.lower_ == token.head.lower_ for g in pobjs(c)]


def _foreign_content(token: Any, predicates: set[str]) -> bool:
    """Return True for an object that is content of other predicates only ("welcomed the
    efforts of X": efforts are supported, not met), a common noun with no name of its own."""
    if token.pos_ != "NOUN":
        return False
    found = set(content_nouns().get(token.lower_, ())) | set(
        content_nouns().get(token.lemma_.lower(), ()))
    return bool(found) and not found & predicates


def _among_those(verb: Any) -> list[Any] | None:
    """Return the members named in "Among those designated are X and Y" (the participle's
    pronoun is the object of "among", hanging on a copula), else None."""
    pron = verb.head
    if verb.dep_ != "acl" or pron.dep_ != "pobj" or pron.head.lower_ != "among":
        return None
    copula = pron.head.head
    if copula.lemma_ != "be":
        return None
    return [m for c in copula.children if c.dep_ in {"nsubj", "attr"} for m in listed(c)]


def _instrument_agent(token: Any, predicate: str) -> list[Any]:
    """Return the agent tokens standing for a subject: the subject itself, or for an
    instrument noun of the predicate ("a determination that designates X") the subject of
    the verb that issued it, or nothing (the implicit agent then)."""
    words = {token.lower_, token.lemma_.lower()}
    if not any(predicate in instrument_nouns().get(w, ()) for w in words):
        return [token]
    gov = token.head
    if token.dep_ in {"dobj", "nsubjpass"} and gov.pos_ == "VERB":
        return subjects(gov) if token.dep_ == "dobj" else prep_objects([gov], "by")
    return []


def _copula_other(verb: Any) -> list[Any]:
    """Return the named side of a copula whose other side a designation participle
    qualifies: "The sanctioned individuals are A and B", "the only other person to be
    sanctioned is C"."""
    noun = verb.head if verb.dep_ in {"amod", "acl", "relcl"} else verb.head.head
    cop = noun.head
    if cop.lemma_ != "be" or noun.dep_ not in {"nsubj", "attr"}:
        return []
    other = "attr" if noun.dep_ == "nsubj" else "nsubj"
    return [m for c in cop.children if c.dep_ == other for m in listed(c)]


def _through_part(index: MentionIndex, token: Any) -> list[Any]:
    """Return the names of "the operations of X and Y" for a noun with no type of its own
    and nothing named in it, the names in apposition to a role ("two officials of X, A and
    B"); else the token itself."""
    if token.pos_ != "NOUN" or token.i in index.by_token or head_type(token) is not None or \
            token.lower_ in population_nouns():  # the people of X are not X
        return [token]
    if role_of(token) is not None:  # "two officials of X, A and B": A and B, not X
        named = [m for c in token.children if c.dep_ == "appos" for m in members(c)]
        named += [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in pobjs(c) for m in members(g)[1:]]  # joined to X by the parser
        return [m for m in named if (p := index.by_token.get(m.i)) is not None
                and p.type == "Person"] or [token]
    found = [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
             for g in c.children if g.dep_ == "pobj" and (g.i in index.by_token or
                                                          g.pos_ == "PROPN")
             for m in members(g)]
    return found + _stray_conjuncts(index, token) if found else [token]


def _colon_list(index: MentionIndex, verb: Any) -> list[Any]:
    """Return the first token of each name that opens an item of a list after a colon in
    the verb's sentence ("include other individuals: A, the deputy of X, B, and C")."""
    doc = verb.doc
    colon = next((t.i for t in doc[verb.i:verb.sent.end] if t.text == ":"), None)
    if colon is None:
        return []
    out = []
    for i in range(colon + 1, verb.sent.end):
        m = index.by_token.get(i)
        if m is None or m.start != i or m.kind != "name" or m.actor is not None:
            continue
        before = [t for t in doc[colon:i] if not t.is_space][-2:]
        if before and (before[-1].text in {":", ","} or before[-1].lower_ == "and" and (
                len(before) == 1 or before[0].text == "," or before[0].i == colon)):
            out.append(doc[i])
    return out


DASHES = {"\u2014", "\u2013", "--"}


def _dash_list(index: MentionIndex, verb: Any) -> list[Any]:
    """Return the first token of each name in a list set off by dashes right after a
    designation participle ("the three Xs sanctioned Thursday — A, B and C — were ...")."""
    doc = verb.doc
    open_ = next((t.i for t in doc[verb.i + 1:min(verb.i + 4, verb.sent.end)]
                  if t.text in DASHES), None)
    if open_ is None:
        return []
    close = next((t.i for t in doc[open_ + 1:verb.sent.end] if t.text in DASHES), None)
    if close is None:
        return []
    out = []
    for i in range(open_ + 1, close):
        m = index.by_token.get(i)
        prev = doc[i - 1]
        if m is not None and m.start == i and m.kind == "name" and m.actor is None and (
                i == open_ + 1 or prev.text == "," or prev.lower_ == "and"):
            out.append(doc[i])
    return out


def _stray_conjuncts(index: MentionIndex, noun: Any) -> list[Any]:
    """Return the names the parser hung on a noun as conjuncts when they continue its "of"
    list ("the designation of A, B and C" with B and C read as conjuncts of "designation")."""
    return [m for c in noun.children if c.dep_ == "conj" and c.pos_ == "PROPN"
            and c.i in index.by_token for m in members(c)]


def _implicit_pairs(index: MentionIndex, obj_toks: list[Any], predicate: str, trigger: Any,
                    conf: float, kind: str) -> list[Candidate]:
    """Return candidates of an agentless cue: the implicit agent and each named object."""
    out = []
    agent = implicit_agent()
    rng = range_of(predicate)
    for o_tok in obj_toks:
        named = index.at(o_tok)
        if named is None and o_tok.pos_ == "NOUN":  # "its leader, A B, is also listed": A B
            o_tok = next((c for c in o_tok.children if c.dep_ == "appos"
                          and c.i in index.by_token), o_tok)
            named = index.at(o_tok)
        if named is None or named.kind != "name":
            continue  # "Belarus's main producer" is not Belarus: a designee is named
        o = argument(index, o_tok, rng)
        if o is None:
            continue
        out.append(Candidate(agent, predicate, o[0], trigger, round(conf * o[1], 3), kind))
    return out


def explicit_agents(index: MentionIndex, sent: Any) -> list[tuple[str, Mention, Any]]:
    """Return (predicate, subject, verb) of the active cue verbs of ``ig:implicitAgent``
    predicates in a sentence, whatever their objects ("The Council adopted restrictive
    measures against five individuals": the Council is the agent of what follows)."""
    out = []
    wanted = implicit_agent_predicates()
    for verb in sent:
        if verb.pos_ not in {"VERB", "AUX"}:
            continue
        cues = [c for c in verb_cues().get(verb.lemma_.lower(), ()) if c.predicate in wanted]
        if not cues or _voice(index, verb)[0]:
            continue
        near = _near_words(verb)
        for cue in cues:
            if not _cue_fits(cue, near):
                continue
            for tok in subjects(verb):
                found = argument(index, tok)
                if found is not None and found[0].kind == "name" and found[0].label != "NORP":
                    out.append((cue.predicate, found[0], verb))  # "Russians" designate nobody
            break
    return out


def instrument_candidates(index: MentionIndex, verb: Any) -> list[Candidate]:
    """Return the candidates of "the new listings include X", "today's decision targets
    Y": an instrument noun of a predicate (``ig:instrumentNoun``) as the subject of an
    instrument verb applies the predicate to the verb's objects. The noun's own agent
    ("the EU's listings") is the subject, else the implicit agent."""
    uses = instrument_verbs().get(verb.lemma_.lower())
    if not uses or verb.dep_ == "acl":  # "sanctions targeting X": the noun's own pattern
        return []
    out: list[Candidate] = []
    for subj in subjects(verb):
        words = {subj.lemma_.lower(), subj.lower_} | {
            f"{c.lower_} {subj.lower_}" for c in subj.lefts if c.dep_ in {"amod", "compound"}}
        preds = {p for w in words for p in instrument_nouns().get(w, ())}
        for predicate, prep in uses:
            if predicate not in preds:
                continue
            if prep:
                obj_toks = prep_objects([verb], prep)
            else:
                obj_toks = [m for c in verb.children if c.dep_ in {"dobj", "attr"}
                            for m in members(c)]
            obj_toks = [x for o in obj_toks for x in _through_part(index, o)]
            obj_toks += _colon_list(index, verb)
            agents = [c for c in subj.children if c.dep_ in {"poss", "compound", "nmod"}
                      and (m := index.by_token.get(c.i)) is not None and m.kind == "name"]
            if agents:
                out.extend(_pairs(index, agents, obj_toks, predicate, verb, 0.75, "verb"))
            elif predicate in implicit_agent_predicates():
                out.extend(_implicit_pairs(index, obj_toks, predicate, verb, 0.7, "verb"))
    return out


def _through_share(token: Any, predicates: set[str]) -> Any:
    """Return X for "a stake in X" when the object noun is a noun cue of the verb's predicates."""
    if predicates & set(noun_cues().get(token.lemma_.lower(), ())):
        for c in token.children:
            if c.dep_ == "prep" and c.lower_ in {"in", "of"}:
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
    return token


def _pairs(index: MentionIndex, subj_toks: list[Any], obj_toks: list[Any], predicate: str,
           trigger: Any, conf: float, kind: str) -> list[Candidate]:
    out = []
    rng = range_of(predicate)
    subj_avoid = {t.i for t in subj_toks}
    for s_tok in subj_toks:
        for s in arguments(index, s_tok):
            for o_tok in obj_toks:
                avoid = subj_avoid | set(range(s[0].start, s[0].end))
                for o in arguments(index, o_tok, rng, avoid):
                    if o[0] is s[0] or o[0].text == s[0].text:
                        continue
                    out.append(Candidate(s[0], predicate, o[0], trigger,
                                         round(conf * s[1] * o[1], 3), kind))
    return out


# ---------------------------------------------------------------- nominalizations


def _scare_quoted(token: Any) -> bool:
    doc = token.doc
    left = min([token.i, *(c.i for c in token.lefts if c.dep_ == "amod")])
    return left > 0 and doc[left - 1].text in QUOTES


def noun_candidates(index: MentionIndex, noun: Any) -> list[Candidate]:
    """Return the candidates of a nominalization: "Russia's invasion of Ukraine"."""
    preds = noun_cues().get(noun.lower_) or noun_cues().get(noun.lemma_.lower()) or next(
        (noun_cues()[k] for c in noun.lefts if c.dep_ in {"amod", "compound"}
         and (k := f"{c.lower_} {noun.lower_}") in noun_cues()), None)
    if not preds or _scare_quoted(noun) or noun.i in index.by_token:
        return []
    agent_toks = [c for c in noun.children if c.dep_ == "poss"]
    agent_toks += [c for c in noun.lefts if c.dep_ in {"compound", "amod", "nmod"}
                   and (m := index.by_token.get(c.i)) is not None and m.actor is not None
                   or c.dep_ in {"compound", "nmod"} and c.i in index.by_token]
    agent_toks += prep_objects([noun], "by")
    light = noun.dep_ == "dobj" and noun.head.lemma_.lower() in light_verbs()
    if light and not agent_toks:
        agent_toks = subjects(noun.head)  # "the EU voiced support for Y"
    if agent_toks and noun.dep_ == "appos" and noun.head.i in index.by_token and not any(
            c.dep_ == "poss" for c in noun.children) and prep_objects([noun], "of"):
        agent_toks = [noun.head]  # "X, a Spanish partner of Y": X, not Spain
    conf = 0.75
    genitive: list[Any] = []
    if noun.dep_ == "attr" and noun.head.lemma_ == "be" and subjects(noun.head):
        # "Lukashenko is a close ally of Putin"; "Vulin is Moscow's closest ally"
        genitive = [c for c in agent_toks if c.dep_ == "poss"]
        agent_toks = subjects(noun.head)
    if not agent_toks and noun.dep_ == "pobj" and noun.head.lower_ in MEMBER_MARKERS:
        verb = noun.head.head
        if verb.pos_ in {"VERB", "AUX"}:
            agent_toks, conf = subjects(verb), 0.65
    obj_toks: list[Any] = list(genitive)
    symmetric_only = all(get_ontology().predicate(p).symmetric for p in preds)
    between_toks = [t for c in noun.children if c.dep_ == "prep" and c.lower_ in
                    {"between", "among"} for t in pobjs(c)]
    between = bool(between_toks)
    if agent_toks and any(c.dep_ in {"compound", "nmod"} for c in agent_toks):
        # "the Kosovo-Serbia deal's EU mediators": the genitive is what the role is about
        for c in noun.lefts:
            if c.i not in index.by_token and any(g.tag_ == "POS" for g in c.children):
                obj_toks.extend(modifier_names(index, c))
    via: set[tuple[int, str]] = set()  # (object token, its preposition)
    for c in noun.children:
        if between:
            obj_toks = between_toks  # "talks between A and B in Istanbul": A and B only
            break
        if c.dep_ == "prep" and c.lower_ in (SYMMETRIC_PREPS if symmetric_only
                                             else NOUN_OBJECT_PREPS):
            obj_toks.extend(pobjs(c))  # an ally "in Belgrade" is not an ally of Belgrade
            via.update((o.i, c.lower_) for o in pobjs(c))
            if c.lower_ == "of":
                obj_toks.extend(_stray_conjuncts(index, noun))
                obj_toks.extend(_kind_objects(pobjs(c), set(preds)))
        elif c.dep_ == "acl" and c.tag_ == "VBG":
            obj_toks.extend(m for g in c.children if g.dep_ == "dobj" for m in members(g))
    if light and not obj_toks:  # "gives its full backing to Y": "to" hangs on the verb
        obj_toks = [o for p in ("to", "for", "against", "with") for o in
                    prep_objects([noun.head], p)]
    out: list[Candidate] = []
    onto = get_ontology()
    whole = obj_toks
    for pred in preds:
        allowed = noun_preps().get(pred)  # "a stake in X" owns X; "its stake to Y" does not
        obj_toks = [content_producer(o, {pred}) for o in whole if allowed is None or not any(
            i == o.i and p not in allowed for i, p in via)]  # "fight against Russian influence"
        agents = _expand_agents(agent_toks)
        if between and not agent_toks and onto.predicate(pred).symmetric and len(obj_toks) > 1:
            found = _pairs(index, obj_toks[:1], obj_toks[1:], pred, noun, 0.75, "noun")
        elif not obj_toks and genitive == [] and noun.dep_ == "attr" and len(agents) > 1 and \
                onto.predicate(pred).symmetric:  # "A and B are close allies"
            found = _pairs(index, agents[:1], agents[1:], pred, noun, conf, "noun")
        elif not agent_toks and pred in implicit_agent_predicates():
            found = _implicit_pairs(index, obj_toks, pred, noun, 0.65, "noun")
        else:
            found = _pairs(index, _expand_agents(agent_toks), obj_toks, pred, noun, conf, "noun")
        out.extend(found)
    return out


def _kind_objects(kinds: list[Any], preds: set[str]) -> list[Any]:
    """Return the objects of nouns that say what kind the cue is ("war of aggression against
    Y": Y), when they are cues of the same predicates."""
    return [o for k in kinds if preds & set(noun_cues().get(k.lemma_.lower(), ()))
            for c in k.children if c.dep_ == "prep" and c.lower_ in NOUN_OBJECT_PREPS
            and c.lower_ != "of" for o in pobjs(c)]


def modifier_names(index: MentionIndex, noun: Any) -> list[Any]:
    """Return one token per named entity among the compound modifiers of a noun."""
    out, seen = [], set()
    for t in noun.subtree:
        if t.i >= noun.i or t.dep_ not in {"compound", "nmod", "amod", "conj"}:
            continue
        m = index.by_token.get(t.i)
        if m is not None and id(m) not in seen:
            seen.add(id(m))
            out.append(t)
    return out


def _expand_agents(tokens: list[Any]) -> list[Any]:
    out = []
    for t in tokens:
        out.extend(members(t))
    return list({t.i: t for t in out}.values())


def _designees(index: MentionIndex, sent: Any) -> list[Mention]:
    """Return the names the one designation verb of the sentence designates ("X and Y are
    being designated for ..."); none when several verbs designate."""
    wanted = implicit_agent_predicates()
    found: list[list[Mention]] = []
    for verb in sent:
        if verb.pos_ != "VERB" or not any(
                c.predicate in wanted for c in verb_cues().get(verb.lemma_.lower(), ())):
            continue
        deps = {"nsubjpass"} if _voice(index, verb)[0] else {"dobj"}
        for c in verb.children:
            if c.dep_ in deps:
                named = [m for t in members(c) if (m := index.at(t)) is not None
                         and m.kind == "name"]
                if named:
                    found.append(list({m.start: m for m in named}.values()))
    return found[0] if len(found) == 1 else []


def reason_candidates(index: MentionIndex, sent: Any,
                      designees: list[Mention] | None = None) -> list[Candidate]:
    """Return the relations a designation gives as its reason (``ig:reasonCue``): "X is
    designated for having materially assisted ... Y" (X supports Y), "... for being owned
    or controlled by, directly or indirectly, Y" (Y controls X). The other party is the
    first name after the cue words in the sentence; the designees are those of the
    sentence's designation verb unless given (a bulleted designee)."""
    words = [t for t in sent if not t.is_punct and not t.is_space]
    lows = [t.lower_ for t in words]
    out: list[Candidate] = []
    designees = designees or []
    for cue, predicate, inverse in reason_cues():
        n = len(cue)
        at = next((i for i in range(len(lows) - n + 1) if tuple(lows[i:i + n]) == cue), None)
        if at is None:
            continue
        designees = designees or _designees(index, sent)
        if not designees:
            return out
        end = words[at + n - 1].i + 1
        other = next((m for i in range(end, sent.end) if (m := index.by_token.get(i))
                      is not None and m.start == i and m.kind == "name"), None) or \
            _first_proper_name(index, end, sent.end)
        for designee in designees:
            if other is None or other is designee:
                continue
            subject, obj = (other, designee) if inverse else (designee, other)
            out.append(Candidate(subject, predicate, obj, words[at], 0.75, "verb"))
        lows[at:at + n] = [""] * n  # "controlled by" inside "owned or controlled by"
    return out


def _first_proper_name(index: MentionIndex, start: int, end: int) -> Mention | None:
    """Return the name of the first run of proper nouns in tokens [start, end) that NER did
    not label ("... on behalf of, directly or indirectly, Kestrel Trading LLC.")."""
    doc = index.doc
    i = next((i for i in range(start, end) if doc[i].pos_ == "PROPN"), None)
    if i is None:
        return None
    while i + 1 < end and doc[i + 1].pos_ == "PROPN":
        i += 1
    found = index.at(doc[i])
    return found if found is not None and found.kind == "name" else None


def _participle_candidates(index: MentionIndex, adj: Any) -> list[Candidate]:
    """Return the designations of a participle the tagger read as an adjective ("the
    sanctioned individuals are A and B"), with the implicit agent."""
    lemma = cue_lemma(adj)
    preds = {c.predicate for c in verb_cues().get(lemma or "", ())} & implicit_agent_predicates()
    out: list[Candidate] = []
    for predicate in sorted(preds):
        out.extend(_implicit_pairs(index, _copula_other(adj), predicate, adj, 0.7, "verb"))
    return out


def _dash_candidates(index: MentionIndex, verb: Any) -> list[Candidate]:
    """Return the designations of a dash-delimited list after a designation participle,
    with the implicit agent."""
    preds = {c.predicate for c in verb_cues().get(verb.lemma_.lower(), ())}
    out: list[Candidate] = []
    for predicate in sorted(preds & implicit_agent_predicates()):
        names = _dash_list(index, verb)
        out.extend(_implicit_pairs(index, names, predicate, verb, 0.7, "verb"))
    return out


def sentence_candidates(index: MentionIndex, sent: Any, roles: RoleReader) -> list[Candidate]:
    """Return every candidate relation of one sentence; ``roles`` reads a title or role noun
    (``loaders.roles.role_candidates``)."""
    out: list[Candidate] = []
    for tok in sent:
        pos = tok.pos_
        if pos in {"VERB", "AUX"} or (pos == "NOUN" and tok.dep_ == "ROOT" and any(
                c.dep_ == "nsubj" for c in tok.children)):  # "Russia invests" tagged a noun
            out.extend(verb_candidates(index, tok))
            out.extend(instrument_candidates(index, tok))
        elif pos in {"NOUN", "PROPN"}:
            out.extend(noun_candidates(index, tok))
            out.extend(roles(index, tok))
        elif pos == "ADJ" and tok.dep_ == "amod":  # "the sanctioned individuals are A and B"
            out.extend(_participle_candidates(index, tok))
        if tok.tag_ == "VBN":  # "three Xs sanctioned Thursday — A, B and C —"
            out.extend(_dash_candidates(index, tok))
    return out + reason_candidates(index, sent)
