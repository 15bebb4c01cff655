"""Extraction: sentences in, typed triples with status, attribution and evidence out."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import InputError
from loaders import extract
from loaders.extract import (
    BATCH_SIZE,
    EXTRACTOR,
    extract_documents,
    extract_source,
    load_nlp,
    triples_json,
)
from loaders.evaluation import strip_source_line
from loaders.source import SourceDocument
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"
OWN_EVAL = Path(__file__).resolve().parent / "eval"

Row = tuple[str, str, str, str]
# Levels reached (issue 18), kept by the evaluation tests below.
SHARED_MIN_PRECISION, SHARED_MIN_RECALL = 0.95, 0.74
OWN_MIN_PRECISION, OWN_MIN_RECALL = 0.93, 0.74


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def facts(nlp: Any, text: str) -> set[Row]:
    """Return (subject, predicate, object, status) of every triple of ``text``."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {(t.subject.name, t.predicate, t.object.name, t.evidence.status) for t in triples}


def asserted(nlp: Any, text: str) -> set[tuple[str, str, str]]:
    return {(s, p, o) for s, p, o, status in facts(nlp, text) if status == "asserted"}


# ---------------------------------------------------------------- patterns


@pytest.mark.parametrize("text, expected", [
    ("Sputnik Serbia was funded by Russia.", {("Russia", "funds", "Sputnik Serbia")}),
    ("Gazprom Neft, which controls NIS, reported record profits.",
     {("Gazprom Neft", "controls", "NIS")}),
    ("Russia invests in universities and political parties.",
     {("Russia", "funds", "universities"), ("Russia", "funds", "political parties")}),
    ("Russia's invasion of Ukraine began in 2022.", {("Russia", "attacks", "Ukraine")}),
    ("Moscow's meddling in Serbia threatens the process.", {("Russia", "influences", "Serbia")}),
    ("The talks between Serbia and Kosovo resumed in Brussels.",
     {("Serbia", "negotiates_with", "Kosovo")}),
    ("Serbia surpassed NATO member Croatia in military spending.",
     {("Croatia", "member_of", "NATO")}),
    ("Ivana Stradner, an analyst at the Foundation for Defense of Democracies, spoke on Monday.",
     {("Ivana Stradner", "member_of", "Foundation for Defense of Democracies")}),
    ("Charlotte Lawson is a reporter at The Dispatch.",
     {("Charlotte Lawson", "member_of", "Dispatch")}),
    ("China delivered drones to Serbia.", {("China", "supplies", "Serbia")}),
    ("Gazprom Neft owns a majority stake in NIS.", {("Gazprom Neft", "owns", "NIS")}),
])
def test_dependency_patterns_give_the_expected_triples(nlp: Any, text: str,
                                                       expected: set[tuple[str, str, str]]) -> None:
    assert asserted(nlp, text) == expected


def test_titles_give_leads_and_verbs_their_own_triples(nlp: Any) -> None:
    got = asserted(nlp, "Serbian President Aleksandar Vučić met Josep Borrell in Brussels.")
    assert got == {("Aleksandar Vučić", "leads", "Serbia"),
                   ("Aleksandar Vučić", "meets_with", "Josep Borrell")}
    got = asserted(nlp, "Kosovo Prime Minister Albin Kurti criticized the Serbian government.")
    assert got == {("Albin Kurti", "leads", "Kosovo"),
                   ("Albin Kurti", "criticizes", "Serbian government")}


def test_participle_clause_and_metonymy(nlp: Any) -> None:
    got = asserted(nlp, "The country's media outlets, largely controlled by the Serbian "
                        "government, amplify Kremlin talking points.")
    assert got == {("Serbian government", "controls", "media outlets"),
                   ("media outlets", "amplifies", "Russia")}


def test_demonym_on_bought_goods_names_the_supplier(nlp: Any) -> None:
    got = asserted(nlp, "Serbia bought Russian fighter jets.")
    assert got == {("Serbia", "buys", "fighter jets"), ("Russia", "supplies", "Serbia")}


def test_types_come_from_the_gazetteer_and_head_nouns(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(
        text="Serbia bought Russian fighter jets. The Kremlin invested in political parties."), nlp)
    types = {e.name: e.type for t in triples for e in (t.subject, t.object)}
    assert types == {"Serbia": "Country", "Russia": "Country", "fighter jets": "Asset",
                     "political parties": "PoliticalParty"}


# ---------------------------------------------------------------- modality and attribution


@pytest.mark.parametrize("text, expected", [
    ("Serbia does not recognize Kosovo.", ("Serbia", "recognizes", "Kosovo", "negated")),
    ("Aleksandar Vučić has not and will not sign anything with Kosovo.",
     ("Aleksandar Vučić", "negotiates_with", "Kosovo", "negated")),
    ("Serbia might attack Kosovo.", ("Serbia", "attacks", "Kosovo", "hypothetical")),
    ("If Russia invades Moldova, the European Union will respond.",
     ("Russia", "attacks", "Moldova", "hypothetical")),
    ("Russia is preparing to invade Moldova.", ("Russia", "attacks", "Moldova", "hypothetical")),
    ("Serbia wants to join the European Union.",
     ("Serbia", "member_of", "European Union", "refused")),
    ("Russia reportedly funds Sputnik Serbia.", ("Russia", "funds", "Sputnik Serbia", "alleged")),
])
def test_statements_that_are_not_facts_are_flagged(nlp: Any, text: str, expected: Row) -> None:
    assert facts(nlp, text) == {expected}


