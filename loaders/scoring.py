"""Scoring extracted triples against hand-annotated gold: the matching rules of the shared
evaluation (``../shared/eval/score.py``), held in the project so ``influence eval`` runs
without that folder.

A gold file is a JSON object with ``required``, ``optional`` and ``traps`` lists; each
item names acceptable subjects (``s``), predicates (``p``) and objects (``o``). A
predicted triple matches a gold item when its predicate is one of ``p`` and one of its
subject names and one of its object names equal a gold alias after ``norm`` (accents and
case folded, a leading "the" and a possessive 's dropped); symmetric predicates match in
either direction. Per document, a prediction matching a required item not yet matched is
a true positive; one matching an optional item, or repeating a matched one, is ignored;
anything else is a false positive, and one matching a trap is counted apart too. Only
asserted predictions count (not negated, hypothetical or ``asserted: false``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# The scorer's own rule (score.py), not the ontology's: gold files are scored the same way
# whatever the project's ontology says about symmetry.
SYMMETRIC = frozenset({"allied_with", "negotiates_with", "meets_with"})
COUNTS = ("tp", "fp", "fn", "traps")


def norm(name: str) -> str:
    """Return the matching form of a name: accents and case folded, "the" and 's dropped."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("\u2019", "'").strip()
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"[^\w\s\-\.]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def names(triple: dict[str, Any], role: str) -> set[str]:
    """Return the normalized names of a predicted triple's ``subject`` or ``object``."""
    value = triple.get(role)
    found: list[str] = []
    if isinstance(value, dict):
        found.append(value.get("name", ""))
        found.extend(value.get("aliases") or [])
    elif value is not None:
        found.append(str(value))
    found.extend(triple.get(f"{role}_aliases") or [])
    return {norm(n) for n in found if n}


def asserted(triple: dict[str, Any]) -> bool:
    """Return True for a prediction that counts as a claim (not negated or hypothetical)."""
    if triple.get("negated") or triple.get("hypothetical"):
        return False
    return triple.get("asserted", True) is not False


def matches(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Return True when a predicted triple matches one gold item."""
    predicate = str(pred.get("predicate", "")).strip()
    if predicate not in gold["p"]:
        return False
    s, o = names(pred, "subject"), names(pred, "object")
    gs = {norm(n) for n in gold["s"]}
    go = {norm(n) for n in gold["o"]}
    if s & gs and o & go:
        return True
    return predicate in SYMMETRIC and bool(s & go and o & gs)


def _label(pred: dict[str, Any]) -> str:
    return (f"{sorted(names(pred, 'subject'))[:1]} {pred.get('predicate')} "
            f"{sorted(names(pred, 'object'))[:1]}")


def score_doc(gold: dict[str, Any], preds: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Return tp, fp, fn, traps, missed (gold lines) and false_positives of one document."""
    required = gold["required"]
    matched = [False] * len(required)
    tp = fp = traps = 0
    false_positives: list[str] = []
    for pred in filter(asserted, preds):
        hit = next((i for i, g in enumerate(required) if matches(pred, g)), None)
        if hit is not None:
            if not matched[hit]:
                matched[hit] = True
                tp += 1
            continue
        if any(matches(pred, g) for g in gold.get("optional", [])):
            continue
        fp += 1
        if any(matches(pred, g) for g in gold.get("traps", [])):
            traps += 1
        false_positives.append(_label(pred))
    missed = [f"{g['s'][0]} {g['p'][0]} {g['o'][0]}" for g, m in zip(required, matched) if not m]
    return {"tp": tp, "fp": fp, "fn": len(required) - tp, "traps": traps,
            "missed": missed, "false_positives": false_positives}


def rates(counts: dict[str, Any]) -> dict[str, float]:
    """Return precision, recall and F1 of tp/fp/fn counts (0.0 where undefined)."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_all(golds: dict[str, dict[str, Any]],
              predictions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Return the report of several documents: ``docs`` (per document, with its own
    precision, recall and F1), the micro totals tp/fp/fn/traps and precision, recall, f1 —
    the keys of ``score.py --json``. A document without predictions scores as empty."""
    total = dict.fromkeys(COUNTS, 0)
    docs: dict[str, Any] = {}
    for name in sorted(golds):
        result = score_doc(golds[name], predictions.get(name, []))
        docs[name] = {**result, **rates(result)}
        for key in COUNTS:
            total[key] += result[key]
    return {"docs": docs, **total, **rates(total)}
