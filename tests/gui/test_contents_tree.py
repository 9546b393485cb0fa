"""The Contents tree is the library's own table of contents: a book's parts and
chapters, a site's nav, a folder tree; big ones are made as the reader opens them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, click_tree_item, text_at_top
from viewer.tree import ID_ROLE


def _rows(window) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(depth, text) of every row made so far, in order."""
    found = []

    def visit(item, depth):  # type: ignore[no-untyped-def]
        for i in range(item.childCount()):
            child = item.child(i)
            found.append((depth, child.text(0)))
            visit(child, depth + 1)

    visit(window.tree.invisibleRootItem(), 0)
    return found


def test_a_book_shows_its_parts_chapters_sections_and_drafts(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    book = write_library(tmp_path / "book", {
        "book.toml": "",
        "src/SUMMARY.md": ("[Preface](preface.md)\n\n# Basics\n\n- [Ownership](own.md)\n"
                           "    - [Borrowing](own/borrow.md)\n    - [Later]()\n"),
        "src/preface.md": "# Preface\n\nWelcome.\n",
        "src/own.md": "# Understanding ownership\n\n## Moves\n\nText.\n",
        "src/own/borrow.md": "# Borrowing\n\n## `RefCell<T>`\n\n" + "Text.\n\n" * 60})
    window = open_window(book)
    assert _rows(window) == [(0, "Preface"), (0, "Basics"), (1, "Ownership"), (2, "Moves"),
                             (2, "Borrowing"), (3, "RefCell<T>"), (2, "Later")]
    tree = window.tree
    draft = tree.findItems("Later", Qt.MatchFlag.MatchRecursive)[0]
    assert not draft.flags() & Qt.ItemFlag.ItemIsEnabled  # greyed: nothing to read yet
    borrow = tree.findItems("Borrowing", Qt.MatchFlag.MatchRecursive)[0]
    assert borrow.toolTip(0) == "Basics › Ownership › Borrowing"
    # A part's row only opens and closes.
    part = tree.findItems("Basics", Qt.MatchFlag.MatchExactly)[0]
    assert part.data(0, ID_ROLE) == "" and part.isExpanded()
    click_tree_item(qtbot, window, "Basics")
    assert not part.isExpanded() and window.current_id == "preface#preface"
    click_tree_item(qtbot, window, "Basics")
    assert part.isExpanded()
    with qtbot.waitSignal(window.navigated) as navigated:
        click_tree_item(qtbot, window, "RefCell<T>")
    assert navigated.args == ["own/borrow#refcellt"]
    assert text_at_top(window) == "RefCell<T>"


def test_a_big_folder_tree_is_made_as_it_is_opened(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    pages = {f"{platform}/{name}.md": f"# {name}\n\n> A command.\n\n## Usage\n\nText.\n"
             for platform in ("common", "linux", "osx") for name in ("cal", "tar", "zip")}
    pages |= {f"common/more-{n}.md": f"# more {n}\n" for n in range(20)}
    window = open_window(write_library(tmp_path / "pages", pages))
    tree = window.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "common", "linux", "osx"]
    linux = tree.topLevelItem(1)
    assert not linux.isExpanded() and linux.childCount() == 0  # not made yet
    # The same title in two folders: a search hit or link to one shows it in its folder.
    window.navigate("linux/tar#usage")
    assert tree.currentItem().text(0) == "Usage"
    assert tree.currentItem().parent().text(0) == "tar"
    assert tree.currentItem().parent().parent() is linux
    assert linux.isExpanded()
    assert window.windowTitle().startswith("Usage — tar")
