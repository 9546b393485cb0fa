"""The bookmarks as Qt sees them: folders at the top, the bookmarks in and beside them.

:class:`BookmarksModel` is a two-level item model over a
:class:`~viewer.bookmarks.BookmarkStore`. Rows at the top are the folders (in the
reader's order), then the bookmarks at the top level; a folder's rows are its
bookmarks. Every change (rename in place, drag and drop, the panel's menu
commands, Ctrl+D) goes through the store, which writes the file safely, and the
model then shows what the store holds. Errors and the store's notices come out
as signals carrying one line of text, for the window's status bar.

:class:`BookmarksFilter` narrows it to the bookmarks whose label, heading trail,
note or folder contain every word typed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from content import ContentError, Library
from viewer.bookmarks import (
    TRAIL_SEPARATOR,
    Bookmark,
    BookmarkError,
    BookmarkStore,
    ImportReport,
    StorageError,
)

logger = logging.getLogger(__name__)

MIME_TYPE = "application/x-encyclopedia-bookmarks"
ID_ROLE = Qt.ItemDataRole.UserRole  # section id ("" for a folder)
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1  # a folder's name, or the folder a bookmark is in
IS_FOLDER_ROLE = Qt.ItemDataRole.UserRole + 2
TRAIL_ROLE = Qt.ItemDataRole.UserRole + 3  # "Article › Section › Subsection"
NOTE_ROLE = Qt.ItemDataRole.UserRole + 4
MISSING_ROLE = Qt.ItemDataRole.UserRole + 5
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 6  # the text the filter looks in, casefolded

Key = tuple[str, str]  # (section id, folder): a bookmark's identity in the store
Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


@dataclass(frozen=True)
class Folder:
    name: str
    bookmarks: tuple[Bookmark, ...]


def where(bookmark: Bookmark, library_root: str = "") -> str:
    """The line under a bookmark's label: where it is.

    The trail above its heading, or all of it when the reader renamed it; for an
    article's start, just "Article". A missing bookmark says so, and one from
    another library says which.
    """
    if bookmark.missing and _elsewhere(bookmark, library_root):
        return f"in another library: {Path(bookmark.library).name}"
    path = bookmark.path
    if bookmark.missing:
        return f"missing — was in {TRAIL_SEPARATOR.join(path[:-1]) or bookmark.article}"
    if not bookmark.name and path and path[-1] == bookmark.title:
        path = path[:-1]
    if not path:
        return bookmark.article if bookmark.article != bookmark.label else "Article"
    return TRAIL_SEPARATOR.join(path)


def missing_text(bookmark: Bookmark, library_root: str = "") -> str:
    """Why a missing bookmark cannot be opened, in one line."""
    if _elsewhere(bookmark, library_root):
        return (f"“{bookmark.label}” is in another library, {bookmark.library}: "
                "open that one to go there")
    return (f"“{bookmark.label}” is missing: its section is no longer in this library "
            f"(it was in {bookmark.article or 'an article'})")


def _elsewhere(bookmark: Bookmark, library_root: str) -> bool:
    return bool(library_root and bookmark.library and bookmark.library != library_root)


class BookmarksModel(QAbstractItemModel):
    changed = Signal()  # after a change this window made went through the store
    failed = Signal(str)  # a change that could not be made, in one line
    notice = Signal(str)  # something the store says the reader must know

    def __init__(self, store: BookmarkStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.library_root = ""  # of the library last resolved against
        self._folders: list[Folder] = []
        self._loose: list[Bookmark] = []  # bookmarks at the top level, after the folders
        self._show(store.bookmarks, store.folders)

    # --- what the store holds ------------------------------------------------------

    def refresh(self) -> None:
        """Show what the store holds now (after its reload, resolve or a change)."""
        self._show(self.store.bookmarks, self.store.folders)
        self._tell_notices()

    def reload(self) -> None:
        """Read the file again: another window or process may have changed it."""
        self._do(self.store.reload, changed=False)

    def resolve(self, library: Library) -> None:
        self.library_root = str(library.root)
        self._do(lambda: self.store.resolve(library), changed=False)

    def why_missing(self, bookmark: Bookmark) -> str:
        return missing_text(bookmark, self.library_root)

    def _show(self, bookmarks: Sequence[Bookmark], folders: Sequence[str]) -> None:
        new_folders = [Folder(name, tuple(b for b in bookmarks if b.folder == name))
                       for name in folders]
        new_loose = [b for b in bookmarks if not b.folder]
        if _shape(new_folders, new_loose) == _shape(self._folders, self._loose):
            # Same rows in the same places: update in place, so an open editor, the
            # selection and what is expanded all stay as they are.
            old = self._rows()
            self._folders, self._loose = new_folders, new_loose
            for index, before, after in zip(self._all_indexes(), old, self._rows(),
                                            strict=True):
                if before != after:
                    self.dataChanged.emit(index, index)
            return
        self.beginResetModel()
        self._folders, self._loose = new_folders, new_loose
        self.endResetModel()

    def _rows(self) -> list[tuple[object, ...]]:
        """Every row in order, as a value that changes whenever what it shows does."""
        rows: list[tuple[object, ...]] = []
        for folder in self._folders:
            rows.append((folder.name, len(folder.bookmarks)))
            rows.extend((b, b.missing) for b in folder.bookmarks)
        rows.extend((b, b.missing) for b in self._loose)
        return rows

    def _all_indexes(self) -> list[QModelIndex]:
        indexes = []
        for row, folder in enumerate(self._folders):
            top = self.index(row, 0)
            indexes.append(top)
            indexes.extend(self.index(r, 0, top) for r in range(len(folder.bookmarks)))
        top_rows = len(self._folders)
        indexes.extend(self.index(top_rows + r, 0) for r in range(len(self._loose)))
        return indexes

    # --- reading -------------------------------------------------------------------

    def item(self, index: Index) -> Folder | Bookmark | None:
        if not index.isValid():
            return None
        parent_row = index.internalId() - 1
        if parent_row < 0:
            row = index.row()
            if row < len(self._folders):
                return self._folders[row]
            return self._loose[row - len(self._folders)]
        return self._folders[parent_row].bookmarks[index.row()]

    def bookmark(self, index: Index) -> Bookmark | None:
        item = self.item(index)
        return item if isinstance(item, Bookmark) else None

    def folder_names(self) -> list[str]:
        return [folder.name for folder in self._folders]

    def index_of(self, key: Key) -> QModelIndex:
        """The row of the bookmark (section id, folder), or an invalid index."""
        section_id, folder = key
        if folder:
            for row, item in enumerate(self._folders):
                if item.name == folder:
                    for child, bookmark in enumerate(item.bookmarks):
                        if bookmark.id == section_id:
                            return self.index(child, 0, self.index(row, 0))
            return QModelIndex()
        for row, bookmark in enumerate(self._loose):
            if bookmark.id == section_id:
                return self.index(len(self._folders) + row, 0)
        return QModelIndex()

    def folder_index(self, name: str) -> QModelIndex:
        for row, folder in enumerate(self._folders):
            if folder.name == name:
                return self.index(row, 0)
        return QModelIndex()

    # --- QAbstractItemModel --------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        # Children of the folder in top row r carry r + 1: parent() needs nothing else.
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._folders) + len(self._loose)
        if parent.column() != 0:
            return 0
        item = self.item(parent)
        return len(item.bookmarks) if isinstance(item, Folder) else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index)
        if item is None:
            return None
        if isinstance(item, Folder):
            return self._folder_data(item, role)
        return self._bookmark_data(item, role)

    def _folder_data(self, folder: Folder, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, FOLDER_ROLE):
            return folder.name
        if role == Qt.ItemDataRole.ToolTipRole:
            count = len(folder.bookmarks)
            return f"{folder.name}: {count} bookmark{'s' if count != 1 else ''}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == IS_FOLDER_ROLE:
            return True
        if role == SEARCH_ROLE:
            return folder.name.casefold()
        if role == ID_ROLE:
            return ""
        if role in (MISSING_ROLE,):
            return False
        return None

    def _bookmark_data(self, bookmark: Bookmark, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return bookmark.label
        if role == ID_ROLE:
            return bookmark.id
        if role == FOLDER_ROLE:
            return bookmark.folder
        if role == IS_FOLDER_ROLE:
            return False
        if role == TRAIL_ROLE:
            return where(bookmark, self.library_root)
        if role == NOTE_ROLE:
            return bookmark.note
        if role == MISSING_ROLE:
            return bookmark.missing
        if role == SEARCH_ROLE:
            return "\n".join((bookmark.label, bookmark.title, bookmark.trail, bookmark.article,
                              bookmark.note, bookmark.folder)).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [bookmark.trail or bookmark.label]
            if bookmark.note:
                lines.append(f"Note: {bookmark.note}")
            if bookmark.missing:
                lines.append(self.why_missing(bookmark))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ForegroundRole and bookmark.missing:
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.Text)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # the top level
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                 | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDropEnabled)
        if isinstance(self.item(index), Bookmark):
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item(index)
        if item is None or role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        text = " ".join(value.split())
        if isinstance(item, Folder):
            if not text or text == item.name:
                return False
            return self.rename_folder(item.name, text)
        if text == item.label:
            return False
        return self.rename((item.id, item.folder), text)

    # --- drag and drop -------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData | None:  # type: ignore[override]  # Qt takes None: no drag
        keys = list(dict.fromkeys((b.id, b.folder) for b in map(self.bookmark, indexes) if b))
        if not keys:
            return None  # folders are not dragged: Qt then starts no drag
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray(json.dumps(keys).encode()))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return (action == Qt.DropAction.MoveAction and data.hasFormat(MIME_TYPE)
                and bool(_dropped_keys(data)))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """Dropped on a folder, or among its bookmarks: into that folder; elsewhere: the top."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        item = self.item(parent)
        folder = item.name if isinstance(item, Folder) else item.folder if item else ""
        return self.move(_dropped_keys(data), folder) > 0

    # --- changes, each through the store -------------------------------------------

    def toggle(self, library: Library, section_id: str) -> bool | None:
        """Bookmark the section, or remove its bookmarks; whether it is bookmarked now."""
        return self._do(lambda: self.store.toggle(library, section_id))

    def rename(self, key: Key, name: str) -> bool:
        """Give a bookmark its own label; its heading (or "") shows the heading again."""
        section_id, folder = key

        def change() -> None:
            bookmark = self.store.shelf.get(section_id, folder)
            own = "" if name.strip() == bookmark.title else name
            self.store.rename(section_id, own, folder=folder)

        return self._do(change) is not None

    def set_note(self, key: Key, note: str) -> bool:
        return self._do(lambda: self.store.set_note(key[0], note, folder=key[1])) is not None

    def remove(self, keys: Iterable[Key]) -> int:
        """Delete bookmarks; how many went."""
        removed = 0
        for section_id, folder in keys:
            def change(section_id: str = section_id, folder: str = folder) -> int:
                return self.store.remove(section_id, folder)

            removed += self._do(change) or 0
        return removed

    def move(self, keys: Iterable[Key], to_folder: str) -> int:
        """Move bookmarks into a folder ("" for the top level); how many moved."""
        moved = 0
        for section_id, folder in keys:
            def change(section_id: str = section_id, folder: str = folder) -> Bookmark:
                return self.store.move(section_id, to_folder, folder=folder)

            if folder != to_folder and self._do(change) is not None:
                moved += 1
        return moved

    def create_folder(self, name: str) -> str | None:
        return self._do(lambda: self.store.create_folder(name))

    def rename_folder(self, old: str, new: str) -> bool:
        return self._do(lambda: self.store.rename_folder(old, new)) is not None

    def delete_folder(self, name: str) -> int | None:
        """Delete a folder; its bookmarks go to the top level. How many moved."""
        return self._do(lambda: self.store.delete_folder(name))

    def import_file(self, path: Path, library: Library) -> ImportReport | None:
        return self._do(lambda: self.store.import_file(path, library))

    def export(self, path: Path) -> int | None:
        return self._do(lambda: self.store.export(path), changed=False)

    def _do(self, change: Callable[[], T], *, changed: bool = True) -> T | None:
        """Run a store operation; show the outcome; None (and ``failed``) if it could not."""
        try:
            result = change()
        except (BookmarkError, StorageError, ContentError) as error:
            logger.info("bookmark change failed: %s", error)
            self.refresh()  # the store re-read the file: show what is there
            self.failed.emit(str(error))
            return None
        self.refresh()
        if changed:
            self.changed.emit()
        return result

    def _tell_notices(self) -> None:
        for text in self.store.take_notices():
            self.notice.emit(text)


def _shape(folders: Sequence[Folder], loose: Sequence[Bookmark]) -> tuple[object, ...]:
    return (tuple(len(f.bookmarks) for f in folders), len(loose))


def _dropped_keys(data: QMimeData) -> list[Key]:
    try:
        raw = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    if not isinstance(raw, list):
        return []
    return [(k[0], k[1]) for k in raw
            if isinstance(k, list) and len(k) == 2 and all(isinstance(p, str) for p in k)]


class BookmarksFilter(QSortFilterProxyModel):
    """Shows the bookmarks (and their folders) whose text holds every word of the filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self.setRecursiveFilteringEnabled(True)  # a match inside a folder shows the folder

    @property
    def active(self) -> bool:
        return bool(self._words)

    def set_filter(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        haystack = str(index.data(SEARCH_ROLE) or "")
        return all(word in haystack for word in self._words)
