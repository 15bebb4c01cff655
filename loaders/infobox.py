"""Encyclopedia infobox lines: "- Owner: A", "- Subsid: A, B", "- Party: C" under the
article's title line give relations between the article's subject and each value.

The labels and their predicates are ``ig:infoboxField`` / ``ig:infoboxFieldInverse``
annotations of the ontology. The subject is the name on the article's first line; the
evidence is the infobox line itself.
"""
from __future__ import annotations

import re
from typing import Any

from loaders.cues import role_of
from loaders.heads import head_type
from loaders.mentions import Mention, MentionIndex
from loaders.patterns import Candidate
from loaders.vocab import infobox_fields
from ontology import get_ontology

INFOBOX_CONFIDENCE = 0.8
# How many lines from the top the title may stand on ("= Title =", then "Title").
TITLE_LINES = 3
MAX_TITLE_WORDS = 6
_SITE = re.compile(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.[a-z]{2,6}", re.IGNORECASE)
# "- Label: value" (a bulleted line, a label of a few words, a colon).
BULLETED_FIELD = re.compile(r"^[ \t]*[-*•][ \t]*([A-Za-z][A-Za-z ]{0,30}):[ \t]*\S", re.MULTILINE)
# "Owners: value" unbulleted, as copied from an infobox: only the labels the ontology knows.
BARE_FIELD = re.compile(r"^[ \t]*([A-Z][A-Za-z ]{0,30}):[ \t]*\S", re.MULTILINE)


def field_label(text: str, pos: int = 0) -> str | None:
    """Return the label of the infobox line starting at ``pos`` ("owners"), else None."""
    match = BULLETED_FIELD.match(text, pos)
    if match is not None:
        return " ".join(match.group(1).lower().split())
    match = BARE_FIELD.match(text, pos)
    label = " ".join(match.group(1).lower().split()) if match is not None else None
    return label if label in infobox_fields() else None


def infobox_title(index: MentionIndex) -> Mention | None:
    """Return the name that is the whole of one of the document's first lines (the article's
    title), when the document has infobox lines; else None."""
    doc = index.doc
    text = doc.text
    if not any(field_label(line) for line in text.splitlines()[:40]):
        return None
    offset = 0
    for line in text.splitlines()[:TITLE_LINES + 1]:
        title = line.strip().strip("=").strip()
        if title:
            begin = offset + line.index(title)
            span = doc.char_span(begin, begin + len(title))
            if span is None:
                return None
            return _whole_name(index, list(span)) or _title_name(span)
        offset += len(line) + 1
    return None


def _values(index: MentionIndex, sent: Any, colon: int) -> list[tuple[Mention, Any]]:
    """Return the mention of each comma- or semicolon-separated value after the colon, with
    the last word of what its parentheses hold ("Zarina Saidova (chairwoman)": chairwoman;
    "(52%)" holds no role), else None."""
    doc = index.doc
    out: list[tuple[Mention, Any]] = []
    item: list[Any] = []
    for tok in [*doc[colon + 1:sent.end], None]:
        if tok is not None and tok.text not in {",", ";"} and not tok.is_space:
            item.append(tok)
            continue
        note = None
        if item and item[-1].text == ")" and "(" in [t.text for t in item]:
            opened = max(i for i, t in enumerate(item) if t.text == "(")
            note = item[-2] if opened < len(item) - 2 else None
            item = item[:opened]
        found = (_whole_name(index, item) or _site_name(item)) if item else None
        if found is not None:
            out.append((found, note))
        item = []
    return out


def _title_name(span: Any) -> Mention | None:
    """Return a name mention for a title line of capitalized words the tagger misread
    ("Press TV" with "Press" a verb), typed by its head noun (else an organization)."""
    words = list(span)
    if not 1 <= len(words) <= MAX_TITLE_WORDS or not all(
            t.text[:1].isupper() or not t.is_alpha for t in words):
        return None
    kind = head_type(words[-1])
    if kind is not None and not get_ontology().is_a(kind, "Organization"):
        return None
    return Mention(span.start, span.end, span.text, kind or "Organization", "name")


def _site_name(tokens: list[Any]) -> Mention | None:
    """Return a media outlet named by a web address alone ("example.ru"), else None."""
    if len(tokens) != 1 or not _SITE.fullmatch(tokens[0].text):
        return None
    return Mention(tokens[0].i, tokens[0].i + 1, tokens[0].text, "MediaOutlet", "name")


def _whole_name(index: MentionIndex, tokens: list[Any]) -> Mention | None:
    """Return the name mention that is exactly ``tokens`` (NER's, or a proper-noun run it
    missed), else None."""
    found = index.by_token.get(tokens[-1].i) or index.at(tokens[-1])
    if found is None or found.kind != "name" or found.start != tokens[0].i or \
            found.end != tokens[-1].i + 1:
        return None
    return found


def infobox_candidates(index: MentionIndex, sent: Any, title: Mention | None) -> list[Candidate]:
    """Return the candidates of an infobox line of ``sent`` about the article's ``title``."""
    if title is None:
        return []
    label = field_label(sent.text)
    found = infobox_fields().get(label) if label is not None else None
    if found is None:
        return []
    predicate, inverse = found
    colon = next((t.i for t in sent if t.text == ":"), None)
    if colon is None:
        return []
    out: list[Candidate] = []
    for value, role in _values(index, sent, colon):
        if value is title:
            continue
        subject, obj = (value, title) if inverse else (title, value)
        held = role_of(role) if role is not None and inverse else None
        out.append(Candidate(subject, held[0] if held and not held[0].startswith("^")
                             else predicate, obj, index.doc[colon - 1], INFOBOX_CONFIDENCE,
                             "role"))
    return out
