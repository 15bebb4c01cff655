"""Reading documents: every kind, encodings, folders, page chrome and hostile files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from api.settings import Settings
from core.errors import InfluenceError, InputError, TooLarge
from loaders.chrome import strip_chrome
from loaders.documents import is_structured, iter_path, read_bytes, read_path
from loaders.source import SourceDocument
from tests import hostile

SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "docs" / \
    "balkans-meddling.txt"
LIMIT = 1_000_000


@pytest.fixture
def settings() -> Settings:
    return Settings(max_upload_bytes=LIMIT)


def one(docs: list[SourceDocument]) -> SourceDocument:
    assert len(docs) == 1
    return docs[0]


def test_plain_text_keeps_its_sentences_and_takes_a_title(tmp_path: Path,
                                                          settings: Settings) -> None:
    f = tmp_path / "note.txt"
    f.write_text("Huawei in Serbia\n\nHuawei supplies cameras to the Serbian police.\r\n"
                 "China funds the railway.\n", encoding="utf-8")
    doc = one(read_path(f, settings))
    assert doc.title == "Huawei in Serbia"
    assert "Huawei supplies cameras to the Serbian police.\nChina funds the railway." in doc.text
    assert "\r" not in doc.text and doc.path == str(f) and doc.pages == ()


def test_markdown_markup_is_stripped_and_the_first_heading_is_the_title(
        tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "brief.md"
    f.write_text("Intro line without a heading.\n\n# Russia and *Serbia*\n\n"
                 "Russia **funds** [Sputnik Serbia](https://example.org/s).\n"
                 "![logo](logo.png)\n\n- Serbia buys jets.\n- Gazprom owns NIS.\n\n"
                 "<div>Inline <b>HTML</b> text.<script>alert('x')</script></div>\n",
                 encoding="utf-8")
    doc = one(read_path(f, settings))
    assert doc.title == "Russia and Serbia"
    assert "Russia funds Sputnik Serbia." in doc.text
    assert "Serbia buys jets." in doc.text and "Gazprom owns NIS." in doc.text
    for markup in ("**", "](", "![", "# ", "<b>", "alert", "logo.png"):
        assert markup not in doc.text
    assert "Inline HTML text." in doc.text


ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head>
<title>Huawei in Serbia | Example News</title>
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<style>body { font-family: Kremlin; }</style>
<script>window.tracker = "Gazprom funds NATO";</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/login">Log in</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Huawei in Serbia</h1>
<div class="share"><a>Share on Facebook</a> <a>Share on Twitter</a> <a>Email</a></div>
<p>Huawei supplies surveillance cameras to the Serbian Ministry of Interior, according to
documents seen by reporters. The contract was signed in Belgrade last year.</p>
<p>China funds the Budapest-Belgrade railway through loans from the Export-Import Bank of
China, which the Serbian government guarantees.</p>
<p>Aleksandar Vucic leads Serbia and has defended the cooperation with Beijing repeatedly.</p>
<p>Subscribe to our newsletter</p>
<p>Please read our comment policy before commenting. Comments that include personal attacks
may be moderated.</p>
</article>
<footer>Copyright 2024 Example News. All rights reserved.</footer>
<script>alert("Wagner attacks Kyiv")</script>
</body></html>
"""


def test_html_gives_main_text_and_metadata_without_page_chrome(settings: Settings) -> None:
    doc = one(read_bytes(ARTICLE_HTML.encode(), "page.html", "text/html; charset=utf-8",
                         "https://example.org/huawei", settings))
    assert "Huawei supplies surveillance cameras to the Serbian Ministry of Interior" in doc.text
    assert "Aleksandar Vucic leads Serbia" in doc.text
    for chrome in ("cookies", "Share on", "Log in", "newsletter", "comment policy",
                   "All rights reserved", "Gazprom", "Kremlin", "Wagner", "tracker"):
        assert chrome not in doc.text, chrome
    assert doc.title.startswith("Huawei in Serbia")
    assert doc.author == "Jane Roe"
    assert str(doc.published) == "2024-03-05"
    assert doc.url == "https://example.org/huawei"


