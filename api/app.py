"""The FastAPI application: ``create_app(settings)`` assembles routers, errors and the store.

Run it with ``uvicorn --factory api.app:create_app`` or ``influence serve``.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import StoreHolder
from api.errors import install_error_handlers
from api.routes import (
    documents,
    entities,
    explorer,
    export,
    health,
    paths,
    rankings,
    relations,
    review,
    snapshots,
    visualize,
)
from api.settings import Settings, get_settings
from core.errors import InfluenceError, TooLarge
from core.limits import check_size
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore, is_neo4j
from publish import csp
from publish.render import STATIC

log = logging.getLogger("influence.api")

#: Routers owned by other modules, plugged in when they exist.
#: How long a request may go without an answer before the store is pinged, and how long
#: that ping may take: together under 5 s, so an unreachable store is a 503 within 5 s.
GUARD_WAIT = 3.5
GUARD_PING = 1.0
#: Slack over the upload limit for every other request body (multipart framing, JSON).
BODY_SLACK = 1024 * 1024


def _store_read(scope: Scope) -> bool:
    """Return True for an HTTP read that may wait on the store: GET or HEAD, except
    ``/health`` (it checks the store itself, with its own timeout) and static files."""
    path = scope.get("path", "")
    return (scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
            and path != "/health" and not path.startswith("/static/"))


class StoreGuard:
    """ASGI middleware: a request that has not started answering after ``GUARD_WAIT`` seconds
    while the store does not answer a ping within ``GUARD_PING`` seconds gets a 503 at once.

    A slow answer from a healthy store (a large ranking) is left to finish. Writes are never
    cut short: their work would go on in its thread and might commit after a 503 was sent;
    they end on their own with the store's retries and timeouts (StoreUnavailable → 503).
    """

    def __init__(self, app: ASGIApp, holder: StoreHolder, wait: float = GUARD_WAIT,
                 ping: float = GUARD_PING) -> None:
        self.app = app
        self.holder = holder
        self.wait = wait
        self.ping = ping

    async def _store_answers(self) -> bool:
        def check() -> None:
            self.holder.get().ping()

        try:
            await asyncio.wait_for(run_in_threadpool(check), timeout=self.ping)
        except (TimeoutError, InfluenceError, OSError):
            return False
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _store_read(scope):
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()
        abandoned = False

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        waiter = asyncio.ensure_future(started.wait())

        def pending() -> bool:
            return not started.is_set() and not task.done()

        try:
            await asyncio.wait({task, waiter}, timeout=self.wait,
                               return_when=asyncio.FIRST_COMPLETED)
            # asked again after the ping: the answer may have started meanwhile
            if pending() and not await self._store_answers() and pending():
                abandoned = True
                task.cancel()
                task.add_done_callback(_swallow)
                await _send_json(send, 503, {
                    "detail": "the store did not answer in time", "suggestions": []})
                return
        finally:
            waiter.cancel()
        await task


def _swallow(task: asyncio.Future) -> None:
    if not task.cancelled():
        task.exception()


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            (b"retry-after", b"5")]})
    await send({"type": "http.response.body", "body": data})


class ReadSlots:
    """ASGI middleware: at most ``slots`` store reads (``_store_read``) work at once; the
    others wait their turn on the event loop, holding no thread.

    Reads are CPU work in Python between store calls that release the GIL: eight at once on
    two cores spend most of their time handing the GIL to one another (measured: twice the
    CPU per /api/paths request). A slot is freed when the answer starts, so a client that
    reads its answer slowly holds none.
    """

    def __init__(self, app: ASGIApp, slots: int) -> None:
        self.app = app
        self.size = slots
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        """Return the semaphore of the running event loop (an app served by one loop after
        another, as test clients do, gets a fresh one for each)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or loop is not self._loop:
            self._loop, self._slots = loop, asyncio.Semaphore(self.size)
        return self._slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _store_read(scope):
            await self.app(scope, receive, send)
            return
        slots = self.slots()
        await slots.acquire()
        held = True

        async def freeing_send(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                slots.release()
            await send(message)

        try:
            await self.app(scope, receive, freeing_send)
        finally:
            if held:
                slots.release()


class BodyLimit:
    """ASGI middleware: no request body may exceed ``limit`` bytes (413), checked as it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit():
                try:
                    check_size("request body", int(value), self.limit)
                except TooLarge as exc:
                    await _send_json(send, 413, {"detail": str(exc), "suggestions": []})
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                check_size("request body", seen, self.limit, whole=False)
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """ASGI middleware: a restrictive Content-Security-Policy and frame rules on every answer.

    A route that sets its own CSP keeps it (pages with their own scripts; snapshots, which
    any site may frame). Everything else gets ``default-src 'none'`` and may not be framed;
    the API docs pages load their own scripts, so they only get the frame rule.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "") in {"/docs", "/redoc", "/docs/oauth2-redirect"}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                policy = next((v.decode("latin-1") for k, v in headers
                               if k.lower() == b"content-security-policy"), None)
                if policy is None:
                    policy = csp.DOCS if docs else csp.API
                    headers.append((b"content-security-policy", policy.encode("latin-1")))
                if not csp.frames_allowed(policy) and b"x-frame-options" not in names:
                    headers.append((b"x-frame-options", b"DENY"))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Return the API application.

    Parameters
    ----------
    settings : the configuration; the environment's (``INFLUENCE_*``) when None.
    store : a ready store to serve (tests); when None the app opens ``settings.store``
        once at startup (or at the first request if it was down) and closes it at shutdown.
    """
    settings = settings or get_settings()
    holder = StoreHolder(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(holder.get)
        except InfluenceError as exc:
            log.warning("store not available at startup: %s", exc)
        yield
        holder.close()

    app = FastAPI(
        title="Influence Graph",
        version=health.app_version(),
        description="Typed influence relations extracted from documents, each with the "
                    "sentences it comes from: search entities, read their relations and "
                    "evidence, find influence paths, rank actors, ingest and export.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store_holder = holder
    install_error_handlers(app)
    for module in (health, entities, relations, paths, rankings, documents, export, review,
                   snapshots, visualize, explorer):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + BODY_SLACK)
    remote = is_neo4j(settings.store) if store is None else not isinstance(store, SqliteStore)
    app.add_middleware(ReadSlots, slots=settings.read_slots(remote))
    app.add_middleware(StoreGuard, holder=holder)
    app.add_middleware(SecurityHeaders)
    return app
