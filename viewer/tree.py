"""The Contents tree: every article with its sections nested below it.

A small library is shown whole and expanded. In a big one (a wiki export of
thousands of articles) only the articles are made at first; an article's
sections are made when it is expanded or one of them is shown, so the window
does not wait for tens of thousands of rows before its first paint.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from content import Article, Library, Section

# Qt.ItemDataRole.UserRole, spelled as its value: touching the Qt namespace
# costs about 12 ms at start-up, before the first paint.
ID_ROLE = 0x0100
TRAIL_SEPARATOR = " › "  # the heading trail: "Article › Section"
SHOWN_WHOLE = 20  # articles up to which the tree is made, and expanded, at once


class SectionTree(QTreeWidget):
    sectionActivated = Signal(str)  # section id the user picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contentsTree")
        self.setAccessibleName("Contents")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        # Articles whose sections are not made yet: their row, by article slug.
        self._unfilled: dict[str, tuple[QTreeWidgetItem, Article]] = {}
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)
        self.itemExpanded.connect(self._fill)

    def set_library(self, library: Library) -> None:
        self.clear()
        self._items.clear()
        self._unfilled.clear()
        whole = len(library.articles) <= SHOWN_WHOLE
        bold = None
        for article in library.articles:
            # The article's row needs none of its sections: a big library's are made
            # when wanted (see content.library.Article).
            top = self._row(self.invisibleRootItem(), article.lead_id, article.title,
                            (article.title,))
            if bold is None:
                bold = top.font(0)
                bold.setBold(True)
            top.setFont(0, bold)
            if whole:
                self._add_children(top, article.lead)
            elif article.has_sections:
                top.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                self._unfilled[article.slug] = (top, article)
        if library.articles and whole:
            self.expandAll()
        elif library.articles:
            self._fill(self.topLevelItem(0))
            self.topLevelItem(0).setExpanded(True)

    def _row(self, parent: QTreeWidgetItem, section_id: str, title: str,
             trail: tuple[str, ...]) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [title])
        item.setData(0, ID_ROLE, section_id)
        item.setToolTip(0, TRAIL_SEPARATOR.join(trail))
        self._items[section_id] = item
        return item

    def _add_children(self, item: QTreeWidgetItem, section: Section) -> None:
        for child in section.children:
            self._add_children(self._row(item, child.id, child.title, child.trail), child)

    def _fill(self, item: QTreeWidgetItem) -> None:
        """Make an article's section rows, the first time they are wanted."""
        slug = str(item.data(0, ID_ROLE)).partition("#")[0]
        unfilled = self._unfilled.pop(slug, None)
        if unfilled is not None:
            top, article = unfilled
            self._add_children(top, article.lead)

    def item_for(self, section_id: str) -> QTreeWidgetItem | None:
        item = self._items.get(section_id)
        if item is None:
            unfilled = self._unfilled.get(section_id.partition("#")[0])
            if unfilled is not None:
                self._fill(unfilled[0])
                item = self._items.get(section_id)
        return item

    def selected_id(self) -> str | None:
        item = self.currentItem()
        return None if item is None else str(item.data(0, ID_ROLE))

    def show_section(self, section_id: str) -> None:
        """Select a section without emitting ``sectionActivated``."""
        item = self.item_for(section_id)
        if item is None or item is self.currentItem():
            return
        self.blockSignals(True)
        try:
            self.setCurrentItem(item)
            self.scrollToItem(item)
        finally:
            self.blockSignals(False)

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.sectionActivated.emit(str(item.data(0, ID_ROLE)))
