"""Entity resolution: which entity a pattern argument stands for, and canonical entities.

``argument`` maps a token to a mention (names, typed phrases, possessors of abstract
phrases, "it"/"the company" to an earlier subject).

Within a document a surname alone resolves to the one full name
mentioned there; a surname shared by two full names stays unresolved. Gazetteer
actors take their canonical name ("Moscow" -> Russia). Keys are ``name_key``s, so
"Vucic" and "Vučić" are one entity; across documents the same canonical name gives
the same ``Entity.named`` id. Every surface form is kept as an alias.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.names import clean_name
from graph.model import Entity
from loaders.cues import modality_cues, role_of, role_words, verb_cues
from loaders.heads import (
    agency_nouns,
    any_body_nouns,
    family_nouns,
    head_noun_index,
    head_type,
    population_nouns,
    state_nouns,
)
from loaders.lookups import key_of
from loaders.mentions import Mention, MentionIndex
from loaders.vocab import content_nouns, implicit_agent_predicates

# "including X" / "such as X" name members of the phrase they attach to.
MEMBER_MARKERS = {"including", "such", "like"}
QUOTES = {"'", '"', "\u2018", "\u2019", "\u201c", "\u201d", "``", "''"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
THING_PRONOUNS = {"it", "its"}
PLURAL_PRONOUNS = {"they", "them", "their"}
WE_PRONOUNS = {"we", "us", "our"}
SPEAKER_TYPES = ("Country", "GovernmentBody", "InternationalOrganization")
# "the two companies", "both firms": how many earlier names a plural description stands for.
COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
DEFINITE = {"the", "these", "those", "both", "all"}
# What may stand between the names of a written list ("A, B, and the C").
LIST_GLUE = {",", ";", "and", "the", "or"}


@dataclass
class Resolved:
    """A canonical entity being assembled from the mentions of one document."""

    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    external_ids: dict[str, str] = field(default_factory=dict)

    def entity(self) -> Entity:
        """Return the ``Entity`` with every alias seen (its own name excluded)."""
        own = key_of(self.name)
        aliases = sorted({a for a in self.aliases if key_of(a) != own})
        return Entity.named(self.name, self.type, aliases, self.external_ids)


def _head_tail(key: str) -> bool:
    """Return True for "wagner group", "azov maritime group": a name of two or more words
    whose last word is a head noun."""
    words = key.split()
    return len(words) >= 2 and (" ".join(words[1:]) in head_noun_index()
                                or words[-1] in head_noun_index())


def _prefixes(key: str) -> list[str]:
    """Return the leading words of a name that may stand for it ("azov", "azov maritime" of
    "azov maritime group")."""
    words = key.split()
    return [" ".join(words[:n]) for n in range(1, len(words))
            if words[n - 1] not in {"of", "for", "and", "the"}]


def _fuller_names(people: dict[str, str]) -> dict[str, str]:
    """Return the keys of full names that a single longer name of the same person extends
    ("viktor medvedchuk" -> "viktor volodymyrovych medvedchuk"): same first and last word,
    the shorter's words in order among the longer's. Two candidates leave it alone."""
    out: dict[str, str] = {}
    for key in people:
        words = key.split()
        longer = [k for k in people if k != key and len(k.split()) > len(words)
                  and _extends(k.split(), words)]
        if len(longer) == 1:
            out[key] = longer[0]
    for key, full in list(out.items()):
        while full in out:
            full = out[full]
        out[key] = full
    return out


def _extends(longer: list[str], words: list[str]) -> bool:
    """Return True when ``longer`` keeps the first and last of ``words`` and all in order."""
    if longer[0] != words[0] or longer[-1] != words[-1]:
        return False
    rest = iter(longer[1:-1])
    return all(w in rest for w in words[1:-1])


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
        self.by_middle: dict[str, set[str]] = {}
        self.found: dict[str, Resolved] = {}
        self.orgs: dict[str, set[str]] = {}
        self.org_names: dict[str, str] = {}
        self.last_words: dict[str, set[str]] = {}  # of every full name, whatever its type
        named = list(named)
        for m in named:
            if m.actor is None and m.type != "Person" and m.kind == "name" and \
                    _head_tail(m.key):
                for prefix in _prefixes(m.key):  # "Azov Maritime", "Azov": the Group
                    self.orgs.setdefault(prefix, set()).add(m.key)
                self.org_names.setdefault(m.key, _display(m.text))
        for m in named:
            if m.actor is None and len(m.key.split()) >= 2:
                self.last_words.setdefault(m.key.split()[-1], set()).add(m.key)
            if m.actor is None and m.type == "Person" and len(m.key.split()) >= 2 and \
                    m.key not in self.orgs and m.key not in self.short_forms:
                # not "Azov Maritime" of "Azov Maritime Group", nor "Saley Bako" defined as
                # the short form of "Hamidou Saley Bako"
                self._person(m.text)
        self.fuller = _fuller_names(self.people)

    def _person(self, text: str) -> None:
        key = key_of(text)
        self.people.setdefault(key, _display(text))
        words = key.split()
        self.by_last.setdefault(words[-1], set()).add(key)
        for word in words[1:-1]:  # "Mamani" of "Rosa Mamani Choque": a first surname
            if len(word) > 2:
                self.by_middle.setdefault(word, set()).add(key)

    def learn_person(self, key: str) -> None:
        """Take a resolved entity found to be a person ("Ana Kovac leads X": NER missed the
        name) as a full name its surname can stand for."""
        rec = self.found.get(key)
        if rec is not None and len(key.split()) >= 2 and key not in self.people:
            self._person(rec.name)
            self.fuller = _fuller_names(self.people)

    def person_for(self, text: str) -> str | None | bool:
        """Return the full-name key a surname stands for; False when ambiguous.

        None means the text is not the surname of a person named in full.
        """
        key = key_of(text)
        if key in self.people:
            return self.fuller.get(key, key)
        if len(key.split()) != 1:
            return None
        keys = self.by_last.get(key) or self.by_middle.get(key)
        if keys:
            people = {self.fuller.get(k, k) for k in keys}
            others = self.last_words.get(key, keys) - keys
            return next(iter(people)) if len(people) == 1 and not others else False
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
            return key_of(actor.name)
        if mention.kind != "generic":
            person = self.person_for(mention.text)
            if person is False:
                return None
            if isinstance(person, str):
                rec = self._record(self.people[person], "Person")
                rec.aliases.add(clean_name(mention.text))
                return person
        longer = self.orgs.get(mention.key, set())
        if mention.kind == "name" and len(longer) == 1:  # "Wagner" after "the Wagner Group"
            full = next(iter(longer))
            rec = self._record(self.org_names[full], mention.type)
            rec.aliases.add(clean_name(mention.text))
            return full
        name = _display(self.short_forms.get(mention.key, mention.text))
        if not key_of(name):
            return None
        rec = self._record(name, mention.type)
        rec.aliases.add(clean_name(mention.text))
        return key_of(name)

    def _record(self, name: str, type_name: str) -> Resolved:
        key = key_of(name)
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


# ---------------------------------------------------------------- pattern arguments


def members(token: Any, conjuncts: bool = True) -> list[Any]:
    """Return a token and its conjuncts (unless ``conjuncts`` is False), and the members it
    names ("including the U.S.", "three officials — A, B and C")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN", "PRON"}:
            if conjuncts:
                out.extend(members(child))
        elif child.dep_ == "appos" and child.pos_ == "PROPN" and _counted(token) and \
                token.doc[child.i - 1].text != "(":  # "officials of X (ACR)": ACR is X
            out.extend(members(child))  # "executives: A and B", "one national: A, B and C"
        elif child.dep_ == "prep" and child.lower_ in MEMBER_MARKERS or (
                child.dep_ == "prep" and child.lower_ == "as" and any(
                    c.lower_ == "such" for c in child.children)):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.extend(members(pobj))
                    out.extend(_described_members(pobj, out))
    return out


