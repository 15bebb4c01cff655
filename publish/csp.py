"""Every Content-Security-Policy the service sends, decided here.

The API's JSON answers run nothing and may not be framed; the docs pages load their own
scripts, so they only get the frame rule; the explorer runs its own script files; a
self-contained page (a drawing, a snapshot) runs exactly its inline scripts, by hash;
the static views of a snapshot (JSON, SVG, embed snippet) run nothing and any site may
frame them.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
DOCS = "frame-ancestors 'none'"
EXPLORER = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
FRAMEABLE_NO_SCRIPT = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                       "frame-src 'self'; base-uri 'none'; frame-ancestors *")


def script_hash(text: str) -> str:
    """Return the CSP source (``'sha256-...'``) allowing exactly this inline script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_page(scripts: Sequence[str], frameable: bool | None) -> str:
    """Return the Content-Security-Policy of a self-contained page running only ``scripts``.

    ``frameable`` True lets any site frame the page, False none; None leaves the rule out
    (a ``<meta>`` policy, where browsers ignore it).
    """
    sources = " ".join(script_hash(s) for s in scripts)
    policy = (f"default-src 'none'; script-src {sources}; style-src 'unsafe-inline'; "
              f"img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'")
    if frameable is None:
        return policy
    return policy + f"; frame-ancestors {'*' if frameable else chr(39) + 'none' + chr(39)}"


def frames_allowed(policy: str) -> bool:
    """Return True when ``policy`` lets any site frame the answer (no X-Frame-Options then)."""
    return "frame-ancestors *" in policy
