"""The settings of the service, the CLI and the loaders as plain values.

Nothing here reads the environment: ``api.settings`` reads the ``INFLUENCE_*`` variables
once at the edge (API startup, CLI entry) into this model, and the floors below receive
it as a value.
"""
from __future__ import annotations

import hashlib
import os

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Configuration of the service, the CLI and the loaders (defaults; no environment)."""

    store: str = "./influence.db"
    neo4j_user: str = "neo4j"
    neo4j_password: str = "neo4j"
    neo4j_database: str | None = None
    neo4j_timeout: float = 5.0
    spacy_model: str = "en_core_web_sm"
    api_keys: str = ""
    read_keys: str = ""
    max_upload_bytes: int = 20 * 1024 * 1024
    fetch_timeout: float = 10.0
    fetch_max_redirects: int = 5
    fetch_allow_private: bool = False
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    read_concurrency: int = Field(default=0, ge=0)
    write_batch: int = Field(default=50, ge=1)  # documents per write transaction of an ingest

    def read_slots(self, remote: bool) -> int:
        """Return how many API reads may work at once: ``read_concurrency``, or when it is 0
        one per CPU core this process may run on for the embedded store (its reads are CPU
        work in this process) and eight per core for a ``remote`` one (Neo4j; its reads
        mostly wait on the server)."""
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
            (os.cpu_count() or 1)
        return self.read_concurrency or cores * (8 if remote else 1)

    def api_key_list(self) -> list[str]:
        """Return the configured write keys (an entry ``name:key`` names its key)."""
        return list(self.api_key_names())

    def api_key_names(self) -> dict[str, str]:
        """Return the name of each write key: what precedes its ``:`` in ``name:key``
        entries (the author of the judgements made with it), else "key-" and the first
        characters of the key's sha256 (never the key itself)."""
        names: dict[str, str] = {}
        for entry in (e.strip() for e in self.api_keys.split(",")):
            if not entry:
                continue
            name, sep, key = entry.partition(":")
            if not sep or not name.strip() or not key.strip():
                name, key = "", entry
            names[key.strip()] = name.strip() or \
                "key-" + hashlib.sha256(key.strip().encode()).hexdigest()[:8]
        return names

    def read_key_list(self) -> list[str]:
        """Return the configured read keys."""
        return [k.strip() for k in self.read_keys.split(",") if k.strip()]
