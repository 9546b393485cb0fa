"""Search at scale: our Whoosh index against SQLite FTS5 on the same synthetic library.

The library is deterministic (seeded): a Zipf-distributed vocabulary of made-up
words with English-like inflections, sections of 150-400 words, ten sections
per Markdown file, at about 2,000 and about 20,000 sections (``--quick``: 2,000).

Each side runs in fresh processes, so peak memory (``ru_maxrss``) is its own:

- build: load the library, extract each section's text, index it. FTS5 gets
  the texts from the same extraction, so the ratio compares the indexes, and
  the extraction's own time is shown on its own row.
- reopen: open the index of the unchanged library as the window does (ours:
  :func:`index.open_index`, which must write nothing; FTS5: connect, compare the
  recorded fingerprints, one query). Median of 5.
- query: 200 queries of 1-3 words, top 10 with snippets and the total count
  (FTS5: ``bm25`` order, ``snippet()``, words ORed like our plain words). p50/p95.

Goals at 20,000 sections: query p95 <= 30 ms and <= 2.5x FTS5; build <= 20x
FTS5; a reopen writes no document.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from content import Library

SEED = 20240611
SECTIONS_PER_FILE = 10
VOCABULARY = 40_000
QUERIES = 200
WARM_UP = 20
BUILD_GOAL = 20.0
P95_GOAL_MS = 30.0
P95_RATIO_GOAL = 2.5
_SYLLABLES = ["ka", "lo", "mi", "ran", "tes", "vor", "pel", "dun", "shi", "gra", "nel", "tor",
              "ba", "qui", "zen", "mar", "fol", "dri", "ve", "sa", "po", "lin", "cor", "hel",
              "ut", "am", "ex", "ob", "ri", "nu"]
_INFLECTIONS = ["", "", "", "", "", "s", "s", "ing", "ed", "er", "ation"]


# The synthetic library


def vocabulary(rng: random.Random) -> list[str]:
    """Distinct made-up words, most frequent first."""
    seen: set[str] = set()
    words = []
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4))))
        if word not in seen and len(word) > 2:
            seen.add(word)
            words.append(word)
    return words


def write_corpus(root: Path, sections: int) -> list[str]:
    """Write the library; returns the vocabulary for queries."""
    rng = random.Random(SEED)
    words = vocabulary(rng)
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 1.07 for rank in range(len(words))))
    root.mkdir(parents=True, exist_ok=True)

    def draw(count: int) -> list[str]:
        stems = rng.choices(words, cum_weights=weights, k=count)
        endings = rng.choices(_INFLECTIONS, k=count)
        return [stem + ending for stem, ending in zip(stems, endings, strict=True)]

    for number in range(sections // SECTIONS_PER_FILE):
        title = " ".join(w.title() for w in draw(3))
        parts = [f"# {title}\n"]
        for k in range(SECTIONS_PER_FILE):
            if k:
                parts.append(f"## {' '.join(draw(rng.randint(1, 4))).capitalize()}\n")
            text = draw(rng.randint(150, 400))
            paragraphs, start = [], 0
            while start < len(text):
                end = min(len(text), start + rng.randint(40, 120))
                sentences, s = [], start
                while s < end:
                    e = min(end, s + rng.randint(6, 20))
                    sentences.append(" ".join(text[s:e]).capitalize() + ".")
                    s = e
                paragraphs.append(" ".join(sentences))
                start = end
            parts.append("\n\n".join(paragraphs) + "\n")
        (root / f"{number // 100:02d}" / f"article-{number:05d}.md").parent.mkdir(exist_ok=True)
        (root / f"{number // 100:02d}" / f"article-{number:05d}.md").write_text(
            "\n".join(parts), encoding="utf-8")
    return words


def queries(words: list[str]) -> list[list[str]]:
    """1-3 words each, ranks spread log-uniformly: common words and rare ones."""
    rng = random.Random(SEED + 1)
    found = []
    for _ in range(QUERIES + WARM_UP):
        chosen = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            rank = int(10 ** rng.uniform(0.7, 4.0))
            chosen.append(words[min(rank, len(words) - 1)] + rng.choice(_INFLECTIONS))
        found.append(chosen)
    return found


# The two sides, each in its own process


def _peak_mb() -> float:
    # On Linux a process's ru_maxrss keeps the peak of whatever it was before exec,
    # here the benchmark runner that started it, so this process's own peak comes
    # from VmHWM, which belongs to its address space alone.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # kilobytes on Linux


def _ours_build(root: Path) -> dict[str, Any]:
    from content import load_library
    from index import update_index
    from viewer.commands.index import writer_processes

    started = time.perf_counter()
    stats = update_index(load_library(root), procs=writer_processes())
    return {"seconds": time.perf_counter() - started, "sections": stats.sections}


def count_written() -> Callable[[], int]:
    """Count the documents Whoosh writes in this process from now on; returns the getter."""
    from whoosh.writing import SegmentWriter

    written = 0
    original = SegmentWriter.add_document

    def counting(self: Any, **fields: Any) -> Any:
        nonlocal written
        written += 1
        return original(self, **fields)

    SegmentWriter.add_document = counting  # type: ignore[method-assign]
    return lambda: written


def ours_reopen(library: Library) -> float:
    """Median seconds of 5 opens of the unchanged library's index, as the window opens it."""
    from index import open_index

    reopen = []
    for _ in range(5):
        started = time.perf_counter()
        searcher = open_index(library)
        reopen.append(time.perf_counter() - started)
        searcher.close()
    return statistics.median(reopen)