def test_refused_verb_flags_its_clause_but_not_the_noun_phrase(nlp: Any) -> None:
    got = facts(nlp, "Serbia has been reluctant to join Western sanctions targeting Moscow.")
    assert got == {("Serbia", "sanctions", "Russia", "refused"),
                   ("the West", "sanctions", "Russia", "asserted")}


@pytest.mark.parametrize("text, expected", [
    ("Kestrel Bank attempted to fund the Tarn Party.",
     ("Kestrel Bank", "funds", "Tarn Party", "refused")),
    ("Russia tried to influence the Tarn Party.",
     ("Russia", "influences", "Tarn Party", "asserted")),
    ("Ivan Petrov tried to sway the vote in favour of Qatar.",
     ("Ivan Petrov", "supports", "Qatar", "asserted")),
])
def test_an_attempt_is_no_fact_unless_the_predicate_holds_in_trying(nlp: Any, text: str,
                                                                     expected: Row) -> None:
    assert expected in facts(nlp, text)


def test_seeking_someones_support_is_not_their_support(nlp: Any) -> None:
    assert not {r for r in facts(nlp, "The Tarn Party sought the support of Russia.")
                if r[3] == "asserted"}


def test_reported_claims_carry_their_speaker(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(
        text="Josep Borrell said that Russia funds Sputnik Serbia."), nlp)
    assert [(t.subject.name, t.predicate, t.object.name, t.evidence.status,
             t.evidence.attribution) for t in triples] == [
        ("Russia", "funds", "Sputnik Serbia", "asserted", "Josep Borrell")]


def test_flags_reach_the_json_the_scorer_reads(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(text="Serbia might attack Kosovo."), nlp)
    [row] = triples_json(triples)
    assert row["status"] == "hypothetical" and row["hypothetical"] is True
    assert row["asserted"] is False and row["negated"] is False
    assert row["subject"] == {"id": "serbia", "name": "Serbia", "type": "Country",
                              "aliases": []}


def test_accusations_are_alleged_not_established(nlp: Any) -> None:
    got = facts(nlp, "Czech intelligence accused Russia of funding a news site, Voice of Europe.")
    assert got == {("Czech intelligence", "accuses", "Russia", "asserted"),
                   ("Russia", "funds", "Voice of Europe", "alleged")}


def test_buying_from_a_seller_names_the_supplier(nlp: Any) -> None:
    got = asserted(nlp, "Ankara bought S-400 air defence systems from Russia in 2017.")
    assert got == {("Türkiye", "buys", "S-400 air defence systems"),
                   ("Russia", "supplies", "Türkiye")}


def test_talks_between_two_parties_ignore_the_venue(nlp: Any) -> None:
    got = asserted(nlp, "Turkey hosted talks between Russia and Ukraine in Istanbul in March 2022.")
    assert got == {("Russia", "negotiates_with", "Ukraine")}


def test_acronyms_and_anaphora_resolve_to_the_named_company(nlp: Any) -> None:
    text = ("Adriatic Energy Holding (AEH) is a Croatian energy company. It was founded in 1998 "
            "by the businessman Marko Horvat. The company operates the Omisalj gas terminal. "
            "In 2012 AEH was acquired by Gazprom Neft, which has controlled the company since.")
    got = asserted(nlp, text)
    assert {("Marko Horvat", "founded", "Adriatic Energy Holding"),
            ("Gazprom Neft", "owns", "Adriatic Energy Holding"),
            ("Gazprom Neft", "controls", "Adriatic Energy Holding")} <= got
    assert all("AEH" not in (s, o) for s, _, o in got)


def test_short_form_of_an_organization_resolves_to_its_full_name(nlp: Any) -> None:
    text = ("The Wagner Group is a Russian private military company. The United Nations "
            "accused Wagner of killing civilians in Moura.")
    _, triples = extract_source(SourceDocument(text=text), nlp)
    [t] = [t for t in triples if t.predicate == "accuses"]
    assert t.object.name == "Wagner Group" and "Wagner" in t.object.aliases


def test_a_concessive_clause_keeps_its_own_status(nlp: Any) -> None:
    got = facts(nlp, "Russia has not acknowledged the group, although Putin admitted that "
                     "Russia had funded the Wagner Group.")
    assert ("Russia", "funds", "Wagner Group", "asserted") in got


def test_a_title_makes_its_holder_a_person(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(
        text="Dmitry Kiselyov, the director general of Rossiya Segodnya, was sanctioned by "
             "the EU in 2014."), nlp)
    got = {(t.subject.name, t.subject.type, t.predicate, t.object.name) for t in triples}
    assert ("Dmitry Kiselyov", "Person", "leads", "Rossiya Segodnya") in got
    assert ("European Union", "InternationalOrganization", "sanctions", "Dmitry Kiselyov") in got


@pytest.mark.parametrize("text, expected", [
    ("Serbia and Russia signed an agreement on energy cooperation.",
     {("Serbia", "negotiates_with", "Russia")}),
    ("Lukashenko is a close ally of Putin.", {("Lukashenko", "allied_with", "Putin")}),
    ("Hungary and Serbia are close partners of China in Europe.",
     {("Hungary", "allied_with", "China"), ("Serbia", "allied_with", "China")}),
    (("Promsvyazbank was designated for being owned or controlled by the Government of the "
      "Russian Federation."),
     {("Government of the Russian Federation", "owns", "Promsvyazbank"),
      ("Government of the Russian Federation", "controls", "Promsvyazbank")}),
    ("Belarus allowed Russian troops to use its territory to invade Ukraine.",
     {("Russian troops", "attacks", "Ukraine")}),
])
def test_coordination_copulas_and_control(nlp: Any, text: str,
                                          expected: set[tuple[str, str, str]]) -> None:
    assert asserted(nlp, text) == expected


