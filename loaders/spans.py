"""Where a name in a parsed document starts and ends.

spaCy's NER cuts names it does not know in odd places: it stops inside them ("Red
Star" of "Red Star Belgrade"), runs across line breaks and verbs ("European Union
sanctions Lukoil"), and splits them at "and" ("Press and Media Foundation"). These
functions correct the boundaries; ``loaders.mentions`` types what they return.
"""
from __future__ import annotations

from typing import Any

from loaders.cues import role_of, verb_like
from loaders.heads import head_noun_index
from loaders.lookups import ner_types

__all__ = ["capital", "conjuncts", "head_noun_tail", "joined_ents", "joins_name", "ner_pieces",
           "trim", "verb_like", "whole_name"]


def trim(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    """Return (start, end) of a name without leading articles or glyphs, cut at a possessive ("Russia's
    X" is two names, "People's Daily" one) and before a parenthesis ("Office of X (OFAC")."""
    while start < end and (doc[start].dep_ == "det" or doc[start].lower_ == "the" or
                           not any(ch.isalnum() for ch in doc[start].text)):
        start += 1  # "the", a bullet glyph ("• A B") or a dash opening a list item
    for tok in doc[start:end]:
        possessive = tok.tag_ == "POS" or tok.text in {"'s", "\u2019s"}
        if possessive and not (tok.i > start and doc[tok.i - 1].tag_ in {"NNS", "NNPS"}
                               and tok.i + 1 < end):  # "the Elbonian People's Party"
            end = tok.i
            break
        if tok.text == "(" and tok.i > start:
            end = tok.i
            break
        if tok.like_url or tok.like_email:
            return None
    return (start, end) if start < end else None


def ner_pieces(span: Any) -> list[tuple[int, int]]:
    """Return the parts of an NER span between line breaks (NER may run across them) and
    around lower-case content words ("European Union sanctions Lukoil" is two names)."""
    out, start = [], span.start
    for tok in span:
        inner = tok.is_alpha and tok.is_lower and span.start < tok.i and verb_like(tok)
        if "\n" in tok.text or "\n" in tok.whitespace_ or inner:
            end = tok.i if tok.is_space or inner else tok.i + 1
            if end > start:
                out.append((start, end))
            start = tok.i + 1
    if start < span.end:
        out.append((start, span.end))
    return out


def conjuncts(doc: Any, start: int, end: int) -> list[tuple[int, int]]:
    """Return the parts of "Gazprom Neft and Gazprom" (NER joined two names)."""
    out, first = [], start
    for tok in doc[start:end]:
        if tok.dep_ == "cc" and head_noun_tail(doc[tok.i + 1:end]):
            continue  # "Central European Press and Media Foundation" is one name
        if tok.dep_ == "cc" and tok.i == first + 1 and _shared_head(doc, first, end):
            continue  # "Freedom and Justice Party": both words qualify one party
        if tok.dep_ == "cc" or tok.text == ",":
            if tok.i > first:
                out.append((first, tok.i))
            first = tok.i + 1
    if end > first:
        out.append((first, end))
    return out


def _shared_head(doc: Any, first: int, end: int) -> bool:
    """Return True when the word at ``first`` and the rest of the name up to ``end`` qualify
    its last word, an organization's head noun ("Law and Justice Party")."""
    last = doc[end - 1]
    return end - first >= 4 and last.lower_ in head_noun_index() and \
        doc[first].head.i == last.i and doc[first].dep_ in {"compound", "nmod", "amod"} and \
        last.text[:1].isupper()


def head_noun_tail(span: Any) -> bool:
    """Return True when every word of ``span`` is a head noun ("Media Foundation")."""
    index = head_noun_index()
    words = [t for t in span if t.is_alpha]
    return bool(words) and all(t.lower_ in index and t.text[:1].isupper() for t in words)


def capital(tok: Any) -> bool:
    """Return True for a capitalized proper noun that ends no line."""
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and "\n" not in tok.whitespace_


def joined_ents(doc: Any) -> list[Any]:
    """Return the NER spans, "X and Media Foundation" joined when only head nouns follow "and"."""
    out: list[Any] = []
    for ent in doc.ents:
        prev = out[-1] if out else None
        if prev is not None and prev.label_ == ent.label_ == "ORG" and \
                ent.start == prev.end + 1 and doc[prev.end].lower_ in {"and", "&"} and \
                head_noun_tail(ent):
            out[-1] = doc[prev.start:ent.end]
            out[-1].label_ = "ORG"
            continue
        out.append(ent)
    return out


def joins_name(tok: Any) -> bool:
    """Return True for a capitalized proper noun that can continue a neighbouring name."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
        return False
    if tok.ent_type_ and tok.ent_type_ not in ner_types():
        return False  # a date, a number
    if tok.dep_ == "compound" and role_of(tok.head) is not None:
        return False  # "Prime" of "Kosovo Prime Minister Albin Kurti" begins a title
    return "\n" not in tok.whitespace_ and role_of(tok) is None


def whole_name(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) of a name grown over the proper nouns compounded with it.

    NER often labels part of a name it does not know ("Red Star" of "Red Star
    Belgrade", "Neft" of "Gazprom Neft"); a place or country inside a longer name
    is part of that name, never an entity of its own.
    """
    while start > 0 and joins_name(doc[start - 1]) and doc[start - 1].dep_ in {
            "compound", "nmod"} and start <= doc[start - 1].head.i < end:
        start -= 1
    while end < len(doc) and joins_name(doc[end]) and doc[end - 1].dep_ in {
            "compound", "nmod"} and doc[end - 1].head.i >= end and not doc[end - 1].is_punct:
        end += 1
    return start, end
