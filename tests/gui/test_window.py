"""The window, driven like a reader: tree clicks, scrolling, links, the title bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.conftest import (
    OpenWindow,
    RecordingBrowser,
    click_text,
    click_tree_item,
    text_at_top,
)
from viewer.article_view import SIDE_MARGIN

SLUG = "seven-thousand-cadres-conference"


def test_clicking_a_section_in_the_tree_puts_its_heading_at_the_top(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    with qtbot.waitSignal(window.navigated) as navigated:
        click_tree_item(qtbot, window, "Legacy and Reforms")
    assert navigated.args == [f"{SLUG}#legacy-and-reforms"]
    assert text_at_top(window) == "Legacy and Reforms"
    assert window.windowTitle().startswith("Legacy and Reforms — Seven Thousand Cadres")


def test_even_the_last_section_scrolls_to_the_top(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(size=(900, 900))
    click_tree_item(qtbot, window, "Conclusion")
    assert text_at_top(window) == "Conclusion"


def test_resizing_keeps_the_column_centred_and_the_reader_in_place(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(size=(1300, 700))
    view = window.view
    click_tree_item(qtbot, window, "Legacy and Reforms")
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + 40)  # a few lines into the section
    place = ("legacy-and-reforms", 40)
    assert view.reading_position() == place

    def check_page() -> None:
        assert view.reading_position() == place
        assert bar.value() == int(view.top_of_anchor("legacy-and-reforms")) + 40
        # Where the text is, in the view: the viewport less the document's margin.
        margin = int(view.document().documentMargin())
        viewport = view.viewport().geometry()
        left, right = viewport.left() + margin, viewport.right() - margin
        inside = view.contentsRect()
        room_right = (bar.mapTo(view, QPoint(0, 0)).x() if bar.isVisible()
                      else inside.right() + 1) - 1
        gaps = (left - inside.left(), room_right - right)
        assert abs(gaps[0] - gaps[1]) <= 1 and min(gaps) >= SIDE_MARGIN
        column = right - left + 1
        assert column <= view.column_width
        if min(gaps) > SIDE_MARGIN + 1:  # room to spare: exactly the reading width
            assert column >= view.column_width - 1

    for width, height in ((800, 600), (1700, 900), (1300, 700)):
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: (window.width(), window.height()) == (w, h))
        check_page()
    window.splitter.setSizes([600, 700])  # the reader drags the splitter
    qtbot.waitUntil(lambda: window.sidebar.width() >= 550)
    check_page()


def test_the_margins_beside_the_column_are_part_of_the_page(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(size=(1400, 700))
    view = window.view
    viewport = view.viewport().geometry()
    in_margin = QPoint(viewport.left() // 2, viewport.center().y())
    assert not viewport.contains(in_margin) and view.rect().contains(in_margin)
    picture = view.grab().toImage()
    # The same colour as the page's own blank edge, not the window's grey.
    page_edge = QPoint(viewport.left() + 2, viewport.center().y())
    assert picture.pixelColor(in_margin) == picture.pixelColor(page_edge)
    # A wheel turned over the margin scrolls the page, as it would over the text.
    bar = view.verticalScrollBar()
    before = bar.value()
    wheel = QWheelEvent(QPointF(in_margin), QPointF(view.mapToGlobal(in_margin)), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, wheel)
    assert bar.value() > before
    # And a right click there offers the page's menu (Select All), not the window's.
    ask = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, in_margin, view.mapToGlobal(in_margin))
    QApplication.sendEvent(view, ask)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    assert any("Select All" in action.text() for action in menu.actions())
    menu.close()


def test_scrolling_to_the_table_selects_its_section(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    view = window.view
    table_cell = view.document().find("Attendees")
    top = view.document().documentLayout().blockBoundingRect(table_cell.block()).top()
    with qtbot.waitSignal(window.currentSectionChanged):
        view.verticalScrollBar().setValue(int(top))
    assert window.tree.currentItem().text(0) == "Outcomes and Impact"
    assert window.current_id == f"{SLUG}#outcomes-and-impact"
    assert "Outcomes and Impact" in window.windowTitle()
    view.verticalScrollBar().setValue(0)
    assert window.tree.currentItem().text(0) == "Seven Thousand Cadres Conference"


def test_scrolling_with_the_keyboard_follows_the_reader(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    from PySide6.QtCore import Qt

    window = open_window()
    window.view.setFocus()
    seen = []
    window.currentSectionChanged.connect(seen.append)
    bar = window.view.verticalScrollBar()
    while bar.value() < bar.maximum():
        qtbot.keyClick(window.view, Qt.Key.Key_Down)
    # Line by line, the reader passes through every section in order.
    assert seen == [s.id for s in window.library.sections()][1:]


def _linked_library(tmp_path: Path) -> Path:
    return write_library(tmp_path, {
        "a.md": ("# Alpha\n\nSee [the last part](#last-part) or [beta's depths](sub/b.md#depths)"
                 " or [the web](https://example.org/page).\n\n" + "filler line\n\n" * 40 +
                 "## Last part\n\nThe end of alpha.\n"),
        "sub/b.md": "# Beta\n\nintro\n\n" + "filler\n\n" * 40 + "## Depths\n\nDeep text.\n",
    })


def test_following_an_in_page_link(qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_linked_library(tmp_path), target="a")
    with qtbot.waitSignal(window.navigated) as navigated:
        click_text(qtbot, window, "the last part")
    assert navigated.args == ["a#last-part"]
    assert text_at_top(window) == "Last part"


def test_following_a_link_to_another_article(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_linked_library(tmp_path), target="a")
    with qtbot.waitSignal(window.navigated) as navigated:
        click_text(qtbot, window, "beta's depths")
    assert navigated.args == ["sub/b#depths"]
    assert text_at_top(window) == "Depths"
    assert window.windowTitle().startswith("Depths — Beta")
    assert window.tree.currentItem().text(0) == "Depths"




def test_external_link_opens_in_the_browser_only_when_clicked(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    browser = RecordingBrowser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        window = open_window(_linked_library(tmp_path), target="a")
        qtbot.wait(50)
        assert browser.opened == []
        click_text(qtbot, window, "the web")
        qtbot.waitUntil(lambda: browser.opened == ["https://example.org/page"])
        assert window.current_id == "a#alpha"  # the page itself did not move
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_screenshot_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "open", f"{SLUG}#legacy-and-reforms",
         "--screenshot", str(out), "--size", "900x600"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)


def test_the_app_paints_first_then_installs_its_features(qtbot: QtBot) -> None:
    """As `encyclopedia open` builds it: the page first, then menus, search, bookmarks."""
    from content import load_library
    from viewer.mainwindow import MainWindow

    window = MainWindow(load_library(), defer_features=True)
    qtbot.addWidget(window)
    window.navigate(f"{SLUG}#legacy-and-reforms")
    assert not hasattr(window, "search") and not hasattr(window, "comfort")
    # Not yet: the page must not wait for the menus' actions and their key tables.
    assert all(not menu.actions() for menu in window.menus.values())

    def where_the_page_is() -> tuple[int, int, int, int]:
        corner = window.view.mapTo(window, window.view.rect().topLeft())
        return corner.x(), corner.y(), window.view.width(), window.view.height()

    at_first_paint = []
    window.view.painted.connect(lambda: at_first_paint.append(where_the_page_is()))
    with qtbot.waitSignal(window.featuresInstalled, timeout=5000):
        window.show()
    # The toolbar's buttons and the status bar come later, in room kept for them:
    # the page does not move once it is on screen.
    qtbot.waitUntil(lambda: window.search.field.isVisible())
    assert at_first_paint == [where_the_page_is()]
    quit_action = next(a for a in window.menus["file"].actions() if "Quit" in a.text())
    assert quit_action.shortcuts()
    assert window.menus["file"].actions()[-1] is quit_action
    assert [window.sidebar.tabText(i) for i in range(window.sidebar.count())] == [
        "Contents", "Search", "Bookmarks"]
    qtbot.waitUntil(window.search.field.isVisible)
    assert text_at_top(window) == "Legacy and Reforms"


def test_a_big_library_makes_an_articles_sections_when_they_are_wanted(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    root = write_library(tmp_path / "wiki", {
        f"topic-{n:02d}.md": f"# Topic {n}\n\nLead {n}.\n\n## Origins {n}\n\nText.\n\n"
                             f"### Early days {n}\n\nText.\n\n## Legacy {n}\n\nText.\n"
        for n in range(40)})
    window = open_window(root)
    tree = window.tree
    assert tree.topLevelItemCount() == 40
    first, later = tree.topLevelItem(0), tree.topLevelItem(30)
    assert first.isExpanded() and first.childCount() == 2
    assert not later.isExpanded() and later.childCount() == 0  # not made yet

    # Going to a section of an article not yet made shows it, selected.
    window.navigate("topic-30#early-days-30")
    assert tree.currentItem().text(0) == "Early days 30"
    assert later.isExpanded() and later.childCount() == 2

    # Opening an article with the keyboard makes its sections; clicking one goes there.
    other = tree.topLevelItem(20)
    tree.setFocus()
    tree.setCurrentItem(other)
    qtbot.keyClick(tree, Qt.Key.Key_Right)
    qtbot.waitUntil(other.isExpanded)
    assert [other.child(i).text(0) for i in range(other.childCount())] == [
        "Origins 20", "Legacy 20"]
    with qtbot.waitSignal(window.navigated) as navigated:
        click_tree_item(qtbot, window, "Legacy 20")
    assert navigated.args == ["topic-20#legacy-20"]
    assert text_at_top(window) == "Legacy 20"
