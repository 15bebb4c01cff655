"""Fetching a URL: http(s) only, with a wall-clock deadline, a size limit, a redirect limit
and content-type sniffing. Every failure is an InputError naming the URL."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from api.settings import Settings, get_settings
from graph.errors import InfluenceError, InputError, TooLarge
from loaders.source import SourceDocument

ACCEPTED = {"text/html", "application/xhtml+xml", "application/pdf", "text/plain",
            "text/markdown", "text/x-markdown", "application/octet-stream", ""}
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
USER_AGENT = "influence-graph/0.1 (+https://influence-graph.org)"
REDIRECTS = {301, 302, 303, 307, 308}
# Extra seconds the caller waits beyond the deadline for the worker to notice it.
_GRACE = 1.0


@dataclass
class Fetched:
    """The body of a successful fetch."""

    url: str
    content_type: str | None
    body: bytes


def _error(url: str, message: str, cls: type[InputError] = InputError) -> InputError:
    exc = cls(f"{url}: {message}")
    exc.input = url  # type: ignore[attr-defined]
    return exc


def check_url(url: str) -> None:
    """Return None for an absolute http(s) URL with a host; raise InputError otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _error(url, f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise _error(url, "only http and https URLs can be fetched")
    if not parts.hostname:
        raise _error(url, "the URL has no host")


def fetch_url(url: str, settings: Settings | None = None) -> list[SourceDocument]:
    """Return the documents of the page or file at ``url``.

    Limits: ``settings.fetch_timeout`` seconds in all (connecting, redirects and reading
    a body that never ends), ``settings.fetch_max_redirects`` redirects (only to http(s)),
    ``settings.max_upload_bytes`` bytes. HTML, PDF and plain text are accepted.
    Raises InputError naming the URL (status >= 400, timeout, loop, refused connection,
    unsupported content type, unreadable body), TooLarge over the size limit.
    """
    from loaders.documents import read_bytes

    settings = settings or get_settings()
    fetched = download(url, settings)
    try:
        return read_bytes(fetched.body, fetched.url, fetched.content_type, fetched.url, settings)
    except InputError as exc:
        if fetched.url != url and url not in str(exc):
            raise _error(url, str(exc), type(exc)) from None
        raise


def download(url: str, settings: Settings) -> Fetched:
    """Return the body at ``url`` within the deadline; raise like ``fetch_url``.

    The download runs in a worker thread so that the deadline holds even while a
    socket read blocks; the worker stops at its own timeouts afterwards.
    """
    check_url(url)
    outcome: list[Fetched | BaseException] = []
    deadline = time.monotonic() + settings.fetch_timeout
    worker = threading.Thread(target=_download_into, args=(url, settings, deadline, outcome),
                              name=f"fetch {url[:60]}", daemon=True)
    worker.start()
    worker.join(settings.fetch_timeout + _GRACE)
    if not outcome:
        raise _error(url, f"no complete answer within {settings.fetch_timeout:g} seconds")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _download_into(url: str, settings: Settings, deadline: float,
                   outcome: list[Fetched | BaseException]) -> None:
    try:
        outcome.append(_download(url, settings, deadline))
    except InfluenceError as exc:
        outcome.append(exc)
    except httpx.TimeoutException:
        outcome.append(_error(url, f"no complete answer within {settings.fetch_timeout:g} "
                                   "seconds"))
    except httpx.HTTPError as exc:
        outcome.append(_error(url, f"cannot fetch ({type(exc).__name__}: {exc})"))
    except Exception as exc:  # noqa: BLE001 - reported to the caller as a bad input
        outcome.append(_error(url, f"cannot fetch ({type(exc).__name__}: {exc})"))


def _download(url: str, settings: Settings, deadline: float) -> Fetched:
    limit = settings.max_upload_bytes
    current = url
    seen = {url}
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    with httpx.Client(follow_redirects=False, trust_env=False, headers=headers) as client:
        for _ in range(settings.fetch_max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _error(url, f"no complete answer within {settings.fetch_timeout:g} seconds")
            with client.stream("GET", current, timeout=httpx.Timeout(remaining)) as response:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    target = urljoin(str(response.url), response.headers["location"])
                    if urlsplit(target).scheme.lower() not in {"http", "https"}:
                        raise _error(url, f"redirects to a non-http URL ({target[:200]})")
                    if target in seen:
                        raise _error(url, f"redirects in a loop (back to {target[:200]})")
                    seen.add(target)
                    current = target
                    continue
                if response.status_code >= 400:
                    raise _error(url, f"the server answered {response.status_code} "
                                 f"{response.reason_phrase}".rstrip())
                content_type = response.headers.get("content-type")
                mime = (content_type or "").split(";", 1)[0].strip().lower()
                if mime not in ACCEPTED:
                    raise _error(url, f"unsupported content type {mime!r} (expected HTML, "
                                 "PDF or plain text)")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _error(url, f"{declared} bytes is over the limit of {limit} bytes "
                                 "(INFLUENCE_MAX_UPLOAD_BYTES)", TooLarge)
                body = _read_body(response, url, limit, deadline, settings.fetch_timeout)
                return Fetched(url=str(response.url), content_type=content_type, body=body)
    raise _error(url, f"more than {settings.fetch_max_redirects} redirects")


def _read_body(response: httpx.Response, url: str, limit: int, deadline: float,
               timeout: float) -> bytes:
    """Return the (decompressed) body; stop at the size limit or the deadline."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _error(url, f"the body is over the limit of {limit} bytes "
                         "(INFLUENCE_MAX_UPLOAD_BYTES)", TooLarge)
        if time.monotonic() > deadline:
            raise _error(url, f"no complete answer within {timeout:g} seconds")
        chunks.append(chunk)
    return b"".join(chunks)