# ---------------------------------------------------------------- evidence and chrome


def test_evidence_points_at_the_sentence_in_the_document(nlp: Any) -> None:
    text = "Skip to content\nShare this article\n\nAfter talks, China delivered drones to Serbia. " \
           "Nothing else happened here."
    src = SourceDocument(text=text, published=dt.date(2023, 3, 20), url="https://example.org/a")
    document, triples = extract_source(src, nlp)
    [t] = triples
    e = t.evidence
    assert document.id == src.id and e.document_id == src.id
    assert text[e.start:e.end] == e.sentence == "After talks, China delivered drones to Serbia."
    assert e.date == dt.date(2023, 3, 20) and e.extractor == EXTRACTOR
    assert 0.5 <= e.confidence <= 0.95 and e.page is None


def test_page_numbers_come_from_the_source(nlp: Any) -> None:
    text = "Introduction to the report.\nChina delivered drones to Serbia in 2020."
    src = SourceDocument(text=text, pages=((0, 1), (28, 2)))
    _, [t] = extract_source(src, nlp)
    assert t.evidence.page == 2


def test_page_chrome_gives_no_triples(nlp: Any) -> None:
    chrome = ("Skip to content\nGo to my account\nShare with a friend\n"
              "Please note that we at The Dispatch hold ourselves to a higher standard.\n"
              "https://twitter.com/someone/status/1637688516946583552\n")
    assert facts(nlp, chrome) == set()


# ---------------------------------------------------------------- streaming and loading


