"""Header blocks of speeches and statements: a line that is only a person's name (a title may
come first) and, on the next line, that person's position ("Ambassador A B" / "Acting U.S.
Representative to the United Nations"). The position line holds the role; the name line
above it names the holder.
"""
from __future__ import annotations

from typing import Any

from loaders.cues import role_of, role_words
from loaders.heads import headed_bodies
from loaders.mentions import Mention, MentionIndex

MAX_HEADER_TOKENS = 16
# What the line after an infobox position says of its holder.
OFFICE_MARKS = ("in office", "assumed office", "incumbent")
# How many of a document's first lines may hold its title.
TITLE_LINES = 4


def _line_above(index: MentionIndex, sent: Any) -> Any:
    """Return the sentence on the line just above ``sent`` when ``sent`` starts a line."""
    doc = index.doc
    if sent.start == 0 or "\n" not in doc[sent.start - 1].text + doc[sent.start - 1].whitespace_:
        return None
    prev = doc[sent.start - 1]
    while prev.is_space and prev.i > 0:
        if prev.text.count("\n") > 1:
            return None  # a blank line ends the block
        prev = doc[prev.i - 1]
    return None if prev.is_space else prev.sent


def is_position_line(sent: Any) -> bool:
    """Return True for a short line with a role word and no verb ("Acting U.S.
    Representative to the United Nations"), not an infobox field ("- Office: ...")."""
    tokens = [t for t in sent if not t.is_space]
    return 0 < len(tokens) <= MAX_HEADER_TOKENS and tokens[-1].text not in {".", "?", "!"} and \
        not any(t.text in {":", "-"} for t in tokens[:3]) and \
        not any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBG" for t in tokens) and \
        any(t.lower_ in role_words() and t.text[:1].isupper() for t in tokens)


def office_holder(index: MentionIndex, token: Any) -> Mention | None:
    """Return the article's subject for a position line of an encyclopedia infobox, the line
    after it saying "In office" or "Assumed office" ("Head of the Office of the President of
    Ukraine" / "In office"): the person named alone on one of the document's first lines."""
    sent = token.sent
    if not is_position_line(sent) or sent.end >= len(index.doc):
        return None
    nxt = index.doc[sent.end:].sents
    following = next((s for s in nxt if s.text.strip()), None)
    if following is None or not following.text.strip().lower().startswith(OFFICE_MARKS):
        return None
    for first in list(index.doc.sents)[:TITLE_LINES]:
        words = [t for t in first if not t.is_space and not t.is_punct]
        found = {id(m): m for t in words if (m := index.by_token.get(t.i)) is not None}
        if len(found) == 1 and words:
            m = next(iter(found.values()))
            if m.type == "Person" and all(m.start <= t.i < m.end for t in words):
                return m
    return None


def header_holder(index: MentionIndex, token: Any) -> Mention | None:
    """Return the person named alone on the line above the position line of a role noun."""
    sent = token.sent
    if not is_position_line(sent):
        return None
    above = _line_above(index, sent)
    if above is None:
        return None
    words = [t for t in above if not t.is_space and not t.is_punct]
    people = {id(m): m for t in words if (m := index.by_token.get(t.i)) is not None}
    if len(people) != 1:
        return None
    person = next(iter(people.values()))
    rest = [t for t in words if not person.start <= t.i < person.end]
    if person.type != "Person" or any(role_of(t) is None and t.lower_ not in role_words()
                                      for t in rest):
        return None  # the line holds more than a titled name
    return person


# How many lines open a document before its first paragraph of prose.
MAX_HEADER_LINES = 12


def _header_sentences(index: MentionIndex) -> list[Any]:
    """Return the short lines that open the document, up to its first line of prose."""
    if "headers" not in index.memo:
        index.memo["headers"] = _opening_lines(index)
    found: list[Any] = index.memo["headers"]
    return found


def _opening_lines(index: MentionIndex) -> list[Any]:
    out: list[Any] = []
    for sent in index.doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        if len(out) >= MAX_HEADER_LINES or words[-1].text in {".", "!", "?"} and len(words) > 8:
            break
        out.append(sent)
    return out


def body_line(index: MentionIndex, sent: Any) -> Mention | None:
    """Return the name that makes up a header line on its own ("Embassy of the United States
    of America"), when its head noun names a body a head of mission leads."""
    if sent not in _header_sentences(index):
        return None
    words = [t for t in sent if not t.is_space and not t.is_punct]
    found = {id(m): m for t in words if (m := index.by_token.get(t.i)) is not None}
    if len(found) != 1:
        return None
    m = next(iter(found.values()))
    if any(not m.start <= t.i < m.end for t in words) or m.type == "Person":
        return None
    heads = {w for bodies in headed_bodies().values() for w in bodies}
    return m if m.text.split()[0].lower() in heads or m.text.split()[-1].lower() in heads \
        else None


def header_heads(index: MentionIndex, body: Mention) -> list[tuple[Mention, Any]]:
    """Return (person, title token) of the heads of mission the header names with a title
    before their name ("Ambassador David Pressman's Remarks ...") who lead ``body``."""
    noun = {body.text.split()[0].lower(), body.text.split()[-1].lower()}
    out: list[tuple[Mention, Any]] = []
    for sent in _header_sentences(index):
        for t in sent:
            m = index.by_token.get(t.i + 1)
            title = t.lower_
            if m is None or m.start != t.i + 1 or m.type != "Person" or \
                    not noun & headed_bodies().get(title, frozenset()):
                continue
            out.append((m, t))
    people = {p.key for p, _ in out}
    return out if len(people) == 1 else []
