"""Fixtures for driving the real window like a user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from pytestqt.qtbot import QtBot

from content import Library, load_library
from viewer.article_view import HEADROOM
from viewer.mainwindow import MainWindow

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> OpenWindow:
    """Open a shown main window on a library (default: the built-in one)."""

    def opener(content: Path | Library | None = None, target: str | None = None,
               size: tuple[int, int] = (1100, 700)) -> MainWindow:
        library = content if isinstance(content, Library) else load_library(content)
        window = MainWindow(library)
        qtbot.addWidget(window)
        window.resize(*size)
        window.navigate(target or library.articles[0].lead.id)
        window.show()
        qtbot.waitExposed(window)
        return window

    return opener


def text_at_top(window: MainWindow) -> str:
    """The text of the line the reader sees at the top of the article view."""
    view = window.view
    cursor = view.cursorForPosition(QPoint(view.viewport().width() // 2, HEADROOM + 4))
    return cursor.block().text()


def click_tree_item(qtbot: QtBot, window: MainWindow, title: str) -> None:
    items = window.tree.findItems(title, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert len(items) == 1, title
    rect = window.tree.visualItemRect(items[0])
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_text(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Click on the first occurrence of ``text`` in the page, as a reader would."""
    view = window.view
    cursor = view.document().find(text)
    assert not cursor.isNull(), text
    view.scroll_to(window.view.current_anchor())
    cursor.setPosition(cursor.selectionStart() + 1)
    rect = view.cursorRect(cursor)
    if not view.viewport().rect().contains(rect.center()):
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() + rect.top() - 50)
        rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def activate(qtbot: QtBot, window: MainWindow) -> None:
    """Make the window the active one, as a reader's click would: shortcuts need it."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


@pytest.fixture
def start_window(qtbot: QtBot) -> OpenWindow:
    """Start a window the way `encyclopedia open` does: saved layout, then target or resume."""

    def starter(content: Path | Library | None = None, target: str | None = None,
                size: tuple[int, int] = (1100, 700)) -> MainWindow:
        library = content if isinstance(content, Library) else load_library(content)
        window = MainWindow(library)
        qtbot.addWidget(window)
        window.resize(*size)
        window.session.restore_layout()
        window.session.open_at(target)
        window.show()
        qtbot.waitExposed(window)
        activate(qtbot, window)
        return window

    return starter


class RecordingBrowser(QObject):
    """Stands in for the system browser (QDesktopServices.setUrlHandler): records URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())
