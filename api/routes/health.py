"""Liveness of the service and counts of the store."""
from __future__ import annotations

import asyncio
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep, require_read
from api.schemas import HealthOut, error_responses
from core.errors import InfluenceError
from graph.model import Stats

router = APIRouter(tags=["health"])


def app_version() -> str:
    """Return the installed version of the package."""
    try:
        return version("influence-graph")
    except PackageNotFoundError:
        return "0.0.0"


@router.get("/health", response_model=HealthOut, summary="Is the service up, and its store?",
            description="Always 200 while the service runs; `store` is `unavailable` when the "
                        "store does not answer within a few seconds.")
async def health(request: Request) -> HealthOut:
    """Return the status of the service and of its store."""
    holder = request.app.state.store_holder

    def check() -> None:
        holder.get().ping()

    store = "ok"
    try:
        await asyncio.wait_for(run_in_threadpool(check), timeout=3.0)
    except (TimeoutError, InfluenceError, OSError):
        store = "unavailable"
    return HealthOut(status="ok" if store == "ok" else "degraded", store=store,  # type: ignore[arg-type]
                     version=app_version())


@router.get("/api/stats", response_model=Stats, summary="Counts of the store",
            dependencies=[Depends(require_read)], responses=error_responses(401, 403))
def stats(store: StoreDep) -> Stats:
    """Return the numbers of documents, entities, relations and evidence."""
    return store.stats()
