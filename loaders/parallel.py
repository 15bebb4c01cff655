"""Extraction fanned out over worker processes, results handed back in input order.

Extraction is CPU-bound (spaCy), so ``influence ingest --workers N`` runs it in N processes
while the one writer (``loaders.pipeline``) stays in the parent: the store and its driver
never cross a process boundary. Workers are started with ``spawn`` (no copy of the parent's
driver threads, sockets or locks) and each loads the model once, in its initializer.

Sources travel to the workers in chunks of ``CHUNK`` documents (the model reads a chunk in
one ``nlp.pipe``, as the serial path reads its batches). A document that raises is reported
with the error and the rest of its chunk extracted one by one. A worker that dies (a
segfault, ``os._exit``, the OOM killer) breaks the pool: the documents that were in flight are
then extracted again one at a time in a fresh pool, so only the one that kills its worker
again is lost, and it is reported by name.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing.connection import wait
from typing import Any

from graph.model import Document, Triple
from loaders.extract import extract_documents, load_nlp
from loaders.source import SourceDocument

CHUNK = 8  # documents per task sent to a worker
AHEAD = 2  # chunks queued per worker beyond the one it reads
CRASHED = ("the extraction worker stopped while reading it (crashed or was killed); "
           "nothing of it was stored")

Prepare = Callable[[SourceDocument], None]
Extracted = tuple[Document, list[Triple]]
# one document's outcome: its document and triples, or the reason it was not extracted
Outcome = Extracted | str

_nlp: Any = None
_prepare: Prepare | None = None


def _start_worker(model: str | None, prepare: Prepare | None) -> None:
    """Load the model once in this worker process, which ends when its parent does."""
    global _nlp, _prepare
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    _nlp = load_nlp(model)
    _prepare = prepare


def _end_with(sentinel: int) -> None:
    """Return never: end this worker once the parent process is gone (a parent killed by
    SIGKILL cannot stop its workers, and they would wait for work forever)."""
    wait([sentinel])
    os._exit(1)


def _failed(exc: BaseException) -> str:
    return f"extraction failed: {type(exc).__name__}: {exc}"


def _extract_chunk(sources: list[SourceDocument]) -> list[Outcome]:
    """Return the outcome of each source, in order (runs in a worker)."""
    try:
        for src in sources:
            if _prepare:
                _prepare(src)
        return [(d, list(t)) for d, t in extract_documents(sources, _nlp)]
    except Exception:  # noqa: BLE001 - one bad document must not fail its chunk
        if len(sources) == 1:
            raise
    out: list[Outcome] = []
    for src in sources:
        try:
            out.extend(_extract_chunk([src]))
        except Exception as exc:  # noqa: BLE001 - reported by name in the ingest report
            out.append(_failed(exc))
    return out


class _Pool:
    """A spawn-context process pool that can be replaced after a worker died."""

    def __init__(self, workers: int, model: str | None, prepare: Prepare | None) -> None:
        self.workers = workers
        self.model = model
        self.prepare = prepare
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker,
                                   initargs=(self.model, self.prepare))

    def submit(self, sources: list[SourceDocument]) -> Future[list[Outcome]]:
        """Return the future outcomes of ``sources`` extracted in one worker."""
        return self.executor.submit(_extract_chunk, sources)

    def renew(self) -> None:
        """Replace a broken pool with a fresh one."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        """Stop the workers (queued work is dropped)."""
        self.executor.shutdown(wait=True, cancel_futures=True)


def _outcomes(future: Future[list[Outcome]], count: int) -> list[Outcome]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:  # noqa: BLE001 - a single-document chunk that raised
        return [_failed(exc)] * count


def extract_parallel(items: Iterable[tuple[str, SourceDocument]], workers: int,
                     model: str | None = None, prepare: Prepare | None = None,
                     chunk: int = CHUNK) -> Iterator[tuple[str, Outcome]]:
    """Yield (name, outcome) for each (name, source) of ``items``, in their order: the
    outcome is the (Document, triples) extracted by one of ``workers`` processes, or the
    reason (a string) the document was not extracted.

    ``items`` is read lazily, at most about ``workers * (AHEAD + 1)`` chunks ahead of what
    was yielded. ``prepare`` (a picklable function) runs in the worker before each document
    is extracted: a hook for tests.
    """
    pool = _Pool(workers, model, prepare)
    pending: deque[tuple[list[tuple[str, SourceDocument]], Future[list[Outcome]]]] = deque()
    stream = iter(items)
    try:
        while True:
            batch = list(islice(stream, chunk))
            if batch:
                pending.append((batch, pool.submit([s for _, s in batch])))
            while pending and (not batch or len(pending) > workers * AHEAD):
                yield from _settle(pending, pool)
            if not batch:
                return
    finally:
        pool.close()


def _settle(pending: deque[tuple[list[tuple[str, SourceDocument]], Future[list[Outcome]]]],
            pool: _Pool) -> Iterator[tuple[str, Outcome]]:
    """Yield the outcomes of the oldest pending chunk; after a worker died, of every
    pending chunk, each document extracted again alone."""
    batch, future = pending[0]
    try:
        outcomes = _outcomes(future, len(batch))
    except BrokenProcessPool:
        suspects = [item for b, _ in pending for item in b]
        pending.clear()
        pool.renew()
        yield from _isolate(suspects, pool)
        return
    pending.popleft()
    yield from ((name, outcome) for (name, _), outcome in zip(batch, outcomes))


def _isolate(suspects: list[tuple[str, SourceDocument]], pool: _Pool
             ) -> Iterator[tuple[str, Outcome]]:
    """Yield the outcome of each suspect extracted alone; one whose worker dies is
    reported as crashed and the pool renewed."""
    for name, src in suspects:
        try:
            yield name, _outcomes(pool.submit([src]), 1)[0]
        except BrokenProcessPool:
            pool.renew()
            yield name, CRASHED
