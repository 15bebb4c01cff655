"""The ontology: every core name exists with its annotations, the gazetteer resolves known
actors, SHACL rejects relations whose ends contradict a predicate's domain or range."""
from __future__ import annotations

import re

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from core.errors import InputError
from core.names import entity_id
from ontology import get_ontology, load
from tests.conftest import ROOT, SHARED

IG = Namespace("https://influence-graph.org/ontology#")
E = Namespace("https://influence-graph.org/id/entity/")


def _core_tables() -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """Return (types, [(predicate, family, influence, polarity)]) of shared/ontology-core.md."""
    text = (SHARED / "ontology-core.md").read_text(encoding="utf-8")
    types_part, preds_part = text.split("## Predicates", 1)
    types = re.findall(r"^\| (\w+) \|", types_part.split("## Entity types", 1)[1], re.MULTILINE)
    preds = re.findall(r"^\| (\w+) \| (\w+) \| (\w+) \| ([+\-0]) \|", preds_part, re.MULTILINE)
    return [t for t in types if t != "type"], preds


def test_every_core_type_and_predicate_exists_with_its_direction_and_polarity() -> None:
    onto = get_ontology()
    types, preds = _core_tables()
    assert len(types) == 11 and len(preds) == 23
    for t in types:
        info = onto.type(t)
        assert info.color.startswith("#") and info.shape and info.ftm_schema, t
    for name, family, influence, polarity in preds:
        p = onto.predicate(name)
        assert (p.family, p.influence, p.polarity) == (family, influence, polarity), name
        assert p.label and p.definition and p.cues and p.ftm_schema, name


def test_symmetric_predicates_are_owl_symmetric() -> None:
    onto = get_ontology()
    symmetric = {n for n, p in onto.predicates.items() if p.symmetric}
    assert symmetric == {"negotiates_with", "meets_with", "allied_with"}
    assert (IG.allied_with, RDF.type, URIRef("http://www.w3.org/2002/07/owl#SymmetricProperty")) \
        in onto.graph


def test_domains_and_ranges_expand_along_the_class_hierarchy() -> None:
    onto = get_ontology()
    assert onto.predicate("leads").domain == ("Person",)
    assert "MediaOutlet" in onto.predicate("leads").range
    assert "Person" not in onto.predicate("leads").range
    assert onto.predicate("buys").range == ("Asset",)
    assert onto.is_a("MediaOutlet", "Organization") and not onto.is_a("Person", "Organization")


def test_ftm_and_wikidata_mappings_name_real_schemata() -> None:
    from followthemoney import model

    onto = get_ontology()
    for p in onto.predicates.values():
        assert model.get(p.ftm_schema) is not None, p.name
        assert p.wikidata is None or re.fullmatch(r"P\d+", p.wikidata), p.name
    for t in onto.types.values():
        assert model.get(t.ftm_schema) is not None, t.name
    assert onto.predicate("owns").ftm_schema == "Ownership"
    assert onto.predicate("member_of").wikidata == "P463"


def test_unknown_names_raise_input_errors_listing_the_known_ones() -> None:
    onto = get_ontology()
    with pytest.raises(InputError, match="known predicates: .*funds"):
        onto.predicate("bribes")
    with pytest.raises(InputError, match="Person"):
        onto.type("Alien")


@pytest.mark.parametrize(("text", "actor_id"), [
    ("Moscow", "russia"), ("the Kremlin", "russia"), ("Kremlin", "russia"), ("Russian", "russia"),
    ("Belgrade", "serbia"), ("Serbian", "serbia"), ("Republic of Serbia", "serbia"),
    ("Kosovo", "kosovo"), ("Pristina", "kosovo"), ("U.S.", "united-states"),
    ("American", "united-states"), ("Beijing", "china"), ("EU", "european-union"),
    ("the European Union", "european-union"), ("NATO", "nato"),
    ("International Criminal Court", "international-criminal-court"), ("UN", "united-nations"),
    ("OSCE", "osce"), ("the West", "west"), ("Western countries", "west"),
    ("RUSSIA", "russia"), ("Zagreb", "croatia"),
])
def test_gazetteer_resolves_names_demonyms_and_metonyms(text: str, actor_id: str) -> None:
    actor = get_ontology().actor_for(text)
    assert actor is not None and actor.id == actor_id


