"""Start-up: process start to the article's first paint, against a bare QTextBrowser.

Both run as fresh processes, interleaved, on the offscreen platform, with the
same window size and the same HTML, and both notice their first paint the same
way (in the view's paintEvent). The goal is a median ratio of at most 1.15.

A second row opens a wiki-sized library (the search benchmark's 20,000-section
corpus, 2,000 files) against the same bare browser showing its first article:
it shows what having every file's outline before the first paint costs.

Each process also reports its peak memory until its first paint (VmHWM: its
own, where ru_maxrss would include the runner it was forked from).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = "1200x800"
GOAL = 1.15


def _time_to_paint(command: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Seconds from start to first paint, and the peak memory until then in MB (Linux)."""
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    for line in result.stdout.splitlines():
        if line.startswith("painted "):
            words = line.split()
            peak_kb = int(words[2]) if len(words) > 2 and words[2].isdigit() else None
            return float(words[1]) - started, None if peak_kb is None else peak_kb / 1024
    raise RuntimeError(f"{command[2:4]} never painted: {result.stderr[-500:]}")


def run(quick: bool = False) -> list[dict[str, Any]]:
    from tests.bench.search import write_corpus

    runs = 5 if quick else 15  # interleaved pairs: this 2-core machine is noisy
    rows = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENCYCLOPEDIA_HOME": home,
               "ENCYCLOPEDIA_EXIT_AFTER_PAINT": "1"}
        # As installed: our modules' bytecode is cached, like every other package's
        # (a shell with PYTHONDONTWRITEBYTECODE=1 would recompile them on every start).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        root = Path(__file__).resolve().parents[2]
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        *(str(root / package) for package in ("content", "index", "viewer"))],
                       check=True, env=env)
        os.environ["ENCYCLOPEDIA_HOME"] = home
        rows += _compare("start to first paint", None, Path(home), env, runs, goal=GOAL)
        # A wiki-sized library: the window needs every file's outline before it paints
        # (from the outline cache, which the uncounted first run fills).
        sections = 2000 if quick else 20000
        library = Path(home) / "wiki"
        write_corpus(library, sections)
        rows += _compare(f"  {sections // 1000}k-section library", library, Path(home), env,
                         runs, goal=None)
    return rows


def _compare(metric: str, content: Path | None, home: Path, env: dict[str, str], runs: int,
             goal: float | None) -> list[dict[str, Any]]:
    """Our window on ``content`` against a bare browser showing its first article."""
    from content import load_library
    from content.pages import article_html

    page = home / "page.html"
    page.write_text(article_html(load_library(content).articles[0]), encoding="utf-8")
    ours = [sys.executable, "-m", "viewer", "open", "--size", SIZE]
    if content is not None:
        ours += ["--content", str(content)]
    bare = [sys.executable, str(Path(__file__).with_name("bare_browser.py")), str(page), SIZE]
    _time_to_paint(ours, env)  # warm the OS file cache and the caches, uncounted
    _time_to_paint(bare, env)
    ours_runs, bare_runs = [], []
    for _ in range(runs):
        ours_runs.append(_time_to_paint(ours, env))
        bare_runs.append(_time_to_paint(bare, env))
    ours_ms = statistics.median(t for t, _ in ours_runs) * 1000
    bare_ms = statistics.median(t for t, _ in bare_runs) * 1000
    ratio = ours_ms / bare_ms
    row: dict[str, Any] = {
        "metric": f"{metric} (median of {runs})", "ours": ours_ms, "baseline": bare_ms,
        "unit": "ms", "ratio": ratio, "runs_ours_ms": [t * 1000 for t, _ in ours_runs],
        "runs_baseline_ms": [t * 1000 for t, _ in bare_runs]}
    if goal is not None:
        row.update(goal=f"ratio <= {goal}", met=ratio <= goal)
    rows = [row]
    ours_mb = [mb for _, mb in ours_runs if mb is not None]
    bare_mb = [mb for _, mb in bare_runs if mb is not None]
    if ours_mb and bare_mb:  # where /proc tells a process its own peak
        ours_peak, bare_peak = statistics.median(ours_mb), statistics.median(bare_mb)
        rows.append({"metric": "    peak memory at first paint", "ours": ours_peak,
                     "baseline": bare_peak, "unit": "MB", "ratio": ours_peak / bare_peak})
    return rows
