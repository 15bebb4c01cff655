"""Fetching a URL: http(s) only, with a wall-clock deadline, a size limit, a redirect limit
and content-type sniffing. Every failure is an InputError naming the URL.

Unless ``settings.fetch_allow_private``, a URL (and every redirect hop) whose host resolves
to a loopback, private, link-local, multicast, reserved or unspecified address is refused,
and the connection goes to the address that was checked, so that a second DNS answer
cannot point it elsewhere.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from core.errors import InfluenceError, InputError
from core.limits import check_size
from core.settings import Settings

ACCEPTED = {"text/html", "application/xhtml+xml", "application/pdf", "text/plain",
            "text/markdown", "text/x-markdown", "application/octet-stream", ""}
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
USER_AGENT = "influence-graph/0.1 (+https://influence-graph.org)"
REDIRECTS = {301, 302, 303, 307, 308}
# Extra seconds the caller waits beyond the deadline for the worker to notice it.
_GRACE = 1.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ALLOW_HINT = "set INFLUENCE_FETCH_ALLOW_PRIVATE=true to allow fetching from private networks"


@dataclass
class Fetched:
    """The body of a successful fetch."""

    url: str
    content_type: str | None
    body: bytes


def input_error(url: str, message: str, cls: type[InputError] = InputError) -> InputError:
    """Return an InputError (or ``cls``) whose message starts with ``url`` and whose
    ``input`` names it."""
    exc = cls(f"{url}: {message}")
    exc.input = url  # type: ignore[attr-defined]
    return exc


def check_url(url: str) -> None:
    """Return None for an absolute http(s) URL with a host; raise InputError otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise input_error(url, f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise input_error(url, "only http and https URLs can be fetched")
    if not parts.hostname:
        raise input_error(url, "the URL has no host")


def address_kind(address: str) -> str | None:
    """Return why an IP address is not public ("loopback", "private", "link-local",
    "multicast", "reserved", "unspecified" or "non-public"), None for a public one.

    IPv4 addresses inside IPv6 (mapped, 6to4, NAT64) are judged by the IPv4 address.
    Raises ValueError when ``address`` is not an IP address.
    """
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        else:
            ip = ip.ipv4_mapped or ip.sixtofour or ip
    for kind, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


def public_address(url: str, target: str) -> str:
    """Return a resolved address of ``target``'s host once every one of them is public.

    ``url`` is the URL asked for (``target`` is it or a redirect hop); raises InputError
    naming ``url`` when the host does not resolve or any address is not public.
    """
    parts = urlsplit(target)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except ValueError as exc:
        raise input_error(url, f"not a valid URL ({exc})") from None
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise input_error(url, f"cannot fetch (the host {host[:200]} is not found: {reason})"
                          ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        kind = address_kind(address)
        if kind:
            via = "" if target == url else f" (redirected to {target[:200]})"
            where = f"{host} is" if address == host else f"{host[:200]} resolves to {address},"
            raise input_error(url, f"refused{via}: {where} a {kind} address; {_ALLOW_HINT}")
    if not addresses:
        raise input_error(url, f"cannot fetch (the host {host[:200]} has no address)")
    return addresses[0]


def _pinned(target: str, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Return (URL, headers, extensions) of a request to ``target`` sent to ``address``."""
    parts = urlsplit(target)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{userinfo}{at}{shown}" + (f":{parts.port}" if parts.port is not None else "")
    extensions = {"sni_hostname": parts.hostname} if parts.scheme.lower() == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": hostport}, extensions


def download(url: str, settings: Settings) -> Fetched:
    """Return the body at ``url`` within the deadline.

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
        raise input_error(url, f"no complete answer within {settings.fetch_timeout:g} seconds")
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
        outcome.append(input_error(url, f"no complete answer within {settings.fetch_timeout:g} "
                                   "seconds"))
    except httpx.HTTPError as exc:
        outcome.append(input_error(url, f"cannot fetch ({type(exc).__name__}: {exc})"))
    except Exception as exc:  # noqa: BLE001 - reported to the caller as a bad input
        outcome.append(input_error(url, f"cannot fetch ({type(exc).__name__}: {exc})"))


def _download(url: str, settings: Settings, deadline: float) -> Fetched:
    limit = settings.max_upload_bytes
    current = url
    seen = {url}
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    with httpx.Client(follow_redirects=False, trust_env=False, headers=headers) as client:
        for _ in range(settings.fetch_max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise input_error(url, "no complete answer within "
                                       f"{settings.fetch_timeout:g} seconds")
            request: tuple[str, dict[str, str], dict[str, Any]] = (current, {}, {})
            if not settings.fetch_allow_private:
                request = _pinned(current, public_address(url, current))
            with client.stream("GET", request[0], headers=request[1], extensions=request[2],
                               timeout=httpx.Timeout(remaining)) as response:
                final = str(response.url) if settings.fetch_allow_private else current
                if response.status_code in REDIRECTS and "location" in response.headers:
                    target = urljoin(final, response.headers["location"])
                    if urlsplit(target).scheme.lower() not in {"http", "https"}:
                        raise input_error(url, f"redirects to a non-http URL ({target[:200]})")
                    if target in seen:
                        raise input_error(url, f"redirects in a loop (back to {target[:200]})")
                    seen.add(target)
                    current = target
                    continue
                if response.status_code >= 400:
                    raise input_error(url, f"the server answered {response.status_code} "
                                           f"{response.reason_phrase}".rstrip())
                content_type = response.headers.get("content-type")
                mime = (content_type or "").split(";", 1)[0].strip().lower()
                if mime not in ACCEPTED:
                    raise input_error(url, f"unsupported content type {mime!r} (expected "
                                           "HTML, PDF or plain text)")
                declared = response.headers.get("content-length", "")
                if declared.isdigit():
                    check_size(url, int(declared), limit, error=input_error)
                body = _read_body(response, url, limit, deadline, settings.fetch_timeout)
                return Fetched(url=final, content_type=content_type, body=body)
    raise input_error(url, f"more than {settings.fetch_max_redirects} redirects")


def _read_body(response: httpx.Response, url: str, limit: int, deadline: float,
               timeout: float) -> bytes:
    """Return the (decompressed) body; stop at the size limit or the deadline."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        check_size(url, size, limit, whole=False, error=input_error)
        if time.monotonic() > deadline:
            raise input_error(url, f"no complete answer within {timeout:g} seconds")
        chunks.append(chunk)
    return b"".join(chunks)
