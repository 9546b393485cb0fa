"""The main window: layout and wiring only.

Every navigation — a tree click, a link, a search hit, a bookmark, back and
forward, the command line's target — goes through ``navigate(section_id)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from content import Article, Library, UnknownSection
from content.pages import article_html
from viewer.appearance import Appearance
from viewer.article_view import ArticleView
from viewer.session import Session
from viewer.state import StateFile
from viewer.tree import SectionTree

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QRect, QUrl
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence

    from content.anchors import Spot
    from viewer.bookmark_feature import BookmarkFeature
    from viewer.comfort import ReadingComfort
    from viewer.history_feature import HistoryFeature
    from viewer.search_feature import SearchFeature

logger = logging.getLogger(__name__)
APP_TITLE = "Encyclopedia"


class MainWindow(QMainWindow):
    aboutToNavigate = Signal(str)  # section id, before navigate() leaves the current place
    navigated = Signal(str)  # section id, after every navigate()
    currentSectionChanged = Signal(str)  # section id at the top of the view
    libraryChanged = Signal(object)  # the new Library, after set_library()
    featuresInstalled = Signal()  # history, search and bookmarks are in place

    def __init__(self, library: Library, parent: QWidget | None = None, *,
                 defer_features: bool = False) -> None:
        super().__init__(parent)
        self.library = library
        self.article: Article | None = None
        self.current_id = ""
        self.setWindowTitle(APP_TITLE)

        self.tree = SectionTree()
        self.tree.set_library(library)
        self.view = ArticleView()  # its stylesheet comes with the theme, below
        # Before the first page is shown: its images load from the library, not as placeholders.
        self.view.resource_root = library.root
        # The article and, below it, the find bar when it is open.
        self.article_pane = QWidget()
        self.article_pane.setObjectName("articlePane")
        self.pane_layout = PageLayout(self.view, self.article_pane)

        self.sidebar = QTabWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setDocumentMode(True)
        self.sidebar.addTab(self.tree, "Contents")
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.article_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.setCentralWidget(self.splitter)
        self.view.setFocus()  # the reader's keys scroll the page from the start

        self._painted = False
        self._paint_waiters: list[Callable[[], None]] = []
        self.toolbar = QToolBar("Navigation")
        self.toolbar.setObjectName("navigationToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self._reserve_toolbar_height()
        self.statusBar()  # there from the first paint: the features write to it
        self.menus: dict[str, QMenu] = {}
        for key, title in (("file", "&File"), ("edit", "&Edit"), ("view", "&View"),
                           ("go", "&Go"), ("bookmarks", "&Bookmarks"), ("help", "&Help")):
            self.menus[key] = self.menuBar().addMenu(title)

        self.tree.sectionActivated.connect(self.navigate)
        self.view.sectionScrolled.connect(self._on_section_scrolled)
        self.view.anchorClicked.connect(self.follow_link)
        self.view.painted.connect(self._first_paint)
        # What the library was opened from (a folder or one file), for live reload.
        self.library_source: Path | None = None
        # One reading-state file for every feature, so a notice about it (a corrupt
        # file moved aside) is told once, by whoever reads it first.
        self.state = StateFile()
        # What the first paint needs: the place to show, the theme and the zoom.
        self.session = Session(self)
        self.appearance = Appearance(self, self.state, self.session.saved)
        for warning in library.warnings:
            self.statusBar().showMessage(warning, 10000)
        # Everything else: the menus' actions and the reading features.
        self.comfort: ReadingComfort
        self.history: HistoryFeature
        self.search: SearchFeature
        self.bookmarks: BookmarkFeature
        if defer_features:
            self.when_painted(self.install_features)
        else:
            self.install_features()

    def _reserve_toolbar_height(self) -> None:
        """Make the toolbar as tall now as its buttons, installed after the first
        paint, will make it: the page must not move down once it is on screen.

        The probe is an action the toolbar makes its own tool button for, as tall
        as one with an icon; a QToolButton of ours would cost more Qt types.
        """
        probe = self.toolbar.addAction("")
        self.toolbar.setMinimumHeight(self.toolbar.sizeHint().height())
        self.toolbar.removeAction(probe)
        probe.deleteLater()

    def install_features(self) -> None:
        """The menus' actions, then history, search and bookmarks: toolbar buttons,
        menus, sidebar tabs, hooks.

        The app installs them just after the first paint, so that the page shows
        without waiting for their modules; tests install them at once.
        """
        if hasattr(self, "search"):
            return
        from PySide6.QtGui import QKeySequence

        from viewer.bookmark_feature import BookmarkFeature
        from viewer.comfort import ReadingComfort
        from viewer.fonts import MissingGlyphs
        from viewer.history_feature import HistoryFeature
        from viewer.link_hover import LinkHover
        from viewer.search_feature import SearchFeature

        # Quit's standard key is empty on desktops without a platform theme: Ctrl+Q then.
        self.bind_keys(self.add_action("file", "&Quit", self.close),
                       QKeySequence.StandardKey.Quit, "Ctrl+Q")
        self.add_action("go", "&Contents", self.focus_contents, "Ctrl+Shift+C")
        self.comfort = ReadingComfort(self)  # find, print, live reload, zoom and theme menus
        self.history = HistoryFeature(self)
        self.search = SearchFeature(self)
        self.bookmarks = BookmarkFeature(self)
        self.link_hover = LinkHover(self)
        self.missing_glyphs = MissingGlyphs(self)
        self.view.follow_scrolling()
        self.session.follow_scrolling()
        self.session.restore_sidebar_tab()
        self.featuresInstalled.emit()

    def setVisible(self, visible: bool) -> None:
        # Shown, the page has its final size only now: centre its column and put the
        # reader in place before the first paint. (A setVisible override, because a
        # showEvent one would cost the first paint a Python type for the event.)
        with self.view.keeping_place():
            super().setVisible(visible)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.save()
        super().closeEvent(event)

    def when_painted(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the first page is on screen (soon, if it already is)."""
        if self._painted:
            QTimer.singleShot(0, callback)
        else:
            self._paint_waiters.append(callback)

    def _first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        waiters, self._paint_waiters = self._paint_waiters, []
        # Each on its own turn of the event loop: the page is on screen already,
        # and input stays responsive between them.
        for callback in waiters:
            QTimer.singleShot(0, callback)

    # --- building blocks for the panels and features -------------------------------

    def add_action(self, menu: str, text: str, slot: object,
                   shortcut: str | QKeySequence.StandardKey | None = None,
                   *, tip: str = "") -> QAction:
        """A menu action; every action the window has lives in a menu, with its shortcut."""
        from PySide6.QtGui import QAction  # not before the first paint: see install_features

        action = QAction(text, self)
        if shortcut is not None:
            self.bind_keys(action, shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.menus[menu].addAction(action)
        return action

    def bind_keys(self, action: QAction, *keys: str | QKeySequence.StandardKey) -> None:
        """Give ``action`` these shortcuts (empty and repeated ones dropped)."""
        from PySide6.QtGui import QKeySequence

        sequences: list[QKeySequence] = []
        for key in keys:
            sequence = QKeySequence(key)
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
        action.setShortcuts(sequences)

    def add_sidebar_tab(self, name: str, title: str) -> QVBoxLayout:
        """An empty sidebar tab for a panel built when first needed; its layout takes it."""
        tab = QWidget()
        tab.setObjectName(name)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        self.sidebar.addTab(tab, title)
        return layout

    def focus_contents(self) -> None:
        self.sidebar.setCurrentWidget(self.tree)
        self.tree.setFocus()

    def set_library(self, library: Library) -> None:
        """Show a new version of the library (live reload), keeping the reader's place."""
        self.library = library
        self.tree.set_library(library)
        old = self.article
        anchor, offset = self.view.reading_position()
        self.article = None
        self.current_id = ""
        if old is not None and old.slug in {a.slug for a in library.articles}:
            article = library.article(old.slug)
            self._show_article(article)
            if anchor and f"{article.slug}#{anchor}" not in library:
                anchor, offset = "", 0
            self.view.scroll_to(anchor, offset)
            self._on_section_scrolled(self.view.current_anchor())
        elif library.articles:
            self.navigate(library.articles[0].lead.id)
        self.libraryChanged.emit(library)

    # --- navigation ---------------------------------------------------------------

    def navigate(self, section_id: str) -> bool:
        """Show a section (``slug#anchor``, or a slug for its lead) at the top of the view.

        The anchor may also be any id the page carries (a footnote, a raw ``<a id>``),
        or a heading's id as mdBook or MkDocs spell it: the view goes to its section,
        and then to that spot within it.
        """
        try:
            section, element = self.library.section(section_id), ""
        except UnknownSection as error:
            spot = self._spot(section_id)
            if spot is None:
                self.statusBar().showMessage(str(error), 5000)
                return False
            section, element = spot.section, spot.element
        self.aboutToNavigate.emit(section.id)
        article = self.article
        if article is None or article.slug != section.slug:
            article = self.library.article(section.slug)
            self._show_article(article)
        # The lead is the top of the page, with whatever comes before its heading.
        anchor = "" if section.id == article.lead_id else section.anchor
        if element:
            self.view.scroll_to_element(anchor, element)
        else:
            self.view.scroll_to(anchor)
        self._set_current(section.id)
        self.navigated.emit(section.id)
        return True

    def _spot(self, section_id: str) -> Spot | None:
        from content import split_id
        from content.anchors import find_spot

        slug, fragment = split_id(section_id)
        if not self.library.has_article(slug):
            return None
        return find_spot(self.library.article(slug), fragment)

    def follow_link(self, url: QUrl) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from viewer.links import resolve_link

        slug = self.article.slug if self.article else ""
        target = resolve_link(url.toString(), self.library, slug)
        if target.kind == "section":
            place = f"{target.value.partition('#')[0]}#{target.element}" if target.element \
                else target.value
            self.navigate(place)
        elif target.kind == "external":
            self.statusBar().showMessage(f"Opening {target.value} in your browser", 3000)
            QDesktopServices.openUrl(QUrl(target.value))
        elif target.kind == "file":
            QDesktopServices.openUrl(QUrl.fromLocalFile(target.value))
        else:
            self.statusBar().showMessage(f"Link not followed: {target.value}", 8000)

    def _show_article(self, article: Article) -> None:
        self.article = article
        anchors = [s.anchor for s in article.walk() if s.anchor]
        self.view.show_html(article_html(article), anchors, article.path.parent)

    def _on_section_scrolled(self, anchor: str) -> None:
        if self.article is None:
            return
        section_id = f"{self.article.slug}#{anchor}" if anchor else self.article.lead.id
        self._set_current(section_id)

    def _set_current(self, section_id: str) -> None:
        if section_id == self.current_id:
            return
        self.current_id = section_id
        section = self.library.section(section_id)
        self.tree.show_section(section.id)
        article_title = self.article.title if self.article else ""
        if section.title == article_title:
            self.setWindowTitle(f"{article_title} — {APP_TITLE}")
        else:
            self.setWindowTitle(f"{section.title} — {article_title} — {APP_TITLE}")
        self.currentSectionChanged.emit(section.id)


class PageLayout(QVBoxLayout):
    """The article pane's layout: the page, and the find bar below it when open.

    Every change of the page's size comes through here, so the page keeps its
    column centred and the reader in place (see ``ArticleView.keeping_place``).
    """

    def __init__(self, view: ArticleView, parent: QWidget) -> None:
        super().__init__(parent)
        self._view = view
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(0)
        self.addWidget(view)

    def setGeometry(self, rect: QRect) -> None:
        with self._view.keeping_place():
            super().setGeometry(rect)
