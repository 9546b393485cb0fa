"""Bookmarking in the window: the star (Ctrl+D), the Bookmarks tab and menu.

The star in the toolbar toggles a bookmark on the section at the top of the
page and, as the reader scrolls, shows whether that section is bookmarked.

Nothing here touches the disk before the first page is painted: the store is
read right after it, then a worker re-anchors the bookmarks against the library
(which may render articles) and the panel shows the outcome, missing bookmarks
greyed out. The panel itself is built when its tab is first shown. Changes
that another window or process makes to the bookmarks file appear here too: a
file watcher, and a look at the file whenever the window is activated.

A damaged bookmarks file is kept aside by the store; the window says so once, in
the status bar and the log, and goes on with what could be recovered. A file
that cannot be used at all (a newer version's, or one that cannot be kept
aside) leaves the bookmarks unavailable, said why, and the window works on.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from viewer.icons import star_icon

if TYPE_CHECKING:
    from PySide6.QtCore import QFileSystemWatcher
    from PySide6.QtWidgets import QFileDialog

    from content import Library
    from viewer.bookmarks_model import BookmarksModel
    from viewer.bookmarks_panel import BookmarksPanel
    from viewer.mainwindow import MainWindow

logger = logging.getLogger(__name__)

STAR_ON, STAR_OFF = "★", "☆"  # the star's text, where a toolbar shows text
NOTICE_MS = 20000  # a damaged file kept aside: long enough to be read
MESSAGE_MS = 6000
RECHECK_MS = 150  # a burst of file system events becomes one look at the file


class _ResolveSignals(QObject):
    done = Signal(object, list)  # the Library resolved against, the store's notices
    failed = Signal(str)


class _Resolve(QRunnable):
    """Re-anchors the bookmarks file against a library, off the UI thread.

    It uses its own store on the same file: the file lock keeps it and the
    window's store from losing each other's changes.
    """

    def __init__(self, path: Path, library: Library, signals: _ResolveSignals) -> None:
        super().__init__()
        self.path, self.library, self.signals = path, library, signals

    def run(self) -> None:
        from viewer.bookmarks import BookmarkStore

        try:
            store = BookmarkStore(self.path)
            store.resolve(self.library)
            notices = list(store.take_notices())
        except Exception as error:  # a worker's failure must reach the window, whatever it is
            logger.exception("re-anchoring bookmarks failed")
            self.signals.failed.emit(f"Bookmarks could not be checked: {error}")
            return
        self.signals.done.emit(self.library, notices)


class BookmarkFeature(QObject):
    resolved = Signal()  # the bookmarks now reflect the window's library (missing, re-anchored)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel: BookmarksPanel | None = None
        self.dialog: QWidget | None = None  # an open file dialog, if any
        self._model: BookmarksModel | None = None
        self._broken = ""  # why the bookmarks file cannot be used, if it cannot
        self._started = False
        self.resolved_for: Library | None = None  # the library the bookmarks were last checked in
        # Made before the signals it reports through: children are destroyed in order, and
        # a pool's destruction waits for its worker, which must find the signals alive.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one after the other: the newest library wins
        self._watcher: QFileSystemWatcher | None = None
        self._seen: tuple[int, int, int] | None = None  # the file as last shown
        self._signals = _ResolveSignals(self)
        self._signals.done.connect(self._on_resolved)
        self._signals.failed.connect(self._show_message)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_MS)
        self._recheck.timeout.connect(self.check_file)

        self.star = window.add_action(
            "bookmarks", "&Bookmark this section", self.toggle, "Ctrl+D",
            tip="Bookmark the section at the top of the page, or remove its bookmark")
        self.star.setCheckable(True)
        window.toolbar.addAction(self.star)
        self._show_star(False)
        self.show_action = window.add_action(
            "bookmarks", "&Show bookmarks", self.show_panel, "Ctrl+B",
            tip="Show the list of bookmarks in the sidebar")
        self.new_folder_action = window.add_action(
            "bookmarks", "&New folder…", self.new_folder, "Ctrl+Shift+N",
            tip="Create a folder for bookmarks")
        window.menus["bookmarks"].addSeparator()
        self.export_action = window.add_action(
            "bookmarks", "&Export…", self.ask_export, "Ctrl+Shift+X",
            tip="Save every bookmark to a JSON or XBEL file")
        self.import_action = window.add_action(
            "bookmarks", "&Import…", self.ask_import, "Ctrl+Shift+I",
            tip="Add the bookmarks from a JSON or XBEL file (no duplicates)")

        # The tab is an empty holder until it is first shown: the panel is built then.
        self._tab_layout = window.add_sidebar_tab("bookmarksTab", "Bookmarks")
        self.tab = self._tab_layout.parentWidget()
        window.sidebar.currentChanged.connect(self._on_tab_changed)

        window.currentSectionChanged.connect(self._update_star)
        window.libraryChanged.connect(self._resolve)
        window.when_painted(self._start_soon)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._finish_work)

    # --- the store, loaded after the first paint ------------------------------------

    def _start_soon(self) -> None:
        # After whatever else waits for the first paint: the page comes first.
        if not self._started:
            QTimer.singleShot(0, self.start)

    def start(self) -> None:
        """Read the bookmarks, show the star, and re-anchor them in the background."""
        if self._started:
            return
        self._started = True
        if self.model is None:
            return
        self._update_star()
        self._watch()
        self._resolve(self.window.library)

    @property
    def model(self) -> BookmarksModel | None:
        """The bookmarks, read on first use; None if the file cannot be used (said why)."""
        if self._model is None and not self._broken:
            from viewer.bookmarks import BookmarkStore, StorageError
            from viewer.bookmarks_model import BookmarksModel

            try:
                store = BookmarkStore()
            except StorageError as error:
                self._broken = str(error)
                self._notice(f"Bookmarks are unavailable: {error}")
                self.star.setEnabled(False)
                return None
            self._model = BookmarksModel(store, self)
            self._model.changed.connect(self._after_own_change)
            self._model.failed.connect(self._show_message)
            self._model.notice.connect(self._notice)
            self._model.refresh()  # reading may have moved a corrupt file aside: say so
        return self._model

    def _resolve(self, library: Library) -> None:
        if self.model is None:
            return
        self._pool.start(_Resolve(self.model.store.path, library, self._signals))

    def _on_resolved(self, library: Library, notices: list[str]) -> None:
        if library is not self.window.library or self._model is None:
            return  # the library changed again; its own run is queued
        for text in notices:
            self._notice(text)
        # The worker wrote what it found; this pass only finds everything in place.
        self._model.resolve(library)
        self._seen = _signature(self._model.store.path)
        self._update_star()
        self.resolved_for = library
        self.resolved.emit()

    def _finish_work(self) -> None:
        self._pool.waitForDone()

    # --- other windows and processes ---------------------------------------------------

    def _watch(self) -> None:
        from PySide6.QtCore import QFileSystemWatcher

        assert self._model is not None
        path = self._model.store.path
        watcher = QFileSystemWatcher(self)
        # The file is replaced by every write (atomic rename): watch its folder too.
        watcher.addPath(str(path.parent))
        if path.exists():
            watcher.addPath(str(path))
        watcher.fileChanged.connect(self._check_soon)
        watcher.directoryChanged.connect(self._check_soon)
        self._watcher = watcher
        self._seen = _signature(path)

    def _check_soon(self, _path: str) -> None:
        self._recheck.start()

    def check_file(self) -> None:
        """Show the bookmarks file again if someone else changed it since we last did."""
        if self._model is None:
            return
        path = self._model.store.path
        watcher = self._watcher
        if watcher is not None and path.exists() and str(path) not in watcher.files():
            watcher.addPath(str(path))  # a replaced file is no longer watched
        signature = _signature(path)
        if signature == self._seen:
            return
        self._seen = signature
        self._model.reload()
        self._update_star()

    def _after_own_change(self) -> None:
        if self._model is not None:
            self._seen = _signature(self._model.store.path)
        self._update_star()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.WindowActivate:
                self.check_file()
            elif event.type() == QEvent.Type.Close:
                self._finish_work()
        return super().eventFilter(watched, event)

    # --- the star ------------------------------------------------------------------------

    def toggle(self) -> None:
        """Ctrl+D: bookmark the section being read, or remove its bookmarks."""
        section_id = self.window.current_id
        model = self.model
        if not section_id or model is None:
            self._update_star()
            return
        bookmarked = model.toggle(self.window.library, section_id)
        if bookmarked is not None:
            title = self.window.library.section(section_id).title
            self._show_message(f"Bookmarked “{title}”" if bookmarked
                               else f"Removed the bookmark on “{title}”")
            if bookmarked and self.panel is not None:
                self.panel.select((section_id, ""))
        self._update_star()

    def _update_star(self, _section_id: str = "") -> None:
        model = self._model  # before the first paint there is nothing to show yet
        self._show_star(model is not None and model.store.is_bookmarked(self.window.current_id))

    def _show_star(self, on: bool) -> None:
        self.star.setChecked(on)
        self.star.setIcon(star_icon(on, self.window.palette().windowText().color()))
        self.star.setIconText(STAR_ON if on else STAR_OFF)
        self.star.setToolTip("This section is bookmarked: click or press Ctrl+D to remove it"
                             if on else "Bookmark this section (Ctrl+D)")

    # --- the panel -------------------------------------------------------------------------

    def _on_tab_changed(self, index: int) -> None:
        if self.window.sidebar.widget(index) is self.tab:
            self.build_panel()

    def build_panel(self) -> BookmarksPanel | None:
        if self.panel is not None:
            return self.panel
        model = self.model
        layout = self._tab_layout
        if model is None:
            if layout.count() == 0:
                label = QLabel(f"Bookmarks are unavailable:\n{self._broken}")
                label.setWordWrap(True)
                layout.addWidget(label)
            return None
        from viewer.bookmarks_panel import BookmarksPanel

        self.panel = BookmarksPanel(model)
        self.panel.bookmarkActivated.connect(self.window.navigate)
        self.panel.message.connect(self._show_message)
        layout.addWidget(self.panel)
        return self.panel

    def show_panel(self) -> None:
        """Ctrl+B: the Bookmarks tab, with the keyboard in the list."""
        panel = self.build_panel()
        self.window.sidebar.setCurrentWidget(self.tab)
        splitter = self.window.splitter
        if splitter.sizes()[0] == 0:  # the sidebar was dragged shut
            splitter.setSizes([300, max(300, splitter.width() - 300)])
        if panel is not None:
            (panel.view if panel.view.isVisible() else panel.filter).setFocus()

    def new_folder(self) -> None:
        self.show_panel()
        if self.panel is not None:
            self.panel.ask_new_folder()

    # --- export and import -------------------------------------------------------------

    def ask_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = self._file_dialog("Export bookmarks")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("json")
        dialog.filterSelected.connect(
            lambda chosen: dialog.setDefaultSuffix("xbel" if "xbel" in chosen else "json"))
        dialog.selectFile("bookmarks.json")
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name)))
        dialog.open()

    def ask_import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = self._file_dialog("Import bookmarks")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.import_from(Path(name)))
        dialog.open()

    def _file_dialog(self, title: str) -> QFileDialog:
        from PySide6.QtCore import QDir, Qt
        from PySide6.QtWidgets import QFileDialog

        dialog = QFileDialog(self.window, title, QDir.homePath())
        dialog.setObjectName("bookmarksFileDialog")
        dialog.setNameFilters(["Bookmarks (*.json)", "XBEL, for browsers (*.xbel *.xml)",
                               "All files (*)"])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        return dialog

    def export_to(self, path: Path) -> None:
        from viewer.bookmarks import export_format

        model = self.model
        if model is None:
            return
        count = model.export(path)
        if count is not None:
            self._show_message(f"Exported {count} bookmark{'s' if count != 1 else ''} to "
                               f"{path} ({export_format(path).upper()})")

    def import_from(self, path: Path) -> None:
        model = self.model
        if model is None:
            return
        report = model.import_file(path, self.window.library)
        if report is None:
            return
        text = f"Imported {report.added} bookmark{'s' if report.added != 1 else ''} from " \
               f"{path.name}"
        if report.present:
            text += f"; {report.present} were already there"
        if report.skipped:
            text += f"; {len(report.skipped)} skipped ({report.skipped[0]})"
        self._show_message(text, NOTICE_MS if report.skipped else MESSAGE_MS)
        self._resolve(self.window.library)  # place the new ones in this library

    def _show_message(self, text: str, timeout: int = MESSAGE_MS) -> None:
        self.window.statusBar().showMessage(text, timeout)

    def _notice(self, text: str) -> None:
        """What the reader must know about their bookmarks file: shown long, and logged."""
        logger.warning("%s", text)
        self._show_message(text, NOTICE_MS)


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever the file is rewritten (each write is a new file)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ino, stat.st_size)
