"""An editor's judgements on the graph, and what ingestion must respect of them.

A ``Judgement`` is one correction (merge, split, distinct, rename, retype, alias add or
remove on entities; confirm, reject, change, add on relations; undo of another), stored
with its author, time and note, never deleted: an undo marks it undone. Its ``effect`` is
the part later writes consult; ``Overrides`` folds the effects of the active judgements,
in order, into the maps a write applies: where a merged-away entity's mentions land, which
name, type and aliases an editor fixed, which pairs are distinct, which relations were
redirected, confirmed or rejected.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.names import clean_name, name_key
from graph.aggregate import placed
from graph.model import Entity, Triple, relation_id
from ontology import get_ontology

JudgementKind = Literal["merge", "split", "distinct", "rename", "retype", "alias-add",
                        "alias-remove", "confirm", "reject", "change", "add", "undo"]
KINDS: tuple[str, ...] = JudgementKind.__args__  # type: ignore[attr-defined]


class JudgementRequest(BaseModel):
    """What an editor asks for: the kind, the entities or relations it is about (by id),
    and its parameters (``name``, ``type``, ``alias``, ``reason``, ``predicate``,
    ``reverse``, ``subject``, ``object``, ``source``, ``quote``, ``date``, ``target``)."""

    kind: JudgementKind
    author: str
    note: str | None = None
    entities: list[str] = Field(default_factory=list)
    relations: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    # set when a judgement is imported from another instance: kept as they were
    id: str | None = None
    at: str | None = None


class Judgement(BaseModel):
    """One stored judgement: the request, when and by whom, what it changed (``before``,
    for its undo) and what later writes must respect (``effect``)."""

    id: str
    kind: JudgementKind
    author: str
    at: str
    note: str | None = None
    entities: list[str] = Field(default_factory=list)
    relations: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    effect: dict[str, Any] = Field(default_factory=dict)
    before: dict[str, Any] = Field(default_factory=dict)
    undone_at: str | None = None
    undone_by: str | None = None

    @property
    def active(self) -> bool:
        """Return True while the judgement is not undone."""
        return self.undone_at is None


def new_judgement(request: JudgementRequest) -> Judgement:
    """Return the judgement of a request, with a fresh id and the current UTC time unless
    the request carries its own (an import)."""
    at = request.at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return Judgement(id=request.id or "j-" + uuid.uuid4().hex[:16], kind=request.kind,
                     author=request.author, at=at, note=request.note,
                     entities=list(request.entities), relations=list(request.relations),
                     params=dict(request.params))


def portable(j: Judgement) -> dict[str, Any]:
    """Return what an export carries of a judgement: the request as it was made, when, by
    whom, and whether it was undone (not its ``before`` and ``effect``, which the importing
    instance recomputes on its own graph)."""
    return j.model_dump(exclude={"effect", "before"})


class Overrides:
    """The folded effects of the active judgements, in the order they were made.

    ``stamp`` is the judgement counter of the store they were read from (a write checks it
    is still current).
    """

    def __init__(self, effects: Iterable[dict[str, Any]] = (), stamp: int = 0) -> None:
        self.stamp = stamp
        self.redirects: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.removed: dict[str, set[str]] = {}
        self.distinct: set[frozenset[str]] = set()
        self.rewrites: dict[str, tuple[str, str, str]] = {}
        self.reviews: dict[str, str] = {}
        for effect in effects:
            self._fold(effect)

    def _fold(self, effect: dict[str, Any]) -> None:
        for src, dst in effect.get("redirect", {}).items():
            self.redirects[src] = dst
            self.redirects.pop(dst, None)  # a survivor is itself again
        self.names.update(effect.get("name", {}))
        self.types.update(effect.get("type", {}))
        for entity, aliases in effect.get("alias-remove", {}).items():
            self.removed.setdefault(entity, set()).update(name_key(a) for a in aliases)
        for entity, aliases in effect.get("alias-add", {}).items():
            self.removed.get(entity, set()).difference_update(name_key(a) for a in aliases)
        for a, b in effect.get("distinct", []):
            self.distinct.add(frozenset((a, b)))
        for rid, ends in effect.get("rewrite", {}).items():
            self.rewrites[rid] = tuple(ends)  # type: ignore[assignment]
        self.reviews.update(effect.get("review", {}))

    @property
    def empty(self) -> bool:
        """Return True when no judgement changes what a write stores."""
        return not (self.redirects or self.names or self.types or self.removed
                    or self.rewrites or self.reviews)

    def resolve(self, entity_id: str) -> str:
        """Return the entity an id stands for now: itself, or the survivor of its merges."""
        seen = {entity_id}
        while entity_id in self.redirects:
            entity_id = self.redirects[entity_id]
            if entity_id in seen:  # a cycle left by undone judgements: stop where it loops
                break
            seen.add(entity_id)
        return entity_id

    def review(self, rid: str) -> str:
        """Return the review of a relation: "confirmed", "rejected" or "unreviewed"."""
        return self.reviews.get(rid, "unreviewed")

    def place(self, subject: str, predicate: str, obj: str) -> tuple[str, str, str, str]:
        """Return (relation id, subject, predicate, object) where evidence extracted as
        (subject, predicate, object) belongs now: ends resolved through merges, then the
        relation's predicate or direction as an editor changed it."""
        s, o = self.resolve(subject), self.resolve(obj)
        if get_ontology().predicates[predicate].symmetric and o < s:
            s, o = o, s
        rid = relation_id(s, predicate, o)
        seen = {rid}
        while rid in self.rewrites:
            s, predicate, o = self.rewrites[rid]
            if get_ontology().predicates[predicate].symmetric and o < s:
                s, o = o, s
            rid = relation_id(s, predicate, o)
            if rid in seen:
                break
            seen.add(rid)
        return rid, s, predicate, o

    def entity(self, e: Entity) -> Entity:
        """Return a mentioned entity as a write stores it: under the id it stands for now,
        with the name, type and aliases an editor fixed (a removed alias is not re-added)."""
        target = self.resolve(e.id)
        name = self.names.get(target)
        removed = self.removed.get(target, set())
        if target == e.id and name is None and not removed and target not in self.types:
            return e
        surfaces = [clean_name(e.name), *map(clean_name, e.aliases)]
        aliases = [a for a in surfaces if a and name_key(a) not in removed]
        if name is None:
            name = aliases[0] if aliases else clean_name(e.name)
        return Entity(id=target, name=name, type=self.types.get(target, e.type),
                      aliases=sorted(set(aliases) - {name}), external_ids=e.external_ids)

    def placed(self, t: Triple) -> tuple[str, str, str, str, str, str, str]:
        """Return (relation id, subject, predicate, object) where a triple's evidence belongs
        now, then (relation id, subject, object) as extracted: its evidence keeps the ends it
        was extracted with (an undone merge puts it back) and its id (stable across merges)."""
        raw, a, b = placed(t)
        if self.empty:
            return raw, a, t.predicate, b, raw, a, b
        return (*self.place(a, t.predicate, b), raw, a, b)

    def triple(self, t: Triple) -> Triple:
        """Return a triple with its entities as ``entity`` rewrites them (its predicate and
        ends are placed with ``place``)."""
        if self.empty:
            return t
        return t.model_copy(update={"subject": self.entity(t.subject),
                                    "object": self.entity(t.object)})