def _ours_query(root: Path, work: Path) -> dict[str, Any]:
    from content import load_library
    from index import open_index

    written = count_written()
    library = load_library(root)
    reopen = ours_reopen(library)
    searcher = open_index(library)
    times = []
    for number, words in enumerate(json.loads((work / "queries.json").read_text())):
        started = time.perf_counter()
        results = searcher.search(" ".join(words), 10)
        _ = [hit.snippet for hit in results.hits]
        if number >= WARM_UP:
            times.append(time.perf_counter() - started)
    return {"reopen": reopen, "written": written(), "times": times}


def _fts_connect(work: Path) -> sqlite3.Connection:
    return sqlite3.connect(work / "fts5.sqlite3")


def _fts_build(root: Path, work: Path) -> dict[str, Any]:
    from content import load_library
    from index.build import section_documents

    started = time.perf_counter()
    library = load_library(root)
    rows = [(d.id, d.title, d.body) for article in library.articles
            for d in section_documents(article)]
    extracted = time.perf_counter()
    database = _fts_connect(work)
    database.execute("CREATE VIRTUAL TABLE sections USING fts5("
                     "id UNINDEXED, title, body, tokenize='porter unicode61')")
    database.execute("CREATE TABLE files (slug TEXT PRIMARY KEY, fingerprint TEXT)")
    database.executemany("INSERT INTO sections VALUES (?, ?, ?)", rows)
    database.executemany("INSERT INTO files VALUES (?, ?)",
                         [(a.slug, a.fingerprint) for a in library.articles])
    database.commit()
    database.close()
    ended = time.perf_counter()
    return {"seconds": ended - started, "extract": extracted - started,
            "index": ended - extracted, "sections": len(rows)}


_FTS_SEARCH = ("SELECT id, snippet(sections, 2, '<mark>', '</mark>', '\u2026', 30) "
               "FROM sections WHERE sections MATCH ? "
               "ORDER BY bm25(sections, 0.0, 2.5, 1.0) LIMIT 10")


def fts_reopen(library: Library, work: Path) -> float:
    """Median seconds of 5 FTS5 reopens: connect, compare the recorded fingerprints, one query."""
    fingerprints = {a.slug: a.fingerprint for a in library.articles}
    reopen = []
    for _ in range(5):
        started = time.perf_counter()
        database = _fts_connect(work)
        recorded = dict(database.execute("SELECT slug, fingerprint FROM files"))
        assert recorded == fingerprints
        database.execute(_FTS_SEARCH, ('"canary"',)).fetchall()
        reopen.append(time.perf_counter() - started)
        database.close()
    return statistics.median(reopen)


