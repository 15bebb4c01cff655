"""SourceDocument: the text of one document with its metadata, as readers hand it to extraction."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from core.names import content_hash
from graph.model import Document


@dataclass(frozen=True)
class SourceDocument:
    """One readable document: its main text (page chrome removed) and metadata.

    ``pages`` maps PDF pages to text: ``(start offset in text, page number)`` pairs in
    order, empty for documents without pages. ``path`` is the file it was read from;
    ``origin`` the key of where it came from (``origin_of``), None when nothing names it.
    """

    text: str
    title: str = ""
    url: str | None = None
    published: dt.date | None = None
    source: str | None = None
    author: str | None = None
    path: str | None = None
    pages: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    origin: str | None = None

    @property
    def id(self) -> str:
        """Return the document id: the sha256 of the text."""
        return content_hash(self.text)

    def document(self) -> Document:
        """Return the stored ``Document`` of this source."""
        return Document(id=self.id, title=self.title, url=self.url, published=self.published,
                        source=self.source, author=self.author, length=len(self.text),
                        origin=self.origin)

    def page_at(self, offset: int) -> int | None:
        """Return the page number holding character ``offset``, or None without pages."""
        page = None
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page


def origin_of(url: str | None, path: str | Path | None) -> str | None:
    """Return the origin of a document fetched from ``url`` or read from the file ``path``:
    the URL, or "file:" and a hash of the absolute path (a path may say more about the
    person who ingested it than a published graph should); None without either."""
    if url:
        return url
    if path:
        where = str(Path(path).resolve()).encode("utf-8", "surrogateescape")
        return "file:" + hashlib.sha256(where).hexdigest()[:32]
    return None
