"""Streaming exports of the whole graph: Turtle, JSON-LD, GraphML, GEXF, FollowTheMoney
JSON lines and CSV.

Every exporter iterates ``store.iter_*`` and yields text chunks as it goes; nothing holds
the whole graph. XML is written by hand with ``xml.sax.saxutils`` escaping (and characters
XML cannot carry removed), so hostile names stay data.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib.namespace import NamespaceManager

from core.errors import InputError
from graph.model import EDITED_OUT, Entity, EvidenceView, Relation
from graph.rdf import PREFIXES, TYPE, Description, Iri, Lit, descriptions
from graph.store import GraphStore
from ontology import get_ontology

CONTENT_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
    "graphml": "application/graphml+xml; charset=utf-8",
    "gexf": "application/gexf+xml; charset=utf-8",
    "ftm": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
CHUNK = 64 * 1024
ENTITY_CACHE = 50_000
READ_BATCH = 500  # relations whose ends and best evidence are read in one query each

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates cannot be written as UTF-8
_PNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _namespaces() -> NamespaceManager:
    """Return the prefixes of the export (``graph.rdf.PREFIXES``) as rdflib binds them."""
    manager = NamespaceManager(rdflib.Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        manager.bind(prefix, ns, override=True, replace=True)
    return manager


_NAMESPACES = _namespaces()


def content_type(format: str) -> str:
    """Return the media type of an export format; InputError for an unknown format."""
    try:
        return CONTENT_TYPES[format]
    except KeyError:
        raise InputError(f"unknown export format {format!r}; known: {', '.join(FORMATS)}") from None


def export(store: GraphStore, format: str, include_rejected: bool = False) -> Iterator[str]:
    """Return an iterator of text chunks of the whole graph in ``format``.

    ``ttl`` / ``jsonld``: RDF with the ontology's IRIs (see graph.rdf), importable again.
    ``graphml`` / ``gexf``: entities as nodes, every relation as an edge with its predicate,
    confidence, status and dates (for Gephi, networkx). ``ftm``: FollowTheMoney entities,
    one JSON object a line (asserted relations only). ``csv``: one row per relation with its
    best evidence. Relations an editor rejected are left out unless ``include_rejected``
    (then their status says "rejected"). Raises InputError for an unknown format (before
    anything is read).
    """
    content_type(format)
    writers: dict[str, Callable[[GraphStore, bool], Iterable[str]]] = {
        "ttl": _turtle, "jsonld": _jsonld, "graphml": _graphml, "gexf": _gexf,
        "ftm": _ftm, "csv": _csv}
    return _buffered(writers[format](store, include_rejected))


def _relations(store: GraphStore, include_rejected: bool) -> Iterator[Relation]:
    """Yield every relation, flagged ones included; those an editor rejected (or whose ends
    were merged into one) only when ``include_rejected``."""
    return (r for r in store.iter_relations(None, include_flagged=True)
            if include_rejected or r.status not in EDITED_OUT)


def _buffered(parts: Iterable[str]) -> Iterator[str]:
    """Yield ``parts`` joined into chunks of about CHUNK characters."""
    buf: list[str] = []
    size = 0
    for part in parts:
        buf.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(buf)
            buf, size = [], 0
    if buf:
        yield "".join(buf)


def _xml(text: object) -> str:
    return _XML_ILLEGAL.sub("", str(text))


class _Entities:
    """Entities by id for exporters that need the ends of relations; a bounded cache."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.cache: OrderedDict[str, Entity | None] = OrderedDict()

    def get(self, entity_id: str) -> Entity | None:
        if entity_id in self.cache:
            self.cache.move_to_end(entity_id)
            return self.cache[entity_id]
        found = self.store.get_entities([entity_id])
        self.cache[entity_id] = found[0] if found else None
        if len(self.cache) > ENTITY_CACHE:
            self.cache.popitem(last=False)
        return self.cache[entity_id]

    def prefetch(self, entity_ids: Iterable[str]) -> None:
        """Read the entities not cached yet, in one query."""
        missing = sorted({i for i in entity_ids if i not in self.cache})
        found = {e.id: e for e in self.store.get_entities(missing)} if missing else {}
        for entity_id in missing:
            self.cache[entity_id] = found.get(entity_id)
        while len(self.cache) > ENTITY_CACHE:
            self.cache.popitem(last=False)


def _with_evidence(store: GraphStore, relations: Iterable[Relation], ends: _Entities
                   ) -> Iterator[tuple[Relation, EvidenceView | None]]:
    """Yield each relation with its best evidence, reading ends and evidence per batch."""
    it = iter(relations)
    while chunk := list(islice(it, READ_BATCH)):
        ends.prefetch(i for r in chunk for i in (r.subject, r.object))
        best = store.best_evidence([r.id for r in chunk])
        for r in chunk:
            yield r, best.get(r.id)


# ---------------------------------------------------------------- RDF


