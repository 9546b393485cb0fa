"""Reopening where the reader left off: the place in each library, and the window's layout.

Both go to the reading state (``state.json``, see :mod:`viewer.state`), which
the window reads once, before its first paint. The place (section and scroll
offset, per library) is saved shortly after the reader navigates or stops
scrolling, so a crash loses little; the place and the layout (geometry,
toolbars, splitter, sidebar tab) when the window closes or the application quits.

``open_at(target)`` is how the window starts: the target if there is one, else
the saved place, else the first article.

A damaged ``state.json`` costs the reader their places, never the start: it is
kept aside and the window starts with defaults, saying so once in the status bar
(and in the log, which the command line prints). A place that cannot be saved (a
read-only or full disk) is said once, not at every step.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from viewer.place import place_of, show_place
from viewer.state import Place, ReadingState, WindowLayout
from viewer.storage import StorageError

if TYPE_CHECKING:
    from viewer.mainwindow import MainWindow

logger = logging.getLogger(__name__)

SAVE_DELAY_MS = 1500  # after the last navigation or scroll: one write, not one per step
MESSAGE_MS = 10000


class Session(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.saving = True  # off for a screenshot: it is not the reader's session
        self._state = window.state
        self._written: tuple[str, Place] | None = None  # (library root, place) last saved
        self._unsaved = ""  # why the last save failed, told once until a save works
        # The reading state as the window starts (its place, theme, zoom, layout): read
        # once, as the first paint needs it, and a corrupt file is told about once.
        self.saved = self._read()
        self._sidebar_tab: str | None = None  # restored, once its panel is installed
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_place)
        window.navigated.connect(self._save_soon)
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting from elsewhere (the session manager, app.quit) sends no Close.
            app.aboutToQuit.connect(self.save)

    # --- starting ------------------------------------------------------------------

    def open_at(self, target: str | None) -> None:
        """Show ``target``; without one, the place last read in this library; else its start."""
        window = self.window
        if target:
            window.navigate(target)
            return
        place = self.last_place()
        if place is not None:
            if place.section_id in window.library:
                show_place(window, place)
                return
            # The section is gone (the library was edited): its article, if it is still there.
            slug = place.section_id.partition("#")[0]
            if slug in window.library and window.navigate(slug):
                return
        if window.library.articles:
            window.navigate(window.library.articles[0].lead.id)

    def _read(self) -> ReadingState:
        try:
            saved = self._state.load()
        except (OSError, StorageError) as error:  # it costs the reader's place, never a crash
            self._tell(str(error))
            return ReadingState()
        self._tell(*self._state.take_notices())
        return saved

    def last_place(self) -> Place | None:
        return self.saved.position(self.window.library.root)

    def restore_layout(self, *, geometry: bool = True) -> None:
        """The window's size and position (unless ``geometry`` is False), splitter, sidebar tab."""
        layout, window = self.saved.layout, self.window
        # Qt checks what it is given: an empty or foreign state changes nothing.
        if geometry and layout.geometry:
            window.restoreGeometry(layout.geometry)
        if layout.toolbars:
            window.restoreState(layout.toolbars)
        if layout.splitter:
            window.splitter.restoreState(layout.splitter)
        self._sidebar_tab = layout.sidebar_tab or None
        self.restore_sidebar_tab()

    def restore_sidebar_tab(self) -> None:
        """Show the sidebar tab last used, once it exists (panels may come after the paint)."""
        sidebar = self.window.sidebar
        for index in range(sidebar.count()):
            if self._sidebar_tab and _tab_name(sidebar.tabText(index)) == self._sidebar_tab:
                sidebar.setCurrentIndex(index)

    # --- saving ----------------------------------------------------------------------

    def follow_scrolling(self) -> None:
        """Save the place soon after the reader scrolls; the window asks once the
        page is on screen (no one scrolls before, and the hook costs start-up time)."""
        self.window.view.verticalScrollBar().valueChanged.connect(self._save_soon)

    def _save_soon(self, *_ignored: object) -> None:
        self._timer.start()  # restarted by each step: saved once the reader pauses

    def save(self) -> None:
        """The place and the layout, now, in one write: the window calls this as it closes."""
        self._timer.stop()
        if not self.saving:
            return
        place, root = place_of(self.window), str(self.window.library.root)
        try:
            self._state.save_session(root, place, self._layout())
        except StorageError as error:
            self._not_saved(error)
            return
        self._unsaved = ""
        if place is not None:
            self._written = (root, place)

    def save_place(self) -> None:
        self._timer.stop()
        place = place_of(self.window)
        if not self.saving or place is None:
            return
        root = str(self.window.library.root)
        if self._written == (root, place):
            return
        try:
            self._state.save_position(self.window.library.root, place)
        except StorageError as error:
            self._not_saved(error)
            return
        self._unsaved = ""
        self._written = (root, place)

    def _layout(self) -> WindowLayout:
        window = self.window
        return WindowLayout(bytes(window.saveGeometry().data()), bytes(window.saveState().data()),
                            bytes(window.splitter.saveState().data()),
                            _tab_name(window.sidebar.tabText(window.sidebar.currentIndex())))

    def _not_saved(self, error: StorageError) -> None:
        message = f"Your reading position could not be saved: {error}"
        if message != self._unsaved:
            self._unsaved = message
            self._tell(message)

    def _tell(self, *messages: str) -> None:
        for message in messages:
            logger.warning("%s", message)
            self.window.statusBar().showMessage(message, MESSAGE_MS)


def _tab_name(text: str) -> str:
    return text.replace("&", "")
