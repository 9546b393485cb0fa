"""The Contents tree: the library's table of contents, with each article's sections.

The rows are the library's own table of contents (:attr:`content.Library.contents`:
an mdBook's SUMMARY.md, an MkDocs nav, a folder tree): chapters show their
article, and below it its sections, then the chapters under it; part titles and
folders without a page of their own only group rows; draft chapters are greyed.

A small library is shown whole and expanded. In a big one (a wiki export of
thousands of articles, a book of hundreds of chapters) only the top rows are
made at first; a row's children are made when it is expanded or one of them is
shown, so the window does not wait for tens of thousands of rows before its
first paint.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from content import Article, Library, Section
from content.contents import CHAPTER, DRAFT, Entry

# Qt.ItemDataRole.UserRole, spelled as its value: touching the Qt namespace
# costs about 12 ms at start-up, before the first paint.
ID_ROLE = 0x0100  # a row's section id; "" for a row that only groups others
KEY_ROLE = 0x0101  # where a row's entry is in the table of contents
TRAIL_SEPARATOR = " › "  # the heading trail: "Article › Section"
SHOWN_WHOLE = 20  # articles up to which the tree is made, and expanded, at once

Key = tuple[int, ...]  # an entry's place: its index at each level of the contents


class SectionTree(QTreeWidget):
    sectionActivated = Signal(str)  # section id the user picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contentsTree")
        self.setAccessibleName("Contents")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self._library: Library | None = None
        self._items: dict[str, QTreeWidgetItem] = {}  # by section id
        self._rows: dict[Key, QTreeWidgetItem] = {}  # the entries' rows made so far
        self._keys: dict[str, Key] = {}  # where each article's (first) row is
        # Rows whose children are not made yet, with what they will show.
        self._unfilled: dict[Key, tuple[QTreeWidgetItem, Entry, tuple[str, ...]]] = {}
        self.itemClicked.connect(self._activate)
        self.itemActivated.connect(self._activate)
        self.itemExpanded.connect(self._fill)

    def set_library(self, library: Library) -> None:
        self.clear()
        self._library = library
        self._items.clear()
        self._rows.clear()
        self._unfilled.clear()
        self._keys = {}
        _index_keys(library.contents, (), self._keys)
        whole = len(library.articles) <= SHOWN_WHOLE
        root = self.invisibleRootItem()
        for number, entry in enumerate(library.contents):
            self._entry_row(root, (number,), entry, (), whole)
        if not library.contents:
            return
        if whole:
            self.expandAll()
        else:
            first = self._rows[(0,)]
            self._fill(first)
            first.setExpanded(True)

    # --- rows --------------------------------------------------------------------

    def _entry_row(self, parent: QTreeWidgetItem, key: Key, entry: Entry,
                   trail: tuple[str, ...], whole: bool) -> None:
        article = self._article(entry)
        section_id = article.lead_id if article is not None else ""
        item = QTreeWidgetItem(parent, [entry.title])
        item.setData(0, ID_ROLE, section_id)
        item.setData(0, KEY_ROLE, key)
        item.setToolTip(0, TRAIL_SEPARATOR.join((*trail, entry.title)))
        if not key[1:] or entry.kind != CHAPTER:  # top rows, part titles and folders stand out
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        if entry.kind == DRAFT:
            from PySide6.QtCore import Qt  # drafts are rare: the namespace costs start-up

            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)  # greyed: no page
            item.setToolTip(0, f"{entry.title}: not written yet")
        self._rows[key] = item
        if section_id:
            self._items.setdefault(section_id, item)
        has_sections = article is not None and article.has_sections
        if not entry.children and not has_sections:
            return
        own_trail = (*trail, entry.title)
        if whole:
            self._add_children(item, key, entry, own_trail, whole)
        else:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            self._unfilled[key] = (item, entry, own_trail)

    def _add_children(self, item: QTreeWidgetItem, key: Key, entry: Entry,
                      trail: tuple[str, ...], whole: bool) -> None:
        article = self._article(entry)
        if article is not None:
            self._add_sections(item, article.lead)
        for number, child in enumerate(entry.children):
            self._entry_row(item, (*key, number), child, trail, whole)

    def _add_sections(self, item: QTreeWidgetItem, section: Section) -> None:
        for child in section.children:
            row = QTreeWidgetItem(item, [child.title])
            row.setData(0, ID_ROLE, child.id)
            row.setToolTip(0, TRAIL_SEPARATOR.join(child.trail))
            self._items.setdefault(child.id, row)
            self._add_sections(row, child)

    def _article(self, entry: Entry) -> Article | None:
        if entry.slug is None or self._library is None:
            return None
        return self._library.article(entry.slug)

    def _fill(self, item: QTreeWidgetItem) -> None:
        """Make a row's children, the first time they are wanted."""
        key = item.data(0, KEY_ROLE)
        unfilled = self._unfilled.pop(tuple(key), None) if key is not None else None
        if unfilled is not None:
            row, entry, trail = unfilled
            self._add_children(row, tuple(key), entry, trail, whole=False)

    def item_for(self, section_id: str) -> QTreeWidgetItem | None:
        """The row of a section, made (with the rows above it) if need be."""
        item = self._items.get(section_id)
        if item is not None:
            return item
        key = self._keys.get(section_id.partition("#")[0])
        if key is None:
            return None
        for length in range(1, len(key) + 1):
            row = self._rows.get(key[:length])
            if row is None:
                return None
            self._fill(row)
        return self._items.get(section_id)

    def selected_id(self) -> str | None:
        item = self.currentItem()
        return None if item is None or not item.data(0, ID_ROLE) else str(item.data(0, ID_ROLE))

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
        section_id = str(item.data(0, ID_ROLE) or "")
        if section_id:
            self.sectionActivated.emit(section_id)
        elif item.childCount() or item.childIndicatorPolicy() == \
                QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator:
            item.setExpanded(not item.isExpanded())  # a part or a folder: open or close it


def _index_keys(entries: tuple[Entry, ...], prefix: Key, keys: dict[str, Key]) -> None:
    for number, entry in enumerate(entries):
        key = (*prefix, number)
        if entry.slug is not None:
            keys.setdefault(entry.slug, key)
        _index_keys(entry.children, key, keys)
