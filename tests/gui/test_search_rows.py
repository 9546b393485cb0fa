"""Every search result row is as tall as its wrapped text, at any width, in CJK and Latin."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.conftest import OpenWindow
from tests.gui.test_search import WAIT, type_query
from viewer.mainwindow import MainWindow
from viewer.search_results import DOCUMENT_MARGIN, hit_html, mark_colours

# Long enough that every snippet wraps onto several lines in the sidebar. Chinese
# is written with full-width commas.
CHINESE = ("一九六二年一月十一日至二月七日，中共中央在北京召开扩大的中央工作会议，"  # noqa: RUF001
           "因为参加会议的有七千多人，所以通常称为七千人大会。会议的主要议题是总结"  # noqa: RUF001
           "一九五八年以来的经验教训，统一全党的认识，克服困难，调整国民经济。")  # noqa: RUF001
LATIN = ("The enlarged central work conference met in Beijing in January 1962; because "
         "more than seven thousand cadres took part, the meeting is remembered as the "
         "Seven Thousand Cadres Conference, where the lessons since 1958 were weighed. ")


def _library(root: Path, paragraph: str) -> Path:
    files = {}
    for number in range(8):
        sections = "\n\n".join(f"## Part {part}\n\n" + paragraph * (1 + (number + part) % 3)
                               for part in range(3))
        files[f"a{number}.md"] = f"# Article {number}\n\n{paragraph * 2}\n\n{sections}\n"
    return write_library(root, files)


def _misfits(window: MainWindow) -> list[str]:
    """What is wrong with the rows as the list shows them now (nothing, when all is well)."""
    panel = window.search.panel
    view, model = panel.list, panel.model
    colours = mark_colours(view)
    problems = []
    previous_bottom = None
    for row in range(model.rowCount()):
        rect = view.visualRect(model.index(row))
        # The hit laid out afresh at the row's width, as the reader's eye needs it.
        document = QTextDocument()
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(view.font())
        document.setHtml(hit_html(model.hit(row), colours))
        document.setTextWidth(rect.width())
        if rect.height() < document.size().height():
            problems.append(f"row {row}: {rect.height()} px for {document.size().height()} px")
        if previous_bottom is not None and rect.top() <= previous_bottom:
            problems.append(f"row {row} starts at {rect.top()}, above {previous_bottom}")
        previous_bottom = rect.bottom()
    return problems


def _rows_fit(qtbot: QtBot, window: MainWindow) -> None:
    try:
        qtbot.waitUntil(lambda: not _misfits(window), timeout=2000)
    except qtbot.TimeoutError:
        pytest.fail("\n".join(_misfits(window)))


@pytest.mark.parametrize(("paragraph", "query"), [(CHINESE, "会议"), (LATIN, "conference")],
                         ids=["chinese", "latin"])
def test_result_rows_fit_their_wrapped_snippets_at_every_panel_width(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, paragraph: str,
        query: str) -> None:
    window = open_window(_library(tmp_path / "lib", paragraph))
    if query.isascii():
        type_query(qtbot, window, query)
    else:
        with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT):
            window.search.search_for(query)
    panel = window.search.panel
    assert panel.model.rowCount() >= 8
    assert panel.list.verticalScrollBar().maximum() > 0  # the scroll bar takes its width
    _rows_fit(qtbot, window)
    # Narrower, wider, narrowest, and back: each width wraps the snippets differently.
    for sidebar in (200, 520, 150, 330):
        window.splitter.setSizes([sidebar, 1100 - sidebar])
        qtbot.waitUntil(lambda width=sidebar: panel.list.viewport().width() < width)
        _rows_fit(qtbot, window)
    # A bigger font in the list, as a larger desktop font gives it.
    font = panel.list.font()
    font.setPointSizeF(font.pointSizeF() * 1.75)
    panel.list.setFont(font)
    _rows_fit(qtbot, window)
    # And a smaller window.
    window.resize(700, 500)
    _rows_fit(qtbot, window)


def test_a_row_is_drawn_with_the_document_it_was_sized_by(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_library(tmp_path / "lib", CHINESE))
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT):
        window.search.search_for("会议")
    panel = window.search.panel
    window.splitter.setSizes([180, 920])
    _rows_fit(qtbot, window)
    for row in range(panel.model.rowCount()):
        index = panel.model.index(row)
        document = panel.delegate.document(index)
        assert document.textWidth() == panel.list.visualRect(index).width()
        assert panel.list.visualRect(index).height() >= document.size().height()


def test_marked_words_in_the_hits_take_the_new_theme_colours(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    from viewer.theme import DARK, LIGHT

    window = open_window()
    window.appearance.set_theme("light", remember=False)
    type_query(qtbot, window, "famine")
    panel = window.search.panel
    first = panel.model.index(0)
    assert LIGHT["mark"] in panel.delegate.document(first).toHtml()
    window.appearance.set_theme("dark", remember=False)
    qtbot.waitUntil(lambda: DARK["mark"] in panel.delegate.document(first).toHtml())
    assert LIGHT["mark"] not in panel.delegate.document(first).toHtml()
    _rows_fit(qtbot, window)