class PipeOnly:
    """A pipeline that can only be used through ``pipe``: one call per document fails."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.batch_sizes: list[int] = []

    def pipe(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.batch_sizes.append(kwargs.get("batch_size", 0))
        return self.nlp.pipe(*args, **kwargs)

    def __call__(self, text: str) -> Any:
        raise AssertionError("extraction called nlp() per document instead of nlp.pipe")


def test_documents_stream_lazily_through_pipe(nlp: Any) -> None:
    consumed: list[int] = []

    def sources() -> Iterator[SourceDocument]:
        for i in range(40):
            consumed.append(i)
            yield SourceDocument(text=f"Report {i}: China delivered drones to Serbia.",
                                 title=f"r{i}")

    pipe = PipeOnly(nlp)
    stream = extract_documents(sources(), pipe)
    document, triples = next(stream)
    assert document.title == "r0" and triples
    assert len(consumed) <= 2 * BATCH_SIZE < 40
    rest = list(stream)
    assert [d.title for d, _ in rest] == [f"r{i}" for i in range(1, 40)]
    assert len(consumed) == 40 and pipe.batch_sizes == [BATCH_SIZE]


def test_unknown_model_falls_back_to_the_offline_package() -> None:
    nlp = load_nlp("no_such_spacy_model_xyz")
    assert "parser" in nlp.pipe_names and "newline_sentences" in nlp.pipe_names


def test_missing_models_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "FALLBACK_MODEL", "no_such_fallback_model_xyz")
    with pytest.raises(InputError, match="pip install"):
        load_nlp("no_such_spacy_model_xyz")


# ---------------------------------------------------------------- names the model does not know


@pytest.mark.parametrize("text, name", [
    ("NIS funds the football club Red Star Belgrade.", "Red Star Belgrade"),
    ("Gazprom sponsors the football club Dinamo Moscow.", "Dinamo Moscow"),
    ("Lukoil funds the basketball team Partizan Belgrade.", "Partizan Belgrade"),
    ("Gazprom Neft sponsors Red Star Belgrade and Partizan Belgrade.", "Red Star Belgrade"),
    ("Russia supports Night Wolves Serbia.", "Night Wolves Serbia"),
])
def test_a_place_inside_a_longer_name_stays_in_it(nlp: Any, text: str, name: str) -> None:
    got = facts(nlp, text)
    objects = {o for _, _, o, _ in got}
    assert not objects & {"Serbia", "Russia"}, got  # never "funds Belgrade"
    assert name in objects, got


def test_a_proper_name_holding_a_country_name_is_an_organization(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(text="Russia funds Sputnik Serbia."), nlp)
    assert {(t.subject.name, t.predicate, t.object.name, t.object.type)
            for t in triples} == {("Russia", "funds", "Sputnik Serbia", "Organization")}


@pytest.mark.parametrize("text, expected", [
    ("Hungary funds Republika Srpska.", ("Hungary", "funds", "Republika Srpska")),
    ("Informer is a tabloid. Informer amplifies Sputnik Serbia. Readers trust Informer.",
     ("Informer", "amplifies", "Sputnik Serbia")),
    ("Russia funds Sputnik Serbia through the news agency Rossiya Segodnya.",
     ("Russia", "funds", "Sputnik Serbia")),
])
def test_plain_name_verb_name_sentences_the_parser_misreads(nlp: Any, text: str,
                                                            expected: tuple[str, str, str]) -> None:
    assert expected in asserted(nlp, text)


def test_a_person_tagged_name_ending_in_a_company_noun_is_a_company(nlp: Any) -> None:
    _, triples = extract_source(SourceDocument(text="Zijin Mining owns the copper mine in Bor."),
                                nlp)
    assert {(t.subject.name, t.subject.type, t.predicate) for t in triples} == {
        ("Zijin Mining", "Company", "owns")}


def test_an_unknown_two_word_name_leading_something_is_a_person(nlp: Any) -> None:
    text = "Milorad Dodik leads the Alliance of Independent Social Democrats."
    _, triples = extract_source(SourceDocument(text=text), nlp)
    assert {(t.subject.name, t.subject.type, t.predicate) for t in triples} == {
        ("Milorad Dodik", "Person", "leads")}
    _, triples = extract_source(SourceDocument(text="The Wagner Group leads the assault."), nlp)
    assert all(t.subject.type != "Person" for t in triples)


def test_types_survive_verbs_read_as_nouns_and_first_names_alone(nlp: Any) -> None:
    text = ("Milorad Dodik leads Republika Srpska. The United States sanctions Milorad Dodik. "
            "Charlotte Lawson is a reporter at The Dispatch. When Charlotte is not "
            "reporting, she writes.")
    _, triples = extract_source(SourceDocument(text=text), nlp)
    types = {e.name: e.type for t in triples for e in (t.subject, t.object)}
    assert types.get("Milorad Dodik") == "Person", types  # not an Event ("sanctions Dodik")
    assert types.get("Republika Srpska") not in {None, "Person"}, types
    assert types.get("Charlotte Lawson") == "Person", types


def test_an_entity_span_running_over_a_verb_is_two_names(nlp: Any) -> None:
    got = asserted(nlp, "Lukoil controls Lukoil Montenegro. The European Union sanctions Lukoil.")
    assert ("European Union", "sanctions", "Lukoil") in got, got


def test_a_word_written_like_an_acronym_is_a_name(nlp: Any) -> None:
    got = asserted(nlp, "IN4S amplifies the narratives of the Serbian Orthodox Church.")
    assert got == {("IN4S", "amplifies", "Serbian Orthodox Church")}, got


@pytest.mark.parametrize("text, expected", [
    ("Kosovo Online amplifies Serbian government narratives.",
     ("Kosovo Online", "amplifies", "Serbian government")),
    ("The Chinese embassy funds Confucius Institute Belgrade.",
     ("Chinese embassy", "funds", "Confucius Institute Belgrade")),
])
def test_word_order_fallback_with_typed_phrases(nlp: Any, text: str,
                                                expected: tuple[str, str, str]) -> None:
    assert expected in asserted(nlp, text)


@pytest.mark.parametrize("text, status", [
    ("In 2023, Hungary funds Republika Srpska.", "asserted"),
    ("Analysts say that Hungary funds Republika Srpska.", "asserted"),
    ("If Russia wins, Hungary funds Republika Srpska.", None),
    ("Analysts fear that Hungary funds Republika Srpska.", None),
])
def test_word_order_fallback_after_an_opening_phrase(nlp: Any, text: str,
                                                     status: str | None) -> None:
    got = {(s, p, o) for s, p, o, st in facts(nlp, text) if st == "asserted"}
    assert (("Hungary", "funds", "Republika Srpska") in got) == (status == "asserted"), got


def test_surface_pattern_leaves_a_name_that_begins_another_clause(nlp: Any) -> None:
    got = asserted(nlp, "EU funds Serbia received last year went to roads.")
    assert ("European Union", "funds", "Serbia") not in got, got


@pytest.mark.parametrize("text, expected", [
    ("RT Balkan amplifies the narratives of the Russian government.",
     ("RT Balkan", "amplifies", "Russian government")),
    ("Sputnik Serbia amplifies Kremlin narratives about the war in Ukraine.",
     ("Sputnik Serbia", "amplifies", "Russia")),
    ("Analysts say that Informer often republishes stories from Sputnik Serbia.",
     ("Informer", "amplifies", "Sputnik Serbia")),
])
def test_content_nouns_stand_for_their_producer(nlp: Any, text: str,
                                                expected: tuple[str, str, str]) -> None:
    assert expected in asserted(nlp, text)


def test_content_noun_without_a_producer_gives_nothing(nlp: Any) -> None:
    assert asserted(nlp, "The tabloid spreads disinformation about Ukraine.") == set()


def test_a_demonym_names_the_producer_but_anti_x_does_not(nlp: Any) -> None:
    assert ("Sputnik Serbia", "amplifies", "Russia") in asserted(
        nlp, "Sputnik Serbia spreads Russian propaganda.")
    got = asserted(nlp, "Informer spreads anti-Western and pro-Russian messages.")
    assert not {f for f in got if f[1] == "amplifies" and f[2] == "the West"}, got
    # what the prefixes say of the outlet that spreads the messages
    assert ("Informer", "opposes", "the West") in got


def test_word_order_fallback_takes_coordinated_objects(nlp: Any) -> None:
    got = asserted(nlp, "The Kremlin funds Sputnik Serbia and RT Balkan.")
    assert {("Russia", "funds", "Sputnik Serbia"), ("Russia", "funds", "RT Balkan")} <= got


def test_predicate_roles_come_from_the_ontology() -> None:
    from loaders.vocab import governed_statuses, predicates_with

    assert predicates_with("objectRole", "goods") == ("buys",)
    assert predicates_with("subjectRole", "supplier") == ("supplies",)
    assert governed_statuses()["accuse"] == "alleged"
    source = (ROOT / "loaders" / "extract.py").read_text(encoding="utf-8")
    assert '"buys"' not in source and '"supplies"' not in source and '"accuses"' not in source


def test_selling_a_stake_ends_ownership(nlp: Any) -> None:
    got = facts(nlp, "Lukoil sold its stake in Beopetrol.")
    assert ("Lukoil", "owns", "Beopetrol", "asserted") not in got, got
    assert ("Lukoil", "owns", "Beopetrol", "negated") in got, got
    assert ("Gazprom Neft", "owns", "NIS") in asserted(
        nlp, "Gazprom Neft holds a majority stake in NIS.")


def test_goods_bought_from_a_country_name_their_supplier(nlp: Any) -> None:
    got = asserted(nlp, "Serbia bought Russian fighter jets.")
    assert ("Russia", "supplies", "Serbia") in got, got


def test_a_state_verb_with_a_partner_preposition_is_symmetric(nlp: Any) -> None:
    got = asserted(nlp, "Viktor Orban is allied with Aleksandar Vucic.")
    assert {(s, p, o) for s, p, o in got if p == "allied_with"} == {
        ("Viktor Orban", "allied_with", "Aleksandar Vucic")}


def test_an_organization_name_with_and_before_head_nouns_stays_whole(nlp: Any) -> None:
    got = asserted(nlp, "The Central European Press and Media Foundation controls hundreds "
                        "of pro-government outlets in Hungary.")
    assert ("Central European Press and Media Foundation", "controls",
            "pro-government outlets") in got, got


def test_a_company_tagged_as_a_person_takes_its_parent_name_type(nlp: Any) -> None:
    text = ("Gazprom controls Gazprom Neft. The United States sanctions Gazprom Neft. "
            "Gazprom Neft owns a majority stake in NIS.")
    _, triples = extract_source(SourceDocument(text=text), nlp)
    got = {(t.subject.name, t.predicate, t.object.name) for t in triples}
    assert ("United States", "sanctions", "Gazprom Neft") in got, got
    assert all(t.object.type != "Person" for t in triples if t.object.name == "Gazprom Neft")
    assert "Neft" not in {t.object.name for t in triples} | {t.subject.name for t in triples}


def test_an_organization_noun_of_a_name_is_one_name(nlp: Any) -> None:
    got = asserted(nlp, "The Export-Import Bank of China funds the Budapest-Belgrade railway.")
    assert got == {("Export-Import Bank of China", "funds", "Budapest-Belgrade railway")}, got


def test_a_place_modifying_the_object_is_not_the_object(nlp: Any) -> None:
    got = asserted(nlp, "Hungary funds the Budapest-Belgrade railway.")
    assert ("Hungary", "funds", "Budapest-Belgrade railway") in got, got
    assert all(o not in {"Hungary", "Serbia"} for _, _, o in got), got


def test_goods_with_a_possessive_pronoun_are_still_goods(nlp: Any) -> None:
    got = asserted(nlp, "Slovakia imports most of its gas from Russia.")
    assert {("Slovakia", "buys", "gas"), ("Russia", "supplies", "Slovakia")} <= got, got


def test_a_noun_saying_between_whom_is_not_anaphoric(nlp: Any) -> None:
    got = asserted(nlp, "The European Union mediates the dialogue between Serbia and Kosovo.")
    assert ("European Union", "mediates", "dialogue") in got, got


# ---------------------------------------------------------------- quality


def _score(nlp: Any, docs: Path, gold: Path, out: Path) -> dict[str, float]:
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_EVAL / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    total: dict[str, float] = {"tp": 0, "fp": 0, "fn": 0, "traps": 0}
    # the first line "Source: URL" says where a document was captured; it is not text
    sources = [SourceDocument(text=strip_source_line(p.read_bytes()).decode("utf-8"),
                              title=p.stem) for p in sorted(docs.glob("*.txt"))]
    for document, triples in extract_documents(sources, nlp):
        path = out / f"{document.title}.json"
        path.write_text(json.dumps(triples_json(triples), default=str), encoding="utf-8")
        result = score.score_doc(json.loads((gold / path.name).read_text(encoding="utf-8")),
                                 score.load_predictions(path))
        for key in total:
            total[key] += result[key]
    total["precision"] = total["tp"] / max(1, total["tp"] + total["fp"])
    total["recall"] = total["tp"] / max(1, total["tp"] + total["fn"])
    return total


needs_shared = pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(),
                                  reason="shared/eval is not beside the checkout")


@needs_shared
def test_shared_sample_scores_above_the_targets(nlp: Any, tmp_path: Path) -> None:
    got = _score(nlp, SHARED_EVAL / "docs", SHARED_EVAL / "gold", tmp_path)
    assert got["traps"] == 0, got
    # Issue 18's target on the eleven shared documents is precision >= 0.85, recall >= 0.70,
    # no trap; it holds (0.969 / 0.744 at the end of session 11, 0.977 / 0.768 in session 12)
    # and this test keeps it,
    # with the floors near the level reached rather than at the target.
    assert got["precision"] >= SHARED_MIN_PRECISION and got["recall"] >= SHARED_MIN_RECALL, got


@needs_shared
def test_own_annotated_documents_score_above_thresholds(nlp: Any, tmp_path: Path) -> None:
    got = _score(nlp, OWN_EVAL / "docs", OWN_EVAL / "gold", tmp_path)
    assert got["traps"] == 0, got
    # The level reached on the tuning set, stated as such: 16 documents, 0.966 / 0.785 at
    # the end of session 11; four documents written by another hand were added in session 12
    # (first contact 0.898 / 0.676 over the 20) and worked on (0.947 / 0.748); four more
    # (first contact 0.944 / 0.705 over the 24), then 0.951 / 0.765.
    assert got["precision"] >= OWN_MIN_PRECISION and got["recall"] >= OWN_MIN_RECALL, got


def test_a_long_document_is_read_in_pieces_with_the_same_triples(
        nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model reads at most PIECE_CHARS at once (its memory grows ~1 GB per 100,000
    characters read together); the pieces are joined into one Doc, so the triples, their
    offsets and the names resolved across the document are those of reading it whole."""
    ex = extract
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    src = SourceDocument(text="\n\n".join(texts * 2), title="long")

    def read(piece: int) -> list[tuple[Any, ...]]:
        monkeypatch.setattr(ex, "PIECE_CHARS", piece)
        _, triples = next(ex.extract_documents([src], nlp))
        for t in triples:
            assert src.text[t.evidence.start:t.evidence.end] == t.evidence.sentence
        return sorted((t.subject.id, t.predicate, t.object.id, t.evidence.start,
                       t.evidence.status) for t in triples)

    pieces = ex.text_pieces(src.text, 1200)
    assert "".join(pieces) == src.text and len(pieces) > 3
    assert max(map(len, pieces)) <= 1200
    whole = read(10**9)
    assert whole and read(1200) == whole


