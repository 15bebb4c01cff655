"""How a relation may be walked: the steps of a relation in a mode, the predicates each mode
walks (read from the ontology's influence directions), and the entity type filter.

Shared by the neighborhood walk (``graph.traversal``) and the path search (``graph.paths``).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

from graph.model import Relation, RelationFilter
from ontology import get_ontology

Direction = Literal["forward", "reverse"]
Mode = Literal["influence", "any"]

ADJACENT_LIMIT = 20000   # relations read per level


class Edge(NamedTuple):
    """What a path search reads of a relation (a row of ``GraphStore.adjacent_edges``)."""

    id: str
    subject: str
    predicate: str
    object: str
    confidence: float


class Step(NamedTuple):
    """A way to walk a relation: from one end to the other, in a direction.

    The paths returned carry the whole Relation of each Edge.
    """

    source: str
    target: str
    relation: Edge | Relation
    direction: Direction


def has_type(type_name: str, types: Sequence[str]) -> bool:
    """Return True when ``type_name`` is one of ``types`` or a subtype; True when no types."""
    if not types:
        return True

    onto = get_ontology()
    return any(onto.is_a(type_name, t) for t in types)


def steps_of(relation: Relation, mode: str) -> list[Step]:
    """Return the ways ``relation`` may be walked in ``mode``.

    ``any``: both ways. ``influence``: as the predicate's influence in the ontology says
    (forward: subject → object, reverse: object → subject, both, none: never).
    """
    if relation.status != "asserted" or relation.subject == relation.object:
        return []
    ways = walk_ways(mode)
    forward, reverse = (True, True) if ways is None else ways.get(relation.predicate,
                                                                   (False, False))
    out = []
    if forward:
        out.append(Step(relation.subject, relation.object, relation, "forward"))
    if reverse:
        out.append(Step(relation.object, relation.subject, relation, "reverse"))
    return out


@lru_cache(maxsize=1)
def _influence() -> dict[str, tuple[bool, bool]]:
    """Return (walked forward, walked in reverse) of each predicate in mode "influence",
    from the ontology (loaded once)."""
    return {name: (p.influence in ("forward", "both"), p.influence in ("reverse", "both"))
            for name, p in get_ontology().predicates.items()}


def walk_ways(mode: str) -> dict[str, tuple[bool, bool]] | None:
    """Return (walked forward, walked in reverse) of each predicate in ``mode``; None when
    every predicate walks both ways (mode "any")."""
    return None if mode == "any" else _influence()


def walkable(flt: RelationFilter, mode: str) -> RelationFilter | None:
    """Return ``flt`` narrowed to the predicates walkable in ``mode`` (so the store never
    returns relations no step can use), or None when no predicate is walkable."""
    ways = walk_ways(mode)
    if ways is None:
        return flt
    walk = sorted(n for n, (fwd, rev) in ways.items() if fwd or rev)
    keep = [p for p in flt.predicates if p in ways and any(ways[p])] if flt.predicates \
        else walk
    return flt.model_copy(update={"predicates": keep}) if keep else None
