"""What each judgement does to the graph and how its undo reverses it, for every backend.

A backend gives a ``ReviewTx``: a handful of reads and writes inside ONE write
transaction; ``judge`` runs a judgement (or an undo) through it, so a judgement is all or
nothing. Evidence keeps the ends it was extracted with; where it belongs now is a function
of the active judgements (``Overrides.place``), so a merge, a change of predicate and their
undos all move evidence the same way: by placing it again (``_replace``).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from core.errors import InputError, NotFound
from core.names import clean_name, content_hash, entity_id, name_key
from graph.judgements import Judgement, JudgementRequest, Overrides, new_judgement
from graph.model import Document, Entity, Evidence, Relation, Triple
from ontology import get_ontology

# (evidence id, relation id now, subject, predicate, object as extracted)
EvidenceEnds = tuple[str, str, str, str, str]
# (evidence id, relation id now, then relation id, subject, predicate, object where it
# goes, then subject, predicate, object as extracted)
Move = tuple[str, str, str, str, str, str, str, str, str]
MAX_NOTE = 2000
URL = re.compile(r"^https?://\S+$")


class ReviewTx(Protocol):
    """The reads and writes of one write transaction that judgements need."""

    def overrides(self) -> Overrides:
        """Return the folded effects of the active judgements as this transaction sees them."""

    def entities(self, ids: Sequence[str]) -> list[Entity]:
        """Return the stored entities with these ids, in order (unknown ids skipped)."""

    def relations(self, ids: Sequence[str]) -> list[Relation]:
        """Return the stored relations with these ids, in order (unknown ids skipped)."""

    def document(self, document_id: str) -> Document | None:
        """Return the stored document or None."""

    def judgement(self, judgement_id: str) -> Judgement | None:
        """Return the stored judgement or None."""

    def active(self, kind: str) -> list[Judgement]:
        """Return the active judgements of this kind, newest first."""

    def save(self, judgement: Judgement) -> None:
        """Store a judgement (or its new state), bumping the judgement counter."""

    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Create or replace these entities: name, type, aliases, external ids."""

    def delete_entities(self, ids: Sequence[str]) -> None:
        """Delete these entities and their aliases, those no relation touches."""

    def evidence_ends(self, entity_ids: Sequence[str],
                      relation_ids: Sequence[str] = ()) -> list[EvidenceEnds]:
        """Return the evidence of the relations touching ``entity_ids`` or with these ids."""

    def move_evidence(self, moves: Sequence[Move], overrides: Overrides) -> None:
        """Put evidence on other relations (created when missing), keep the ends it was
        extracted with, then refresh the relations it left and joined."""

    def refresh(self, relation_ids: Sequence[str], overrides: Overrides) -> None:
        """Re-aggregate these relations (their review included); delete the unsupported ones
        and the entities left without relations."""

    def store_document(self, document: Document, triples: Sequence[Triple],
                       overrides: Overrides) -> None:
        """Store a document with its triples, as an upsert does."""

    def remove_document(self, document_id: str, overrides: Overrides) -> None:
        """Remove a document and what only it supported, as ``remove_document`` does."""