def _described_members(token: Any, found: list[Any]) -> list[Any]:
    """Return the names a list continues after a member's description ("such as A, the
    state broadcaster B": B hangs on A's apposition): proper nouns joined to a described
    member's apposition, reached from the list through conjunctions and appositions only."""
    seen = {t.i for t in found}
    out = []
    for t in token.subtree:
        if t.dep_ not in {"conj", "appos"} or t.pos_ != "PROPN" or t.i in seen:
            continue
        path, ok = t.head, t.head.dep_ == "appos" and t.head.pos_ == "NOUN"
        while ok and path.i != token.i:
            ok = path.dep_ in {"conj", "appos"}
            path = path.head
        if ok:
            out.append(t)
    return out


def _counted(token: Any) -> bool:
    """Return True for a plural or counted common noun a list of names can spell out."""
    return token.pos_ in {"NOUN", "PROPN"} and (token.tag_ in {"NNS", "NNPS"} or any(
        c.dep_ == "nummod" for c in token.children))


def listed(token: Any) -> list[Any]:
    """Return ``members`` of a token, with the people of "two of its executives" in a
    list ("Among those designated are X and two of its executives: A and B")."""
    out = []
    for m in members(token):
        out.append(m)
        for c in m.children:
            if c.dep_ == "conj" and c.pos_ == "NUM":
                out.extend(x for p in c.children if p.dep_ == "prep" and p.lower_ == "of"
                           for g in p.children if g.dep_ == "pobj" for x in members(g))
    return out


