"""What the extraction tests read off a text: (subject, predicate, object, status) rows."""
from __future__ import annotations

from typing import Any

from loaders.extract import extract_source
from loaders.source import SourceDocument

Row = tuple[str, str, str, str]


def facts(nlp: Any, text: str) -> set[Row]:
    """Return (subject, predicate, object, status) of every triple of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name, t.evidence.status) for t in triples}