def test_an_unpunctuated_run_over_the_evidence_limit_is_skipped_not_fatal(nlp: Any) -> None:
    junk = "word " * 5000 + ". Russia funds Sputnik Serbia."
    _, triples = extract_source(SourceDocument(text=junk), nlp)
    assert [(t.subject.name, t.predicate, t.object.name) for t in triples] == [
        ("Russia", "funds", "Sputnik Serbia")]


def test_a_name_hundreds_of_words_long_is_read_in_bounded_work(nlp: Any) -> None:
    from loaders.mentions import MAX_ACTOR_TOKENS, MentionIndex
    from ontology import get_ontology

    doc = nlp("Russia funds " + " ".join(["Zorbak"] * 300) + " Group.")
    calls = 0
    onto = get_ontology()
    original = onto.actor_for

    def counting(text: str) -> Any:
        nonlocal calls
        calls += 1
        return original(text)

    onto.actor_for = counting  # type: ignore[method-assign]
    try:
        MentionIndex(doc, onto)
    finally:
        del onto.actor_for
    assert calls < 310 * MAX_ACTOR_TOKENS * 3  # linear in the name's length, not cubic


# ---------------------------------------------------------------- issue 18 classes
# Invented sentences: other names and other wording than the evaluation documents.


def entities(nlp: Any, text: str) -> dict[str, Any]:
    """Return the entities of every triple of ``text`` by name."""
    _, triples = extract_source(SourceDocument(text=text), nlp)
    return {e.name: e for t in triples for e in (t.subject, t.object)}


