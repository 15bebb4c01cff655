"""ReadSlots: at most N reads work at once, the rest wait; writes, /health and static files
never wait; a slot is freed when the answer starts; the app's default follows the store."""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
from starlette.types import Receive, Scope, Send

from api.app import ReadSlots, create_app
from api.settings import Settings
from graph.sqlite_store import SqliteStore


class Counting:
    """An ASGI app that records how many requests it serves at once. With ``work_first`` it
    works (sleeps) before it starts its answer; otherwise it starts the answer first, and a
    request for ``/stream`` then waits for ``finish`` before ending it."""

    def __init__(self, work_first: bool) -> None:
        self.work_first = work_first
        self.now = 0
        self.most = 0
        self.finish = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            if self.work_first:
                await asyncio.sleep(0.05)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            if not self.work_first:
                if scope["path"] == "/stream":
                    await self.finish.wait()
                else:
                    await asyncio.sleep(0.05)
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.now -= 1


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                             base_url="http://test")


def test_reads_beyond_the_slots_wait_and_all_are_answered() -> None:
    inner = Counting(work_first=True)

    async def main() -> list[int]:
        async with _client(ReadSlots(inner, slots=2)) as client:
            answers = await asyncio.gather(*(client.get(f"/api/paths?n={i}") for i in range(8)))
        return [a.status_code for a in answers]

    assert asyncio.run(main()) == [200] * 8
    assert inner.most == 2


def test_an_app_served_by_one_event_loop_after_another_keeps_working() -> None:
    inner = Counting(work_first=True)
    slots = ReadSlots(inner, slots=1)

    async def main() -> list[int]:
        async with _client(slots) as client:
            answers = await asyncio.gather(*(client.get("/api/stats") for _ in range(3)))
        return [a.status_code for a in answers]

    assert asyncio.run(main()) == [200] * 3  # requests waited: the semaphore met this loop
    assert asyncio.run(main()) == [200] * 3  # a new loop, as each TestClient starts one


def test_writes_health_and_static_files_never_wait() -> None:
    inner = Counting(work_first=True)

    async def main() -> None:
        async with _client(ReadSlots(inner, slots=1)) as client:
            await asyncio.gather(client.post("/api/documents", content=b"x"),
                                 client.post("/api/documents", content=b"y"),
                                 client.get("/health"), client.get("/static/app.js"))

    asyncio.run(main())
    assert inner.most == 4


def test_a_slot_is_freed_when_the_answer_starts() -> None:
    # at the ASGI level: httpx's ASGI transport waits for a whole answer before returning
    assert asyncio.run(_started_answer_frees_slot()) == 200


async def _started_answer_frees_slot() -> int:
    """Serve one answer that starts and then stalls, and a second read meanwhile, through
    ReadSlots(slots=1) at the ASGI level; return the second read's status."""
    inner = Counting(work_first=False)
    slots = ReadSlots(inner, slots=1)
    statuses: list[int] = []

    def scope(path: str) -> Scope:
        return {"type": "http", "method": "GET", "path": path, "headers": []}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def sink(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))  # type: ignore[call-overload]

    stalled = asyncio.ensure_future(slots(scope("/stream"), receive, sink))  # type: ignore[arg-type]
    while not statuses:
        await asyncio.sleep(0.01)
    await asyncio.wait_for(slots(scope("/api/stats"), receive, sink), timeout=5.0)  # type: ignore[arg-type]
    inner.finish.set()
    await stalled
    return statuses[-1]


def test_default_slots_follow_the_store(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "a.db"))
    assert settings.read_slots(remote=False) >= 1
    assert settings.read_slots(remote=True) == 8 * settings.read_slots(remote=False)
    assert Settings(read_concurrency=3).read_slots(remote=True) == 3
    store = SqliteStore(str(tmp_path / "a.db"))
    try:
        app = create_app(settings, store=store)
        layer: object = app.build_middleware_stack()
        while layer is not None and not isinstance(layer, ReadSlots):
            layer = getattr(layer, "app", None)
        assert isinstance(layer, ReadSlots)
        assert layer.size == settings.read_slots(remote=False)
    finally:
        store.close()


class Hanging:
    """A store whose every call waits for ``gate`` first (a store that hangs)."""

    def __init__(self, inner: SqliteStore, gate: threading.Event) -> None:
        self.inner = inner
        self.gate = gate

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: object, **kwargs: object) -> object:
            self.gate.wait(30)
            return attr(*args, **kwargs)

        return call


def test_reads_queued_behind_a_hung_store_get_503_within_5_s(tmp_path: Path) -> None:
    gate = threading.Event()
    store = SqliteStore(str(tmp_path / "a.db"))
    app = create_app(Settings(store=str(tmp_path / "a.db"), read_concurrency=1),
                     store=Hanging(store, gate))  # type: ignore[arg-type]

    async def main() -> tuple[tuple[int, float], tuple[int, float]]:
        async with _client(app) as client:
            async def timed(url: str) -> tuple[int, float]:
                started = time.monotonic()
                answer = await client.get(url)
                return answer.status_code, time.monotonic() - started

            return await asyncio.gather(timed("/api/stats"), timed("/api/entities?q=x"))

    try:
        answers = asyncio.run(main())
    finally:
        gate.set()
        store.close()
    assert [status for status, _ in answers] == [503, 503]
    assert max(seconds for _, seconds in answers) < 5.0
