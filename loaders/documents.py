"""Readers of documents: files, folders and uploaded bodies in, ``SourceDocument``s out.

Kinds: plain text and Markdown (page chrome stripped, see ``loaders.chrome``), HTML
(main text by trafilatura, a plain tag-stripping fallback for pages it cannot read),
PDF (pypdf, one span per page), JSON lines of ``{text, title, url, date}``, and JSON
of such records. Unknown extensions are sniffed. Bytes are decoded by the rules of ``decode_text``: BOMs, UTF-8, the declared charset, charset-normalizer, Latin-1
last.

Every problem with an input is an ``InputError`` (``TooLarge`` over the size limit)
whose message names the file and says why, never another exception.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from api.settings import Settings, get_settings
from graph.errors import InfluenceError, InputError, TooLarge
from loaders.chrome import strip_chrome
from loaders.source import SourceDocument

TEXT, MARKDOWN, HTML, PDF, JSONL, JSON = "text", "markdown", "html", "pdf", "jsonl", "json"
SUFFIX_KINDS = {".txt": TEXT, ".text": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN,
                ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".pdf": PDF,
                ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSON}
MIME_KINDS = {"text/html": HTML, "application/xhtml+xml": HTML, "application/pdf": PDF,
              "text/markdown": MARKDOWN, "text/x-markdown": MARKDOWN,
              "application/x-ndjson": JSONL, "application/jsonl": JSONL,
              "application/x-jsonlines": JSONL, "application/json": JSON,
              "text/plain": TEXT}
TRIPLE_SUFFIXES = {".csv", ".tsv"}
TRIPLE_KEYS = {"subject", "predicate", "object"}
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]",
                         re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})",
                           re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]{0,500}>(.{0,2000}?)</title", re.IGNORECASE | re.DOTALL)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL_BYTES = [bytes([b]) for b in (*range(9), 11, *range(14, 32), 127)]
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff]")
_WESTERN = {"cp1252", "latin_1", "iso8859_15"}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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
    UTF-8, the declared ``charset``, mostly-UTF-8 with a few bad bytes replaced, charset-normalizer's guess, Latin-1.
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
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
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


def _error(name: str | Path, message: str, cls: type[InputError] = InputError) -> InputError:
    exc = cls(f"{name}: {message}")
    exc.path = str(name)  # type: ignore[attr-defined]
    return exc


def fetch_url(url: str, settings: Settings | None = None) -> list[SourceDocument]:
    """Return the documents of an http(s) URL; see ``loaders.fetch.fetch_url``."""
    from loaders.fetch import fetch_url as fetch

    return fetch(url, settings)


def is_structured(path: Path) -> bool:
    """Return True for a triple file: CSV/TSV, or JSON lines whose first record has
    subject, predicate and object. Raises InputError when the file cannot be read."""
    suffix = path.suffix.lower()
    if suffix in TRIPLE_SUFFIXES:
        return True
    if suffix not in {".jsonl", ".ndjson"}:
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4 * 1024 * 1024)
    except OSError as exc:
        raise _error(path, f"cannot read: {exc.strerror or exc}") from None
    return _first_record_is_triple(head)


def _first_record_is_triple(head: bytes) -> bool:
    for line in decode_text(head).splitlines():
        if line.strip():
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                return False
            return isinstance(record, dict) and TRIPLE_KEYS <= record.keys()
    return False


def read_file_bytes(path: Path, settings: Settings) -> bytes:
    """Return the bytes of a file; TooLarge (checked before reading) over the upload limit."""
    limit = settings.max_upload_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise _error(path, f"{size} bytes is over the limit of {limit} bytes "
                         "(INFLUENCE_MAX_UPLOAD_BYTES)", TooLarge)
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise _error(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _error(path, f"over the limit of {limit} bytes (INFLUENCE_MAX_UPLOAD_BYTES)",
                     TooLarge)
    return data


def _walk(folder: Path) -> Iterator[Path]:
    """Yield the files under ``folder`` in a stable order, hidden files and folders skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and (Path(root) / name).is_file():
                yield Path(root) / name


