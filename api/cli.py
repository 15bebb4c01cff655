"""The ``influence`` command line: ingest, extract, eval, stats, serve, search, show, paths, rank,
export, import.

Each command is one function registered with ``@command(...)``; it calls the operations
of ``service`` (as the API routes do), prints rich tables by default and JSON with
``--json``. The settings are read here, once, and passed down.
Errors from ``core.errors`` become one line on stderr and exit code 2 (3 when the store
is unavailable), never a traceback.
"""
from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvicorn
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from api.app import create_app
from api.settings import Settings, get_settings
from core.errors import InfluenceError, InputError, StoreUnavailable
from graph.export import export
from graph.model import RelationFilter
from graph.store import GraphStore, is_neo4j, open_store
from loaders.pipeline import IngestReport
from publish.render import visualize
from service import review as review_service
from service.entities import search, show
from service.export import check_format, export_file
from service.filters import check_type, relation_filter
from service.ingest import (
    count_inputs,
    evaluate_folder,
    extract_file,
    import_rdf,
    ingest_inputs,
)
from service.paths import paths_between
from service.views import EvidenceBrief
from service.rankings import ranking

app = typer.Typer(name="influence", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False,
                  help="Influence Graph: documents in, cited typed triples out.")
# Markup is off by default: names, sentences and file names are shown as they are.
out = Console(soft_wrap=True, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)

EXIT_INPUT = 2
EXIT_STORE = 3

F = TypeVar("F", bound=Callable[..., Any])

