"""The editorial operations: make a judgement (entities named by id, name or alias), read
the log, list duplicate candidates, export and import judgements as JSON lines.

The API routes and the CLI both call these; the store does the work (``graph.review``).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from core.errors import InputError, NotFound
from graph.candidates import Candidate, duplicate_candidates
from graph.judgements import Judgement, JudgementRequest, portable
from graph.lookup import resolve_entity
from graph.store import GraphStore

# the parameters each kind takes besides its entities and relations
PARAMS = ("name", "type", "alias", "reason", "predicate", "reverse", "source", "quote", "date",
          "target")
MAX_IMPORT_LINE = 1_000_000


def make_judgement(store: GraphStore, kind: str, author: str, entities: Iterable[str] = (),
                   relations: Iterable[str] = (), note: str | None = None,
                   **params: Any) -> Judgement:
    """Return the judgement made on ``store``: ``entities`` by id, name or alias (as
    everywhere), ``relations`` by id, ``params`` as ``graph.judgements.JudgementRequest``
    describes (None values left out).

    Raises InputError, NotFound or Ambiguous (nothing changed) when it cannot be made.
    """
    ids = [resolve_entity(store, ref).id for ref in entities]
    given = {k: v for k, v in params.items() if v is not None and v != ""}
    unknown = sorted(set(given) - set(PARAMS))
    if unknown:
        raise InputError(f"unknown judgement parameter(s): {', '.join(unknown)}")
    try:
        request = JudgementRequest(kind=kind, author=author, note=note,  # type: ignore[arg-type]
                                   entities=ids, relations=list(relations), params=given)
    except ValidationError as exc:
        raise InputError(_first_error(exc)) from None
    return store.judge(request)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def judgement_log(store: GraphStore, limit: int = 100, offset: int = 0) -> list[Judgement]:
    """Return judgements newest first."""
    return store.judgements(limit=limit, offset=offset)


def candidates(store: GraphStore, limit: int = 50, entity: str | None = None) -> list[Candidate]:
    """Return likely duplicate pairs, best first, with their reasons (those involving
    ``entity`` when given, by id, name or alias)."""
    ids = [resolve_entity(store, entity).id] if entity else None
    return duplicate_candidates(store, limit=limit, entity_ids=ids)


def export_judgements(store: GraphStore) -> Iterator[str]:
    """Yield every judgement, oldest first, as one JSON object a line (what another
    instance imports: kind, entities, relations, parameters, author, time, note)."""
    for j in store.iter_judgements():
        yield json.dumps(portable(j), ensure_ascii=False, sort_keys=True) + "\n"


class ImportReport(BaseModel):
    """What an import of judgements did."""

    imported: int
    skipped: int  # already in this store (same id)


def import_judgements(store: GraphStore, lines: Iterable[str], name: str) -> ImportReport:
    """Make again, in order, the judgements of a JSON-lines export (each keeps its id,
    author, time and note); those already stored are skipped.

    Every line is read and checked before the first is applied: InputError naming
    ``name`` and the line when one is not a judgement. A judgement that cannot be made on
    this graph (an entity it names is missing) stops the import with InputError naming its
    line; those before it stay made.
    """
    requests: list[tuple[int, JudgementRequest]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_IMPORT_LINE:
            raise InputError(f"{name}:{number}: line longer than {MAX_IMPORT_LINE} characters")
        try:
            j = Judgement.model_validate_json(line)
        except ValidationError as exc:
            raise InputError(f"{name}:{number}: not a judgement ({_first_error(exc)})") from None
        requests.append((number, JudgementRequest(
            kind=j.kind, author=j.author, note=j.note, entities=j.entities,
            relations=j.relations if j.kind != "add" else [],
            params={k: v for k, v in j.params.items() if k in PARAMS}, id=j.id, at=j.at)))
    imported = skipped = 0
    for number, request in requests:
        if request.id and store.get_judgement(request.id) is not None:
            skipped += 1
            continue
        try:
            store.judge(request)
        except (InputError, NotFound) as exc:
            raise InputError(f"{name}:{number}: {exc} ({imported} imported before it)") from None
        imported += 1
    return ImportReport(imported=imported, skipped=skipped)


def describe(j: Judgement) -> str:
    """Return one line saying what a judgement is: id, kind, what it is about, by whom."""
    about = [*j.entities, *j.relations]
    shown = {k: v for k, v in j.params.items() if k in PARAMS and k != "target"}
    parts = [j.id, j.kind, " ".join(about)]
    if j.kind == "undo":
        parts.append(f"of {j.params.get('target')}")
    parts += [f"{k}={v!r}" for k, v in shown.items()]
    parts.append(f"by {j.author} at {j.at}")
    if j.note:
        parts.append(f"note={j.note!r}")
    if j.undone_by:
        parts.append(f"(undone by {j.undone_by})")
    return " ".join(p for p in parts if p)
