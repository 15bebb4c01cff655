"""Every export format parses with the standard reader of that format, and hostile text
stays data."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from core.errors import InputError
from graph.export import FORMATS, content_type, export
from graph.model import Entity
from graph.store import GraphStore
from tests.samples import (
    GAZPROM_NEFT,
    GOVERNMENT,
    INFORMER,
    NIS,
    RUSSIA,
    SPUTNIK,
    VUCIC,
    doc,
    report,
    triple,
)

HOSTILE = Entity.named('Evil "<script>alert(1)</script>" & Co\']]> {x} \\ ;', "Company",
                       aliases=["=HYPERLINK(\"http://x\")", "tab\there", "line\nbreak"])
SENTENCE = 'He said "</edge><node id=\'x\'/>" & more\r\n\\u0000 <![CDATA[x]]> \x0b end.'


def sample(store: GraphStore) -> None:
    """Store a small graph with a hostile name, a hostile sentence and a flagged relation."""
    d, ts = report("sample", date(2024, 2, 1), [
        (RUSSIA, "funds", SPUTNIK), (INFORMER, "amplifies", SPUTNIK),
        (GAZPROM_NEFT, "owns", NIS), (VUCIC, "leads", GOVERNMENT),
        (VUCIC, "member_of", GOVERNMENT), (RUSSIA, "negotiates_with", GOVERNMENT)])
    store.upsert_document(d, ts)
    hostile_doc = doc("hostile text", 'Title <b>"&"</b>', date(2024, 3, 1),
                      url="https://example.org/?a=1&b=<2>")
    store.upsert_document(hostile_doc, [
        triple(hostile_doc, HOSTILE, "funds", INFORMER, SENTENCE, attribution='<i>"x"</i>'),
        triple(hostile_doc, RUSSIA, "funds", INFORMER, "Russia does not fund Informer.",
               status="negated", start=200)])


def text(store: GraphStore, fmt: str) -> str:
    return "".join(export(store, fmt))


def test_turtle_and_jsonld_parse_to_the_same_graph(store: GraphStore) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    sample(store)
    ttl = rdflib.Graph().parse(data=text(store, "ttl"), format="turtle")
    jsonld = rdflib.Graph().parse(data=text(store, "jsonld"), format="json-ld")
    assert len(ttl) > 50 and isomorphic(ttl, jsonld)
    labels = {str(o) for o in ttl.objects(None, rdflib.RDFS.label)}
    assert HOSTILE.name in labels
    assert SENTENCE in {str(o) for o in ttl.objects(
        None, rdflib.URIRef("https://influence-graph.org/ontology#sentence"))}


def test_turtle_states_asserted_relations_directly_and_reifies_all(store: GraphStore) -> None:
    import rdflib

    sample(store)
    g = rdflib.Graph().parse(data=text(store, "ttl"), format="turtle")
    ig = rdflib.Namespace("https://influence-graph.org/ontology#")
    ent = rdflib.Namespace("https://influence-graph.org/id/entity/")
    assert (ent[RUSSIA.id], ig.funds, ent[SPUTNIK.id]) in g
    assert (ent[RUSSIA.id], ig.funds, ent[INFORMER.id]) not in g  # negated: no direct triple
    assert (ent[RUSSIA.id], rdflib.RDF.type, ig.Country) in g
    assert (ent[SPUTNIK.id], rdflib.namespace.SKOS.altLabel, rdflib.Literal("Sputnik")) in g
    relations = set(g.subjects(rdflib.RDF.type, ig.Relation))
    assert len(relations) == store.stats().relations
    statuses = {str(g.value(r, ig.statementStatus)) for r in relations}
    assert statuses == {"asserted", "negated"}
    assert len(set(g.subjects(rdflib.RDF.type, ig.Evidence))) == store.stats().evidence
    assert len(list(g.triples((None, ig.evidence, None)))) == store.stats().evidence


def test_graphml_loads_in_networkx(store: GraphStore, tmp_path: Path) -> None:
    import networkx as nx

    sample(store)
    path = tmp_path / "g.graphml"
    path.write_text(text(store, "graphml"), encoding="utf-8")
    g = nx.read_graphml(path)
    stats = store.stats()
    assert g.number_of_nodes() == stats.entities and g.number_of_edges() == stats.relations
    assert g.nodes[HOSTILE.id]["name"] == HOSTILE.name
    assert g.nodes[RUSSIA.id]["type"] == "Country"
    edges = [d for _, _, d in g.edges(data=True)]
    assert {d["predicate"] for d in edges} >= {"funds", "amplifies", "owns"}
    assert all(0.0 <= d["confidence"] <= 1.0 for d in edges)


def test_gexf_loads_in_networkx(store: GraphStore, tmp_path: Path) -> None:
    import networkx as nx

    sample(store)
    path = tmp_path / "g.gexf"
    path.write_text(text(store, "gexf"), encoding="utf-8")
    g = nx.read_gexf(path)
    stats = store.stats()
    assert g.number_of_nodes() == stats.entities and g.number_of_edges() == stats.relations
    assert g.nodes[HOSTILE.id]["label"] == HOSTILE.name
    assert g.nodes[SPUTNIK.id]["type"] == "MediaOutlet"
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"funds", "leads", "member_of"}


def test_ftm_lines_are_valid_followthemoney_entities(store: GraphStore) -> None:
    from followthemoney import model

    sample(store)
    proxies = [model.get_proxy(json.loads(line), cleaned=False)
               for line in text(store, "ftm").splitlines()]
    by_id = {p.id: p for p in proxies}
    for p in proxies:
        assert model.get_proxy(p.to_dict()).to_dict() == p.to_dict()
        for prop in p.iterprops():
            if prop.type.name == "entity":
                assert all(v in by_id for v in p.get(prop)), (p.schema.name, prop.name)
    schemas = {p.schema.name for p in proxies}
    assert {"PublicBody", "Organization", "Company", "Person"} <= schemas
    assert {"Payment", "Ownership", "Directorship", "Membership", "UnknownLink"} <= schemas
    ownership = next(p for p in proxies if p.schema.name == "Ownership")
    assert ownership.get("owner") == [GAZPROM_NEFT.id] and ownership.get("asset") == [NIS.id]
    payments = [p for p in proxies if p.schema.name == "Payment"]
    assert {(p.first("payer"), p.first("beneficiary")) for p in payments} == {
        (RUSSIA.id, SPUTNIK.id), (HOSTILE.id, INFORMER.id)}  # the negated one is left out
    hostile = by_id[HOSTILE.id]
    assert hostile.first("name") == HOSTILE.name


def test_csv_has_one_row_per_relation_with_best_evidence(store: GraphStore) -> None:
    sample(store)
    rows = list(csv.DictReader(io.StringIO(text(store, "csv"))))
    assert len(rows) == store.stats().relations
    hostile = next(r for r in rows if r["subject_id"] == HOSTILE.id)
    assert hostile["subject"] == HOSTILE.name and hostile["sentence"] == SENTENCE
    assert hostile["document_title"] == 'Title <b>"&"</b>'
    negated = next(r for r in rows if r["status"] == "negated")
    assert negated["sentence"] == "Russia does not fund Informer."
    funds = next(r for r in rows if r["subject"] == "Russia" and r["object"] == "Sputnik Serbia")
    assert funds["predicate"] == "funds" and float(funds["confidence"]) == pytest.approx(0.9)


def test_csv_neutralizes_spreadsheet_formulas(store: GraphStore) -> None:
    formula = Entity.named("=cmd|' /C calc'!A0", "Organization")
    d, ts = report("formula", None, [(formula, "funds", RUSSIA)])
    store.upsert_document(d, ts)
    rows = list(csv.DictReader(io.StringIO(text(store, "csv"))))
    assert rows[0]["subject"] == "'" + formula.name


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_store_exports_a_valid_empty_document(store: GraphStore, fmt: str,
                                                    tmp_path: Path) -> None:
    out = text(store, fmt)
    if fmt == "graphml":
        import networkx as nx

        (tmp_path / "e.graphml").write_text(out, encoding="utf-8")
        assert nx.read_graphml(tmp_path / "e.graphml").number_of_nodes() == 0
    elif fmt == "gexf":
        import networkx as nx

        (tmp_path / "e.gexf").write_text(out, encoding="utf-8")
        assert nx.read_gexf(tmp_path / "e.gexf").number_of_nodes() == 0
    elif fmt == "jsonld":
        assert json.loads(out)["@graph"] == []
    elif fmt == "csv":
        assert out.splitlines()[0].startswith("relation_id,")
    elif fmt == "ftm":
        assert out == ""
    assert content_type(fmt)


def test_unknown_format_is_an_input_error_before_reading(store: GraphStore) -> None:
    with pytest.raises(InputError):
        export(store, "xls")
    with pytest.raises(InputError):
        content_type("xls")


def test_export_streams_in_chunks(store: GraphStore) -> None:
    many = [Entity.named(f"Outlet number {i}", "MediaOutlet") for i in range(400)]
    d, ts = report("many", None, [(RUSSIA, "funds", o) for o in many])
    store.upsert_document(d, ts)
    chunks = list(export(store, "ttl"))
    assert len(chunks) > 1 and all(chunks)
