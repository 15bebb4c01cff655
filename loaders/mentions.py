"""Entity mentions in a parsed document: spaCy NER corrected, the gazetteer, typed noun phrases.

A ``Mention`` is a span of tokens that names an entity, with the ontology type it gets
from the gazetteer, the NER label or the head nouns of ``ontology/core.ttl``
(``loaders.heads``). Named mentions are found once per document (``MentionIndex``);
generic noun phrases ("political parties", "Russian fighter jets", "the Serbian
government", cut by ``loaders.phrases``) are typed on demand when a pattern needs them
as an argument (``MentionIndex.at``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loaders.cues import role_of, role_words
from loaders.datelines import dateline_tokens
from loaders.heads import (  # re-exported
    described_type,
    head_noun_index,
    honorifics,
    head_type,
    pick_type,
    state_nouns,
)
from loaders.lookups import actor_for, demonym_keys, key_of, ner_types
from loaders.phrases import anaphoric, is_modifier, join_tokens, looks_like_name, phrase_tokens
from loaders.spans import (
    capital,
    conjuncts,
    joined_ents,
    joins_name,
    ner_pieces,
    trim,
    whole_name,
)
from ontology import Actor, Ontology, get_ontology

__all__ = ["MAX_ACTOR_TOKENS", "NER_TYPES", "Mention", "MentionIndex", "NameIndex", "implicit_agent", "head_noun_index",
           "head_type", "pick_type"]

# spaCy label -> ontology type (ig:nerLabel) for names the gazetteer does not know. Labels
# absent there (dates, numbers, works of art, languages) never make entities.
NER_TYPES = ner_types()
# Labels whose unknown names (not in the gazetteer) are too unreliable to keep.
GAZETTEER_ONLY = {"LOC"}
# Small words inside a name whose capitals spell its acronym ("Front for Democracy and Justice").
NAME_GLUE = {"of", "for", "and", "the", "'s", "\u2019s", "-", "&"}


@dataclass
class Mention:
    """A span of tokens naming one entity.

    ``kind`` is "name" (NER or gazetteer), "demonym" (an adjective standing for an actor)
    or "generic" (a typed common-noun phrase). ``actor`` is the gazetteer entry, if any.
    ``origins`` holds actors named by demonyms inside a generic phrase ("Russian jets").
    """

    start: int
    end: int
    text: str
    type: str
    kind: str
    label: str = ""
    actor: Actor | None = None
    origins: list[Actor] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Return the matching key of the mention's text."""
        return key_of(self.text)


# The word that makes the people named before it a government ("the Ortega-Murillo regime").
REGIME_WORD = "regime"


def _brand(text: str) -> bool:
    """Return True for a word written in mixed case from a lower-case start ("inoSMI")."""
    return text[:1].islower() and text.isalnum() and sum(c.isupper() for c in text) >= 2


def _short_form(inner: Any, full: Mention) -> bool:
    """Return True when the words in parentheses after ``full`` are its short form: an
    acronym ("OFAC", "IRGC-QF") or words of the full name ("Ovcharov", "Sahand Petro")."""
    words = [t for t in inner if not t.is_punct]
    if not words or not all(t.text[:1].isupper() or t.text[:1].isdigit() for t in words):
        return False
    compact = "".join(t.text for t in inner)
    if compact.replace("-", "").isalnum() and compact.isupper() and len(compact) >= 2:
        return True
    own = {w.lower() for w in full.text.split()}
    return len(words) < len(full.text.split()) and all(t.lower_ in own for t in words)


def _untitled(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) of a person's name without the titles before it ("MEP Eva
    Kaili", "Ambassador David Pressman", "Colonel Assimi Goita"): words of role cues and
    honorifics are not part of a name."""
    while end - start > 2 and (doc[start].lower_ in role_words() or
                               doc[start].lower_ in honorifics()):
        start += 1
    if end - start == 2 and doc[start].lower_ in honorifics():
        start += 1  # "Colonel Ortega": the surname
    return start, end


def _titled_person(doc: Any, start: int, end: int) -> bool:
    """Return True for a title word or honorific before two or three capitalized words of
    letters that NER took for an organization ("MEP Antonio Panzeri", "Bishop A B")."""
    rest = doc[start + 1:end]
    return (doc[start].lower_ in role_words() or doc[start].lower_ in honorifics()) and \
        2 <= len(rest) <= 3 and all(
        t.is_alpha and t.text[:1].isupper() and t.pos_ == "PROPN" and not head_type(t)
        for t in rest)


def implicit_agent() -> Mention:
    """Return a placeholder subject for an agentless cue ("X was designated"); extraction
    puts the document's last agent of the predicate in its place (``ig:implicitAgent``)."""
    return Mention(-1, -1, "", "Organization", "implicit")


