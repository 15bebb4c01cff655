"""Fuzzing: schemathesis over the whole OpenAPI document, hypothesis over names and ingest.

The API run is bounded (``FUZZ_EXAMPLES`` per operation and phase) so the module finishes
in about two minutes on two cores; raise it with ``INFLUENCE_FUZZ_EXAMPLES`` for a longer
hunt. Nothing here may answer 5xx or raise anything but ``InputError``.
"""
from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from graph.errors import InputError
from graph.model import Document, Entity, Evidence, Triple
from graph.names import content_hash, entity_id, name_key

FUZZ_EXAMPLES = int(os.environ.get("INFLUENCE_FUZZ_EXAMPLES", "8"))

# ---------------------------------------------------------------- sample graph for the API run

RUSSIA = Entity.named("Russia", "Country", aliases=["Russian Federation"])
SPUTNIK = Entity.named("Sputnik Serbia", "MediaOutlet", aliases=["Sputnik"])
INFORMER = Entity.named("Informer", "MediaOutlet")
VUCIC = Entity.named("Aleksandar Vučić", "Person", aliases=["Vucic"])
SERBIA = Entity.named("Serbia", "Country")
HOSTILE = Entity.named("'); MATCH (n) DETACH DELETE n //", "Organization")


def _sample(text: str, title: str, rows: list[tuple[Entity, str, Entity, str]]
            ) -> tuple[Document, list[Triple]]:
    doc = Document(id=content_hash(text), title=title, url=f"https://example.org/{title}",
                   published=date(2024, 2, 1), length=len(text))
    triples = [Triple(subject=s, predicate=p, object=o,
                      evidence=Evidence(document_id=doc.id, sentence=sent, start=0,
                                        end=len(sent), date=doc.published, confidence=0.8))
               for s, p, o, sent in rows]
    return doc, triples


SAMPLE = [
    _sample("Russia funds Sputnik Serbia. Informer amplifies Sputnik Serbia.", "media", [
        (RUSSIA, "funds", SPUTNIK, "Russia funds Sputnik Serbia."),
        (INFORMER, "amplifies", SPUTNIK, "Informer amplifies Sputnik Serbia.")]),
    _sample("Aleksandar Vučić leads Serbia. A group funds Informer.", "politics", [
        (VUCIC, "leads", SERBIA, "Aleksandar Vučić leads Serbia."),
        (HOSTILE, "funds", INFORMER, "A group funds Informer.")]),
]


@pytest.fixture
def fuzz_app(tmp_path: Path) -> Iterator[object]:
    """Yield the app on an embedded store holding the sample graph (no API keys set)."""
    from graph.sqlite_store import SqliteStore

    store = SqliteStore(str(tmp_path / "fuzz.db"))
    for doc, triples in SAMPLE:
        store.upsert_document(doc, triples)
    app = create_app(Settings(store=str(tmp_path / "fuzz.db"), max_upload_bytes=256 * 1024),
                     store=store)
    with TestClient(app):  # runs the lifespan
        yield app
    store.close()


@pytest.fixture
def api_schema(fuzz_app: object) -> object:
    """Return the app's own OpenAPI document, loaded by schemathesis over ASGI."""
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    """Every operation of the OpenAPI document, fed generated (valid and invalid) input."""
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query or ''} -> {response.status_code}: "
        f"{response.text[:300]}")
    if response.status_code >= 400:
        assert "application/json" in response.headers.get("content-type", ""), response.text[:200]


# ---------------------------------------------------------------- names

NAMES = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Zs")),
                max_size=40)


