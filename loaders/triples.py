"""Triple files: CSV/TSV with the header
``subject,subject_type,predicate,object,object_type,source,date,evidence`` (optional
``confidence,url,title,status,attribution``), or JSON lines with the same keys.

Every row is validated against the ontology before anything is built; one InputError
lists the problems with their row numbers (CSV: the header is row 1; JSON lines: line
numbers), so a bad file stores nothing. One file is one Document, whose id is the
sha256 of the file's bytes.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, get_args

from core.errors import InputError
from core.limits import check_size
from core.names import clean_name, content_hash
from core.settings import Settings
from graph.aggregate import MAX_NAME, MAX_SENTENCE
from graph.model import Document, Entity, Evidence, Status, Triple
from loaders.documents import read_file_bytes
from loaders.source import origin_of
from loaders.text import clean_text, decode_text, parse_date, suffix_of
from ontology import get_ontology

REQUIRED = ("subject", "subject_type", "predicate", "object", "object_type", "source", "date",
            "evidence")
OPTIONAL = ("confidence", "url", "title", "status", "attribution")
# JSON lines may leave these out; a CSV header must name every REQUIRED column.
JSONL_OPTIONAL = ("source", "date", "evidence")
MAX_CELL = 100_000
MAX_PROBLEMS = 30
STATUSES: tuple[str, ...] = get_args(Status)

csv.field_size_limit(max(csv.field_size_limit(), 256 * 1024 * 1024))


def read_triple_file(path: Path | str, settings: Settings | None = None
                     ) -> tuple[Document, list[Triple]]:
    """Return the document and triples of a CSV/TSV/JSON-lines triple file.

    Raises InputError naming the file and listing bad rows, TooLarge over the upload limit.
    """
    path = Path(path)
    if not path.is_file():
        raise _error(str(path), "no such file")
    settings = settings or Settings()
    document, triples = read_triple_bytes(read_file_bytes(path, settings), str(path),
                                          settings.max_upload_bytes)
    return document.model_copy(update={"origin": origin_of(None, path)}), triples


def read_triple_bytes(data: bytes, name: str, limit: int = Settings().max_upload_bytes
                      ) -> tuple[Document, list[Triple]]:
    """Return the document and triples of the triple file ``name`` holding ``data``.

    The format follows the extension (.csv, .tsv, .jsonl/.ndjson); without one, JSON
    lines when the body starts with "{", else CSV (tab-separated when the header has tabs).
    Raises InputError naming ``name`` with every problem and its row number, TooLarge
    over ``limit`` bytes.
    """
    check_size(name, len(data), limit, error=_error)
    text = decode_text(data)
    if not text.strip():
        raise _error(name, "empty file")
    suffix = suffix_of(name)
    jsonl = suffix in {".jsonl", ".ndjson"} or (suffix not in {".csv", ".tsv"}
                                                and text.lstrip().startswith("{"))
    rows = _jsonl_rows(text, name) if jsonl else _csv_rows(text, name, suffix)
    if not rows:
        raise _error(name, "no rows after the header" if not jsonl else "no records")
    document = _document(data, text, name, [r for _, r in rows])
    extractor = "jsonl" if jsonl else "csv"
    triples, problems = _build(rows, document.id, extractor, "line" if jsonl else "row")
    if problems:
        raise _problems(name, problems)
    return document, triples


def _error(name: str, message: str, cls: type[InputError] = InputError) -> InputError:
    exc = cls(f"{name}: {message}")
    exc.path = name  # type: ignore[attr-defined]
    return exc


def _problems(name: str, problems: list[str]) -> InputError:
    onto = get_ontology()
    shown = "; ".join(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        shown += f"; and {len(problems) - MAX_PROBLEMS} more"
    hints = []
    if any("unknown predicate" in p for p in problems):
        hints.append("known predicates: " + ", ".join(sorted(onto.predicates)))
    if any("unknown subject_type" in p or "unknown object_type" in p for p in problems):
        hints.append("known types: " + ", ".join(sorted(onto.types)))
    hint = f" ({'; '.join(hints)})" if hints else ""
    return _error(name, f"{len(problems)} problem(s), nothing stored: {shown}{hint}")


def _csv_rows(text: str, name: str, suffix: str) -> list[tuple[int, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" or (suffix != ".csv" and "\t" in first
                                             and "," not in first) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _error(name, f"row 1: not valid CSV ({exc})") from None
    if not header:
        raise _error(name, "no header row")
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _error(name, f"row 1: missing column(s) {', '.join(missing)}; the header must "
                     f"name {','.join(REQUIRED)} (optional: {','.join(OPTIONAL)})")
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"row {number + 1}: not valid CSV ({exc})")
            break
        number += 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            problems.append(f"row {number}: {len(cells)} cells where the header has "
                            f"{len(columns)}")
            continue
        rows.append((number, dict(zip(columns, cells))))
    if problems:
        raise _problems(name, problems)
    return rows


def _jsonl_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            problems.append(f"line {number}: nested too deeply")
            continue
        except ValueError as exc:
            problems.append(f"line {number}: not valid JSON ({exc})")
            continue
        if not isinstance(record, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        missing = [k for k in REQUIRED if k not in record and k not in JSONL_OPTIONAL]
        if missing:
            problems.append(f"line {number}: missing key(s) {', '.join(missing)}")
            continue
        rows.append((number, {str(k).lower(): v for k, v in record.items()}))
    if problems:
        raise _problems(name, problems)
    return rows


def _common(rows: list[dict[str, Any]], key: str) -> str | None:
    values = {str(r.get(key) or "").strip() for r in rows}
    if len(values) == 1:
        value = clean_name(values.pop())
        return value or None
    return None


def _document(data: bytes, text: str, name: str, rows: list[dict[str, Any]]) -> Document:
    """Return the file's Document: title, url and source shared by all rows, else the name."""
    source = _common(rows, "source")
    url = _common(rows, "url") or (source if source and source.startswith(("http://", "https://"))
                                   else None)
    return Document(id=content_hash(data), title=_common(rows, "title") or Path(name).name,
                    url=url, source=source or Path(name).name, length=len(text))