def _turtle_literal(lit: Lit) -> str:
    """Return the Turtle form of a literal, written by rdflib (lone surrogates dropped)."""
    datatype = rdflib.URIRef(lit.datatype) if lit.datatype else None
    return rdflib.Literal(_SURROGATE.sub("", lit.value), datatype=datatype,
                          normalize=False).n3(_NAMESPACES)


def _turtle_iri(value: str) -> str:
    """Return the Turtle form of an IRI, written by rdflib: a prefixed name where a prefix
    of the export covers it, else ``<...>`` with the characters an IRI may not hold
    percent-encoded."""
    safe = _NOT_IN_IRI.sub(lambda m: f"%{ord(m.group()):02X}", value)
    return rdflib.URIRef(safe).n3(_NAMESPACES)


def _turtle(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    for prefix, ns in PREFIXES.items():
        yield f"@prefix {prefix}: <{ns}> .\n"
    for subject, pairs in descriptions(store, include_rejected):
        lines = []
        for prop, value in pairs:
            verb = "a" if prop == TYPE else _turtle_iri(prop)
            obj = _turtle_iri(value.value) if isinstance(value, Iri) else _turtle_literal(value)
            lines.append(f"{verb} {obj}")
        yield "\n" + _turtle_iri(subject.value) + " " + " ;\n    ".join(lines) + " .\n"


def _jsonld_key(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and _PNAME.match(value[len(ns):]):
            return f"{prefix}:{value[len(ns):]}"
    return value


def _jsonld_node(desc: Description) -> dict[str, object]:
    subject, pairs = desc
    values: dict[str, list[object]] = {}
    for prop, value in pairs:
        item: object
        if prop == TYPE:
            key, item = "@type", _jsonld_key(value.value)
        elif isinstance(value, Iri):
            key, item = _jsonld_key(prop), {"@id": value.value}
        elif value.datatype is None:
            key, item = _jsonld_key(prop), {"@value": value.value}
        else:
            key, item = _jsonld_key(prop), {"@value": value.value,
                                            "@type": _jsonld_key(value.datatype)}
        values.setdefault(key, []).append(item)
    return {"@id": subject.value, **values}


def _jsonld(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    yield '{"@context": ' + json.dumps(PREFIXES) + ',\n "@graph": ['
    sep = "\n  "
    for desc in descriptions(store, include_rejected):
        yield sep + json.dumps(_jsonld_node(desc), ensure_ascii=False)
        sep = ",\n  "
    yield "\n]}\n"


# ---------------------------------------------------------------- GraphML and GEXF

NODE_FIELDS = (("name", "string"), ("type", "string"), ("aliases", "string"))
EDGE_FIELDS = (("predicate", "string"), ("confidence", "double"), ("status", "string"),
               ("first_seen", "string"), ("last_seen", "string"), ("evidence_count", "int"))


def _node_values(e: Entity) -> dict[str, object]:
    return {"name": e.name, "type": e.type, "aliases": "; ".join(e.aliases)}


def _edge_values(r: Relation) -> dict[str, object]:
    return {"predicate": r.predicate, "confidence": r.confidence, "status": r.status,
            "first_seen": r.first_seen or "", "last_seen": r.last_seen or "",
            "evidence_count": r.evidence_count}


def _graphml(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for name, kind in NODE_FIELDS:
        yield f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n'
    for name, kind in EDGE_FIELDS:
        yield f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '<graph id="influence-graph" edgedefault="directed">\n'
    for e in store.iter_entities():
        data = "".join(f'<data key="n_{k}">{escape(_xml(v))}</data>'
                       for k, v in _node_values(e).items())
        yield f"<node id={quoteattr(_xml(e.id))}>{data}</node>\n"
    for r in _relations(store, include_rejected):
        data = "".join(f'<data key="e_{k}">{escape(_xml(v))}</data>'
                       for k, v in _edge_values(r).items())
        yield (f"<edge id={quoteattr(_xml(r.id))} source={quoteattr(_xml(r.subject))} "
               f"target={quoteattr(_xml(r.object))}>{data}</edge>\n")
    yield "</graph>\n</graphml>\n"


def _gexf_values(values: dict[str, object], fields: tuple[tuple[str, str], ...]) -> str:
    index = {name: i for i, (name, _kind) in enumerate(fields)}
    items = "".join(f'<attvalue for="{index[k]}" value={quoteattr(_xml(v))}/>'
                    for k, v in values.items() if v != "")
    return f"<attvalues>{items}</attvalues>"


def _gexf(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    kinds = {"string": "string", "double": "double", "int": "integer"}
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
           '<meta><creator>Influence Graph</creator></meta>\n'
           '<graph defaultedgetype="directed" mode="static">\n')
    for cls, fields in (("node", NODE_FIELDS), ("edge", EDGE_FIELDS)):
        yield f'<attributes class="{cls}">\n'
        for i, (name, kind) in enumerate(fields):
            yield f'<attribute id="{i}" title="{name}" type="{kinds[kind]}"/>\n'
        yield "</attributes>\n"
    yield "<nodes>\n"
    for e in store.iter_entities():
        yield (f"<node id={quoteattr(_xml(e.id))} label={quoteattr(_xml(e.name))}>"
               f"{_gexf_values(_node_values(e), NODE_FIELDS)}</node>\n")
    yield "</nodes>\n<edges>\n"
    for r in _relations(store, include_rejected):
        yield (f"<edge id={quoteattr(_xml(r.id))} source={quoteattr(_xml(r.subject))} "
               f"target={quoteattr(_xml(r.object))} label={quoteattr(_xml(r.predicate))} "
               f'weight="{r.confidence!r}">{_gexf_values(_edge_values(r), EDGE_FIELDS)}</edge>\n')
    yield "</edges>\n</graph>\n</gexf>\n"


# ---------------------------------------------------------------- FollowTheMoney


def ftm_id(entity_id: str) -> str:
    """Return the FollowTheMoney id of an entity id (ids FtM cannot carry are hashed)."""
    from followthemoney.types import registry

    if registry.entity.clean(entity_id) == entity_id:
        return entity_id
    return "ig-" + hashlib.sha1(entity_id.encode("utf-8")).hexdigest()[:24]


def _ftm_entity(e: Entity) -> dict:
    from followthemoney import model


    info = get_ontology().types.get(e.type)
    proxy = model.make_entity(info.ftm_schema if info and model.get(info.ftm_schema)
                              else "LegalEntity")
    proxy.id = ftm_id(e.id)
    proxy.add("name", e.name)
    proxy.add("alias", e.aliases, quiet=True)
    if "wikidata" in e.external_ids and proxy.schema.get("wikidataId"):
        proxy.add("wikidataId", e.external_ids["wikidata"], quiet=True)
    return proxy.to_dict()


def _ftm_relation(r: Relation, ends: _Entities, best: EvidenceView | None) -> dict | None:
    """Return the FtM edge entity of an asserted relation, or None when its ends are gone.

    The predicate's ``ftm_schema`` is used when both ends fit its source and target
    ranges; otherwise an UnknownLink carries the relation with the predicate as role.
    """
    from followthemoney import model


    onto = get_ontology()
    subject, obj = ends.get(r.subject), ends.get(r.object)
    if subject is None or obj is None:
        return None

    def schema_of(e: Entity) -> Any:
        info = onto.types.get(e.type)
        return model.get(info.ftm_schema if info else "LegalEntity") or model.get("LegalEntity")

    def fits(schema: Any) -> bool:
        return (schema is not None and schema.edge
                and schema_of(subject).is_a(schema.source_prop.range)
                and schema_of(obj).is_a(schema.target_prop.range))

    pred = onto.predicates.get(r.predicate)
    schema: Any = model.get(pred.ftm_schema) if pred else None
    if not fits(schema):
        schema = model.get("UnknownLink")
    proxy = model.make_entity(schema)
    proxy.id = "rel-" + r.id
    proxy.add(schema.edge_source, ftm_id(subject.id))
    proxy.add(schema.edge_target, ftm_id(obj.id))
    label = pred.label if pred else r.predicate
    for prop, value in (("role", label), ("startDate", r.first_seen), ("endDate", r.last_seen)):
        if value and proxy.schema.get(prop):
            proxy.add(prop, str(value), quiet=True)
    if best is not None:
        proxy.add("summary", best.sentence[:4000], quiet=True)
        if best.document_url:
            proxy.add("sourceUrl", best.document_url, quiet=True)
    return proxy.to_dict()


def _ftm(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    for e in store.iter_entities():
        yield json.dumps(_ftm_entity(e), ensure_ascii=False, sort_keys=True) + "\n"
    ends = _Entities(store)
    asserted = (r for r in store.iter_relations(None, include_flagged=False)
                if r.status == "asserted")
    for r, best in _with_evidence(store, asserted, ends):
        edge = _ftm_relation(r, ends, best)
        if edge is not None:
            yield json.dumps(edge, ensure_ascii=False, sort_keys=True) + "\n"


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = ("relation_id", "subject_id", "subject", "subject_type", "predicate",
               "object_id", "object", "object_type", "confidence", "status", "first_seen",
               "last_seen", "evidence_count", "sentence", "document_id", "document_title",
               "url", "date")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Return a CSV cell; text a spreadsheet would run as a formula is prefixed with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(store: GraphStore, include_rejected: bool) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    ends = _Entities(store)
    for r, ev in _with_evidence(store, _relations(store, include_rejected), ends):
        s, o = ends.get(r.subject), ends.get(r.object)
        writer.writerow([
            r.id, _cell(r.subject), _cell(s.name if s else ""), s.type if s else "",
            r.predicate, _cell(r.object), _cell(o.name if o else ""), o.type if o else "",
            r.confidence, r.status, r.first_seen or "", r.last_seen or "", r.evidence_count,
            _cell(ev.sentence if ev else ""), ev.document_id if ev else "",
            _cell(ev.document_title if ev else ""), _cell(ev.document_url if ev else ""),
            (ev.date or "") if ev else ""])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()
