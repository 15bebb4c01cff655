"""The ``influence`` command line, as a user runs it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

TRIPLES = (
    "subject,subject_type,predicate,object,object_type,source,date,evidence\n"
    "Russia,Country,funds,Sputnik Serbia,MediaOutlet,https://example.org/a,2023-03-01,"
    "Russia funds Sputnik Serbia through Rossiya Segodnya.\n"
    "Informer,MediaOutlet,amplifies,Sputnik Serbia,MediaOutlet,https://example.org/a,2023-03-01,"
    "Informer amplifies Sputnik Serbia.\n"
)
TEXT = ("Gazprom Neft owns a majority stake in NIS. Russia funds Sputnik Serbia. "
        "Aleksandar Vucic leads Serbia.\n")


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "links.csv").write_text(TRIPLES, encoding="utf-8")
    (d / "note.txt").write_text(TEXT, encoding="utf-8")
    return d


def test_stats_json_has_exactly_the_four_counts(db: str) -> None:
    from graph.sqlite_store import SqliteStore

    SqliteStore(db).close()
    code, out, _ = run("stats", "--store", db, "--json")
    assert code == 0
    assert json.loads(out) == {"documents": 0, "entities": 0, "relations": 0, "evidence": 0}


@pytest.mark.parametrize("command", [["stats"], ["export", "-f", "csv"], ["search", "x"],
                                     ["show", "Serbia"], ["rank"]])
def test_reading_a_store_that_is_not_there_is_exit_2_and_creates_nothing(
        tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "typo" / "mian.db"
    code, out, err = run(*command, "--store", str(typo))
    assert code == 2 and "mian.db: no store there" in err, (code, out, err)
    assert not typo.parent.exists()


def test_ingest_twice_gives_the_same_stats(db: str, folder: Path) -> None:
    code, out, _ = run("ingest", str(folder), "--store", db)
    assert code == 0, out
    first = json.loads(run("stats", "--store", db, "--json")[1])
    assert first["documents"] == 2 and first["relations"] >= 3
    assert run("ingest", str(folder), "--store", db)[0] == 0
    assert json.loads(run("stats", "--store", db, "--json")[1]) == first


def test_ingest_names_the_rejected_file_and_exits_2(db: str, folder: Path) -> None:
    bad = folder / "broken.csv"
    bad.write_text("subject,subject_type,predicate,object,object_type,source,date,evidence\n"
                   "Russia,Country,bribes,Informer,MediaOutlet,,,Russia bribes Informer.\n",
                   encoding="utf-8")
    code, out, err = run("ingest", str(folder), "--store", db)
    assert code == 2
    assert "broken.csv" in out + err and "bribes" in out + err
    stats = json.loads(run("stats", "--store", db, "--json")[1])
    assert stats["documents"] == 2  # the good files of the same batch are stored


def test_extract_of_a_triple_file_prints_its_triples_as_read(folder: Path) -> None:
    code, out, err = run("extract", str(folder / "links.csv"), "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert {(r["subject"]["name"], r["predicate"], r["object"]["name"]) for r in rows} == {
        ("Russia", "funds", "Sputnik Serbia"), ("Informer", "amplifies", "Sputnik Serbia")}


def test_a_broken_pdf_is_reported_once_by_name(db: str, tmp_path: Path) -> None:
    import random

    (tmp_path / "broken.pdf").write_bytes(b"\x12" + random.Random(7).randbytes(5000))
    import subprocess
    import sys

    # a real process: pypdf's warnings reach stderr there (pytest captures logging)
    done = subprocess.run([sys.executable, "-c", "from api.cli import app; app()", "ingest",
                           str(tmp_path / "broken.pdf"), "--store", db],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "broken.pdf" in done.stderr
    assert all("broken.pdf" in line for line in done.stderr.strip().splitlines()), done.stderr


def test_ingest_missing_path_exits_2(db: str, tmp_path: Path) -> None:
    code, out, err = run("ingest", str(tmp_path / "nope.txt"), "--store", db)
    assert code == 2 and "nope.txt" in out + err


def test_extract_json_prints_the_triples_and_stores_nothing(tmp_path: Path, db: str) -> None:
    doc = tmp_path / "article.txt"
    doc.write_text(TEXT, encoding="utf-8")
    code, out, _ = run("extract", str(doc), "--json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list) and rows
    assert all({"subject", "predicate", "object"} <= set(r) for r in rows)
    assert any(r["predicate"] == "owns" for r in rows)
    assert not Path(db).exists() or json.loads(run("stats", "--store", db, "--json")[1])[
        "documents"] == 0


def test_extract_table_without_json(tmp_path: Path) -> None:
    doc = tmp_path / "article.txt"
    doc.write_text(TEXT, encoding="utf-8")
    code, out, _ = run("extract", str(doc))
    assert code == 0 and "owns" in out


def test_extract_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    code, out, err = run("extract", str(tmp_path / "missing.txt"), "--json")
    assert code == 2 and "missing.txt" in err and "Traceback" not in out + err


def test_extract_of_a_folder_or_a_text_too_long_is_one_line_exit_2(tmp_path: Path) -> None:
    from loaders.extract import MAX_CHARS

    code, out, err = run("extract", str(tmp_path), "--json")
    assert code == 2 and "is a folder" in err and "Traceback" not in out + err
    huge = tmp_path / "huge.txt"
    huge.write_text("Serbia buys jets. " * (MAX_CHARS // 18 + 1), encoding="utf-8")
    code, out, err = run("extract", str(huge), "--json")
    assert code == 2 and "huge.txt" in err and "over the limit" in err, err[-500:]
    assert "Traceback" not in out + err


def test_paths_show_each_hop_with_its_sentence(db: str, folder: Path) -> None:
    run("ingest", str(folder / "links.csv"), "--store", db)
    code, out, _ = run("paths", "Russia", "Informer", "--store", db)
    assert code == 0, out
    assert "Russia funds Sputnik Serbia through Rossiya Segodnya." in out
    assert "Informer amplifies Sputnik Serbia." in out
    data = json.loads(run("paths", "Russia", "Informer", "--store", db, "--json")[1])
    assert [h["predicate"] for h in data["paths"][0]["hops"]] == ["funds", "amplifies"]


def test_unknown_entity_is_one_line_with_suggestions(db: str, folder: Path) -> None:
    run("ingest", str(folder / "links.csv"), "--store", db)
    code, out, err = run("show", "Rusia", "--store", db)
    assert code == 2 and "Traceback" not in out + err and err.strip()


def test_search_show_rank_export(db: str, folder: Path, tmp_path: Path) -> None:
    run("ingest", str(folder / "links.csv"), "--store", db)
    hits = json.loads(run("search", "sputnik", "--store", db, "--json")[1])
    assert hits[0]["name"] == "Sputnik Serbia"
    shown = json.loads(run("show", "Informer", "--store", db, "--json")[1])
    assert shown["relations_out"][0]["predicate"] == "amplifies"
    ranked = json.loads(run("rank", "--metric", "degree", "--store", db, "--json")[1])
    assert ranked["results"][0]["name"] == "Sputnik Serbia"
    target = tmp_path / "graph.ttl"
    assert run("export", "--format", "ttl", "-o", str(target), "--store", db)[0] == 0
    assert "Sputnik" in target.read_text(encoding="utf-8")


def test_export_then_import_round_trips(db: str, folder: Path, tmp_path: Path) -> None:
    run("ingest", str(folder / "links.csv"), "--store", db)
    target = tmp_path / "graph.ttl"
    run("export", "--format", "ttl", "-o", str(target), "--store", db)
    other = str(tmp_path / "other.db")
    code, out, err = run("import", str(target), "--store", other)
    assert code == 0, out + err
    assert json.loads(run("stats", "--store", other, "--json")[1])["relations"] == 2


def test_import_of_nothing_or_of_broken_rdf_is_one_clear_line_exit_2(db: str,
                                                                     tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    code, _, err = run("import", str(empty), "--store", db)
    assert code == 2 and "nothing imported" in err, err
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ig: <x> .\nthis is not turtle", encoding="utf-8")
    code, _, err = run("import", str(broken), "--store", db)
    assert code == 2 and err.count("broken.ttl") == 1, err


def test_export_or_draw_into_a_folder_is_exit_2_and_writes_nothing(
        db: str, folder: Path, tmp_path: Path) -> None:
    run("ingest", str(folder / "links.csv"), "--store", db)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run("export", "-f", "csv", "-o", str(out_dir), "--store", db)
    assert code == 2 and "is a folder" in err, err
    code, _, err = run("draw", "Russia", "-o", str(out_dir), "--store", db)
    assert code == 2 and "is a folder" in err, err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == ["out"]
    assert not any(out_dir.iterdir())


def test_bad_option_values_are_exit_2(db: str) -> None:
    assert run("paths", "a", "b", "--max-hops", "7", "--store", db)[0] == 2
    assert run("paths", "a", "b", "--mode", "sideways", "--store", db)[0] == 2
    assert run("export", "--format", "xls", "--store", db)[0] == 2


def test_unreachable_store_exits_3() -> None:
    code, out, err = run("stats", "--store", "bolt://127.0.0.1:9", "--json")
    assert code == 3 and "Traceback" not in out + err


def test_extract_needs_no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from loaders.pipeline import shared_nlp

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the network is disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    shared_nlp.cache_clear()  # the model is loaded afresh, offline
    doc = tmp_path / "article.txt"
    doc.write_text("Russia funds Sputnik Serbia. Aleksandar Vucic leads Serbia.\n", encoding="utf-8")
    code, out, err = run("extract", str(doc), "--json")
    assert code == 0, err
    assert {(r["subject"]["name"], r["predicate"]) for r in json.loads(out)} >= {
        ("Russia", "funds")}


def test_show_and_extract_say_former_beside_past_evidence(db: str, tmp_path: Path) -> None:
    note = tmp_path / "past.txt"
    note.write_text("Jane Roe headed Brightwater Holdings until 2019.", encoding="utf-8")
    [row] = json.loads(run("extract", str(note), "--json")[1])
    assert row["past"] is True and row["status"] == "asserted"
    assert "asserted, former" in run("extract", str(note))[1]
    assert run("ingest", str(note), "--store", db)[0] == 0
    code, out, _ = run("show", "Jane Roe", "--store", db)
    assert code == 0 and "(former)" in out  # the table wraps the sentence after it
