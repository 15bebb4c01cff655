"""The graph as RDF with the ontology's IRIs: the statements an export writes, and the
reader that turns such a file (or plain ``<s> ig:predicate <o>`` triples) back into
documents with their triples, so that export → import round-trips.

Vocabulary written for each kind of node (``ig:`` is the ontology namespace):

- entity ``<…/id/entity/ID> a ig:Type ; rdfs:label ; skos:altLabel ; dct:identifier "k:v"``
- asserted relation: the direct triple ``<subject> ig:predicate <object>``, and for every
  relation ``<…/id/relation/ID> a ig:Relation ; ig:subject ; ig:predicate ; ig:object ;
  ig:confidence ; ig:statementStatus ; ig:firstSeen ; ig:lastSeen ; ig:evidence <…>``
- evidence ``<…/id/evidence/ID> a ig:Evidence ; ig:document ; ig:sentence ; ig:start ;
  ig:end ; ig:page ; ig:date ; ig:extractor ; ig:confidence ; ig:attribution ;
  ig:statementStatus ; ig:past true`` (only when the relation held in the past)
- document ``<…/id/document/ID> a ig:Document ; dct:title ; ig:url ; dct:date ;
  dct:source ; dct:creator ; dct:extent``
- judgement (PROV-O) ``<…/id/judgement/ID> a prov:Activity, ig:Judgement ; ig:judgementKind ;
  prov:endedAtTime ; prov:wasAssociatedWith <…/id/editor/NAME> ; prov:used <entity or
  relation> ; rdfs:comment ; ig:undoneBy``; the editor ``a prov:Agent ; rdfs:label``; and each
  entity or relation an active judgement made or changed ``prov:wasAttributedTo`` its editor
  and ``prov:wasGeneratedBy`` the judgement
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from core.errors import InputError
from core.names import clean_name, content_hash
from graph.dtd import refuse_entity_declarations
from graph.judgements import Judgement
from graph.model import EDITED_OUT, Document, Entity, Evidence, EvidenceView, Relation, Triple
from graph.store import GraphStore
from ontology import get_ontology

IG = "https://influence-graph.org/ontology#"
BASE = "https://influence-graph.org/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
PREFIXES = {"ig": IG, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "xsd": XSD, "dct": DCT,
            "prov": PROV}
TYPE = RDF + "type"
KINDS = ("entity", "relation", "evidence", "document")
# rdflib's format for each file suffix and media type this project reads as RDF
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".n3": "n3", ".rdf": "xml",
                ".owl": "xml", ".trig": "trig", ".nq": "nquads", ".trix": "trix"}
RDF_MEDIA_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle",
                   "application/ld+json": "json-ld", "application/n-triples": "nt",
                   "text/n3": "n3", "application/rdf+xml": "xml", "application/trig": "trig",
                   "application/n-quads": "nquads", "application/trix": "trix"}


@dataclass(frozen=True)
class Iri:
    """An IRI in a statement."""

    value: str


@dataclass(frozen=True)
class Lit:
    """A literal in a statement; ``datatype`` is a full IRI or None for a plain string."""

    value: str
    datatype: str | None = None


Term = Iri | Lit
Description = tuple[Iri, list[tuple[str, Term]]]  # a subject and its (predicate, object)s


def iri(kind: str, ident: str) -> Iri:
    """Return the data IRI of an entity, relation, evidence or document id."""
    return Iri(f"{BASE}{kind}/{quote(ident, safe='-._~')}")


def _decimal(x: float) -> Lit:
    text = repr(float(x))
    if "e" in text or "E" in text:
        text = f"{x:.15f}".rstrip("0")
        text = text + "0" if text.endswith(".") else text
    return Lit(text, XSD + "decimal")


def _int(x: int) -> Lit:
    return Lit(str(int(x)), XSD + "integer")


def _date(d: dt.date) -> Lit:
    return Lit(d.isoformat(), XSD + "date")


def _optional(pairs: list[tuple[str, Term]], prop: str, value: Any, make: Any = Lit) -> None:
    if value is not None and value != "":
        pairs.append((prop, make(value)))


def describe_entity(e: Entity) -> Description:
    """Return the statements of an entity."""
    pairs: list[tuple[str, Term]] = [(TYPE, Iri(IG + e.type)), (RDFS + "label", Lit(e.name))]
    pairs += [(SKOS + "altLabel", Lit(a)) for a in e.aliases]
    pairs += [(DCT + "identifier", Lit(f"{k}:{v}")) for k, v in sorted(e.external_ids.items())]
    return iri("entity", e.id), pairs


def describe_document(d: Document) -> Description:
    """Return the statements of a document."""
    pairs: list[tuple[str, Term]] = [(TYPE, Iri(IG + "Document"))]
    _optional(pairs, DCT + "title", d.title)
    _optional(pairs, IG + "url", d.url)
    _optional(pairs, DCT + "date", d.published, _date)
    _optional(pairs, DCT + "source", d.source)
    _optional(pairs, DCT + "creator", d.author)
    _optional(pairs, DCT + "extent", d.length or None, _int)
    return iri("document", d.id), pairs


def describe_relation(r: Relation) -> list[Description]:
    """Return the statements of a relation: the direct triple when it is asserted, and the
    relation resource with its confidence, status and dates."""
    subject, obj = iri("entity", r.subject), iri("entity", r.object)
    pairs: list[tuple[str, Term]] = [
        (TYPE, Iri(IG + "Relation")), (IG + "subject", subject),
        (IG + "predicate", Iri(IG + r.predicate)), (IG + "object", obj),
        (IG + "confidence", _decimal(r.confidence)), (IG + "statementStatus", Lit(r.status))]
    _optional(pairs, IG + "firstSeen", r.first_seen, _date)
    _optional(pairs, IG + "lastSeen", r.last_seen, _date)
    out: list[Description] = []
    if r.status == "asserted":
        out.append((subject, [(IG + r.predicate, obj)]))
    out.append((iri("relation", r.id), pairs))
    return out


def describe_evidence(ev: EvidenceView) -> list[Description]:
    """Return the statements of one evidence and the link from its relation to it."""
    node = iri("evidence", ev.id)
    pairs: list[tuple[str, Term]] = [
        (TYPE, Iri(IG + "Evidence")), (IG + "document", iri("document", ev.document_id)),
        (IG + "sentence", Lit(ev.sentence))]
    _optional(pairs, IG + "start", ev.start, _int)
    _optional(pairs, IG + "end", ev.end, _int)
    _optional(pairs, IG + "page", ev.page, _int)
    _optional(pairs, IG + "date", ev.date, _date)
    pairs += [(IG + "extractor", Lit(ev.extractor)), (IG + "confidence", _decimal(ev.confidence)),
              (IG + "statementStatus", Lit(ev.status))]
    _optional(pairs, IG + "attribution", ev.attribution)
    if ev.past:
        pairs.append((IG + "past", Lit("true", XSD + "boolean")))
    return [(iri("relation", ev.relation_id), [(IG + "evidence", node)]), (node, pairs)]


def describe_judgement(j: Judgement) -> list[Description]:
    """Return the PROV-O statements of a judgement: the activity, its editor, and (while it
    is active) the attribution of what it made or changed to the editor."""
    node = iri("judgement", j.id)
    editor = iri("editor", j.author)
    used = [iri("entity", e) for e in j.entities] + [iri("relation", r) for r in j.relations]
    pairs: list[tuple[str, Term]] = [
        (TYPE, Iri(PROV + "Activity")), (TYPE, Iri(IG + "Judgement")),
        (IG + "judgementKind", Lit(j.kind)),
        (PROV + "endedAtTime", Lit(j.at, XSD + "dateTime")),
        (PROV + "wasAssociatedWith", editor), *((PROV + "used", u) for u in used)]
    _optional(pairs, RDFS + "comment", j.note)
    if j.undone_by:
        pairs.append((IG + "undoneBy", iri("judgement", j.undone_by)))
    out: list[Description] = [(node, pairs),
                              (editor, [(TYPE, Iri(PROV + "Agent")), (RDFS + "label",
                                                                      Lit(j.author))])]
    if j.active and j.kind != "undo":
        out += [(u, [(PROV + "wasAttributedTo", editor), (PROV + "wasGeneratedBy", node)])
                for u in used]
    return out


def descriptions(store: GraphStore, include_rejected: bool = False) -> Iterator[Description]:
    """Yield the statements of the whole graph, streaming: documents, entities, relations
    (those an editor rejected only with ``include_rejected``), evidence, judgements."""
    left_out: set[str] = set()
    for d in store.iter_documents():
        yield describe_document(d)
    for e in store.iter_entities():
        yield describe_entity(e)
    for r in store.iter_relations(None, include_flagged=True):
        if include_rejected or r.status not in EDITED_OUT:
            yield from describe_relation(r)
        else:
            left_out.add(r.id)
    for ev in store.iter_evidence():
        if ev.relation_id not in left_out:
            yield from describe_evidence(ev)
    for j in store.iter_judgements():
        yield from describe_judgement(j)


# ---------------------------------------------------------------- reading


def rdf_format(name: str, content_type: str | None = None) -> str | None:
    """Return rdflib's format name for an RDF body called ``name`` (by its suffix, then its
    media type), or None when neither says RDF."""
    fmt = RDF_SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None and content_type:
        fmt = RDF_MEDIA_TYPES.get(content_type.split(";", 1)[0].strip().lower())
    return fmt


def refuse_remote_contexts(data: bytes, name: str) -> None:
    """Return None when the JSON-LD ``data`` names no remote context (a string ``@context``
    or ``@import``), which rdflib would fetch from the network while reading the file.

    Raises InputError naming ``name``: a file must carry its context inline. JSON that does
    not parse is left to rdflib, which reports its own error.
    """
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                refs = value if isinstance(value, list) else [value]
                if key in ("@context", "@import") and any(isinstance(v, str) for v in refs):
                    raise InputError(f"{name}: refused: its JSON-LD names a remote context "
                                     f"({next(v for v in refs if isinstance(v, str))!r}), "
                                     "which is never fetched; put the context inline")
                stack.append(value)


def _read_graph(data: bytes, name: str, fmt: str) -> Any:
    import rdflib

    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        refuse_entity_declarations(data, name)
    if fmt == "json-ld":
        refuse_remote_contexts(data, name)
    g = rdflib.Graph()
    try:
        g.parse(data=data, format=fmt, publicID=f"file:///{quote(Path(name).name)}")
    except Exception as exc:  # noqa: BLE001 - every parser failure is the file's fault
        raise InputError(f"{name}: not valid RDF ({fmt}): {exc}") from None
    return g


def _local_id(node: Any, kind: str) -> str | None:
    """Return the id in one of our data IRIs of ``kind``, or None for another IRI."""
    prefix = f"{BASE}{kind}/"
    text = str(node)
    return unquote(text[len(prefix):]) if text.startswith(prefix) else None


def _last_segment(node: Any) -> str:
    text = str(node).rstrip("/#")
    return unquote(text.rsplit("#", 1)[-1].rsplit("/", 1)[-1])


class _Reader:
    """Turns one parsed RDF graph into entities, documents and triples."""

    def __init__(self, path: str, g: Any) -> None:
        from rdflib import URIRef


        self.path = path
        self.g = g
        self.U = URIRef
        self.onto = get_ontology()
        self.entities: dict[Any, Entity] = {}

    def value(self, node: Any, prop: str) -> Any:
        return self.g.value(node, self.U(prop))

    def text(self, node: Any, prop: str) -> str | None:
        v = self.value(node, prop)
        return None if v is None else str(v)

    def number(self, node: Any, prop: str, kind: type = int) -> Any:
        v = self.value(node, prop)
        if v is None:
            return None
        try:
            return kind(str(v))
        except ValueError:
            raise InputError(f"{self.path}: {node} has a bad {_last_segment(prop)}: {v}") from None

    def flag(self, node: Any, prop: str) -> bool:
        """Return the xsd:boolean ``prop`` of ``node`` (False when absent); raise InputError
        naming the node when it is not a boolean."""
        v = self.text(node, prop)
        if v is None:
            return False
        if v.strip().lower() not in ("true", "false", "1", "0"):
            raise InputError(f"{self.path}: {node} has a bad {_last_segment(prop)}: {v}")
        return v.strip().lower() in ("true", "1")

    def day(self, node: Any, prop: str) -> dt.date | None:
        v = self.value(node, prop)
        if v is None:
            return None
        try:
            return dt.date.fromisoformat(str(v)[:10])
        except ValueError:
            raise InputError(f"{self.path}: {node} has a bad date: {v}") from None

    def entity(self, node: Any) -> Entity:
        if node in self.entities:
            return self.entities[node]
        types = [_last_segment(t) for t in self.g.objects(node, self.U(TYPE))
                 if str(t).startswith(IG) and _last_segment(t) in self.onto.types]
        if not types:
            raise InputError(f"{self.path}: {node} has no rdf:type among the ontology's types "
                             f"({', '.join(sorted(self.onto.types))})")
        name = clean_name(self.text(node, RDFS + "label") or self.text(node, SKOS + "prefLabel")
                          or _last_segment(node).replace("-", " "))
        aliases = sorted({clean_name(str(a)) for a in self.g.objects(node, self.U(SKOS + "altLabel"))}
                         - {name, ""})
        external = dict(str(i).split(":", 1) for i in self.g.objects(node, self.U(DCT + "identifier"))
                        if ":" in str(i))
        own_id = _local_id(node, "entity")
        ent = (Entity(id=own_id, name=name, type=min(types), aliases=aliases,
                      external_ids=external) if own_id
               else Entity.named(name, min(types), aliases, external))
        self.entities[node] = ent
        return ent

    def predicate(self, node: Any, where: Any) -> str:
        name = _last_segment(node)
        if not str(node).startswith(IG) or name not in self.onto.predicates:
            raise InputError(f"{self.path}: {where} uses {node}, not a predicate of the ontology "
                             f"(known: {', '.join(sorted(self.onto.predicates))})")
        return name

    def document(self, node: Any) -> Document:
        doc_id = _local_id(node, "document") or content_hash(str(node))
        return Document(id=doc_id, title=self.text(node, DCT + "title") or "",
                        url=self.text(node, IG + "url"), published=self.day(node, DCT + "date"),
                        source=self.text(node, DCT + "source"),
                        author=self.text(node, DCT + "creator"),
                        length=self.number(node, DCT + "extent") or 0)

    def evidence(self, node: Any, fallback_doc: str) -> Evidence:
        doc = self.value(node, IG + "document")
        status = self.text(node, IG + "statementStatus") or "asserted"
        if status not in ("asserted", "negated", "hypothetical", "refused", "alleged"):
            raise InputError(f"{self.path}: {node} has an unknown status {status!r}")
        conf = self.number(node, IG + "confidence", float)
        return Evidence(
            document_id=(_local_id(doc, "document") or content_hash(str(doc))) if doc is not None
            else fallback_doc,
            sentence=self.text(node, IG + "sentence") or "", start=self.number(node, IG + "start"),
            end=self.number(node, IG + "end"), page=self.number(node, IG + "page"),
            date=self.day(node, IG + "date"), extractor=self.text(node, IG + "extractor") or "rdf",
            confidence=1.0 if conf is None else conf,
            attribution=self.text(node, IG + "attribution"), status=status,  # type: ignore[arg-type]
            past=self.flag(node, IG + "past"))


def rdf_to_documents(path: str) -> Iterator[tuple[Document, list[Triple]]]:
    """Yield (document, its triples) read from an RDF file (Turtle, JSON-LD, N-Triples,
    RDF/XML... by suffix, Turtle otherwise) in the export vocabulary; see ``rdf_bytes_to_documents``.

    Raises InputError naming the file when it is missing, not valid RDF, declares XML
    entities or names an unknown predicate, type or status.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    yield from rdf_bytes_to_documents(data, path, rdf_format(path) or "turtle")


