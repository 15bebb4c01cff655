"""Dependencies of the routes: the store, the settings, API-key checks, shared filters.

No ``from __future__ import annotations`` here: the filter dependency is built at runtime
from the ontology's enums, and FastAPI must see its annotations as objects.
"""

import enum
import hmac
import threading
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyHeader
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from api.schemas import predicate_enum, type_enum
from api.settings import Settings
from core.errors import Forbidden, StoreUnavailable, Unauthorized
from graph.model import RelationFilter
from graph.store import GraphStore, open_store

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="Write key (INFLUENCE_API_KEYS); read key when "
                                           "INFLUENCE_READ_KEYS is set")


class StoreHolder:
    """The one store of an app: opened once (lazily if the first open failed), closed once."""

    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self.owned = store is None
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        """Return the store, opening it on first use; raise StoreUnavailable if it cannot be."""
        if self._store is not None:
            return self._store
        with self._lock:
            if self._store is None:
                try:
                    self._store = open_store(self.settings.store, self.settings)
                except StoreUnavailable:
                    raise
                except OSError as exc:
                    raise StoreUnavailable(f"cannot open the store: {exc}") from exc
            return self._store

    def peek(self) -> GraphStore | None:
        """Return the store if it is open, without trying to open it."""
        return self._store

    def close(self) -> None:
        """Close the store if this holder opened it."""
        if self._store is not None and self.owned:
            self._store.close()
            self._store = None


async def get_settings_dep(request: Request) -> Settings:
    """Return the settings of the app serving this request."""
    return request.app.state.settings


async def get_store(request: Request) -> GraphStore:
    """Return the app's store (StoreUnavailable → 503); opening it, when the first open
    failed, is done on a worker thread."""
    holder: StoreHolder = request.app.state.store_holder
    store = holder.peek()
    return store if store is not None else await run_in_threadpool(holder.get)


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _matches(key: str, keys: list[str]) -> bool:
    """Return True when ``key`` equals one of ``keys``, in constant time per key."""
    given = key.encode("utf-8")
    found = False
    for k in keys:
        found |= hmac.compare_digest(given, k.encode("utf-8"))
    return found


async def require_write(settings: SettingsDep,
                        key: Annotated[str | None, Depends(_api_key_header)] = None) -> None:
    """Allow a write when no write key is configured or the X-API-Key is a write key.

    Raises Unauthorized (401) without a key and Forbidden (403) with a wrong one.
    """
    keys = settings.api_key_list()
    if not keys:
        return
    if not key:
        raise Unauthorized("this endpoint needs an X-API-Key header")
    if not _matches(key, keys):
        raise Forbidden("the X-API-Key is not a write key")


async def editor(settings: SettingsDep, _checked: Annotated[None, Depends(require_write)],
                 key: Annotated[str | None, Depends(_api_key_header)] = None) -> str:
    """Return the name of the write key making a judgement (its author), once
    ``require_write`` let it through; "anonymous" when no write key is configured."""
    names = settings.api_key_names()
    return names.get(key or "", "anonymous") if names else "anonymous"


EditorDep = Annotated[str, Depends(editor)]


async def require_read(settings: SettingsDep,
                       key: Annotated[str | None, Depends(_api_key_header)] = None) -> None:
    """Allow a read when no read key is configured, or the X-API-Key is a read or write key."""
    read_keys = settings.read_key_list()
    if not read_keys:
        return
    if not key:
        raise Unauthorized("reads need an X-API-Key header")
    if not _matches(key, read_keys + settings.api_key_list()):
        raise Forbidden("the X-API-Key is not a read key")


def _split_commas(value: Any) -> Any:
    """Accept ``?predicates=a,b`` as well as ``?predicates=a&predicates=b``."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            out.extend(p.strip() for p in v.split(",") if p.strip()) if isinstance(v, str) \
                else out.append(v)
        return out
    return value


def _names(members: Sequence[enum.Enum]) -> list[str]:
    """Return the ontology names of the members of a predicate or type enum."""
    return [m.value for m in members]


def relation_filter_dep() -> Any:
    """Return a dependency that parses the shared relation filters from the query string.

    ``predicates`` and ``types`` are enums built from the ontology: unknown names are 422.
    """
    Pred = predicate_enum()
    Typ = type_enum()

    async def relation_filter(
        predicates: Annotated[list[Pred], BeforeValidator(_split_commas),  # type: ignore[valid-type]
                              Query(description="Only these predicates (repeat or comma-separate)")] = [],  # noqa: B006
        types: Annotated[list[Typ], BeforeValidator(_split_commas),  # type: ignore[valid-type]
                         Query(description="Only entities of these types")] = [],  # noqa: B006
        since: Annotated[date | None, Query(description="Only relations seen on or after")] = None,
        until: Annotated[date | None, Query(description="Only relations seen on or before")] = None,
        min_confidence: Annotated[float, Query(ge=0.0, le=1.0,
                                               description="Minimum relation confidence")] = 0.0,
    ) -> RelationFilter:
        return RelationFilter(predicates=_names(predicates), types=_names(types), since=since,
                              until=until, min_confidence=min_confidence)

    return relation_filter
