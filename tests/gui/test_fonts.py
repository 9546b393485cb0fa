"""Text that no installed font can draw: the status bar says so, once, and names a font."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from pytestqt.qtbot import QtBot

import viewer.fonts
from content import load_library
from tests.conftest import write_library
from viewer.fonts import (
    CJK,
    PRIVATE_USE,
    lacks_glyphs,
    missing_font_message,
    script_of,
)
from viewer.mainwindow import MainWindow

# The last code points of plane 16's private use area: no font draws them.
NO_FONT = "\U0010fffd"
NO_FONT_EITHER = "\U0010fffc"


def test_characters_are_told_apart_by_the_font_they_need() -> None:
    assert {script_of(c) for c in "会议、。，ｱ가あアㄅ"} == {CJK}  # noqa: RUF001
    assert script_of("ก") == "Thai"
    assert script_of("\u0627") == "Arabic"  # alef
    assert script_of("क") == "Devanagari"
    assert script_of("Ж") == "Cyrillic"
    assert script_of("é") == "Latin"
    assert script_of("\U00010000") == "Linear B"
    assert script_of("😀") == "emoji"
    assert script_of("∑") == "mathematical symbols"
    assert script_of("\ue000") == script_of(NO_FONT) == PRIVATE_USE
    # Nothing to draw of their own: spaces, joiners, combining marks, unassigned.
    assert {script_of(c) for c in "\u00a0\u200d\u0301\ufe0f\U000e0001\U0003fffe"} == {None}


def test_the_message_names_the_scripts_and_what_to_install() -> None:
    assert missing_font_message([CJK]) == (
        "Some text here needs a font for Chinese/Japanese/Korean, which this system lacks: "
        "install Noto Sans CJK (fonts-noto-cjk)")
    both = missing_font_message([CJK, "Thai"])
    assert both.startswith("Some text here needs a font for Chinese/Japanese/Korean and Thai,")
    assert both.endswith("Noto Sans CJK (fonts-noto-cjk); install a Noto font for Thai "
                         "(fonts-noto-core or fonts-noto-extra)")


def test_the_module_examples_hold(qapp: object) -> None:
    assert doctest.testmod(viewer.fonts).failed == 0


def _no_font_has(character: str) -> bool:
    """Asked of every installed family, not through the code under test."""
    code = ord(character)
    return not any(QFontMetrics(QFont(family)).inFontUcs4(code)
                   for family in QFontDatabase.families())


def test_glyphs_are_found_missing_only_where_no_font_has_them(qapp: object) -> None:
    if not _no_font_has(NO_FONT):
        pytest.skip("an installed font draws even the last private-use code point")
    font = QFont()
    assert lacks_glyphs(NO_FONT, font)
    assert lacks_glyphs(f"abc{NO_FONT}déf", font)
    assert not lacks_glyphs("abcdéf", font)


def test_a_page_with_text_no_font_has_is_told_once_after_the_first_paint(
        qtbot: QtBot, tmp_path: Path) -> None:
    if not _no_font_has(NO_FONT) or not _no_font_has(NO_FONT_EITHER):
        pytest.skip("an installed font draws even the last private-use code points")
    library = load_library(write_library(tmp_path / "lib", {
        "a.md": f"# Alpha\n\nA sign of the author's own: {NO_FONT}.\n",
        "b.md": f"# Beta\n\nAnother: {NO_FONT_EITHER}, and plain text.\n",
        "c.md": "# Gamma\n\nNothing unusual.\n"}))
    # As `encyclopedia open` starts: the features come after the first paint.
    window = MainWindow(library, defer_features=True)
    qtbot.addWidget(window)
    window.resize(900, 600)
    messages: list[tuple[str, bool]] = []  # (message, whether the page had painted)
    painted: list[bool] = []
    window.view.painted.connect(lambda: painted.append(True))
    window.statusBar().messageChanged.connect(
        lambda text: messages.append((text, bool(painted))))
    window.session.open_at("a")
    with qtbot.waitSignal(window.featuresInstalled):
        window.show()
    qtbot.waitUntil(lambda: PRIVATE_USE in window.missing_glyphs.told)
    told = [(text, after) for text, after in messages if "lacks" in text]
    assert told == [(missing_font_message([PRIVATE_USE]), True)]
    # Other pages with more of the same, and the first one again: not told again.
    for slug in ("b", "c", "a"):
        with qtbot.waitSignal(window.missing_glyphs.checked) as checked:
            window.navigate(slug)
        assert checked.args == [[]]
    assert [text for text, _ in messages if "lacks" in text] == [told[0][0]]
