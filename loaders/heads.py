"""Head nouns: the ontology type a common noun signals ("company", "ministry", "jets").

The head nouns of every type are read from ``ontology/core.ttl``; a noun, or the noun
with up to three compounds before it, that is one of them gives that type. The other word
lists the ontology keeps on its types are read here too: state, population, family,
agency and any-body nouns, honorifics, bare titles, light verbs, and the bodies a head of
mission or a portfolio title belongs to.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from loaders.cues import verb_like
from ontology import Ontology, get_ontology


@lru_cache(maxsize=1)
def head_noun_index() -> dict[str, tuple[str, ...]]:
    """Return every head noun of the ontology's types, mapped to the types it signals."""
    onto = get_ontology()
    index: dict[str, list[str]] = {}
    for info in onto.types.values():
        for noun in info.head_nouns:
            index.setdefault(noun.lower(), []).append(info.name)
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def state_nouns() -> frozenset[str]:
    """Return the nouns that with "of" and a country's name stand for the country
    (``ig:stateNoun``: "the Government of Serbia")."""
    return _class_words("stateNoun")


@lru_cache(maxsize=1)
def bare_titles() -> dict[str, str]:
    """Return the type of body each bare title is held in (``ig:bareTitle``: "president" ->
    Country, "general secretary" -> PoliticalParty)."""
    onto = get_ontology()
    return {str(v).lower(): info.name for info in onto.types.values()
            for v in onto.graph.objects(onto.NS[info.name], onto.NS.bareTitle)}


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """Return the ranks and forms of address written before a name that are not part of it
    (``ig:honorific``: "colonel", "dr.")."""
    return _class_words("honorific")


def _class_words(prop: str) -> frozenset[str]:
    onto = get_ontology()
    return frozenset(str(v).lower() for v in onto.graph.objects(None, onto.NS[prop]))


@lru_cache(maxsize=1)
def family_nouns() -> frozenset[str]:
    """Return the nouns that name a group of relatives (``ig:familyNoun``: "family")."""
    return _class_words("familyNoun")


@lru_cache(maxsize=1)
def population_nouns() -> frozenset[str]:
    """Return the nouns for the people of a state, never the state itself
    (``ig:populationNoun``: "people", "citizens")."""
    return _class_words("populationNoun")


@lru_cache(maxsize=1)
def any_body_nouns() -> frozenset[str]:
    """Return the nouns that, counted, may stand for named bodies of any kind
    (``ig:anyBodyNoun``: "entity")."""
    return _class_words("anyBodyNoun")


@lru_cache(maxsize=1)
def agency_nouns() -> frozenset[str]:
    """Return the nouns for what an actor does that, with "of", stand for the actor
    (``ig:agencyNoun``: "the activities of X")."""
    return _class_words("agencyNoun")


@lru_cache(maxsize=1)
def light_verbs() -> frozenset[str]:
    """Return the verbs whose subject holds the relation their noun-cue object names
    (``ig:lightVerb``: "voiced support for Y")."""
    return _class_words("lightVerb")


@lru_cache(maxsize=1)
def portfolio_bodies() -> dict[str, str]:
    """Return the start of the name of the body each portfolio title is held in
    (``ig:portfolioBody``: "minister" -> "Ministry of")."""
    onto = get_ontology()
    return {str(t).lower(): str(b) for node in onto.graph.objects(None, onto.NS.portfolioBody)
            for t in onto.graph.objects(node, onto.NS.title)
            for b in onto.graph.objects(node, onto.NS.bodyName)}


@lru_cache(maxsize=1)
def headed_bodies() -> dict[str, frozenset[str]]:
    """Return the head nouns of the bodies each head-of-mission title leads
    (``ig:headedBody``: "ambassador" -> embassy, mission, delegation)."""
    onto = get_ontology()
    out: dict[str, frozenset[str]] = {}
    for node in onto.graph.objects(None, onto.NS.headedBody):
        nouns = frozenset(str(v).lower() for v in onto.graph.objects(node, onto.NS.bodyNoun))
        for title in onto.graph.objects(node, onto.NS.title):
            out[str(title).lower()] = out.get(str(title).lower(), frozenset()) | nouns
    return out


def _depth(onto: Ontology, type_name: str) -> int:
    depth, seen = 0, onto.types.get(type_name)
    while seen is not None and seen.parent:
        depth += 1
        seen = onto.types.get(seen.parent)
    return depth


def pick_type(candidates: Iterable[str], onto: Ontology | None = None) -> str | None:
    """Return the most general of several candidate types (a shared head noun is vague)."""
    onto = onto or get_ontology()
    found = sorted(set(candidates), key=lambda t: (_depth(onto, t), t))
    return found[0] if found else None


@lru_cache(maxsize=1)
def _head_ends() -> frozenset[str]:
    """Return the last word of every head noun ("tank" of "think tank", "run" of "state-run")."""
    return frozenset(re.split(r"[\s-]", k)[-1] for k in head_noun_index())


def head_type(token: Any) -> str | None:
    """Return the ontology type signalled by a noun (and its compounds), or None."""
    ends = _head_ends()
    if token.lower_ not in ends and token.lemma_.lower() not in ends:
        return None  # no head noun ends with this word
    index = head_noun_index()
    doc = token.doc
    phrases = [doc[token.i - n:token.i + 1].text.lower() for n in (3, 2, 1)
               if token.i - n >= 0 and doc[token.i - n].head.i >= token.i - n]
    phrases += [token.text.lower(), token.lemma_.lower()]
    for text in phrases:
        if text in index:
            return pick_type(index[text])
    return None


def described_type(root: Any) -> str | None:
    """Return the type named by an apposition or a classifier noun of a name, or None."""
    for c in root.children:
        if c.dep_ == "appos" and c.pos_ == "NOUN":
            return head_type(c)
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and not (
            root.head.is_lower and verb_like(root.head)):  # "sanctions Milorad Dodik"
        return head_type(root.head)
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for c in root.head.children:
            if c.dep_ == "attr" and c.pos_ == "NOUN":
                return head_type(c)
    for c in root.lefts:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and not (c.is_lower and verb_like(c)):
            return head_type(c)
    return None
