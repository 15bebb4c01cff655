"""Fetching URLs from a local HTTP server: pages, PDFs, limits, loops, errors, endless bodies."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.settings import Settings
from core.errors import InputError, TooLarge
from loaders import fetch
from loaders.documents import fetch_url
from loaders.fetch import address_kind
from tests import hostile

PAGE = (b"<!DOCTYPE html><html><head><title>Jets for Serbia</title></head><body>"
        b"<nav>Home | World | Sign in</nav><article><h1>Jets for Serbia</h1>"
        b"<p>Serbia buys Rafale fighter jets from France in a deal worth 2.7 billion euros, "
        b"the largest arms purchase in the country's history.</p>"
        b"<p>Aleksandar Vucic leads Serbia and signed the contract in Belgrade.</p>"
        b"</article><script>var x = 'Kremlin';</script></body></html>")
TIMEOUT = 2.0
LIMIT = 100_000
HOSTS: list[str | None] = []  # the Host header of each request the test server answered
CHANGING = [b"Russia funds Sputnik Serbia."]  # versions of /changing, the last one served


class Handler(BaseHTTPRequestHandler):
    """Routes of the test server; ``server.pdf`` holds a small PDF."""

    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_body(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the slow route)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream(self, chunk: bytes, pause: float) -> None:
        """Send a chunked body that never ends (until the client goes or 30 s pass)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        stop = time.monotonic() + 30
        try:
            while time.monotonic() < stop:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:
            pass

    def do_GET(self) -> None:
        path = self.path
        HOSTS.append(self.headers.get("Host"))
        if path == "/page.html":
            self.send_body(PAGE, "text/html; charset=utf-8")
        elif path == "/report.pdf":
            self.send_body(self.server.pdf, "application/pdf")  # type: ignore[attr-defined]
        elif path == "/download":
            self.send_body(self.server.pdf, "application/octet-stream")  # type: ignore
        elif path == "/notes":
            self.send_body("Vučić meets Putin in Moscow.".encode(), "text/plain; charset=utf-8")
        elif path == "/image.png":
            self.send_body(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        elif path == "/moved":
            self.redirect("/page.html")
        elif path == "/loop-a":
            self.redirect("/loop-b")
        elif path == "/loop-b":
            self.redirect("/loop-a")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{n + 1}")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-loopback":
            self.redirect(f"http://[::1]:{self.server.server_address[1]}/page.html")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/broken":
            self.send_body(b"<h1>Internal error</h1>", "text/html", 500)
        elif path == "/slow":
            time.sleep(TIMEOUT + 3)
            self.send_body(PAGE, "text/html")
        elif path == "/forever":
            self.stream(b"<p>" + b"Russia funds Sputnik Serbia. " * 300 + b"</p>", 0)
        elif path == "/drip":
            self.stream(b"<p>drip</p>", 0.2)
        elif path == "/liar":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(LIMIT * 10))
            self.end_headers()
        elif path == "/empty":
            self.send_body(b"", "text/plain")
        elif path == "/changing":  # the page as it reads now: the last of CHANGING
            self.send_body(CHANGING[-1], "text/plain")
        else:
            self.send_body(b"not found", "text/plain", 404)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pdf = hostile.make_pdf(tmp_path_factory.mktemp("pdf") / "r.pdf",
                           [["Viktor Orban leads Hungary."], ["Hungary depends on Russian gas."]])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.pdf = pdf.read_bytes()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=TIMEOUT, fetch_max_redirects=3, max_upload_bytes=LIMIT,
                    fetch_allow_private=True)


def test_html_page_is_fetched_without_its_chrome(server: str, settings: Settings) -> None:
    [doc] = fetch_url(f"{server}/page.html", settings)
    assert "Serbia buys Rafale fighter jets from France" in doc.text
    assert "Sign in" not in doc.text and "Kremlin" not in doc.text
    assert doc.title == "Jets for Serbia" and doc.url == f"{server}/page.html"


def test_pdf_is_fetched_with_its_pages(server: str, settings: Settings) -> None:
    [doc] = fetch_url(f"{server}/report.pdf", settings)
    assert [n for _, n in doc.pages] == [1, 2]
    assert doc.page_at(doc.text.index("Hungary depends")) == 2


def test_octet_stream_is_sniffed_and_plain_text_read(server: str, settings: Settings) -> None:
    [pdf] = fetch_url(f"{server}/download", settings)
    assert pdf.pages and "Viktor Orban" in pdf.text
    [note] = fetch_url(f"{server}/notes", settings)
    assert note.text == "Vučić meets Putin in Moscow."


def test_redirect_is_followed_to_the_final_url(server: str, settings: Settings) -> None:
    [doc] = fetch_url(f"{server}/moved", settings)
    assert doc.url == f"{server}/page.html" and "Rafale" in doc.text


