"""Name normalization shared by entity resolution, search and ids."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Letters NFKD does not decompose into a base letter plus accents.
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ı": "i",
                       "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th",
                       "Þ": "th", "ð": "d", "Ð": "d", "ħ": "h", "Ħ": "h"})
CACHED_NAME = 200  # longest name whose key is remembered
# control characters, bidi marks, zero-width space, word joiner and BOM (the joiners U+200C/D
# stay: Persian and Indic names need them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def name_key(name: str) -> str:
    """Return the matching key of a name: accents folded, case folded, punctuation to spaces.

    ``name_key("Aleksandar Vučić") == name_key("ALEKSANDAR VUCIC") == "aleksandar vucic"``.
    A leading "the " and a trailing possessive "'s" are dropped.
    """
    # the same names come back in every document: short ones are remembered (bounded)
    return _remembered_key(name) if len(name) <= CACHED_NAME else _key(name)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"'s\b", "", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    text = " ".join(text.split())
    while text.startswith("the "):
        text = text[4:]
    return text


_remembered_key = lru_cache(maxsize=65536)(_key)


def _clean(name: str) -> str:
    return " ".join(_CONTROL.sub("", name).split())


_remembered_clean = lru_cache(maxsize=65536)(_clean)


def clean_name(name: str) -> str:
    """Return a name with control characters and bidi marks removed and spaces collapsed.

    The result is what is stored and shown; HTML escaping happens at rendering. Names repeat
    across the triples of a batch: short ones are remembered.
    """
    return _remembered_clean(name) if len(name) <= CACHED_NAME else _clean(name)


def entity_id(name: str) -> str:
    """Return the stable id of the entity whose canonical name is ``name``.

    A readable slug of the name key; long or non-slug names get a hash suffix so the id
    stays short and unique. The same key always gives the same id, across runs and stores.
    """
    key = name_key(name)
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    if not key:
        return "e-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
    slug = key.replace(" ", "-")
    if len(slug) > 64:
        return slug[:52].rstrip("-") + "-" + digest[:10]
    return slug


def content_hash(text: str | bytes) -> str:
    """Return the sha256 hex digest used as a document id."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()