def iter_path(path: Path, settings: Settings | None = None
              ) -> Iterator[SourceDocument | InfluenceError]:
    """Yield the documents of a file, or of every file of a folder walked recursively.

    Hidden files are skipped; in a folder, triple and RDF files are skipped too (they are
    not documents). A bad file, or a bad line of a JSON-lines file, is yielded as an
    InputError whose ``path`` names it, and the walk goes on.
    """
    from loaders.pipeline import RDF_SUFFIXES

    settings = settings or get_settings()
    path = Path(path)
    if path.is_dir():
        for f in _walk(path):
            try:
                if f.suffix.lower() in RDF_SUFFIXES or is_structured(f):
                    continue
            except InputError as exc:
                yield exc
                continue
            yield from _iter_file(f, settings)
    elif path.is_file():
        yield from _iter_file(path, settings)
    else:
        yield _error(path, "not a regular file" if path.exists() else "no such file or folder")


def _iter_file(path: Path, settings: Settings) -> Iterator[SourceDocument | InfluenceError]:
    try:
        data = read_file_bytes(path, settings)
        found = _documents(data, str(path), None, None, str(path), lenient=True)
    except InputError as exc:
        if not getattr(exc, "path", None):
            exc.path = str(path)  # type: ignore[attr-defined]
        yield exc
        return
    yield from found


def read_path(path: Path, settings: Settings | None = None) -> list[SourceDocument]:
    """Return the documents of one file (a JSON-lines file gives one per line).

    Raises InputError naming the file (and the line, for JSON lines) when it cannot be
    read, TooLarge over ``settings.max_upload_bytes``.
    """
    settings = settings or get_settings()
    path = Path(path)
    if not path.is_file():
        raise _error(path, "not a regular file" if path.exists() else "no such file")
    data = read_file_bytes(path, settings)
    return [d for d in _documents(data, str(path), None, None, str(path), lenient=False)
            if isinstance(d, SourceDocument)]


def read_bytes(data: bytes, name: str, content_type: str | None = None, url: str | None = None,
               settings: Settings | None = None) -> list[SourceDocument]:
    """Return the documents of an uploaded or fetched body called ``name``.

    The kind comes from the content (PDF magic), then ``content_type``, then the name's
    extension, then sniffing. Raises InputError naming ``name``, TooLarge over the limit.
    """
    settings = settings or get_settings()
    if len(data) > settings.max_upload_bytes:
        raise _error(name, f"{len(data)} bytes is over the limit of "
                     f"{settings.max_upload_bytes} bytes (INFLUENCE_MAX_UPLOAD_BYTES)", TooLarge)
    return [d for d in _documents(data, name, content_type, url, None, lenient=False)
            if isinstance(d, SourceDocument)]


def _mime(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.IGNORECASE)
    return mime.strip().lower(), match.group(1) if match else None


def detect_kind(data: bytes, name: str, content_type: str | None = None) -> str:
    """Return the reader kind of a body: by PDF magic, content type, extension, then sniffing."""
    if b"%PDF-" in data[:1024]:
        return PDF
    mime, _ = _mime(content_type)
    suffix_kind = SUFFIX_KINDS.get(suffix_of(name))
    if mime in MIME_KINDS and not (mime == "text/plain" and suffix_kind == MARKDOWN):
        return MIME_KINDS[mime]
    if suffix_kind:
        return suffix_kind
    if _HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
        return HTML
    if data.lstrip()[:1] == b"{" and not looks_binary(data):
        return JSONL
    return TEXT


def _documents(data: bytes, name: str, content_type: str | None, url: str | None,
               path: str | None, lenient: bool) -> list[SourceDocument | InfluenceError]:
    if not data.strip() or not data.strip(b"\x00\t\n\r\x0b\x0c \xef\xbb\xbf\xff\xfe"):
        raise _error(name, "empty file")
    kind = detect_kind(data, name, content_type)
    _, charset = _mime(content_type)
    if kind == HTML and not charset:
        declared = _META_CHARSET.search(data[:8192])
        charset = declared.group(1).decode("ascii") if declared else None
    meta: dict[str, Any] = {"url": url, "path": path}
    if kind == PDF:
        return [_guarded(_read_pdf, data, name, meta)]
    if looks_binary(data):
        raise _error(name, "not a text document (binary content)")
    text = clean_text(decode_text(data, charset))
    if not text.strip():
        raise _error(name, "empty file (only whitespace)")
    if kind == HTML:
        return [_guarded(_read_html, text, name, meta)]
    if kind == JSONL:
        return _read_jsonl(text, name, meta, lenient)
    if kind == JSON:
        return _read_json(text, name, meta)
    body = _markdown_text(text) if kind == MARKDOWN else (text, "")
    cleaned = strip_chrome(body[0])
    if not cleaned:
        raise _error(name, "no article text (only page chrome)")
    return [SourceDocument(text=cleaned, title=body[1] or _text_title(cleaned, name), **meta)]


