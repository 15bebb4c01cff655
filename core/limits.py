"""The size limit of an input (``INFLUENCE_MAX_UPLOAD_BYTES``), checked in one place."""
from __future__ import annotations

from collections.abc import Callable

from core.errors import InputError, TooLarge

SETTING = "INFLUENCE_MAX_UPLOAD_BYTES"

ErrorMaker = Callable[[str, str, type[InputError]], InputError]


def _plain(what: str, message: str, cls: type[InputError]) -> InputError:
    return cls(f"{what}: {message}")


def size_message(size: int | None, limit: int) -> str:
    """Return what is wrong with an input of ``size`` bytes (None: not known whole, it was
    cut once past the limit) over ``limit`` bytes."""
    amount = f"{size} bytes is " if size is not None else ""
    return f"{amount}over the limit of {limit} bytes ({SETTING})"


def check_size(what: str, size: int, limit: int, *, whole: bool = True,
               error: ErrorMaker = _plain) -> None:
    """Return None when ``size`` bytes are within ``limit``; raise TooLarge (made by
    ``error(what, message, TooLarge)``, a caller's error with its own attributes) naming
    ``what`` otherwise. ``whole`` False: ``size`` is what was read so far of a longer body,
    so the message gives no size."""
    if size > limit:
        raise error(what, size_message(size if whole else None, limit), TooLarge)
