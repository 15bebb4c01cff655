"""Extraction and end-to-end ingest: words/s of ``extract_documents`` vs bare ``nlp.pipe``
with the same model on the same texts, documents/s of ``influence ingest`` on a folder of
texts, and its peak RSS for two corpus sizes (flat when ingest streams)."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import corpus_texts

ROOT = Path(__file__).resolve().parent.parent


def measure_extraction(n_docs: int, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Return words/s (median of ``runs``, interleaved) of bare spaCy and of our extractor."""
    import spacy

    from loaders.extract import BATCH_SIZE, extract_documents, load_nlp
    from loaders.source import SourceDocument

    texts = list(corpus_texts(n_docs))
    sources = [SourceDocument(text=text, title=title) for title, text in texts]
    words = sum(len(text.split()) for _, text in texts)
    ours_nlp = load_nlp()
    model = f"{ours_nlp.meta['lang']}_{ours_nlp.meta['name']}"
    bare_nlp = spacy.load(model)
    bare_s, ours_s = [], []
    triples = 0
    for _ in range(runs):
        started = time.perf_counter()
        # the batch size ours uses: what is compared is the work we add, not batching
        for _doc in bare_nlp.pipe((text for _, text in texts), batch_size=BATCH_SIZE):
            pass
        bare_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        triples = sum(len(t) for _, t in extract_documents(iter(sources), ours_nlp))
        ours_s.append(time.perf_counter() - started)
    out = {"documents": n_docs, "words": words, "model": model, "triples": triples,
           "spacy_words_per_s": words / statistics.median(bare_s),
           "ours_words_per_s": words / statistics.median(ours_s)}
    out["extract_overhead_vs_spacy"] = statistics.median(ours_s) / statistics.median(bare_s)
    log(f"  bare spaCy ({model}): {out['spacy_words_per_s']:.0f} words/s; extract_documents: "
        f"{out['ours_words_per_s']:.0f} words/s ({triples} triples); overhead "
        f"{out['extract_overhead_vs_spacy']:.2f}x")
    return out


def write_corpus(folder: Path, n_docs: int, seed: int = 11) -> int:
    """Write ``n_docs`` synthetic texts as .txt files into ``folder``; return their words."""
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i, (title, text) in enumerate(corpus_texts(n_docs, seed=seed)):
        (folder / f"doc{i:06d}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        words += len(text.split())
    return words


def _peak_rss_kib(pid: int) -> int:
    """Return VmHWM (peak resident set, KiB) of a running process, 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_ingest(folder: Path, store: Path, workers: int = 1) -> dict[str, Any]:
    """Run ``influence ingest FOLDER --store STORE --json --workers WORKERS`` in a child
    process; return its wall time, peak RSS (MiB, of the process that writes: the
    extraction workers are not counted) and report.

    The peak is the child's own VmHWM, polled every 50 ms: ``ru_maxrss`` of a child is not
    used because Linux folds the parent's resident set at fork into it.
    """
    command = [sys.executable, "-m", "api.cli", "ingest", str(folder), "--store", str(store),
               "--json", "--workers", str(workers)]
    env = {**os.environ, "INFLUENCE_STORE": str(store)}
    peak = 0
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out_f, stderr=err_f,
                                stdin=subprocess.DEVNULL, text=True)
        while proc.poll() is None:
            peak = max(peak, _peak_rss_kib(proc.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise RuntimeError(f"influence ingest failed ({proc.returncode}): {err[-2000:]}")
    report = json.loads(out) if out.strip() else {}
    return {"seconds": elapsed, "peak_rss_mib": peak / 1024, "report": report}


def measure_ingest(sizes: tuple[int, int], log: Callable[[str], None]) -> dict[str, Any]:
    """Return documents/s of ``influence ingest`` and its peak RSS for two corpus sizes."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"corpus{n}"
            write_corpus(folder, n)
            got = run_ingest(folder, Path(tmp) / f"store{n}.db")
            stored = got["report"].get("documents_stored", 0)
            if stored != n:
                raise RuntimeError(f"influence ingest stored {stored} of {n} documents: "
                                   f"{got['report'].get('rejected', [])[:3]}")
            out[f"ingest_{n}_seconds"] = got["seconds"]
            out[f"ingest_{n}_docs_per_s"] = n / got["seconds"]
            out[f"ingest_{n}_peak_rss_mib"] = got["peak_rss_mib"]
            out[f"ingest_{n}_triples"] = got["report"].get("triples", 0)
            log(f"  influence ingest {n} docs: {got['seconds']:.1f} s "
                f"({n / got['seconds']:.1f} docs/s incl. start-up), peak RSS "
                f"{got['peak_rss_mib']:.0f} MiB, {out[f'ingest_{n}_triples']} triples")
    small, large = sizes
    extra = out[f"ingest_{large}_seconds"] - out[f"ingest_{small}_seconds"]
    out["ingest_docs_per_s"] = (large - small) / extra if extra > 0 else 0.0
    out["memory_growth"] = out[f"ingest_{large}_peak_rss_mib"] / out[f"ingest_{small}_peak_rss_mib"]
    log(f"  marginal rate {out['ingest_docs_per_s']:.1f} docs/s; peak RSS x{out['memory_growth']:.2f}"
        f" for x{large / small:.0f} documents")
    return out