def content_producer(token: Any, predicates: set[str]) -> Any:
    """Return the producer token for the content noun of a verb's predicates, else ``token``.

    "amplifies the narratives of the Russian government" -> "government"; "stories
    from Sputnik" -> "Sputnik"; "Kremlin narratives" misread as a clause whose subject
    is "Kremlin" -> "Kremlin". Possessors and compound names are left to ``argument``.
    """
    words = {token.lower_, token.lemma_.lower()}
    words |= {f"{c.lower_} {token.lower_}" for c in token.lefts if c.dep_ == "compound"}
    if not any(predicates & set(content_nouns().get(w, ())) for w in words):
        return token
    for c in token.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return c  # "the X regime's continued campaign": X's
    by = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "by"] + [
        a for c in token.children if c.dep_ == "acl" and c.tag_ == "VBN"
        for a in c.children if a.dep_ == "agent"]  # "the allegations published by X"
    if token.dep_ == "dobj" and not any(c.dep_ == "auxpass" for c in token.head.children):
        by += [c for c in token.head.children if c.dep_ == "prep" and c.lower_ == "by"
               and c.i > token.i]  # "condemns the shelling of villages by X", misattached
    of = [c for c in token.children if c.dep_ == "prep" and c.lower_ in {"of", "from"}]
    for prep in by + of:  # "the shelling of villages by X": X
        for o in prep.children:
            if o.dep_ == "pobj" and (o.pos_ == "PROPN" or head_type(o) is not None):
                return o  # "campaign of repression" names no producer
    if token.pos_ == "VERB":
        for c in token.children:
            if c.dep_ in {"nsubj", "compound"} and c.i < token.i:
                return c
    for c in token.lefts:
        if c.dep_ == "amod" and c.text[:1].isupper() and c.n_lefts + c.n_rights == 0 and (
                c.i == 0 or c.doc[c.i - 1].text != "-"):
            return c  # "Russian propaganda" names its producer; "anti-Western" does not
    compounds = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"
                 and head_type(c) is not None]
    return compounds[-1] if compounds else token  # "Serbian government narratives"


def argument(index: MentionIndex, token: Any, rng: tuple[str, ...] = (),
             avoid: set[int] | None = None) -> tuple[Mention, float] | None:
    """Return the mention an argument token stands for and a confidence factor.

    A phrase with no entity of its own stands for the named entity that possesses or
    qualifies it ("Russia's veto power", "Kremlin talking points"). "it", "he" and
    "the company" look back for the closest preceding subject that fits.
    """
    avoid = avoid or set()
    if token.lower_ in QUOTES:
        return None
    if token.lower_ in family_nouns() and (family := _family(index, token)) is not None:
        return family, 0.85  # "the Dassault family" is not the company "Dassault"
    if token.lower_ == "members":  # "owned by members of the Dagalo family": the family
        kin = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
               for g in c.children if g.dep_ == "pobj" and g.lower_ in family_nouns()]
        if kin and (family := _family(index, kin[0])) is not None:
            return family, 0.8
    if token.lower_ == "whose":
        clause = next((t for t in token.ancestors if t.dep_ == "relcl"), None)
        return argument(index, clause.head, rng, avoid) if clause is not None else None
    if token.pos_ == "PRON":
        back = antecedent(index, token, avoid)
        return (back, 0.7) if back is not None else None
    if token.pos_ == "PROPN" and token.i not in index.by_token and role_of(token) is not None:
        for child in token.children:  # "the EU Special Envoy for Sanctions A B": A B
            named = index.by_token.get(child.i) if child.dep_ == "appos" else None
            if named is not None and named.type == "Person":
                return named, 1.0
    if token.pos_ in {"NOUN", "PROPN"} and (token.i not in index.by_token or all(
            w in role_words() for w in index.by_token[token.i].text.lower().split())) and \
            (titled := _titled_before(index, token)) is not None:
        return titled, 0.8  # "the High Representative" after "High Representative A B"
    if token.pos_ == "NOUN" and token.i not in index.by_token:
        role = role_of(token) is not None
        for child in token.children:  # "the news agency Rossiya Segodnya"
            if child.dep_ == "appos" and child.pos_ == "PROPN" and not (
                    role and index.doc[child.i - 1].text == "("):
                named = index.at(child)  # "officials of X (ACR)": ACR is not the officials
                if named is not None:
                    return named, 1.0
        named = _named_next(index, token) or _called(index, token)
        if named is not None:
            return named, 1.0
    if token.pos_ == "NOUN" and token.dep_ == "attr" and token.head.lemma_ == "be" and \
            token.i not in index.by_token:
        for c in token.head.children:  # "X is a media group owned by Y": the group is X
            if c.dep_ != "nsubj":
                continue
            m = index.by_token.get(c.i) or (index.at(c) if c.pos_ == "PROPN" else None)
            if m is not None and m.kind == "name":
                return m, 0.9
    of_objects = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in c.children if g.dep_ == "pobj"]
    if of_objects and _measure(index, token, of_objects[0]):
        return argument(index, of_objects[0], rng, avoid)  # "14 million barrels of crude oil"
    if head_type(token) == "Country" and token.lower_ not in population_nouns():
        for child in token.children:  # "owned by the Russian state": Russia
            m = index.by_token.get(child.i)
            if child.dep_ == "amod" and m is not None and m.kind == "demonym" and \
                    m.actor is not None and m.actor.type == "Country":
                return m, 0.85
    if token.dep_ == "appos" and token.pos_ == "NOUN" and (
            named := index.by_token.get(token.head.i)) is not None and named.kind == "name":
        return named, 0.9  # "X, a news website that spreads ...": the website is X
    found = index.at(token, rng)
    if found is not None:
        return found, 1.0
    if of_objects and (token.is_stop or token.like_num or token.ent_type_ in {
            "CARDINAL", "QUANTITY", "PERCENT"}):  # "most of its gas", "hundreds of outlets"
        return argument(index, of_objects[0], rng, avoid)
    if token.pos_ not in {"NOUN", "PROPN"}:
        return None
    if token.dep_ == "attr" and token.head.lemma_ == "be":
        for c in token.head.children:  # "X is a company that ...": the company is X
            if c.dep_ == "nsubj" and c.i in index.by_token:
                return index.by_token[c.i], 0.9
    if token.dep_ == "appos" and token.head.i in index.by_token:
        return index.by_token[token.head.i], 0.9  # "Alpha Trade, a company that ..."
    if token.tag_ == "NN" and any(c.lower_ == "the" for c in token.lefts) and len(
            [c for c in token.lefts if c.dep_ not in {"det", "punct"}]) == 0 and head_type(token):
        back = antecedent(index, token, avoid, head_type(token))
        if back is not None:
            return back, 0.7
    for child in token.children:
        if child.dep_ == "poss":
            if child.pos_ == "PRON":
                back = antecedent(index, child, avoid)
                if back is not None:
                    return back, 0.75
                continue
            m = index.at(child)
            if m is not None:
                return m, 0.85
    for child in token.lefts:
        if child.dep_ in {"compound", "nmod"}:
            m = index.by_token.get(child.i) or (
                index.at(child) if child.pos_ == "PROPN" else None)
            if m is not None and m.kind == "name":
                return m, 0.85
    if of_objects and token.lower_ in agency_nouns() and (
            acting := argument(index, of_objects[0], rng, avoid)) is not None:
        return acting[0], round(acting[1] * 0.85, 3)  # "the activities of the company"
    if token.lower_ in population_nouns() and token.pos_ == "NOUN":  # not "People's Deputy"
        return _population(index, token, of_objects), 0.8
    if of_objects and of_objects[0].i in index.by_token and role_of(token) is None:
        # "the region of Transnistria" (but "the president of Serbia" is a person)
        m = index.by_token[of_objects[0].i]
        if m.kind == "name":
            return m, 0.8
    return None


