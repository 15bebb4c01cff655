"""Entity mentions in a parsed document: spaCy NER corrected, the gazetteer, typed noun phrases.

A ``Mention`` is a span of tokens that names an entity, with the ontology type it gets
from the gazetteer, the NER label or the head nouns of ``ontology/core.ttl``. Named
mentions are found once per document (``find_mentions``); generic noun phrases
("political parties", "Russian fighter jets", "the Serbian government") are typed on
demand when a pattern needs them as an argument (``MentionIndex.at``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graph.names import name_key
from ontology import Actor, Ontology, get_ontology

# spaCy label -> ontology type for names the gazetteer does not know. Labels absent here
# (dates, numbers, works of art, languages) never make entities.
NER_TYPES = {"PERSON": "Person", "GPE": "Country", "ORG": "Organization", "NORP": "Organization",
             "FAC": "Asset", "PRODUCT": "Asset", "EVENT": "Event", "LAW": "Event", "LOC": "Country"}
# Labels whose unknown names (not in the gazetteer) are too unreliable to keep.
GAZETTEER_ONLY = {"LOC"}
DETERMINERS = {"det", "predet", "poss", "case", "nummod", "quantmod"}
NAME_MODIFIERS = {"amod", "compound", "nmod"}


@dataclass
class Mention:
    """A span of tokens naming one entity.

    ``kind`` is "name" (NER or gazetteer), "demonym" (an adjective standing for an actor)
    or "generic" (a typed common-noun phrase). ``actor`` is the gazetteer entry, if any.
    ``origins`` holds actors named by demonyms inside a generic phrase ("Russian jets").
    """

    start: int
    end: int
    text: str
    type: str
    kind: str
    label: str = ""
    actor: Actor | None = None
    origins: list[Actor] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Return the matching key of the mention's text."""
        return name_key(self.text)


@lru_cache(maxsize=1)
def head_noun_index() -> dict[str, tuple[str, ...]]:
    """Return every head noun of the ontology's types, mapped to the types it signals."""
    onto = get_ontology()
    index: dict[str, list[str]] = {}
    for info in onto.types.values():
        for noun in info.head_nouns:
            index.setdefault(noun.lower(), []).append(info.name)
    return {k: tuple(sorted(v)) for k, v in index.items()}


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


def head_type(token: Any) -> str | None:
    """Return the ontology type signalled by a noun (and its compounds), or None."""
    index = head_noun_index()
    compounds = [c for c in token.lefts if c.dep_ == "compound" and c.i == token.i - 1]
    phrases = []
    if compounds:
        phrases.append(f"{compounds[-1].text} {token.text}".lower())
    phrases += [token.text.lower(), token.lemma_.lower()]
    for text in phrases:
        if text in index:
            return pick_type(index[text])
    return None


def _trim(span: Any) -> tuple[int, int] | None:
    """Return (start, end) of an NER span cut at a possessive and without leading articles."""
    start, end = span.start, span.end
    for tok in span:
        if tok.tag_ == "POS" or tok.text in {"'s", "\u2019s"}:
            end = tok.i
            break
        if "\n" in tok.text or tok.like_url or tok.like_email:
            return None
    while start < end and span.doc[start].dep_ == "det" or (
            start < end and span.doc[start].lower_ == "the"):
        start += 1
    return (start, end) if start < end else None