#: No gazetteer name is longer than this many tokens: bounds the sub-spans tried in a name.
MAX_ACTOR_TOKENS = 16


class NameIndex:
    """The named mentions of one document, by token: NER spans with corrected bounds,
    gazetteer actors, "X of Y" names, acronyms and lone surnames, each with a type.

    ``short_forms`` maps the key of an acronym defined in the text ("Adriatic Energy
    Holding (AEH)") to the full name.
    """

    def __init__(self, doc: Any, onto: Ontology | None = None) -> None:
        self.doc = doc
        self.onto = onto or get_ontology()
        self.by_token: dict[int, Mention] = {}
        self.mentions: list[Mention] = []
        self.short_forms: dict[str, str] = {}
        self.memo: dict[str, Any] = {}  # what a reader derives once per document
        self._inner_names: set[str] | None = None
        self._dateline = dateline_tokens(doc)
        self._find_names()

    # ------------------------------------------------------------ named mentions

    def _drop(self, mention: Mention) -> None:
        """Remove a mention a longer or corrected one replaces."""
        self.mentions.remove(mention)
        for i in range(mention.start, mention.end):
            del self.by_token[i]

    def add(self, mention: Mention) -> None:
        """Add a mention found by a pattern (a ministry named after a title's portfolio),
        unless its tokens already belong to one."""
        self._add(mention)

    def _add(self, mention: Mention) -> None:
        if any(i in self.by_token or i in self._dateline
               for i in range(mention.start, mention.end)):
            return
        self.mentions.append(mention)
        for i in range(mention.start, mention.end):
            self.by_token[i] = mention

    def _find_names(self) -> None:
        doc = self.doc
        for ent in joined_ents(doc):
            if ent.label_ not in NER_TYPES:
                continue
            pieces = ner_pieces(ent)
            if actor_for(self.onto, ent.text) is None:
                pieces = [p for a, b in pieces for p in conjuncts(doc, a, b)]
            for piece in pieces:
                bounds = trim(doc, *piece)
                label = ent.label_
                if bounds is not None and doc[bounds[1] - 1].lower_ in {"of", "for", "and"} \
                        and bounds[1] < len(doc) and capital(doc[bounds[1]]):
                    # "Islamic Republic of" + "Iran Broadcasting": NER stopped inside the name
                    bounds = bounds[0], self._name_tail(bounds[1])
                    label = "ORG" if actor_for(self.onto, doc[slice(*bounds)].text) is None \
                        else label
                if bounds is not None and bounds[1] + 1 < len(doc) and \
                        doc[bounds[1]].lower_ == "and" and capital(doc[bounds[1] + 1]) and \
                        (longer := self._actor_ends(bounds[0], bounds[1] + 2)) is not None:
                    bounds = bounds[0], longer  # "Court of Bosnia" + "and Herzegovina"
                while bounds is not None and bounds[1] - bounds[0] > 1 and \
                        doc[bounds[1] - 1].is_lower and \
                        doc[bounds[1] - 1].pos_ in {"ADP", "CCONJ", "DET"}:
                    bounds = bounds[0], bounds[1] - 1  # "the X Movement of former president Y"
                if bounds is not None and ent.label_ == "PERSON":
                    bounds = _untitled(doc, *bounds)
                if bounds is not None:
                    whole = whole_name(doc, *bounds)
                    if label != "PERSON" and _titled_person(doc, *whole):
                        whole, label = _untitled(doc, *whole), "PERSON"  # "MEP A B" read as ORG
                    elif label == "PERSON":
                        whole = _untitled(doc, *whole)  # "Colonel" grown back onto "A B"
                    self._named(*whole, label)
        self._join_suffixes()
        self._regimes()
        self._function_word_names()
        self._of_names()
        self._scan_gazetteer()
        self._repeated_names()
        self._acronyms()
        self._vote_types()
        self._short_names()
        self._join_people()
        self._titled_surnames()

    def _repeated_names(self) -> None:
        """Add the other occurrences of a name of two or more words that NER found once and
        missed elsewhere ("Press TV" read at the start of a sentence as a verb and a noun):
        the same words, whole tokens, in the same case, not inside another name."""
        doc, text = self.doc, self.doc.text
        for m in list(self.mentions):
            if m.kind != "name" or m.actor is not None or "\n" in m.text or (
                    len(m.text.split()) < 2 and not self._distinct_word(m)):
                continue
            at = text.find(m.text)
            while at != -1:
                span = doc.char_span(at, at + len(m.text))
                at = text.find(m.text, at + 1)
                if span is None or any(i in self.by_token or i in self._dateline
                                       for i in range(span.start, span.end)):
                    continue
                self._add(Mention(span.start, span.end, m.text, m.type, "name", m.label))

    def _titled_surnames(self) -> None:
        """Type as a person the one unknown name of two or three plain words that holds a
        surname written elsewhere after an honorific ("Raul Ortega Lima", NER's ORG, and
        "Colonel Ortega")."""
        doc = self.doc
        titled = {m.text.lower() for m in self.mentions if m.kind == "name" and m.start > 0
                  and m.end - m.start == 1 and doc[m.start - 1].lower_ in honorifics()}
        for word in titled:
            holders = [m for m in self.mentions if m.kind == "name" and m.actor is None
                       and m.type != "Person" and 2 <= len(m.text.split()) <= 3
                       and word in m.text.lower().split() and all(
                           w[:1].isupper() and w.isalpha() and w.lower() not in head_noun_index()
                           for w in m.text.split())]
            if len({m.text for m in holders}) == 1:
                for m in holders:
                    m.type, m.label = "Person", "PERSON"

    def _distinct_word(self, m: Mention) -> bool:
        """Return True for a one-word name NER gave a group's label that no common word is
        ("Fano"): its other occurrences in the document are the same name."""
        tok = self.doc[m.start]
        return m.end - m.start == 1 and m.label in {"ORG", "NORP"} and tok.is_alpha and \
            tok.text[:1].isupper() and not tok.is_stop and len(tok.text) > 2 and \
            tok.lower_ not in head_noun_index() and tok.lower_ not in role_words()

    def _join_people(self) -> None:
        """Join two names NER split with nothing between them: two person names ("Hassan
        Sheikh" + "Mohamud") are one person; any name followed by a company's name ("Ferrum
        Sahel" + "General Trading L.L.C.") is one company."""
        for m in sorted(self.mentions, key=lambda x: x.start):
            nxt = self.by_token.get(m.end)
            if m not in self.mentions or nxt is None or nxt.start != m.end or m.actor or \
                    nxt.actor or m.kind != "name" or nxt.kind != "name" or \
                    nxt.type not in {"Person", "Company"} or \
                    nxt.type == "Person" and m.type != "Person":
                continue
            for old in (m, nxt):
                self._drop(old)
            self._add(Mention(m.start, nxt.end, self.doc[m.start:nxt.end].text, nxt.type, "name",
                              nxt.label))

    def _join_suffixes(self) -> None:
        """Join "Golden Delta Logistics Co., Limited": a name of company suffixes only
        ("Limited", "Ltd.", "Inc.") after a comma continues the name before the comma."""
        doc = self.doc
        for m in list(self.mentions):
            words = [t for t in doc[m.start:m.end] if not t.is_punct]
            if m.start < 2 or doc[m.start - 1].text != "," or not words or not all(
                    head_type(t) == "Company" and t.text[:1].isupper() for t in words):
                continue
            before = self.by_token.get(m.start - 2)
            if before is None or before.kind != "name" or before.actor is not None:
                continue
            for old in (before, m):
                self._drop(old)
            text = doc[before.start:m.end].text
            self._add(Mention(before.start, m.end, text, "Company", "name", "ORG"))

    def _regimes(self) -> None:
        """Make "the Ortega-Murillo regime" one government-body name: people's names (joined
        by hyphens) before "regime" name the regime, not the people."""
        doc = self.doc
        surnames = {m.text.split()[-1] for m in self.mentions if m.type == "Person"}

        def personal(m: Mention | None) -> bool:
            return m is not None and (m.type == "Person" or m.actor is None and m.text in surnames)

        for tok in doc[1:]:
            if tok.lower_ != REGIME_WORD or tok.i in self.by_token:
                continue
            start = tok.i
            while start > 0:
                m = self.by_token.get(start - 1)
                prev = doc[start - 1]
                if m is not None and personal(m):
                    start = m.start
                elif m is None and prev.pos_ == "PROPN" and prev.text[:1].isupper() and \
                        (start == tok.i or doc[start].text == "-"):
                    start -= 1  # "Ortega-Murillo": a name NER left out beside a hyphen
                elif prev.text == "-" and start < tok.i:
                    start -= 1
                else:
                    break
            if start == tok.i or doc[start].text == "-" or not any(
                    personal(self.by_token.get(i)) for i in range(start, tok.i)):
                continue
            for old in {id(x): x for i in range(start, tok.i)
                        if (x := self.by_token.get(i)) is not None}.values():
                self._drop(old)
            self._add(Mention(start, tok.i + 1, doc[start:tok.i + 1].text, "GovernmentBody",
                              "name", "ORG"))

    def _function_word_names(self) -> None:
        """Add "For Life" of "the political party For Life": a capitalized preposition or
        conjunction inside a sentence, before proper nouns, begins a name."""
        doc = self.doc
        for tok in doc[1:-1]:
            if tok.pos_ not in {"ADP", "CCONJ"} or not tok.text[:1].isupper() or \
                    tok.is_sent_start or tok.i in self.by_token or capital(doc[tok.i - 1]) or \
                    not capital(doc[tok.i + 1]) or doc[tok.i + 1].ent_type_ not in {"", *NER_TYPES}:
                continue
            end = self._name_tail(tok.i + 1)
            if any(i in self.by_token for i in range(tok.i, end)):
                continue
            root = doc[tok.i:end].root
            self._add(Mention(tok.i, end, doc[tok.i:end].text,
                              head_type(root) or "Organization", "name", "ORG"))

    def _short_names(self) -> None:
        """Add a lone surname of a person named in full elsewhere (NER missed it)."""
        parts = {m.key.split()[-1] for m in self.mentions
                 if m.type == "Person" and len(m.key.split()) >= 2}
        if not parts:
            return
        for tok in self.doc:
            if tok.i not in self.by_token and tok.pos_ == "PROPN" and key_of(tok.text) in parts \
                    and not (tok.i > 0 and joins_name(self.doc[tok.i - 1])
                             and self.doc[tok.i - 1].dep_ == "compound"):
                self._add(Mention(tok.i, tok.i + 1, tok.text, "Person", "name", "PERSON"))

    def _named(self, start: int, end: int, label: str) -> None:
        doc = self.doc
        text = doc[start:end].text
        actor = actor_for(self.onto, text)
        if actor is not None:
            demonym = is_modifier(doc[start:end]) and key_of(text) in demonym_keys(actor)
            kind = "demonym" if demonym else "name"
            self._add(Mention(start, end, text, actor.type, kind, label, actor))
            return
        if label in GAZETTEER_ONLY or text.startswith(("pro-", "anti-")) or (
                text.lower().startswith(("pro-", "anti-"))
                and head_type(doc[start:end].root) is None):
            return  # "pro-Russian" names nobody; the "Anti-Defamation League" is a name
        root = doc[start:end].root
        if label == "NORP" and (root.pos_ != "PROPN" or root.dep_ in {"amod", "compound"}):
            return
        if not any(t.is_alpha and t.text[:1].isupper() for t in doc[start:end]):
            if not (end - start == 1 and _brand(doc[start].text)):
                return
            label = "ORG"  # "inoSMI": a brand written in mixed case is no person
        type_name = NER_TYPES[label]
        if label != "ORG" and self._holds_actor(start, end):
            type_name, label = "Organization", "ORG"  # "Sputnik Serbia" is no person or state
        refined = head_type(root) if label in {"ORG", "NORP", "PERSON", "FAC", "PRODUCT"} \
            else None  # "the Sarn Militia" tagged a facility is an armed group
        if refined and self.onto.is_a(refined, "Organization"):
            type_name = refined  # "Essar Oil" is a company, not oil
        self._add(Mention(start, end, text, type_name, "name", label))

    def _of_names(self) -> None:
        """Add "Export-Import Bank of China", "Department of the Treasury": capitalized words
        ending in an organization noun, "of" or "for" (and "the"), and a proper name are one name
        (NER missed or split it). "Government of Serbia" stays Serbia (``ig:stateNoun``)."""
        doc = self.doc
        for of in doc[1:-1]:
            if of.lower_ not in {"of", "for"}:  # "Foundation for Eurasian Sovereignty"
                continue
            noun = doc[of.i - 1]
            first = doc[of.i + 2] if doc[of.i + 1].lower_ == "the" and of.i + 2 < len(doc) \
                else doc[of.i + 1]
            if not (capital(noun) and capital(first)):
                continue
            held = self.by_token.get(noun.i)
            kind = head_type(noun)
            if kind is None and held is not None and held.end == noun.i + 1 and \
                    held.end - held.start >= 2 and held.actor is None and \
                    held.label in {"ORG", "GPE", "FAC"} and role_of(noun) is None:
                kind = held.type  # "the Autonomous Region of X": NER stopped before "of"
            if kind is None or not (self.onto.is_a(kind, "Organization") or kind == "Country"):
                continue
            if held is not None and (held.end != noun.i + 1 or held.actor is not None):
                continue
            start = held.start if held is not None else noun.i
            while held is None and start > 0 and (
                    capital(doc[start - 1]) or doc[start - 1].text == "-" and start > 1 and
                    capital(doc[start - 2])) and (start - 1) not in self.by_token:
                start -= 1
            end = self._name_tail(first.i)
            tail = actor_for(self.onto, doc[first.i:end].text)
            if tail is not None and tail.type == "Country" and noun.lower_ in state_nouns():
                continue  # "the Government of Serbia" is Serbia
            inner = {id(m): m for i in range(first.i, end) if (m := self.by_token.get(i))}
            if held is not None:
                inner[id(held)] = held
            if any(m.start < start or m.end > end for m in inner.values()):
                continue
            for m in inner.values():  # "China" of "Bank of China" is part of the name
                self._drop(m)
            text = doc[start:end].text
            actor = actor_for(self.onto, text)
            self._add(Mention(start, end, text, actor.type if actor else kind, "name", "ORG",
                              actor))

    def _name_tail(self, i: int) -> int:
        """Return the end of the proper name starting at token ``i``, over inner "of (the)"
        ("United States of America")."""
        doc = self.doc
        end = i + 1
        while end < len(doc):
            if capital(doc[end]) and doc[end].pos_ == "PROPN":
                end += 1
            elif doc[end].lower_ == "of" and end + 1 < len(doc) and capital(doc[end + 1]):
                end += 2
            elif doc[end].lower_ == "and" and end + 1 < len(doc) and capital(doc[end + 1]) and \
                    (longer := self._actor_ends(i, end + 2)) is not None:
                end = longer  # "Court of Bosnia and Herzegovina"
            else:
                break
        return end

    def _actor_ends(self, begin: int, end: int) -> int | None:
        """Return the end of a known actor's name that starts within ``begin``..``end`` - 2
        and runs over the "and" before ``end`` - 1 ("Bosnia and Herzegovina"), else None."""
        doc = self.doc
        for start in range(begin, end - 2):
            for stop in (end, end + 1):
                if stop <= len(doc) and actor_for(self.onto, doc[start:stop].text) is not None:
                    return stop
        return None

    def _holds_actor(self, start: int, end: int) -> bool:
        """Return True when a longer name holds a gazetteer actor's name ("Red Star Belgrade")."""
        doc = self.doc
        # onto.actor_for, not the cached look-up: the sub-spans are mostly new texts, and
        # the bounded-work test counts these calls
        return end - start > 1 and any(
            self.onto.actor_for(doc[i:j].text) is not None
            for i in range(start, end) for j in range(i + 1, min(end, i + MAX_ACTOR_TOKENS) + 1)
            if (i, j) != (start, end) and doc[j - 1].is_alpha)

    def _acronyms(self) -> None:
        """Link "Full Name (ACRONYM)" and "Full Name (Short Name)", and give every later
        occurrence of the short form that name (never a new entity of its own)."""
        doc = self.doc
        found: dict[tuple[str, ...], Mention] = {}
        defined: set[int] = set()
        for tok in doc[1:-2]:
            if tok.text != "(":
                continue
            close = next((t.i for t in doc[tok.i + 1:tok.i + 7] if t.text == ")"), None)
            if close is None or close == tok.i + 1:
                continue
            inner = doc[tok.i + 1:close]
            full = self._initialed(tok.i, inner.text)
            if full is None:
                full = self.by_token.get(tok.i - 1)
            if full is None or full.end != tok.i:
                full = self._proper_run(tok.i)
            if full is not None and full.kind == "name" and not _short_form(inner, full):
                full = self._joined_before(full)  # "Ferrum Sahel" + "General Trading L.L.C."
            if full is None or full.kind != "name" or not _short_form(inner, full):
                continue
            known = actor_for(self.onto, inner.text)
            if known is not None:  # "Office of Foreign Assets Control (OFAC)": a known body
                if full.actor is None:
                    full.actor, full.type = known, known.type
                continue
            found[tuple(t.text for t in inner)] = full
            defined.update(range(tok.i, close + 1))
            self.short_forms[key_of(inner.text)] = full.actor.name if full.actor else full.text
        if not found:
            return
        longest = max(len(k) for k in found)
        for tok in doc:
            for n in range(longest, 0, -1):
                words = tuple(t.text for t in doc[tok.i:tok.i + n])
                full = found.get(words)
                if full is not None:
                    break
            if full is None or (tok.i in defined and tok.i not in self.by_token):
                continue
            end = tok.i + len(words)
            held = {id(m): m for i in range(tok.i, end) if (m := self.by_token.get(i))}
            if any(m.start < tok.i or m.end > end for m in held.values()):
                continue  # inside a longer name
            for m in held.values():
                self._drop(m)
            self._add(Mention(tok.i, end, doc[tok.i:end].text, full.type, "name", full.label,
                              full.actor))

    def _initialed(self, end: int, acronym: str) -> Mention | None:
        """Return one name for the words before ``end`` whose capitals spell ``acronym``
        ("People's Front for Democracy and Justice (PFDJ)", which NER cut at "and"), when
        they run over more than one name or a name and other words; else None."""
        doc = self.doc
        letters = acronym.replace("-", "")
        if not (letters.isalpha() and letters.isupper() and 3 <= len(letters) <= 8):
            return None
        for start in range(end - 1, max(end - 14, -1), -1):
            words = doc[start:end]
            if not words[0].text[:1].isupper() or any(
                    not (t.text[:1].isupper() or t.lower_ in NAME_GLUE) for t in words):
                continue
            caps = "".join(t.text[0] for t in words if t.text[:1].isupper())
            if caps != letters:
                continue
            held = {id(m): m for i in range(start, end) if (m := self.by_token.get(i))}
            if any(m.start < start or m.end > end or m.actor is not None
                   for m in held.values()) or (
                    len(held) == 1 and next(iter(held.values())).start == start):
                return None  # one whole name already, or a known actor inside
            kind = next((m.type for m in held.values()), None) or \
                head_type(doc[end - 1]) or "Organization"
            for m in held.values():
                self._drop(m)
            mention = Mention(start, end, words.text, kind, "name", "ORG")
            self._add(mention)
            return mention
        return None

    def _joined_before(self, full: Mention) -> Mention | None:
        """Return one company name for a company name and the unknown name right before it
        (NER's "Ferrum Sahel" + "General Trading L.L.C."), else None."""
        before = self.by_token.get(full.start - 1)
        if before is None or before.end != full.start or before.kind != "name" or \
                before.actor is not None or full.actor is not None or full.type != "Company":
            return None
        for old in (before, full):
            self._drop(old)
        joined = Mention(before.start, full.end, self.doc[before.start:full.end].text,
                         "Company", "name", full.label)
        self._add(joined)
        return joined

    def _proper_run(self, end: int) -> Mention | None:
        """Return a name made of the capitalized words before ``end`` (NER missed it)."""
        doc = self.doc
        start = end
        while start > 0 and doc[start - 1].pos_ == "PROPN" and (start - 1) not in self.by_token:
            start -= 1
        if end - start < 2:
            return None
        mention = Mention(start, end, doc[start:end].text,
                          head_type(doc[end - 1]) or "Organization", "name", "ORG")
        self._add(mention)
        return mention

    def _vote_types(self) -> None:
        """Give every mention of one name the type the document supports best.

        A noun that describes the name ("Volga Maritime, a shipping company", "the
        football club Hajduk Split") decides; else the most frequent NER type.
        """
        votes: dict[str, dict[str, float]] = {}
        organizations: set[str] = set()  # only a person's name can be voted one
        if any(m.actor is None and m.type == "Person" for m in self.mentions):
            doc = self.doc
            organizations = {m.key for m in self.mentions
                             if self.onto.is_a(m.type, "Organization")} | {
                key_of(t.text) for t in doc if t.pos_ == "PROPN" and t.i not in self.by_token
                and t.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"} and t.n_lefts == 0
                and not (t.i > 0 and doc[t.i - 1].pos_ in {"PROPN", "SPACE"})
                and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ in {"PROPN", "SPACE"})}
        for m in self.mentions:
            if m.actor is not None:
                continue
            box = votes.setdefault(m.key, {})
            box[m.type] = box.get(m.type, 0) + 1 - 0.01 * len(box)
            if m.type == "Person" and m.key.split()[0] in organizations:
                box["Organization"] = box.get("Organization", 0) + 2  # "Gazprom Neft", "RT Balkan"
            described = described_type(self.doc[m.start:m.end].root)
            if described:
                box[described] = box.get(described, 0) + 10
        for m in self.mentions:
            if m.actor is None and votes.get(m.key):
                m.type = max(votes[m.key].items(), key=lambda kv: kv[1])[0]

    def _scan_gazetteer(self) -> None:
        """Add gazetteer actors that NER missed: proper-noun runs and demonym adjectives."""
        doc = self.doc
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if i in self.by_token or not (tok.pos_ in {"PROPN", "ADJ", "NOUN"} and
                                         tok.text[:1].isupper()):
                i += 1
                continue
            j = i
            while j < n and doc[j].pos_ == "PROPN" and j not in self.by_token:
                j += 1
            j = max(j, i + 1)
            span = doc[i:j]  # the whole run: "Rossiya Segodnya" is not "Rossiya"
            text = span.text
            actor = actor_for(self.onto, text)
            if actor is not None:
                demonym = key_of(text) in demonym_keys(actor)
                kind = "demonym" if demonym and is_modifier(span) else "name"
                self._add(Mention(i, j, text, actor.type, kind, "", actor))
            i = j