def test_pdf_text_is_read_per_page_with_page_numbers(tmp_path: Path,
                                                      settings: Settings) -> None:
    pages = [["Viktor Orban leads Hungary."], [], ["Hungary depends on Russian gas.",
                                                   "Rosatom builds the Paks II plant."]]
    f = hostile.make_pdf(tmp_path / "report.pdf", pages)
    doc = one(read_path(f, settings))
    assert [number for _, number in doc.pages] == [1, 3]
    gas = doc.text.index("Hungary depends on Russian gas.")
    assert doc.page_at(doc.text.index("Viktor Orban")) == 1
    assert doc.page_at(gas) == 3
    assert doc.text[doc.pages[1][0]:].startswith("Hungary depends")
    assert doc.title == "report"


def test_json_lines_give_one_document_per_line(tmp_path: Path, settings: Settings) -> None:
    records = [{"text": "Milorad Dodik met Vladimir Putin in Moscow.", "title": "Dodik",
                "url": "https://example.org/dodik", "date": "2023-05-23"},
               {"text": "Serbia buys Rafale jets from France.", "title": "Jets",
                "date": "2024-08-29T10:00:00Z"}]
    f = tmp_path / "briefs.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    docs = read_path(f, settings)
    assert [d.title for d in docs] == ["Dodik", "Jets"]
    assert docs[0].url == "https://example.org/dodik" and str(docs[0].published) == "2023-05-23"
    assert str(docs[1].published) == "2024-08-29" and docs[1].text == records[1]["text"]
    assert not is_structured(f)


def test_a_bad_json_line_is_named_and_the_good_lines_still_read(tmp_path: Path,
                                                                 settings: Settings) -> None:
    f = hostile.jsonl_bad_line(tmp_path)
    with pytest.raises(InputError, match=r"bad-line\.jsonl: line 2"):
        read_path(f, settings)
    got = list(iter_path(f, settings))
    assert [d.title for d in got if isinstance(d, SourceDocument)] == ["ok"]
    errors = [e for e in got if isinstance(e, InfluenceError)]
    assert len(errors) == 1 and "line 2" in str(errors[0])
    assert errors[0].path == str(f)  # type: ignore[attr-defined]


def test_bad_date_in_json_lines_is_reported(settings: Settings) -> None:
    body = json.dumps({"text": "Serbia buys jets.", "date": "yesterday"}).encode()
    with pytest.raises(InputError, match="line 1: bad date 'yesterday'"):
        read_bytes(body, "dated.jsonl", None, None, settings)


def test_json_file_of_records(settings: Settings) -> None:
    body = json.dumps([{"text": "Russia funds RT.", "title": "a"},
                       {"text": "China funds Serbia.", "title": "b"}]).encode()
    assert [d.title for d in read_bytes(body, "set.json", None, None, settings)] == ["a", "b"]
    with pytest.raises(InputError, match="record 2"):
        read_bytes(json.dumps([{"text": "x"}, {"title": "no text"}]).encode(), "set.json",
                   None, None, settings)