def test_office_of_a_department_and_its_acronym_are_one_known_body(nlp: Any) -> None:
    text = ("On Monday the U.S. Department of the Treasury's Office of Foreign Assets Control "
            "(OFAC) designated Halvard Minerals. OFAC also sanctioned Brisk Line Ltd.")
    got = asserted(nlp, text)
    assert ("U.S. Department of the Treasury", "sanctions", "Halvard Minerals") in got
    assert ("U.S. Department of the Treasury", "sanctions", "Brisk Line Ltd.") in got
    assert not any(s in {"U.S. Department", "Foreign Assets Control", "OFAC"} for s, _, _ in got)


def test_an_unknown_body_keeps_its_full_name_with_the_acronym_as_alias(nlp: Any) -> None:
    text = ("The Ruritanian Export Control Bureau (RECB) funds the Varga Institute. "
            "The RECB also funds Tessaly Radio.")
    got = asserted(nlp, text)
    assert ("Ruritanian Export Control Bureau", "funds", "Varga Institute") in got
    assert ("Ruritanian Export Control Bureau", "funds", "Tessaly Radio") in got
    assert "RECB" in entities(nlp, text)["Ruritanian Export Control Bureau"].aliases


def test_a_hyphenated_acronym_is_an_alias_never_an_entity_of_its_own(nlp: Any) -> None:
    text = ("Kelso Freight smuggled fuel for the Northern Liberation Front-Coastal Command "
            "(NLF-CC). Kelso Freight funds the NLF-CC.")
    got = asserted(nlp, text)
    assert ("Kelso Freight", "funds", "Northern Liberation Front-Coastal Command") in got
    assert not any(o in {"CC", "NLF"} for _, _, o in got)


def test_a_name_in_parentheses_after_a_full_name_is_its_short_form(nlp: Any) -> None:
    text = ("Torvald Ansgar Brekke (Brekke) leads Nordvik Capital AS (Nordvik). "
            "Nordvik funds the Baltic Heritage Forum.")
    got = asserted(nlp, text)
    assert ("Torvald Ansgar Brekke", "leads", "Nordvik Capital AS") in got
    assert ("Nordvik Capital AS", "funds", "Baltic Heritage Forum") in got


def test_ministry_and_department_names_are_not_cut_at_of(nlp: Any) -> None:
    got = asserted(nlp, "The Ministry of Defense of Carpathia funds the Orel Volunteer Corps.")
    assert {s for s, _, _ in got} == {"Ministry of Defense of Carpathia"}
    got = asserted(nlp, "The Government of Moldova criticizes the Tiras Foundation.")
    assert ("Government of Moldova", "criticizes", "Tiras Foundation") in got