class MentionIndex(NameIndex):
    """The mentions of one document: its names (``NameIndex``) and the generic phrases a
    pattern argument stands for, typed on demand."""

    def inner_names(self) -> set[str]:
        """Return the words the document writes as proper nouns inside a sentence."""
        if self._inner_names is None:
            self._inner_names = {t.text for t in self.doc
                                 if t.pos_ == "PROPN" and not t.is_sent_start}
        return self._inner_names

    def at(self, token: Any, range_types: tuple[str, ...] = ()) -> Mention | None:
        """Return the mention a pattern argument token stands for, or None.

        A token inside a name gives that name; a noun heading a typed phrase gives a
        generic mention; a noun with no type of its own gets the predicate's single
        range type when it has one (``range_types``), else None.
        """
        found = self.by_token.get(token.i)
        if found is not None:
            return found
        if token.i in self._dateline:
            return None  # "BANGUI, May 14 (Reuters) -" says where, not who
        if token.pos_ == "PROPN" and head_type(token) and any(
                c.lower_ == "the" for c in token.lefts):
            return self.generic(token, range_types)  # "the Government of the Russian Federation"
        if looks_like_name(token, self.inner_names):
            return self.unlabelled(token)
        if token.pos_ not in {"NOUN", "PROPN"}:
            return None
        return self.generic(token, range_types)

    def unlabelled(self, token: Any) -> Mention | None:
        """Return a name mention for a proper noun that NER did not label ("Gazprom Neft")."""
        if token.ent_type_ and token.ent_type_ not in NER_TYPES:
            return None  # a date, a number, a title of a work
        if actor_for(self.onto, token.text) is not None and token.pos_ == "ADJ":
            return None  # a demonym ("Russian") is not a name of its own here
        doc = self.doc
        first = token.i  # the whole chain of compounds: "Red Star Belgrade", not "Star Belgrade"
        while first > 0 and doc[first - 1].dep_ in {"compound", "nmod"} and doc[first - 1].pos_ in {
                "PROPN", "NOUN"} and doc[first - 1].text[:1].isupper() \
                and first <= doc[first - 1].head.i <= token.i and (first - 1) not in self.by_token:
            first -= 1
        run = list(doc[first:token.i + 1])
        if not all(t.text[:1].isupper() for t in run) or role_of(token) is not None:
            return None  # "the Prime Minister" is a title, not a name
        start = run[0].i
        text = self.doc[start:token.i + 1].text
        actor = actor_for(self.onto, text)
        mention = Mention(start, token.i + 1, text, actor.type if actor else
                          head_type(token) or "Organization", "name", "", actor)
        self._add(mention)
        return mention

    def generic(self, token: Any, range_types: tuple[str, ...] = ()) -> Mention | None:
        """Return a generic mention headed by ``token`` ("Serbian government"), or None."""
        span_tokens = phrase_tokens(token)
        while len(span_tokens) > 1 and span_tokens[0].is_stop:
            span_tokens = span_tokens[1:]  # "most", "other", "many" name nothing
        for first in span_tokens:
            text = self.doc[first.i:token.i + 1].text
            actor = actor_for(self.onto, text) if not text.islower() else None
            if actor is not None:  # "the political council" is no "Council" of the gazetteer
                return Mention(first.i, token.i + 1, self.doc[first.i:token.i + 1].text,
                               actor.type, "name", "", actor)
        typ = head_type(token)
        named = self.by_token.get(token.i - 1)
        if typ and named is not None and named.kind == "name" and token.i - 1 in {
                t.i for t in span_tokens} and named.type not in {"Person", "Country"} and \
                self.onto.is_a(typ, "Organization") and self.onto.is_a(named.type, "Organization"):
            return named  # "the For Life party" is the party named For Life
        leaf_range = [t for t in range_types if not any(
            self.onto.types[o].parent == t for o in self.onto.types)]
        if typ is None and len(leaf_range) == 1 and token.pos_ == "NOUN":
            typ = leaf_range[0]
        if typ is None:
            return None
        if range_types and typ not in range_types and len(leaf_range) == 1:
            typ = leaf_range[0]
        of_name = next((self.by_token[g.i] for c in token.children if c.dep_ == "prep"
                        and c.lower_ == "of" for g in c.children
                        if g.dep_ == "pobj" and g.i in self.by_token
                        and self.by_token[g.i].kind == "name"), None)
        if of_name is None and anaphoric(token, span_tokens) and leaf_range != [typ]:
            return None  # "the company" refers back; "its gas" bought is still gas
        origins: list[Actor] = []
        kept = []
        for t in span_tokens:
            m = self.by_token.get(t.i)
            if m is not None and m.kind == "demonym" and m.actor is not None and typ == "Asset" \
                    and m.actor.type == "Country":
                origins.append(m.actor)  # "Russian jets": Russia supplied them
                continue
            if typ == "Asset" and t.dep_ in {"cc"}:
                continue
            kept.append(t)
        if typ == "Asset":
            while kept and kept[0].dep_ in {"cc", "punct"}:
                kept.pop(0)
        if not kept:
            return None
        text = join_tokens(kept)
        end = token.i + 1
        holders = [token] + ([token.head.head] if token.dep_ == "pobj" else [])
        portfolio = next((c for h in holders for c in h.children if c.dep_ == "prep"
                          and c.lower_ == "for" and c.i == token.i + 1 and any(
                              g.dep_ == "pobj" and g.pos_ == "NOUN" and g.is_lower
                              for g in c.children)), None)  # the parser may hang it higher
        if of_name is not None and typ != "Asset":  # "the Government of the Russian Federation"
            text = self.doc[kept[0].i:of_name.end].text
            end = of_name.end
        elif portfolio is not None and self.onto.is_a(typ, "Organization"):
            end = portfolio.right_edge.i + 1  # "department for external affairs of the region"
            text = self.doc[kept[0].i:end].text
        return Mention(kept[0].i, end, text, typ, "generic", "", None, origins)
