"""Back and forward across every kind of navigation, back to the exact scroll position."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, activate, click_text, click_tree_item, text_at_top
from tests.gui.test_bookmarks_gui import click_row, show_bookmarks
from viewer.bookmarks import BookmarkStore
from viewer.mainwindow import MainWindow

SLUG = "seven-thousand-cadres-conference"
ALT = Qt.KeyboardModifier.AltModifier


def scroll_by(window: MainWindow, pixels: int) -> int:
    """Scroll the page as the reader would; returns the scroll bar's new value."""
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.value() + pixels)
    return bar.value()


def back(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Left, ALT)


def forward(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)


def test_back_and_forward_after_tree_clicks_restore_the_exact_scroll_position(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    history = window.history
    assert not history.back_action.isEnabled()
    assert not history.forward_action.isEnabled()

    click_tree_item(qtbot, window, "Legacy and Reforms")
    reading = scroll_by(window, 45)  # a few lines into the section
    click_tree_item(qtbot, window, "Conclusion")
    assert history.back_action.isEnabled()
    assert not history.forward_action.isEnabled()

    back(qtbot, window)
    assert window.current_id == f"{SLUG}#legacy-and-reforms"
    assert window.view.verticalScrollBar().value() == reading
    assert history.forward_action.isEnabled()
    back(qtbot, window)
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    assert not history.back_action.isEnabled()
    back(qtbot, window)  # nothing before the start: nothing happens
    assert text_at_top(window) == "Seven Thousand Cadres Conference"

    forward(qtbot, window)
    assert window.view.verticalScrollBar().value() == reading
    forward(qtbot, window)
    assert text_at_top(window) == "Conclusion"
    assert not history.forward_action.isEnabled()

    # A new navigation forgets what was forward of here.
    back(qtbot, window)
    click_tree_item(qtbot, window, "Background and Objectives")
    assert not history.forward_action.isEnabled()
    back(qtbot, window)
    assert window.current_id == f"{SLUG}#legacy-and-reforms"


def test_back_returns_to_where_the_reader_had_scrolled_not_where_they_landed(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    click_tree_item(qtbot, window, "Background and Objectives")
    bar = window.view.verticalScrollBar()
    bar.setValue(int(window.view.top_of_anchor("outcomes-and-impact")) + 20)
    assert window.current_id == f"{SLUG}#outcomes-and-impact"
    click_tree_item(qtbot, window, "Conclusion")
    back(qtbot, window)
    assert window.current_id == f"{SLUG}#outcomes-and-impact"
    assert bar.value() == int(window.view.top_of_anchor("outcomes-and-impact")) + 20


def _linked_library(tmp_path: Path) -> Path:
    return write_library(tmp_path, {
        "a.md": ("# Alpha\n\nSee [beta's depths](b.md#depths).\n\n" + "filler line\n\n" * 30
                 + "## Middle part\n\n" + "more text\n\n" * 4
                 + "Then [the start of beta](b.md).\n\n" + "filler line\n\n" * 30),
        "b.md": "# Beta\n\nintro\n\n" + "filler\n\n" * 40 + "## Depths\n\nDeep text.\n",
    })


def click_visible_link(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Click a link where it is on screen, without scrolling first."""
    view = window.view
    cursor = view.document().find(text)
    cursor.setPosition(cursor.selectionStart() + 1)
    rect = view.cursorRect(cursor)
    assert view.viewport().rect().contains(rect.center()), f"{text!r} is not on screen"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_back_after_following_links(qtbot: QtBot, open_window: OpenWindow,
                                    tmp_path: Path) -> None:
    window = open_window(_linked_library(tmp_path), target="a")
    activate(qtbot, window)
    click_text(qtbot, window, "beta's depths")
    assert window.current_id == "b#depths"
    back(qtbot, window)
    assert window.current_id == "a#alpha"
    assert text_at_top(window) == "Alpha"

    click_tree_item(qtbot, window, "Middle part")
    reading = scroll_by(window, 40)
    click_visible_link(qtbot, window, "the start of beta")
    assert text_at_top(window) == "Beta"
    back(qtbot, window)
    assert window.current_id == "a#middle-part"
    assert window.view.verticalScrollBar().value() == reading
    forward(qtbot, window)
    assert text_at_top(window) == "Beta"


def test_back_after_a_search_hit_and_a_bookmark(qtbot: QtBot, open_window: OpenWindow) -> None:
    library = load_library()
    BookmarkStore().add(library, f"{SLUG}#conclusion")
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)
    # A search hit: the search panel calls window.navigate with the hit's section id.
    window.navigate(f"{SLUG}#legacy-and-reforms")
    assert text_at_top(window) == "Legacy and Reforms"
    click_row(qtbot, panel, "Conclusion")
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert text_at_top(window) == "Conclusion"

    back(qtbot, window)
    assert text_at_top(window) == "Legacy and Reforms"
    back(qtbot, window)
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    forward(qtbot, window)
    forward(qtbot, window)
    assert text_at_top(window) == "Conclusion"


def test_mouse_back_and_forward_buttons_and_the_toolbar(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    click_tree_item(qtbot, window, "Conclusion")

    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.BackButton)
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.ForwardButton)
    assert text_at_top(window) == "Conclusion"
    assert window.tree.currentItem().text(0) == "Conclusion"

    toolbar = window.toolbar
    qtbot.mouseClick(toolbar.widgetForAction(window.history.back_action),
                     Qt.MouseButton.LeftButton)
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    qtbot.mouseClick(toolbar.widgetForAction(window.history.forward_action),
                     Qt.MouseButton.LeftButton)
    assert text_at_top(window) == "Conclusion"


def test_go_menu_has_back_and_forward_with_their_keys(open_window: OpenWindow) -> None:
    window = open_window()
    go = {a.text().replace("&", ""): a.shortcut().toString()
          for a in window.menus["go"].actions() if a.text()}
    assert go["Back"] == "Alt+Left"
    assert go["Forward"] == "Alt+Right"
