"""The shared real libraries: first paint, first index build, reopen and peak memory.

Four libraries the project did not write (an mdBook, the mdBook guide, the MkDocs
documentation, a folder tree of German tldr pages) are copied, writable, to a
temporary folder and measured against the same baselines as the synthetic ones:

- first paint: our window (``python -m viewer open --content COPY``) against a bare
  QTextBrowser showing the same first article's HTML, as :mod:`tests.bench.startup`
  does. "cached" is the usual start: the median of interleaved runs after one
  uncounted run that fills the caches (outlines, the page's HTML, the reading
  state). "first start" is a fresh ENCYCLOPEDIA_HOME for every run of ours (no
  caches, no state; the OS file cache and the bytecode are warm), interleaved
  with the bare browser again. Peak memory until the paint is VmHWM.
- first index build: in a fresh process with a fresh ENCYCLOPEDIA_HOME, load the
  library and open its index as the window's worker does (:func:`index.open_index`,
  one writer), against SQLite FTS5 indexing the same extracted section texts
  (:mod:`tests.bench.search`'s code; the extraction's time is a row of its own).
  Median of 3 rounds, alternating which side goes first. Both sides extract the
  texts with the same code (``index.build.section_documents``); each times its own
  loading and extraction, and "index only" is each side's build less those.
- reopen: open the unchanged library's index as the window does; it must write no
  document. FTS5: connect, compare the recorded fingerprints, one query. Each in
  a fresh process, median of 5 opens.
- peak memory of the build: each side's own process (VmHWM).

The libraries are looked for in ``$ENCYCLOPEDIA_CORPORA`` (default
``/work/shared/corpora``); the missing ones are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CORPORA = Path(os.environ.get("ENCYCLOPEDIA_CORPORA", "/work/shared/corpora"))
# name, the folder to copy (under CORPORA), the folder to open (under the copy)
LIBRARIES = [
    ("rust-by-example", "rust-by-example", "."),
    ("mdbook-guide", "mdbook-guide", "."),
    ("mkdocs-docs", "mkdocs-docs", "."),
    ("tldr-de", "tldr-de", "pages.de"),
]


# The index measurements, each side in its own fresh process


def _ours_build(root: Path) -> dict[str, Any]:
    import index.build
    from content import load_library
    from index import open_index
    from index.schema import index_format
    from tests.bench.search import count_written

    written = count_written()
    extracting = 0.0
    documents = index.build.section_documents

    def timed(article: Any) -> Any:  # the build's own text extraction, timed
        nonlocal extracting
        started = time.perf_counter()
        try:
            return documents(article)
        finally:
            extracting += time.perf_counter() - started

    index.build.section_documents = timed
    started = time.perf_counter()
    library = load_library(root)
    loaded = time.perf_counter()
    searcher = open_index(library, procs=1)
    seconds = time.perf_counter() - started
    stats = searcher.stats
    searcher.close()
    assert stats is not None
    # As _fts_build's "extract": loading the library, then its texts.
    return {"seconds": seconds, "extract": loaded - started + extracting,
            "articles": stats.articles, "sections": stats.sections,
            "format": index_format(),
            "written": written(), "rebuilt": stats.rebuilt}


def _ours_reopen(root: Path) -> dict[str, Any]:
    from content import load_library
    from index.schema import index_format
    from tests.bench.search import count_written, ours_reopen

    written = count_written()
    library = load_library(root)
    return {"reopen": ours_reopen(library), "written": written(), "format": index_format()}


def _fts_reopen(root: Path, work: Path) -> dict[str, Any]:
    from content import load_library
    from tests.bench.search import fts_reopen

    return {"reopen": fts_reopen(load_library(root), work)}


def worker(side: str, phase: str, root: Path, work: Path) -> None:
    """One measurement in this (fresh) process; prints its JSON."""
    from tests.bench.search import _fts_build, _peak_mb

    run_it = {("ours", "build"): lambda: _ours_build(root),
              ("ours", "reopen"): lambda: _ours_reopen(root),
              ("fts5", "build"): lambda: _fts_build(root, work),
              ("fts5", "reopen"): lambda: _fts_reopen(root, work)}[(side, phase)]
    found = run_it()
    found["peak_mb"] = _peak_mb()
    print(json.dumps(found))


def _measure(side: str, phase: str, root: Path, work: Path, home: Path) -> dict[str, Any]:
    env = {**os.environ, "ENCYCLOPEDIA_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "tests.bench.libraries", side, phase,
                             str(root), str(work)], capture_output=True, text=True, env=env,
                            timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"{side} {phase} of {root} failed: {result.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return found


# The rows


def _row(metric: str, ours: float, baseline: float | None, unit: str, goal: str = "",
         met: bool = True, **extra: Any) -> dict[str, Any]:
    return {"metric": metric, "ours": ours, "baseline": baseline,
            "ratio": ours / baseline if baseline else None, "unit": unit, "goal": goal,
            "met": met, **extra}


def _copy(source: Path, target: Path) -> None:
    """A writable copy of a read-only library."""
    shutil.copytree(source, target, symlinks=True)
    for folder, _, files in os.walk(target):
        for path in (folder, *(os.path.join(folder, name) for name in files)):
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)


def _paint(name: str, content: Path, work: Path, env: dict[str, str], runs: int,
           first_runs: int) -> list[dict[str, Any]]:
    from content import load_library
    from content.pages import article_html
    from tests.bench.startup import SIZE, _compare, _time_to_paint

    home = work / f"{name}-paint"
    home.mkdir()
    previous = os.environ.get("ENCYCLOPEDIA_HOME")
    os.environ["ENCYCLOPEDIA_HOME"] = str(home)  # _compare loads the library here too
    try:
        cached = _compare(f"{name} first paint, cached", content, home,
                          {**env, "ENCYCLOPEDIA_HOME": str(home)}, runs, goal=None)
    finally:
        if previous is None:
            del os.environ["ENCYCLOPEDIA_HOME"]
        else:
            os.environ["ENCYCLOPEDIA_HOME"] = previous
    for row in cached[1:]:  # where /proc tells a process its own peak
        row["metric"] = f"{name}   peak memory at first paint (cached)"
    # First start: a fresh home (no caches, no reading state) for every run of ours.
    page = work / f"{name}-first.html"
    page.write_text(article_html(load_library(content).articles[0]), encoding="utf-8")
    bare = [sys.executable, str(Path(__file__).with_name("bare_browser.py")), str(page), SIZE]
    ours = [sys.executable, "-m", "viewer", "open", "--size", SIZE, "--content", str(content)]
    ours_runs, bare_runs = [], []
    for number in range(first_runs):
        fresh = work / f"{name}-first-{number}"
        ours_runs.append(_time_to_paint(ours, {**env, "ENCYCLOPEDIA_HOME": str(fresh)}))
        bare_runs.append(_time_to_paint(bare, env))
    ours_ms = statistics.median(t for t, _ in ours_runs) * 1000
    bare_ms = statistics.median(t for t, _ in bare_runs) * 1000
    first = _row(f"{name} first paint, first start (median of {first_runs})", ours_ms,
                 bare_ms, "ms", runs_ours_ms=[t * 1000 for t, _ in ours_runs],
                 runs_baseline_ms=[t * 1000 for t, _ in bare_runs],
                 peak_ours_mb=[mb for _, mb in ours_runs],
                 peak_baseline_mb=[mb for _, mb in bare_runs])
    return [cached[0], first, *cached[1:]]


def _index(name: str, content: Path, work: Path, rounds: int) -> list[dict[str, Any]]:
    builds: dict[str, list[dict[str, Any]]] = {"ours": [], "fts5": []}
    for number in range(rounds):
        for side in ("fts5", "ours") if number % 2 == 0 else ("ours", "fts5"):
            folder = work / f"{name}-{side}-{number}"
            folder.mkdir()
            builds[side].append(_measure(side, "build", content, folder, folder / "home"))
    # Reopen the last round's indexes: the library has not changed since.
    last = rounds - 1
    ours_folder, fts_folder = work / f"{name}-ours-{last}", work / f"{name}-fts5-{last}"
    ours_reopen = _measure("ours", "reopen", content, ours_folder, ours_folder / "home")
    changed = ours_reopen["format"] != builds["ours"][-1]["format"]
    if changed:
        # The text extraction's code was edited between the build and the reopen
        # (a working tree being worked on): the reopen rightly rebuilt. Once more.
        print(f"libraries {name}: the index format changed since the build, reopening again",
              file=sys.stderr, flush=True)
        ours_reopen = _measure("ours", "reopen", content, ours_folder, ours_folder / "home")
    fts_reopen = _measure("fts5", "reopen", content, fts_folder, fts_folder / "home")

    for build in builds["ours"]:
        build["seconds_index"] = build["seconds"] - build["extract"]

    def median(side: str, key: str) -> float:
        return float(statistics.median(build[key] for build in builds[side]))

    ours_s, fts_s, extract_s = median("ours", "seconds"), median("fts5", "seconds"), \
        median("fts5", "extract")
    sections = builds["ours"][-1]["sections"]
    print(f"libraries {name}: {builds['ours'][-1]['articles']} articles, {sections} sections",
          file=sys.stderr, flush=True)
    label = f"(median of {rounds})" if rounds > 1 else ""
    return [
        _row(f"{name} first index build {label}".rstrip(), ours_s, fts_s, "s",
             articles=builds["ours"][-1]["articles"], sections=sections,
             documents_written=[build["written"] for build in builds["ours"]],
             runs_ours_s=[build["seconds"] for build in builds["ours"]],
             runs_baseline_s=[build["seconds"] for build in builds["fts5"]]),
        _row(f"{name}   of which load, text extraction", median("ours", "extract"), extract_s,
             "s"),
        _row(f"{name}   index only (build - extraction)",
             median("ours", "seconds_index"), median("fts5", "index"), "s"),
        _row(f"{name} reopen unchanged library", ours_reopen["reopen"] * 1000,
             fts_reopen["reopen"] * 1000, "ms", "writes 0 documents",
             ours_reopen["written"] == 0, documents_written=ours_reopen["written"],
             format_changed_since_build=changed),
        _row(f"{name}   peak memory, building", median("ours", "peak_mb"),
             median("fts5", "peak_mb"), "MB"),
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    runs, first_runs, rounds = (3, 1, 1) if quick else (7, 3, 3)
    present = [(name, source, inner) for name, source, inner in LIBRARIES
               if (CORPORA / source / inner).is_dir()]
    for name, source, _ in LIBRARIES:
        if (name, source) not in [(n, s) for n, s, _ in present]:
            print(f"libraries: {CORPORA / source} not found, skipped", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-libraries-") as temporary:
        work = Path(temporary)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "ENCYCLOPEDIA_EXIT_AFTER_PAINT": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode is cached
        root = Path(__file__).resolve().parents[2]
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        *(str(root / package) for package in ("content", "index", "viewer"))],
                       check=True, env=env)
        for name, source, inner in present:
            copy = work / "libraries" / source
            _copy(CORPORA / source, copy)
            content = (copy / inner).resolve()
            print(f"libraries {name}: first paint", file=sys.stderr, flush=True)
            rows += _paint(name, content, work, env, runs, first_runs)
            print(f"libraries {name}: index", file=sys.stderr, flush=True)
            rows += _index(name, content, work, rounds)
    return rows


if __name__ == "__main__":
    worker(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
