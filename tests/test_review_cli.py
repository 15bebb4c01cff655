"""``influence review ...`` as an editor runs it: each command prints its judgement (an
object with id, kind, author and at with --json), bad input is one line and exit code 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.sqlite_store import SqliteStore
from tests.samples import SAMPLE, SERBIA, SPUTNIK, SPUTNIK_INT, VUCIC


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "review.db")
    store = SqliteStore(path)
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    store.close()
    return path


def _json(*args: str) -> dict:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_merge_prints_the_judgement_and_undo_restores(db: str) -> None:
    merged = _json("review", "merge", "Sputnik Serbia", "Sputnik International", "--name",
                   "Sputnik", "--note", "one outlet", "--author", "desk", "--store", db)
    assert {"id", "kind", "author", "at"} <= set(merged)
    assert (merged["kind"], merged["author"], merged["note"]) == ("merge", "desk", "one outlet")
    code, out, _ = run("review", "log", "--store", db)
    assert code == 0 and merged["id"] in out and "merge" in out
    shown = _json("show", "Sputnik", "--store", db)
    assert shown["id"] == SPUTNIK.id and "Sputnik International" in shown["aliases"]
    undo = _json("review", "undo", merged["id"], "--store", db)
    assert undo["kind"] == "undo" and undo["params"]["target"] == merged["id"]
    code, _, err = run("review", "undo", merged["id"], "--store", db)
    assert code == 2 and "already undone" in err and "Traceback" not in err
    assert SqliteStore(db).get_entity(SPUTNIK_INT.id) is not None


def test_relation_commands_by_the_id_show_prints(db: str) -> None:
    shown = _json("show", VUCIC.name, "--store", db)
    [leads] = [r["id"] for r in shown["relations_out"] if r["predicate"] == "leads"]
    code, _, err = run("review", "reject", leads, "--store", db)
    assert code == 2 and "--reason" in err
    rejected = _json("review", "reject", leads, "--reason", "not stated", "--store", db)
    assert rejected["relations"] == [leads] and rejected["params"]["reason"] == "not stated"
    confirmed = _json("review", "confirm", leads, "--store", db)
    assert confirmed["kind"] == "confirm"
    changed = _json("review", "change", leads, "--predicate", "controls", "--store", db)
    assert changed["params"]["predicate"] == "controls"
    added = _json("review", "add", "Serbia", "funds", "Informer", "--source",
                  "https://example.org/budget", "--quote", "Serbia funds Informer.",
                  "--date", "2024-02-01", "--store", db)
    assert added["kind"] == "add" and added["relations"]
    for args, message in [
            (("review", "add", "Serbia", "funds", "Informer", "--quote", "q"), "source"),
            (("review", "add", "Serbia", "adores", "Informer", "--source", "https://x.org",
              "--quote", "q"), "unknown predicate"),
            (("review", "merge", "Serbia", "Serbia"), "itself"),
            (("review", "merge", "Serbia", "Atlantis"), "Atlantis"),
            (("review", "alias", "append", "Serbia", "Srbija"), "add or remove"),
            (("review", "retype", "Serbia", "Planet"), "unknown type"),
            (("review", "undo", "j-unknown"), "j-unknown")]:
        code, _, err = run(*args, "--store", db)
        assert code == 2, args
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_entity_commands_and_candidates(db: str) -> None:
    assert _json("review", "rename", "Serbia", "Republic of Serbia", "--store", db)["kind"] \
        == "rename"
    assert _json("review", "retype", "Informer", "Company", "--store", db)["kind"] == "retype"
    assert _json("review", "alias", "add", "Serbia", "Srbija", "--store", db)["kind"] \
        == "alias-add"
    assert _json("review", "alias", "remove", "Serbia", "Srbija", "--store", db)["kind"] \
        == "alias-remove"
    code, out, err = run("review", "candidates", "--json", "--store", db)
    assert code == 0, err
    found = json.loads(out)
    assert {found[0]["a"]["id"], found[0]["b"]["id"]} == {SPUTNIK.id, SPUTNIK_INT.id}
    distinct = _json("review", "distinct", "Sputnik Serbia", "Sputnik International",
                     "--store", db)
    assert distinct["kind"] == "distinct"
    code, out, _ = run("review", "candidates", "--json", "--store", db)
    assert {SPUTNIK.id, SPUTNIK_INT.id} not in [{c["a"]["id"], c["b"]["id"]}
                                                for c in json.loads(out)]
    code, _, err = run("review", "merge", "Sputnik Serbia", "Sputnik International",
                       "--store", db)
    assert code == 2 and "distinct" in err
    log = _json("review", "log", "--store", db)
    assert [j["kind"] for j in log] == ["distinct", "alias-remove", "alias-add", "retype",
                                        "rename"]
    assert SqliteStore(db).get_entity(SERBIA.id).name == "Republic of Serbia"  # type: ignore[union-attr]


def test_export_then_import_into_another_store(db: str, tmp_path: Path) -> None:
    _json("review", "merge", "Sputnik Serbia", "Sputnik International", "--store", db)
    out_file = tmp_path / "judgements.jsonl"
    code, _, err = run("review", "export", str(out_file), "--store", db)
    assert code == 0 and "wrote 1" in err
    other = str(tmp_path / "other.db")
    store = SqliteStore(other)
    for d, triples in SAMPLE:
        store.upsert_document(d, triples)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    code, _, err = run("review", "import", str(bad), "--store", other)
    assert code == 2 and f"{bad}:1" in err
    report = _json("review", "import", str(out_file), "--store", other)
    assert report == {"imported": 1, "skipped": 0}
    assert store.get_entity(SPUTNIK_INT.id) is None
    code, _, err = run("review", "import", str(tmp_path / "missing.jsonl"), "--store", other)
    assert code == 2 and "missing.jsonl" in err


def test_rdf_export_with_judgements_imports_again_without_the_rejected(
        db: str, tmp_path: Path) -> None:
    _json("review", "merge", "Sputnik Serbia", "Sputnik International", "--store", db)
    shown = _json("show", VUCIC.name, "--store", db)
    [leads] = [r["id"] for r in shown["relations_out"] if r["predicate"] == "leads"]
    _json("review", "reject", leads, "--reason", "not stated", "--store", db)
    for fmt in ("ttl", "jsonld"):
        out_file = tmp_path / f"graph.{fmt}"
        code, _, err = run("export", "--format", fmt, "-o", str(out_file), "--store", db)
        assert code == 0, err
        text = out_file.read_text(encoding="utf-8")
        assert "wasAssociatedWith" in text and "Judgement" in text
        # the rejected relation is named only by the judgement that rejected it
        assert f"relation/{leads}> a ig:Relation" not in text
        other = str(tmp_path / f"from-{fmt}.db")
        code, _, err = run("import", str(out_file), "--store", other)
        assert code == 0, err
        before = SqliteStore(db).stats()
        after = SqliteStore(other).stats()
        # Vučić and Serbia stood only in the rejected relation: nothing brings them back
        assert after.relations == before.relations - 1 and after.entities == before.entities - 2
    code, _, _ = run("export", "--format", "csv", "--include-rejected", "-o",
                     str(tmp_path / "all.csv"), "--store", db)
    assert code == 0 and leads in (tmp_path / "all.csv").read_text(encoding="utf-8")