def test_names_broken_across_wrapped_lines_are_whole(nlp: Any) -> None:
    text = ("WASHINGTON - Today the Department of State sanctioned three officials of the\n"
            "Valdorian customs service - Anton Petrov Velichkov (Velichkov), Ilka\n"
            "Marova Stensen (Stensen), and Dusan Karel Hovorka (Hovorka) - for their roles\n"
            "in a smuggling network that moved fuel across the border for many years and\n"
            "paid officials in several ministries to look away from the shipments.\n")
    got = asserted(nlp, text)
    for name in ("Anton Petrov Velichkov", "Ilka Marova Stensen", "Dusan Karel Hovorka"):
        assert ("U.S. Department of State", "sanctions", name) in got
    _, triples = extract_source(SourceDocument(text=text), nlp)
    for t in triples:  # evidence is the text as written, line breaks kept
        assert text[t.evidence.start:t.evidence.end] == t.evidence.sentence


def test_agentless_designations_take_the_designating_body(nlp: Any) -> None:
    text = ("Today, OFAC is designating two firms. Marsh Line Shipping is being designated "
            "pursuant to E.O. 14024 for operating in the maritime sector. Among those "
            "designated is also Pell Harbor Trading. The designation of Corvin Air follows.")
    got = asserted(nlp, text)
    for name in ("Marsh Line Shipping", "Pell Harbor Trading", "Corvin Air"):
        assert ("U.S. Department of the Treasury", "sanctions", name) in got, name


def test_an_agentless_designation_without_an_earlier_agent_gives_nothing(nlp: Any) -> None:
    assert asserted(nlp, "Marsh Line Shipping was designated for operating in the port.") == set()


def test_listing_language_names_every_designee(nlp: Any) -> None:
    text = ("The Council adopted restrictive measures against four individuals. The new "
            "listings include other persons: Arvid Holm, the deputy head of the port "
            "authority, Lena Sarris, a customs officer, and Pavo Ilic. The sanctioned "
            "individuals are Mirela Dunca and Oskar Vell.")
    got = asserted(nlp, text)
    for name in ("Arvid Holm", "Lena Sarris", "Pavo Ilic", "Mirela Dunca", "Oskar Vell"):
        assert ("Council of the European Union", "sanctions", name) in got, name


def test_a_body_issuing_a_designating_decision_is_the_agent(nlp: Any) -> None:
    text = ("The State Department issued an order that designates the local branches of "
            "Tidewater Post and Harbor Daily as foreign missions.")
    got = asserted(nlp, text)
    assert ("U.S. Department of State", "sanctions", "Tidewater Post") in got
    assert ("U.S. Department of State", "sanctions", "Harbor Daily") in got


def test_parallel_sanctions_by_several_states(nlp: Any) -> None:
    got = asserted(nlp, "The United Kingdom and Australia also sanctioned Corvin Air.")
    assert {("United Kingdom", "sanctions", "Corvin Air"),
            ("Australia", "sanctions", "Corvin Air")} <= got


def test_designation_reasons_give_ownership_and_support(nlp: Any) -> None:
    text = ("Today OFAC designated Brisk Line Ltd. Halvard Minerals is being designated "
            "for being owned or controlled by, directly or indirectly, Brisk Line Ltd. "
            "Corvin Air is being designated for having materially assisted, sponsored, or "
            "provided financial support for the Sarn Militia.")
    got = asserted(nlp, text)
    assert ("Brisk Line Ltd.", "controls", "Halvard Minerals") in got
    assert ("Corvin Air", "supports", "Sarn Militia") in got


def test_a_conditional_threat_of_measures_is_not_a_sanction(nlp: Any) -> None:
    text = ("The Council adopted restrictive measures against Tarn Holdings. The Council "
            "stands ready to take further restrictive measures against the Sarn Militia if "
            "it blocks the talks.")
    got = facts(nlp, text)
    assert ("Council of the European Union", "sanctions", "Sarn Militia", "asserted") not in got
    assert ("Council of the European Union", "sanctions", "Tarn Holdings", "asserted") in got


def test_roles_through_relative_clauses_and_coordination(nlp: Any) -> None:
    text = ("The measures target Ilvo Marsk, who is the governor of the Orel Region. "
            "They also target Tana Vesk, the deputy president of the Orel Assembly.")
    got = asserted(nlp, text)
    assert ("Ilvo Marsk", "leads", "Orel Region") in got
    assert ("Tana Vesk", "member_of", "Orel Assembly") in got
    assert not any(s == "Tana Vesk" and p == "leads" for s, p, _ in got)


def test_titles_are_not_part_of_a_persons_name(nlp: Any) -> None:
    got = asserted(nlp, "MEP Ilka Varde met with Ambassador Tomas Renn in Vienna.")
    assert {s for s, _, _ in got} | {o for _, _, o in got} >= {"Ilka Varde", "Tomas Renn"}


def test_copula_and_definite_description_refer_back_and_citations_make_no_names(
        nlp: Any) -> None:
    text = ("Kestrel Media is a news group owned by Hungary.[2] The group funds the Orel "
            "Institute.[3][4] Its founder, Ilvo Marsk, criticizes Austria.[edit]")
    got = asserted(nlp, text)
    assert ("Hungary", "owns", "Kestrel Media") in got
    assert ("Kestrel Media", "funds", "Orel Institute") in got
    assert not any(ch.isdigit() for s, _, o in got for ch in s + o)


def test_names_ner_cut_after_of_or_at_a_prefix_are_whole(nlp: Any) -> None:
    got = asserted(nlp, "The Anti-Corruption League criticizes Tessaly Radio. Tessaly Radio "
                        "is run by Islamic Republic of Iran Broadcasting.")
    assert ("Anti-Corruption League", "criticizes", "Tessaly Radio") in got
    assert ("Islamic Republic of Iran Broadcasting", "controls", "Tessaly Radio") in got


