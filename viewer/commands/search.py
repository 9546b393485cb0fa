"""``encyclopedia search``: full-text search from the command line.

Prints the best sections for QUERY (updating the index first if the library
changed). ``--json`` prints the documented shape::

    {"query": "famines", "total": 2, "suggestion": null,
     "hits": [{"id": "slug#anchor", "article": "slug", "path": ["Title", "Section"],
               "score": 2.52, "snippet": "… deadliest <mark>famines</mark> in …"}]}
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from typing import TYPE_CHECKING

from content import Library, load_library
from viewer.commands.index import terminal_progress, writer_processes

if TYPE_CHECKING:
    from index import Results, Searcher

_MARK = re.compile(r"<mark>(.*?)</mark>")
BUSY_WAIT = 1.0  # s to wait for another process's update before answering without it
TRAIL_SEPARATOR = " \u203a "  # a single right angle quote, as the window shows a trail


def run(args: argparse.Namespace) -> int:
    from viewer.cli import CommandError

    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    library = load_library(args.content)
    import index

    try:
        results = _search(library, args.query, args.limit)
    except index.Error as error:
        raise CommandError(str(error)) from error
    if args.json:
        print(json.dumps(results.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(_report(results, sys.stdout.isatty()))
    return 0


def _search(library: Library, query: str, limit: int) -> Results:
    import index

    try:
        searcher = index.open_index(library, terminal_progress(), procs=writer_processes(),
                                    wait=BUSY_WAIT)
    except index.IndexBusy:
        # Another process is updating the index (a window, `index`): answer at
        # once from what it last saved, rather than wait for it, if there is any.
        saved = index.open_saved(library)
        if saved is None:
            print("encyclopedia: waiting for another program that is building the index",
                  file=sys.stderr)
            searcher = index.open_index(library, terminal_progress(), procs=writer_processes())
        else:
            print("encyclopedia: another program is updating the index; these results are "
                  "from before that update", file=sys.stderr)
            searcher = saved
    with searcher:
        _tell(searcher)
        try:
            return searcher.search(query, limit)
        except index.IndexCorrupt:
            pass  # damaged since it was checked: rebuild once, then search again
    with index.open_index(library, terminal_progress(), rebuild=True,
                          procs=writer_processes()) as searcher:
        return searcher.search(query, limit)


def _tell(searcher: Searcher) -> None:
    """One line on stderr if the index was rebuilt, or could not be brought up to date."""
    stats = searcher.stats
    if stats is not None and stats.notice:
        what = "was rebuilt" if stats.rebuilt else "may be out of date"
        print(f"encyclopedia: the search index {what}: {stats.notice}", file=sys.stderr)


def _report(results: Results, terminal: bool) -> str:
    if results.total == 1:
        lines = [f"1 section matches {results.query!r}"]
    elif results.total:
        lines = [f"{results.total} sections match {results.query!r}"]
    else:
        lines = [f"No section matches {results.query!r}."]
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}")
    for number, hit in enumerate(results.hits, 1):
        lines.append("")
        lines.append(f"{number}. {TRAIL_SEPARATOR.join(hit.path)}")
        lines.append(f"   [{hit.id}]  score {hit.score:.2f}")
        if hit.snippet:
            lines.append(f"   {_plain_snippet(hit.snippet, terminal)}")
    return "\n".join(lines)


def _plain_snippet(snippet: str, terminal: bool) -> str:
    """The HTML snippet for a terminal: matches in bold, or *starred* in a pipe."""
    marked = _MARK.sub(lambda m: f"\x1b[1m{m.group(1)}\x1b[0m" if terminal
                       else f"*{m.group(1)}*", snippet)
    return html.unescape(marked)
