"""Seeded synthetic data for the benchmarks: an influence graph and a corpus of texts.

``graph_batches(relations, seed)`` streams ``(Document, [Triple])`` pairs whose relations
follow power-law degrees, with the type and predicate mix read from ``get_ontology()``
(subjects drawn from each predicate's domain, objects from its range) and 1..n evidence
sentences per relation spread over documents. ``corpus_texts(n, seed)`` yields news-like
texts built from the ontology's cue words and gazetteer names, for the extractor.
Both are deterministic for a seed: every run of every writer sees the same data.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from core.names import content_hash, entity_id
from graph.model import Document, Entity, Evidence, Triple
from ontology import Ontology, get_ontology

ZIPF = 0.9            # degree exponent of the entity popularity ranking
NEW_RELATION = 0.66   # chance an evidence row states a relation not seen before (~1.5 ev/rel)
TRIPLES_PER_DOC = 20
FLAGGED = 0.08        # share of evidence that is negated / hypothetical / refused / alleged
ENTITIES_PER_RELATION = 0.3
SYLLABLES = ("ka", "ro", "vel", "mi", "tar", "do", "sen", "lu", "bra", "nik", "os", "tev",
             "ha", "zor", "ri", "pa", "len", "mar", "ul", "che", "dan", "fi", "gor", "is")
START = dt.date(2015, 1, 1)
DAYS = 3650


@dataclass
class Universe:
    """The entities of a synthetic graph, by type, with cumulative popularity weights."""

    entities: list[Entity]
    by_type: dict[str, list[int]]
    cum_weights: dict[str, list[float]]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _type_weights(onto: Ontology) -> dict[str, int]:
    """Return how often each type is admitted by a predicate's domain or range (the mix)."""
    weights = {name: 0 for name in onto.types}
    for p in onto.predicates.values():
        for t in set(p.domain) | set(p.range or tuple(onto.types)):
            weights[t] += 1
    return {t: w for t, w in weights.items() if w}