def _fts_query(root: Path, work: Path) -> dict[str, Any]:
    from content import load_library

    library = load_library(root)
    reopen = fts_reopen(library, work)
    database = _fts_connect(work)
    times = []
    for number, words in enumerate(json.loads((work / "queries.json").read_text())):
        match = " OR ".join(f'"{w}"' for w in words)
        started = time.perf_counter()
        database.execute(_FTS_SEARCH, (match,)).fetchall()
        database.execute("SELECT count(*) FROM sections WHERE sections MATCH ?",
                         (match,)).fetchone()
        if number >= WARM_UP:
            times.append(time.perf_counter() - started)
    return {"reopen": reopen, "times": times}


def worker(side: str, phase: str, root: Path, work: Path) -> None:
    """One measurement in this (fresh) process; prints its JSON."""
    run_it = {("ours", "build"): lambda: _ours_build(root),
              ("ours", "query"): lambda: _ours_query(root, work),
              ("fts5", "build"): lambda: _fts_build(root, work),
              ("fts5", "query"): lambda: _fts_query(root, work)}[(side, phase)]
    found = run_it()
    found["peak_mb"] = _peak_mb()
    print(json.dumps(found))


def _measure(side: str, phase: str, root: Path, work: Path) -> dict[str, Any]:
    env = {**os.environ, "ENCYCLOPEDIA_HOME": str(work / "home")}
    result = subprocess.run([sys.executable, "-m", "tests.bench.search", side, phase,
                             str(root), str(work)], capture_output=True, text=True, env=env,
                            timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"{side} {phase} failed: {result.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return found


# The table


def _row(metric: str, ours: float, baseline: float | None, unit: str, goal: str = "",
         met: bool = True) -> dict[str, Any]:
    return {"metric": metric, "ours": ours, "baseline": baseline,
            "ratio": ours / baseline if baseline else None, "unit": unit, "goal": goal,
            "met": met}


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def measure(sections: int) -> list[dict[str, Any]]:
    label = f"{sections // 1000}k"
    with tempfile.TemporaryDirectory(prefix="bench-search-") as temporary:
        work = Path(temporary)
        root = work / "library"
        print(f"search {label}: writing the library", file=sys.stderr, flush=True)
        words = write_corpus(root, sections)
        (work / "queries.json").write_text(json.dumps(queries(words)))
        print(f"search {label}: building", file=sys.stderr, flush=True)
        fts_build = _measure("fts5", "build", root, work)
        ours_build = _measure("ours", "build", root, work)
        print(f"search {label}: querying", file=sys.stderr, flush=True)
        fts_query = _measure("fts5", "query", root, work)
        ours_query = _measure("ours", "query", root, work)
    big = sections >= 20_000
    build_ratio = ours_build["seconds"] / fts_build["seconds"]
    p95 = _percentile(ours_query["times"], 0.95)
    p95_fts = _percentile(fts_query["times"], 0.95)
    return [
        _row(f"{label} build (load, extract, index)", ours_build["seconds"],
             fts_build["seconds"], "s", f"ratio <= {BUILD_GOAL:g}" if big else "",
             build_ratio <= BUILD_GOAL or not big),
        _row(f"{label}   of which text extraction", fts_build["extract"], None, "s"),
        _row(f"{label}   index only (build - extraction)",
             ours_build["seconds"] - fts_build["extract"], fts_build["index"], "s"),
        _row(f"{label} reopen unchanged library", ours_query["reopen"] * 1000,
             fts_query["reopen"] * 1000, "ms", "writes 0 documents",
             ours_query["written"] == 0),
        _row(f"{label} query + 10 snippets p50", _percentile(ours_query["times"], 0.5),
             _percentile(fts_query["times"], 0.5), "ms"),
        _row(f"{label} query + 10 snippets p95", p95, p95_fts, "ms",
             f"<= {P95_GOAL_MS:g} ms, ratio <= {P95_RATIO_GOAL:g}" if big else "",
             not big or (p95 <= P95_GOAL_MS and p95 / p95_fts <= P95_RATIO_GOAL)),
        _row(f"{label} peak memory, searching", ours_query["peak_mb"], fts_query["peak_mb"],
             "MB"),
        _row(f"{label} peak memory, building", ours_build["peak_mb"], fts_build["peak_mb"],
             "MB"),
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows = []
    for sections in (2_000,) if quick else (2_000, 20_000):
        rows += measure(sections)
    return rows


if __name__ == "__main__":
    worker(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
