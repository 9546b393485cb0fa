"""Find in page: Ctrl+F, incremental highlights, "n of m", Enter, case, Esc."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextCursor
from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.active_window import activate
from tests.gui.conftest import OpenWindow
from viewer.find_bar import CURRENT_LAYER, LAYER, find_spans
from viewer.mainwindow import MainWindow

PAGE = ("# Fruit\n\nApple pie. An apple a day.\n\n" + "filler paragraph\n\n" * 60 +
        "## Orchard\n\n| Tree | Fruit |\n|---|---|\n| old | APPLE |\n\nThe last apple.\n")


def _open_find(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
    bar = window.comfort.find_bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.field.hasFocus())


def _highlighted(window: MainWindow, layer: str) -> list[str]:
    ranges, _background, _text = window.view.highlight_layers().get(layer, ([], "", None))
    texts = []
    for start, end in ranges:
        cursor = QTextCursor(window.view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        texts.append(cursor.selectedText())
    return texts


def _visible(window: MainWindow, position: int) -> bool:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(position)
    return window.view.viewport().rect().contains(window.view.cursorRect(cursor).center())


def test_typing_highlights_every_match_and_enter_walks_through_them(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(write_library(tmp_path, {"fruit.md": PAGE}), size=(900, 500))
    _open_find(qtbot, window)
    bar = window.comfort.find_bar
    qtbot.keyClicks(bar.field, "appl")
    # Incremental: all four, in the text, the table and whatever the case.
    assert bar.status() == "1 of 4"
    assert _highlighted(window, LAYER) == ["Appl", "appl", "APPL", "appl"]
    qtbot.keyClicks(bar.field, "e a")
    assert bar.status() == "1 of 1"
    assert _highlighted(window, LAYER) == ["apple a"]
    for _ in range(3):
        qtbot.keyClick(bar.field, Qt.Key.Key_Backspace)
    assert bar.status() == "2 of 4"  # it stays on the match the reader was at

    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status() == "3 of 4"
    # The current match is shown: the page scrolled down to the table.
    (start, _end), = window.view.highlight_layers()[CURRENT_LAYER][0]
    assert _highlighted(window, CURRENT_LAYER) == ["APPL"]
    assert _visible(window, start)
    assert window.view.verticalScrollBar().value() > 0
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status() == "1 of 4"  # round again
    assert _highlighted(window, CURRENT_LAYER) == ["Appl"]
    assert _visible(window, window.view.highlight_layers()[CURRENT_LAYER][0][0][0])
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status() == "4 of 4"
    qtbot.mouseClick(bar.previous_button, Qt.MouseButton.LeftButton)
    assert bar.status() == "3 of 4"
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert bar.status() == "4 of 4"


def test_match_case_and_no_matches(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(write_library(tmp_path, {"fruit.md": PAGE}))
    _open_find(qtbot, window)
    bar = window.comfort.find_bar
    qtbot.keyClicks(bar.field, "APPLE")
    assert bar.status() == "1 of 4"
    qtbot.mouseClick(bar.match_case, Qt.MouseButton.LeftButton)
    assert bar.match_case.isChecked()
    assert bar.status() == "1 of 1"
    assert _highlighted(window, LAYER) == ["APPLE"]
    qtbot.keyClicks(bar.field, "S")
    assert bar.status() == "No matches"
    assert _highlighted(window, LAYER) == []


def test_escape_closes_the_bar_and_clears_only_its_highlights(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(write_library(tmp_path, {"fruit.md": PAGE}))
    view = window.view
    pie = view.document().find("pie")
    view.set_highlights("search", [(pie.selectionStart(), pie.selectionEnd())], "#ffe066")
    _open_find(qtbot, window)
    bar = window.comfort.find_bar
    qtbot.keyClicks(bar.field, "apple")
    assert set(view.highlight_layers()) == {"search", LAYER, CURRENT_LAYER}
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert set(view.highlight_layers()) == {"search"}  # the search panel's are left alone
    assert view.hasFocus()
    # Opening it again offers the last words, selected, to type over or search again.
    _open_find(qtbot, window)
    assert bar.field.selectedText() == "apple"
    assert bar.status() == "1 of 4"


def test_find_follows_the_reader_to_another_article(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library = write_library(tmp_path, {"fruit.md": PAGE,
                                       "veg.md": "# Veg\n\nNo fruit here, but one apple.\n"})
    window = open_window(library, target="fruit")
    _open_find(qtbot, window)
    qtbot.keyClicks(window.comfort.find_bar.field, "apple")
    window.navigate("veg")
    bar = window.comfort.find_bar
    qtbot.waitUntil(lambda: bar.status() == "1 of 1")
    assert _highlighted(window, LAYER) == ["apple"]


def test_find_spans_keep_page_positions() -> None:
    assert find_spans("İstanbul apple APPLE", "apple") == [(9, 14), (15, 20)]
    assert find_spans("a.b a+b", "a+b") == [(4, 7)]
    assert find_spans("Apple", "apple", match_case=True) == []
    assert find_spans("anything", "") == []