def _guarded(reader: Any, data: Any, name: str, meta: dict[str, Any]) -> SourceDocument:
    """Run a reader built on a third-party parser; any failure is an InputError naming ``name``."""
    try:
        return reader(data, name, meta)  # type: ignore[no-any-return]
    except InfluenceError:
        raise
    except RecursionError:
        raise _error(name, "nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - parsers of hostile files raise anything
        raise _error(name, f"cannot read ({type(exc).__name__}: {exc})") from None


def _text_title(text: str, name: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if first and len(first) <= 200 and not first.endswith((".", "!", "?")):
        return first
    return stem_of(name)


def _markdown_text(text: str) -> tuple[str, str]:
    """Return (plain text, first heading) of a Markdown document."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[str] = []
    title = ""
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            parts = []
            for child in tok.children or []:
                if child.type in {"text", "code_inline"}:
                    parts.append(child.content)
                elif child.type == "softbreak":
                    parts.append(" ")
                elif child.type == "hardbreak":
                    parts.append("\n")
            line = "".join(parts).strip()
            if line:
                blocks.append(line)
                if not title and i and tokens[i - 1].type == "heading_open":
                    title = line
        elif tok.type in {"fence", "code_block"} and tok.content.strip():
            blocks.append(tok.content.strip())
        elif tok.type == "html_block":
            plain = html_plain_text(tok.content)
            if plain:
                blocks.append(plain)
    return "\n\n".join(blocks), title


def _read_html(text: str, name: str, meta: dict[str, Any]) -> SourceDocument:
    import trafilatura

    result: Any = None
    try:
        result = trafilatura.bare_extraction(text, url=meta["url"], with_metadata=True,
                                             include_comments=False, include_tables=True,
                                             include_images=False, include_links=False,
                                             date_extraction_params={"extensive_search": False,
                                                                     "original_date": True})
    except Exception:  # noqa: BLE001 - fall back to the plain reader below
        result = None

    def field(key: str) -> Any:
        if result is None:
            return None
        value = result.get(key) if isinstance(result, dict) else getattr(result, key, None)
        return value if value not in ("", None) else None

    body = field("text") or ""
    if not body.strip():
        body = html_plain_text(text)
    body = strip_chrome(clean_text(body))
    if not body:
        raise _error(name, "no readable text in the HTML page")
    match = _HTML_TITLE.search(text[:200_000])
    import html as html_lib

    page_title = " ".join(html_lib.unescape(match.group(1)).split()) if match else ""
    try:
        published = parse_date(field("date"))
    except ValueError:
        published = None
    return SourceDocument(text=body, title=field("title") or page_title or _text_title(body, name),
                          url=meta["url"] or field("url"), published=published,
                          source=field("sitename"), author=field("author"), path=meta["path"])


_DROP_ELEMENTS = re.compile(r"<(script|style|noscript|template|svg|head|nav|footer|aside|form|"
                            r"button|select|iframe|object)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|div|br|li|h[1-6]|tr|td|th|section|article|blockquote|pre|"
                        r"table|ul|ol|dd|dt|header|main|figure|figcaption|hr)\b[^<>]{0,2000}>",
                        re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")


def html_plain_text(html: str) -> str:
    """Return the visible text of HTML by linear tag stripping (any nesting depth).

    Scripts, styles, comments, navigation, headers of the page and forms are dropped;
    block elements become line breaks.
    """
    import html as html_lib

    out: list[str] = []
    low = html.lower()
    pos = 0
    while pos < len(html):
        comment = low.find("<!--", pos)
        element = _DROP_ELEMENTS.search(html, pos)
        if comment < 0 and element is None:
            out.append(html[pos:])
            break
        if element is None or 0 <= comment < element.start():
            out.append(html[pos:comment])
            end = low.find("-->", comment + 4)
            pos = len(html) if end < 0 else end + 3
            continue
        out.append(html[pos:element.start()])
        close = low.find("</" + element.group(1).lower(), element.end())
        gt = low.find(">", close) if close >= 0 else -1
        pos = len(html) if gt < 0 else gt + 1
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n", "".join(out)))
    lines = (" ".join(line.split()) for line in html_lib.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


_NO_NAME = {"untitled", "anonymous", "unknown", "none"}


def _read_pdf(data: bytes, name: str, meta: dict[str, Any]) -> SourceDocument:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except RecursionError:
        raise _error(name, "not a readable PDF (nested too deeply)") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        raise _error(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:  # noqa: BLE001 - missing crypto support or a broken dictionary
            opened = False
        if not opened:
            raise _error(name, "the PDF is encrypted with a password; save an unencrypted "
                         "copy and try again")
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    offset = 0
    for number, page_text in enumerate(_page_texts(reader, name), start=1):
        if not page_text:
            continue
        if parts:
            parts.append("\n\n")
            offset += 2
        pages.append((offset, number))
        parts.append(page_text)
        offset += len(page_text)
    if not parts:
        raise _error(name, "no extractable text in the PDF (scanned images need OCR first)")
    info: Any = None
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 - a broken Info dictionary is not worth rejecting a PDF
        info = None
    title = author = None
    published = None
    if info is not None:
        title = clean_text(str(info.title or "")).strip()
        author = clean_text(str(info.author or "")).strip() or None
        try:
            created = info.creation_date
            published = created.date() if created else None
        except Exception:  # noqa: BLE001 - malformed date strings
            published = None
    if author and author.lower() in _NO_NAME:
        author = None
    if not title or title.lower() in _NO_NAME:
        title = stem_of(name)
    return SourceDocument(text="".join(parts), title=title, author=author, published=published,
                          pages=tuple(pages), **meta)


def _page_texts(reader: Any, name: str) -> list[str]:
    """Return the cleaned text of each page; InputError when the PDF's pages cannot be read."""
    try:
        return [clean_text(page.extract_text() or "").strip() for page in reader.pages]
    except RecursionError:
        raise _error(name, "not a readable PDF (nested too deeply)") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        raise _error(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None


def _record_document(record: Any, meta: dict[str, Any]) -> SourceDocument:
    """Return the document of one ``{text, title, url, date}`` record.

    Raises TypeError or ValueError saying what is wrong with the record.
    """
    if not isinstance(record, dict):
        raise TypeError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no 'text' (a non-empty string)")
    fields: dict[str, Any] = {}
    for key in ("title", "url", "source", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"'{key}' is not a string")
        fields[key] = clean_text(value).strip() if value else None
    published = parse_date(record.get("date", record.get("published")))
    return SourceDocument(text=clean_text(text).strip(), title=fields["title"] or "",
                          url=fields["url"] or meta["url"], published=published,
                          source=fields["source"], author=fields["author"], path=meta["path"])


def _read_jsonl(text: str, name: str, meta: dict[str, Any], lenient: bool
                ) -> list[SourceDocument | InfluenceError]:
    out: list[SourceDocument | InfluenceError] = []
    problems: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            out.append(_record_document(json.loads(line), meta))
            continue
        except RecursionError:
            problem = f"line {number}: nested too deeply"
        except (TypeError, ValueError) as exc:
            problem = f"line {number}: {exc}"
        if lenient:
            out.append(_error(name, problem))
        else:
            problems.append(problem)
    if problems:
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise _error(name, "; ".join(problems[:20]) + more)
    if not out or (not lenient and not any(isinstance(d, SourceDocument) for d in out)):
        raise _error(name, "no documents in the JSON lines")
    return out


def _read_json(text: str, name: str, meta: dict[str, Any]) -> list[SourceDocument | InfluenceError]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise _error(name, "JSON nested too deeply") from None
    except ValueError as exc:
        raise _error(name, f"not valid JSON ({exc})") from None
    records = data if isinstance(data, list) else [data]
    out: list[SourceDocument | InfluenceError] = []
    for i, record in enumerate(records, start=1):
        try:
            out.append(_record_document(record, meta))
        except (TypeError, ValueError) as exc:
            where = f"record {i}: " if isinstance(data, list) else ""
            raise _error(name, f"{where}{exc}") from None
    if not out:
        raise _error(name, "no documents in the JSON")
    return out