def _titled_before(index: MentionIndex, token: Any) -> Mention | None:
    """Return the one person the document named before ``token`` with the title ``token``
    ends ("the High Representative" after "High Representative Christian Schmidt"), when
    ``token`` is such a title after "the" with nothing of its own; else None."""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children) or any(
            c.dep_ == "prep" for c in token.children) or role_of(token) is None:
        return None
    words = [c for c in token.lefts if c.dep_ == "compound"] + [token]
    title = [w.lower_ for w in words]
    n = len(title)
    found = {_identity(index, m): m for m in index.mentions
             if m.kind == "name" and m.type == "Person" and n <= m.start < token.i
             and [t.lower_ for t in index.doc[m.start - n:m.start]] == title}
    return next(iter(found.values())) if len(found) == 1 else None


def _family(index: MentionIndex, token: Any) -> Mention | None:
    """Return a mention of a family named by its surname ("the Dassault family"), else None."""
    names = [c for c in token.lefts if c.dep_ in {"compound", "nmod"} and c.pos_ == "PROPN"]
    if not names:
        return None
    start = min(c.i for c in names)
    text = index.doc[start:token.i + 1].text
    return Mention(start, token.i + 1, text, "Organization", "name")


def _population(index: MentionIndex, token: Any, of_objects: list[Any]) -> Mention:
    """Return a generic mention of a people ("the people of Belarus", "the Syrian people"):
    a people is not its state, whose government may act against it."""
    doc = index.doc
    start = min([token.i] + [c.i for c in token.lefts if c.dep_ in {"amod", "compound"}])
    end = max([token.i] + [t.i for g in of_objects for t in g.subtree]) + 1
    return Mention(start, end, doc[start:end].text, "Organization", "generic")


