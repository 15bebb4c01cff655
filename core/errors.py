"""The exceptions every layer raises; the API and the CLI map them to codes in one place each."""
from __future__ import annotations


class InfluenceError(Exception):
    """Base of every error this project raises on purpose."""


class InputError(InfluenceError):
    """Bad input from a user: a file, a field, a parameter. Maps to HTTP 400/422, CLI exit 2."""


class TooLarge(InputError):
    """An input over a configured size limit. Maps to HTTP 413."""


class UnsupportedMediaType(InputError):
    """A request body or uploaded file of a type no loader reads. Maps to HTTP 415."""


class Unauthorized(InputError):
    """A write (or a read, when read keys are set) without an API key. Maps to HTTP 401."""


class Forbidden(InputError):
    """An API key that is not one of the configured keys. Maps to HTTP 403."""


class NotFound(InfluenceError):
    """An entity, relation, document or snapshot that does not exist. Maps to HTTP 404.

    ``suggestions`` holds "did you mean" names when the lookup was by name.
    """

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class Ambiguous(NotFound):
    """A name that matches several entities. Maps to HTTP 409."""


class StoreUnavailable(InfluenceError):
    """The store cannot be reached (Neo4j down, file locked). Maps to HTTP 503."""