@pytest.mark.parametrize(("path", "message", "error"), [
    ("/loop-a", "redirects in a loop", InputError),
    ("/chain/0", "more than 3 redirects", InputError),
    ("/to-file", "non-http URL", InputError),
    ("/broken", "answered 500", InputError),
    ("/absent", "answered 404", InputError),
    ("/image.png", "unsupported content type 'image/png'", InputError),
    ("/liar", "over the limit", TooLarge),
    ("/forever", "over the limit", TooLarge),
    ("/empty", "empty", InputError),
])
def test_bad_answers_are_input_errors_naming_the_url(server: str, settings: Settings, path: str,
                                                     message: str, error: type) -> None:
    url = f"{server}{path}"
    with pytest.raises(InputError) as caught:
        fetch_url(url, settings)
    assert type(caught.value) is error
    assert url in str(caught.value) and message in str(caught.value)


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_a_server_that_never_finishes_is_cut_at_the_deadline(server: str, settings: Settings,
                                                             path: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=f"{path}: no complete answer within 2 seconds"):
        fetch_url(f"{server}{path}", settings)
    assert time.monotonic() - started < TIMEOUT + 2


@pytest.mark.parametrize("url", ["ftp://example.org/x.pdf", "file:///etc/passwd",
                                 "javascript:alert(1)", "http://", "not a url"])
def test_only_http_urls_are_fetched(url: str, settings: Settings) -> None:
    with pytest.raises(InputError, match="http"):
        fetch_url(url, settings)


def test_refused_connection_is_an_input_error(settings: Settings, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=f"127.0.0.1:{port}/x: cannot fetch"):
        fetch_url(f"http://127.0.0.1:{port}/x", settings)


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.0.0.1", "private"), ("192.168.1.20", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"), ("100.64.0.1", "non-public"),
    ("64:ff9b::a9fe:a9fe", "link-local"), ("2002:7f00:1::", "loopback"),
    ("93.184.216.34", None), ("2606:4700:4700::1111", None),
])
def test_addresses_outside_the_public_internet_are_named(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


@pytest.mark.parametrize(("where", "kind"), [
    ("{server}/page.html", "loopback"), ("http://localhost:9/x", "loopback"),
    ("http://[::1]:9/x", "loopback"), ("http://10.0.0.1/admin", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"), ("http://0.0.0.0:9/", "unspecified"),
])
def test_private_urls_are_refused_by_default(server: str, where: str, kind: str) -> None:
    url = where.format(server=server)
    HOSTS.clear()
    settings = Settings(fetch_timeout=TIMEOUT)
    assert settings.fetch_allow_private is False
    with pytest.raises(InputError) as caught:
        fetch_url(url, settings)
    message = str(caught.value)
    assert message.startswith(f"{url}: refused") and f"a {kind} address" in message
    assert "INFLUENCE_FETCH_ALLOW_PRIVATE=true" in message
    assert HOSTS == []


def test_the_allow_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFLUENCE_FETCH_ALLOW_PRIVATE", "true")
    assert Settings().fetch_allow_private is True


@pytest.fixture
def public_test_server(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend the test server is on the internet: ``news.test`` resolves to it and its
    address 127.0.0.1 counts as public; return its base URL by that name."""
    real_resolve, real_kind = socket.getaddrinfo, fetch.address_kind
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real_resolve(
        "127.0.0.1" if host == "news.test" else host, *a, **k))
    monkeypatch.setattr(fetch, "address_kind",
                        lambda address: None if address == "127.0.0.1" else real_kind(address))
    return server.replace("127.0.0.1", "news.test")


def test_a_public_host_is_fetched_at_the_address_that_was_checked(
        public_test_server: str) -> None:
    HOSTS.clear()
    [doc] = fetch_url(f"{public_test_server}/moved", Settings(fetch_timeout=TIMEOUT))
    assert doc.url == f"{public_test_server}/page.html" and "Rafale" in doc.text
    assert HOSTS == [public_test_server.removeprefix("http://")] * 2


@pytest.mark.parametrize(("path", "hop", "kind"), [
    ("/to-metadata", "http://169.254.169.254/latest/meta-data/", "link-local"),
    ("/to-loopback", "http://[::1]:", "loopback"),
])
def test_a_redirect_to_a_private_address_is_refused(public_test_server: str, path: str,
                                                    hop: str, kind: str) -> None:
    url = f"{public_test_server}{path}"
    with pytest.raises(InputError) as caught:
        fetch_url(url, Settings(fetch_timeout=TIMEOUT))
    message = str(caught.value)
    assert message.startswith(f"{url}: refused (redirected to {hop}")
    assert f"a {kind} address" in message and "INFLUENCE_FETCH_ALLOW_PRIVATE" in message


def test_a_second_dns_answer_cannot_move_the_connection(public_test_server: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    resolve = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> object:
        if host == "news.test":
            asked.append(host)
            host = "127.0.0.1" if len(asked) == 1 else "203.0.113.9"
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    [doc] = fetch_url(f"{public_test_server}/page.html", Settings(fetch_timeout=TIMEOUT))
    assert "Rafale" in doc.text and asked == ["news.test"]


def test_a_page_fetched_again_after_it_changed_replaces_its_earlier_version(
        server: str, settings: Settings, tmp_path: Path) -> None:
    from graph.sqlite_store import SqliteStore
    from loaders.pipeline import ingest_fetched

    store = SqliteStore(str(tmp_path / "pages.db"))
    try:
        first = ingest_fetched(store, server + "/changing", settings)
        CHANGING.append(b"Russia funds Sputnik Serbia. Gazprom Neft owns a majority stake in NIS.")
        second = ingest_fetched(store, server + "/changing", settings)
        assert first[0][0].id != second[0][0].id
        assert [d.id for d in store.iter_documents()] == [second[0][0].id]
        assert all(r.evidence_count == 1 for r in store.iter_relations(include_flagged=True))
    finally:
        store.close()
