"""The DTD check run before any XML parser reads an input: entity declarations refused.

An XML file may declare entities in its DTD that expand into one another (the "billion
laughs" shape: ten entities of ten references each make a gigabyte of text from a
kilobyte); rdflib's RDF/XML and TriX readers expand them through ``xml.sax``, and expat's
amplification limit only stops them after minutes of work in rdflib's handlers. No RDF
this project reads needs a DTD entity, so a declaration of one is refused before parsing.
The check reads the prolog only: it stops at the document's first element.
"""
from __future__ import annotations

from collections.abc import Callable
from xml.parsers import expat

from core.errors import InputError


class _PrologRead(Exception):
    """Raised by the check's handler at the first element: the DTD is behind it."""


def _refuse(name: str) -> Callable[..., None]:
    def handler(entity: str, *_: object) -> None:
        raise InputError(f"{name}: refused: the XML declares the entity {entity!r} in its DTD "
                         "(entity declarations can expand without bound, so none is read)")
    return handler


def _stop(*_: object) -> None:
    raise _PrologRead


def refuse_entity_declarations(data: bytes, name: str) -> None:
    """Return None when the XML ``data`` declares no DTD entity before its first element.

    Raises InputError naming ``name`` for an entity declaration (general or parameter).
    XML that expat cannot read as far as its first element is left to the real parser,
    which reports its own error; external DTDs are never fetched (nor by rdflib's reader).
    """
    parser = expat.ParserCreate()
    parser.EntityDeclHandler = _refuse(name)
    parser.StartElementHandler = _stop
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except (_PrologRead, expat.ExpatError):
        return
