"""Predicate annotations of ``ontology/core.ttl`` that extraction reads beyond the
``PredicateInfo`` fields: content nouns, argument roles and governed statuses.
"""
from __future__ import annotations

from functools import cache, lru_cache

from ontology import get_ontology


@cache
def predicate_annotation(prop: str) -> dict[str, tuple[str, ...]]:
    """Return the values of annotation ``ig:<prop>`` by predicate name (those without it left out)."""
    onto = get_ontology()
    out: dict[str, tuple[str, ...]] = {}
    for name in onto.predicates:
        values = sorted(str(v) for v in onto.graph.objects(onto.NS[name], onto.NS[prop]))
        if values:
            out[name] = tuple(values)
    return out


def _lowered(prop: str) -> dict[str, frozenset[str]]:
    """Return the values of ``ig:<prop>`` by predicate, lower-cased."""
    return {pred: frozenset(v.lower() for v in values)
            for pred, values in predicate_annotation(prop).items()}


def _flagged(prop: str) -> frozenset[str]:
    """Return the predicates whose ``ig:<prop>`` is true."""
    return frozenset(p for p, vals in predicate_annotation(prop).items() if "true" in vals)


def predicates_with(prop: str, value: str) -> tuple[str, ...]:
    """Return the predicates whose annotation ``ig:<prop>`` has ``value``."""
    return tuple(sorted(p for p, vals in predicate_annotation(prop).items() if value in vals))


@lru_cache(maxsize=1)
def content_nouns() -> dict[str, tuple[str, ...]]:
    """Return the predicates of each content noun (lower-cased): 'narratives' -> amplifies."""
    out: dict[str, list[str]] = {}
    for pred, nouns in predicate_annotation("contentNoun").items():
        for noun in nouns:
            out.setdefault(noun.lower(), []).append(pred)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def governed_statuses() -> dict[str, str]:
    """Return the status each verb lemma gives the statement it governs ('accuse' -> alleged)."""
    out: dict[str, str] = {}
    onto = get_ontology()
    for pred, statuses in predicate_annotation("governedStatus").items():
        for cue in onto.predicate(pred).cues:
            if " " not in cue:
                out[cue.lower()] = statuses[0]
    return out


@lru_cache(maxsize=1)
def implicit_agent_predicates() -> frozenset[str]:
    """Return the predicates whose agentless cues take the document's last agent
    (``ig:implicitAgent true``)."""
    return _flagged("implicitAgent")


@lru_cache(maxsize=1)
def cue_exceptions() -> dict[str, frozenset[tuple[str, str]]]:
    """Return, by predicate, the (verb lemma, preposition) pairs under which its verb cue
    means something else (``ig:cueExcept``: 'list on' for sanctions)."""
    return {pred: frozenset((v.split()[0].lower(), v.split()[-1].lower()) for v in values)
            for pred, values in predicate_annotation("cueExcept").items()}


@lru_cache(maxsize=1)
def typed_object_cues() -> dict[str, frozenset[str]]:
    """Return, by predicate, the verb lemmas whose object must be typed by itself
    (``ig:typedObjectCue``: 'order' for buys)."""
    return _lowered("typedObjectCue")


@lru_cache(maxsize=1)
def noun_preps() -> dict[str, frozenset[str]]:
    """Return, by predicate, the prepositions its noun cues take their object with
    (``ig:nounPrep``: owns -> of, in, into, over); predicates without it take any."""
    return _lowered("nounPrep")


@lru_cache(maxsize=1)
def attempt_predicates() -> frozenset[str]:
    """Return the predicates that hold as soon as their subject tries the action
    (``ig:attemptHolds true``: 'tried to influence the vote' influences it)."""
    return _flagged("attemptHolds")


