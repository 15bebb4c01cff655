"""Pairs of entities likely to be one: for an editor to merge or mark distinct.

Entities are first grouped by what a duplicate would share (a word of a name or alias, an
acronym, the letters of a dotted abbreviation); only pairs within a group are compared.
Each pair is scored from its signals, each with a reason an editor can read: a shared
alias, an acronym of the other's name, similar names (rapidfuzz), the same type, shared
neighbours. Pairs marked distinct are left out.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from core.names import name_key
from graph.model import Entity
from graph.store import GraphStore

# entities sharing a blocking key beyond this many are too common a word to compare all
BLOCK_MAX = 60
NAME_SIMILAR = 85.0  # rapidfuzz token-sort ratio from which names count as alike
# the score of a name whose words are all in the other's: CONTAINED, plus COVERAGE times
# the share of the longer name it covers, less LOWER_CASE for a name in lower case
CONTAINED = 0.45
COVERAGE = 0.3
LOWER_CASE = 0.1
NEIGHBOURS_READ = 200  # relations read per entity to count shared neighbours


class Candidate(BaseModel):
    """Two entities that may be one, how likely (0..1) and why."""

    a: Entity
    b: Entity
    score: float
    reasons: list[str] = Field(default_factory=list)


def acronym(surface: str) -> str:
    """Return the initials of a name's capitalized words ("Federal Bureau of Investigation"
    gives "fbi"), or "" for a name of one word."""
    words = [w for w in surface.replace("-", " ").split() if w[:1].isupper()]
    return "".join(w[0] for w in words).casefold() if len(words) >= 2 else ""


def compact(surface: str) -> str:
    """Return the letters of a name without dots or spaces ("U.S." gives "us")."""
    return name_key(surface).replace(" ", "")


def _blocks(entities: Iterable[Entity]) -> dict[str, list[Entity]]:
    blocks: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        keys: set[str] = set()
        for surface in (e.name, *e.aliases):
            key = name_key(surface)
            keys.update(f"w:{w}" for w in key.split() if len(w) > 1)
            keys.add(f"c:{compact(surface)}")
            if initials := acronym(surface):
                keys.add(f"c:{initials}")
        for k in keys:
            blocks[k].append(e)
    return blocks


def _signals(a: Entity, b: Entity) -> tuple[float, list[str]]:
    """Return the name score (0..1) of a pair and its reasons."""
    reasons: list[str] = []
    score = 0.0
    keys_a = {name_key(s): s for s in (a.name, *a.aliases)}
    keys_b = {name_key(s): s for s in (b.name, *b.aliases)}
    shared = sorted(set(keys_a) & set(keys_b) - {""})
    if shared:
        score = 0.95
        reasons.append(f"share the name or alias {keys_a[shared[0]]!r}")
    for x, y in ((a, b), (b, a)):
        short = {compact(s): s for s in (x.name, *x.aliases)}
        for surface in (y.name, *y.aliases):
            if (initials := acronym(surface)) and initials in short:
                score = max(score, 0.9)
                reasons.append(f"{short[initials]!r} is the acronym of {surface!r}")
                break
    ka, kb = name_key(a.name), name_key(b.name)
    words_a, words_b = set(ka.split()), set(kb.split())
    similar = fuzz.token_sort_ratio(ka, kb)
    if similar >= NAME_SIMILAR:
        score = max(score, 0.6 + 0.3 * (similar - NAME_SIMILAR) / (100 - NAME_SIMILAR))
        reasons.append(f"names {similar:.0f}% alike")
    elif words_a and words_b and (words_a <= words_b or words_b <= words_a):
        inner, outer = (a, b) if len(words_a) < len(words_b) else (b, a)
        # the more of the longer name the shorter one covers, the likelier; a name in lower
        # case is a common noun taken for a name ("department"), a weak match
        covered = len(name_key(inner.name)) / max(1, len(name_key(outer.name)))
        contained = CONTAINED + COVERAGE * covered - (LOWER_CASE if inner.name.islower() else 0)
        score = max(score, contained)
        reasons.append(f"{outer.name!r} contains {inner.name!r}")
    return score, reasons


def duplicate_candidates(store: GraphStore, limit: int = 50,
                         entity_ids: Iterable[str] | None = None) -> list[Candidate]:
    """Return the likeliest duplicate pairs, best first, each with its reasons.

    With ``entity_ids``, only pairs involving one of them. Pairs an editor marked distinct
    are left out.
    """
    distinct = store.overrides().distinct
    entities = list(store.iter_entities())
    wanted = set(entity_ids) if entity_ids is not None else None
    pairs: dict[tuple[str, str], tuple[Entity, Entity]] = {}
    for block in _blocks(entities).values():
        if len(block) < 2 or len(block) > BLOCK_MAX:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if a.id == b.id or frozenset((a.id, b.id)) in distinct:
                    continue
                if wanted is not None and a.id not in wanted and b.id not in wanted:
                    continue
                pairs.setdefault((min(a.id, b.id), max(a.id, b.id)), (a, b))
    scored: list[Candidate] = []
    for a, b in pairs.values():
        score, reasons = _signals(a, b)
        if score <= 0:
            continue
        if a.type == b.type:
            score += 0.05
            reasons.append(f"both {a.type}")
        else:
            score -= 0.15
            reasons.append(f"{a.type} and {b.type}")
        scored.append(Candidate(a=a, b=b, score=score, reasons=reasons))
    scored.sort(key=lambda c: (-c.score, c.a.name, c.b.name))
    top = scored[:limit * 2]
    for c in top:
        shared = _neighbours(store, c.a.id) & _neighbours(store, c.b.id)
        if shared:
            c.score += min(0.1, 0.03 * len(shared))
            c.reasons.append(f"{len(shared)} shared neighbour{'s' if len(shared) > 1 else ''}")
        c.score = round(max(0.0, min(1.0, c.score)), 3)
    top.sort(key=lambda c: (-c.score, c.a.name, c.b.name))
    return top[:limit]


def _neighbours(store: GraphStore, entity_id: str) -> set[str]:
    return {x for r in store.relations_of(entity_id, include_flagged=False,
                                          limit=NEIGHBOURS_READ)
            for x in (r.subject, r.object) if x != entity_id}
