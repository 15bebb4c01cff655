"""What both backends share when they write: validation against the ontology and the
aggregation of a relation's evidence into its confidence, status and dates."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import NamedTuple

from core.errors import InputError
from core.names import clean_name
from graph.model import Document, Entity, Relation, Triple, relation_id
from ontology import get_ontology

MAX_NAME = 10_000
MAX_SENTENCE = 20_000
# the text fields of a document besides its id (and, before extraction, its text)
METADATA_TEXTS = ("title", "url", "source", "author")


def unicode_problem(text: str | None) -> str | None:
    """Return why ``text`` cannot be stored as UTF-8 (a lone surrogate, which JSON's
    ``\\ud800`` escapes let through), or None when it can."""
    if not text:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"not valid Unicode ({exc.reason} at position {exc.start})"
    return None


def validate_document(document: Document, triples: Sequence[Triple]) -> None:
    """Return None when the document's fields are valid Unicode and ``validate_triples``
    accepts its triples; raises InputError naming what is wrong otherwise."""
    problems = [f"document {name} is {problem}" for name in ("id", *METADATA_TEXTS)
                if (problem := unicode_problem(getattr(document, name)))]
    if problems:
        raise InputError("; ".join(problems))
    validate_triples(triples)


def valid_items(items: Iterable[tuple[Document, Sequence[Triple]]], rejected: list[str]
                ) -> Iterator[tuple[Document, Sequence[Triple]]]:
    """Yield the (document, triples) of ``items`` that ``validate_document`` accepts; add
    "document 'title': why" of each other one to ``rejected`` (the upsert of both stores)."""
    for doc, triples in items:
        try:
            validate_document(doc, triples)
        except InputError as exc:
            rejected.append(f"document {doc.title or doc.id!r}: {exc}")
            continue
        yield doc, triples


def raise_rejected(rejected: list[str], stored: int) -> None:
    """Return None when no document was rejected; raise InputError naming the first ten
    rejected documents and saying how many were stored otherwise."""
    if rejected:
        raise InputError(f"{len(rejected)} document(s) rejected, {stored} stored: "
                         + "; ".join(rejected[:10]))


def validate_triples(triples: Sequence[Triple]) -> None:
    """Return None when every triple names known predicates and types and non-empty names,
    all of its text valid Unicode.

    Raises InputError listing the offending triples (by position) otherwise.
    """
    onto = get_ontology()
    problems: list[str] = []
    for i, t in enumerate(triples, start=1):
        texts = (("subject name", t.subject.name), ("object name", t.object.name),
                 ("evidence", t.evidence.sentence), ("attribution", t.evidence.attribution),
                 *(("alias", a) for e in (t.subject, t.object) for a in e.aliases))
        problems += [f"triple {i}: {what} is {problem}" for what, text in texts
                     if (problem := unicode_problem(text))]
        if t.predicate not in onto.predicates:
            problems.append(f"triple {i}: unknown predicate {t.predicate!r}")
        for role, ent in (("subject", t.subject), ("object", t.object)):
            if ent.type not in onto.types:
                problems.append(f"triple {i}: unknown {role} type {ent.type!r}")
            if not clean_name(ent.name):
                problems.append(f"triple {i}: empty {role} name")
            elif len(ent.name) > MAX_NAME:
                problems.append(f"triple {i}: {role} name longer than {MAX_NAME} characters")
        if t.subject.id == t.object.id:
            problems.append(f"triple {i}: {t.subject.name!r} {t.predicate} itself")
        if len(t.evidence.sentence) > MAX_SENTENCE:
            problems.append(f"triple {i}: evidence longer than {MAX_SENTENCE} characters")
        if not 0.0 <= t.evidence.confidence <= 1.0:
            problems.append(f"triple {i}: confidence {t.evidence.confidence} not in [0, 1]")
        if len(problems) > 20:
            break
    if problems:
        raise InputError("; ".join(problems[:20]))


def placed(t: Triple) -> tuple[str, str, str]:
    """Return (relation id, subject id, object id) of a triple as stored: symmetric
    predicates keep the smaller id first."""
    a, b = t.subject.id, t.object.id
    symmetric = get_ontology().predicates[t.predicate].symmetric
    if symmetric and b < a:
        a, b = b, a
    return relation_id(a, t.predicate, b), a, b


def triple_relation_id(t: Triple) -> str:
    """Return the relation id of a triple, ordering the ends of symmetric predicates."""
    return placed(t)[0]


def oriented(t: Triple) -> tuple[str, str]:
    """Return (subject id, object id) as stored: symmetric predicates keep the smaller id first."""
    _, a, b = placed(t)
    return a, b


def refines(old: str, new: str) -> bool:
    """Return True when entity type ``new`` is a strict subtype of ``old`` in the ontology
    (a stored Organization may become a Company; a Company never becomes an Organization)."""
    return new != old and get_ontology().is_a(new, old)


class EntityState(NamedTuple):
    """What the merge rule keeps of an entity while copies of it are merged (a tuple, not an
    Entity: the stores merge every copy of every triple, and building models is slower)."""

    name: str
    type: str
    aliases: frozenset[str]
    external_ids: dict[str, str]


def merge_entity(stored: EntityState | None, new: Entity) -> EntityState:
    """Return ``new`` merged into ``stored`` (None: not stored yet), the one rule of both
    stores: the first name is kept, a more specific type refines a generic one (``refines``),
    earlier external ids win, and every other surface (cleaned, non-empty) becomes an alias."""
    name = clean_name(new.name)
    first, kind, aliases, external_ids = stored or (name, new.type, frozenset(), {})
    if new.type != kind and refines(kind, new.type):
        kind = new.type
    return EntityState(first, kind, aliases.union((name, *map(clean_name, new.aliases)))
                       - {"", first}, {**new.external_ids, **external_ids})


def entity_state(e: Entity) -> EntityState:
    """Return the merge state of a stored entity."""
    return EntityState(e.name, e.type, frozenset(e.aliases), e.external_ids)


def merged_entity(entity_id: str, state: EntityState) -> Entity:
    """Return the Entity of a merge state (its aliases sorted)."""
    return Entity(id=entity_id, name=state.name, type=state.type, aliases=sorted(state.aliases),
                  external_ids=state.external_ids)


def noisy_or(confidences: Iterable[float]) -> float:
    """Return 1 - prod(1 - c): the chance that at least one piece of evidence is right."""
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - max(0.0, min(1.0, c))
    return round(1.0 - miss, 6)


def aggregate(rel_id: str, subject: str, predicate: str, obj: str,
              evidence: Iterable[tuple[float, str, date | None]],
              review: str = "unreviewed") -> Relation | None:
    """Return the relation aggregated from its (confidence, status, date) evidence rows and
    an editor's ``review`` of it.

    Confidence is the noisy-or of asserted evidence (0 when none is asserted); status is
    "asserted" when any evidence is; dates span the evidence dates. A rejected relation has
    status "rejected", and one whose two ends were merged into one entity "merged". None
    when no evidence.
    """
    rows = list(evidence)
    if not rows:
        return None
    asserted = [c for c, s, _ in rows if s == "asserted"]
    statuses = [s for _, s, _ in rows]
    status = "asserted" if asserted else max(sorted(set(statuses)), key=statuses.count)
    if subject == obj:
        status = "merged"
    elif review == "rejected":
        status = "rejected"
    dates = [d for _, _, d in rows if d is not None]
    return Relation(id=rel_id, subject=subject, predicate=predicate, object=obj,
                    confidence=noisy_or(asserted), status=status,  # type: ignore[arg-type]
                    first_seen=min(dates) if dates else None,
                    last_seen=max(dates) if dates else None, evidence_count=len(rows),
                    review=review)  # type: ignore[arg-type]
