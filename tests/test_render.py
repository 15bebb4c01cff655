"""pyvis drawings and SVG: self-contained, styled from the ontology, every text shown as text."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape as html_unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from core.names import content_hash
from graph.model import Document, Entity, Evidence, Triple
from graph.store import GraphStore
from publish.csp import script_hash
from publish.render import (
    ADVERSARIAL,
    evidence_text,
    layout,
    safe_url,
    snapshot_svg,
    visualize,
)
from publish.snapshots import build_payload
from tests.test_snapshots import (
    DOC_A,
    DOC_B,
    HOSTILE,
    HOSTILE_NAME,
    INFORMER,
    TRIPLES_A,
    TRIPLES_B,
)

LINK_SENTENCE = 'Informer <a href="javascript:alert(2)">meets</a> the "Serbian" government.'
GOVERNMENT = Entity.named("Serbian government", "GovernmentBody")
TEXT_C = LINK_SENTENCE
DOC_C = Document(id=content_hash(TEXT_C), title="<h1>Heading</h1>", url="https://example.org/c",
                 length=len(TEXT_C))
TRIPLES_C = [Triple(subject=INFORMER, predicate="meets_with", object=GOVERNMENT,
                    evidence=Evidence(document_id=DOC_C.id, sentence=LINK_SENTENCE))]
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def sample(store: GraphStore) -> GraphStore:
    """Return a store with hostile names, sentences, titles and a tooltip holding "href"."""
    store.upsert_document(DOC_A, TRIPLES_A)
    store.upsert_document(DOC_B, TRIPLES_B)
    store.upsert_document(DOC_C, TRIPLES_C)
    return store


def _data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html,
                      flags=re.DOTALL)
    assert block is not None
    return json.loads(block.group(1))


def _inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)


def test_drawing_is_self_contained_without_cdn(sample: GraphStore) -> None:
    html, csp = visualize(sample, "Informer", hops=1)
    assert "<script src" not in html and "stylesheet" not in html
    assert re.findall(r'(?:src|href)="[a-z]*:?//', html) == []
    for marker in ("cdn.", "cdnjs", "jsdelivr", "unpkg", "googleapis", "tom-select"):
        assert marker not in html
    scripts = _inline_scripts(html)
    assert len(scripts) == 2 and "vis.Network" in scripts[1] and len(scripts[0]) > 100_000
    for s in scripts:
        assert script_hash(s) in csp
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert meta is not None
    assert html_unescape(meta.group(1)) + "; frame-ancestors 'none'" == csp


def test_drawing_shows_every_text_as_text(sample: GraphStore) -> None:
    html, _ = visualize(sample, "Informer", hops=1)
    assert HOSTILE_NAME not in html
    assert "<script>alert(1)</script>" not in html and '<a href="javascript' not in html
    page_script = _inline_scripts(html)[1]
    assert "innerHTML" not in page_script and "textContent" in page_script
    data = _data(html)
    labels = {n["label"] for n in data["nodes"]}
    assert {HOSTILE_NAME, "Informer", "Sputnik Serbia", "Serbian government"} <= labels
    titles = " ".join(e["title"] for e in data["edges"])
    assert LINK_SENTENCE in titles and "<h1>Heading</h1>" in titles


def test_heading_is_escaped(sample: GraphStore) -> None:
    html, _ = visualize(sample, HOSTILE.id, hops=1)
    assert "<h1>Influence network of &lt;img src=x onerror=alert(1)&gt;</h1>" in html
    assert "<title>Influence network of &lt;img" in html


def test_drawing_styles_come_from_the_ontology(sample: GraphStore) -> None:
    from ontology import get_ontology

    onto = get_ontology()
    data = _data(visualize(sample, "Serbia", hops=1)[0])
    serbia = next(n for n in data["nodes"] if n["label"] == "Serbia")
    assert serbia["color"] == onto.types["Country"].color
    assert serbia["shape"] == onto.types["Country"].shape
    opposes = next(e for e in data["edges"] if e["label"] == "opposes")
    assert onto.predicates["opposes"].polarity == "-"
    assert opposes["dashes"] is True and opposes["color"] == ADVERSARIAL["color"]
    assert opposes["arrows"] == "to"
    data = _data(visualize(sample, "Informer", hops=1)[0])
    meets = next(e for e in data["edges"] if e["label"] == "meets_with")
    amplifies = next(e for e in data["edges"] if e["label"] == "amplifies")
    assert meets["arrows"] == "" and amplifies["dashes"] is False


def test_drawing_has_a_legend_and_evidence_tooltips(sample: GraphStore) -> None:
    html, _ = visualize(sample, "Serbia", hops=1)
    assert 'aria-label="Legend"' in html and "adversarial" in html
    assert "Country" in html
    data = _data(html)
    tip = next(e["title"] for e in data["edges"] if e["label"] == "opposes")
    assert "“Serbia opposes Kosovo.”" in tip and "Report <b>A</b>" in tip


def test_visualize_route(sample: GraphStore) -> None:
    with TestClient(create_app(Settings(), store=sample)) as client:
        r = client.get("/api/visualize", params={"focus": "Informer", "hops": 1})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "script-src 'sha256-" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert client.get("/api/visualize", params={"focus": "Atlantis"}).status_code == 404
        assert client.get("/api/visualize", params={"focus": "Informer",
                                                    "hops": 9}).status_code == 422


def test_draw_command_writes_the_drawing(sample: GraphStore, tmp_path: Path,
                                          request: pytest.FixtureRequest) -> None:
    from api.cli import app
    from graph.sqlite_store import SqliteStore

    out = tmp_path / "informer.html"
    # the CLI opens its own store by location: the file of the sqlite run, or the server
    location = str(tmp_path / "test.db") if isinstance(sample, SqliteStore) \
        else request.getfixturevalue("neo4j_server")
    result = CliRunner().invoke(app, ["draw", "Informer", "--hops", "2", "-o", str(out),
                                      "--store", location])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    labels = {n["label"] for n in _data(html)["nodes"]}
    assert {"Informer", "Sputnik Serbia", "Russia", HOSTILE_NAME} <= labels
    assert HOSTILE_NAME not in html and "<script src" not in html
    bad = CliRunner().invoke(app, ["draw", "Atlantis", "--store", location])
    assert bad.exit_code == 2


def test_svg_escapes_every_text(sample: GraphStore) -> None:
    payload = build_payload(sample, [HOSTILE.id], hops=2, title="<b>t</b>",
                            credit="<script>alert(1)</script>")
    svg = snapshot_svg(payload)
    assert "<script>" not in svg and HOSTILE_NAME not in svg
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert HOSTILE_NAME in texts and "supports" in texts
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text == "<b>t</b>"
    assert any("<script>alert(1)</script>" in (t or "") for t in texts)
    dashed = [ln for ln in root.iter(f"{SVG_NS}line") if ln.get("stroke-dasharray")]
    assert dashed == []  # no adversarial edge around the hostile entity
    payload = build_payload(sample, ["Serbia"], hops=1)
    root = ET.fromstring(snapshot_svg(payload))
    lines = list(root.iter(f"{SVG_NS}line"))
    assert len(lines) == 1 and lines[0].get("stroke-dasharray")
    assert root.find(f".//{SVG_NS}polygon") is not None  # Country is a hexagon


def test_layout_is_deterministic_and_keeps_given_positions() -> None:
    ids = ["a", "b", "c", "d"]
    edges = [("a", "b"), ("b", "c"), ("c", "d")]
    first = layout(ids, edges)
    assert first == layout(list(reversed(ids)), edges)
    assert len({tuple(p) for p in first.values()}) == 4
    fixed = {"a": (1.4, 2.6), "b": (3, 4), "c": (5, 6), "d": (7, 8)}
    assert layout(ids, edges, fixed) == {"a": [1, 3], "b": [3, 4], "c": [5, 6], "d": [7, 8]}


def test_only_http_links_are_kept() -> None:
    assert safe_url("https://example.org/x?a=1") == "https://example.org/x?a=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.org", "", None, "http://"):
        assert safe_url(bad) is None


def test_a_tooltip_line_says_former_only_for_past_evidence() -> None:
    ev = {"sentence": "Roe headed Acme until 2019.", "document_title": "T", "date": "2024-01-02"}
    assert evidence_text(ev) == "“Roe headed Acme until 2019.” — T, 2024-01-02"
    assert evidence_text({**ev, "past": True}).endswith(", 2024-01-02 (former)")
