"""``influence eval``: extraction scored against gold files with the shared scorer's rules.

The rules live in ``loaders.scoring``; the test that they agree with
``../shared/eval/score.py`` is skipped only when that folder is not beside the checkout.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from loaders import scoring
from loaders.evaluation import load_gold, predict, strip_source_line
from loaders.extract import load_nlp

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"

DOC = ("Source: https://example.org/notice Veltra Holdings funds Ostmark Media.\n"
       "Karsten Bielke leads Ostmark Media. Norvania funds the Halden Institute.\n"
       "Norvania did not fund Ostmark Media.\n")
GOLD = {
    "doc": "notice.txt",
    "required": [
        {"s": ["Karsten Bielke", "Bielke"], "p": ["leads"], "o": ["Ostmark Media"]},
        {"s": ["Norvania"], "p": ["funds"], "o": ["Halden Institute"]},
        {"s": ["Ostmark Media"], "p": ["meets_with"], "o": ["Norvania"]},
    ],
    "optional": [],
    "traps": [{"s": ["Norvania"], "p": ["funds"], "o": ["Ostmark Media"]}],
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    docs, gold = tmp_path / "docs", tmp_path / "gold"
    docs.mkdir()
    gold.mkdir()
    (docs / "notice.txt").write_text(DOC, encoding="utf-8")
    (gold / "notice.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return docs, gold


def _shared_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_EVAL / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_prints_scores_misses_and_false_positives(folders: tuple[Path, Path]) -> None:
    code, out, err = run("eval", str(folders[0]), str(folders[1]))
    assert code == 0, err
    assert "notice: missed: Ostmark Media meets_with Norvania" in out
    assert "precision=1.000 recall=0.667" in out
    assert "veltra" not in out.lower()  # the Source line is not text


def test_eval_json_has_the_scorer_keys_and_per_document_figures(
        folders: tuple[Path, Path]) -> None:
    code, out, _ = run("eval", str(folders[0]), str(folders[1]), "--json")
    assert code == 0
    report = json.loads(out)
    assert {"docs", "tp", "fp", "fn", "traps", "precision", "recall", "f1"} <= set(report)
    doc = report["docs"]["notice"]
    assert (doc["tp"], doc["fp"], doc["fn"], doc["traps"]) == (2, 0, 1, 0)
    assert doc["precision"] == 1.0 and round(doc["recall"], 3) == 0.667


def test_eval_reports_bad_folders_and_gold_files(folders: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    docs, gold = folders
    code, _, err = run("eval", str(docs), str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder" in err
    (gold / "broken.json").write_text("{not json", encoding="utf-8")
    code, _, err = run("eval", str(docs), str(gold))
    assert code == 2 and "broken.json" in err
    (gold / "broken.json").write_text(json.dumps({"required": [{"s": ["A"]}]}),
                                      encoding="utf-8")
    code, _, err = run("eval", str(docs), str(gold))
    assert code == 2 and "'s', 'p' and 'o'" in err
    (gold / "broken.json").write_text(json.dumps({"required": []}), encoding="utf-8")
    code, _, err = run("eval", str(docs), str(gold))
    assert code == 2 and "no document for gold file broken.json" in err


def test_source_line_is_dropped_only_when_it_opens_the_text() -> None:
    assert strip_source_line(b"Source: https://x.org\nBody.\n") == b"Body.\n"
    assert strip_source_line(b"Body.\nSource: https://x.org\n") == b"Body.\nSource: https://x.org\n"


def test_matching_rules_fold_names_and_symmetric_predicates() -> None:
    gold = {"required": [{"s": ["Lodz Council"], "p": ["meets_with"], "o": ["Ana Núñez"]}],
            "optional": [], "traps": []}
    pred = {"subject": {"name": "Ana Nunez's", "aliases": []}, "predicate": "meets_with",
            "object": "The LÓDŹ council"}
    assert scoring.norm("The Ana Núñez’s") == "ana nunez"
    assert scoring.score_doc(gold, [pred])["tp"] == 1  # reversed: meets_with is symmetric
    assert scoring.score_doc(gold, [{**pred, "negated": True}])["tp"] == 0


@pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(),
                    reason="../shared/eval is not beside the checkout")
def test_scoring_agrees_with_the_shared_scorer_on_the_shared_set(tmp_path: Path) -> None:
    shared = _shared_scorer()
    golds = load_gold(SHARED_EVAL / "gold")
    predictions = predict(SHARED_EVAL / "docs", golds, load_nlp())
    ours = scoring.score_all(golds, predictions)
    for stem, rows in predictions.items():
        path = tmp_path / f"{stem}.json"
        path.write_text(json.dumps(rows, default=str), encoding="utf-8")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        shared.main(["score.py", str(SHARED_EVAL / "gold"), str(tmp_path), "--json"])
    theirs: dict[str, Any] = json.loads(buf.getvalue())
    for key in ("tp", "fp", "fn", "traps", "precision", "recall", "f1"):
        assert ours[key] == theirs[key], key
    for stem, result in theirs["docs"].items():
        mine = ours["docs"][stem]
        assert {k: mine[k] for k in result} == result, stem
    names = ["The U.S. Department of the Treasury’s", "Ві́ктор Медведчу́к", "Aleksandar Vučić's",
             "  the  Kremlin. ", "RT (Russia Today)"]
    assert [scoring.norm(n) for n in names] == [shared.norm(n) for n in names]
