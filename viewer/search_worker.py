"""Search work off the UI thread: building the index, and running queries.

Two threads, each with one worker object:

- :class:`IndexWorker` brings a library's index up to date (a first build can
  take minutes) and hands back a ready :class:`index.Searcher`. It reports
  progress per file and can be cancelled between files, so closing the window
  never waits for a build to finish. Asked to answer early, it first hands
  back a searcher on the index as last saved whenever the update has work to
  do or another process holds the index (a long update, a repair after a
  crash): the window answers at once, and better once the update is done.
- :class:`SearchWorker` runs queries one after another. Every query carries a
  sequence number; one that a newer query has already replaced while it waited
  in the queue is skipped, and the window drops any answer that is not for its
  latest query, so a slow old query never overwrites a newer one.

Both report by signals only. Whoosh is imported here, in the worker threads,
never at start-up.

:class:`Gates` is a test hook: a test can hold a worker at a named point (a
query about to run, the index build after n files) to make an otherwise
timing-dependent situation certain. With no gate held it costs a dict lookup.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from content import Library

if TYPE_CHECKING:
    from index import Searcher

logger = logging.getLogger(__name__)

BUSY_RETRY = 0.5  # s: how long one attempt waits for another process's index lock
BUSY_GIVE_UP = 300.0  # s: then the search is reported unavailable
PROGRESS_INTERVAL = 0.1  # s between progress reports
GATE_TIMEOUT = 60.0  # s: a held gate never blocks a worker for longer than this


class Cancelled(Exception):
    """The window is closing: stop building."""


class Gate:
    """One held point: ``reached`` is set when a worker arrives, ``release()`` lets it go."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait(self) -> None:
        self.reached.set()
        self._released.wait(GATE_TIMEOUT)


class Gates:
    """Points where a test may hold a worker: ``("search", query)``, ``("index", files_done)``."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, object], Gate] = {}

    def hold(self, kind: str, key: object) -> Gate:
        gate = Gate()
        self._held[(kind, key)] = gate
        return gate

    def held(self, kind: str, key: object) -> bool:
        return bool(self._held) and (kind, key) in self._held

    def passing(self, kind: str, key: object) -> None:
        if self._held:
            gate = self._held.get((kind, key))
            if gate is not None:
                gate.wait()

    def release_all(self) -> None:
        for gate in list(self._held.values()):
            gate.release()


class IndexWorker(QObject):
    """Opens (building or updating as needed) a library's index, in its own thread."""

    progress = Signal(int, int, int)  # generation, files done, files to do
    ready = Signal(int, object)  # generation, Searcher (its .stats says what was done)
    failed = Signal(int, str)  # generation, why search is unavailable
    busy = Signal(int)  # generation: another process is indexing this library; waiting

    def __init__(self, gates: Gates) -> None:
        super().__init__()
        self.gates = gates
        self.cancel = threading.Event()

    @Slot(int, object, bool, bool)
    def open(self, generation: int, library: Library, rebuild: bool, early: bool) -> None:
        try:
            searcher = self._open(generation, library, rebuild, early)
        except Cancelled:
            return
        except Exception as error:  # shown to the user, never a crash
            logger.exception("the search index of %s could not be opened", library.root)
            self.failed.emit(generation, str(error) or type(error).__name__)
            return
        self.ready.emit(generation, searcher)

    def _open(self, generation: int, library: Library, rebuild: bool,
              early: bool) -> Searcher:
        from index import IndexBusy, Searcher, index_dir, open_saved
        from index.build import update_and_open

        last = -PROGRESS_INTERVAL

        def answer_early() -> None:
            nonlocal early
            if early:
                early = False
                saved = open_saved(library)
                if saved is not None:
                    self.ready.emit(generation, saved)

        def progress(done: int, total: int) -> None:
            nonlocal last
            if self.cancel.is_set():
                raise Cancelled
            if done == 0:
                answer_early()  # there is work to do: meanwhile, what was saved
            now = time.monotonic()
            # A few reports a second are enough for a progress bar, and far
            # cheaper than one queued signal per file of a 20,000-file library.
            if done in (0, total) or now - last >= PROGRESS_INTERVAL \
                    or self.gates.held("index", done):
                last = now
                self.progress.emit(generation, done, total)
            self.gates.passing("index", done)

        # Short waits for the lock, so that closing the window is never stuck
        # behind another process's long build.
        deadline = time.monotonic() + BUSY_GIVE_UP
        while True:
            try:
                stats, ix = update_and_open(library, progress, rebuild=rebuild,
                                            wait=BUSY_RETRY)
                break
            except IndexBusy:
                if self.cancel.is_set():
                    raise Cancelled from None
                if time.monotonic() >= deadline:
                    raise
                answer_early()
                self.busy.emit(generation)
        return Searcher(index_dir(library.root), ix, stats)