def universe(n_entities: int, seed: int) -> Universe:
    """Return ``n_entities`` entities: gazetteer actors first, then synthetic names per type.

    Types are mixed in proportion to how many predicates admit them; names of synthetic
    organizations end with one of their type's head nouns from the ontology.
    """
    onto = get_ontology()
    rng = random.Random(seed)
    entities: list[Entity] = []
    seen: set[str] = set()
    for actor in onto.actors[: max(1, n_entities // 10)]:
        entities.append(Entity.model_construct(id=actor.id, name=actor.name, type=actor.type,
                                               aliases=list(actor.aliases), external_ids={}))
        seen.add(actor.id)
    weights = _type_weights(onto)
    types = sorted(weights)
    picks = rng.choices(types, weights=[weights[t] for t in types],
                        k=max(0, n_entities - len(entities)))
    for kind in picks:
        nouns = onto.types[kind].head_nouns
        name = (f"{_word(rng, 2)} {_word(rng, 3)}" if not nouns
                else f"{_word(rng, rng.randint(2, 3))} {rng.choice(nouns).title()}")
        eid = entity_id(name)
        n = 2
        while eid in seen:
            name = f"{name.rsplit(' #', 1)[0]} #{n}"
            eid, n = entity_id(name), n + 1
        seen.add(eid)
        entities.append(Entity.model_construct(id=eid, name=name, type=kind, aliases=[],
                                               external_ids={}))
    order = list(range(len(entities)))
    rng.shuffle(order)  # popularity rank independent of type and of gazetteer order
    popularity = [0.0] * len(entities)
    for rank, i in enumerate(order, start=1):
        popularity[i] = rank ** -ZIPF
    by_type: dict[str, list[int]] = {}
    for i, e in enumerate(entities):
        by_type.setdefault(e.type, []).append(i)
    cum = {t: list(itertools.accumulate(popularity[i] for i in idx)) for t, idx in by_type.items()}
    return Universe(entities=entities, by_type=by_type, cum_weights=cum)


class _Picker:
    """Draws entities of a set of types by popularity (power-law degrees)."""

    def __init__(self, uni: Universe, types: tuple[str, ...]) -> None:
        self.members: list[int] = []
        self.cum: list[float] = []
        total = 0.0
        for t in sorted(set(types) & set(uni.by_type)):
            base = total
            for i, c in zip(uni.by_type[t], uni.cum_weights[t]):
                self.members.append(i)
                self.cum.append(base + c)
            total = self.cum[-1]

    def pick(self, rng: random.Random) -> int:
        x = rng.random() * self.cum[-1]
        return self.members[min(bisect.bisect_right(self.cum, x), len(self.members) - 1)]


def third_person(verb_phrase: str) -> str:
    """Return a cue in the third person singular present ("channel money to" -> "channels
    money to")."""
    head, _, rest = verb_phrase.partition(" ")
    if head.endswith(("s", "sh", "ch", "x", "z", "o")):
        head += "es"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    elif head == "be":
        head = "is"
    elif head == "have":
        head = "has"
    else:
        head += "s"
    return f"{head} {rest}".strip()


def graph_batches(relations: int, seed: int = 7,
                  triples_per_doc: int = TRIPLES_PER_DOC) -> Iterator[tuple[Document, list[Triple]]]:
    """Yield documents with their triples until ``relations`` distinct relations are stated.

    Each evidence row either states a new relation (subject by popularity from the
    predicate's domain, object from its range) or mentions again one already stated, so
    relations carry 1.5 evidence rows on average, spread over documents.
    """
    onto = get_ontology()
    rng = random.Random(seed)
    uni = universe(max(50, int(relations * ENTITIES_PER_RELATION)), seed)
    preds = sorted(onto.predicates)
    all_types = tuple(onto.types)
    subj = {p: _Picker(uni, onto.predicates[p].domain or all_types) for p in preds}
    obj = {p: _Picker(uni, onto.predicates[p].range or all_types) for p in preds}
    flagged = sorted({m.status for m in onto.modalities.values() if m.status != "asserted"})
    stated: list[tuple[int, str, int]] = []
    keys: set[tuple[int, str, int]] = set()
    doc_no = 0
    while len(stated) < relations:
        doc_no += 1
        published = START + dt.timedelta(days=rng.randrange(DAYS))
        doc_id = content_hash(f"bench graph seed={seed} document={doc_no}")
        rows: list[Triple] = []
        offset = 0
        for _ in range(triples_per_doc):
            if not stated or (len(stated) < relations and rng.random() < NEW_RELATION):
                rel = _new_relation(rng, onto, preds, subj, obj, keys)
                if rel is None:
                    continue
                stated.append(rel)
            else:
                rel = stated[rng.randrange(len(stated))]
            s, p, o = rel
            sentence = (f"{uni.entities[s].name} {third_person(rng.choice(onto.predicates[p].cues))}"
                        f" {uni.entities[o].name}.")
            status = rng.choice(flagged) if rng.random() < FLAGGED else "asserted"
            ev = Evidence.model_construct(
                document_id=doc_id, sentence=sentence, start=offset,
                end=offset + len(sentence), page=None, date=published, extractor="bench",
                confidence=round(0.5 + rng.random() * 0.5, 3), attribution=None, status=status)
            offset += len(sentence) + 1
            rows.append(Triple.model_construct(subject=uni.entities[s], predicate=p,
                                               object=uni.entities[o], evidence=ev))
        doc = Document.model_construct(id=doc_id, title=f"Synthetic report {doc_no}", url=None,
                                       published=published, source="bench", author=None,
                                       length=offset)
        yield doc, rows


def _new_relation(rng: random.Random, onto: Ontology, preds: list[str],
                  subj: dict[str, _Picker], obj: dict[str, _Picker],
                  keys: set[tuple[int, str, int]]) -> tuple[int, str, int] | None:
    for _ in range(20):
        p = rng.choice(preds)
        s, o = subj[p].pick(rng), obj[p].pick(rng)
        if s == o:
            continue
        key = (min(s, o), p, max(s, o)) if onto.predicates[p].symmetric else (s, p, o)
        if key not in keys:
            keys.add(key)
            return s, p, o
    return None


def expected_counts(batches: list[tuple[Document, list[Triple]]]) -> dict[str, int]:
    """Return the documents, entities, relations and evidence rows these batches make."""
    from graph.aggregate import triple_relation_id

    docs: set[str] = set()
    ents: set[str] = set()
    rels: set[str] = set()
    evs: set[str] = set()
    for doc, triples in batches:
        docs.add(doc.id)
        for t in triples:
            ents.update((t.subject.id, t.object.id))
            rid = triple_relation_id(t)
            rels.add(rid)
            evs.add(t.evidence.evidence_id(rid))
    return {"documents": len(docs), "entities": len(ents), "relations": len(rels),
            "evidence": len(evs)}


def corpus_texts(n_docs: int, seed: int = 11, sentences: int = 12) -> Iterator[tuple[str, str]]:
    """Yield ``(title, text)`` news-like documents built from cue words and gazetteer names.

    About half the sentences state a relation with a predicate cue between two known
    actors (some with a modality cue from the ontology); the rest are filler about them.
    """
    onto = get_ontology()
    rng = random.Random(seed)
    names = [a.name for a in onto.actors if len(a.name) < 30]
    demonyms = [d for a in onto.actors for d in a.demonyms]
    preds = sorted(onto.predicates)
    modal = sorted({c for m in onto.modalities.values() for c in m.cues if " " not in c
                    and c.isalpha() and m.status in {"alleged"}})
    fillers = ("{a} officials gave no further details on {day}.",
               "The {d} press covered the meeting at length, and analysts in {a} took note.",
               "Trade between {a} and {b} grew by {n} percent last year.",
               "A spokesperson for {a} declined to comment on the report.")
    for i in range(n_docs):
        out: list[str] = []
        for _ in range(sentences):
            a, b = rng.sample(names, 2)
            if rng.random() < 0.5:
                p = onto.predicates[rng.choice(preds)]
                cue = third_person(rng.choice(p.cues))
                adverb = f"{rng.choice(modal)} " if modal and rng.random() < 0.1 else ""
                out.append(f"{a} {adverb}{cue} {b}, officials said on Tuesday.")
            else:
                out.append(rng.choice(fillers).format(
                    a=a, b=b, d=rng.choice(demonyms), n=rng.randint(2, 40),
                    day=rng.choice(("Monday", "Friday", "Sunday"))))
        yield f"Synthetic article {i + 1}", " ".join(out)
