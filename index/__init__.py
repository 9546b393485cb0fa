"""Full-text search over a library's sections, with Whoosh. No Qt here.

The whole interface, in the order a program uses it::

    from content import load_library
    import index

    library = load_library(path)
    searcher = index.open_index(library, progress=lambda done, total: ...)
    results = searcher.search('famine "great leap"', limit=20)
    results.total, results.suggestion        # 12, None
    for hit in results.hits:                  # index.Hit, best first
        hit.id, hit.path, hit.score, hit.snippet
    spans = index.match_spans(page_text, results.terms)   # to highlight a page

- :func:`open_index` brings the index up to date (only changed files are
  re-indexed; an unchanged library costs a few milliseconds) and returns a
  :class:`Searcher`. Call it from a worker thread: a first build of a big
  library takes a while. ``progress(done_files, total_files)`` reports it.
- :func:`open_saved` opens the index as last saved, without updating it or
  waiting for another process's update (None if there is nothing to search).
- :func:`update_index` does the update alone and returns :class:`IndexStats`
  (what ``encyclopedia index`` prints).
- :class:`Searcher` is long-lived and thread-safe; it notices a newer index on
  disk by itself. ``search`` never raises on query syntax; it raises
  :class:`IndexCorrupt` if the files cannot be read, after which
  ``open_index`` rebuilds them.
- :class:`Error` is the base of what this package raises: :class:`IndexCorrupt`,
  :class:`IndexBusy` (another process held the index lock too long).

Importing this package imports Whoosh (about 50 ms): import it when search is
first needed, not at start-up.
"""

from __future__ import annotations

from content.library import Library
from index.analysis import match_spans
from index.build import (
    LOCK_WAIT,
    IndexStats,
    Progress,
    index_dir,
    open_committed,
    update_and_open,
    update_index,
)
from index.errors import Error, IndexBusy, IndexCorrupt
from index.search import Hit, Results, Searcher

__all__ = [
    "Error",
    "Hit",
    "IndexBusy",
    "IndexCorrupt",
    "IndexStats",
    "Progress",
    "Results",
    "Searcher",
    "index_dir",
    "match_spans",
    "open_index",
    "open_saved",
    "update_index",
]


def open_index(library: Library, progress: Progress | None = None, *,
               rebuild: bool = False, procs: int = 1, wait: float = LOCK_WAIT) -> Searcher:
    """Update the library's index if it needs it, then return a Searcher on it.

    What the update did is ``searcher.stats`` (``stats.rebuilt`` and
    ``stats.notice`` say whether and why the index was made afresh). An
    exception raised by ``progress`` cancels the update and propagates; the
    index stays as it was. ``wait`` is how long to wait for another process
    that is updating the same index before raising :class:`IndexBusy`.
    ``procs`` > 1 is for processes without threads only (see :func:`update_index`).
    """
    stats, ix = update_and_open(library, progress, rebuild=rebuild, procs=procs, wait=wait)
    return Searcher(index_dir(library.root), ix, stats)


def open_saved(library: Library) -> Searcher | None:
    """A Searcher on the index as last saved, without updating it or waiting for
    the lock; None if nothing has been saved that can be searched.

    For answering at once while another process updates the index: the
    Searcher moves on to that update's result by itself once it is saved.
    """
    ix = open_committed(library)
    return None if ix is None else Searcher(index_dir(library.root), ix)