def _text(row: dict[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.append(f"{where}: {key} is not text")
        return ""
    text = str(value)
    if len(text) > MAX_CELL:
        problems.append(f"{where}: {key} is over {MAX_CELL} characters")
        return ""
    return text


def _build(rows: list[tuple[int, dict[str, Any]]], document_id: str, extractor: str,
           unit: str) -> tuple[list[Triple], list[str]]:
    """Return the triples of validated rows, or the problems of the bad ones."""
    onto = get_ontology()
    triples: list[Triple] = []
    problems: list[str] = []
    for number, row in rows:
        where = f"{unit} {number}"
        before = len(problems)
        cells = {k: _text(row, k, where, problems) for k in (*REQUIRED, *OPTIONAL)}
        predicate = cells["predicate"].strip()
        if predicate not in onto.predicates:
            problems.append(f"{where}: unknown predicate {predicate[:80]!r}")
        names = {}
        for role in ("subject", "object"):
            kind = cells[f"{role}_type"].strip()
            if kind not in onto.types:
                problems.append(f"{where}: unknown {role}_type {kind[:80]!r}")
            names[role] = clean_name(cells[role])
            if not names[role]:
                problems.append(f"{where}: empty {role} name")
            elif len(names[role]) > MAX_NAME:
                problems.append(f"{where}: {role} name over {MAX_NAME} characters")
        try:
            date = parse_date(cells["date"].strip())
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
        confidence = _confidence(cells["confidence"], where, problems)
        status = cells["status"].strip().lower() or "asserted"
        if status not in STATUSES:
            problems.append(f"{where}: unknown status {status[:40]!r} (one of "
                            f"{', '.join(STATUSES)})")
        sentence = clean_text(cells["evidence"]).strip()
        if len(sentence) > MAX_SENTENCE:
            problems.append(f"{where}: evidence over {MAX_SENTENCE} characters")
        if len(problems) > before:
            continue
        info = onto.predicates[predicate]
        if not sentence:
            sentence = f"{names['subject']} {info.label or predicate} {names['object']}"
            if cells["source"].strip():
                sentence += f" (source: {clean_name(cells['source'])[:2000]})"
        evidence = Evidence(document_id=document_id, sentence=sentence, date=date,
                            extractor=extractor, confidence=confidence,
                            attribution=clean_name(cells["attribution"]) or None,
                            status=status)  # type: ignore[arg-type]
        triples.append(Triple(subject=Entity.named(names["subject"], cells["subject_type"].strip()),
                              predicate=predicate,
                              object=Entity.named(names["object"], cells["object_type"].strip()),
                              evidence=evidence))
    return triples, problems


def _confidence(cell: str, where: str, problems: list[str]) -> float:
    if not cell.strip():
        return 1.0
    try:
        value = float(cell)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        problems.append(f"{where}: confidence {cell[:40]!r} is not a number in [0, 1]")
        return 1.0
    return value
