"""Text of documents: decoding bytes, cleaning text, dates, names of files, Markdown.

``decode_text`` never raises; ``input_error`` builds the InputError every reader raises,
naming the input it is about.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from core.errors import InputError

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL_BYTES = [bytes([b]) for b in (*range(9), 11, *range(14, 32), 127)]
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff]")
_WESTERN = {"cp1252", "latin_1", "iso8859_15"}
_STRAY = re.compile("[\udc80-\udcff]")  # bytes UTF-8 rejects, as surrogateescape keeps them
# a date, or an ISO datetime (its time and offset are dropped); nothing after it
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}"
                   r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def input_error(name: str | Path, message: str, cls: type[InputError] = InputError
                ) -> InputError:
    """Return an InputError ``"<name>: <message>"`` whose ``path`` attribute is ``name``."""
    exc = cls(f"{name}: {message}")
    exc.path = str(name)  # type: ignore[attr-defined]
    return exc


def _bom(data: bytes) -> tuple[bytes, str] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return mark, encoding
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    half = max(1, len(head) // 2)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` is not text: many control bytes outside a BOM'd encoding."""
    head = data[:65536]
    if not head or _bom(head) or _utf16_without_bom(head):
        return False
    controls = sum(head.count(b) for b in _CONTROL_BYTES)
    return controls > len(head) * 0.05


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Return ``data`` decoded; never raises.

    Order: a BOM (UTF-8/16/32), UTF-16 without BOM (NULs in every other byte), strict
    UTF-8, the declared ``charset``, UTF-8 with Windows-1252 punctuation pasted in, mostly-UTF-8
    with a few bad bytes replaced, charset-normalizer's guess, Latin-1.
    """
    bom = _bom(data)
    if bom:
        return data[len(bom[0]):].decode(bom[1], errors="replace")
    wide = _utf16_without_bom(data[:65536])
    if wide:
        return data.decode(wide, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    mixed = _utf8_with_cp1252_punctuation(data)
    if mixed is not None:
        return mixed
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if bad <= len(replaced) // 100 and any(ord(c) > 127 and c != "\ufffd" for c in replaced):
        return replaced
    from charset_normalizer import from_bytes

    try:
        matches = list(from_bytes(data[:1_000_000]))
    except Exception:  # noqa: BLE001 - detection is a best effort; Latin-1 reads anything
        matches = []
    if matches:
        # Short Western texts fit several code pages equally well; prefer Windows-1252.
        best = next((m for m in matches if m.encoding in _WESTERN
                     and m.chaos <= matches[0].chaos + 0.01), matches[0])
        return data.decode(best.encoding, errors="replace")
    return data.decode("latin-1")


def _utf8_with_cp1252_punctuation(data: bytes) -> str | None:
    """Return ``data`` read as UTF-8 whose stray bytes are Windows-1252 punctuation (smart
    quotes, dashes, ellipses: bytes 0x80-0x9F pasted into a UTF-8 text), those bytes read as
    Windows-1252; None unless it has valid multi-byte UTF-8 and every stray byte is such.

    A legacy single-byte text has its letters at 0xC0-0xFF, which UTF-8 rejects: it is left
    to the detector. Detecting the whole text instead misread every UTF-8 letter.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = _STRAY.findall(text)
    if not stray or any(ord(c) > 0xDC9F for c in stray):
        return None
    if not any(127 < ord(c) < 0xDC80 or ord(c) > 0xDCFF for c in text):
        return None
    return _STRAY.sub(lambda m: bytes([ord(m[0]) - 0xDC00]).decode("cp1252", "replace"), text)


def clean_text(text: str) -> str:
    """Return text with newlines normalized and control characters (NUL, BOMs) removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return _CONTROL_CHARS.sub("", text)


def parse_date(value: Any) -> dt.date | None:
    """Return the date of ``value`` (YYYY-MM-DD, or an ISO datetime), None when empty.

    Raises ValueError saying what is expected otherwise.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if _DATE.fullmatch(text):  # the extended ISO shape; the standard library reads it
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    shown = value if not isinstance(value, str) or len(value) < 40 else value[:40] + "..."
    raise ValueError(f"bad date {shown!r} (expected YYYY-MM-DD)")


def _url_path(name: str) -> str:
    return urlsplit(name).path if "://" in name else name.replace("\\", "/")


def suffix_of(name: str) -> str:
    """Return the lower-case extension of a file name or URL path ("" without one)."""
    return PurePosixPath(_url_path(name)).suffix.lower()


def stem_of(name: str) -> str:
    """Return the file name of ``name`` without its extension (the host for a bare URL)."""
    stem = PurePosixPath(_url_path(name)).stem
    return stem or (urlsplit(name).hostname or name if "://" in name else name)


def text_title(text: str, name: str) -> str:
    """Return the first line of ``text`` when it reads as a title, else the stem of ``name``."""
    first = text.split("\n", 1)[0].strip()
    if first and len(first) <= 200 and not first.endswith((".", "!", "?")):
        return first
    return stem_of(name)