StoreOpt = Annotated[str | None, typer.Option(
    "--store", "-s", envvar="INFLUENCE_STORE", show_envvar=True,
    help="Store: a file path (embedded) or a neo4j:// / bolt:// URI")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")]


def fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    return typer.Exit(code)


def command(name: str | None = None, group: typer.Typer | None = None,
            **kwargs: Any) -> Callable[[F], F]:
    """Register a CLI command (on ``group``, default the top level) whose project errors
    become one line and an exit code."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except StoreUnavailable as exc:
                raise fail(f"store unavailable: {exc}", EXIT_STORE) from None
            except InfluenceError as exc:
                raise fail(str(exc)) from None
            except (OSError, UnicodeError) as exc:
                raise fail(str(exc)) from None
            except KeyboardInterrupt:
                raise fail("interrupted", 130) from None

        (group or app).command(name, **kwargs)(wrapper)
        return fn

    return decorate


def cores() -> int:
    """Return the number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def settings_for(store: str | None) -> Settings:
    """Return the environment's settings with ``--store`` applied."""
    settings = get_settings()
    return settings.model_copy(update={"store": store}) if store else settings


@contextmanager
def open_cli_store(store: str | None, existing: bool = False) -> Iterator[GraphStore]:
    """Open the store named by ``--store`` (or INFLUENCE_STORE) and close it afterwards.

    With ``existing`` (commands that only read), an embedded store file that does not exist
    is an InputError instead of a new empty store: a mistyped path is reported, not created.
    """
    settings = settings_for(store)
    if existing and not is_neo4j(settings.store) and not Path(settings.store).exists():
        raise InputError(f"{settings.store}: no store there (ingest documents first, or name "
                         "the store with --store or INFLUENCE_STORE)")
    s = open_store(settings.store, settings)
    try:
        yield s
    finally:
        s.close()


def print_json(data: Any) -> None:
    """Print JSON on stdout (plain, no markup)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def dump(model: Any) -> Any:
    """Return JSON-able data of a pydantic model (by alias, as the API shows it)."""
    return model.model_dump(mode="json", by_alias=True)


def _filter(predicates: list[str] | None, since: date | None = None, until: date | None = None,
            min_confidence: float = 0.0) -> RelationFilter:
    names: list[str] = []
    for p in predicates or []:
        names.extend(x.strip() for x in p.split(",") if x.strip())
    return relation_filter(names, since=since, until=until, min_confidence=min_confidence)


# ---------------------------------------------------------------- ingest / extract / import


@command("ingest")
def ingest_cmd(inputs: Annotated[list[str], typer.Argument(help="Files, folders or URLs",
                                                           metavar="PATH|URL...")],
               store: StoreOpt = None, as_json: JsonOpt = False,
               workers: Annotated[int | None, typer.Option(
                   "--workers", "-w", min=1,
                   help="Extraction processes (default: the number of cores)")] = None) -> None:
    """Read, extract and store documents; exit 2 when some input was rejected."""
    settings = settings_for(store)
    total = count_inputs(inputs)
    seen: set[str] = set()
    with open_cli_store(store) as s, Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("{task.fields[docs]} documents"),
            console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("ingesting", total=max(total, 1), docs=0)

        def progress(name: str, report: IngestReport) -> None:
            if name not in seen:
                seen.add(name)
                bar.update(task, completed=min(len(seen), total))
            bar.update(task, docs=report.documents_stored)

        report = ingest_inputs(s, inputs, settings, progress, workers or cores())
    if as_json:
        print_json(report.as_dict())
    else:
        table = Table(title="Ingest", show_header=False)
        for label, value in (("documents read", report.documents_read),
                             ("documents stored", report.documents_stored),
                             ("new documents", report.documents_created),
                             ("earlier versions removed", report.documents_replaced),
                             ("triples", report.triples), ("entities", report.entities),
                             ("relations", report.relations),
                             ("inputs skipped", len(report.rejected))):
            table.add_row(label, str(value))
        out.print(table)
    for name, reason in report.rejected:
        # one unwrapped line per input, so the file name can be read and grepped whole
        why = reason[len(name) + 2:] if reason.startswith(f"{name}: ") else reason
        err.print(f"skipped {name}: {why}", markup=False, highlight=False, soft_wrap=True)
    if report.rejected:
        down = all(r.startswith("store unavailable") for _, r in report.rejected)
        raise typer.Exit(EXIT_STORE if down and not report.documents_stored else EXIT_INPUT)


@command("extract")
def extract_cmd(file: Annotated[Path, typer.Argument(help="A document file")],
                as_json: JsonOpt = False) -> None:
    """Print the triples extracted from one document (or read from a triple or RDF file, as
    ingest would store them); nothing is stored."""
    rows = extract_file(file, get_settings())
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Triples of {file}")
    for col in ("subject", "predicate", "object", "status", "sentence"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row, k) for k in ("subject", "predicate", "object")),
                      _cell(row, "status") + (", former" if row.get("past") else ""),
                      _cell(row, "sentence", "evidence"))
    out.print(table)


@command("eval")
def eval_cmd(docs: Annotated[Path, typer.Argument(help="A folder of documents")],
             gold: Annotated[Path, typer.Argument(help="A folder of gold files (<name>.json)")],
             as_json: JsonOpt = False) -> None:
    """Extract every document of DOCS that a gold file of GOLD names and score the triples
    as ../shared/eval/score.py does: precision, recall, F1 and traps, overall and per
    document, then the misses and false positives. Nothing is stored."""
    report = evaluate_folder(docs, gold, get_settings())
    if as_json:
        print_json(report)
        return
    table = Table(title=f"Extraction scored against {gold}")
    for col in ("document", "precision", "recall", "F1", "tp", "fp", "fn", "traps"):
        table.add_column(col, overflow="fold")
    for name, res in report["docs"].items():
        table.add_row(name, f"{res['precision']:.3f}", f"{res['recall']:.3f}",
                      f"{res['f1']:.3f}", *(str(res[k]) for k in ("tp", "fp", "fn", "traps")))
    table.add_row("all", f"{report['precision']:.3f}", f"{report['recall']:.3f}",
                  f"{report['f1']:.3f}", *(str(report[k]) for k in ("tp", "fp", "fn", "traps")))
    out.print(table)
    for name, res in report["docs"].items():
        for line in res["missed"]:
            out.print(f"{name}: missed: {line}")
        for line in res["false_positives"]:
            out.print(f"{name}: false positive: {line}")
    out.print(f"precision={report['precision']:.3f} recall={report['recall']:.3f} "
              f"f1={report['f1']:.3f} traps={report['traps']}")


def _brief_line(ev: EvidenceBrief | None) -> str:
    """Return a best sentence as ``show`` prints it: "(former)" before a past one."""
    if ev is None:
        return ""
    return f"(former) {ev.sentence}" if ev.past else ev.sentence


def _cell(row: dict, *keys: str) -> str:
    for k in keys:
        v = row.get(k)
        if isinstance(v, dict):
            v = v.get("name") or v.get("sentence")
        if v is not None:
            return str(v)
    return ""


@command("import")
def import_cmd(file: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .jsonld)")],
               store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Import an RDF export (Turtle or JSON-LD) of a graph into the store."""
    with open_cli_store(store) as s:
        report = import_rdf(s, file, settings_for(store))
    if as_json:
        print_json(report.as_dict())
    else:
        out.print(f"imported {report.documents_stored} documents, {report.triples} triples "
                  f"from {file}")
    if report.rejected:
        raise fail("; ".join(r if r.startswith(f"{n}: ") else f"{n}: {r}"
                             for n, r in report.rejected))
    if not report.triples:
        raise fail(f"{file}: no relations of the ontology in it; nothing imported")


# ---------------------------------------------------------------- reads


@command("stats")
def stats_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Print the numbers of documents, entities, relations and evidence."""
    with open_cli_store(store, existing=True) as s:
        stats = s.stats()
    if as_json:
        print_json(stats.model_dump())
        return
    table = Table(show_header=False, title="Store")
    for k, v in stats.model_dump().items():
        table.add_row(k, str(v))
    out.print(table)


@command("search")
def search_cmd(text: Annotated[str, typer.Argument(help="Name or part of a name")],
               type: Annotated[str | None, typer.Option(help="Only this entity type")] = None,
               limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
               store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Find entities by name or alias, best first."""
    check_type(type)
    with open_cli_store(store, existing=True) as s:
        hits = search(s, text, type, limit).results if text.strip() else []
    if as_json:
        print_json([{"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases,
                     "score": e.score} for e in hits])
        return
    table = Table(title=f"Entities matching {text!r}")
    for col in ("score", "name", "type", "id", "aliases"):
        table.add_column(col, overflow="fold")
    for e in hits:
        table.add_row(f"{e.score:.0f}", e.name, e.type, e.id, ", ".join(e.aliases))
    out.print(table)


@command("show")
def show_cmd(entity: Annotated[str, typer.Argument(help="Id, name or alias")],
             store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show an entity with its relations and their best sentences."""
    with open_cli_store(store, existing=True) as s:
        detail = show(s, entity)
    if as_json:
        print_json(dump(detail))
        return
    out.print(f"[bold]{escape(detail.name)}[/] ({escape(detail.type)}) id={escape(detail.id)}",
              highlight=False, markup=True)
    if detail.aliases:
        out.print("aliases: " + ", ".join(detail.aliases), highlight=False, markup=False)
    for ext, value in detail.external_ids.items():
        out.print(f"{ext}: {value}", highlight=False, markup=False)
    for title, rels in (("Out", detail.relations_out), ("In", detail.relations_in)):
        if not rels:
            continue
        table = Table(title=title)
        for col in ("predicate", "entity", "conf.", "ev.", "status", "best sentence"):
            table.add_column(col, overflow="fold")
        for r in rels:
            table.add_row(r.predicate, r.other.name, f"{r.confidence:.2f}",
                          str(r.evidence_count),
                          r.status if r.review != "confirmed" else f"{r.status}, confirmed",
                          _brief_line(r.best_evidence))
        out.print(table)


@command("paths")
def paths_cmd(source: Annotated[str, typer.Argument(help="Where paths start")],
              target: Annotated[str, typer.Argument(help="Where paths end")],
              k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many paths")] = 5,
              max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=6)] = 4,
              mode: Annotated[str, typer.Option(help="influence or any")] = "influence",
              predicates: Annotated[list[str] | None, typer.Option(
                  "--predicate", "-p", help="Only these predicates")] = None,
              since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
              until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
              min_confidence: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
              store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show how SOURCE reaches TARGET, each hop with its source sentence."""
    if mode not in {"influence", "any"}:
        raise InputError(f"--mode must be influence or any, not {mode!r}")
    flt = _filter(predicates, _date("--since", since), _date("--until", until), min_confidence)
    with open_cli_store(store, existing=True) as s:
        result = paths_between(s, source, target, k, max_hops, mode, flt)
    if as_json:
        print_json(dump(result))
        return
    if not result.paths:
        out.print(f"No {mode} path from {result.source.name} to {result.target.name} "
                  f"within {max_hops} hops.", highlight=False, markup=False)
        return
    for i, p in enumerate(result.paths, 1):
        chain = " → ".join(n.name for n in p.nodes)
        out.print(f"[bold]{i}. {escape(chain)}[/]", highlight=False, markup=True)
        out.print(f"   score {p.score:.3f}, weakest hop {p.weakest:.2f}, "
                  f"{len(p.sources)} document(s)", highlight=False)
        for h in p.hops:
            arrow = f"—{h.predicate}→" if h.direction == "forward" else f"←{h.predicate}—"
            out.print(f"   {h.from_name} {arrow} {h.to_name}  (conf. {h.confidence:.2f})",
                      highlight=False, markup=False)
            if h.evidence:
                where = h.evidence.document_title or h.evidence.document_id[:12]
                when = f", {h.evidence.date}" if h.evidence.date else ""
                former = " (former)" if h.evidence.past else ""
                out.print(f"      “{h.evidence.sentence}” — {where}{when}{former}",
                          highlight=False, markup=False)


def _date(option: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


@command("rank")
def rank_cmd(metric: Annotated[str, typer.Option(help="pagerank, betweenness or degree")
                               ] = "pagerank",
             type: Annotated[str | None, typer.Option(help="Only this entity type")] = None,
             limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
             since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
             until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
             store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Rank entities by a centrality metric."""
    if metric not in {"pagerank", "betweenness", "degree"}:
        raise InputError(f"--metric must be pagerank, betweenness or degree, not {metric!r}")
    check_type(type)
    flt = RelationFilter(since=_date("--since", since), until=_date("--until", until))
    with open_cli_store(store, existing=True) as s:
        result = ranking(s, metric, type, limit, flt)
    if as_json:
        print_json(dump(result))
        return
    table = Table(title=f"Top entities by {metric}")
    for col in ("#", "score", "name", "type"):
        table.add_column(col)
    for i, r in enumerate(result.results, 1):
        table.add_row(str(i), f"{r.score:.4f}", r.name, r.type)
    out.print(table)


@command("export")
def export_cmd(format: Annotated[str, typer.Option(
                   "--format", "-f", help="ttl, jsonld, graphml, gexf, ftm or csv")],
               output: Annotated[Path | None, typer.Option("-o", "--output",
                                                           help="File (default stdout)")] = None,
               include_rejected: Annotated[bool, typer.Option(
                   "--include-rejected", help="Also relations an editor rejected")] = False,
               store: StoreOpt = None) -> None:
    """Export the whole graph, streamed (relations an editor rejected left out)."""
    check_format(format, "--format")
    if output is not None and output.is_dir():
        raise InputError(f"{output}: is a folder; give the file to write")
    with open_cli_store(store, existing=True) as s:
        if output is None:
            for chunk in export(s, format, include_rejected):
                sys.stdout.write(chunk)
            sys.stdout.flush()
            return
        export_file(s, format, output, include_rejected)
    err.print(f"wrote {output}", highlight=False)


@command("draw")
def draw_cmd(entity: Annotated[str, typer.Argument(help="Id, name or alias")],
             hops: Annotated[int, typer.Option("--hops", min=1, max=3,
                                               help="Neighbourhood depth")] = 1,
             output: Annotated[Path, typer.Option("-o", "--output",
                                                  help="HTML file to write")] = Path("graph.html"),
             store: StoreOpt = None) -> None:
    """Draw an entity's neighbourhood with pyvis as one self-contained HTML file (no CDN)."""
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give the HTML file to write")
    with open_cli_store(store, existing=True) as s:
        html, _csp = visualize(s, entity, hops)
    output.write_text(html, encoding="utf-8")
    err.print(f"wrote {output}", highlight=False)


# ---------------------------------------------------------------- serve


@command("serve")
def serve_cmd(store: StoreOpt = None,
              host: Annotated[str | None, typer.Option(envvar="INFLUENCE_HOST")] = None,
              port: Annotated[int | None, typer.Option(envvar="INFLUENCE_PORT")] = None) -> None:
    """Serve the API (and the explorer) with uvicorn."""
    settings = settings_for(store)
    host = host or settings.host
    port = port or settings.port
    err.print(f"serving {settings.store} at http://{host}:{port}/ (API docs at /docs)",
              highlight=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


# ---------------------------------------------------------------- review (judgements)

review_app = typer.Typer(name="review", no_args_is_help=True,
                         help="Correct the graph: merge, split, rename, confirm, reject, add; "
                              "every judgement logged and undoable.")
app.add_typer(review_app, name="review")
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept in the log)")]
AuthorOpt = Annotated[str | None, typer.Option(
    "--author", envvar="INFLUENCE_AUTHOR", show_envvar=True,
    help="Who judges (default: the user running the command)")]


def _judge(store: str | None, as_json: bool, kind: str, author: str | None,
           entities: list[str] | None = None, relations: list[str] | None = None,
           note: str | None = None, **params: Any) -> None:
    """Make a judgement and print it (JSON with ``as_json``)."""
    with open_cli_store(store, existing=True) as s:
        j = review_service.make_judgement(s, kind, author or getpass.getuser(), entities or [],
                                          relations or [], note, **params)
    _print_judgement(j, as_json)


def _print_judgement(j: Any, as_json: bool) -> None:
    if as_json:
        print_json(dump(j))
    else:
        out.print(review_service.describe(j), highlight=False)


@command("merge", group=review_app)
def review_merge(entities: Annotated[list[str], typer.Argument(
                     help="Two or more entities (id, name or alias); the first survives")],
                 name: Annotated[str | None, typer.Option("--name", help="Name of the result")]
                 = None,
                 type: Annotated[str | None, typer.Option("--type", help="Type of the result")]
                 = None,
                 note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Merge entities into one: it keeps every alias, relation and evidence."""
    _judge(store, as_json, "merge", author, entities, note=note, name=name, type=type)


@command("split", group=review_app)
def review_split(entity: Annotated[str, typer.Argument(help="The result of a merge")],
                 note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Split the last merge into ENTITY: the originals come back exactly."""
    _judge(store, as_json, "split", author, [entity], note=note)


@command("distinct", group=review_app)
def review_distinct(a: Annotated[str, typer.Argument(help="An entity")],
                    b: Annotated[str, typer.Argument(help="Another entity")],
                    note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                    as_json: JsonOpt = False) -> None:
    """Mark two entities as different: never merged, never proposed as duplicates."""
    _judge(store, as_json, "distinct", author, [a, b], note=note)


@command("rename", group=review_app)
def review_rename(entity: Annotated[str, typer.Argument(help="Id, name or alias")],
                  name: Annotated[str, typer.Argument(help="The new name")],
                  note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Rename an entity (the old name stays an alias)."""
    _judge(store, as_json, "rename", author, [entity], note=note, name=name)


@command("retype", group=review_app)
def review_retype(entity: Annotated[str, typer.Argument(help="Id, name or alias")],
                  type: Annotated[str, typer.Argument(help="A type of the ontology")],
                  note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Change the type of an entity."""
    _judge(store, as_json, "retype", author, [entity], note=note, type=type)


@command("alias", group=review_app)
def review_alias(action: Annotated[str, typer.Argument(help="add or remove")],
                 entity: Annotated[str, typer.Argument(help="Id, name or alias")],
                 alias: Annotated[str, typer.Argument(help="The alias")],
                 note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Add or remove an alias of an entity."""
    if action not in ("add", "remove"):
        raise InputError(f"review alias takes add or remove, not {action!r}")
    _judge(store, as_json, f"alias-{action}", author, [entity], note=note, alias=alias)


@command("confirm", group=review_app)
def review_confirm(relation: Annotated[str, typer.Argument(help="Relation id (show --json)")],
                   note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Confirm a relation."""
    _judge(store, as_json, "confirm", author, relations=[relation], note=note)


@command("reject", group=review_app)
def review_reject(relation: Annotated[str, typer.Argument(help="Relation id (show --json)")],
                  reason: Annotated[str, typer.Option("--reason", help="Why it is wrong")],
                  note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Reject a relation: kept, but left out of paths, rankings and exports."""
    _judge(store, as_json, "reject", author, relations=[relation], note=note, reason=reason)


@command("change", group=review_app)
def review_change(relation: Annotated[str, typer.Argument(help="Relation id (show --json)")],
                  predicate: Annotated[str | None, typer.Option("--predicate",
                                                                help="The right predicate")]
                  = None,
                  reverse: Annotated[bool, typer.Option("--reverse",
                                                        help="Swap subject and object")]
                  = False,
                  note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Change the predicate or the direction of a relation."""
    _judge(store, as_json, "change", author, relations=[relation], note=note,
           predicate=predicate, reverse=reverse or None)


@command("add", group=review_app)
def review_add(subject: Annotated[str, typer.Argument(help="Id, name or alias")],
               predicate: Annotated[str, typer.Argument(help="A predicate of the ontology")],
               obj: Annotated[str, typer.Argument(metavar="OBJECT", help="Id, name or alias")],
               source: Annotated[str | None, typer.Option(
                   "--source", help="URL or stored document id")] = None,
               quote: Annotated[str | None, typer.Option("--quote",
                                                         help="The sentence quoted")] = None,
               day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD")] = None,
               note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
               as_json: JsonOpt = False) -> None:
    """Add a relation by hand, with its citation."""
    _judge(store, as_json, "add", author, [subject, obj], note=note, predicate=predicate,
           source=source, quote=quote, date=day)


@command("undo", group=review_app)
def review_undo(judgement: Annotated[str, typer.Argument(help="Judgement id (review log)")],
                note: NoteOpt = None, author: AuthorOpt = None, store: StoreOpt = None,
                as_json: JsonOpt = False) -> None:
    """Undo a judgement: its effect reversed."""
    _judge(store, as_json, "undo", author, note=note, target=judgement)


@command("log", group=review_app)
def review_log(limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
               store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List the judgements, newest first."""
    with open_cli_store(store, existing=True) as s:
        log = review_service.judgement_log(s, limit)
    if as_json:
        print_json([dump(j) for j in log])
        return
    for j in log:
        out.print(review_service.describe(j), highlight=False)


@command("candidates", group=review_app)
def review_candidates(limit: Annotated[int, typer.Option("--limit", min=1)] = 30,
                      entity: Annotated[str | None, typer.Option(
                          "--entity", help="Only pairs with this entity")] = None,
                      store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List pairs of entities likely to be one, best first, with reasons."""
    with open_cli_store(store, existing=True) as s:
        found = review_service.candidates(s, limit, entity)
    if as_json:
        print_json([dump(c) for c in found])
        return
    table = Table(title="Duplicate candidates")
    for col in ("score", "a", "b", "reasons"):
        table.add_column(col, overflow="fold")
    for c in found:
        table.add_row(f"{c.score:.2f}", f"{c.a.name} ({c.a.id})", f"{c.b.name} ({c.b.id})",
                      "; ".join(c.reasons))
    out.print(table)


@command("export", group=review_app)
def review_export(file: Annotated[Path, typer.Argument(help="JSON-lines file to write")],
                  store: StoreOpt = None) -> None:
    """Write every judgement to FILE, one JSON object a line."""
    if file.is_dir():
        raise InputError(f"{file}: is a folder; give the file to write")
    tmp = file.with_name(file.name + ".part")
    with open_cli_store(store, existing=True) as s:
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                count = 0
                for line in review_service.export_judgements(s):
                    fh.write(line)
                    count += 1
            tmp.replace(file)
        finally:
            tmp.unlink(missing_ok=True)
    err.print(f"wrote {count} judgements to {file}", highlight=False)


@command("import", group=review_app)
def review_import(file: Annotated[Path, typer.Argument(help="JSON lines of review export")],
                  store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Make again the judgements of FILE (those already here are skipped)."""
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    with open_cli_store(store, existing=True) as s:
        report = review_service.import_judgements(s, lines, str(file))
    if as_json:
        print_json(dump(report))
    else:
        out.print(f"imported {report.imported}, skipped {report.skipped} already here",
                  highlight=False)


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":
    main()
