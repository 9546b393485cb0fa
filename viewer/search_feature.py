"""Full-text search in the window: the search box, the Search tab, the page's marks.

Installed by the main window in one line. Construction is cheap: a line edit
in the toolbar, a few menu actions and an empty tab. Everything else waits:

- the index is opened (built or updated) in a worker thread, started shortly
  after the first paint, with a progress bar in the status bar; a query typed
  meanwhile waits and runs when the index is ready;
- the results panel, the worker threads and Whoosh are built or imported when
  first needed.

Queries run as the user types, debounced, in a worker thread. Each carries a
sequence number and only the answer to the newest one is shown. Opening a hit
goes through ``window.navigate`` and marks every occurrence of the query's
words in the page (the "search" highlight layer); F3 and Shift+F3 step through
them. A live reload (``window.libraryChanged``) updates the index in the
background, then runs the current query again.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QLineEdit, QProgressBar, QSizePolicy, QWidget

from content import Library

if TYPE_CHECKING:
    from index import IndexStats, Results, Searcher
    from viewer.mainwindow import MainWindow
    from viewer.search_panel import SearchPanel
    from viewer.search_worker import Gates, Workers

DEBOUNCE_MS = 180  # typing pauses shorter than this do not start a query
START_DELAY_MS = 50  # after the first paint, before the index is opened
START_FALLBACK_MS = 1000  # after the window is shown, if nothing was painted by then
LIMIT = 100  # hits shown; the count says how many there are in all
NOTICE_MS = 15000
_CTRL_K = 0x04000000 | 0x4B  # Qt.ControlModifier | Qt.Key_K, without touching Qt at start-up

TOOLTIP = """<p><b>Search the library</b> (Ctrl+K or Ctrl+L). Results update as you type.</p>
<table cellspacing="0" cellpadding="2">
<tr><td><b>famine relief</b></td><td>plain words: sections with all of them come first</td></tr>
<tr><td><b>"great leap"</b></td><td>a phrase</td></tr>
<tr><td><b>decentral*</b></td><td>words that start so</td></tr>
<tr><td><b>mao AND deng</b></td><td>also <b>OR</b>, <b>NOT</b> and (brackets)</td></tr>
<tr><td><b>title:reform</b></td><td>only in headings (also <b>body:</b>, <b>path:</b>)</td></tr>
<tr><td><b>xiaopng~</b></td><td>near spellings (<b>~2</b>: further)</td></tr>
<tr><td><b>人大</b></td><td>Chinese, Japanese, Korean: a run of characters</td></tr>
</table>
<p>Up and Down choose a hit, Enter opens it, Esc clears.
F3 and Shift+F3 step through the marked words in the page.</p>"""


class SearchFeature(QObject):
    resultsShown = Signal(str)  # the query whose results the panel now shows
    hitOpened = Signal(str)  # section id of an opened hit, its words marked in the page
    indexReady = Signal()  # a searcher is ready: first build done, or an update

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.searcher: Searcher | None = None
        self.results: Results | None = None
        self.query = ""  # the latest query sent (or waiting for the index)
        self.stats: IndexStats | None = None  # what the latest index update did
        self.dropped = 0  # answers that arrived after a newer query was sent
        self._workers: Workers | None = None
        self._gates: Gates | None = None
        self._panel: SearchPanel | None = None
        self._bar: QProgressBar | None = None
        self._generation = 0  # of index opens; a newer one replaces older ones
        self._seq = 0  # of queries
        self._progress: tuple[int, int] | None = None  # while the first build runs
        self._open_best = False  # open the best hit when the answer comes
        self._painted = False
        self._closed = False
        # The words marked in the page, and where F3 is.
        self._terms: frozenset[str] = frozenset()
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._match = -1
        self._from = 0  # F3 starts at the first match at or after this position
        self._stale = True  # the page changed since it was marked
        self._watching_page = False

        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Search (Ctrl+K)")
        self.field.setAccessibleName("Search")
        self.field.setToolTip(TOOLTIP)
        self.field.setClearButtonEnabled(True)
        self.field.setMaximumWidth(360)
        self.field.setMinimumWidth(180)
        self.field.textChanged.connect(self._text_changed)
        self.field.installEventFilter(self)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        window.toolbar.addWidget(spacer)
        window.toolbar.addWidget(self.field)

        # The tab is an empty holder; the panel is built when it is first needed.
        self._tab_layout = window.add_sidebar_tab("searchTab", "Search")
        self.tab = self._tab_layout.parentWidget()
        window.sidebar.currentChanged.connect(self._tab_changed)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_query)

        focus = window.add_action("go", "&Search", self.focus_field, "Ctrl+K",
                                  tip="Search the library")
        focus.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+L")])
        self.next_action = window.add_action("edit", "Next Search &Match",
                                             lambda: self.step(1), "F3",
                                             tip="Go to the next marked word in the page")
        self.previous_action = window.add_action("edit", "Previous Search Ma&tch",
                                                 lambda: self.step(-1), "Shift+F3",
                                                 tip="Go to the previous marked word")

        window.when_painted(self._page_painted)
        window.navigated.connect(self._navigated)
        window.libraryChanged.connect(self._library_changed)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- public ------------------------------------------------------------------------

    @property
    def panel(self) -> SearchPanel:
        """The results panel (built on first use)."""
        if self._panel is None:
            from viewer.search_panel import SearchPanel

            self._panel = SearchPanel()
            self._tab_layout.addWidget(self._panel)
            self._panel.hitActivated.connect(self.open_hit)
            self._panel.suggestionActivated.connect(self.search_for)
            if self._progress is not None:
                self._panel.show_idle(self._indexing_note())
        return self._panel

    @property
    def workers(self) -> Workers | None:
        """The worker threads, once started (None before, and after shutdown)."""
        return self._workers

    @property
    def gates(self) -> Gates:
        """Test hook: where a test may hold the workers (see ``search_worker.Gates``)."""
        if self._gates is None:
            from viewer.search_worker import Gates

            self._gates = Gates()
        return self._gates

    def focus_field(self) -> None:
        self.start()
        self.window.sidebar.setCurrentWidget(self.tab)
        self.field.setFocus()
        self.field.selectAll()

    def search_for(self, text: str, open_best: bool = False) -> None:
        """Put ``text`` in the search box and search now; ``open_best`` opens the top hit."""
        self._open_best = open_best
        self.field.setText(text)
        self._debounce.stop()
        self._run_query()

    def open_hit(self, section_id: str) -> None:
        """Show a hit's section at the top and mark the query's words in the page."""
        self._terms = self.results.terms if self.results is not None else frozenset()
        self._stale = True
        if not self._watching_page:
            self.window.view.document().contentsChanged.connect(self._page_changed)
            self._watching_page = True
        if self.window.navigate(section_id):
            self.hitOpened.emit(section_id)

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) marked word and scroll it into view."""
        if not self._spans:
            self.window.statusBar().showMessage("No search matches on this page", 3000)
            return
        count = len(self._spans)
        if self._match < 0:
            first = bisect.bisect_left(self._starts, self._from)
            self._match = (first if direction > 0 else first - 1) % count
        else:
            self._match = (self._match + direction) % count
        start, end = self._spans[self._match]
        view = self.window.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        rect = view.cursorRect(cursor)
        viewport = view.viewport().rect()
        if not viewport.contains(rect):
            # A third of the way down: the match with some of its context above.
            bar = view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - viewport.height() // 3)
        self.window.statusBar().showMessage(f"Match {self._match + 1} of {count}", 3000)

    def shutdown(self) -> None:
        """Stop the workers (cancelling a build) and close the index."""
        if self._closed:
            return
        self._closed = True
        self._debounce.stop()
        if self._workers is not None:
            self._workers.stop()
            self._workers = None
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None

    # --- the index ------------------------------------------------------------------------

    def start(self) -> Workers:
        """The worker threads, started (and the index opened) on first use."""
        if self._workers is None:
            from viewer.search_worker import Workers

            self._workers = Workers(self.gates, self)
            self._workers.indexer.progress.connect(self._index_progress)
            self._workers.indexer.ready.connect(self._index_ready)
            self._workers.indexer.failed.connect(self._index_failed)
            self._workers.indexer.busy.connect(self._index_busy)
            self._workers.searcher.searched.connect(self._searched)
            self._workers.searcher.failed.connect(self._search_failed)
            if not self._closed:
                self._open_index(self.window.library)
        return self._workers

    def _open_index(self, library: Library, rebuild: bool = False) -> None:
        self._generation += 1
        # Nothing to search yet: the index as last saved may answer while this
        # update runs (not after a reload, where the current searcher does).
        early = self.searcher is None and not rebuild
        self.start().requestOpen.emit(self._generation, library, rebuild, early)

    def _page_painted(self) -> None:
        if not self._painted:
            self._painted = True
            QTimer.singleShot(START_DELAY_MS, self._start_after_paint)
        if self._terms and self._stale:
            self._mark_page()

    def _start_after_paint(self) -> None:
        if not self._closed and self._workers is None:
            self.start()

    def _index_progress(self, _generation: int, done: int, total: int) -> None:
        # Any open's progress is shown, also one that a reload has overtaken:
        # it is still work going on, and the newer open follows it.
        bar = self._progress_bar()
        bar.setRange(0, max(1, total))
        bar.setValue(done)
        bar.show()
        if self.searcher is None:
            self._progress = (done, total)
            self.panel.set_status(self._indexing_note())

    def _progress_bar(self) -> QProgressBar:
        if self._bar is None:
            self._bar = QProgressBar()
            self._bar.setObjectName("indexProgress")
            self._bar.setAccessibleName("Search index progress")
            self._bar.setFormat("Indexing %v of %m files")
            self._bar.setMaximumWidth(240)
            self.window.statusBar().addPermanentWidget(self._bar)
        return self._bar

    def _indexing_note(self) -> str:
        if self._progress is None:
            return ""
        done, total = self._progress
        return f"Indexing\u2026 ({done} of {total} files)"

    def _index_ready(self, generation: int, searcher: Searcher) -> None:
        if self._workers is None:
            searcher.close()
            return
        latest = generation == self._generation
        if not latest and self.searcher is not None:
            self._workers.requestRetire.emit(searcher)  # a newer open is on its way
            return
        # The latest, or an older one while there is nothing to search yet.
        old, self.searcher = self.searcher, searcher
        if old is not None:
            self._workers.requestRetire.emit(old)
        self.stats = searcher.stats
        if self.stats is not None and self.stats.notice:
            # Rebuilt (it was damaged), or searched as last saved (it cannot be written).
            what = "was rebuilt" if self.stats.rebuilt else "may be out of date"
            self.window.statusBar().showMessage(
                f"The search index {what}: {self.stats.notice}", NOTICE_MS)
        if latest:
            self._progress = None
            if self._bar is not None:
                self._bar.hide()
        self.indexReady.emit()
        if self.query:
            self._send(self.query)  # waiting since before the index was ready, or stale
        elif self._panel is not None:
            self._panel.show_idle(self._indexing_note())

    def _index_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._progress = None
        if self._bar is not None:
            self._bar.hide()
        text = f"Search is unavailable: {message}"
        self.window.statusBar().showMessage(text, NOTICE_MS)
        if self.searcher is None:
            self.panel.set_status(text)

    def _index_busy(self, generation: int) -> None:
        if generation == self._generation:
            self.window.statusBar().showMessage(
                "Waiting for another program that is indexing this library\u2026", 2000)

    def _library_changed(self, library: Library) -> None:
        self._stale = True
        self._mark_page()
        if self._workers is not None:
            self._open_index(library)

    # --- queries ----------------------------------------------------------------------------

    def _text_changed(self, text: str) -> None:
        if text.strip():
            self.window.sidebar.setCurrentWidget(self.tab)
            self.start()
            self._debounce.start()
        else:
            # Clearing is instant: no results, no marks.
            self._debounce.stop()
            self._run_query()

    def _run_query(self) -> None:
        text = self.field.text().strip()
        if text == self.query and text and self.results is not None \
                and self.results.query == text:
            self._after_results()
            return
        self.query = text
        if not text:
            self._seq += 1
            if self._workers is not None:
                self._workers.forget_queries(self._seq)
            self.results = None
            self._open_best = False
            if self._panel is not None:
                self._panel.show_idle(self._indexing_note())
            self._terms = frozenset()
            self._mark_page()
            return
        self._send(text)

    def _send(self, text: str) -> None:
        self._seq += 1
        if self.searcher is None or self._workers is None:
            self.panel.show_waiting(self._indexing_note() or "Preparing the search index\u2026")
            self.start()
            return
        self._workers.search(self._seq, text, self.searcher, LIMIT)

    def _searched(self, seq: int, results: Results) -> None:
        if seq != self._seq:
            self.dropped += 1  # an older query: its answer is no longer wanted
            return
        self.results = results
        self.panel.show_results(results)
        self.resultsShown.emit(results.query)
        self._after_results()

    def _after_results(self) -> None:
        if self._open_best and self.results is not None and self.results.hits:
            self._open_best = False
            self.open_hit(self.results.hits[0].id)

    def _search_failed(self, seq: int, message: str, damaged: bool) -> None:
        if seq != self._seq:
            return
        if damaged and self._workers is not None:
            self.window.statusBar().showMessage(
                f"The search index is damaged ({message}); rebuilding it", NOTICE_MS)
            self.panel.show_waiting("Rebuilding the search index\u2026")
            self._open_index(self.window.library, rebuild=True)
        else:
            self.panel.show_waiting(f"Search failed: {message}")

    # --- marks in the page --------------------------------------------------------------

    def _page_changed(self) -> None:
        self._stale = True

    def _navigated(self, section_id: str) -> None:
        if not self._terms:
            return
        self._mark_page()
        self._match = -1
        self._from = self._position_of(section_id)

    def _mark_page(self) -> None:
        """Mark the words of the opened hit's query everywhere in the page."""
        view = self.window.view
        if not self._terms or self.window.article is None:
            if self._spans:
                view.set_highlights("search", [], "")
            self._spans, self._starts, self._match = [], [], -1
            return
        if not self._stale:
            return
        from index import match_spans
        from viewer.search_results import mark_colours

        self._spans = match_spans(view.document().toPlainText(), self._terms)
        self._starts = [start for start, _ in self._spans]
        self._match = -1
        background, foreground = mark_colours(view)
        view.set_highlights("search", self._spans, background, foreground)
        self._stale = False

    def _position_of(self, section_id: str) -> int:
        """Where a section's heading starts in the page, as a text position."""
        anchor = section_id.partition("#")[2]
        view = self.window.view
        if not anchor:
            return 0
        from PySide6.QtCore import Qt

        top = view.top_of_anchor(anchor)
        x = view.document().rootFrame().frameFormat().leftMargin() + 1
        # Just below the heading's top edge (top_of_anchor leaves a little headroom).
        for below in (12, 20, 2):
            position = view.document().documentLayout().hitTest(
                QPointF(x, top + below), Qt.HitTestAccuracy.FuzzyHit)
            if position >= 0:
                return position
        return 0

    # --- keys and the tab --------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        if self.window.sidebar.widget(index) is self.tab:
            self.start()
            _ = self.panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.field and isinstance(event, QKeyEvent):
            if kind == QEvent.Type.ShortcutOverride:
                # The line edit would take Ctrl+K as "delete to the end of the
                # line"; here it is the search shortcut, which selects the query.
                return event.keyCombination().toCombined() == _CTRL_K
            return kind == QEvent.Type.KeyPress and self._field_key(event)
        if watched is self.window:
            if kind == QEvent.Type.Close:
                self.shutdown()
            elif kind == QEvent.Type.Show and not self._painted:
                # In case no page is ever painted (an empty library).
                QTimer.singleShot(START_FALLBACK_MS, self._start_after_paint)
        return super().eventFilter(watched, event)

    def _field_key(self, event: QKeyEvent) -> bool:
        from PySide6.QtCore import Qt

        key = event.key()
        moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5,
                 Qt.Key.Key_PageUp: -5}
        rows = moves.get(Qt.Key(key))
        if rows is not None:
            if self._panel is not None:
                self._panel.move_selection(rows)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = self.field.text().strip()
            if self.results is not None and self.results.query == text \
                    and not self._debounce.isActive():
                self.panel.open_current()
            elif text:
                # Enter before the results came: open the best hit when they do.
                self._open_best = True
                self._debounce.stop()
                self._run_query()
            return True
        if key == Qt.Key.Key_Escape:
            if self.field.text():
                self.field.clear()
            else:
                self.window.view.setFocus()
            return True
        return False
