"""What a publisher gets from a snapshot besides its page: embed code, oEmbed, flags on the
page URL (theme, plain, static), social-card tags, the PNG, the CSV and the description."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.settings import Settings
from publish.embeds import describe, embed_snippet, relations_csv
from graph.sqlite_store import SqliteStore
from tests.test_snapshots import (
    DOC_A,
    DOC_B,
    HOSTILE_NAME,
    HOSTILE_SENTENCE,
    KEY,
    TRIPLES_A,
    TRIPLES_B,
    _post,
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """Yield the app over an embedded store holding the sample documents (what is drawn
    comes from the frozen payload, the same on both stores)."""
    store = SqliteStore(str(tmp_path / "embeds.db"))
    store.upsert_document(DOC_A, TRIPLES_A)
    store.upsert_document(DOC_B, TRIPLES_B)
    with TestClient(create_app(Settings(api_keys=KEY), store=store)) as c:
        yield c
    store.close()


class _Meta(HTMLParser):
    """Collects the <meta> and <link> tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[str(a.get("property") or a.get("name"))] = str(a.get("content"))
        if tag == "link":
            self.links.append(a)


def _meta(html: str) -> _Meta:
    parser = _Meta()
    parser.feed(html)
    return parser


def _path_snapshot(client: TestClient) -> dict[str, Any]:
    return _post(client, {"paths": [{"source": "Russia", "target": "Informer"}],
                          "title": "How <Russia> reaches Informer", "credit": "Desk & Co"})


def test_oembed_answers_rich_json_within_the_maximum_size(client: TestClient) -> None:
    out = _path_snapshot(client)
    r = client.get(f"/oembed?url={quote(out['url'])}&maxwidth=500&maxheight=400")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert (body["width"], body["height"]) == (500, 400)
    assert body["title"] == "How <Russia> reaches Informer"
    assert body["author_name"] == "Desk & Co"
    assert body["provider_name"] == "Influence Graph"
    assert body["html"].startswith(f'<iframe src="{out["url"]}"')
    assert "max-width:500px" in body["html"] and "height:400px" in body["html"]
    assert "How &lt;Russia&gt; reaches Informer" in body["html"]
    assert "thumbnail_url" not in body  # the 1x PNG is wider than 500 px
    wide = client.get(f"/oembed?url={quote(out['url'])}").json()
    assert wide["thumbnail_url"] == out["url"] + ".png"
    png = Image.open(io.BytesIO(client.get(wide["thumbnail_url"]).content))
    assert png.size == (wide["thumbnail_width"], wide["thumbnail_height"])


def test_oembed_refuses_other_urls_and_formats(client: TestClient) -> None:
    out = _path_snapshot(client)
    sid = out["id"]
    assert client.get(f"/oembed?url={quote('https://elsewhere.example/s/' + sid)}"
                      ).status_code == 404
    assert client.get(f"/oembed?url={quote('http://testserver/s/' + '0' * 64)}").status_code == 404
    assert client.get(f"/oembed?url={quote('http://testserver/api/snapshots')}").status_code == 404
    assert client.get(f"/oembed?url={quote(out['url'])}&format=xml").status_code == 422
    assert client.get("/oembed").status_code == 422


def test_page_carries_discovery_social_tags_and_description(client: TestClient) -> None:
    out = _path_snapshot(client)
    page = client.get(f"/s/{out['id']}")
    tags = _meta(page.text)
    oembed = [link for link in tags.links if link.get("type") == "application/json+oembed"]
    assert len(oembed) == 1
    assert oembed[0]["href"] == f"http://testserver/oembed?url={quote(out['url'], safe='')}"
    assert client.get(str(oembed[0]["href"])).json()["type"] == "rich"
    assert tags.meta["og:title"] == "How <Russia> reaches Informer"
    assert tags.meta["twitter:card"] == "summary_large_image"
    description = tags.meta["og:description"]
    assert description.startswith("A graph of 3 entities and 2 relations showing how Russia "
                                  "reaches Informer.")
    assert "Russia —funds→ Sputnik Serbia ←amplifies— Informer" in description
    image = client.get(tags.meta["og:image"].replace("http://testserver", ""))
    assert image.headers["content-type"] == "image/png"
    png = Image.open(io.BytesIO(image.content))
    png.verify()
    assert png.format == "PNG"
    assert png.size == (int(tags.meta["og:image:width"]), int(tags.meta["og:image:height"]))
    assert f'aria-label="{description}' in page.text