class SearchWorker(QObject):
    """Runs queries in order, skipping those already replaced by a newer one."""

    searched = Signal(int, object)  # sequence number, index.Results
    failed = Signal(int, str, bool)  # sequence number, message, the index is damaged

    def __init__(self, gates: Gates) -> None:
        super().__init__()
        self.gates = gates
        # The newest sequence number the window asked for; written by the UI
        # thread, read here (an int attribute: atomic under the GIL).
        self.latest = 0

    @Slot(int, str, object, int)
    def search(self, seq: int, query: str, searcher: Searcher, limit: int) -> None:
        if seq < self.latest:
            return  # typed over while it waited: nobody will look at its answer
        self.gates.passing("search", query)
        from index import IndexCorrupt

        try:
            results = searcher.search(query, limit)
        except IndexCorrupt as error:
            self.failed.emit(seq, str(error), True)
        except Exception as error:  # search is documented never to raise on input
            logger.exception("searching %r failed", query)
            self.failed.emit(seq, str(error) or type(error).__name__, False)
        else:
            self.searched.emit(seq, results)

    @Slot(object)
    def retire(self, searcher: Searcher) -> None:
        """Close a searcher that was replaced, after the queries queued before it."""
        try:
            searcher.close()
        except Exception:  # closing is best effort; the files go with the process
            logger.info("closing an old searcher failed", exc_info=True)


class Workers(QObject):
    """The two worker threads and how the window talks to them."""

    requestOpen = Signal(int, object, bool, bool)  # generation, Library, rebuild, early
    requestSearch = Signal(int, str, object, int)  # seq, query, Searcher, limit
    requestRetire = Signal(object)  # Searcher

    def __init__(self, gates: Gates, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.gates = gates
        self.indexer = IndexWorker(self.gates)
        self.searcher = SearchWorker(self.gates)
        self._threads: list[QThread] = []
        for worker, name in ((self.indexer, "search-index"), (self.searcher, "search-query")):
            thread = QThread()
            thread.setObjectName(name)
            worker.moveToThread(thread)
            thread.start()
            self._threads.append(thread)
        self.requestOpen.connect(self.indexer.open)
        self.requestSearch.connect(self.searcher.search)
        self.requestRetire.connect(self.searcher.retire)

    def search(self, seq: int, query: str, searcher: Searcher, limit: int) -> None:
        self.searcher.latest = seq
        self.requestSearch.emit(seq, query, searcher, limit)

    def forget_queries(self, seq: int) -> None:
        """Queries before ``seq`` need not run any more (the search was cleared)."""
        self.searcher.latest = seq

    def stop(self) -> None:
        """Cancel a build, let held workers go, and wait for both threads to end."""
        self.indexer.cancel.set()
        self.searcher.latest = 1 << 62
        self.gates.release_all()
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            thread.wait()
        self._threads.clear()

    @property
    def running(self) -> bool:
        return bool(self._threads)