def _add_relation_resources(r: _Reader, file_id: str, grouped: dict[str, list[Triple]]
                            ) -> set[tuple[Any, str, Any]]:
    """Add the triples of the relation resources of ``r``'s graph (each evidence under its
    document; one without evidence under the file ``file_id``) to ``grouped``; return the
    (subject, predicate, object) they cover."""
    g, U = r.g, r.U
    covered: set[tuple[Any, str, Any]] = set()
    for rel in set(g.subjects(U(TYPE), U(IG + "Relation"))) | set(g.subjects(U(IG + "subject"),
                                                                              None)):
        s, p, o = (r.value(rel, IG + x) for x in ("subject", "predicate", "object"))
        if s is None or p is None or o is None:
            raise InputError(f"{r.path}: relation {rel} lacks its subject, predicate or object")
        pred = r.predicate(p, rel)
        subject, obj = r.entity(s), r.entity(o)
        covered.add((s, pred, o))
        ev_nodes = sorted(g.objects(rel, U(IG + "evidence")))
        for ev_node in ev_nodes:
            ev = r.evidence(ev_node, file_id)
            grouped.setdefault(ev.document_id, []).append(
                Triple(subject=subject, predicate=pred, object=obj, evidence=ev))
        if not ev_nodes:
            conf = r.number(rel, IG + "confidence", float)
            status = r.text(rel, IG + "statementStatus") or "asserted"
            grouped.setdefault(file_id, []).append(Triple(
                subject=subject, predicate=pred, object=obj, evidence=Evidence(
                    document_id=file_id, sentence=f"{subject.name} {pred} {obj.name}",
                    extractor="rdf", confidence=1.0 if conf is None else conf,
                    date=r.day(rel, IG + "firstSeen"), status=status)))  # type: ignore[arg-type]
    return covered


