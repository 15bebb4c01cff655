"""Hostile inputs through the two doors a user has: ``influence ingest`` and the HTTP API.

The files come from ``tests/hostile.py``; URLs that time out, redirect in a loop, answer
500 or stream forever come from a local ``http.server``. Each bad input gets a message
naming it and saying why (CLI: exit 2, no traceback; API: a 4xx JSON error, never 5xx),
the good inputs of the same batch are stored, and hostile names are stored and shown
literally (control characters and bidi marks removed, as ``clean_name`` says).
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from core.names import clean_name, entity_id
from graph.store import GraphStore, open_store
from tests import hostile
from tests.test_crash import influence

LIMIT = 2_000_000
ENV = {"INFLUENCE_MAX_UPLOAD_BYTES": str(LIMIT), "INFLUENCE_FETCH_TIMEOUT": "2",
       "INFLUENCE_FETCH_ALLOW_PRIVATE": "true", "COLUMNS": "400"}
GOOD_TEXT = ("Gazprom Neft owns a majority stake in NIS. Russia funds Sputnik Serbia. "
             "Aleksandar Vucic leads Serbia.\n")


def good_files(folder: Path) -> list[Path]:
    """Write the inputs that must be stored, hostile as they look; return them."""
    folder.mkdir(parents=True, exist_ok=True)
    plain = folder / "plain.txt"
    plain.write_text(GOOD_TEXT, encoding="utf-8")
    return [plain, hostile.hostile_names_csv(folder), hostile.utf16_bom(folder),
            hostile.nested_divs(folder), hostile.script_style_html(folder),
            hostile.invalid_utf8(folder), hostile.latin1(folder)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Path, str], list[Path]]:
    """Return (folder, {bad file: word its message says}, good files), all in one folder."""
    folder = tmp_path_factory.mktemp("hostile") / "batch"
    bad = hostile.rejected_corpus(folder, LIMIT)
    bad.update(hostile.rejected_triple_files(folder))
    return folder, bad, good_files(folder)


@pytest.fixture(scope="module")
def ingested(batch: tuple[Path, dict[Path, str], list[Path]],
             tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, str]:
    """Ingest the batch with the CLI once; return (store file, JSON report, table output)."""
    folder = batch[0]
    db = str(tmp_path_factory.mktemp("hostile-db") / "h.db")
    as_json = influence("ingest", str(folder), "--store", db, "--json", env=ENV)
    assert as_json.returncode == 2, as_json.stdout + as_json.stderr
    assert "Traceback" not in as_json.stdout + as_json.stderr, as_json.stderr[-3000:]
    table = influence("ingest", str(folder), "--store", db, env=ENV)
    assert table.returncode == 2
    return db, json.loads(as_json.stdout), table.stdout + table.stderr


# ---------------------------------------------------------------- CLI


def test_cli_names_each_rejected_file_and_why(
        batch: tuple[Path, dict[Path, str], list[Path]], ingested: tuple[str, dict, str]) -> None:
    _folder, bad, good = batch
    _db, report, table = ingested
    reasons = {r["input"]: r["reason"] for r in report["rejected"]}
    for path, word in bad.items():
        assert str(path) in reasons, f"{path.name} was not rejected: {sorted(reasons)}"
        assert word.lower() in reasons[str(path)].lower(), (path.name, reasons[str(path)])
        assert path.name in table
    assert not {str(p) for p in good} & set(reasons), "a good file was rejected"
    assert "Traceback" not in table


def test_cli_stores_the_good_files_of_the_batch(
        batch: tuple[Path, dict[Path, str], list[Path]], ingested: tuple[str, dict, str]) -> None:
    _folder, _bad, good = batch
    db, report, _ = ingested
    assert report["documents_stored"] >= len(good)
    store = open_store(db)
    try:
        evidence = list(store.iter_evidence())
        names = [e.name for e in store.iter_entities()]
        scripts = {d.id for d in store.iter_documents() if d.title == "Scripts"}
        from_scripts = [ev for ev in evidence if ev.document_id in scripts]
        script_entities: set[str] = set()
        for ev in from_scripts:
            rel = store.get_relation(ev.relation_id)
            assert rel is not None
            script_entities.update(e.name for e in store.get_entities([rel.subject, rel.object]))
    finally:
        store.close()
    sentences = [ev.sentence for ev in evidence]
    assert any("Russia funds Sputnik Serbia" in s for s in sentences)
    assert any(hostile.DEEP_TEXT.split(" says ")[1].rstrip(".") in s for s in sentences), \
        "the text inside 20,000 nested divs was not read"
    assert any("Vučić leads Serbia" in s for s in sentences) or "Vučić" in " ".join(names), \
        "the UTF-16 file was not decoded"
    assert scripts, "the HTML page with scripts was not stored"
    for word in hostile.SCRIPT_WORDS:
        assert not any(word in ev.sentence for ev in from_scripts), word
        assert not any(word in n for n in script_entities), \
            f"{word} from <script>/<style> became an entity"
    assert not any("\ufffd" in n for n in names)


@pytest.mark.parametrize("key", sorted(hostile.HOSTILE_NAMES))
def test_cli_shows_hostile_names_literally(key: str, ingested: tuple[str, dict, str]) -> None:
    """``influence show`` (run in-process: same command, no interpreter start per name)."""
    from typer.testing import CliRunner

    from api.cli import app

    db = ingested[0]
    expected = clean_name(hostile.HOSTILE_NAMES[key])
    runner = CliRunner()
    shown = runner.invoke(app, ["show", entity_id(expected), "--store", db, "--json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == expected
    as_table = runner.invoke(app, ["show", entity_id(expected), "--store", db],
                             env={"COLUMNS": "20000"})
    assert as_table.exit_code == 0 and "Traceback" not in as_table.stderr
    assert expected[:200] in as_table.stdout


def test_hostile_names_leave_the_rest_of_the_store_alone(ingested: tuple[str, dict, str]) -> None:
    store = open_store(ingested[0])
    try:
        stats = store.stats()
        serbia = store.get_entity(entity_id("Serbia"))
    finally:
        store.close()
    assert stats.entities > len(hostile.HOSTILE_NAMES) and stats.relations > 0
    assert serbia is not None and serbia.name == "Serbia"


# ---------------------------------------------------------------- API


@pytest.fixture
def api(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(max_upload_bytes=LIMIT), store=store)) as c:
        yield c


def _is_json_error(r: object) -> bool:
    body = r.json()  # type: ignore[attr-defined]
    return isinstance(body, dict) and isinstance(body.get("detail"), str) and bool(body["detail"])


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_uploads_of_hostile_files_are_4xx_json(
        api: TestClient, batch: tuple[Path, dict[Path, str], list[Path]],
        store: GraphStore) -> None:
    _folder, bad, good = batch
    for path, word in bad.items():
        r = api.post("/api/documents", files={"file": (path.name, path.read_bytes())})
        assert 400 <= r.status_code < 500, (path.name, r.status_code, r.text[:300])
        assert _is_json_error(r), (path.name, r.text[:300])
        if r.status_code != 413:
            assert word.lower() in r.json()["detail"].lower(), (path.name, r.json())
    oversize = next(p for p in bad if p.name == "huge.txt")
    assert api.post("/api/documents", files={"file": ("huge.txt", oversize.read_bytes())}
                    ).status_code == 413
    for path in good:
        r = api.post("/api/documents", files={"file": (path.name, path.read_bytes())})
        assert r.status_code == 201, (path.name, r.status_code, r.text[:300])
    assert store.stats().documents >= len(good)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_json_text_of_hostile_files_is_never_5xx(
        store: GraphStore, batch: tuple[Path, dict[Path, str], list[Path]]) -> None:
    _folder, bad, good = batch
    limit = 300_000  # the megabyte files are refused (413) instead of extracted: faster
    api = TestClient(create_app(Settings(max_upload_bytes=limit), store=store))
    for path in [*bad, *good]:
        text = path.read_bytes().decode("utf-8", "replace")
        r = api.post("/api/documents", json={"text": text, "title": path.name})
        assert r.status_code < 500, (path.name, r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert _is_json_error(r), (path.name, r.text[:300])
        if len(text.encode()) > limit + 1000:
            assert r.status_code == 413, (path.name, r.status_code)
    for body in (b"", b"null", b"[]", b'{"text": ""}', b'{"text": 5}', b'{"nope": 1}',
                 b'{"text": "\\u0000"}', b"{" * 10_000, b'{"text": "a"' + b", " * 50_000 + b"}"):
        r = api.post("/api/documents", content=body, headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500, (body[:30], r.status_code, r.text[:300])
        assert _is_json_error(r)
    r = api.post("/api/documents", content=b"Russia funds Serbia.",
                 headers={"content-type": "text/plain"})
    assert r.status_code == 415 and _is_json_error(r)


def test_api_shows_hostile_names_literally(
        api: TestClient, batch: tuple[Path, dict[Path, str], list[Path]]) -> None:
    names_csv = next(p for p in batch[2] if p.name == "hostile-names.csv")
    r = api.post("/api/documents", files={"file": (names_csv.name, names_csv.read_bytes())})
    assert r.status_code == 201, r.text[:300]
    for raw in hostile.HOSTILE_NAMES.values():
        expected = clean_name(raw)
        got = api.get(f"/api/entities/{quote(entity_id(expected), safe='')}")
        assert got.status_code == 200, (expected[:40], got.status_code, got.text[:200])
        assert got.json()["name"] == expected
        if len(expected) <= 1000:
            by_name = api.get(f"/api/entities/{quote(expected, safe='')}")
            assert by_name.status_code in (200, 404, 409), by_name.text[:200]
        found = api.get("/api/entities", params={"q": expected[:100]})
        assert found.status_code == 200
        assert expected in [h["name"] for h in found.json()["results"]], expected[:40]
    assert api.get("/api/stats").json()["entities"] >= len(hostile.HOSTILE_NAMES) + 1


# ---------------------------------------------------------------- URLs


class _Hostile(BaseHTTPRequestHandler):
    """Answers that a fetcher must give up on; ``/ok`` is a good article."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/ok":
            body = f"<html><head><title>OK</title></head><body><article><p>{GOOD_TEXT}</p>" \
                   "</article></body></html>"
            self._send(200, body.encode(), "text/html; charset=utf-8")
        elif self.path == "/slow":
            time.sleep(6)
            try:
                self._send(200, b"too late", "text/plain")
            except OSError:  # the fetcher gave up, as it should
                pass
        elif self.path in ("/loop", "/loop2"):
            self.send_response(302)
            self.send_header("Location", "/loop2" if self.path == "/loop" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/error":
            self._send(500, b"Internal Server Error", "text/plain")
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = b"Russia funds Sputnik Serbia. " * 400
            stop = time.monotonic() + 20
            try:
                while time.monotonic() < stop:
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            stop = time.monotonic() + 20
            try:
                while time.monotonic() < stop:
                    self.wfile.write(b"Russia ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


BAD_URLS = {"/slow": "within", "/loop": "loop", "/error": "500", "/endless": "limit",
            "/trickle": "within"}


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    """Serve ``_Hostile`` on 127.0.0.1; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_cli_url_errors_name_the_url_and_good_url_is_stored(web: str, tmp_path: Path) -> None:
    db = str(tmp_path / "urls.db")
    urls = [web + p for p in BAD_URLS] + [web + "/ok"]
    started = time.monotonic()
    done = influence("ingest", *urls, "--store", db, "--json", env=ENV, timeout=120)
    took = time.monotonic() - started
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    reasons = {r["input"]: r["reason"] for r in json.loads(done.stdout)["rejected"]}
    for path, word in BAD_URLS.items():
        assert web + path in reasons, (path, reasons)
        assert word in reasons[web + path].lower(), (path, reasons[web + path])
    assert web + "/ok" not in reasons
    assert json.loads(done.stdout)["documents_stored"] == 1
    assert took < 60, f"fetching took {took:.0f} s with a 2 s fetch timeout"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_url_errors_are_4xx_json(web: str, store: GraphStore) -> None:
    settings = Settings(max_upload_bytes=LIMIT, fetch_timeout=2.0, fetch_allow_private=True)
    with TestClient(create_app(settings, store=store)) as c:
        for path, word in BAD_URLS.items():
            r = c.post("/api/documents", json={"url": web + path})
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:300])
            assert _is_json_error(r) and word in r.json()["detail"].lower(), (path, r.text[:300])
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "http://", "javascript:alert(1)",
                    web + "/missing"):
            r = c.post("/api/documents", json={"url": url})
            assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:300])
            assert "root:" not in r.text
        ok = c.post("/api/documents", json={"url": web + "/ok"})
        assert ok.status_code == 201, ok.text[:300]
    assert store.stats().documents == 1


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_refuses_to_fetch_private_addresses_by_default(web: str, store: GraphStore) -> None:
    """A write key must not turn the server into a proxy to its own network."""
    with TestClient(create_app(Settings(fetch_timeout=2.0), store=store)) as c:
        for url in (web + "/ok", web.replace("127.0.0.1", "localhost") + "/ok",
                    "http://[::1]:9/", "http://169.254.169.254/latest/meta-data/",
                    "http://10.0.0.1/", "http://0.0.0.0:9/"):
            r = c.post("/api/documents", json={"url": url})
            assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:300])
            assert _is_json_error(r)
    assert store.stats().documents == 0


RICH_MARKUP = ["[/] closes [bold]nothing", "[red]Red[/red] Media", "[link=http://x]Site[/link]"]


def test_cli_prints_console_markup_in_names_literally(tmp_path: Path) -> None:
    """Names that look like terminal markup are printed as they are, in every table."""
    rows = [[name, "Organization", "supports", "Serbia", "Country", "", "",
             f"{name} supports Serbia."] for name in RICH_MARKUP]
    links = tmp_path / "markup.csv"
    links.write_text(hostile.triple_csv(rows), encoding="utf-8")
    db = str(tmp_path / "markup.db")
    assert influence("ingest", str(links), "--store", db).returncode == 0
    env = {"COLUMNS": "1000"}
    for args in (["show", "Serbia"], ["search", "Media"], ["show", RICH_MARKUP[0]],
                 ["paths", RICH_MARKUP[1], "Serbia"], ["show", "[/]nobody"],
                 ["rank", "--metric", "degree"]):
        done = influence(*args, "--store", db, env=env)
        assert "Traceback" not in done.stderr, (args, done.stderr[-1500:])
        assert done.returncode in (0, 2), (args, done.returncode, done.stderr[-500:])
        shown = done.stdout + done.stderr
        if args[0] != "rank":
            assert any(name in shown for name in [*RICH_MARKUP, "[/]nobody"]), (args, shown)
    listed = influence("show", "Serbia", "--store", db, env=env).stdout
    assert all(name in listed for name in RICH_MARKUP), listed


# ---------------------------------------------------------------- XML entities


@pytest.fixture(scope="module")
def laughs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Return the RDF/XML files declaring entities: nested ones under three suffixes, and
    an external one."""
    folder = tmp_path_factory.mktemp("laughs")
    return [hostile.billion_laughs(folder), hostile.billion_laughs(folder, "laughs.owl"),
            hostile.billion_laughs(folder, "laughs.trix"), hostile.external_entity(folder)]


def test_cli_import_and_ingest_refuse_xml_entity_declarations(
        laughs: list[Path], tmp_path: Path) -> None:
    # Read with its entities expanded, laughs.rdf kept rdflib busy for 308 s; refused, the
    # command ends at once (the timeout is a backstop, not a measurement).
    db = str(tmp_path / "laughs.db")
    for path in laughs:
        for command in ("import", "ingest"):
            done = influence(command, str(path), "--store", db, env=ENV, timeout=120)
            out = done.stdout + done.stderr
            assert done.returncode == 2, (command, path.name, out[-2000:])
            assert path.name in out and "declares the entity" in out, (command, out[-2000:])
            assert "Traceback" not in out
    store = open_store(db)
    try:
        assert store.stats().model_dump() == {"entities": 0, "relations": 0, "documents": 0,
                                              "evidence": 0}
    finally:
        store.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_refuses_xml_entity_declarations_and_stores_nothing(
        api: TestClient, laughs: list[Path], store: GraphStore) -> None:
    for path in laughs:
        for ctype in ("application/rdf+xml", "application/octet-stream"):
            r = api.post("/api/documents", files={"file": (path.name, path.read_bytes(), ctype)})
            assert r.status_code == 400, (path.name, r.status_code, r.text[:300])
            assert "declares the entity" in r.json()["detail"], r.json()
    # the same body named as a plain upload, recognized by its content type alone
    body = laughs[0].read_bytes()
    r = api.post("/api/documents", files={"file": ("upload", body, "application/rdf+xml")})
    assert r.status_code == 400 and "declares the entity" in r.json()["detail"], r.text[:300]
    assert store.stats().documents == 0 and store.stats().entities == 0


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_reads_rdf_xml_uploads_as_rdf(api: TestClient, store: GraphStore,
                                         tmp_path: Path) -> None:
    path = hostile.rdf_xml(tmp_path)
    for name, ctype in ((path.name, "application/octet-stream"), ("graph", "application/rdf+xml"),
                        ("graph.xml", "application/xml")):
        r = api.post("/api/documents", files={"file": (name, path.read_bytes(), ctype)})
        assert r.status_code == 201, (name, r.status_code, r.text[:300])
        triples = r.json()["triples"]
        assert [(t["subject"]["name"], t["predicate"], t["object"]["name"]) for t in triples] == [
            ("Russia", "funds", "Sputnik Serbia")], triples
        assert not r.json()["document"]["title"].startswith("<?xml")
    assert store.stats().relations == 1


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_api_refuses_other_xml_with_415_listing_formats(api: TestClient,
                                                       store: GraphStore) -> None:
    body = b'<?xml version="1.0"?>\n<catalog><book>Russia funds Sputnik Serbia.</book></catalog>\n'
    for name, ctype in (("books.xml", "application/octet-stream"), ("books", "text/xml"),
                        ("books", "application/octet-stream")):
        r = api.post("/api/documents", files={"file": (name, body, ctype)})
        assert r.status_code == 415, (name, ctype, r.status_code, r.text[:300])
        assert ".rdf" in r.json()["detail"] and ".pdf" in r.json()["detail"], r.json()
    assert store.stats().documents == 0
