"""Noun phrases as the grammar gives them: the words naming a phrase, anaphoric phrases
("the company"), modifiers ("Russian" in "Russian jets"), words that read as names and
the text of a token run.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loaders.heads import head_noun_index

DETERMINERS = {"det", "predet", "poss", "case", "nummod", "quantmod"}
NAME_MODIFIERS = {"amod", "compound", "nmod"}


def is_modifier(span: Any) -> bool:
    """Return True when a span modifies a noun (a demonym in "Russian jets")."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "Chinese" in "Russian and Chinese jets"
    return root.dep_ in {"amod", "compound", "nmod"} and root.head.pos_ in {"NOUN", "PROPN"}


def phrase_tokens(token: Any) -> list[Any]:
    """Return the name-like modifiers of a noun and the noun, in order (no determiners)."""
    out: list[Any] = []
    for child in token.lefts:
        if child.tag_ in {"VBN", "VBG"}:
            continue  # "EU-brokered talks" are talks
        if child.dep_ in NAME_MODIFIERS or child.dep_ == "cc" or (child.dep_ == "conj"):
            out.extend(t for t in child.subtree if t.dep_ not in DETERMINERS and t.i < token.i)
    out.append(token)
    found = sorted({t.i: t for t in out}.values(), key=lambda t: t.i)
    while len(found) > 1 and not found[0].text[:1].isalnum():
        found = found[1:]
    return found


def anaphoric(token: Any, phrase: list[Any]) -> bool:
    """Return True for a bare "the company" / "this country" / "his annual state": it refers
    back, names nothing."""
    if token.tag_ in {"NNS", "NNPS"}:
        return False
    if len(phrase) > 1 and not (all(t.pos_ == "ADJ" and t.is_lower for t in phrase[:-1])
                                and any(c.dep_ == "poss" and c.pos_ == "PRON"
                                        for c in token.lefts)):
        return False
    if any(c.dep_ == "prep" and c.lower_ in {"between", "among"} for c in token.rights):
        return False  # "the dialogue between Serbia and Kosovo" says which one
    return any(c.dep_ in {"det", "poss"} for c in token.lefts)


def join_tokens(tokens: list[Any]) -> str:
    """Return the text of tokens, keeping the document's spacing between adjacent ones."""
    out = ""
    for i, t in enumerate(tokens):
        out += t.text
        if i + 1 < len(tokens):
            out += t.whitespace_ if tokens[i + 1].i == t.i + 1 else " "
    return out.strip()


def looks_like_name(token: Any, inner_names: Callable[[], set[str]]) -> bool:
    """Return True for a capitalized argument word the tagger did not see as a name.

    ``inner_names`` returns the words the document writes as proper nouns inside a
    sentence (asked only when needed).
    """
    if token.pos_ == "PROPN":
        return True
    if token.text[:1].islower() and token.text.isalnum() and \
            sum(c.isupper() for c in token.text) >= 2:
        return True  # "inoSMI": a brand written in mixed case
    if not token.text[:1].isupper() or token.is_stop:
        return False
    if token.pos_ in {"NOUN", "ADJ"} and token.text in inner_names():
        return True  # "Informer" opening a sentence is the "Informer" named elsewhere
    if sum(c.isupper() for c in token.text) >= 2 and token.text.isalnum() and \
            token.lower_ not in head_noun_index():
        return True  # "IN4S", "HBIS": no dictionary word is written so
    if token.i == token.sent.start and token.pos_ == "NOUN":
        return False
    return token.pos_ in {"ADJ", "X", "NOUN"} and token.dep_ in {
        "nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj"}
