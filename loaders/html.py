"""Reading HTML pages: the main text by trafilatura, and a linear tag-stripping reader for
pages it cannot read (broken markup, nesting too deep for a tree parser)."""
from __future__ import annotations

import html as html_lib
import re
from typing import Any

from markdown_it import MarkdownIt

from loaders.chrome import strip_chrome
from loaders.source import SourceDocument
from loaders.text import clean_text, input_error, parse_date, text_title

_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})",
                           re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]{0,500}>(.{0,2000}?)</title", re.IGNORECASE | re.DOTALL)
_DROP_ELEMENTS = re.compile(r"<(script|style|noscript|template|svg|head|nav|footer|aside|form|"
                            r"button|select|iframe|object)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|div|br|li|h[1-6]|tr|td|th|section|article|blockquote|pre|"
                        r"table|ul|ol|dd|dt|header|main|figure|figcaption|hr)\b[^<>]{0,2000}>",
                        re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")


def declared_charset(data: bytes) -> str | None:
    """Return the charset a ``<meta>`` tag in the first 8 KB declares, None without one."""
    declared = _META_CHARSET.search(data[:8192])
    return declared.group(1).decode("ascii") if declared else None


def read_html(text: str, name: str, meta: dict[str, Any]) -> SourceDocument:
    """Return the document of an HTML page (``meta`` holds its ``url`` and ``path``).

    The main text and metadata come from trafilatura; when it finds no text, the whole
    page's visible text (``html_plain_text``). Raises InputError naming ``name`` when
    nothing readable is left after the page chrome is stripped.
    """
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
        raise input_error(name, "no readable text in the HTML page")
    match = _HTML_TITLE.search(text[:200_000])
    page_title = " ".join(html_lib.unescape(match.group(1)).split()) if match else ""
    try:
        published = parse_date(field("date"))
    except ValueError:
        published = None
    return SourceDocument(text=body, title=field("title") or page_title or text_title(body, name),
                          url=meta["url"] or field("url"), published=published,
                          source=field("sitename"), author=field("author"), path=meta["path"],
                          origin=meta.get("origin"))


def html_plain_text(html: str) -> str:
    """Return the visible text of HTML by linear tag stripping (any nesting depth).

    Scripts, styles, comments, navigation, headers of the page and forms are dropped;
    block elements become line breaks.
    """
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


def markdown_text(text: str) -> tuple[str, str]:
    """Return (plain text, first heading) of a Markdown document."""
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
