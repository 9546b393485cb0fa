"""Live reload: edits, new and removed files show up in the open window, no restart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from content import load_library
from content.loading import CACHED_FROM
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, text_at_top
from viewer.live_reload import library_paths
from viewer.mainwindow import MainWindow

RELOAD_MS = 3000  # the debounce is 300 ms; a slow machine gets some room


def _library(tmp_path: Path, big: bool = False) -> Path:
    """Two articles; ``big``: and enough others for the outline cache (content.outlines)."""
    others = {f"more/page-{n:02}.md": f"# Page {n}\n\nText {n}.\n" for n in range(CACHED_FROM)}
    return write_library(tmp_path / "lib", {
        "a.md": "# Alpha\n\nFirst words.\n\n" + "filler\n\n" * 30 +
                "## Middle\n\nMiddle words.\n\n" + "more filler\n\n" * 30 + "## End\n\nEnd.\n",
        "sub/b.md": "# Beta\n\nBeta words.\n", **(others if big else {})})


def _started(qtbot: QtBot, window: MainWindow) -> None:
    # Watching starts after the first paint, to keep start-up fast.
    qtbot.waitUntil(lambda: bool(window.comfort.live_reload.watching))


def _watched_library(qtbot: QtBot, open_window: OpenWindow,
                     tmp_path: Path) -> tuple[Path, MainWindow, list[object]]:
    """A library open in a window that watches it, and the reloads it has seen."""
    root = _library(tmp_path)
    window = open_window(root)
    _started(qtbot, window)
    seen: list[object] = []
    window.libraryChanged.connect(seen.append)
    return root, window, seen


def _titles(window: MainWindow) -> list[str]:
    found = []
    pending = [window.tree.topLevelItem(i) for i in range(window.tree.topLevelItemCount())]
    while pending:
        item = pending.pop(0)
        found.append(item.text(0))
        pending.extend(item.child(j) for j in range(item.childCount()))
    return found


def _save_atomically(path: Path, text: str) -> None:
    """As editors do: write a temporary file beside it, then rename it over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.parametrize("big", [False, True], ids=["small", "outlines-cached"])
def test_editing_the_open_article_updates_page_and_tree_in_place(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, big: bool) -> None:
    root = _library(tmp_path, big)
    if big:
        load_library(root)  # an earlier start cached the outlines
    window = open_window(root, target="a#middle", size=(900, 500))
    _started(qtbot, window)
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().value() + 30)
    place = window.view.reading_position()
    assert place[0] == "middle" and place[1] > 0
    source = (root / "a.md").read_text(encoding="utf-8")
    edited = source.replace("Middle words.", "Middle words, edited.").replace(
        "## End", "## The End")
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS) as changed:
        (root / "a.md").write_text(edited, encoding="utf-8")
    assert changed.args[0] is window.library
    assert "Middle words, edited." in window.view.toPlainText()
    assert "The End" in _titles(window) and "End" not in _titles(window)
    # The reader stays exactly where they were.
    assert window.view.reading_position() == place
    assert window.current_id == "a#middle"

    # An editor's atomic save replaces the file; it is still watched afterwards.
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        _save_atomically(root / "a.md", edited.replace("edited.", "edited twice."))
    assert "Middle words, edited twice." in window.view.toPlainText()
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (root / "a.md").write_text(edited.replace("edited.", "edited thrice."),
                                   encoding="utf-8")
    assert "Middle words, edited thrice." in window.view.toPlainText()
    assert text_at_top(window) != ""
    assert window.view.reading_position() == place


def test_added_and_removed_files_come_and_go(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = _library(tmp_path)
    window = open_window(root, target="a")
    _started(qtbot, window)
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        write_library(root, {"new/c.md": "# Gamma\n\n## Gamma part\n\n" + "New.\n\n" * 30})
    assert "Gamma" in _titles(window) and "Gamma part" in _titles(window)
    assert window.navigate("new/c#gamma-part")
    # A file added to the new folder is seen too: the new folder is watched now.
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        write_library(root, {"new/d.md": "# Delta\n"})
    assert "Delta" in _titles(window)

    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (root / "sub" / "b.md").unlink()
    assert "Beta" not in _titles(window)
    assert "sub/b" not in {a.slug for a in window.library.articles}
    assert window.current_id == "new/c#gamma-part"  # the open article was not touched

    # Removing the open article shows the first article instead of a dead page
    # (the folder tree's first: folders come before files).
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (root / "new" / "c.md").unlink()
    assert window.current_id == window.library.articles[0].lead.id == "new/d#delta"
    assert "reloaded" in window.statusBar().currentMessage()


def test_a_burst_of_changes_is_one_reload(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root, window, seen = _watched_library(qtbot, open_window, tmp_path)
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        for n in range(5):
            write_library(root, {f"burst{n}.md": f"# Burst {n}\n"})
    qtbot.wait(600)
    assert len(seen) == 1
    assert {f"burst{n}" for n in range(5)} <= {a.slug for a in window.library.articles}


def test_touching_a_file_without_changing_it_reloads_nothing(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root, _window, seen = _watched_library(qtbot, open_window, tmp_path)
    os.utime(root / "a.md")
    (root / "notes.txt").write_text("not an article")
    qtbot.wait(800)
    assert seen == []


def test_watch_list_skips_hidden_folders(tmp_path: Path) -> None:
    root = write_library(tmp_path, {"a.md": "# A\n", ".git/x.md": "# X\n", "s/b.markdown": "# B\n",
                                    "s/c.txt": "c"})
    folders, files = library_paths(root)
    assert folders == [str(root), str(root / "s")]
    assert files == [str(root / "a.md"), str(root / "s" / "b.markdown")]


def test_a_library_of_one_file_stays_one_file(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = _library(tmp_path)
    (root / "other.md").write_text("# Other\n")
    window = open_window(root / "sub" / "b.md")
    window.comfort.set_library_source(root / "sub" / "b.md")  # as `open --content` does
    window_root = window.library.root
    _started(qtbot, window)
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (root / "sub" / "b.md").write_text("# Beta\n\nBeta, edited.\n")
        (root / "sub" / "stranger.md").write_text("# Stranger\n")
    assert "Beta, edited." in window.view.toPlainText()
    assert [a.slug for a in window.library.articles] == ["b"]
    assert window.library.root == window_root


def test_a_book_follows_edits_to_its_summary_and_to_files_its_pages_include(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    book = write_library(tmp_path / "book", {
        "book.toml": "[book]\n", "src/SUMMARY.md": "- [First](a.md)\n- [Second](b.md)\n",
        "src/a.md": "# A\n\n```rust\n{{#include ../listings/code.rs}}\n```\n",
        "src/b.md": "# B\n", "listings/code.rs": "fn old() {}\n"})
    window = open_window(book, target="a")
    _started(qtbot, window)
    assert str(book / "listings" / "code.rs") in window.comfort.live_reload.watching
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (book / "listings" / "code.rs").write_text("fn new() {}\n")
    qtbot.waitUntil(lambda: "fn new() {}" in window.view.toPlainText())
    # The table of contents alone changes: new titles and order, no page touched.
    with qtbot.waitSignal(window.libraryChanged, timeout=RELOAD_MS):
        (book / "src" / "SUMMARY.md").write_text("- [Second, now first](b.md)\n- [A](a.md)\n")
    assert _titles(window)[:2] == ["Second, now first", "A"]
