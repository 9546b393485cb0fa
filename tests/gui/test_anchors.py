"""Every id the page carries is a place: links to footnotes, raw anchors and headings as
mdBook spells them land there, and a link to nothing says what is missing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, click_text, text_at_top

FILLER = "Filler paragraph.\n\n" * 40


def _book(tmp_path: Path) -> Path:
    return write_library(tmp_path / "book", {
        "book.toml": "", "src/SUMMARY.md": "- [Alpha](a.md)\n- [Beta](b.md)\n",
        "src/a.md": ("# Alpha\n\nRead [the note](#fn:1), [the mark](#spot), "
                     "[the generic part](b.md#optiont-explained) or [nothing](b.md#nowhere)."
                     f"\n\n{FILLER}## Later\n\n{FILLER}<a id=\"spot\"></a>The marked spot.\n\n"
                     f"{FILLER}Said with a note.[^1]\n\n[^1]: The footnote itself.\n"),
        "src/b.md": f"# Beta\n\n{FILLER}## `Option<T>` explained\n\nGenerics.\n"})


def test_a_link_to_a_footnote_or_a_raw_anchor_lands_on_it(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_book(tmp_path))
    click_text(qtbot, window, "the note")
    qtbot.waitUntil(lambda: text_at_top(window).startswith("The footnote itself."))
    assert window.current_id == "a#later"  # the section the footnote is in
    window.navigate("a")
    click_text(qtbot, window, "the mark")
    qtbot.waitUntil(lambda: text_at_top(window) == "The marked spot.")


def test_a_heading_id_as_mdbook_spells_it_leads_to_the_heading(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_book(tmp_path))
    with qtbot.waitSignal(window.navigated) as navigated:
        click_text(qtbot, window, "the generic part")
    assert navigated.args == ["b#optiont-explained"]
    assert text_at_top(window) == "Option<T> explained"
    assert window.windowTitle().startswith("Option<T> explained — Beta")
    assert window.tree.currentItem().text(0) == "Option<T> explained"
    # The command line's and a bookmark's way in takes the same spellings.
    window.navigate("a")
    assert window.navigate("a#fn:1") and text_at_top(window).startswith("The footnote itself.")


def test_a_link_to_a_missing_anchor_says_which(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_book(tmp_path))
    click_text(qtbot, window, "nothing")
    assert window.current_id == "a#alpha"  # not followed
    assert window.statusBar().currentMessage() == \
        "Link not followed: missing anchor: #nowhere in b.md"