def strip_marks(text: str) -> str:
    """Return ``text`` without combining marks (what a keyboard without accents types)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@given(NAMES)
@example("the the Kremlin")
@example("The Hague's")
@settings(max_examples=400, deadline=None)
def test_name_key_is_idempotent(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@given(NAMES)
@example("Kılıçdaroğlu")
@settings(max_examples=400, deadline=None)
def test_name_key_ignores_case(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(name)


@given(NAMES)
@settings(max_examples=400, deadline=None)
def test_name_key_ignores_combining_diacritics_and_normal_form(name: str) -> None:
    key = name_key(name)
    assert name_key(strip_marks(name)) == key
    assert name_key(unicodedata.normalize("NFC", name)) == key
    assert name_key(unicodedata.normalize("NFD", name)) == key


@pytest.mark.parametrize(("written", "typed"), [
    ("Aleksandar Vučić", "ALEKSANDAR VUCIC"),
    ("Milorad Dodik", "milorad  dodik"),
    ("Zoran Đinđić", "Zoran Dindic"),
    ("Lech Wałęsa", "Lech Walesa"),
    ("Kemal Kılıçdaroğlu", "KEMAL KILIÇDAROĞLU"),
    ("Søren Ørsted", "Soren Orsted"),
    ("the Kremlin", "Kremlin"),
    ("Gazprom’s", "Gazprom"),
])
def test_name_key_matches_what_people_type(written: str, typed: str) -> None:
    """Letters with strokes (Đ, ł, ø) and the Turkish dotless ı fold like accents do."""
    assert name_key(written) == name_key(typed)


@given(NAMES)
@settings(max_examples=400, deadline=None)
def test_entity_id_is_stable_short_and_url_safe(name: str) -> None:
    eid = entity_id(name)
    assert eid == entity_id(name)
    assert 0 < len(eid) <= 64
    assert not any(c in eid for c in " /?#%&\\\x00") and eid == eid.strip()
    assume(name_key(name))
    assert entity_id(name.upper()) == eid == entity_id(strip_marks(name))


@given(NAMES, NAMES)
@settings(max_examples=400, deadline=None)
def test_entity_ids_differ_when_keys_differ(a: str, b: str) -> None:
    assume(name_key(a) and name_key(b) and name_key(a) != name_key(b))
    assert entity_id(a) != entity_id(b)


def test_long_names_keep_distinct_ids() -> None:
    base = "Foundation for the Support of Independent Media " * 3
    assert entity_id(base + "East") != entity_id(base + "West")
    assert len(entity_id(base + "East")) <= 64


# ---------------------------------------------------------------- ingest of arbitrary input

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=400) | st.sampled_from([
    "", " ", "\x00", "\ufeff", "\u202e Russia funds Sputnik Serbia.",
    "Russia funds " + "Sputnik " * 200 + ".", "<script>alert(1)</script> Russia funds Serbia.",
    "'); MATCH (n) DETACH DELETE n // funds Serbia.",
])


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from graph.sqlite_store import SqliteStore

    store = SqliteStore(str(tmp_path_factory.mktemp("fuzz") / "ingest.db"))
    yield store
    store.close()


@given(text=ANY_TEXT, name=st.sampled_from(["doc.txt", "doc.md", "doc.html", "doc.jsonl",
                                            "doc.csv", "doc.pdf", "doc"]))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_ingest_of_any_text_raises_only_input_errors(fuzz_store: object, text: str,
                                                     name: str) -> None:
    from loaders.pipeline import ingest_upload

    try:
        stored = ingest_upload(fuzz_store, text.encode("utf-8", "surrogatepass"), name, None,  # type: ignore[arg-type]
                               Settings(max_upload_bytes=64 * 1024))
    except InputError:
        return
    for document, triples, _result in stored:
        assert all(t.evidence.document_id == document.id for t in triples)


CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(rows=st.lists(st.tuples(CELL, CELL, st.sampled_from(["funds", "owns", "praises", ""]),
                               CELL, st.sampled_from(["Country", "Person", "Planet", ""]),
                               CELL), min_size=1, max_size=5),
       header=st.booleans())
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_triple_csv_of_any_cells_raises_only_input_errors(fuzz_store: object,
                                                          rows: list[tuple[str, ...]],
                                                          header: bool) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(["subject", "subject_type", "predicate", "object", "object_type",
                         "evidence"])
    for s, st_, p, o, ot, ev in rows:
        writer.writerow([s, st_ or "Country", p, o, ot, ev])
    from loaders.pipeline import ingest_upload

    try:
        stored = ingest_upload(fuzz_store, buf.getvalue().encode("utf-8"), "links.csv",  # type: ignore[arg-type]
                               "text/csv", Settings())
    except InputError:
        return
    for _document, triples, _result in stored:
        for t in triples:
            assert t.predicate in {"funds", "owns"}
