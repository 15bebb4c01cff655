"""The vocabulary: entity types, predicates, modality markers and known actors, read from
Turtle with rdflib and loaded once. Every other module asks this view; none re-types it.

``get_ontology()`` returns the ``Ontology``; see docs/DESIGN.md for its fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rdflib import OWL, RDF, RDFS, Graph, Namespace
from rdflib.namespace import SKOS
from rdflib.term import Identifier, Node

from core.errors import InputError
from core.names import entity_id, name_key

HERE = Path(__file__).resolve().parent
NS = Namespace("https://influence-graph.org/ontology#")
ENTITY_NS = "https://influence-graph.org/id/entity/"
FILES = ("core.ttl", "gazetteer.ttl", "actors.ttl")
MAX_TEXT = 200  # longer texts are never actor names; skip the lookup

Influence = Literal["forward", "reverse", "both", "none"]
Polarity = Literal["+", "-", "0"]


@dataclass(frozen=True)
class PredicateInfo:
    """One predicate: its meaning, influence direction, polarity and how text states it."""

    name: str
    iri: str
    label: str
    definition: str
    family: str
    influence: Influence
    polarity: Polarity
    symmetric: bool
    domain: tuple[str, ...]
    range: tuple[str, ...]
    cues: tuple[str, ...]
    noun_cues: tuple[str, ...]
    role_cues: tuple[str, ...]
    ftm_schema: str
    wikidata: str | None
    wikidata_inverse: bool = False


@dataclass(frozen=True)
class TypeInfo:
    """One entity type: its place in the hierarchy, FtM schema and legend style."""

    name: str
    iri: str
    label: str
    definition: str
    parent: str | None
    ftm_schema: str
    color: str
    shape: str
    head_nouns: tuple[str, ...]


@dataclass(frozen=True)
class Modality:
    """A way a statement is not a plain fact, with the words that signal it."""

    name: str
    status: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Actor:
    """A known actor of the gazetteer."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    metonyms: tuple[str, ...]
    iso2: str | None
    iso3: str | None
    wikidata: str | None
    offices: tuple[str, ...] = ()


@dataclass
class Ontology:
    """The loaded vocabulary and gazetteer."""

    graph: Graph
    shapes: Graph
    predicates: dict[str, PredicateInfo]
    types: dict[str, TypeInfo]
    modalities: dict[str, Modality]
    actors: list[Actor]
    ner_labels: dict[str, str] = field(default_factory=dict)
    NS: Namespace = NS
    _by_key: dict[str, Actor] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Actor] = field(default_factory=dict, repr=False)

    def predicate(self, name: str) -> PredicateInfo:
        """Return the predicate called ``name``; raise InputError naming the known ones."""
        try:
            return self.predicates[name]
        except KeyError:
            raise InputError(f"unknown predicate {name!r}; known predicates: "
                             f"{', '.join(sorted(self.predicates))}") from None

    def type(self, name: str) -> TypeInfo:
        """Return the entity type called ``name``; raise InputError naming the known ones."""
        try:
            return self.types[name]
        except KeyError:
            raise InputError(f"unknown entity type {name!r}; known types: "
                             f"{', '.join(sorted(self.types))}") from None

    def actor_for(self, text: str) -> Actor | None:
        """Return the known actor named, aliased, demonym'd or metonym'd by ``text``, or None.

        Matching is by ``name_key`` (case, accents, a leading "the" and punctuation ignored).
        """
        if not text or len(text) > MAX_TEXT:
            return None
        return self._by_key.get(name_key(text))

    def actor(self, actor_id: str) -> Actor | None:
        """Return the actor with this entity id, or None."""
        return self._by_id.get(actor_id)

    def is_a(self, type_name: str, ancestor: str) -> bool:
        """Return True when ``type_name`` is ``ancestor`` or one of its subtypes."""
        seen: str | None = type_name
        while seen is not None:
            if seen == ancestor:
                return True
            info = self.types.get(seen)
            seen = info.parent if info else None
        return False


def _local(iri: Node | str) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _texts(g: Graph, s: Node, p: Node) -> tuple[str, ...]:
    return tuple(sorted({str(o) for o in g.objects(s, p)}))


def _text(g: Graph, s: Node, p: Node, default: str = "") -> str:
    values = _texts(g, s, p)
    return values[0] if values else default


def _classes(g: Graph) -> dict[str, TypeInfo]:
    """Return the entity types: classes below ig:Entity that carry a legend colour."""
    out: dict[str, TypeInfo] = {}
    for cls in g.subjects(NS.color, None):
        parents = [_local(p) for p in g.objects(cls, RDFS.subClassOf) if str(p).startswith(str(NS))]
        out[_local(cls)] = TypeInfo(
            name=_local(cls), iri=str(cls), label=_text(g, cls, RDFS.label, _local(cls)),
            definition=_text(g, cls, SKOS.definition), parent=parents[0] if parents else None,
            ftm_schema=_text(g, cls, NS.ftmSchema, "LegalEntity"), color=_text(g, cls, NS.color),
            shape=_text(g, cls, NS.shape, "dot"), head_nouns=_texts(g, cls, NS.headNoun))
    return out


def _expand(g: Graph, cls: Node, types: dict[str, TypeInfo]) -> tuple[str, ...]:
    """Return the entity types that are ``cls`` or below it."""
    name = _local(cls)
    found = []
    for t in types.values():
        seen: str | None = t.name
        while seen is not None:
            if seen == name:
                found.append(t.name)
                break
            seen = types[seen].parent if seen in types else _parent_of(g, seen)
    return tuple(sorted(found))


