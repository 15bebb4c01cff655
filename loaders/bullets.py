"""Designees listed as bullets under a line that designates them ("The following entities
are being designated pursuant to E.O. 13224:" / "- X, for having materially assisted ... Y").

Each bullet's first name is designated by the introducing line's verb, whose agent is the
document's last agent of the predicate (``ig:implicitAgent``); the bullet's own words give
the reason of its designation (``reason_candidates``).
"""
from __future__ import annotations

from typing import Any

from loaders.cues import cue_lemma, verb_cues
from loaders.mentions import Mention, MentionIndex, implicit_agent
from loaders.patterns import Candidate, reason_candidates
from loaders.vocab import implicit_agent_predicates, instrument_nouns, instrument_verbs

BULLETS = {"-", "•", "*", "–", "—", "·", "▪", "o", "●", "◦", "○", "■", "□", "➢", "►", "\uf0b7"}
# How many bullets may stand between a designee and the line that introduces the list.
MAX_BULLETS = 40
BULLET_CONFIDENCE = 0.75


def _bullet_name(index: MentionIndex, sent: Any) -> Mention | None:
    """Return the name a bulleted line opens with ("- X, for ..."), else None."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    if tokens[0].text in BULLETS:
        tokens = tokens[1:]
    elif not _after_bullet(index, tokens[0]):
        return None
    if not tokens:
        return None
    m = index.by_token.get(tokens[0].i)
    if m is None:  # a name NER missed: the capitalized words before the comma
        run = []
        for t in tokens:
            if t.text in {",", ";", "("}:
                break
            run.append(t)
        if run and all(t.text[:1].isupper() or t.is_punct for t in run):
            m = index.at(run[-1])
    if m is None or m.start != tokens[0].i or m.kind != "name":
        return None
    after = index.doc[m.end] if m.end < len(index.doc) else None
    return m if after is None or after.text in {",", ";", "(", "."} or after.is_space else None


def _after_bullet(index: MentionIndex, token: Any) -> bool:
    """Return True when ``token`` follows a bullet that opens its line (the parser may end a
    sentence after the bullet)."""
    i = token.i - 1
    if i < 0 or index.doc[i].text not in BULLETS:
        return False
    return i == 0 or "\n" in index.doc[i - 1].text + index.doc[i - 1].whitespace_


def _bulleted_line(index: MentionIndex, token: Any) -> bool:
    """Return True when the line ``token`` stands on opens with a bullet (a second sentence
    of a bulleted item: "• X, a firm .... In 2024 it delivered ...")."""
    doc = index.doc
    i = token.i
    while i > 0 and "\n" not in doc[i - 1].text + doc[i - 1].whitespace_:
        i -= 1
    return doc[i].text in BULLETS and i < token.i


def _continues(index: MentionIndex, sent: Any) -> bool:
    """Return True for a line that continues a bulleted item broken across lines: the line
    above it does not end a sentence and no blank line stands between."""
    doc = index.doc
    if sent.start == 0:
        return False
    above = doc[sent.start - 1]
    while above.is_space and above.i > 0:
        if above.text.count("\n") > 1:
            return False
        above = doc[above.i - 1]
    return above.text not in {".", ":", "!", "?"}


def _introduction(index: MentionIndex, sent: Any) -> tuple[str, Any] | None:
    """Return (predicate, verb) of the line ending in a colon that introduces the bullets
    above ``sent``, when its verb designates; else None."""
    doc = index.doc
    start = sent.start
    for _ in range(MAX_BULLETS + 1):
        if start == 0:
            return None
        prev = doc[start - 1].sent
        words = [t for t in prev if not t.is_space]
        if not words:
            start = prev.start
            continue
        if words[-1].text == ":":
            return _designating(words)
        if words[0].text not in BULLETS and not _after_bullet(index, words[0]) and \
                not _continues(index, prev) and not _bulleted_line(index, words[0]):
            return None  # prose between: the list has ended
        start = prev.start
    return None


def _designating(words: list[Any]) -> tuple[str, Any] | None:
    """Return (predicate, verb) of a line that designates: a cue verb of an implicit-agent
    predicate ("are being designated"), or an instrument verb with an instrument noun of it
    ("Today's action targets the following:")."""
    wanted = implicit_agent_predicates()
    nouns = {p for t in words for p in instrument_nouns().get(t.lower_, ())} & wanted
    for tok in words:
        lemma = cue_lemma(tok) or tok.lemma_.lower()
        found = sorted({c.predicate for c in verb_cues().get(lemma, ())} & wanted)
        if found and tok.pos_ in {"VERB", "AUX", "ADJ"}:
            return found[0], tok
        found = sorted({p for p, _ in instrument_verbs().get(lemma, ())} & nouns)
        if found and tok.pos_ == "VERB":
            return found[0], tok
    return None


def bullet_candidates(index: MentionIndex, sent: Any) -> list[Candidate]:
    """Return the designation of a bulleted designee and the reasons its line gives."""
    name = _bullet_name(index, sent)
    if name is None:
        return []
    intro = _introduction(index, sent)
    if intro is None:
        return []
    predicate, verb = intro
    out = [Candidate(implicit_agent(), predicate, name, verb, BULLET_CONFIDENCE, "verb")]
    return out + reason_candidates(index, sent, [name])
