"""Finding the one entity a user means: by id, then by exact name or alias; never by guess."""
from __future__ import annotations

from core.errors import Ambiguous, NotFound
from core.names import name_key
from graph.model import Entity
from graph.store import GraphStore

SUGGESTIONS = 5


def _suggestions(store: GraphStore, ref: str) -> list[str]:
    """Return the names of the entities closest to ``ref`` (fuzzy), best first."""
    names: list[str] = []
    for entity, _score in store.search_entities(ref, limit=SUGGESTIONS):
        if entity.name not in names:
            names.append(entity.name)
    return names


def resolve_entity(store: GraphStore, ref: str) -> Entity:
    """Return the entity ``ref`` names: an id, else an exact name or alias (by ``name_key``).

    When several entities carry the name or alias and exactly one has it as its own name,
    that one is meant (an alias never beats a name); otherwise the lookup is ambiguous.

    Raises
    ------
    Ambiguous
        ``ref`` is a name or alias of several entities; ``suggestions`` holds their names,
        each of which resolves to one of them.
    NotFound
        no entity has this id, name or alias; ``suggestions`` holds "did you mean" names
        from a fuzzy search. A fuzzy match is never returned as the answer.
    """
    text = ref.strip()
    if not text:
        raise NotFound("empty entity reference: give an id, a name or an alias")
    found = store.get_entity(text)
    if found is not None:
        return found
    key = name_key(text)
    matches = store.find_by_key(key) if key else []
    unique = list({e.id: e for e in matches}.values())
    if len(unique) == 1:
        return unique[0]
    if len(unique) > 1:
        named = [e for e in unique if name_key(e.name) == key]
        if len(named) == 1:
            return named[0]
        unique.sort(key=lambda e: (e.name.casefold(), e.id))
        listed = ", ".join(f"{e.name} ({e.type}, id {e.id})" for e in unique[:10])
        raise Ambiguous(f"{text!r} names {len(unique)} entities: {listed}; "
                        "use one of their names or ids",
                        suggestions=[e.name for e in unique])
    suggestions = _suggestions(store, text)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise NotFound(f"no entity with the id, name or alias {text!r}{hint}",
                   suggestions=suggestions)
