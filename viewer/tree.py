"""The Contents tree: every article with its sections nested below it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from content import Library, Section

# Qt.ItemDataRole.UserRole, spelled as its value: touching the Qt namespace
# costs about 12 ms at start-up, before the first paint.
ID_ROLE = 0x0100
TRAIL_SEPARATOR = " › "  # the heading trail: "Article › Section"


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
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)

    def set_library(self, library: Library) -> None:
        self.clear()
        self._items.clear()
        for article in library.articles:
            top = self._add(self.invisibleRootItem(), article.lead)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
        if library.articles and len(library.articles) <= 20:
            self.expandAll()
        elif library.articles:
            self.topLevelItem(0).setExpanded(True)

    def _add(self, parent: QTreeWidgetItem, section: Section) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [section.title])
        item.setData(0, ID_ROLE, section.id)
        item.setToolTip(0, TRAIL_SEPARATOR.join(section.trail))
        self._items[section.id] = item
        for child in section.children:
            self._add(item, child)
        return item

    def item_for(self, section_id: str) -> QTreeWidgetItem | None:
        return self._items.get(section_id)

    def selected_id(self) -> str | None:
        item = self.currentItem()
        return None if item is None else str(item.data(0, ID_ROLE))

    def show_section(self, section_id: str) -> None:
        """Select a section without emitting ``sectionActivated``."""
        item = self._items.get(section_id)
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