def _add_plain_triples(r: _Reader, file_id: str, grouped: dict[str, list[Triple]],
                       covered: set[tuple[Any, str, Any]]) -> None:
    """Add each plain ``<s> ig:predicate <o>`` of ``r``'s graph that no relation resource
    covers to ``grouped``, under the file ``file_id``; raise InputError for a predicate in
    the vocabulary's namespace that the ontology does not know."""
    g, U = r.g, r.U
    for s, p, o in g:
        if not str(p).startswith(IG) or _last_segment(p) not in r.onto.predicates:
            if str(p).startswith(IG) and (p, None, None) not in r.onto.graph:
                r.predicate(p, s)  # in our namespace but unknown: a typo, say so
            continue
        pred = _last_segment(p)
        if (s, pred, o) in covered or not isinstance(o, U):
            continue
        subject, obj = r.entity(s), r.entity(o)
        grouped.setdefault(file_id, []).append(Triple(
            subject=subject, predicate=pred, object=obj, evidence=Evidence(
                document_id=file_id, sentence=f"{subject.name} {pred} {obj.name}",
                extractor="rdf")))


def rdf_bytes_to_documents(data: bytes, path: str, fmt: str
                           ) -> Iterator[tuple[Document, list[Triple]]]:
    """Yield (document, its triples) read from the RDF body ``data`` called ``path``, in
    rdflib's format ``fmt`` (see ``rdf_format``), in the export vocabulary (see the module
    docstring).

    Relation resources bring their evidence, each under its own document. Plain triples
    ``<s> ig:predicate <o>`` not covered by a relation resource become one triple each,
    under a document standing for the file; their ends need an ``rdf:type`` among the
    ontology's types and take ``rdfs:label`` (or ``skos:prefLabel``) as name.

    Raises InputError naming the file when it is not valid RDF, declares XML entities in
    its DTD (refused before any parsing) or names an unknown predicate, type or status.
    """
    g = _read_graph(data, path, fmt)
    r = _Reader(path, g)
    U = r.U
    file_doc = Document(id=content_hash(data), title=Path(path).name, source=str(path),
                        length=len(data))
    docs: dict[str, Document] = {}
    for node in g.subjects(U(TYPE), U(IG + "Document")):
        d = r.document(node)
        docs[d.id] = d
    grouped: dict[str, list[Triple]] = {d: [] for d in docs}
    covered = _add_relation_resources(r, file_doc.id, grouped)
    _add_plain_triples(r, file_doc.id, grouped, covered)
    for doc_id, triples in grouped.items():
        doc = docs.get(doc_id) or (file_doc if doc_id == file_doc.id else Document(id=doc_id))
        yield doc, triples
