"""Datelines: the place, date and agency that open a wire or press-release paragraph
("BANGUI, May 14 (Reuters) -", "WASHINGTON —", "KYIV, Ukraine (AP) —").

A dateline says where the text was filed, not who acted: its place is page matter and names
no actor of the sentence it opens (issue 18, item 6). Its words keep their offsets; only
the tokens they cover are returned, for mentions to skip.
"""
from __future__ import annotations

import re
from typing import Any

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z'’.\-]{3,}(?: [A-Z][A-Z'’.\-]*)*"  # a place in capitals
    r"(?:,[ \t]*[A-Z][A-Za-z'’.\-]*(?: [A-Z][A-Za-z'’.\-]*)*)?"  # ", Mali"
    rf"(?:,?[ \t]*(?:\d{{1,2}}[ \t]+)?{_MONTH}(?:[ \t]+\d{{1,2}})?(?:,?[ \t]+\d{{4}})?)?"
    r"(?:[ \t]*\([A-Za-z .&'’-]+\))?"  # "(Reuters)"
    r"[ \t]*[-–—]+(?=\s)")


_CAPITALS_LINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Z'’.\-]{3,}")


def dateline_tokens(doc: Any) -> set[int]:
    """Return the indices of the tokens of every dateline that opens a line of ``doc``
    (a place of four or more capitals: "US —" may be an acronym opening a line)."""
    out: set[int] = set()
    text = doc.text
    if not _CAPITALS_LINE.search(text):
        return out  # no line opens with a word in capitals
    for match in DATELINE.finditer(text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            out.update(range(span.start, span.end))
    return out
