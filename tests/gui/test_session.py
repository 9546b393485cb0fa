"""Reopening where the reader left off: section, scroll offset, window layout; per library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, click_tree_item, text_at_top
from viewer.state import Place, StateFile

SLUG = "seven-thousand-cadres-conference"
# The offscreen screen is 800x600, and a restored window is kept inside its screen.
SIZE = (780, 560)


def test_the_next_start_resumes_at_the_same_section_and_scroll_offset(
        qtbot: QtBot, start_window: OpenWindow) -> None:
    window = start_window(size=SIZE)
    assert text_at_top(window) == "Seven Thousand Cadres Conference"  # the first time
    click_tree_item(qtbot, window, "Legacy and Reforms")
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.value() + 37)
    left_at = bar.value()
    window.close()

    again = start_window(size=SIZE)
    assert again.current_id == f"{SLUG}#legacy-and-reforms"
    assert again.view.verticalScrollBar().value() == left_at
    assert again.view.reading_position() == ("legacy-and-reforms", 37)
    # Back goes nowhere: the resumed place is where this window's history starts.
    assert not again.history.back_action.isEnabled()


def test_a_target_wins_over_the_saved_place(qtbot: QtBot, start_window: OpenWindow) -> None:
    window = start_window()
    click_tree_item(qtbot, window, "Legacy and Reforms")
    window.close()
    again = start_window(target=f"{SLUG}#conclusion")
    assert text_at_top(again) == "Conclusion"


def test_the_place_is_saved_soon_after_navigating_so_a_crash_loses_little(
        qtbot: QtBot, start_window: OpenWindow) -> None:
    window = start_window()
    click_tree_item(qtbot, window, "Outcomes and Impact")
    library = window.library

    def saved() -> Place | None:
        return StateFile().load().position(library.root)

    qtbot.waitUntil(lambda: saved() == Place(f"{SLUG}#outcomes-and-impact", 0.0), timeout=5000)
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.value() + 25)  # and after scrolling, too
    qtbot.waitUntil(lambda: saved() == Place(f"{SLUG}#outcomes-and-impact", 25.0), timeout=5000)


def test_each_library_keeps_its_own_place(
        qtbot: QtBot, start_window: OpenWindow, tmp_path: Path) -> None:
    other = write_library(tmp_path / "other", {
        "notes.md": "# Notes\n\n" + "line\n\n" * 30 + "## Second\n\ntext\n\n" + "more\n\n" * 30})
    window = start_window()
    click_tree_item(qtbot, window, "Conclusion")
    window.close()
    notes = start_window(other)
    assert text_at_top(notes) == "Notes"
    click_tree_item(qtbot, notes, "Second")
    notes.close()

    assert text_at_top(start_window()) == "Conclusion"
    assert text_at_top(start_window(other)) == "Second"


def test_a_place_whose_section_is_gone_opens_its_article(
        qtbot: QtBot, start_window: OpenWindow, tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {
        "a.md": "# Alpha\n\nintro\n\n## Old heading\n\ntext\n", "b.md": "# Beta\n\nb\n"})
    window = start_window(root)
    click_tree_item(qtbot, window, "Beta")
    window.navigate("a#old-heading")
    window.close()
    (root / "a.md").write_text("# Alpha\n\nintro\n\n## New heading\n\ntext\n", encoding="utf-8")
    again = start_window(root)
    assert again.current_id == "a#alpha"


def test_window_size_splitter_and_sidebar_tab_are_restored(
        qtbot: QtBot, start_window: OpenWindow) -> None:
    window = start_window(size=(760, 540))
    window.splitter.setSizes([240, 520])
    sizes = window.splitter.sizes()
    window.sidebar.setCurrentWidget(window.bookmarks.tab)
    window.close()

    again = start_window(size=(600, 450))  # the saved geometry wins over the default size
    assert (again.width(), again.height()) == (760, 540)
    assert again.splitter.sizes() == sizes
    assert again.sidebar.currentWidget() is again.bookmarks.tab
    assert again.bookmarks.panel is not None  # built because its tab is showing


def test_a_corrupt_state_file_is_set_aside_and_the_reader_told(
        qtbot: QtBot, start_window: OpenWindow, encyclopedia_home: Path) -> None:
    data = encyclopedia_home / "data"
    data.mkdir(parents=True)
    (data / "state.json").write_text("[1, 2", encoding="utf-8")
    window = start_window()
    assert text_at_top(window) == "Seven Thousand Cadres Conference"
    assert "state.json could not be read" in window.statusBar().currentMessage()
    assert len(list(data.glob("state.json.damaged-*"))) == 1


def test_open_without_a_target_resumes_and_with_one_goes_there(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path,
        encyclopedia_home: Path) -> None:
    """The real command, `encyclopedia open`, in its own process, twice."""
    root = write_library(tmp_path / "lib", {
        "a.md": "# Alpha\n\nintro\n\n" + "line\n\n" * 40 + "## Deep\n\ntext\n\n" + "x\n\n" * 40,
        "b.md": "# Beta\n\nb text\n"})
    library = load_library(root)
    StateFile().save_position(root, Place("a#deep", 12.0))
    env = {**os.environ, "ENCYCLOPEDIA_EXIT_AFTER_PAINT": "1", "QT_QPA_PLATFORM": "offscreen"}

    def run(*target: str) -> Place | None:
        result = subprocess.run(
            [sys.executable, "-m", "viewer", "open", *target, "--content", str(root)],
            capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        # The window saved where it was when it quit: where it opened.
        return StateFile().load().position(library.root)

    assert run() == Place("a#deep", 12.0)
    assert run("b") == Place("b#beta", 0.0)
    assert run() == Place("b#beta", 0.0)
    state = json.loads((encyclopedia_home / "data" / "state.json").read_text(encoding="utf-8"))
    assert list(state["positions"]) == [str(root.resolve())]
    assert state["window"]["geometry"] and state["window"]["sidebar_tab"] == "Contents"