def _parent_of(g: Graph, name: str) -> str | None:
    for p in g.objects(NS[name], RDFS.subClassOf):
        if str(p).startswith(str(NS)):
            return _local(p)
    return None


def _predicates(g: Graph, types: dict[str, TypeInfo]) -> dict[str, PredicateInfo]:
    out: dict[str, PredicateInfo] = {}
    for p in g.subjects(RDF.type, NS.InfluencePredicate):
        domain = tuple(t for d in g.objects(p, RDFS.domain) for t in _expand(g, d, types))
        rng = tuple(t for r in g.objects(p, RDFS.range) for t in _expand(g, r, types))
        wikidata = _text(g, p, NS.wikidataProperty) or None
        out[_local(p)] = PredicateInfo(
            name=_local(p), iri=str(p), label=_text(g, p, RDFS.label, _local(p)),
            definition=_text(g, p, SKOS.definition), family=_text(g, p, NS.family),
            influence=_text(g, p, NS.influence, "none"),  # type: ignore[arg-type]
            polarity=_text(g, p, NS.polarity, "0"),  # type: ignore[arg-type]
            symmetric=(p, RDF.type, OWL.SymmetricProperty) in g, domain=domain, range=rng,
            cues=_texts(g, p, NS.cue), noun_cues=_texts(g, p, NS.nounCue),
            role_cues=_texts(g, p, NS.roleCue), ftm_schema=_text(g, p, NS.ftmSchema, "UnknownLink"),
            wikidata=wikidata, wikidata_inverse=bool(g.value(p, NS.wikidataInverse)))
    return out


def _modalities(g: Graph) -> dict[str, Modality]:
    return {_local(m): Modality(name=_local(m), status=_text(g, m, NS.status),
                                cues=_texts(g, m, NS.cue))
            for m in g.subjects(RDF.type, NS.Modality)}


def _actors(g: Graph, types: dict[str, TypeInfo]) -> list[Actor]:
    out: list[Actor] = []
    labelled = {s for s in g.subjects(SKOS.prefLabel, None) if isinstance(s, Identifier)}
    for node in sorted(labelled):
        kinds = [_local(t) for t in g.objects(node, RDF.type) if _local(t) in types]
        if not kinds:
            continue
        name = _text(g, node, SKOS.prefLabel)
        out.append(Actor(
            id=entity_id(name), name=name, type=kinds[0], aliases=_texts(g, node, SKOS.altLabel),
            demonyms=_texts(g, node, NS.demonym), metonyms=_texts(g, node, NS.metonym),
            iso2=_text(g, node, NS.iso2) or None, iso3=_text(g, node, NS.iso3) or None,
            wikidata=_text(g, node, NS.wikidata) or None, offices=_texts(g, node, NS.office)))
    return out


def _index(actors: list[Actor], curated: set[str]) -> dict[str, Actor]:
    """Return actors by the key of every name, alias, demonym and metonym.

    Curated actors (actors.ttl) win a key claimed by several; otherwise the first keeps it.
    """
    index: dict[str, Actor] = {}
    ordered = sorted(actors, key=lambda a: a.id in curated)
    for actor in ordered:
        for text in (actor.name, *actor.aliases, *actor.demonyms, *actor.metonyms):
            key = name_key(text)
            if key and (key not in index or actor.id in curated):
                index[key] = actor
    for actor in actors:  # an actor's own name is never taken by another's alias
        index[name_key(actor.name)] = actor
    return index


def load(directory: Path = HERE) -> Ontology:
    """Return the ontology read from the Turtle files in ``directory``."""
    g = Graph()
    g.bind("ig", NS)
    for name in FILES:
        g.parse(directory / name, format="turtle")
    curated_graph = Graph().parse(directory / "actors.ttl", format="turtle")
    curated = {entity_id(str(o)) for o in curated_graph.objects(None, SKOS.prefLabel)}
    shapes = Graph().parse(directory / "shapes.ttl", format="turtle")
    types = _classes(g)
    actors = _actors(g, types)
    onto = Ontology(graph=g, shapes=shapes, predicates=_predicates(g, types), types=types,
                    modalities=_modalities(g), actors=actors,
                    ner_labels={str(label): _local(t)
                                for t, label in g.subject_objects(NS.nerLabel)})
    onto._by_key = _index(actors, curated)
    onto._by_id = {a.id: a for a in actors}
    return onto


def check_shapes(data: Graph) -> tuple[bool, str]:
    """Return (conforms, report text) of SHACL-validating relations in the export vocabulary.

    The vocabulary (types, hierarchy, domains and ranges) is added to a copy of ``data``,
    so the shapes read the ontology instead of repeating it.
    """
    from pyshacl import validate

    onto = get_ontology()
    merged = Graph()
    for triple in data:
        merged.add(triple)
    core = Graph().parse(HERE / "core.ttl", format="turtle")
    for triple in core:
        merged.add(triple)
    conforms, _, text = validate(merged, shacl_graph=onto.shapes, advanced=True,
                                 inference="none")
    return bool(conforms), str(text)


@lru_cache(maxsize=1)
def get_ontology() -> Ontology:
    """Return the ontology, loaded once per process."""
    return load()
