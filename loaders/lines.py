"""Text as the parser reads it: line breaks inside hard-wrapped paragraphs joined, and
encyclopedia citation marks ("[3]", "[edit]") blanked. Both keep the text's length.

A PDF's text breaks every line at the page width, inside sentences and names ("Rumen
Stoyanov\\nOvcharov"); extraction reads a line break as the end of a sentence. When a
text is hard-wrapped (several long lines end without closing a sentence), a single line
break after a line that reaches near the wrapping width is turned into a space. The text
keeps its length, so every offset into it stays an offset into the original.
"""
from __future__ import annotations

import re

# A line this long or longer may be a wrapped one.
MIN_WRAPPED = 40
# Lines that fill at least this share of the wrapping width were broken by the width.
FULL_SHARE = 0.7
# A text is hard-wrapped when at least this many long lines end inside a sentence ...
MIN_OPEN_LINES = 3
# ... and they are at least this share of the long lines.
OPEN_SHARE = 0.3
_CLOSED = re.compile(r"[.!?:;\"\u201d\u2019)\]]\s*$")
_ITEM = re.compile(r"^\s*([-\u2022*\u2013\u2014]|\d+[.)])\s")


def is_hard_wrapped(lines: list[str]) -> bool:
    """Return True when several long lines end without closing a sentence."""
    long = [ln for ln in lines if len(ln.strip()) >= MIN_WRAPPED]
    open_ = [ln for ln in long if not _CLOSED.search(ln)]
    return len(open_) >= MIN_OPEN_LINES and len(open_) >= OPEN_SHARE * len(long)


def unwrap(text: str) -> str:
    """Return ``text`` with the line breaks inside hard-wrapped paragraphs turned into
    spaces (same length); other texts unchanged."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    if not is_hard_wrapped(lines):
        return text
    widths = sorted(len(ln.rstrip()) for ln in lines if len(ln.strip()) >= MIN_WRAPPED)
    width = widths[int(0.9 * (len(widths) - 1))]
    chars = list(text)
    pos = 0
    for line, after in zip(lines, lines[1:]):
        pos += len(line)
        full = len(line.rstrip()) >= FULL_SHARE * width
        if full and after.strip() and not after[:1].isspace() and not _ITEM.match(after):
            chars[pos] = " "
        pos += 1
    return "".join(chars)


# "[12]", "[a]", "[edit]", "[citation needed]": reference marks of encyclopedia pages
_CITATION = re.compile(r"\[(?:\d{1,3}|[a-z]|edit|citation needed|note \d+)\]", re.IGNORECASE)


def blank_citations(text: str) -> str:
    """Return ``text`` with citation marks replaced by spaces of the same length ("Kuchma.[3]"
    must not make "3" part of a name or a sentence)."""
    return _CITATION.sub(lambda m: " " * len(m.group()), text)


def parse_text(text: str) -> str:
    """Return the text the parser reads: ``unwrap``, ``blank_citations`` and the modifier
    letter apostrophe of PDF text ("Treasury\u02bcs") as a right quote (same length)."""
    return blank_citations(unwrap(text)).replace("\u02bc", "\u2019")
