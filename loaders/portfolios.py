"""Portfolios of titles: "vice-minister of mining", "deputy transport minister" are held in
a ministry of that portfolio (``ig:portfolioBody``): the one the document names with the
portfolio's word ("Ministry of the Interior" for "interior minister"), else one named after
the portfolio ("Ministry of Mining").
"""
from __future__ import annotations

from typing import Any

from loaders.cues import role_words
from loaders.heads import head_type, portfolio_bodies
from loaders.mentions import Mention, MentionIndex
from ontology import get_ontology


def _body_noun(token: Any) -> bool:
    """Return True for a noun that names a body itself ("party", "ministry"), not an industry
    a company's name may end with ("mining", "energy")."""
    kind = head_type(token)
    return kind is not None and kind != "Company" and get_ontology().is_a(kind, "Collective")


def _portfolio_word(token: Any) -> Any:
    """Return the lower-case word naming the portfolio of a title: "of mining" after it, or
    "transport" / "interior" before it; else None."""
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN" and pobj.is_lower and \
                        not _body_noun(pobj) and not any(c.dep_ == "prep" for c in pobj.children):
                    return pobj
    lefts = [c for c in token.lefts if c.dep_ in {"compound", "amod"} and c.is_lower
             and c.is_alpha and c.lower_ not in role_words() and not _body_noun(c)]
    return lefts[-1] if len(lefts) == 1 and lefts[0].i == token.i - 1 else None


def portfolio_body(index: MentionIndex, token: Any) -> Any:
    """Return a token standing for the body a portfolio title is held in (its mention in
    ``index``: the ministry the document names with the portfolio's word, else one made for
    it), or None when ``token`` is no portfolio title or names no portfolio."""
    start = portfolio_bodies().get(token.lemma_.lower())
    word = _portfolio_word(token) if start is not None else None
    if start is None or word is None:
        return None
    onto = get_ontology()
    named = {m.text: m for m in index.mentions if m.kind == "name" and m.actor is None
             and onto.is_a(m.type, "GovernmentBody") and start.split()[0].lower()
             in m.text.lower().split() and word.lower_ in m.text.lower().split()}
    if len(named) == 1:
        return index.doc[next(iter(named.values())).end - 1]
    if named or word.i in index.by_token:
        return None
    index.add(Mention(word.i, word.i + 1, f"{start} {word.text.title()}", "GovernmentBody",
                      "name"))
    return word if word.i in index.by_token else None
