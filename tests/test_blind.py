"""Extraction on blind documents: written and annotated before any extraction output on
them was seen, never tuned against: a miss here is fixed by a general rule or not at all.

Two sets, scored apart:
- the first two blind documents (a sanctions press release, an encyclopedia profile), held
  to the bar set when they were written (precision >= 0.6, F1 >= 0.5, no trap asserted);
- the whole blind folder, with the documents added for issue 18 (Treasury, ministry,
  ambassador, wire and encyclopedia texts on other countries; one more encyclopedia text on
  4 December; four more by another writer in session 12). Issue 18's target for unseen text
  is precision >= 0.70, recall >= 0.45, F1 >= 0.55. Measured: 0.711 / 0.352 / 0.471 at first,
  0.765 / 0.429 / 0.549 (session 10, eight documents), 0.783 / 0.448 / 0.570 (session 11,
  nine); with the four new documents 0.832 / 0.454 / 0.587 on first contact (thirteen), then
  0.835 / 0.494 / 0.621; three more by another writer: 0.825 / 0.498 / 0.621 over sixteen
  on first contact, 0.846 / 0.533 / 0.654 at the end of session 12 (see README). This test
  guards the level reached (precision >= 0.80, recall >= 0.50, F1 >= 0.62, no trap) so that
  a change that loses blind facts fails.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loaders.documents import iter_path
from loaders.extract import extract_documents, load_nlp, triples_json
from loaders.source import SourceDocument
from tests.test_heldout import SCORER, _scorer

BLIND = Path(__file__).resolve().parent / "blind"
FIRST_BLIND = ("pink-media-profile", "treasury-designation")

pytestmark = pytest.mark.skipif(not SCORER.exists(),
                                reason="shared/eval/score.py is not beside the checkout")


def _score(tmp_path: Path, names: tuple[str, ...] | None = None
           ) -> tuple[int, int, int, int]:
    """Return (tp, fp, fn, traps) of extraction over the blind documents (``names`` only,
    when given), scored by ../shared/eval/score.py."""
    score = _scorer()
    nlp = load_nlp()
    tp = fp = fn = traps = 0
    for gold_path in sorted((BLIND / "gold").glob("*.json")):
        if names is not None and gold_path.stem not in names:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        sources = [s for s in iter_path(BLIND / "docs" / gold["doc"])
                   if isinstance(s, SourceDocument)]
        rows: list[dict[str, Any]] = []
        for _, triples in extract_documents(sources, nlp):
            rows.extend(triples_json(triples))
        pred = tmp_path / gold_path.name
        pred.write_text(json.dumps(rows, default=str), encoding="utf-8")
        result = score.score_doc(gold, score.load_predictions(pred))
        tp, fp, fn = tp + result["tp"], fp + result["fp"], fn + result["fn"]
        traps += result["traps"]
    return tp, fp, fn, traps


def _figures(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def test_blind_documents_clear_the_bar_for_unseen_text(tmp_path: Path) -> None:
    tp, fp, fn, traps = _score(tmp_path, FIRST_BLIND)
    precision, recall, f1 = _figures(tp, fp, fn)
    assert tp + fn >= 14, "the blind set lost its gold"
    assert precision >= 0.6 and f1 >= 0.5, (precision, recall, f1)
    assert traps == 0


def test_whole_blind_folder_keeps_the_level_reached(tmp_path: Path) -> None:
    tp, fp, fn, traps = _score(tmp_path)
    precision, recall, f1 = _figures(tp, fp, fn)
    assert tp + fn >= 14 + 77 + 14 + 69 + 53, "the blind set lost its gold"
    assert precision >= 0.80 and recall >= 0.50 and f1 >= 0.62, (precision, recall, f1)
    assert traps == 0
