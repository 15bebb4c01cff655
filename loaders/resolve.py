"""Entity resolution within a document, and stable identities across documents.

Within a document a surname alone resolves to the one full name
mentioned there; a surname shared by two full names stays unresolved. Gazetteer
actors take their canonical name ("Moscow" -> Russia). Keys are ``name_key``s, so
"Vucic" and "Vučić" are one entity; across documents the same canonical name gives
the same ``Entity.named`` id. Every surface form is kept as an alias.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.model import Entity
from graph.names import clean_name, name_key
from loaders.mentions import Mention


@dataclass
class Resolved:
    """A canonical entity being assembled from the mentions of one document."""

    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    external_ids: dict[str, str] = field(default_factory=dict)

    def entity(self) -> Entity:
        """Return the ``Entity`` with every alias seen (its own name excluded)."""
        own = name_key(self.name)
        aliases = sorted({a for a in self.aliases if name_key(a) != own})
        return Entity.named(self.name, self.type, aliases, self.external_ids)


def _display(text: str) -> str:
    text = clean_name(text)
    if text.lower().startswith("the ") and len(text.split()) > 1:
        rest = text[4:]
        if rest[:1].isupper():
            return text  # "The Dispatch": the article is part of the name
        return rest
    return text


class Resolver:
    """Resolves the mentions of one document to canonical entities.

    Build it with the document's named mentions (so every full name is known before
    a surname is looked up); call ``resolve`` for each argument mention; ``entities``
    returns the assembled entities by key.
    """

    def __init__(self, named: Iterable[Mention], short_forms: dict[str, str] | None = None
                 ) -> None:
        self.short_forms = short_forms or {}
        self.people: dict[str, str] = {}
        self.by_last: dict[str, set[str]] = {}
        self.found: dict[str, Resolved] = {}
        for m in named:
            if m.actor is None and m.type == "Person" and len(m.key.split()) >= 2:
                self._person(m.text)

    def _person(self, text: str) -> None:
        key = name_key(text)
        self.people.setdefault(key, _display(text))
        words = key.split()
        self.by_last.setdefault(words[-1], set()).add(key)

    def person_for(self, text: str) -> str | None | bool:
        """Return the full-name key a surname stands for; False when ambiguous.

        None means the text is not the surname of a person named in full.
        """
        key = name_key(text)
        if key in self.people:
            return key
        if len(key.split()) != 1:
            return None
        keys = self.by_last.get(key)
        if keys:
            return next(iter(keys)) if len(keys) == 1 else False
        return None

    def resolve(self, mention: Mention) -> str | None:
        """Return the key of the canonical entity of ``mention``, or None if unresolvable.

        None is returned for an ambiguous surname (two people in the document share it).
        """
        if mention.actor is not None:
            actor = mention.actor
            rec = self._record(actor.name, actor.type)
            if mention.kind != "demonym":
                rec.aliases.add(clean_name(mention.text))
            if actor.wikidata:
                rec.external_ids.setdefault("wikidata", actor.wikidata)
            return name_key(actor.name)
        if mention.kind != "generic":
            person = self.person_for(mention.text)
            if person is False:
                return None
            if person:
                rec = self._record(self.people[person], "Person")
                rec.aliases.add(clean_name(mention.text))
                return person
        name = _display(self.short_forms.get(mention.key, mention.text))
        if not name_key(name):
            return None
        rec = self._record(name, mention.type)
        rec.aliases.add(clean_name(mention.text))
        return name_key(name)

    def _record(self, name: str, type_name: str) -> Resolved:
        key = name_key(name)
        rec = self.found.get(key)
        if rec is None:
            rec = self.found[key] = Resolved(name=name, type=type_name)
        return rec

    def type_of(self, key: str) -> str:
        """Return the type of a resolved entity."""
        return self.found[key].type

    def entities(self) -> dict[str, Entity]:
        """Return the resolved entities by key, with every alias seen so far."""
        return {k: r.entity() for k, r in self.found.items()}