def test_gazetteer_covers_every_country_with_codes_and_wikidata() -> None:
    onto = get_ontology()
    countries = [a for a in onto.actors if a.type == "Country"]
    assert len(countries) >= 240
    serbia = onto.actor("serbia")
    assert serbia is not None and (serbia.iso2, serbia.iso3, serbia.wikidata) == ("RS", "SRB", "Q403")
    kosovo = onto.actor("kosovo")
    assert kosovo is not None and kosovo.wikidata == "Q1246"
    assert onto.actor_for("Ministry of Truth") is None
    assert onto.actor_for("x" * 10_000) is None


def test_actor_iris_are_the_entity_ids_of_their_names() -> None:
    g = get_ontology().graph
    for node, label in g.subject_objects(SKOS.prefLabel):
        if str(node).startswith(str(E)):
            assert str(node) == str(E) + entity_id(str(label)), label


def test_generated_gazetteer_is_what_the_generator_writes() -> None:
    pytest.importorskip("countryinfo")
    from ontology.build_gazetteer import build

    committed = Graph().parse(ROOT / "ontology" / "gazetteer.ttl")
    assert set(build()) == set(committed), "run: python -m ontology.build_gazetteer"


def _relation(g: Graph, rid: str, s: str, s_type: str, p: str, o: str, o_type: str) -> None:
    rel = URIRef(f"https://influence-graph.org/id/relation/{rid}")
    g.add((rel, RDF.type, IG.Relation))
    g.add((rel, IG.subject, E[s]))
    g.add((rel, IG.predicate, IG[p]))
    g.add((rel, IG.object, E[o]))
    g.add((rel, IG.confidence, Literal("0.8", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    g.add((E[s], RDF.type, IG[s_type]))
    g.add((E[o], RDF.type, IG[o_type]))


def _validate(data: Graph) -> tuple[bool, str]:
    from ontology import check_shapes

    return check_shapes(data)


def test_shacl_accepts_relations_within_domain_and_range() -> None:
    data = Graph()
    _relation(data, "r1", "aleksandar-vucic", "Person", "leads", "serbia", "Country")
    _relation(data, "r2", "serbia", "Country", "buys", "fighter-jets", "Asset")
    _relation(data, "r3", "informer", "MediaOutlet", "amplifies", "russia", "Country")
    conforms, text = _validate(data)
    assert conforms, text


@pytest.mark.parametrize(("s_type", "p", "o_type", "why"), [
    ("Country", "leads", "Country", "domain"),
    ("Person", "leads", "Person", "range"),
    ("Country", "buys", "Country", "range"),
    ("Asset", "funds", "Country", "domain"),
    ("Person", "member_of", "Asset", "range"),
])
def test_shacl_rejects_relations_contradicting_domain_or_range(s_type: str, p: str,
                                                                o_type: str, why: str) -> None:
    data = Graph()
    _relation(data, "bad", "a", s_type, p, "b", o_type)
    conforms, text = _validate(data)
    assert not conforms
    assert f"contradicts the {why}" in text


def test_shacl_rejects_unknown_predicates_and_untyped_ends() -> None:
    data = Graph()
    _relation(data, "bad", "a", "Person", "leads", "b", "Country")
    data.remove((None, IG.predicate, None))
    data.add((URIRef("https://influence-graph.org/id/relation/bad"), IG.predicate, IG.bribes))
    data.remove((E.b, RDF.type, None))
    conforms, text = _validate(data)
    assert not conforms
    assert "has no entity type" in text and "is not a predicate of the ontology" in text


def test_load_reads_any_directory_with_the_same_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    for name in ("core.ttl", "gazetteer.ttl", "actors.ttl", "shapes.ttl"):
        shutil.copy(ROOT / "ontology" / name, tmp_path / name)
    with (tmp_path / "core.ttl").open("a", encoding="utf-8") as f:
        f.write('\nig:bribes a owl:ObjectProperty, ig:InfluencePredicate ; rdfs:label "bribes"@en ;'
                ' ig:family "finance" ; ig:influence "forward" ; ig:polarity "-" ; ig:cue "bribe" .\n')
    onto = load(tmp_path)
    assert onto.predicate("bribes").influence == "forward"


def test_ner_labels_map_to_types() -> None:
    labels = get_ontology().ner_labels
    assert labels["PERSON"] == "Person" and labels["GPE"] == "Country"
    assert labels["ORG"] == "Organization" and "DATE" not in labels
