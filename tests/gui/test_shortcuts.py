"""Keyboard and accessibility: every action has keys, F1 lists them, Tab goes panel by panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.active_window import activate
from tests.gui.conftest import OpenWindow
from viewer.mainwindow import MainWindow
from viewer.shortcuts_dialog import action_title, menu_shortcuts


def _all_actions(window: MainWindow):  # type: ignore[no-untyped-def]
    def walk(menu: QMenu):  # type: ignore[no-untyped-def]
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                yield from walk(action.menu())
            else:
                yield action
    for top in window.menuBar().actions():
        yield from walk(top.menu())


def test_every_action_has_its_own_shortcut(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    actions = list(_all_actions(window))
    assert len(actions) >= 12
    keys: dict[str, str] = {}
    for action in actions:
        assert action.shortcuts(), f"{action_title(action)} has no shortcut"
        for key in action.shortcuts():
            text = key.toString()
            assert text not in keys, f"{text}: {keys.get(text)} and {action_title(action)}"
            keys[text] = action_title(action)
    # Qt's standard keys where there is one.
    standard = {"Find in Page…": QKeySequence.StandardKey.Find,
                "Print…": QKeySequence.StandardKey.Print,
                "Zoom In": QKeySequence.StandardKey.ZoomIn,
                "Zoom Out": QKeySequence.StandardKey.ZoomOut,
                "Keyboard Shortcuts": QKeySequence.StandardKey.HelpContents,
                "Reload Library": QKeySequence.StandardKey.Refresh}
    by_title = {action_title(a): a for a in actions}
    for title, key in standard.items():
        assert QKeySequence.keyBindings(key)[0] in by_title[title].shortcuts(), title
    assert QKeySequence("Ctrl+=") in by_title["Zoom In"].shortcuts()
    quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")]
    assert by_title["Quit"].shortcuts() == quit_keys
    assert by_title["Actual Size"].shortcut() == QKeySequence("Ctrl+0")


def test_f1_lists_every_menu_action_with_its_keys(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.comfort.shortcuts_dialog is not None
                    and window.comfort.shortcuts_dialog.isVisible())
    dialog = window.comfort.shortcuts_dialog
    assert dialog is not None
    shown = dialog.rows()
    listed = {(title, keys) for _group, title, keys in shown}
    for action in _all_actions(window):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in action.shortcuts())
        assert (action_title(action), keys) in listed
    assert ("View › Theme", "Dark", "Ctrl+Shift+D") in shown
    assert ("Find bar", "Previous match", "Shift+Enter") in shown
    # Made from the menus: an action added later is listed the next time.
    window.add_action("go", "&Somewhere New", lambda: None, "Ctrl+Alt+N")
    window.comfort.show_shortcuts()
    assert ("Go", "Somewhere New", "Ctrl+Alt+N") in window.comfort.shortcuts_dialog.rows()
    assert [group for group, _rows in menu_shortcuts(window.menuBar())][:3] == [
        "File", "Edit", "View"]


def test_tab_goes_from_the_tree_to_the_page_and_back(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    window.comfort.order_focus()
    window.tree.setFocus()
    qtbot.waitUntil(window.tree.hasFocus)
    qtbot.keyClick(window.tree, Qt.Key.Key_Tab)
    assert window.view.hasFocus()
    # The page's links do not hold Tab: it leaves the page for the next panel.
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert not window.view.hasFocus()
    # ...to the search box in the toolbar, or the sidebar's panels.
    focused = window.focusWidget()
    assert focused is window.search.field or window.sidebar.isAncestorOf(focused)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.tree.hasFocus()
    # With the find bar open, Tab from the page reaches it.
    window.comfort.open_find_bar()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.comfort.find_bar.isAncestorOf(window.focusWidget())


def test_every_focusable_widget_has_an_accessible_name(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.comfort.open_find_bar()  # built on first use: make sure it is there
    focusable = [w for w in window.findChildren(QWidget)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None]
    assert window.view in focusable and window.tree in focusable
    unnamed = [f"{type(w).__name__} {w.objectName()!r}" for w in focusable
               if not w.accessibleName()]
    assert unnamed == []


def test_the_window_has_the_app_icon(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    # Set once the page is on screen: loading an SVG is no reason to paint later.
    qtbot.waitUntil(lambda: not window.windowIcon().isNull())
    icon = window.windowIcon()
    pixmap = icon.pixmap(64, 64)
    assert pixmap.width() == 64
    assert pixmap.toImage().pixelColor(32, 6).blue() > 150  # the blue tile, drawn