def test_folder_is_walked_recursively_skipping_hidden_and_triple_files(
        tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.txt").write_text("Russia funds Sputnik Serbia.", encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "b.md").write_text("# B\n\nChina funds Serbia.\n",
                                                      encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden funds nothing.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("Hidden too.", encoding="utf-8")
    (tmp_path / "links.csv").write_text(hostile.triple_csv([]), encoding="utf-8")
    (tmp_path / "graph.ttl").write_text("@prefix x: <http://x/> .", encoding="utf-8")
    hostile.random_pdf(tmp_path / "sub")
    got = list(iter_path(tmp_path, settings))
    texts = sorted(d.text for d in got if isinstance(d, SourceDocument))
    assert texts == ["B\n\nChina funds Serbia.", "Russia funds Sputnik Serbia."]
    errors = [e for e in got if isinstance(e, InfluenceError)]
    assert [Path(e.path).name for e in errors] == ["random.pdf"]  # type: ignore[attr-defined]


def test_missing_path_is_an_error_not_an_exception(tmp_path: Path, settings: Settings) -> None:
    got = list(iter_path(tmp_path / "absent.txt", settings))
    assert len(got) == 1 and isinstance(got[0], InputError) and "absent.txt" in str(got[0])
    with pytest.raises(InputError, match="absent.txt"):
        read_path(tmp_path / "absent.txt", settings)


def test_unknown_extensions_are_sniffed(tmp_path: Path, settings: Settings) -> None:
    pdf = hostile.make_pdf(tmp_path / "x.pdf", [["Russia funds Sputnik Serbia."]]).read_bytes()
    assert one(read_bytes(pdf, "download.bin", None, None, settings)).pages == ((0, 1),)
    page = one(read_bytes(ARTICLE_HTML.encode(), "page", None, None, settings))
    assert "Huawei supplies" in page.text and "<p>" not in page.text
    assert one(read_bytes(b"Serbia buys jets.\n", "notes.log", None, None, settings)).text == \
        "Serbia buys jets."
    # A PDF served as text/plain is still read as a PDF.
    assert one(read_bytes(pdf, "x.txt", "text/plain", None, settings)).pages == ((0, 1),)


def test_encodings_are_detected(tmp_path: Path, settings: Settings) -> None:
    assert one(read_path(hostile.utf16_bom(tmp_path), settings)).text == hostile.UTF16_TEXT
    text = "Vučić leads Serbia."
    assert one(read_bytes(b"\xef\xbb\xbf" + text.encode(), "bom.txt", None, None,
                          settings)).text == text
    assert one(read_bytes(text.encode("utf-16-be"), "wide.txt", None, None, settings)).text == text
    latin = one(read_path(hostile.latin1(tmp_path), settings)).text
    assert "président" in latin and "Ça coûte très cher à l'État" in latin
    broken = one(read_path(hostile.invalid_utf8(tmp_path), settings)).text
    assert "Aleksandar Vučić met Vladimir Putin in Moscow." in broken
    assert "Serbia buys jets." in broken
    declared = "Señor Pérez".encode("latin-1")
    assert one(read_bytes(b"<html><body><p>" + declared + b" leads the party.</p></body></html>",
                          "x.html", "text/html; charset=ISO-8859-1", None, settings)).text \
        .startswith("Señor Pérez")


def test_utf8_with_windows_smart_quotes_keeps_its_letters(settings: Settings) -> None:
    """A UTF-8 text with Windows-1252 quotes pasted in (many of them, in a short text) is
    read as UTF-8 with those bytes as Windows-1252; a Latin-1 text is still detected."""
    text = "Aleksandar Vučić leads Serbia. The \u201cdeal\u201d was signed \u2013 twice. " * 3
    data = text.encode("utf-8")
    for quote in ("\u201c", "\u201d", "\u2013"):
        data = data.replace(quote.encode("utf-8"), quote.encode("cp1252"))
    assert one(read_bytes(data, "m.txt", None, None, settings)).text == text.strip()
    legacy = "Ça coûte très cher à l'État \u2013 «président»".encode("cp1252")
    assert one(read_bytes(legacy, "l.txt", None, None, settings)).text == \
        "Ça coûte très cher à l'État \u2013 «président»"


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    f = hostile.oversize(tmp_path, 1000)
    with pytest.raises(TooLarge, match=r"huge\.txt: .*over the limit of 1000 bytes"):
        read_path(f, Settings(max_upload_bytes=1000))
    with pytest.raises(TooLarge, match="upload.txt"):
        read_bytes(b"x" * 1001, "upload.txt", None, None, Settings(max_upload_bytes=1000))


def test_nested_divs_do_not_crash_and_keep_the_text(tmp_path: Path, settings: Settings) -> None:
    doc = one(read_path(hostile.nested_divs(tmp_path), settings))
    assert hostile.DEEP_TEXT in doc.text


def test_script_and_style_never_become_text(tmp_path: Path, settings: Settings) -> None:
    doc = one(read_path(hostile.script_style_html(tmp_path), settings))
    assert "Aleksandar Vucic leads Serbia." in doc.text
    for word in hostile.SCRIPT_WORDS:
        assert word not in doc.text


def test_plain_html_fallback_drops_scripts_at_any_depth() -> None:
    from loaders.html import html_plain_text

    html = ("<div>" * 5000 + "<p>Kept &amp; shown.</p><script>if (a < b) { hidden() }"
            "</script><!-- hidden comment --><style>p{}</style>" + "</div>" * 5000
            + "<p>Unclosed <script> stays hidden")
    assert html_plain_text(html) == "Kept & shown.\nUnclosed"


@pytest.mark.parametrize("maker", ["empty", "whitespace_only", "random_pdf", "fake_pdf",
                                   "corrupt_pdf", "encrypted_pdf", "binary_junk",
                                   "jsonl_bad_line"])
def test_hostile_files_are_rejected_with_a_message_naming_them(
        tmp_path: Path, settings: Settings, maker: str) -> None:
    corpus = hostile.rejected_corpus(tmp_path, LIMIT)
    path = getattr(hostile, maker)(tmp_path)
    word = corpus[path]
    with pytest.raises(InputError) as caught:
        read_path(path, settings)
    assert str(path) in str(caught.value) and word.lower() in str(caught.value).lower()
    with pytest.raises(InputError) as uploaded:
        read_bytes(path.read_bytes(), path.name, None, None, settings)
    assert path.name in str(uploaded.value)


def test_the_whole_hostile_corpus_yields_errors_and_never_raises(tmp_path: Path,
                                                                  settings: Settings) -> None:
    corpus = hostile.rejected_corpus(tmp_path / "corpus", LIMIT)
    (tmp_path / "corpus" / "good.txt").write_text("Russia funds Sputnik Serbia.",
                                                  encoding="utf-8")
    got = list(iter_path(tmp_path / "corpus", settings))
    docs = [d for d in got if isinstance(d, SourceDocument)]
    errors = {Path(e.path): e for e in got if isinstance(e, InfluenceError)}  # type: ignore
    assert set(errors) == set(corpus)
    for path, word in corpus.items():
        assert word.lower() in str(errors[path]).lower(), (path, str(errors[path]))
    assert isinstance(errors[tmp_path / "corpus" / "huge.txt"], TooLarge)
    # The good file and the good line of the JSON-lines file are read.
    assert sorted(d.text for d in docs) == ["Russia funds Sputnik Serbia.",
                                            "Russia funds Sputnik Serbia."]


def test_hostile_names_in_a_document_are_read_literally(tmp_path: Path,
                                                        settings: Settings) -> None:
    doc = one(read_path(hostile.hostile_names_text(tmp_path), settings))
    for kind in ("quotes", "cypher", "cypher_braces", "sql", "script", "html", "long"):
        assert f"{hostile.HOSTILE_NAMES[kind]} supports Serbia." in doc.text
    assert "NulBell" in doc.text and "\x00" not in doc.text and "\x07" not in doc.text
    assert "\u202eevil.exe" in doc.text


def test_meta_charset_of_an_html_file_is_used(settings: Settings) -> None:
    body = ('<html><head><meta charset="windows-1251"><title>Москва</title></head><body>'
            '<p>Кремль финансирует партию.</p></body></html>').encode("cp1251")
    doc = one(read_bytes(body, "ru.html", None, None, settings))
    assert "Кремль финансирует партию." in doc.text


def test_encrypted_pdf_message_says_what_to_do(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InputError, match="encrypted.*unencrypted copy"):
        read_path(hostile.encrypted_pdf(tmp_path), settings)


def test_is_structured_recognizes_triple_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "t.csv"
    csv_file.write_text(hostile.triple_csv([]), encoding="utf-8")
    triples = tmp_path / "t.jsonl"
    triples.write_text(json.dumps({"subject": "A", "predicate": "funds", "object": "B"}) + "\n",
                       encoding="utf-8")
    docs = tmp_path / "d.jsonl"
    docs.write_text(json.dumps({"text": "A funds B."}) + "\n", encoding="utf-8")
    assert is_structured(csv_file) and is_structured(triples)
    assert not is_structured(docs) and not is_structured(tmp_path / "x.txt")


# Page chrome of plain-text captures


def test_shared_sample_loses_its_page_chrome_and_keeps_the_article() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    doc = one(read_path(SAMPLE, Settings()))
    lines = doc.text.splitlines()
    assert "Skip to content" not in doc.text and "Go to my account" not in doc.text
    assert not any("comment" in line.lower() for line in lines)
    assert not any(line.startswith("Share") for line in lines)
    assert "guest pass" not in doc.text and "Your membership" not in doc.text
    assert doc.title == "Vladimir Putin’s Meddling in the Balkans"
    assert doc.text.count("Meddling in the Balkans") == 1
    for sentence in ("Serbia has been reluctant to join Western sanctions targeting Moscow",
                     "Charlotte Lawson is a reporter at The Dispatch",
                     "Why would Moscow oppose Serbia’s reconciliation with Kosovo?"):
        assert sentence in doc.text
    # Every paragraph of the article body is kept whole.
    body = [p for p in raw.split("\n\n") if len(p) > 300 and "comment" not in p.lower()]
    assert body and all(p.strip() in doc.text for p in body)


def test_chrome_of_another_site_is_removed() -> None:
    lines = [
        "Menu", "Search", "Sign in", "World | Politics | Business",
        "Sanctions Bite in Belgrade",
        "By Jane Roe", "March 3, 2024", "5 min read",
        "",
        "The European Union sanctions three Serbian companies for supplying drones to Russia.",
        "Advertisement",
        "https://www.youtube.com/watch?v=abc",
        "Officials in Belgrade said the companies broke no Serbian law.",
        "",
        "Related articles",
        "Serbia and the EU: a timeline",
        "Why the Balkans matter",
        "We use cookies to personalise content. By continuing you agree to our cookie policy.",
        "© 2024 Example Media",
    ]
    out = strip_chrome("\n".join(lines))
    assert out.splitlines() == [
        "Sanctions Bite in Belgrade", "",
        "The European Union sanctions three Serbian companies for supplying drones to Russia.",
        "Officials in Belgrade said the companies broke no Serbian law."]


def test_text_without_chrome_is_left_alone() -> None:
    text = "A short title\n\nSome list\n- item one\n- item two\n\nA paragraph that ends.\n\nfin"
    assert strip_chrome(text) == text


def test_photo_credits_are_dropped() -> None:
    text = ("Protesters march in Belgrade on March 17. (Photo by A. Person/AFP via Getty Images)\n"
            "Photo: Reuters/Someone\nThe march ended peacefully.")
    assert strip_chrome(text) == "Protesters march in Belgrade on March 17.\n" \
        "The march ended peacefully."


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=3000),
                      st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.sampled_from([b"%PDF-1.7\n", b"<html><body>", b'{"text": 1}',
                                       b"\xff\xfe", b"\xef\xbb\xbf"]).flatmap(
                          lambda head: st.binary(max_size=500).map(lambda tail: head + tail))),
       suffix=st.sampled_from(["txt", "md", "html", "pdf", "jsonl", "json", "dat", ""]),
       content_type=st.sampled_from([None, "text/html", "application/pdf", "text/plain",
                                     "text/plain; charset=bogus-charset", "image/png"]))
def test_any_bytes_give_documents_or_an_input_error(data: bytes, suffix: str,
                                                    content_type: str | None) -> None:
    name = f"upload.{suffix}" if suffix else "upload"
    try:
        docs = read_bytes(data, name, content_type, None, Settings())
    except InputError as exc:
        assert str(exc).startswith(f"{name}: ")
        return
    assert docs and all(d.text.strip() and "\x00" not in d.text for d in docs)
