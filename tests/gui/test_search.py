"""Search in the window, driven like a user, on the real index on disk.

Each test gets a fresh ENCYCLOPEDIA_HOME, so the window builds its index in
the background first, exactly as on a first start.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, click_tree_item, text_at_top
from viewer.mainwindow import MainWindow

SLUG = "seven-thousand-cadres-conference"
WAIT = 20000  # ms; generous for a slow machine, never reached when things work


def wait_ready(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=WAIT)


def type_query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type into the search box as a user does, and wait for that query's results."""
    field = window.search.field
    field.setFocus()
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT,
                          check_params_cb=lambda query: query == text):
        qtbot.keyClicks(field, text)


def marked(window: MainWindow) -> list[tuple[int, int, str]]:
    """The page's highlighted ranges and their text."""
    found = []
    for selection in window.view.extraSelections():
        cursor = selection.cursor
        found.append((cursor.selectionStart(), cursor.selectionEnd(), cursor.selectedText()))
    return sorted(found)


def shown_ids(window: MainWindow) -> list[str]:
    model = window.search.panel.model
    return [model.hit(row).id for row in range(model.rowCount())]


def hit_rect_center(window: MainWindow, row: int) -> QPoint:
    panel = window.search.panel
    return panel.list.visualRect(panel.model.index(row)).center()


