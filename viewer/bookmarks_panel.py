"""The Bookmarks tab of the sidebar: folders and bookmarks, a filter, and their commands.

Enter or a double-click goes to a bookmark's section; a missing one (its section
is gone from the library) is shown greyed out and cannot be opened: the panel
says why instead. F2 renames a bookmark or a folder in place, Delete deletes,
and the context menu has everything, including "Move to ▸" and the note.
Bookmarks are dragged between folders. Every change goes through the model to
the store; the panel only keeps what is expanded and selected across reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from viewer.bookmarks_delegate import BookmarkDelegate
from viewer.bookmarks_model import BookmarksFilter, BookmarksModel, Folder, Key

EMPTY_TEXT = ("No bookmarks yet.\n\nPress Ctrl+D or the ☆ button to bookmark the section "
              "you are reading.")
TOP_LEVEL = "Top level"  # the "Move to" entry for bookmarks outside any folder


class BookmarksPanel(QWidget):
    bookmarkActivated = Signal(str)  # the section id to go to
    message = Signal(str)  # one line for the status bar

    def __init__(self, model: BookmarksModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarksPanel")
        self.model = model
        self.proxy = BookmarksFilter(self)
        self.proxy.setSourceModel(model)
        self.dialog: QInputDialog | None = None  # the question being asked, if any
        self.menu: QMenu | None = None  # the context menu last shown
        self._collapsed: set[str] = set()  # folders the reader closed
        self._kept: tuple[list[Key], Key | None] = ([], None)  # selection over a reset

        self.filter = QLineEdit()
        self.filter.setObjectName("bookmarksFilter")
        self.filter.setPlaceholderText("Filter bookmarks")
        self.filter.setToolTip("Show only bookmarks whose title, trail, note or folder "
                               "contain all these words")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._open_first_match)
        self.filter.installEventFilter(self)
        new_folder = QToolButton()
        new_folder.setObjectName("newFolderButton")

        self.view = QTreeView()
        self.view.setObjectName("bookmarksView")
        self.view.setAccessibleName("Bookmarks")
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setItemDelegate(BookmarkDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setExpandsOnDoubleClick(False)  # double-click is "open", as Enter
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.activated.connect(self.open)
        self.view.expanded.connect(self._remember_expanded)
        self.view.collapsed.connect(self._remember_collapsed)

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("bookmarksEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.empty.setContentsMargins(12, 24, 12, 12)

        # Commands on the selection; their shortcuts work while the list has the focus.
        self.open_action = self._action("&Open", self.open_current, "Return")
        self.rename_action = self._action("&Rename", self.rename_current, "F2")
        self.note_action = self._action("Edit &note…", self.edit_note)
        self.delete_action = self._action("&Delete", self.delete_selected,
                                          QKeySequence.StandardKey.Delete)
        self.new_folder_action = self._action("&New folder…", lambda: self.ask_new_folder())
        self.delete_folder_action = self._action("Delete &folder", self.delete_current_folder)
        for action in (self.rename_action, self.delete_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.view.addAction(action)
        new_folder.setDefaultAction(self.new_folder_action)
        new_folder.setText("New folder")
        new_folder.setToolTip("Create a folder for bookmarks")

        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        top.setSpacing(4)
        top.addWidget(self.filter, 1)
        top.addWidget(new_folder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)

        self.proxy.modelAboutToBeReset.connect(self._keep_selection)
        self.proxy.modelReset.connect(self._after_reset)
        self.proxy.rowsInserted.connect(self._update_empty)
        self.proxy.rowsRemoved.connect(self._update_empty)
        self._after_reset()

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    # --- reading the selection -------------------------------------------------------

    def _source(self, index: QModelIndex) -> QModelIndex:
        return self.proxy.mapToSource(index) if index.isValid() else QModelIndex()

    def _key(self, index: QModelIndex) -> Key | None:
        """("", name) for a folder, (section id, folder) for a bookmark."""
        item = self.model.item(self._source(index))
        if isinstance(item, Folder):
            return ("", item.name)
        return None if item is None else (item.id, item.folder)

    def _index_for(self, key: Key) -> QModelIndex:
        source = self.model.folder_index(key[1]) if not key[0] else self.model.index_of(key)
        return self.proxy.mapFromSource(source) if source.isValid() else QModelIndex()

    def _folder_at(self, index: QModelIndex) -> str:
        item = self.model.item(self._source(index))
        return item.name if isinstance(item, Folder) else ""

    def selected_keys(self) -> list[Key]:
        """The selected bookmarks (not folders), as (section id, folder)."""
        keys = (self._key(i) for i in self.view.selectionModel().selectedRows())
        return [k for k in keys if k is not None and k[0]]

    def select(self, key: Key) -> None:
        """Make a bookmark or a folder current and the only one selected."""
        index = self._index_for(key)
        if index.isValid():
            self.view.scrollTo(index)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    # --- commands ----------------------------------------------------------------------

    def open(self, index: QModelIndex) -> None:
        """Enter or double-click: go to a bookmark's section; open or close a folder."""
        item = self.model.item(self._source(index))
        if isinstance(item, Folder):
            self.view.setExpanded(index, not self.view.isExpanded(index))
        elif item is not None and item.missing:
            self.message.emit(self.model.why_missing(item))
        elif item is not None:
            self.bookmarkActivated.emit(item.id)

    def open_current(self) -> None:
        if self.view.currentIndex().isValid():
            self.open(self.view.currentIndex())

    def _open_first_match(self) -> None:
        """Enter in the filter box opens the first bookmark that matches."""
        index = self.proxy.index(0, 0)
        while index.isValid() and self.proxy.hasChildren(index):
            index = self.proxy.index(0, 0, index)
        key = self._key(index)
        if key is not None and key[0]:
            self.select(key)
            self.view.setFocus()
            self.open(self.view.currentIndex())

    def rename_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index)

    def edit_note(self) -> None:
        key = self._key(self.view.currentIndex())
        if key is None or not key[0]:
            return
        bookmark = self.model.store.shelf.get(*key)

        def apply(text: str) -> None:
            if self.model.set_note(key, text):
                self.select(key)

        self._ask("Bookmark note", f"A short note on “{bookmark.label}”:", bookmark.note, apply,
                  multiline=True)

    def delete_selected(self) -> None:
        """Delete the selected bookmarks; a selected folder alone is deleted as a folder."""
        keys = self.selected_keys()
        if not keys:
            self.delete_current_folder()
            return
        current = self.view.currentIndex()
        row, folder = current.row(), self._key(current.parent())
        removed = self.model.remove(keys)
        if removed:
            self.message.emit(f"Deleted {removed} bookmark{'s' if removed != 1 else ''}")
            self._select_near(folder, row)

    def delete_current_folder(self) -> None:
        name = self._folder_at(self.view.currentIndex())
        if not name:
            return
        moved = self.model.delete_folder(name)
        if moved is not None:
            self._collapsed.discard(name)
            where = f"; its {moved} bookmark{'s are' if moved != 1 else ' is'} now at the " \
                    "top level" if moved else ""
            self.message.emit(f"Deleted the folder “{name}”{where}")

    def move_selected(self, folder: str) -> None:
        keys = self.selected_keys()
        if self.model.move(keys, folder):
            if folder:
                self.view.expand(self._index_for(("", folder)))
            for number, (section_id, _old) in enumerate(keys):
                index = self._index_for((section_id, folder))
                if index.isValid():
                    flag = QItemSelectionModel.SelectionFlag.ClearAndSelect if number == 0 \
                        else QItemSelectionModel.SelectionFlag.Select
                    self.view.selectionModel().select(
                        index, flag | QItemSelectionModel.SelectionFlag.Rows)
                    if number == 0:
                        self.view.selectionModel().setCurrentIndex(
                            index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.message.emit(f"Moved to {folder or 'the top level'}")

    def ask_new_folder(self, then_move: list[Key] | None = None) -> None:
        """Ask for a folder name and create it; move ``then_move`` bookmarks into it."""
        names = set(self.model.folder_names())
        name, number = "New folder", 2
        while name in names:
            name, number = f"New folder {number}", number + 1

        def create(text: str) -> None:
            created = self.model.create_folder(text)
            if created is None:
                return
            if then_move:
                self.model.move(then_move, created)
                self.view.expand(self._index_for(("", created)))
            self.select(("", created))
            self.view.setFocus()

        self._ask("New folder", "Folder name:", name, create)

    def _ask(self, title: str, label: str, text: str, accept: Callable[[str], None],
             multiline: bool = False) -> None:
        """A small question that does not block the window (and that tests can answer)."""
        dialog = QInputDialog(self)
        dialog.setObjectName("bookmarksQuestion")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        if multiline:
            dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.setTextValue(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(accept)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    # --- the context menu ----------------------------------------------------------------

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The menu for the item at ``index`` (the empty area if invalid)."""
        menu = QMenu(self)
        menu.setObjectName("bookmarksMenu")
        key = self._key(index)
        if key is not None and key[0]:
            menu.addAction(self.open_action)
            menu.addAction(self.rename_action)
            menu.addAction(self.note_action)
            move = menu.addMenu("&Move to")
            move.setObjectName("moveToMenu")
            here = {k[1] for k in self.selected_keys()}
            for folder in ["", *self.model.folder_names()]:
                action = move.addAction(folder or TOP_LEVEL)
                action.setEnabled(here != {folder})
                action.triggered.connect(lambda _checked=False, f=folder: self.move_selected(f))
            move.addSeparator()
            move.addAction("New folder…").triggered.connect(
                lambda: self.ask_new_folder(then_move=self.selected_keys()))
            menu.addSeparator()
            menu.addAction(self.delete_action)
        elif key is not None:
            rename = menu.addAction("&Rename folder")
            rename.setShortcut(self.rename_action.shortcut())
            rename.triggered.connect(self.rename_current)
            menu.addAction(self.delete_folder_action)
            menu.addSeparator()
            menu.addAction(self.new_folder_action)
        else:
            menu.addAction(self.new_folder_action)
        return menu

    def _show_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        elif index.isValid():
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate)
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.context_menu(index)
        self.menu.popup(self.view.viewport().mapToGlobal(position))

    # --- keeping the view's state over reloads -----------------------------------------

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter(text)
        self._restore_expansion()
        self._update_empty()

    # While filtering, every folder with a match is opened; the reader's choices stay as
    # they were, and come back when the filter is cleared.

    def _remember_collapsed(self, index: QModelIndex) -> None:
        if not self.proxy.active:
            self._collapsed.add(self._folder_at(index))

    def _remember_expanded(self, index: QModelIndex) -> None:
        if not self.proxy.active:
            self._collapsed.discard(self._folder_at(index))

    def _restore_expansion(self) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            name = self._folder_at(index)
            if name:
                self.view.setExpanded(index, self.proxy.active or name not in self._collapsed)

    def _keep_selection(self) -> None:
        current = self._key(self.view.currentIndex())
        keys = [k for k in map(self._key, self.view.selectionModel().selectedRows()) if k]
        self._kept = (keys, current)

    def _after_reset(self) -> None:
        self._restore_expansion()
        keys, current = self._kept
        self._kept = ([], None)
        selection = self.view.selectionModel()
        for key in keys:
            index = self._index_for(key)
            if index.isValid():
                selection.select(index, QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        if current is not None and self._index_for(current).isValid():
            selection.setCurrentIndex(self._index_for(current),
                                      QItemSelectionModel.SelectionFlag.NoUpdate)
        self._update_empty()

    def _select_near(self, folder: Key | None, row: int) -> None:
        """After a delete: the row that took the deleted one's place, or the one above."""
        parent = self._index_for(folder) if folder is not None else QModelIndex()
        rows = self.proxy.rowCount(parent)
        index = self.proxy.index(min(row, rows - 1), 0, parent) if rows else parent
        if not index.isValid():
            index = self.proxy.index(0, 0)
        if index.isValid():
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def _update_empty(self) -> None:
        nothing = self.model.rowCount() == 0
        self.empty.setVisible(nothing)
        self.view.setVisible(not nothing)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down in the filter box goes on into the list, as in a browser's bookmark search.
        if (watched is self.filter and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down):
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.proxy.index(0, 0))
            return True
        return super().eventFilter(watched, event)