def test_its_with_two_organizations_before_it_stays_unresolved(nlp: Any) -> None:
    got = asserted(nlp, "The Council also sanctioned Ivo Dren, an adviser to the Sarn Militia "
                        "leadership who manages its purchases of drones.")
    assert not any(s == "Council of the European Union" and p == "buys" for s, p, _ in got)


def test_a_role_held_in_a_place_is_not_a_role_of_the_place(nlp: Any) -> None:
    got = asserted(nlp, "Tarek Wali, a Sarn Militia field commander in North Kordofan, met "
                        "Ivo Dren.")
    assert not any(o == "North Kordofan" for _, _, o in got)


@pytest.mark.parametrize("text, expected", [
    ("Tarek Wali, the owner of Brisk Line Ltd, met Ivo Dren.",
     ("Tarek Wali", "owns", "Brisk Line Ltd")),
    ("Brisk Line Ltd is a front company for the Sarn Militia.",
     ("Sarn Militia", "controls", "Brisk Line Ltd")),
    ("Yevgen Tarko, who has been described as the financier of the Sarn Militia, met Ivo Dren.",
     ("Yevgen Tarko", "funds", "Sarn Militia")),
    ("Pavo Ilic, a close ally of Viktor Orban, met Ivo Dren.",
     ("Pavo Ilic", "allied_with", "Viktor Orban")),
    ("Lumen Daily, a Kremlin-backed outlet, praised the plan.",
     ("Russia", "supports", "Lumen Daily")),
    ("Tessaly Radio is a Hungary-funded broadcaster.", ("Hungary", "funds", "Tessaly Radio")),
])
def test_nominal_and_compound_relations(nlp: Any, text: str,
                                        expected: tuple[str, str, str]) -> None:
    assert expected in asserted(nlp, text)


def test_a_former_role_keeps_the_relation(nlp: Any) -> None:
    got = asserted(nlp, "Ivo Dren, a former official of the Ministry of Finance of Ruritania, "
                        "met Pavo Ilic.")
    assert ("Ivo Dren", "member_of", "Ministry of Finance of Ruritania") in got


@pytest.mark.parametrize("text, expected", [
    ("Ivo Dren became chairman of Velko Bank in 2011.", ("Ivo Dren", "leads", "Velko Bank")),
    ("Ivo Dren was appointed director of the Orel Institute last year.",
     ("Ivo Dren", "leads", "Orel Institute")),
    ("Ivo Dren remains a member of the Sarn Council.", ("Ivo Dren", "member_of", "Sarn Council")),
])
def test_roles_after_a_copula_or_an_appointment(nlp: Any, text: str,
                                                expected: tuple[str, str, str]) -> None:
    assert expected in asserted(nlp, text)


def test_a_titled_holder_after_of_leads_the_named_body(nlp: Any) -> None:
    got = asserted(nlp, "Ruritania voted for the Green Dawn Movement of former president "
                        "Ivo Dren in 2019.")
    assert ("Ivo Dren", "leads", "Green Dawn Movement") in got
    assert not asserted(nlp, "The wife of President Ivo Dren visited the Orel Institute.") & {
        ("Ivo Dren", "leads", "Orel Institute")}


def test_its_role_after_a_conjoined_name_belongs_to_that_name(nlp: Any) -> None:
    got = asserted(nlp, "The ministry fined the Orel Institute and its then director, "
                        "Ivo Dren, for fraud.")
    assert ("Ivo Dren", "leads", "Orel Institute") in got


@pytest.mark.parametrize("text, status", [
    ("Ivo Dren did not become chairman of Velko Bank.", "negated"),
    ("Ivo Dren is not the head of the Orel Institute.", "negated"),
    ("Ivo Dren might become chairman of Velko Bank.", "hypothetical"),
    ("Ivo Dren was not appointed director of the Orel Institute.", "negated"),
])
def test_a_negated_or_hypothetical_copula_does_not_assert_the_role(nlp: Any, text: str,
                                                                    status: str) -> None:
    got = facts(nlp, text)
    assert got and all(st == status for _, p, _, st in got if p == "leads")
    assert not asserted(nlp, text)


def test_related_lists_and_author_boxes_make_no_triples(tmp_path: Path) -> None:
    from loaders.chrome import strip_chrome

    page = ("Ruritania sanctions Velko Bank over fuel deals\n\n"
            "By Marta Kowal and Ivo Dren, Baltic Wire\n"
            "VIENNA (Baltic Wire) - Ruritania on Monday sanctioned Velko Bank, a lender owned "
            "by Tarek Wali, for financing the Sarn Militia.\n"
            "Related: Tessaly Radio funds the Orel Institute\n"
            "The bank denied the accusations in a statement on Tuesday evening.\n"
            "Marta Kowal is a correspondent for Baltic Wire covering Central Europe.\n")
    kept = strip_chrome(page)
    assert "Related" not in kept and "correspondent" not in kept
    assert "Ruritania on Monday sanctioned Velko Bank" in kept


def test_designees_between_dashes_after_a_participle(nlp: Any) -> None:
    text = ("Ruritania on Friday sanctioned five smugglers. Officials said the other two "
            "Carpathians sanctioned Friday — Ilka Varde and Tomas Renn — ran the network.")
    got = asserted(nlp, text)
    assert {("Ruritania", "sanctions", "Ilka Varde"), ("Ruritania", "sanctions", "Tomas Renn")} \
        <= got
    assert not any(s == "Carpathians" for s, _, _ in got)