def test_png_at_two_scales_is_the_announced_size(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 2})
    one = Image.open(io.BytesIO(client.get(f"/s/{out['id']}.png").content))
    two = Image.open(io.BytesIO(client.get(f"/s/{out['id']}.png?scale=2").content))
    assert one.format == two.format == "PNG"
    assert two.size == (one.size[0] * 2, one.size[1] * 2)
    svg = client.get(f"/s/{out['id']}.svg").text
    width, height = re.search(r'width="(\d+)" height="(\d+)"', svg).groups()  # type: ignore[union-attr]
    assert one.size == (int(width), int(height))
    # not a blank image: the drawing has more than the background colour
    assert len(set(one.convert("RGB").getdata())) > 10
    assert client.get(f"/s/{out['id']}.png?scale=3").status_code == 400
    assert client.get(f"/s/{'0' * 64}.png").status_code == 404


def test_flags_plain_static_and_theme(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "title": "Backers", "credit": "Jane Doe"})
    sid = out["id"]
    full = client.get(f"/s/{sid}").text
    assert "<h1>Backers</h1>" in full and "Jane Doe" in full and 'data-theme="light"' in full
    plain = client.get(f"/s/{sid}?plain=1").text
    assert "<h1>" not in plain and "Jane Doe ·" not in plain and "table" in plain
    static = client.get(f"/s/{sid}?static=1")
    assert '<script type="application/json" id="graph-data">' not in static.text
    assert '<div id="graph"' not in static.text
    assert f'<img class="drawing" src="{sid}.svg"' in static.text
    scripts = re.findall(r"<script>(.*?)</script>", static.text, flags=re.DOTALL)
    assert len(scripts) == 1 and "influence-graph:height" in scripts[0]
    assert "<q>Informer amplifies Sputnik Serbia.</q>" in static.text
    assert 'data-theme="dark"' in client.get(f"/s/{sid}?theme=dark").text
    auto = client.get(f"/s/{sid}?theme=auto").text
    assert 'data-theme="auto"' in auto and 'content="light dark"' in auto
    assert client.get(f"/s/{sid}?theme=purple").status_code == 422


def test_get_the_data_is_a_csv_of_relations_with_sources(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 2})
    page = client.get(f"/s/{out['id']}").text
    assert f'<a class="get-data" href="{out["id"]}.csv" download>Get the data</a>' in page
    r = client.get(f"/s/{out['id']}.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {(row["subject"], row["predicate"], row["object"]) for row in rows} == {
        ("Russia", "funds", "Sputnik Serbia"), ("Informer", "amplifies", "Sputnik Serbia"),
        (HOSTILE_NAME, "supports", "Informer")}
    funds = next(row for row in rows if row["predicate"] == "funds")
    assert funds["sentence"] == HOSTILE_SENTENCE and funds["url"] == "https://example.org/a?x=1&y=2"


def test_relations_table_reads_without_script(client: TestClient) -> None:
    out = _post(client, {"focus": ["Informer"], "hops": 1})
    html = client.get(f"/s/{out['id']}?static=1").text
    table = html[html.index('<table class="relations">'):html.index("</table>")]
    assert table.count('<tr id="relation-') == 2
    assert '<th scope="col">Sources</th>' in table
    assert "&lt;img src=x onerror=alert(1)&gt;" in table and HOSTILE_NAME not in table


def test_embed_code_escapes_and_resizes(client: TestClient) -> None:
    snippet = embed_snippet('https://x.example/s/a"b', '"><script>alert(1)</script>')
    assert snippet.startswith('<iframe src="https://x.example/s/a&#34;b" title="&#34;&gt;&lt;')
    assert snippet.count("<script>") == 1 and "influence-graph:height" in snippet
    assert "height:640px" in snippet


def test_description_and_csv_of_a_centred_graph() -> None:
    payload = {"nodes": [{"id": "a", "name": "=cmd|x", "type": "Person", "x": 0, "y": 0},
                         {"id": "b", "name": "B", "type": "Country", "x": 100, "y": 0}],
               "edges": [{"id": "r", "source": "a", "target": "b", "predicate": "funds",
                          "confidence": 0.9, "status": "asserted", "evidence": []}],
               "query": {"focus": ["a"], "hops": 1}, "paths": []}
    assert describe(payload) == "A graph of 2 entities and 1 relation around =cmd|x, within 1 hop."
    rows = list(csv.reader(io.StringIO(relations_csv(payload))))
    assert rows[1][0] == "'=cmd|x"  # no formula when opened in a spreadsheet
