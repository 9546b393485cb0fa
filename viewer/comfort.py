"""Reading comfort and desktop conventions, installed into the main window.

One object wires them all, so the window needs one line for them:

- the View menu's zoom and theme entries (the window applies the theme and the
  zoom itself, before its first paint: :mod:`viewer.appearance`);
- find in page, a bar under the article: :mod:`viewer.find_bar` (built on first use);
- print and PDF: :mod:`viewer.print_actions`;
- live reload of the library: :mod:`viewer.live_reload` (starts after the first paint);
- Help > Keyboard Shortcuts: :mod:`viewer.shortcuts_dialog`;
- images only from the library's folder, the window icon, accessible names and
  a Tab order that goes panel by panel.

The window installs it with its other menus, after the first paint.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from content import Library

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from viewer.find_bar import FindBar
    from viewer.live_reload import LiveReload
    from viewer.mainwindow import MainWindow
    from viewer.print_actions import Printing
    from viewer.shortcuts_dialog import ShortcutsDialog

ICON = Path(__file__).resolve().parent / "resources" / "encyclopedia.svg"


def app_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    return QIcon(str(ICON))


class ReadingComfort(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._find_bar: FindBar | None = None
        self._printing: Printing | None = None
        self._live_reload: LiveReload | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None

        self._follow_library(window.library)
        window.libraryChanged.connect(self._follow_library)

        window.appearance.install_actions()
        # The rest is built when first used.
        self.print_action = window.add_action(
            "file", "&Print…", lambda: self.printing.print_article(),
            QKeySequence.StandardKey.Print, tip="Print the current article")
        self.export_action = window.add_action(
            "file", "&Export PDF…", lambda: self.printing.export_pdf(), "Ctrl+Shift+E",
            tip="Save the current article as a PDF")
        self.reload_action = window.add_action(
            "file", "&Reload Library", lambda: self.live_reload.reload(),
            QKeySequence.StandardKey.Refresh,
            tip="Read the library's files again (edits are picked up by themselves too)")
        self.find_action = window.add_action(
            "edit", "&Find in Page…", self.open_find_bar, QKeySequence.StandardKey.Find,
            tip="Find text in the article")
        self.shortcuts_action = window.add_action(
            "help", "&Keyboard Shortcuts", self.show_shortcuts,
            QKeySequence.StandardKey.HelpContents, tip="Every key the window knows")
        self._quit_last()
        window.when_painted(self._after_first_paint)
        self._name_widgets()

    # --- find in page ------------------------------------------------------------

    @property
    def find_bar(self) -> FindBar:
        """The find bar, made the first time it is needed."""
        if self._find_bar is None:
            from viewer.find_bar import FindBar

            self._find_bar = FindBar(self._window.view)
            self._find_bar.hide()
            self._window.pane_layout.addWidget(self._find_bar)
            self.order_focus()
        return self._find_bar

    def open_find_bar(self) -> None:
        self.find_bar.open_bar()

    # --- print, live reload ------------------------------------------------------

    @property
    def printing(self) -> Printing:
        if self._printing is None:
            from viewer.print_actions import Printing

            self._printing = Printing(self._window)
        return self._printing

    @property
    def live_reload(self) -> LiveReload:
        """The library's watcher; it starts watching after the first paint."""
        if self._live_reload is None:
            from viewer.live_reload import LiveReload

            self._live_reload = LiveReload(self._window)
            self._live_reload.set_source(self._window.library_source)
        return self._live_reload

    def set_library_source(self, path: Path | None) -> None:
        """What the library was opened from (a folder or one file), for live reload."""
        self._window.library_source = path
        if self._live_reload is not None:
            self._live_reload.set_source(path)

    # --- help ------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        from viewer.shortcuts_dialog import ShortcutsDialog

        # Made anew each time from the menus, so it lists what they hold now.
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.close()
            self.shortcuts_dialog.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(self._window.menuBar(), self._window)
        self.shortcuts_dialog.show()

    # --- wiring ----------------------------------------------------------------------

    def _follow_library(self, library: Library) -> None:
        self._window.view.resource_root = library.root

    def _after_first_paint(self) -> None:
        # Once the page is on screen (and whoever waits for that has heard of it):
        # the icon loads an SVG, the Tab order asks Qt's namespace (~12 ms), the
        # watcher walks the library's folders.
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        self._window.setWindowIcon(app_icon())
        self.order_focus()
        self.live_reload.start()

    def _quit_last(self) -> None:
        # Quit closes the File menu, after what the features added to it.
        menu = self._window.menus["file"]
        quit_actions = [a for a in menu.actions() if a.text().replace("&", "") == "Quit"]
        for action in quit_actions:
            menu.removeAction(action)
        if quit_actions:
            menu.addSeparator()
            menu.addActions(quit_actions)

    def _name_widgets(self) -> None:
        window = self._window
        window.sidebar.setAccessibleName("Sidebar")
        window.sidebar.tabBar().setAccessibleName("Sidebar tabs")
        window.menuBar().setAccessibleName("Menu bar")
        window.toolbar.setAccessibleName(window.toolbar.windowTitle() or "Toolbar")
        window.statusBar().setAccessibleName("Status")
        window.splitter.setAccessibleName("Panels")
        window.article_pane.setAccessibleName("Article pane")

    def order_focus(self) -> None:
        """Tab goes panel by panel: sidebar tabs, the sidebar's panels, the page, the find bar.

        Only the visible sidebar panel takes part (Qt skips hidden widgets), so
        from the Contents tree, Tab goes to the page.
        """
        window = self._window
        chain: list[QWidget] = [window.sidebar.tabBar()]
        for index in range(window.sidebar.count()):
            page = window.sidebar.widget(index)
            candidates = [page, *page.findChildren(QWidget)]
            chain.extend(w for w in candidates if _takes_tab(w))
        chain.append(window.view)
        if self._find_bar is not None:
            chain.extend(w for w in self._find_bar.findChildren(QWidget) if _takes_tab(w))
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)


def _takes_tab(widget: QWidget) -> bool:
    from PySide6.QtCore import Qt

    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None