def test_typing_a_query_and_enter_puts_the_hit_at_the_top_with_its_words_marked(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    assert window.search.field.placeholderText() == "Search (Ctrl+K)"
    type_query(qtbot, window, "household responsibility")
    panel = window.search.panel
    assert window.sidebar.currentWidget() is window.search.tab
    assert panel.status.text() == "1 section"
    assert shown_ids(window) == [f"{SLUG}#economic-reforms-and-decentralization"]
    with qtbot.waitSignal(window.navigated) as navigated:
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert navigated.args == [f"{SLUG}#economic-reforms-and-decentralization"]
    assert text_at_top(window) == "Economic Reforms and Decentralization"
    # Every occurrence of the words, and nothing else, is marked in the page.
    text = window.view.document().toPlainText()
    expected = [(m.start(), m.end(), m.group())
                for m in re.finditer(r"household|responsibility", text, re.IGNORECASE)]
    assert expected
    assert marked(window) == expected


def test_clicking_a_hit_opens_its_section(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    type_query(qtbot, window, "Deng Xiaoping")
    panel = window.search.panel
    assert panel.model.rowCount() >= 3
    second = panel.model.hit(1)
    with qtbot.waitSignal(window.search.hitOpened) as opened:
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=hit_rect_center(window, 1))
    assert opened.args == [second.id]
    assert window.current_id == second.id
    assert text_at_top(window) == window.library.section(second.id).title
    words = {text.lower() for _, _, text in marked(window)}
    assert words and all(re.fullmatch(r"(deng|xiaoping)(['’]s)?", w) for w in words)


def test_up_and_down_in_the_search_box_choose_the_hit_that_enter_opens(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    type_query(qtbot, window, "conference")
    panel = window.search.panel
    field = window.search.field
    assert panel.model.rowCount() >= 3
    assert panel.current_id() == panel.model.hit(0).id
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert panel.current_id() == panel.model.hit(2).id
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert panel.current_id() == panel.model.hit(1).id
    qtbot.keyClick(field, Qt.Key.Key_Up)
    qtbot.keyClick(field, Qt.Key.Key_Up)  # stays on the first
    assert panel.current_id() == panel.model.hit(0).id
    qtbot.keyClick(field, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.navigated) as navigated:
        qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert navigated.args == [panel.model.hit(1).id]
    assert field.hasFocus()  # the next Down and Enter open the next hit
    # The list itself answers Enter the same way.
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.navigated) as navigated:
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert navigated.args == [panel.model.hit(2).id]


def test_enter_before_the_results_arrive_opens_the_best_hit_when_they_do(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    field = window.search.field
    with qtbot.waitSignal(window.search.hitOpened, timeout=WAIT) as opened:
        qtbot.keyClicks(field, "title:conclusion")
        qtbot.keyClick(field, Qt.Key.Key_Return)  # at once: the index may not even be ready
    assert opened.args == [f"{SLUG}#conclusion"]
    assert text_at_top(window) == "Conclusion"


def test_a_slow_older_query_never_overwrites_a_newer_one(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    search = window.search
    shown: list[str] = []
    search.resultsShown.connect(shown.append)
    answered: list[str] = []
    search.start().searcher.searched.connect(lambda _seq, results: answered.append(results.query))
    field = search.field
    # "famine" is held inside the worker, after it started, as a slow query would be.
    slow = search.gates.hold("search", "famine")
    qtbot.keyClicks(field, "famine")
    qtbot.waitUntil(slow.reached.is_set, timeout=WAIT)
    # Two newer queries are typed meanwhile; both wait behind the slow one.
    field.selectAll()
    qtbot.keyClicks(field, "deng")
    qtbot.waitUntil(lambda: search.query == "deng", timeout=WAIT)
    field.selectAll()
    qtbot.keyClicks(field, "liu shaoqi")
    qtbot.waitUntil(lambda: search.query == "liu shaoqi", timeout=WAIT)
    with qtbot.waitSignal(search.resultsShown, timeout=WAIT) as last:
        slow.release()
    assert last.args == ["liu shaoqi"]
    # The slow answer came and was dropped; "deng", replaced while queued, never ran
    # (had it run, its answer would have come before the last one's).
    qtbot.waitUntil(lambda: "liu shaoqi" in answered, timeout=WAIT)
    assert answered == ["famine", "liu shaoqi"]
    assert search.dropped == 1
    assert shown == ["liu shaoqi"]
    assert search.panel.results is not None and search.panel.results.query == "liu shaoqi"
    assert shown_ids(window) == [f"{SLUG}#outcomes-and-impact"]


def test_typing_quickly_shows_the_results_of_the_last_text(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    field = window.search.field
    for text in ("mao", "famine", "decentral*", "title:legacy"):
        field.selectAll()
        qtbot.keyClicks(field, text)
    qtbot.waitUntil(lambda: window.search.panel.results is not None
                    and window.search.panel.results.query == "title:legacy", timeout=WAIT)
    assert shown_ids(window) == [f"{SLUG}#legacy-and-reforms"]
    assert window.search.panel.status.text() == "1 section"


def test_did_you_mean_is_a_link_that_searches_for_the_suggestion(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    type_query(qtbot, window, "Deng Xiaopng")
    panel = window.search.panel
    assert panel.suggestion_row.isVisible()
    assert panel.suggestion == "Deng Xiaoping"
    link = panel.suggestion_link
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT,
                          check_params_cb=lambda q: q == "Deng Xiaoping"):
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=link.rect().center())
    assert window.search.field.text() == "Deng Xiaoping"
    assert not panel.suggestion_row.isVisible()
    assert panel.model.rowCount() >= 3


def test_f3_and_shift_f3_step_through_the_marked_words(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(size=(900, 500))
    title = "Economic Reforms and Decentralization"
    type_query(qtbot, window, "title:decentralization")
    with qtbot.waitSignal(window.search.hitOpened):
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert text_at_top(window) == title
    spans = [(start, end) for start, end, _ in marked(window)]
    section_start = window.view.document().find(title).selectionStart()
    first = next(i for i, (start, _) in enumerate(spans) if start >= section_start)
    assert first > 0 and len(spans) > first + 2  # marks above the section and below

    def selected() -> tuple[int, int]:
        cursor = window.view.textCursor()
        rect = window.view.cursorRect(cursor)
        assert window.view.viewport().rect().intersects(rect)  # scrolled into view
        return cursor.selectionStart(), cursor.selectionEnd()

    window.view.setFocus()
    order = []
    for _ in range(len(spans)):
        qtbot.keyClick(window.view, Qt.Key.Key_F3)
        order.append(selected())
    # Every mark once, starting with the opened section, then round again.
    assert order == spans[first:] + spans[:first]
    qtbot.keyClick(window.view, Qt.Key.Key_F3)
    assert selected() == spans[first]
    qtbot.keyClick(window.view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert selected() == spans[first - 1]
    previous = (first - 1) % len(spans)
    assert window.statusBar().currentMessage() == f"Match {previous + 1} of {len(spans)}"


def test_escape_clears_the_search_and_the_marks(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.activateWindow()
    qtbot.waitActive(window)
    type_query(qtbot, window, "famine")
    with qtbot.waitSignal(window.search.hitOpened):
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert marked(window)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert window.search.field.text() == ""
    assert marked(window) == []
    assert window.search.panel.model.rowCount() == 0
    assert window.search.panel.help.isVisible()
    # Esc again leaves the empty search box for the page.
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert window.view.hasFocus()


def test_ctrl_k_and_ctrl_l_focus_the_search_box(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.activateWindow()
    qtbot.waitActive(window)
    actions = {a.text(): a for a in window.menus["go"].actions()}
    assert [s.toString() for s in actions["&Search"].shortcuts()] == ["Ctrl+K", "Ctrl+L"]
    edit = {a.text(): a.shortcut().toString() for a in window.menus["edit"].actions()}
    assert edit["Next Search &Match"] == "F3"
    assert edit["Previous Search Ma&tch"] == "Shift+F3"
    for key in (Qt.Key.Key_K, Qt.Key.Key_L):
        window.view.setFocus()
        qtbot.waitUntil(window.view.hasFocus)
        qtbot.keyClick(window.view, key, Qt.KeyboardModifier.ControlModifier)
        assert window.search.field.hasFocus()
    assert window.sidebar.currentWidget() is window.search.tab
    # In the search box, Ctrl+K selects the query, ready to be typed over.
    qtbot.keyClicks(window.search.field, "famine")
    qtbot.keyClick(window.search.field, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.field.text() == "famine"
    assert window.search.field.selectedText() == "famine"
    tip = re.sub(r"<[^>]+>", "", window.search.field.toolTip())
    for syntax in ('"great leap"', "decentral*", "AND", "OR", "NOT", "title:reform", "xiaopng~"):
        assert syntax in tip


def _big_library(root: Path, files: int) -> Path:
    words = ["river", "valley", "harvest", "bridge", "market", "council", "winter", "archive",
             "lantern", "harbour", "orchard", "granary", "ferry", "quarry", "mill", "canal"]
    texts = {}
    for i in range(files):
        body = " ".join(words[(i * 7 + j) % len(words)] for j in range(120))
        texts[f"topic-{i:03d}.md"] = (
            f"# Topic {i}\n\nTopic {i} is about {words[i % len(words)]}. {body}\n\n"
            f"## History\n\n{body}\n\n## Geography\n\n{body} "
            + ("zephyrine marshes" if i == 150 else "") + "\n")
    return write_library(root, texts)


def test_indexing_progress_shows_while_reading_goes_on(qtbot: QtBot, tmp_path: Path) -> None:
    library = load_library(_big_library(tmp_path / "big", 200))
    window = MainWindow(library)
    qtbot.addWidget(window)
    held = window.search.gates.hold("index", 50)  # the build pauses after 50 files
    started_at_first_paint: list[bool] = []
    window.view.painted.connect(
        lambda: started_at_first_paint.append(window.search.workers is not None))
    window.resize(1100, 700)
    window.navigate(library.articles[0].lead.id)
    window.show()
    qtbot.waitExposed(window)
    # Nobody typed anything: the build starts by itself, but only after the first paint.
    qtbot.waitUntil(held.reached.is_set, timeout=WAIT)
    assert started_at_first_paint[0] is False
    bar = window.findChild(type(window.search._progress_bar()), "indexProgress")
    qtbot.waitUntil(lambda: bar.isVisible() and bar.value() == 50, timeout=WAIT)
    assert (bar.value(), bar.maximum()) == (50, 200)
    panel = window.search.panel
    assert panel.status.text() == "Indexing\u2026 (50 of 200 files)"
    # Reading and navigating work meanwhile.
    with qtbot.waitSignal(window.navigated):
        click_tree_item(qtbot, window, "Topic 7")
    assert text_at_top(window) == "Topic 7"
    # A query typed now waits for the index, saying so, then runs by itself.
    qtbot.keyClicks(window.search.field, "zephyrine")
    qtbot.waitUntil(lambda: window.search.query == "zephyrine", timeout=WAIT)
    assert panel.status.text() == "Indexing\u2026 (50 of 200 files)"
    assert panel.model.rowCount() == 0
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT) as shown:
        held.release()
    assert shown.args == ["zephyrine"]
    assert shown_ids(window) == ["topic-150#geography"]
    assert not bar.isVisible()
    assert window.search.stats.sections == 600


def test_live_reload_reindexes_the_changed_file_and_refreshes_results(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {
        "a.md": "# Alpha\n\nCloves and nutmeg.\n\n## Trade\n\nShips.\n",
        "b.md": "# Beta\n\nIslands.\n\n## Ports\n\nHarbours.\n\n## Winds\n\nMonsoon.\n",
        "c.md": "# Gamma\n\nMountains.\n",
    })
    window = open_window(root)
    type_query(qtbot, window, "zanzibar")
    assert window.search.panel.status.text() == "No sections match \u201czanzibar\u201d"
    (root / "b.md").write_text(
        "# Beta\n\nIslands.\n\n## Ports\n\nHarbours of Zanzibar.\n\n## Spice\n\nZanzibar "
        "cloves.\n", encoding="utf-8")
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT) as refreshed:
        window.set_library(load_library(root))
    assert refreshed.args == ["zanzibar"]
    assert sorted(shown_ids(window)) == ["b#ports", "b#spice"]
    stats = window.search.stats
    # Only b.md was indexed again: its lead and Ports updated, Spice added, Winds gone.
    assert (stats.added, stats.updated, stats.removed) == (1, 2, 1)
    assert stats.sections == 2 + 3 + 1


def test_cjk_characters_typed_in_the_search_box_find_and_mark_their_section(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {
        "meeting.md": "# Meeting\n\nEnglish lead.\n\n## 会议\n\n"
                      "一九六二年召开的七千人大会是一次重要的会议。\n\n## Other\n\nNothing here.\n",
    })
    window = open_window(root)
    field = window.search.field
    field.setFocus()
    # CJK text arrives through an input method, one committed character at a time
    # (QTest.keyClicks cannot type characters outside Latin-1).
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT,
                          check_params_cb=lambda query: query == "人大"):
        for character in "人大":
            event = QInputMethodEvent("", [])
            event.setCommitString(character)
            QApplication.sendEvent(field, event)
    assert shown_ids(window) == ["meeting#会议"]
    with qtbot.waitSignal(window.search.hitOpened):
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert text_at_top(window) == "会议"
    assert [text for _, _, text in marked(window)] == ["人大"]


def test_a_damaged_index_is_rebuilt_with_a_notice_in_the_status_bar(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    import index

    library = load_library()
    index.update_index(library)
    # Cut the postings file in half, as a crash or a full disk would.
    postings = next((index.index_dir(library.root) / "whoosh").glob("*.pst"))
    postings.write_bytes(postings.read_bytes()[: postings.stat().st_size // 2])
    window = open_window(library)
    wait_ready(qtbot, window)
    assert window.search.stats.rebuilt
    assert window.statusBar().currentMessage().startswith(
        "The search index was rebuilt: the index was damaged")
    type_query(qtbot, window, "famine")
    assert window.search.panel.model.rowCount() >= 1


def test_closing_the_window_during_a_build_stops_it(qtbot: QtBot, tmp_path: Path) -> None:
    library = load_library(_big_library(tmp_path / "big", 40))
    window = MainWindow(library)
    qtbot.addWidget(window)
    held = window.search.gates.hold("index", 10)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(held.reached.is_set, timeout=WAIT)
    window.close()  # must not wait for the other 30 files
    assert window.search.workers is None
    # The cancelled build left nothing half-done: the next start indexes everything.
    import index

    stats = index.update_index(library)
    assert stats.sections == 3 * 40


def test_results_model_is_a_valid_qt_model(qtbot: QtBot, open_window: OpenWindow,
                                            qtmodeltester: object) -> None:
    window = open_window()
    type_query(qtbot, window, "economic")
    model = window.search.panel.model
    assert model.rowCount() > 3
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    first = model.index(0)
    assert first.data(Qt.ItemDataRole.ToolTipRole).startswith("Seven Thousand Cadres Conference")
    assert "<mark>" not in first.data()


def test_the_window_opens_without_whoosh_and_without_search_threads(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from content import load_library\n"
        "from viewer.mainwindow import MainWindow\n"
        "w = MainWindow(load_library())\n"
        "print('whoosh' in sys.modules, w.search._workers is None, w.search._panel is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_search_from_the_command_line_screenshot(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "search.png"
    subprocess.run([sys.executable, "-m", "viewer", "open", "--search", "Deng Xiaoping",
                    "--screenshot", str(out), "--size", "1000x700"],
                   capture_output=True, text=True, timeout=120, check=True,
                   cwd=Path(__file__).resolve().parents[2])
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)


def test_opening_a_hit_keeps_the_marks_on_the_page_after_a_reload(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"a.md": "# Alpha\n\nOne saffron.\n\n"
                                                    "## Later\n\nTwo saffron.\n"})
    window = open_window(root)
    type_query(qtbot, window, "saffron")
    with qtbot.waitSignal(window.search.hitOpened):
        qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert [t for _, _, t in marked(window)] == ["saffron", "saffron"]
    (root / "a.md").write_text("# Alpha\n\nOne saffron.\n\n## Later\n\nTwo saffron, three "
                               "saffron.\n", encoding="utf-8")
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT):
        window.set_library(load_library(root))
    assert [t for _, _, t in marked(window)] == ["saffron"] * 3
