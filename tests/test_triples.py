"""Triple files (CSV, TSV, JSON lines): validated against the ontology, row numbers in errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from api.settings import get_settings
from core.errors import InputError, TooLarge
from core.names import clean_name, content_hash, entity_id
from graph.store import GraphStore
from loaders.triples import read_triple_bytes, read_triple_file
from tests import hostile
from tests.hostile import TRIPLE_HEADER, triple_csv

GOOD = [
    ["Gazprom Neft", "Company", "owns", "NIS", "Company", "https://example.org/nis", "2023-02-02",
     "Gazprom Neft owns a majority stake in NIS."],
    ["Russia", "Country", "funds", "Sputnik Serbia", "MediaOutlet", "Reuters", "", ""],
]


def test_csv_rows_become_triples_of_one_document(tmp_path: Path) -> None:
    f = tmp_path / "links.csv"
    f.write_text(triple_csv(GOOD), encoding="utf-8")
    document, triples = read_triple_file(f)
    assert document.id == content_hash(f.read_bytes())
    assert document.title == "links.csv"
    first, second = triples
    assert (first.subject.id, first.predicate, first.object.id) == \
        (entity_id("Gazprom Neft"), "owns", entity_id("NIS"))
    assert first.subject.type == "Company" and first.object.name == "NIS"
    assert first.evidence.sentence == "Gazprom Neft owns a majority stake in NIS."
    assert str(first.evidence.date) == "2023-02-02"
    assert first.evidence.extractor == "csv" and first.evidence.confidence == 1.0
    assert first.evidence.status == "asserted" and first.evidence.document_id == document.id
    # An empty evidence cell gives "subject predicate object" from the source.
    assert second.evidence.sentence.startswith("Russia ")
    assert "Sputnik Serbia" in second.evidence.sentence and "Reuters" in second.evidence.sentence
    assert second.evidence.date is None


def test_optional_columns_and_tsv(tmp_path: Path) -> None:
    header = [*TRIPLE_HEADER, "confidence", "url", "title", "status", "attribution"]
    rows = [["Serbia", "Country", "sanctions", "Russia", "Country", "", "2022-03-01",
             "Serbia has not sanctioned Russia.", "0.4", "https://example.org/s", "Sanctions",
             "negated", "Aleksandar Vucic"]]
    tsv = triple_csv(rows, header).replace(",", "\t")
    document, [triple] = read_triple_bytes(tsv.encode(), "flags.tsv")
    assert document.title == "Sanctions" and document.url == "https://example.org/s"
    assert triple.evidence.confidence == 0.4 and triple.evidence.status == "negated"
    assert triple.evidence.attribution == "Aleksandar Vucic"


def test_json_lines_with_the_same_keys(tmp_path: Path) -> None:
    records = [dict(zip(TRIPLE_HEADER, row)) for row in GOOD]
    records[1]["confidence"] = 0.7  # type: ignore[assignment]
    del records[1]["date"]
    f = tmp_path / "links.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                 encoding="utf-8")
    document, triples = read_triple_file(f)
    assert [t.predicate for t in triples] == ["owns", "funds"]
    assert triples[1].evidence.confidence == 0.7 and triples[1].evidence.extractor == "jsonl"
    assert document.id == content_hash(f.read_bytes())


def test_bom_and_header_case_are_accepted() -> None:
    body = b"\xef\xbb\xbf" + triple_csv(GOOD[:1], [c.upper() for c in TRIPLE_HEADER]).encode()
    _, [triple] = read_triple_bytes(body, "bom.csv")
    assert triple.subject.name == "Gazprom Neft"


@pytest.mark.parametrize(("rows", "expected"), [
    ([GOOD[0], ["Russia", "Country", "bribes", "Serbia", "Country", "", "", ""]],
     ["row 3: unknown predicate 'bribes'", "known predicates: accuses"]),
    ([["Russia", "Nation", "funds", "Serbia", "Country", "", "", ""]],
     ["row 2: unknown subject_type 'Nation'", "known types:"]),
    ([GOOD[0], GOOD[1], ["Russia", "Country", "funds", "  ", "Country", "", "", ""]],
     ["row 4: empty object name"]),
    ([["Russia", "Country", "funds", "Serbia", "Country", "", "March 2023", ""]],
     ["row 2: bad date 'March 2023' (expected YYYY-MM-DD)"]),
    ([["Russia", "Country", "funds", "Serbia", "Country", "", "2023-02-30", ""]],
     ["row 2: bad date '2023-02-30'"]),
    ([["Russia", "Country", "funds", "Serbia", "Country", "", ""]],
     ["row 2: 7 cells where the header has 8"]),
    ([["Russia", "Country", "funds", "Serbia", "Country", "", "", "x" * 100_001]],
     ["row 2: evidence is over 100000 characters"]),
    ([["Russia", "Country", "funds", "S" * 10_001, "Country", "", "", ""]],
     ["row 2: object name over 10000 characters"]),
])
def test_bad_rows_are_listed_with_their_row_numbers(rows: list[list[str]],
                                                    expected: list[str]) -> None:
    with pytest.raises(InputError) as caught:
        read_triple_bytes(triple_csv(rows).encode(), "bad.csv")
    message = str(caught.value)
    assert message.startswith("bad.csv: ") and "nothing stored" in message
    for part in expected:
        assert part in message


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    rows = [["A", "Country", "bribes", "B", "Country", "", "", ""],
            ["C", "Countri", "funds", "", "Country", "", "soon", ""],
            GOOD[0]]
    with pytest.raises(InputError) as caught:
        read_triple_bytes(triple_csv(rows).encode(), "many.csv")
    message = str(caught.value)
    assert "4 problem(s)" in message
    for part in ("row 2: unknown predicate", "row 3: unknown subject_type 'Countri'",
                 "row 3: empty object name", "row 3: bad date 'soon'"):
        assert part in message


def test_confidence_and_status_are_checked() -> None:
    header = [*TRIPLE_HEADER, "confidence", "status"]
    rows = [["A", "Country", "funds", "B", "Country", "", "", "", "1.5", ""],
            ["A", "Country", "funds", "B", "Country", "", "", "", "high", "rumoured"]]
    with pytest.raises(InputError) as caught:
        read_triple_bytes(triple_csv(rows, header).encode(), "conf.csv")
    message = str(caught.value)
    assert "row 2: confidence '1.5'" in message and "row 3: confidence 'high'" in message
    assert "row 3: unknown status 'rumoured'" in message


@pytest.mark.parametrize(("body", "expected"), [
    (('{"subject": "A", "subject_type": "Country", "predicate": "funds", "object": "B", '
      '"object_type": "Country"}\n{"subject": "A",\n'), "line 2: not valid JSON"),
    ('{"subject": "A", "predicate": "funds", "object": "B", "object_type": "Country"}\n',
     "line 1: missing key(s) subject_type"),
    ('\n\n["not", "an", "object"]\n', "line 3: not a JSON object"),
    (('{"subject": "A", "subject_type": "Country", "predicate": "funds", "object": {"x": 1}, '
      '"object_type": "Country"}\n'), "line 1: object is not text"),
    ("[" * 100_000 + "\n", "line 1:"),
])
def test_bad_json_lines_are_named_by_line(body: str, expected: str) -> None:
    with pytest.raises(InputError, match="bad.jsonl: ") as caught:
        read_triple_bytes(body.encode(), "bad.jsonl")
    assert expected in str(caught.value)


def test_hostile_triple_files_are_rejected_naming_file_and_row(tmp_path: Path) -> None:
    for path, expected in hostile.rejected_triple_files(tmp_path).items():
        with pytest.raises(InputError) as caught:
            read_triple_file(path)
        assert str(path) in str(caught.value) and expected in str(caught.value)


def test_empty_and_header_only_files_are_rejected() -> None:
    with pytest.raises(InputError, match="e.csv: empty"):
        read_triple_bytes(b"", "e.csv")
    with pytest.raises(InputError, match="h.csv: no rows after the header"):
        read_triple_bytes(triple_csv([]).encode(), "h.csv")


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFLUENCE_MAX_UPLOAD_BYTES", "100")
    f = tmp_path / "big.csv"
    f.write_text(triple_csv(GOOD), encoding="utf-8")
    with pytest.raises(TooLarge, match=r"big\.csv: .*over the limit of 100 bytes"):
        read_triple_file(f, get_settings())  # the environment is read at the edge


def test_hostile_names_are_kept_literally(tmp_path: Path) -> None:
    _, triples = read_triple_file(hostile.hostile_names_csv(tmp_path))
    names = [t.subject.name for t in triples]
    assert names == [clean_name(n) for n in hostile.HOSTILE_NAMES.values()]
    by_kind = dict(zip(hostile.HOSTILE_NAMES, names))
    assert by_kind["cypher"] == "'); MATCH (n) DETACH DELETE n //"
    assert by_kind["script"] == "<script>alert('pwned')</script>"
    assert by_kind["control"] == "NulBellEsc[31mRed"
    assert len(by_kind["long"]) == len(clean_name(hostile.HOSTILE_NAMES["long"])) > 9_000
    assert triples[0].evidence.sentence == f"{hostile.HOSTILE_NAMES['quotes']} supports Serbia."


def test_hostile_names_round_trip_through_the_store(store: GraphStore, tmp_path: Path) -> None:
    document, triples = read_triple_file(hostile.hostile_names_csv(tmp_path))
    store.upsert_document(document, triples)
    for t in triples:
        stored = store.get_entity(t.subject.id)
        assert stored is not None and stored.name == t.subject.name
    assert store.stats().relations == len(hostile.HOSTILE_NAMES)


# Property tests: arbitrary text in names and evidence is read back or rejected cleanly.

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=TEXT, obj=TEXT, evidence=TEXT, date=st.one_of(st.just(""), TEXT))
def test_csv_round_trips_any_text_or_rejects_it(subject: str, obj: str, evidence: str,
                                                date: str) -> None:
    body = triple_csv([[subject, "Person", "leads", obj, "Organization", "", date, evidence]])
    try:
        _, [triple] = read_triple_bytes(body.encode("utf-8"), "prop.csv")
    except InputError as exc:
        assert str(exc).startswith("prop.csv: ")
        return
    assert triple.subject.name == clean_name(subject) != ""
    assert triple.object.name == clean_name(obj) != ""
    if evidence.strip():
        assert triple.evidence.sentence.strip()


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=TEXT, obj=TEXT, evidence=TEXT,
       confidence=st.one_of(st.none(), st.floats(allow_nan=True), TEXT),
       extra=st.dictionaries(TEXT, st.one_of(st.none(), st.integers(), TEXT), max_size=3))
def test_jsonl_round_trips_any_text_or_rejects_it(subject: str, obj: str, evidence: str,
                                                  confidence: object,
                                                  extra: dict[str, object]) -> None:
    record = {**extra, "subject": subject, "subject_type": "Person", "predicate": "leads",
              "object": obj, "object_type": "Organization", "evidence": evidence,
              "confidence": confidence}
    body = json.dumps(record, ensure_ascii=False)
    try:
        _, [triple] = read_triple_bytes(body.encode("utf-8"), "prop.jsonl")
    except InputError as exc:
        assert str(exc).startswith("prop.jsonl: ")
        return
    assert triple.subject.name == clean_name(subject) != ""
    assert triple.object.name == clean_name(obj) != ""
    assert 0.0 <= triple.evidence.confidence <= 1.0


@pytest.mark.parametrize("value, want", [
    ("2023-01-02", "2023-01-02"), ("2023-01-02T10:00:00", "2023-01-02"),
    ("2023-01-02T10:00:00.5+02:00", "2023-01-02"), (" 2023-01-02 10:00Z ", "2023-01-02"),
    ("2023-01-02xyz", None), ("2023-01-02T10:00:00 garbage", None), ("2023-13-01", None),
    ("02/01/2023", None)])
def test_dates_are_a_day_or_an_iso_datetime_and_nothing_more(value: str,
                                                             want: str | None) -> None:
    from loaders.text import parse_date

    if want is None:
        with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
            parse_date(value)
    else:
        got = parse_date(value)
        assert got is not None and got.isoformat() == want


def test_zero_width_characters_are_no_name() -> None:
    """A zero-width space or word joiner is removed from names (a name of only those is
    empty); the joiners Persian and Indic names need are kept."""
    assert clean_name("\u200b\u200e\u2060\ufeff") == ""
    assert clean_name("Nis\u200b Petrol") == "Nis Petrol"
    assert clean_name("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == \
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    with pytest.raises(InputError, match="empty object name"):
        read_triple_bytes((",".join(TRIPLE_HEADER) + "\nRussia,Country,funds,\u200b\u200e,"
                           "Organization,,,Russia funds someone.\n").encode(), "zw.csv")