def _named_next(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the organization named right after its classifier noun ("the political party
    For Life", parsed as a preposition), or None."""
    named = index.by_token.get(noun.i + 1)
    kind = head_type(noun)
    if named is None or named.start != noun.i + 1 or named.kind != "name" or kind is None \
            or not any(c.dep_ == "det" for c in noun.lefts):
        return None
    onto = index.onto
    fits = onto.is_a(kind, "Organization") and onto.is_a(named.type, "Organization")
    return named if fits and named.actor is None else None


def _called(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the organization a classifier noun is said to be called ("a charity founded
    by X called Y", "a firm named Y"), or None."""
    kind = head_type(noun)
    if kind is None or not index.onto.is_a(kind, "Organization"):
        return None
    for verb in noun.children:
        if verb.dep_ != "acl" or verb.lemma_.lower() not in {"call", "name"}:
            continue
        for c in verb.children:
            named = index.by_token.get(c.i) if c.dep_ == "oprd" else None
            if named is not None and named.kind == "name" and named.actor is None \
                    and index.onto.is_a(named.type, "Organization"):
                return named
    return None


def _measure(index: MentionIndex, token: Any, of_object: Any) -> bool:
    """Return True for a counted noun with no type of its own before "of" and a typed noun
    ("two million barrels of oil", "eight cargoes of jet fuel"): it measures the goods."""
    counted = any(c.dep_ == "nummod" or c.like_num for c in token.lefts)
    return (counted and token.pos_ == "NOUN" and token.i not in index.by_token
            and head_type(token) is None and of_object.i not in index.by_token
            and head_type(of_object) is not None)


def antecedent(index: MentionIndex, pron: Any, avoid: set[int], noun_type: str | None = None,
               depth: int = 0) -> Mention | None:
    """Return the closest fitting subject mention before ``pron`` (within three sentences).

    "he"/"she" want a person; "it"/"its" and "the company" anything but a person (the
    noun's type must be the subject's, or the noun part of its name); subjects in
    ``avoid`` are skipped.
    """
    low = pron.lower_
    if low in WE_PRONOUNS and pron.pos_ == "PRON":
        return _speaker(index, pron, avoid)
    if pron.pos_ == "PRON" and low not in PERSON_PRONOUNS | THING_PRONOUNS:
        return None
    want_person = low in PERSON_PRONOUNS
    helped = _helped(index, pron) or _reporter(index, pron)
    if helped is not None:
        return helped
    start = pron.sent.start
    for _ in range(2):
        if start > 0:
            start = index.doc[start - 1].sent.start
    if pron.pos_ == "NOUN" and noun_type:
        holders = {_identity(index, m): m for m in index.mentions if m.kind == "name"
                   and start <= m.start and m.end <= pron.i and m.actor is None
                   and pron.lemma_.lower() in m.text.lower().split()
                   and not any(i in avoid for i in range(m.start, m.end))}
        if len(holders) == 1:  # "the foundation": the one "Foundation for X" named near
            return next(iter(holders.values()))
        first = next((m for m in index.mentions if m.kind == "name" and m.start >= 0), None)
        if not holders and first is not None and first.end <= pron.i and \
                first.text.lower().split()[-1] in {pron.lower_, pron.lemma_.lower()}:
            return first  # "the holding" in the article on "Sitora Holding", its first name
    for tok in reversed(index.doc[start:pron.i]):
        if tok.dep_ not in {"nsubj", "nsubjpass"} or tok.i in avoid:
            continue
        m = index.by_token.get(tok.i)
        if m is None and tok.pos_ == "PRON" and depth < 2:
            m = antecedent(index, tok, avoid, noun_type, depth + 1)
        elif m is None and depth < 2 and tok.pos_ == "NOUN" and (kind := head_type(tok)) and \
                any(c.lower_ == "the" for c in tok.children):
            m = antecedent(index, tok, avoid, kind, depth + 1)  # "The institute ... It ..."
            if m is None and not want_person:
                return None  # "The group denies ... It cooperates": the group, unresolved
        if m is None or m.kind == "generic" or _personal(index, m) != want_person:
            continue
        if any(i in avoid for i in range(m.start, m.end)):
            continue
        if noun_type and not (m.type == noun_type or index.onto.is_a(m.type, noun_type)
                              or pron.lower_ in m.text.lower()):
            continue  # "the group" is the Wagner Group or another organization, not the UN
        if want_person and pron.pos_ == "PRON" and _rival_person(index, m, pron):
            return None  # "A discussed it with B during his visit": whose visit?
        if not want_person and pron.pos_ == "PRON" and _rival(index, m, pron):
            # "X sanctioned Y, an adviser to the Z leadership who manages its ...": unclear,
            # unless the pronoun's sentence names one body before it ("the deputy of Z and
            # brother of its leader")
            return _sole_body(index, pron)
        if noun_type and pron.pos_ != "PRON" and depth == 0:
            nearest = _nearest(index, pron, avoid, noun_type, pron.sent.start)
            if nearest is not None and _identity(index, nearest) != _identity(index, m):
                return None  # "the group": the last subject or the name before it here?
        return m
    if (depth == 0 or pron.pos_ == "NOUN") and (
            want_person and pron.dep_ in {"nsubj", "nsubjpass"} or noun_type):
        # a description read back from a later pronoun resolves as it would on its own
        found = _recent(index, pron, avoid, want_person, noun_type)
        if not found and noun_type and pron.pos_ == "NOUN":
            return _sole_namesake(index, pron)
        return found[0] if len(found) == 1 else None
    if depth == 0 and low in {"its", "it"} and pron.pos_ == "PRON":
        return _sole_body(index, pron)  # no subject before it: the one body its sentence names
    return None


def _helped(index: MentionIndex, pron: Any) -> Mention | None:
    """Return the object of "supports Y in its fight", "helps Y in their efforts": "its" in
    an "in" phrase on a verb is that verb's named object; else None."""
    noun = pron.head
    if pron.dep_ != "poss" or pron.lower_ not in {"its", "their", "his", "her"} or \
            noun.dep_ != "pobj" or noun.head.lower_ != "in" or noun.head.head.pos_ != "VERB":
        return None
    objs = [c for c in noun.head.head.children if c.dep_ == "dobj"]
    objs = [next((a for a in o.children if a.dep_ == "appos" and a.i in index.by_token), o)
            for o in objs]  # "supports our ally Bulgaria in its fight"
    found = index.by_token.get(objs[0].i) if len(objs) == 1 else None
    return found if found is not None and found.kind == "name" and \
        _personal(index, found) == (pron.lower_ in PERSON_PRONOUNS) else None


def _reporter(index: MentionIndex, pron: Any) -> Mention | None:
    """Return who reports about itself: "The foundation states that it has never received
    ...", "X said he ...": the subject of the reporting verb whose clause the pronoun is the
    subject of, when it fits the pronoun; else None."""
    clause = pron.head
    if pron.dep_ not in {"nsubj", "nsubjpass"} or clause.dep_ != "ccomp" or \
            clause.head.lemma_.lower() not in _reporting_verbs():
        return None
    speaker = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
    if speaker is None or speaker.pos_ == "PRON":
        return None
    found = argument(index, speaker)
    if found is None or found[0].kind != "name" or \
            _personal(index, found[0]) != (pron.lower_ in PERSON_PRONOUNS):
        return None
    return found[0]


def _sole_namesake(index: MentionIndex, noun: Any) -> Mention | None:
    """Return the one name before ``noun`` in the document that ends with the noun ("the
    group" far after "the Tarn Initiative Group"), or None when there are none or several."""
    lemma = noun.lemma_.lower()
    found = {_identity(index, m): m for m in index.mentions
             if m.kind == "name" and m.end <= noun.i and m.actor is None
             and m.text.lower().split()[-1] in {lemma, noun.lower_}}
    return next(iter(found.values())) if len(found) == 1 else None


def _speaker(index: MentionIndex, pron: Any, avoid: set[int]) -> Mention | None:
    """Return the state or body "we" speaks for in a statement, outside quotation marks: the
    first such subject of the document ("The United States condemns ... We welcome ...");
    None when the pronoun is quoted or comes before it, or when a person speaking without
    quotation marks or another state is the subject of one of the three sentences before
    it (then "we" may be theirs)."""
    if _quoted(pron):
        return None  # "'We will fight on,' said X": the speaker's own group
    start = pron.sent.start
    for _ in range(3):
        if start > 0:
            start = index.doc[start - 1].sent.start
    near: set[str] = set()
    for tok in index.doc[start:pron.i]:
        m = index.by_token.get(tok.i)
        if tok.dep_ not in {"nsubj", "nsubjpass"} or m is None or m.kind != "name":
            continue
        if _personal(index, m):
            if _speaks_unquoted(tok):
                return None  # "A B spoke next. We ...": A B's "we"
            continue  # "Mr Dodik travelled to Moscow. In 2022 we sanctioned him"
        if m.type in SPEAKER_TYPES:
            near.add(_identity(index, m))
    for tok in index.doc[:pron.i]:
        if tok.dep_ not in {"nsubj", "nsubjpass"} or tok.i in avoid or _quoted(tok):
            continue
        m = index.by_token.get(tok.i)
        if m is not None and m.kind == "name" and m.type in SPEAKER_TYPES:
            return m if near <= {_identity(index, m)} else None  # another state spoke last
    return None


def _reporting_verbs() -> frozenset[str]:
    """Return the verbs whose subject reports on itself in their clause: the attribution
    cues and the verbs of denial ("says that it", "denies that it")."""
    cues = modality_cues()
    return cues.attribution | cues.words.get("negated", frozenset())


def _speaks_unquoted(subject: Any) -> bool:
    """Return True when ``subject`` is the subject of a speaking verb ("spoke", "said") whose
    sentence quotes nothing: what follows may be that person's own words."""
    verb = subject.head
    speaking = verb.lemma_.lower() in modality_cues().attribution
    return speaking and not any(t.lower_ in QUOTES for t in verb.sent)


def _quoted(token: Any) -> bool:
    """Return True when ``token`` stands inside quotation marks of its paragraph (line)."""
    doc = token.doc
    opened = straight = 0
    i = token.i - 1
    while i >= 0 and "\n" not in doc[i].text + doc[i].whitespace_:
        text = doc[i].text
        opened += text.count("\u201c") - text.count("\u201d")
        straight += text.count('"')
        i -= 1
    return opened > 0 or straight % 2 == 1


def _recent(index: MentionIndex, token: Any, avoid: set[int], want_person: bool,
            noun_type: str | None, loose: bool = False) -> list[Mention]:
    """Return the distinct entities named in the sentence before ``token`` and in its own
    sentence up to it that "he"/"she" (a person) or "the company" (a name of that type, or
    holding the noun) may stand for, the last named first."""
    doc = token.doc
    start = token.sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    seen: dict[str, Mention] = {}
    taken = {_identity(index, m) for i in avoid if (m := index.by_token.get(i)) is not None}
    for m in index.mentions:
        if not start <= m.start < token.i or m.kind != "name" or m.end > token.i or \
                _identity(index, m) in taken or \
                _personal(index, m) != want_person:
            continue
        if noun_type and not (_fits_noun(index, m, noun_type, token) or loose and m.actor is None
                              and index.onto.is_a(m.type, "Organization")
                              and index.onto.is_a(noun_type, "Organization")):
            continue
        seen.setdefault(_identity(index, m), m)
    people = [k for k in seen if " " in k]  # "Petrovic" after "Marko Petrovic" is him
    for k in [k for k in seen if " " not in k]:
        if any(p.endswith(" " + k) for p in people):
            del seen[k]
    return sorted(seen.values(), key=lambda m: -m.start)


def _nearest(index: MentionIndex, noun: Any, avoid: set[int], noun_type: str,
             start: int) -> Mention | None:
    """Return the last name from ``start`` up to ``noun`` whose type is ``noun_type`` (or
    under it) or that holds the noun ("the bank": "National Bank of X")."""
    for m in sorted(index.mentions, key=lambda x: -x.start):
        if start <= m.start and m.end <= noun.i and m.kind == "name" and not _personal(index, m) \
                and not any(i in avoid for i in range(m.start, m.end)) and (
                index.onto.is_a(m.type, noun_type) or noun.lemma_.lower() in m.text.lower()):
            return m
    return None


def is_person(index: MentionIndex, m: Mention) -> bool:
    """Return True for a person's name, or the surname of a person named in full (whatever
    type NER gave it)."""
    return _personal(index, m)


def _personal(index: MentionIndex, m: Mention) -> bool:
    """Return True for a person's name, or the surname of a person named in full (whatever
    type NER gave it)."""
    if m.type == "Person":
        return True
    return m.actor is None and " " not in m.key and any(
        p.type == "Person" and p.key.endswith(" " + m.key) for p in index.mentions)


def _fits_noun(index: MentionIndex, m: Mention, noun_type: str, noun: Any) -> bool:
    """Return True when a name can be meant by a description of ``noun_type``: its type is
    that type, or an organization the text gave no finer type, or it holds the noun."""
    onto = index.onto
    return m.type == noun_type or onto.is_a(m.type, noun_type) or noun.lemma_.lower() in \
        m.text.lower() or (m.type == "Organization" and onto.is_a(noun_type, "Organization")
                           and m.actor is None and noun.lemma_.lower() not in state_nouns())


def identity(index: MentionIndex, m: Mention) -> str:
    """Return the key of the entity a named mention stands for, as far as the mention says
    (its actor, or the full name of a short form)."""
    return _identity(index, m)


def _identity(index: MentionIndex, m: Mention) -> str:
    """Return the key of the entity a named mention stands for, as far as the mention says."""
    if m.actor is not None:
        return key_of(m.actor.name)
    return key_of(index.short_forms.get(m.key, m.text))


def arguments(index: MentionIndex, token: Any, rng: tuple[str, ...] = (),
              avoid: set[int] | None = None) -> list[tuple[Mention, float]]:
    """Return the mentions an argument token stands for with a confidence factor: the
    one ``argument`` gives, or each of the names "the two companies" or "they" stand for."""
    avoid = avoid or set()
    group = plural_antecedent(index, token, avoid) if token.lower_ in PLURAL_PRONOUNS \
        else described_group(index, token, avoid)
    if group:
        return [(m, 0.7) for m in group]
    found = argument(index, token, rng, avoid)
    return [found] if found is not None else []


def plural_antecedent(index: MentionIndex, pron: Any, avoid: set[int]) -> list[Mention]:
    """Return the names "they" stands for: the closest earlier subject (within three
    sentences) when it is two or more coordinated names; else none."""
    if pron.pos_ != "PRON":
        return []
    start = pron.sent.start
    for _ in range(2):
        if start > 0:
            start = index.doc[start - 1].sent.start
    for tok in reversed(index.doc[start:pron.i]):
        if tok.dep_ not in {"nsubj", "nsubjpass"} or tok.i in avoid:
            continue
        if tok.tag_ in {"WDT", "WP"}:
            continue  # "which", "who": the subject of a clause inside the one before
        if tok.pos_ == "PRON":
            return plural_antecedent(index, tok, avoid) if tok.lower_ in PLURAL_PRONOUNS \
                and tok.sent.start < pron.sent.start else []
        group = described_group(index, tok, avoid)
        if group:
            return group  # "These nine entities ...; they are controlled by X"
        names = {id(m): m for t in members(tok) if (m := index.by_token.get(t.i)) is not None
                 and m.kind == "name"}
        found = list(names.values())
        return found if len(found) >= 2 and len(found) == len(members(tok)) else []
    return []


def described_group(index: MentionIndex, token: Any, avoid: set[int]) -> list[Mention]:
    """Return the entities "the two companies" / "both firms" stand for: as many names of the
    noun's type as its number says, named in the sentence before it and its own sentence up
    to it; none when there are more or fewer."""
    noun_type = head_type(token) or (
        "Organization" if token.lemma_.lower() in any_body_nouns() else None)
    if token.tag_ not in {"NNS", "NNPS"} or noun_type is None or token.i in index.by_token:
        return []
    numbers = [c for c in token.children if c.dep_ in {"nummod", "det", "predet"}
               and _count(c) is not None]
    if len(numbers) != 1:
        return []
    count = _count(numbers[0]) or 0
    found = _recent(index, token, avoid, False, noun_type, loose=True)  # the count decides
    if len(found) == count:
        return found
    if not any(c.lower_ in DEFINITE for c in token.children if c.dep_ in {"det", "predet"}):
        return []  # "two tankers" are new to the text, "these two tankers" are not
    return _listed_group(index, token, count, avoid, noun_type)


def _count(token: Any) -> int | None:
    """Return the number a counting word or numeral says ("nine", "9"), else None."""
    if token.lower_ in COUNTS:
        return COUNTS[token.lower_]
    return int(token.text) if token.text.isdigit() and 1 < int(token.text) < 100 else None


def _listed_group(index: MentionIndex, token: Any, count: int, avoid: set[int],
                  noun_type: str) -> list[Mention]:
    """Return the names of the last written lists of names (within the two sentences
    before ``token`` and its own up to it) whose sizes add up to exactly ``count`` ("...
    designates A, B and C. This follows the designation of D and E. These five entities
    ..."); none when no run of whole lists gives the count or a name does not fit the noun."""
    start = token.sent.start
    for _ in range(2):
        if start > 0:
            start = index.doc[start - 1].sent.start
    lists: list[list[Mention]] = []
    run: list[Mention] = []
    last = -1
    for m in sorted(index.mentions, key=lambda x: x.start):
        if m.kind != "name" or m.start < start or m.end > token.i or m.start <= last:
            continue
        if run and not all(t.lower_ in LIST_GLUE for t in index.doc[last + 1:m.start]):
            lists.append(run)
            run = []
        run.append(m)
        last = m.end - 1
    lists.append(run)
    lists = [[m for m in group if not any(i in avoid for i in range(m.start, m.end))]
             for group in lists if len(group) >= 2]
    found: list[Mention] = []
    for group in reversed(lists):
        found = group + found
        if len(found) >= count:
            break
    if len(found) != count or any(_personal(index, m) or not (
            _fits_noun(index, m, noun_type, token) or token.lemma_.lower() in any_body_nouns()
            and index.onto.is_a(m.type, "Organization")) for m in found):
        return []
    return found


def _sole_body(index: MentionIndex, pron: Any) -> Mention | None:
    """Return the one entity other than a person named in the pronoun's sentence before it,
    or None when there are none or several."""
    found: dict[str, Mention] = {}
    for i in range(pron.sent.start, pron.i):
        m = index.by_token.get(i)
        if m is not None and m.start == i and m.end <= pron.i and m.kind == "name" and \
                not _personal(index, m):
            found.setdefault(_identity(index, m), m)
    return next(iter(found.values())) if len(found) == 1 else None


def _rival_person(index: MentionIndex, found: Mention, pron: Any) -> bool:
    """Return True when another person is named between an antecedent and "he"/"his" in the
    pronoun's sentence."""
    start = pron.sent.start
    if pron.dep_ == "poss" and role_of(pron.head) is not None and _designator(index, found):
        start = found.end  # "The Council listed Y. Its leader, Z, ...": Y's leader
    for i in range(max(found.end, start), pron.i):
        m = index.by_token.get(i)
        if m is not None and m.start == i and m.kind == "name" and _personal(index, m) and \
                _identity(index, m) != _identity(index, found):
            return True
    return False


def _designator(index: MentionIndex, found: Mention) -> bool:
    """Return True when a mention is the subject of a cue of a predicate with an implicit
    agent ("The Council listed X", "OFAC designated X")."""
    tok = index.doc[found.end - 1]
    while found.start <= tok.head.i < found.end and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ == "nsubj" and bool(
        {c.predicate for c in verb_cues().get(tok.head.lemma_.lower(), ())}
        & implicit_agent_predicates())


def _rival(index: MentionIndex, found: Mention, pron: Any) -> bool:
    """Return True when another organization is named between an antecedent and "it"/"its"
    in the pronoun's sentence (in any sentence, for a role held in a body that designates:
    "its leader"): which one the pronoun means is not clear."""
    start = pron.sent.start
    if pron.dep_ == "poss" and role_of(pron.head) is not None and _designator(index, found):
        start = found.end  # "The Council listed Y. Its leader, Z, ...": Y's leader
    for i in range(max(found.end, start), pron.i):
        m = index.by_token.get(i)
        if m is not None and m.start == i and m.kind == "name" and m.type != "Person" and \
                _identity(index, m) != _identity(index, found) and m.type != "Country":
            return True
    return False