def judge(tx: ReviewTx, request: JudgementRequest) -> Judgement:
    """Run a judgement in ``tx`` and return it as stored.

    Raises InputError (a judgement that makes no sense: merging an entity with itself,
    undoing twice, an unknown predicate or type, a hand-added relation without a source)
    and NotFound (an unknown entity, relation or judgement id); the caller's transaction is
    then rolled back, so nothing is half-applied.
    """
    if request.note is not None and len(request.note) > MAX_NOTE:
        raise InputError(f"note longer than {MAX_NOTE} characters")
    if not clean_name(request.author):
        raise InputError("a judgement needs an author")
    j = new_judgement(request)
    if tx.judgement(j.id) is not None:
        raise InputError(f"judgement {j.id} exists already")
    APPLY[j.kind](tx, j)
    return j


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _entities(tx: ReviewTx, ids: Sequence[str], count: int | None = None) -> list[Entity]:
    """Return the entities ``ids`` name, all of them, or raise NotFound / InputError."""
    if count is not None and len(ids) != count:
        raise InputError(f"this judgement is about {count} entit{'y' if count == 1 else 'ies'}, "
                         f"not {len(ids)}")
    found = {e.id: e for e in tx.entities(ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no entity with the id {', '.join(map(repr, missing))}")
    return [found[i] for i in ids]


def _relation(tx: ReviewTx, j: Judgement) -> Relation:
    if len(j.relations) != 1:
        raise InputError(f"a {j.kind} judgement is about one relation, not {len(j.relations)}")
    found = tx.relations(j.relations)
    if not found:
        raise NotFound(f"no relation with the id {j.relations[0]!r}")
    return found[0]


def _text(j: Judgement, key: str, what: str) -> str:
    value = clean_name(str(j.params.get(key) or ""))
    if not value:
        raise InputError(f"a {j.kind} judgement needs {what}")
    j.params[key] = value
    return value


def _type(name: str) -> str:
    types = get_ontology().types
    if name not in types:
        raise InputError(f"unknown type {name!r}; known: {', '.join(sorted(types))}")
    return name


def _predicate(name: str) -> str:
    predicates = get_ontology().predicates
    if name not in predicates:
        raise InputError(f"unknown predicate {name!r}; known: {', '.join(sorted(predicates))}")
    return name


def _commit(tx: ReviewTx, j: Judgement) -> Overrides:
    """Save ``j`` and return the overrides with it folded in."""
    tx.save(j)
    return tx.overrides()


def _replace(tx: ReviewTx, refs: Sequence[EvidenceEnds], overrides: Overrides) -> list[Move]:
    """Place each evidence again under ``overrides``, move what now belongs elsewhere and
    return the moves."""
    moves: list[Move] = []
    for ev_id, now, s, p, o in refs:
        rid, ps, pp, po = overrides.place(s, p, o)
        if rid != now:
            moves.append((ev_id, now, rid, ps, pp, po, s, p, o))
    if moves:
        tx.move_evidence(moves, overrides)
    return moves


def _reviews_carried(tx: ReviewTx, j: Judgement, refs: Sequence[EvidenceEnds],
                     overrides: Overrides) -> None:
    """Move the evidence of ``refs`` as ``overrides`` place it, and let a relation that
    gets all its evidence from relations an editor confirmed (or all from rejected ones)
    keep that review: ``j`` (saved again) carries it, so its undo drops it."""
    targets = {overrides.place(s, p, o)[0] for _, _, s, p, o in refs}
    existed = {r.id for r in tx.relations(sorted(targets))}
    moves = _replace(tx, refs, overrides)
    sources: dict[str, set[str]] = {}
    for m in moves:
        sources.setdefault(m[2], set()).add(overrides.review(m[1]))
    for _, now, s, p, o in refs:
        rid = overrides.place(s, p, o)[0]
        if rid == now or rid in existed:
            sources.setdefault(rid, set()).add(overrides.review(rid))
    carried = {rid: states.pop() for rid, states in sources.items()
               if len(states) == 1 and rid not in overrides.reviews
               and next(iter(states)) != "unreviewed"}
    if carried:
        j.effect = {**j.effect, "review": carried}
        tx.refresh(sorted(carried), _commit(tx, j))


def _surfaces(e: Entity) -> set[str]:
    return {e.name, *e.aliases}


# ------------------------------------------------------------------ entities


def _merge(tx: ReviewTx, j: Judgement) -> None:
    ids = list(j.entities)
    if len(ids) < 2:
        raise InputError("a merge needs two or more entities")
    if len(set(ids)) < len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"cannot merge {twice!r} with itself")
    found = _entities(tx, ids)
    overrides = tx.overrides()
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if frozenset((a, b)) in overrides.distinct:
                raise InputError(f"{a!r} and {b!r} are marked distinct; undo that judgement "
                                 "before merging them")
    if j.params.get("type"):
        _type(j.params["type"])
    name = clean_name(str(j.params.get("name") or "")) or found[0].name
    j.params["name"] = name
    j.before = {"entities": [e.model_dump() for e in found]}
    _merge_into(tx, j)


def _merge_into(tx: ReviewTx, j: Judgement) -> None:
    """Write the survivor of merge ``j``, save it, move the others' evidence to it and
    delete them (the state before is in ``j.before``)."""
    found = [Entity.model_validate(e) for e in j.before["entities"]]
    survivor, losers = found[0], found[1:]
    name = j.params["name"]
    kind = j.params.get("type") or survivor.type
    external: dict[str, str] = {}
    for e in reversed(found):
        external.update(e.external_ids)
    current = tx.entities([survivor.id])
    aliases = set().union(*map(_surfaces, [*current, *found])) - {name}
    tx.put_entities([Entity(id=survivor.id, name=name, type=kind, aliases=sorted(aliases),
                            external_ids=external)])
    j.effect = {"redirect": {e.id: survivor.id for e in losers}, "name": {survivor.id: name},
                **({"type": {survivor.id: kind}} if j.params.get("type") else {})}
    overrides = _commit(tx, j)
    _reviews_carried(tx, j, tx.evidence_ends([e.id for e in losers]), overrides)
    tx.delete_entities([e.id for e in losers])


def _unmerge(tx: ReviewTx, merge: Judgement, by: str, at: str) -> None:
    """Undo a merge: the others come back as they were, with their own evidence."""
    merge.undone_at, merge.undone_by = at, by
    overrides = _commit(tx, merge)
    found = [Entity.model_validate(e) for e in merge.before["entities"]]
    survivor, losers = found[0], found[1:]
    present = {e.id for e in tx.entities([e.id for e in losers])}
    tx.put_entities([e for e in losers if e.id not in present])
    current = tx.entities([survivor.id])
    if current:
        now = current[0]
        brought = (set().union(*map(_surfaces, losers)) | {merge.params["name"]}) \
            - _surfaces(survivor)
        name = survivor.name if now.name == merge.params["name"] else now.name
        kind = survivor.type if now.type == (merge.params.get("type") or survivor.type) \
            else now.type
        aliases = (_surfaces(now) - brought) | set(survivor.aliases)
        tx.put_entities([Entity(id=survivor.id, name=name, type=kind,
                                aliases=sorted(aliases - {name}),
                                external_ids=survivor.external_ids)])
    holders = list(dict.fromkeys([survivor.id, overrides.resolve(survivor.id)]))
    _replace(tx, tx.evidence_ends(holders), overrides)


def _split(tx: ReviewTx, j: Judgement) -> None:
    [entity] = _entities(tx, j.entities, 1)
    merges = [m for m in tx.active("merge") if m.entities[0] == entity.id]
    if not merges:
        raise InputError(f"{entity.name!r} is not the result of a merge: nothing to split")
    merge = merges[0]
    j.params["merge"] = merge.id
    j.entities = list(merge.entities)
    tx.save(j)
    _unmerge(tx, merge, j.id, j.at)


def _unsplit(tx: ReviewTx, split: Judgement, by: str, at: str) -> None:
    split.undone_at, split.undone_by = at, by
    tx.save(split)
    merge = tx.judgement(split.params["merge"])
    if merge is None:
        raise NotFound(f"the merge {split.params['merge']} of split {split.id} is gone")
    missing = [e["id"] for e in merge.before["entities"] if not tx.entities([e["id"]])]
    if missing:
        raise InputError(f"cannot merge again: {', '.join(missing)} no longer stored")
    merge.undone_at = merge.undone_by = None
    _merge_into(tx, merge)


def _distinct(tx: ReviewTx, j: Judgement) -> None:
    a, b = _entities(tx, j.entities, 2)
    if a.id == b.id:
        raise InputError(f"{a.name!r} is one entity: it cannot be distinct from itself")
    if frozenset((a.id, b.id)) in tx.overrides().distinct:
        raise InputError(f"{a.name!r} and {b.name!r} are marked distinct already")
    j.effect = {"distinct": [[a.id, b.id]]}
    tx.save(j)


def _rename(tx: ReviewTx, j: Judgement) -> None:
    [e] = _entities(tx, j.entities, 1)
    name = _text(j, "name", "a new name")
    if name == e.name:
        raise InputError(f"{e.name!r} is already named so")
    other = entity_id(name)
    if other != e.id and tx.entities([other]):
        raise InputError(f"another entity is named {name!r} (id {other}): merge them instead")
    j.before = {"entities": [e.model_dump()]}
    tx.put_entities([e.model_copy(update={"name": name,
                                          "aliases": sorted(_surfaces(e) - {name})})])
    j.effect = {"name": {e.id: name}, **({"redirect": {other: e.id}} if other != e.id else {})}
    tx.save(j)


def _retype(tx: ReviewTx, j: Judgement) -> None:
    [e] = _entities(tx, j.entities, 1)
    kind = _type(_text(j, "type", "a type"))
    if kind == e.type:
        raise InputError(f"{e.name!r} is already a {kind}")
    j.before = {"entities": [e.model_dump()]}
    tx.put_entities([e.model_copy(update={"type": kind})])
    j.effect = {"type": {e.id: kind}}
    tx.save(j)


def _alias(tx: ReviewTx, j: Judgement) -> None:
    [e] = _entities(tx, j.entities, 1)
    alias = _text(j, "alias", "an alias")
    key = name_key(alias)
    if not key:
        raise InputError(f"{alias!r} is not a name")
    held = [a for a in e.aliases if name_key(a) == key]
    j.before = {"entities": [e.model_dump()]}
    if j.kind == "alias-add":
        if alias in _surfaces(e):
            raise InputError(f"{e.name!r} already has the alias {alias!r}")
        tx.put_entities([e.model_copy(update={"aliases": sorted({*e.aliases, alias})})])
        j.effect = {"alias-add": {e.id: [alias]}}
    else:
        if name_key(e.name) == key:
            raise InputError(f"{alias!r} is the name of {e.id}: rename it instead")
        if not held:
            raise InputError(f"{e.name!r} has no alias {alias!r}")
        tx.put_entities([e.model_copy(update={"aliases": sorted(set(e.aliases) - set(held))})])
        j.params["removed"] = held
        j.effect = {"alias-remove": {e.id: held}, "name": {e.id: e.name}}
    tx.save(j)


def _restore(tx: ReviewTx, j: Judgement, by: str, at: str) -> None:
    """Undo a rename, retype or alias change: the entity gets back what the judgement
    changed, and keeps what happened to it since."""
    j.undone_at, j.undone_by = at, by
    tx.save(j)
    before = Entity.model_validate(j.before["entities"][0])
    current = tx.entities([before.id])
    if not current:
        return
    now = current[0]
    if j.kind == "rename":
        name = before.name if now.name == j.params["name"] else now.name
        aliases = _surfaces(now) - {name}
        if j.params["name"] not in before.aliases:
            aliases.discard(j.params["name"])
        now = now.model_copy(update={"name": name, "aliases": sorted(aliases)})
    elif j.kind == "retype":
        if now.type == j.params["type"]:
            now = now.model_copy(update={"type": before.type})
    elif j.kind == "alias-add":
        now = now.model_copy(update={"aliases": sorted(set(now.aliases) - {j.params["alias"]})})
    else:
        now = now.model_copy(update={"aliases": sorted({*now.aliases, *j.params["removed"]}
                                                       - {now.name})})
    tx.put_entities([now])


def _undistinct(tx: ReviewTx, j: Judgement, by: str, at: str) -> None:
    j.undone_at, j.undone_by = at, by
    tx.save(j)


# ------------------------------------------------------------------ relations


def _review(tx: ReviewTx, j: Judgement) -> None:
    rel = _relation(tx, j)
    state = "confirmed" if j.kind == "confirm" else "rejected"
    if j.kind == "reject":
        _text(j, "reason", "a reason (--reason)")
    if rel.review == state:
        raise InputError(f"relation {rel.id} is already {state}")
    j.before = {"review": rel.review}
    j.effect = {"review": {rel.id: state}}
    tx.refresh([rel.id], _commit(tx, j))


def _unreview(tx: ReviewTx, j: Judgement, by: str, at: str) -> None:
    j.undone_at, j.undone_by = at, by
    tx.refresh(j.relations, _commit(tx, j))


def _change(tx: ReviewTx, j: Judgement) -> None:
    rel = _relation(tx, j)
    predicate = _predicate(str(j.params.get("predicate") or rel.predicate))
    reverse = bool(j.params.get("reverse"))
    s, o = (rel.object, rel.subject) if reverse else (rel.subject, rel.object)
    if (s, predicate, o) == (rel.subject, rel.predicate, rel.object) or (
            reverse and predicate == rel.predicate and get_ontology().predicates[
                predicate].symmetric):
        raise InputError(f"relation {rel.id} already reads {rel.subject} {rel.predicate} "
                         f"{rel.object}: nothing to change")
    j.params.update(predicate=predicate, reverse=reverse)
    j.before = {"relation": rel.model_dump(mode="json")}
    j.effect = {"rewrite": {rel.id: [s, predicate, o]}}
    overrides = _commit(tx, j)
    j.params["result"] = overrides.place(rel.subject, rel.predicate, rel.object)[0]
    tx.save(j)
    _reviews_carried(tx, j, tx.evidence_ends((), [rel.id]), overrides)


def _unchange(tx: ReviewTx, j: Judgement, by: str, at: str) -> None:
    j.undone_at, j.undone_by = at, by
    overrides = _commit(tx, j)
    _replace(tx, tx.evidence_ends((), [j.params["result"]]), overrides)


def _add(tx: ReviewTx, j: Judgement) -> None:
    subject, obj = _entities(tx, j.entities, 2)
    if subject.id == obj.id:
        raise InputError(f"{subject.name!r} cannot be related to itself")
    predicate = _predicate(_text(j, "predicate", "a predicate"))
    source = _text(j, "source", "a source: a URL or the id of a stored document (--source)")
    quote = _text(j, "quote", "the quoted sentence (--quote)")
    day = j.params.get("date")
    try:
        when = dt.date.fromisoformat(str(day)) if day else None
    except ValueError:
        raise InputError(f"date {day!r} is not YYYY-MM-DD") from None
    cited = tx.document(source)
    if cited is None and not URL.match(source):
        raise InputError(f"source {source!r} is neither a URL (http:// or https://) nor the "
                         "id of a stored document")
    doc = Document(id=content_hash(f"judgement:{j.id}"),
                   title=(cited.title if cited else source) or source,
                   url=cited.url if cited else source, published=when, source="editor",
                   author=j.author, length=len(quote), origin=f"judgement:{j.id}")
    triple = Triple(subject=subject, predicate=predicate, object=obj,
                    evidence=Evidence(document_id=doc.id, sentence=quote, date=when,
                                      extractor="editor", attribution=j.author))
    j.params["document"] = doc.id
    overrides = _commit(tx, j)
    tx.store_document(doc, [triple], overrides)
    j.relations = [overrides.placed(triple)[0]]
    tx.save(j)


def _unadd(tx: ReviewTx, j: Judgement, by: str, at: str) -> None:
    j.undone_at, j.undone_by = at, by
    tx.remove_document(j.params["document"], _commit(tx, j))


# ------------------------------------------------------------------ undo


def _undo(tx: ReviewTx, j: Judgement) -> None:
    target_id = _text(j, "target", "the id of the judgement to undo")
    target = tx.judgement(target_id)
    if target is None:
        raise NotFound(f"no judgement with the id {target_id!r}")
    if target.kind == "undo":
        raise InputError(f"{target_id} is an undo: make the judgement again instead")
    if not target.active:
        raise InputError(f"judgement {target_id} was already undone by {target.undone_by} "
                         f"at {target.undone_at}")
    j.entities, j.relations = list(target.entities), list(target.relations)
    j.params["undone"] = target.kind
    tx.save(j)
    REVERT[target.kind](tx, target, j.id, j.at)


APPLY: dict[str, Callable[[ReviewTx, Judgement], None]] = {
    "merge": _merge, "split": _split, "distinct": _distinct, "rename": _rename,
    "retype": _retype, "alias-add": _alias, "alias-remove": _alias, "confirm": _review,
    "reject": _review, "change": _change, "add": _add, "undo": _undo}
REVERT: dict[str, Callable[[ReviewTx, Judgement, str, str], None]] = {
    "merge": _unmerge, "split": _unsplit, "distinct": _undistinct, "rename": _restore,
    "retype": _restore, "alias-add": _restore, "alias-remove": _restore,
    "confirm": _unreview, "reject": _unreview, "change": _unchange, "add": _unadd}
