"""Help > Keyboard Shortcuts: every action of every menu, with its keys.

Made from the menus each time it opens, so it is never out of date; a few
keys that belong to a place rather than to a menu (the find bar, the page)
are listed after them.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Keys that act in one place and have no menu entry.
PLACE_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Find bar", (("Next match", "Enter"), ("Previous match", "Shift+Enter"),
                  ("Close the find bar", "Esc"))),
    ("Page", (("Zoom in or out", "Ctrl+Wheel"),
              ("Next or previous panel", "Tab, Shift+Tab"))),
)


def action_title(action: QAction) -> str:
    """An action's text as the reader sees it: no mnemonic ampersands."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_text(action: QAction) -> str:
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText)
                     for key in action.shortcuts())


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(menu, [(action, keys)])] for every menu and sub-menu, in menu order."""
    found: list[tuple[str, list[tuple[str, str]]]] = []

    def walk(menu: QMenu, path: str) -> None:
        rows: list[tuple[str, str]] = []
        found.append((path, rows))
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                submenu = action.menu()
                assert isinstance(submenu, QMenu)
                walk(submenu, f"{path} › {action_title(action)}")
            else:
                rows.append((action_title(action), shortcut_text(action)))

    for action in menu_bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, action_title(action))
    return [(path, rows) for path, rows in found if rows]


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(460, 560)
        self.table = QTreeWidget()
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setColumnCount(2)
        self.table.setHeaderLabels(["Action", "Keys"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        for group, rows in [*menu_shortcuts(menu_bar),
                            *((place, list(keys)) for place, keys in PLACE_KEYS)]:
            heading = QTreeWidgetItem(self.table, [group, ""])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFirstColumnSpanned(True)
            for title, keys in rows:
                QTreeWidgetItem(heading, [title, keys])
        self.table.expandAll()
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setAccessibleName("Dialog buttons")
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, action, keys) as shown."""
        shown = []
        for i in range(self.table.topLevelItemCount()):
            group = self.table.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                shown.append((group.text(0), item.text(0), item.text(1)))
        return shown
