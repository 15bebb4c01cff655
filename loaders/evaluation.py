"""``influence eval``: extract a folder of documents and score it against gold files.

Gold files (``GOLD_DIR/<name>.json``, the format of ``../shared/eval/gold/``) name their
document in ``doc``; without it the document is the file of ``DOCS_DIR`` with the same
stem. A first line ``Source: ...`` of a text document says where it was captured and is
not part of the text: it is dropped before extraction. Scoring follows
``loaders.scoring``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import InputError
from loaders.documents import read_bytes
from loaders.extract import check_extractable, extract_documents, triples_json
from loaders.scoring import score_all
from loaders.source import SourceDocument

SOURCE_PREFIX = b"Source:"


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Return the gold files of a folder by stem; raise InputError naming a bad one."""
    if not gold_dir.is_dir():
        raise InputError(f"{gold_dir}: no such folder of gold files")
    golds: dict[str, dict[str, Any]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a JSON gold file ({exc})") from None
        if not isinstance(gold, dict) or not isinstance(gold.get("required"), list):
            raise InputError(f"{path}: a gold file is an object with a 'required' list")
        for part in ("required", "optional", "traps"):
            for item in gold.get(part) or []:
                if not (isinstance(item, dict) and all(
                        isinstance(item.get(k), list) and item[k] for k in ("s", "p", "o"))):
                    raise InputError(f"{path}: every {part} item needs non-empty "
                                     "lists 's', 'p' and 'o'")
        golds[path.stem] = gold
    if not golds:
        raise InputError(f"{gold_dir}: no gold files (*.json) there")
    return golds


def document_path(docs_dir: Path, stem: str, gold: dict[str, Any]) -> Path:
    """Return the document a gold file scores; raise InputError when it is missing."""
    named = gold.get("doc")
    if isinstance(named, str) and named:
        path = docs_dir / Path(named).name
        if path.is_file():
            return path
    found = sorted(p for p in docs_dir.glob(f"{stem}.*") if p.is_file())
    if not found:
        raise InputError(f"{docs_dir}: no document for gold file {stem}.json "
                         f"(expected {named or stem + '.*'})")
    return found[0]


def strip_source_line(data: bytes) -> bytes:
    """Return a text document without a first line ``Source: ...`` (PDFs unchanged)."""
    if data.lstrip(b"\xef\xbb\xbf").startswith(SOURCE_PREFIX):
        _, _, rest = data.partition(b"\n")
        return rest
    return data


def read_document(path: Path, settings: Any = None) -> list[SourceDocument]:
    """Return the documents of one evaluation file, its ``Source:`` line dropped.
    ``settings`` are the project settings (limits), passed to the readers."""
    data = strip_source_line(path.read_bytes())
    sources = read_bytes(data, path.name, settings=settings)
    for src in sources:
        check_extractable(src, str(path))
    return sources


def predict(docs_dir: Path, golds: dict[str, dict[str, Any]], nlp: Any,
            settings: Any = None) -> dict[str, list[dict[str, Any]]]:
    """Return the extracted triples (JSON rows, as ``influence extract --json`` prints
    them) of the document of every gold file, by gold stem."""
    if not docs_dir.is_dir():
        raise InputError(f"{docs_dir}: no such folder of documents")
    paths = {stem: document_path(docs_dir, stem, gold) for stem, gold in golds.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for stem, path in paths.items():
        rows: list[dict[str, Any]] = []
        for _document, triples in extract_documents(read_document(path, settings), nlp):
            rows.extend(triples_json(triples))
        out[stem] = rows
    return out


def evaluate(docs_dir: Path, gold_dir: Path, nlp: Any, settings: Any = None) -> dict[str, Any]:
    """Return the score report (``loaders.scoring.score_all``) of extraction over the
    documents of ``docs_dir`` against the gold files of ``gold_dir``."""
    golds = load_gold(gold_dir)
    return score_all(golds, predict(docs_dir, golds, nlp, settings))
