"""Parallel extraction: documents/s of ``influence ingest --workers 2`` over ``--workers 1``
on the shared eval documents (their ``Source:`` line stripped) copied to many files, each
copy made a distinct document by a closing line, into a fresh embedded store per run."""
from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.extraction import run_ingest

ROOT = Path(__file__).resolve().parent.parent
EVAL_DOCS = ROOT.parent / "shared" / "eval" / "docs"


def write_copies(folder: Path, files: int) -> int:
    """Write ``files`` copies of the shared eval documents into ``folder``; return the number
    of characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for f in sorted(EVAL_DOCS.iterdir()):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        texts.append((f.stem, "".join(ln for ln in lines if not ln.startswith("Source: "))))
    chars = 0
    for i in range(files):
        stem, text = texts[i % len(texts)]
        body = f"{text}\nCopy {i} of the file.\n"
        (folder / f"{stem}-{i:05d}.txt").write_text(body, encoding="utf-8")
        chars += len(body)
    return chars


def measure_workers(files: int, runs: int, workers: tuple[int, ...],
                    log: Callable[[str], None]) -> dict[str, Any]:
    """Return documents/s (median of ``runs``, the worker counts interleaved) of each worker
    count and ``ingest_workers_speedup``: the last count's rate over the first's."""
    out: dict[str, Any] = {"files": files, "runs": runs}
    rates: dict[int, list[float]] = {w: [] for w in workers}
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        folder = Path(tmp) / "docs"
        out["characters"] = write_copies(folder, files)
        for r in range(runs):
            for w in workers:
                store = Path(tmp) / f"store-{w}-{r}.db"
                got = run_ingest(folder, store, workers=w)
                stored = got["report"].get("documents_stored", 0)
                if stored != files:
                    raise RuntimeError(f"--workers {w} stored {stored} of {files} documents: "
                                       f"{got['report'].get('rejected', [])[:3]}")
                rates[w].append(files / got["seconds"])
                log(f"  --workers {w}: {got['seconds']:.1f} s, {files / got['seconds']:.1f} docs/s")
                store.unlink()
    for w in workers:
        out[f"workers_{w}_docs_per_s"] = statistics.median(rates[w])
        out[f"workers_{w}_docs_per_s_runs"] = [round(x, 2) for x in rates[w]]
    out["ingest_workers_speedup"] = (out[f"workers_{workers[-1]}_docs_per_s"]
                                     / out[f"workers_{workers[0]}_docs_per_s"])
    return out