class MentionIndex:
    """The mentions of one document, by token, with generic phrases typed on demand."""

    def __init__(self, doc: Any, onto: Ontology | None = None) -> None:
        self.doc = doc
        self.onto = onto or get_ontology()
        self.by_token: dict[int, Mention] = {}
        self.mentions: list[Mention] = []
        self._find_names()

    # ------------------------------------------------------------ named mentions

    def _add(self, mention: Mention) -> None:
        if any(i in self.by_token for i in range(mention.start, mention.end)):
            return
        self.mentions.append(mention)
        for i in range(mention.start, mention.end):
            self.by_token[i] = mention

    def _find_names(self) -> None:
        doc = self.doc
        for ent in doc.ents:
            if ent.label_ not in NER_TYPES:
                continue
            bounds = _trim(ent)
            if bounds is None:
                continue
            start, end = bounds
            text = doc[start:end].text
            actor = self.onto.actor_for(text)
            if actor is not None:
                kind = "demonym" if _is_modifier(doc[start:end]) and name_key(text) in {
                    name_key(d) for d in actor.demonyms} else "name"
                self._add(Mention(start, end, text, actor.type, kind, ent.label_, actor))
                continue
            if ent.label_ in GAZETTEER_ONLY or text.lower().startswith(("pro-", "anti-")):
                continue
            root = doc[start:end].root
            if ent.label_ == "NORP" and (root.pos_ != "PROPN" or root.dep_ in {"amod", "compound"}):
                continue
            if not any(t.is_alpha and t.text[:1].isupper() for t in doc[start:end]):
                continue
            kind_type = NER_TYPES[ent.label_]
            if ent.label_ in {"ORG", "NORP"}:
                kind_type = head_type(root) or kind_type
            self._add(Mention(start, end, text, kind_type, "name", ent.label_))
        self._scan_gazetteer()

    def _scan_gazetteer(self) -> None:
        """Add gazetteer actors that NER missed: proper-noun runs and demonym adjectives."""
        doc = self.doc
        i = 0
        while i < len(doc):
            tok = doc[i]
            if i in self.by_token or not (tok.pos_ in {"PROPN", "ADJ", "NOUN"} and
                                         tok.text[:1].isupper()):
                i += 1
                continue
            j = i
            while j < len(doc) and doc[j].pos_ == "PROPN" and j not in self.by_token:
                j += 1
            j = max(j, i + 1)
            for end in range(j, i, -1):
                span = doc[i:end]
                actor = self.onto.actor_for(span.text)
                if actor is not None:
                    demonym = name_key(span.text) in {name_key(d) for d in actor.demonyms}
                    kind = "demonym" if demonym and _is_modifier(span) else "name"
                    self._add(Mention(i, end, span.text, actor.type, kind, "", actor))
                    i = end
                    break
            else:
                i += 1

    # ------------------------------------------------------------ arguments

    def at(self, token: Any, range_types: tuple[str, ...] = ()) -> Mention | None:
        """Return the mention a pattern argument token stands for, or None.

        A token inside a name gives that name; a noun heading a typed phrase gives a
        generic mention; a noun with no type of its own gets the predicate's single
        range type when it has one (``range_types``), else None.
        """
        found = self.by_token.get(token.i)
        if found is not None:
            return found
        if token.pos_ not in {"NOUN", "PROPN"}:
            return None
        return self.generic(token, range_types)

    def generic(self, token: Any, range_types: tuple[str, ...] = ()) -> Mention | None:
        """Return a generic mention headed by ``token`` ("Serbian government"), or None."""
        span_tokens = _phrase(token)
        while len(span_tokens) > 1 and span_tokens[0].is_stop:
            span_tokens = span_tokens[1:]  # "most", "other", "many" name nothing
        for first in span_tokens:
            actor = self.onto.actor_for(self.doc[first.i:token.i + 1].text)
            if actor is not None:
                return Mention(first.i, token.i + 1, self.doc[first.i:token.i + 1].text,
                               actor.type, "name", "", actor)
        typ = head_type(token)
        leaf_range = [t for t in range_types if not any(
            self.onto.types[o].parent == t for o in self.onto.types)]
        if typ is None and len(leaf_range) == 1 and token.pos_ == "NOUN":
            typ = leaf_range[0]
        if typ is None:
            return None
        if range_types and typ not in range_types and len(leaf_range) == 1:
            typ = leaf_range[0]
        if _anaphoric(token, span_tokens):
            return None
        origins: list[Actor] = []
        kept = []
        for t in span_tokens:
            m = self.by_token.get(t.i)
            if m is not None and m.kind == "demonym" and m.actor is not None:
                if typ == "Asset":
                    origins.append(m.actor)
                    continue
            if typ == "Asset" and t.dep_ in {"cc"}:
                continue
            kept.append(t)
        if typ == "Asset":
            while kept and kept[0].dep_ in {"cc", "punct"}:
                kept.pop(0)
        if not kept:
            return None
        text = _join(kept)
        return Mention(kept[0].i, token.i + 1, text, typ, "generic", "", None, origins)


def _is_modifier(span: Any) -> bool:
    """Return True when a span modifies a noun (a demonym in "Russian jets")."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "Chinese" in "Russian and Chinese jets"
    return root.dep_ in {"amod", "compound", "nmod"} and root.head.pos_ in {"NOUN", "PROPN"}


def _phrase(token: Any) -> list[Any]:
    """Return the name-like modifiers of a noun and the noun, in order (no determiners)."""
    out = []
    for child in token.lefts:
        if child.dep_ in NAME_MODIFIERS or child.dep_ == "cc" or (child.dep_ == "conj"):
            out.extend(t for t in child.subtree if t.dep_ not in DETERMINERS and t.i < token.i)
    out.append(token)
    return sorted({t.i: t for t in out}.values(), key=lambda t: t.i)


def _anaphoric(token: Any, phrase: list[Any]) -> bool:
    """Return True for a bare "the company" / "this country": it refers back, names nothing."""
    if len(phrase) > 1 or token.tag_ in {"NNS", "NNPS"}:
        return False
    return any(c.dep_ in {"det", "poss"} for c in token.lefts)


def _join(tokens: list[Any]) -> str:
    """Return the text of tokens, keeping the document's spacing between adjacent ones."""
    out = ""
    for i, t in enumerate(tokens):
        out += t.text
        if i + 1 < len(tokens):
            out += t.whitespace_ if tokens[i + 1].i == t.i + 1 else " "
    return out.strip()
