"""Small sample graphs for the tests: known entities, documents and triple builders.

``OLD`` and ``NEW`` are two short reports about Russian influence on Serbian media;
``doc`` and ``triple`` build more of the same. Everything is plain model objects, so any
store or loader test can use them.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from core.names import content_hash
from graph.model import Document, Entity, Evidence, Triple

RUSSIA = Entity.named("Russia", "Country", aliases=["Russian Federation"])
SERBIA = Entity.named("Serbia", "Country")
HUNGARY = Entity.named("Hungary", "Country")
SPUTNIK = Entity.named("Sputnik Serbia", "MediaOutlet", aliases=["Sputnik"])
SPUTNIK_INT = Entity.named("Sputnik International", "MediaOutlet", aliases=["Sputnik"])
INFORMER = Entity.named("Informer", "MediaOutlet")
GOVERNMENT = Entity.named("Serbian government", "GovernmentBody")
VUCIC = Entity.named("Aleksandar Vučić", "Person", aliases=["Vucic"])
ORBAN = Entity.named("Viktor Orbán", "Person")
GAZPROM_NEFT = Entity.named("Gazprom Neft", "Company")
NIS = Entity.named("NIS", "Company", aliases=["Naftna Industrija Srbije"])


def doc(text: str, title: str, published: date | None = None,
        url: str | None = None) -> Document:
    """Return a document whose id is the hash of ``text``."""
    return Document(id=content_hash(text), title=title,
                    url=url if url is not None else f"https://example.org/{title}",
                    published=published, length=len(text))


def triple(document: Document, subject: Entity, predicate: str, obj: Entity,
           sentence: str | None = None, status: str = "asserted", confidence: float = 0.9,
           start: int = 0, when: date | None = None, attribution: str | None = None) -> Triple:
    """Return a triple of ``document`` with one evidence sentence (dated like the document)."""
    sentence = sentence or f"{subject.name} {predicate.replace('_', ' ')} {obj.name}."
    return Triple(subject=subject, predicate=predicate, object=obj,
                  evidence=Evidence(document_id=document.id, sentence=sentence, start=start,
                                    end=start + len(sentence),
                                    date=when or document.published, confidence=confidence,
                                    attribution=attribution,
                                    status=status))  # type: ignore[arg-type]


def report(title: str, published: date | None,
           facts: Sequence[tuple[Entity, str, Entity]], confidence: float = 0.9,
           status: str = "asserted") -> tuple[Document, list[Triple]]:
    """Return a document stating ``facts`` (subject, predicate, object), one sentence each."""
    sentences = [f"{s.name} {p.replace('_', ' ')} {o.name}." for s, p, o in facts]
    text = f"{title}\n" + " ".join(sentences)
    d = doc(text, title, published)
    triples, offset = [], len(title) + 1
    for (s, p, o), sentence in zip(facts, sentences):
        triples.append(triple(d, s, p, o, sentence, status=status, confidence=confidence,
                              start=offset))
        offset += len(sentence) + 1
    return d, triples


OLD_TEXT = ("Russia funds Sputnik Serbia. Informer amplifies Sputnik Serbia. "
            "Russia does not fund Informer. Sputnik International is a Russian outlet.")
NEW_TEXT = "The Serbian government controls Informer. Aleksandar Vučić leads Serbia."
OLD = doc(OLD_TEXT, "old-report", date(2023, 3, 1))
NEW = doc(NEW_TEXT, "new-report", date(2024, 1, 10))
OLD_TRIPLES = [
    triple(OLD, RUSSIA, "funds", SPUTNIK, "Russia funds Sputnik Serbia."),
    triple(OLD, INFORMER, "amplifies", SPUTNIK, "Informer amplifies Sputnik Serbia.", start=29),
    triple(OLD, RUSSIA, "funds", INFORMER, "Russia does not fund Informer.", status="negated",
           start=64),
    triple(OLD, SPUTNIK_INT, "amplifies", RUSSIA, "Sputnik International is a Russian outlet.",
           start=95),
]
NEW_TRIPLES = [
    triple(NEW, GOVERNMENT, "controls", INFORMER, "The Serbian government controls Informer."),
    triple(NEW, VUCIC, "leads", SERBIA, "Aleksandar Vučić leads Serbia.", start=42),
]
# What a store holds after OLD and NEW: 7 entities, 6 relations (one negated), 6 evidence.
SAMPLE = [(OLD, OLD_TRIPLES), (NEW, NEW_TRIPLES)]

HOSTILE_NAMES = [
    "O'Brien \"The Boss\" `backtick`",
    "'); MATCH (n) DETACH DELETE n //",
    "\"}) DETACH DELETE n; DROP TABLE entities; --",
    "<script>alert('x')</script>",
    "\u202eevil\u200f name\u200e with bidi marks",
    "nul\x00 and \x07 control\x1b characters",
    "Robert'); DROP TABLE students;--",
    "%_ like wildcards \\ backslash",
    "x" * 10_000,
]
UNICODE_NAMES = [
    ("Владимир Путин", "Person"),
    ("习近平", "Person"),
    ("Ελληνική Δημοκρατία", "Country"),
    ("Đorđe Šćepanović", "Person"),
    ("الجزيرة", "MediaOutlet"),
    ("Zoë Çelik 🌍", "Person"),
]


def corpus(n: int, facts_per_doc: int = 20, seed: int = 0,
           pool: int = 80) -> list[tuple[Document, list[Triple]]]:
    """Return ``n`` deterministic reports over a shared pool of ``pool`` entities.

    Predicates and types come from the ontology; documents overlap in entities and
    relations, so stores must merge and re-aggregate. The same arguments give the same
    documents in every process.
    """
    from ontology import get_ontology

    onto = get_ontology()
    predicates, types = sorted(onto.predicates), sorted(onto.types)
    actors = [Entity.named(f"Actor {i:03d}", types[i % len(types)],
                           aliases=[f"A{i:03d}"] if i % 3 == 0 else None) for i in range(pool)]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        facts = []
        for _ in range(facts_per_doc):
            s, o = rng.sample(actors, 2)
            facts.append((s, rng.choice(predicates), o))
        d, triples = report(f"corpus {seed}-{i}", date(2020, 1, 1) + timedelta(days=i), facts,
                            confidence=round(rng.uniform(0.3, 0.95), 2),
                            status="negated" if i % 7 == 6 else "asserted")
        out.append((d, triples))
    return out


def hub(funded: int = 1400, members: int = 400, others: int = 200, name: str = "Hub Fund"
        ) -> tuple[Entity, Document, list[Triple]]:
    """Return (the hub, one document, its triples): a foundation that funds ``funded``
    organizations, has ``members`` people as members and ``others`` companies that each
    fund the hub and one another (so they are not leaves): a neighbourhood of
    funded + members + others entities."""
    center = Entity.named(name, "Organization")
    document = doc(f"A register of the {name}.", f"{name} register", date(2025, 1, 15),
                   "https://example.org/register")
    triples = [triple(document, center, "funds", Entity.named(f"Grantee {i:04d}", "Organization"))
               for i in range(funded)]
    triples += [triple(document, Entity.named(f"Member {i:04d}", "Person"), "member_of", center)
                for i in range(members)]
    companies = [Entity.named(f"Donor {i:04d}", "Company") for i in range(others)]
    triples += [triple(document, c, "funds", center) for c in companies]
    triples += [triple(document, c, "supports", companies[(i + 1) % len(companies)])
                for i, c in enumerate(companies)] if len(companies) > 1 else []
    return center, document, triples