@lru_cache(maxsize=1)
def instrument_nouns() -> dict[str, tuple[str, ...]]:
    """Return the predicates of each instrument noun (lower-cased): 'listings' -> sanctions."""
    out: dict[str, list[str]] = {}
    for pred, nouns in predicate_annotation("instrumentNoun").items():
        for noun in nouns:
            out.setdefault(noun.lower(), []).append(pred)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def instrument_verbs() -> dict[str, tuple[tuple[str, str | None], ...]]:
    """Return, by verb lemma, the (predicate, preposition) pairs of the instrument verbs
    ('include' -> (sanctions, None); 'apply to' -> (sanctions, 'to'))."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for pred, verbs in predicate_annotation("instrumentVerb").items():
        for verb in verbs:
            words = verb.lower().split()
            out.setdefault(words[0], []).append((pred, words[1] if len(words) > 1 else None))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def reason_cues() -> tuple[tuple[tuple[str, ...], str, bool], ...]:
    """Return the reason cues as (words, predicate, inverse), longest first: the designee
    stands in the predicate to the first name after the words (the name to the designee
    when ``inverse``)."""
    out = []
    for prop, inverse in (("reasonCue", False), ("reasonCueInverse", True)):
        for pred, phrases in predicate_annotation(prop).items():
            for phrase in phrases:
                words = tuple(w for w in phrase.lower().replace(",", " ").split())
                out.append((words, pred, inverse))
    return tuple(sorted(out, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def stance_phrases() -> dict[tuple[str, ...], str]:
    """Return the predicate of each stance phrase (``ig:stancePhrase``) by its lower-cased
    words: ('in', 'support', 'of') -> supports."""
    return {tuple(phrase.lower().split()): pred
            for pred, phrases in predicate_annotation("stancePhrase").items()
            for phrase in phrases}


@lru_cache(maxsize=1)
def prefix_cues() -> dict[str, str]:
    """Return the predicate of each prefix cue (``ig:prefixCue``, lower-cased): 'pro' ->
    supports ('the pro-Russian party X': X supports Russia)."""
    return {cue.lower(): pred for pred, cues in predicate_annotation("prefixCue").items()
            for cue in cues}


@lru_cache(maxsize=1)
def content_verbs() -> frozenset[str]:
    """Return the lemmas of verbs whose subject makes or spreads their object
    (``ig:contentVerb``: 'broadcast', 'publish')."""
    return frozenset(v.lower() for verbs in predicate_annotation("contentVerb").values()
                     for v in verbs)


@lru_cache(maxsize=1)
def receipt_nouns() -> dict[str, str]:
    """Return the predicate of each receipt noun (``ig:receiptNoun``, lower-cased): 'funding'
    -> funds ('X receives funding from Y': Y funds X)."""
    return {noun.lower(): pred for pred, nouns in predicate_annotation("receiptNoun").items()
            for noun in nouns}


@lru_cache(maxsize=1)
def receipt_verbs() -> dict[str, frozenset[str]]:
    """Return the predicates each receiving verb lemma takes receipt nouns of
    (``ig:receiptVerb``: 'receive' -> funds, supplies, supports)."""
    return _by_value("receiptVerb")


@lru_cache(maxsize=1)
def providing_verbs() -> dict[str, frozenset[str]]:
    """Return the predicates each providing verb lemma gives receipt nouns of
    (``ig:providingVerb``: 'equip' -> supplies)."""
    return _by_value("providingVerb")


@lru_cache(maxsize=1)
def giving_verbs() -> dict[str, frozenset[str]]:
    """Return the predicates each giving verb lemma gives receipt nouns of "to" someone
    (``ig:givingVerb``: 'transfer' -> funds, supplies)."""
    return _by_value("givingVerb")


def _by_value(prop: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pred, values in predicate_annotation(prop).items():
        for value in values:
            out.setdefault(value.lower(), set()).add(pred)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def receipt_labels() -> dict[str, str]:
    """Return the predicate of each entity label received under it (``ig:receiptLabel``:
    MONEY -> funds)."""
    return {label: pred for pred, labels in predicate_annotation("receiptLabel").items()
            for label in labels}


@lru_cache(maxsize=1)
def patient_cues() -> dict[tuple[str, str], str]:
    """Return the predicate of each patient cue by (verb lemma, preposition): ('elect',
    'to') -> member_of ('X was elected to Y': X member_of Y)."""
    out = {}
    for pred, cues in predicate_annotation("patientCue").items():
        for cue in cues:
            verb, _, prep = cue.lower().rpartition(" ")
            out[(verb, prep)] = pred
    return out


@lru_cache(maxsize=1)
def office_predicate() -> str:
    """Return the predicate relating an office holder to the office's body (``ig:officeHolder``)."""
    found = predicates_with("officeHolder", "true")
    if len(found) != 1:
        raise ValueError("the ontology must mark exactly one predicate ig:officeHolder true")
    return found[0]


def in_body_predicate(predicate: str) -> str | None:
    """Return the predicate a role of ``predicate`` states when its body is an international
    organization written before it (``ig:inBody``: "NATO ally X" -> member_of), or None."""
    found = predicate_annotation("inBody").get(predicate)
    return found[0] if found else None


@lru_cache(maxsize=1)
def infobox_fields() -> dict[str, tuple[str, bool]]:
    """Return (predicate, inverse) by infobox label (lower-cased): 'owner' -> (owns, True):
    the value owns the article's subject (``ig:infoboxField``, ``ig:infoboxFieldInverse``)."""
    out: dict[str, tuple[str, bool]] = {}
    for prop, inverse in (("infoboxField", False), ("infoboxFieldInverse", True)):
        for pred, labels in predicate_annotation(prop).items():
            for label in labels:
                out[label.lower()] = (pred, inverse)
    return out


@lru_cache(maxsize=1)
def to_role_cues() -> frozenset[str]:
    """Return the role nouns whose body follows "to" (``ig:roleCueTo``: "an adviser to X")."""
    return frozenset(c.lower() for cues in predicate_annotation("roleCueTo").values()
                     for c in cues)
