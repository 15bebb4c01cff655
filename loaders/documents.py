"""Readers of documents: files, folders and uploaded bodies in, ``SourceDocument``s out.

Kinds: plain text and Markdown (page chrome stripped, see ``loaders.chrome``), HTML
(``loaders.html``: main text by trafilatura, a plain tag-stripping fallback for pages it
cannot read), PDF (pypdf, one span per page), JSON lines of ``{text, title, url, date}``,
and JSON of such records. Unknown extensions are sniffed. Bytes are decoded by the rules
of ``loaders.text.decode_text``: BOMs, UTF-8, the declared charset, charset-normalizer,
Latin-1 last. The text helpers stay importable from here.

Every problem with an input is an ``InputError`` (``TooLarge`` over the size limit)
whose message names the file and says why, never another exception.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import InfluenceError, InputError
from core.limits import check_size
from core.settings import Settings
from graph.rdf import RDF_SUFFIXES
from loaders.chrome import strip_chrome
from loaders.fetch import download
from loaders.fetch import input_error as _url_error
from loaders.html import declared_charset, markdown_text, read_html
from loaders.source import SourceDocument, origin_of
from loaders.text import (
    clean_text,
    decode_text,
    looks_binary,
    parse_date,
    stem_of,
    suffix_of,
    text_title,
)
from loaders.text import input_error as _error

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
ACCEPTED_FORMATS = ("documents " + ", ".join(sorted(SUFFIX_KINDS)) + "; triple files .csv, .tsv, "
                    ".jsonl; RDF " + ", ".join(sorted(RDF_SUFFIXES)))
TRIPLE_KEYS = {"subject", "predicate", "object"}
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]",
                         re.IGNORECASE | re.DOTALL)


def fetch_url(url: str, settings: Settings | None = None) -> list[SourceDocument]:
    """Return the documents of the page or file at ``url`` (downloaded by
    ``loaders.fetch.download``, read by ``read_bytes``).

    Limits: ``settings.fetch_timeout`` seconds in all (connecting, redirects and reading
    a body that never ends), ``settings.fetch_max_redirects`` redirects (only to http(s)),
    ``settings.max_upload_bytes`` bytes. HTML, PDF and plain text are accepted. Hosts on
    private networks are refused unless ``settings.fetch_allow_private``.
    Raises InputError naming the URL (status >= 400, timeout, loop, refused connection,
    private address, unsupported content type, unreadable body), TooLarge over the size
    limit.
    """
    settings = settings or Settings()
    fetched = download(url, settings)
    try:
        return read_bytes(fetched.body, fetched.url, fetched.content_type, fetched.url, settings)
    except InputError as exc:
        if fetched.url != url and url not in str(exc):
            raise _url_error(url, str(exc), type(exc)) from None
        raise


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
        check_size(str(path), path.stat().st_size, limit, error=_error)
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise _error(path, f"cannot read: {exc.strerror or exc}") from None
    check_size(str(path), len(data), limit, whole=False, error=_error)  # grew while read
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
    settings = settings or Settings()
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
    settings = settings or Settings()
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
    settings = settings or Settings()
    check_size(name, len(data), settings.max_upload_bytes, error=_error)
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
        charset = declared_charset(data)
    # a file is its own origin; a body with a URL is one only when fetched (the caller says)
    meta: dict[str, Any] = {"url": url, "path": path, "origin": origin_of(None, path)}
    if kind == PDF:
        return [_guarded(_read_pdf, data, name, meta)]
    if looks_binary(data):
        raise _error(name, "not a text document (binary content)")
    text = clean_text(decode_text(data, charset))
    if not text.strip():
        raise _error(name, "empty file (only whitespace)")
    if kind == HTML:
        return [_guarded(read_html, text, name, meta)]
    if kind == JSONL:
        return _read_jsonl(text, name, meta, lenient)
    if kind == JSON:
        return _read_json(text, name, meta)
    body = markdown_text(text) if kind == MARKDOWN else (text, "")
    cleaned = strip_chrome(body[0])
    if not cleaned:
        raise _error(name, "no article text (only page chrome)")
    return [SourceDocument(text=cleaned, title=body[1] or text_title(cleaned, name), **meta)]


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


_NO_NAME = {"untitled", "anonymous", "unknown", "none"}


def _open_pdf(data: bytes, name: str) -> Any:
    """Return the pypdf reader of ``data``, decrypted when it opens with an empty password;
    raise InputError naming ``name`` for a broken or password-protected PDF."""
    from pypdf import PdfReader  # loaded with the first PDF: most ingests have none

    # pypdf warns about broken files without naming them; the error raised here names it
    logging.getLogger("pypdf").setLevel(logging.ERROR)

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
    return reader


def _joined_pages(reader: Any, name: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Return the text of the pages with text, joined by blank lines, and the (offset, page
    number) where each starts; raise InputError when no page has text."""
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
    return "".join(parts), tuple(pages)


def _pdf_metadata(reader: Any, name: str) -> tuple[str, str | None, Any]:
    """Return (title, author, publication date) from the PDF's Info dictionary; the file's
    stem when it has no real title; a broken dictionary or date counts as none."""
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
    return title, author, published


def _read_pdf(data: bytes, name: str, meta: dict[str, Any]) -> SourceDocument:
    reader = _open_pdf(data, name)
    text, pages = _joined_pages(reader, name)
    title, author, published = _pdf_metadata(reader, name)
    return SourceDocument(text=text, title=title, author=author, published=published,
                          pages=pages, **meta)


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
