"""The one place where errors become HTTP responses.

Every error the project raises on purpose is a ``core.errors.InfluenceError``; this
module maps each kind to a status code and a JSON body ``{"detail": message, ...}``.
Anything else becomes a bare 500 without a traceback in the body.
"""
from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.deps import require_read, require_write
from core.errors import (
    Ambiguous,
    Forbidden,
    InfluenceError,
    InputError,
    NotFound,
    StoreUnavailable,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

log = logging.getLogger("influence.api")
ECHO_CHARS = 200  # longest string of a request echoed back in a 422
ECHO_ITEMS = 20  # most items of a list or object echoed back


def status_of(exc: InfluenceError) -> int:
    """Return the HTTP status code of a project error (most specific class first)."""
    for cls, code in ((TooLarge, 413), (UnsupportedMediaType, 415), (Unauthorized, 401),
                      (Forbidden, 403), (InputError, 400), (Ambiguous, 409),
                      (NotFound, 404), (StoreUnavailable, 503)):
        if isinstance(exc, cls):
            return code
    return 500


def error_body(exc: InfluenceError) -> dict:
    """Return the JSON body of a project error: its message, and suggestions when it has any."""
    body: dict = {"detail": str(exc) or exc.__class__.__name__}
    if isinstance(exc, NotFound):
        body["suggestions"] = list(exc.suggestions)
    return body


async def _influence_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InfluenceError)
    code = status_of(exc)
    headers: dict[str, str] = {}
    if code == 401:
        headers["WWW-Authenticate"] = "APIKey"
    if code == 503:
        headers["Retry-After"] = "5"
        log.warning("store unavailable on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(error_body(exc), status_code=code, headers=headers)


def _finite(value: Any) -> Any:
    """Return ``value`` fit to echo in an error: non-finite floats (NaN, Infinity) replaced
    by their names, lone surrogates escaped (JSON cannot encode them), strings cut at
    ``ECHO_CHARS`` and lists at ``ECHO_ITEMS`` (a 20 MB body is not sent back)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        text = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…"
    if isinstance(value, dict):
        return {_finite(k): _finite(v) for k, v in list(value.items())[:ECHO_ITEMS]}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value[:ECHO_ITEMS]]
    return value


async def _key_refused(request: Request) -> InfluenceError | None:
    """Return the 401/403 error of the key checks of the request's route when the request
    fails one, else None. FastAPI decodes a JSON body before it runs any dependency, so a
    malformed body would otherwise answer 422 to a caller without a key."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    calls: set[Any] = set()
    stack = [dependant] if dependant is not None else []
    while stack:
        dep = stack.pop()
        calls.add(dep.call)
        stack.extend(dep.dependencies)
    key = request.headers.get("x-api-key")
    for check in (require_write, require_read):
        if check in calls:
            try:
                await check(request.app.state.settings, key)
            except InfluenceError as refused:
                return refused
    return None


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """Return the 422 of a request that does not match its schema, whatever its input held
    (the 401/403 of its key check first: a caller without a key learns nothing of it)."""
    assert isinstance(exc, RequestValidationError)
    refused = await _key_refused(request)
    if refused is not None:
        return await _influence_error(request, refused)
    errors = _finite(jsonable_encoder(exc.errors(), custom_encoder={
        bytes: lambda b: b.decode("utf-8", "replace")}))
    return JSONResponse({"detail": errors}, status_code=422)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping of project errors (and of anything unexpected) on ``app``."""
    app.add_exception_handler(InfluenceError, _influence_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected)

