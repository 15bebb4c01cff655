"""RDF import: an export read back gives the same graph; plain triples are accepted; bad
files are InputErrors naming the file."""
from __future__ import annotations

import http.server
import threading
from datetime import date
from pathlib import Path

import pytest

from core.errors import InputError
from graph.export import export
from graph.model import Entity, Triple
from graph.rdf import rdf_to_documents
from graph.store import GraphStore
from tests.samples import (
    GOVERNMENT,
    INFORMER,
    RUSSIA,
    SERBIA,
    SPUTNIK,
    VUCIC,
    doc,
    report,
    triple,
)

HOSTILE = Entity.named('Odd "name" <with> \\ back\nslash', "Organization",
                       aliases=["Ünïcödé alias"], external_ids={"wikidata": "Q42"})
PREFIXES = """@prefix ig: <https://influence-graph.org/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
"""


def sample(store: GraphStore) -> None:
    """Store two documents with dates, offsets, attribution, a flagged and a symmetric
    relation, a past evidence, and a hostile entity."""
    d, ts = report("first", date(2023, 3, 1), [
        (RUSSIA, "funds", SPUTNIK), (INFORMER, "amplifies", SPUTNIK),
        (SERBIA, "negotiates_with", RUSSIA), (VUCIC, "leads", SERBIA)])
    store.upsert_document(d, ts)
    other = doc("second text", "second", date(2024, 1, 5), url="https://example.org/2?a=1&b=2")
    store.upsert_document(other, [
        triple(other, RUSSIA, "funds", SPUTNIK, "Moscow pays Sputnik.", confidence=0.6,
               attribution="an EU official"),
        triple(other, RUSSIA, "funds", INFORMER, "Russia does not fund Informer.",
               status="negated", start=30),
        triple(other, HOSTILE, "supports", GOVERNMENT, "The odd one backs the government.",
               start=70, when=date(2024, 1, 6)),
        _past(triple(other, VUCIC, "leads", SERBIA, "Vucic formerly led Serbia.", start=110))])


def _past(t: Triple) -> Triple:
    return t.model_copy(update={"evidence": t.evidence.model_copy(update={"past": True})})


def snapshot(store: GraphStore) -> dict[str, list[str]]:
    """Return everything in the store as sorted JSON strings, by kind."""
    return {
        "documents": sorted(d.model_dump_json() for d in store.iter_documents()),
        "entities": sorted(e.model_dump_json() for e in store.iter_entities()),
        "relations": sorted(r.model_dump_json() for r in store.iter_relations()),
        "evidence": sorted(e.model_dump_json() for e in store.iter_evidence()),
    }


def clear(store: GraphStore) -> None:
    for d in list(store.iter_documents()):
        store.remove_document(d.id)
    assert store.stats().entities == 0


def import_file(store: GraphStore, path: Path) -> int:
    n = 0
    for document, triples in rdf_to_documents(str(path)):
        store.upsert_document(document, triples)
        n += 1
    return n


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_export_then_import_gives_the_same_graph(store: GraphStore, tmp_path: Path,
                                                 fmt: str) -> None:
    sample(store)
    before = snapshot(store)
    assert sum('"past":true' in e for e in before["evidence"]) == 1
    stats = store.stats()
    path = tmp_path / f"graph.{fmt}"
    path.write_text("".join(export(store, fmt)), encoding="utf-8")
    assert "past" in path.read_text(encoding="utf-8")
    clear(store)
    assert import_file(store, path) == 2
    assert store.stats() == stats
    assert snapshot(store) == before


def test_other_rdf_syntaxes_of_the_export_import_too(store: GraphStore, tmp_path: Path) -> None:
    import rdflib

    sample(store)
    stats = store.stats()
    ttl = tmp_path / "graph.ttl"
    ttl.write_text("".join(export(store, "ttl")), encoding="utf-8")
    nt = tmp_path / "graph.nt"
    rdflib.Graph().parse(ttl, format="turtle").serialize(nt, format="nt")
    clear(store)
    import_file(store, nt)
    assert store.stats() == stats


def test_plain_triples_with_labels_and_types(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "plain.ttl"
    path.write_text(PREFIXES + """
ex:moscow a ig:Country ; rdfs:label "Russia" .
ex:rt a ig:MediaOutlet ; rdfs:label "RT" .
ex:party a ig:PoliticalParty ; rdfs:label "Party \\"X\\"" .
ex:moscow ig:funds ex:rt .
ex:rt ig:supports ex:party .
ex:rt rdfs:comment "not a relation" .
""", encoding="utf-8")
    [(document, triples)] = list(rdf_to_documents(str(path)))
    assert document.title == "plain.ttl"
    assert sorted((t.subject.name, t.predicate, t.object.name) for t in triples) == [
        ("RT", "supports", 'Party "X"'), ("Russia", "funds", "RT")]
    assert {t.subject.id for t in triples} == {RUSSIA.id, Entity.named("RT", "MediaOutlet").id}
    store.upsert_document(document, triples)
    assert store.stats().relations == 2 and store.stats().entities == 3
    again = list(rdf_to_documents(str(path)))
    store.upsert_document(*again[0])
    assert store.stats().evidence == 2  # importing the same file twice changes nothing


@pytest.mark.parametrize("body, words", [
    ("ex:a a ig:Country ; rdfs:label \"A\" .\nex:b a ig:Country ; rdfs:label \"B\" .\n"
     + "ex:a ig:bribes ex:b .", ["bribes"]),
    ("ex:a rdfs:label \"A\" .\nex:b a ig:Country ; rdfs:label \"B\" .\nex:a ig:funds ex:b .",
     ["rdf:type"]),
    ("ex:a ig:funds", ["not valid RDF"]),
    ("ex:a a ig:Country ; rdfs:label \"A\" .\nex:b a ig:Country ; rdfs:label \"B\" .\n"
     + "ex:r a ig:Relation ; ig:subject ex:a ; ig:predicate ig:funds ; ig:object ex:b ; "
     + "ig:evidence ex:e .\nex:e a ig:Evidence ; ig:sentence \"A funds B.\" ; "
     + "ig:past \"long ago\" .", ["bad past", "long ago"]),
])
def test_bad_rdf_is_an_input_error_naming_the_file(tmp_path: Path, body: str,
                                                   words: list[str]) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(rdf_to_documents(str(path)))
    assert str(path) in str(caught.value)
    for w in words:
        assert w in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        list(rdf_to_documents(str(tmp_path / "absent.ttl")))


@pytest.mark.parametrize("context", [
    '"http://127.0.0.1:{port}/ctx.jsonld"',
    '["http://127.0.0.1:{port}/ctx.jsonld", {{"ig": "https://example.org/"}}]',
    '{{"@import": "http://127.0.0.1:{port}/ctx.jsonld"}}',
])
def test_json_ld_with_a_remote_context_is_refused_without_fetching_it(
        tmp_path: Path, context: str) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            body = b'{"@context": {"name": "http://schema.org/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "remote.jsonld"
        ctx = context.format(port=server.server_address[1])
        path.write_text('{"@context": ' + ctx + ', "@id": "http://example.org/x", '
                        '"name": "X"}', encoding="utf-8")
        with pytest.raises(InputError, match="remote.jsonld: refused: .*remote context"):
            list(rdf_to_documents(str(path)))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
