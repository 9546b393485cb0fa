"""``encyclopedia index``: bring the search index up to date, with a progress bar.

Only files changed since the last run are re-indexed. The bar goes to stderr,
and only when stderr is a terminal; ``--json`` prints what was done, and the
files and folders not read, each with the reason::

    {"articles": 1, "sections": 9, "added": 9, "updated": 0, "removed": 0, "seconds": 0.07,
     "skipped": [{"path": ".git", "reason": "hidden folder"}]}
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from typing import TextIO

from content import load_library


class ProgressBar:
    """``[#####.....]  12/200 files`` redrawn in place on a terminal."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str = "indexing") -> None:
        self.stream = stream
        self.label = label
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{done}/{total} files")
        self.stream.flush()
        self.shown = True
        if done >= total:
            self.stream.write("\n")
            self.stream.flush()


def terminal_progress(label: str = "indexing") -> ProgressBar | None:
    """A progress bar on stderr if it is a terminal, else None (no output at all)."""
    return ProgressBar(sys.stderr, label) if sys.stderr.isatty() else None


def writer_processes() -> int:
    """How many writer processes a big build may use from the command line.

    Whoosh's parallel writer forks; that is safe here (no threads) and only
    here, so the window never passes more than one.
    """
    if multiprocessing.get_start_method() != "fork":
        return 1
    return min(2, os.cpu_count() or 1)


def run(args: argparse.Namespace) -> int:
    library = load_library(args.content)
    import index

    try:
        stats = index.update_index(library, terminal_progress(), rebuild=args.rebuild,
                                   procs=writer_processes())
    except index.Error as error:
        from viewer.cli import CommandError

        raise CommandError(str(error)) from error
    if stats.notice:  # a damaged index, rebuilt: the reader may want to know why
        print(f"encyclopedia: the search index was rebuilt: {stats.notice}", file=sys.stderr)
    if args.json:
        skipped = [{"path": item.path, "reason": item.reason} for item in library.skipped]
        print(json.dumps({**stats.as_json(), "skipped": skipped}, ensure_ascii=False))
        return 0
    print(f"{stats.articles} article{'s' * (stats.articles != 1)}, "
          f"{stats.sections} section{'s' * (stats.sections != 1)}: {stats.added} added, "
          f"{stats.updated} updated, {stats.removed} removed in {stats.seconds:.2f} s")
    for item in library.skipped:
        print(f"skipped {item.path}: {item.reason}")
    return 0
