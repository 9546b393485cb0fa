"""Telling the reader when the page needs a font that this system lacks.

Text in a script that no installed font covers is drawn as empty boxes (CJK
on a bare Linux system, say). Once the page is on screen, the characters it
uses are laid out the way the page lays them out, with Qt's own font fallback,
and any that come out as glyph 0 (".notdef", the box) are missing. The status
bar then says which scripts lack a font and what to install, once per script
per run:

    >>> script_of("会"), script_of("ก"), script_of("a")
    ('Chinese/Japanese/Korean', 'Thai', 'Latin')
    >>> print(missing_font_message(["Chinese/Japanese/Korean"]))  # doctest: +NORMALIZE_WHITESPACE
    Some text here needs a font for Chinese/Japanese/Korean, which this system lacks:
    install Noto Sans CJK (fonts-noto-cjk)

Each character is looked at once per run, and nothing is looked at before the
first paint: a page needs no font check to be shown.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from PySide6.QtGui import QFont

    from viewer.mainwindow import MainWindow

logger = logging.getLogger(__name__)

CHECK_DELAY_MS = 300  # after a navigation: the new page paints first, quick steps check once
MESSAGE_MS = 20000

CJK = "Chinese/Japanese/Korean"
PRIVATE_USE = "private-use characters"
EMOJI = "emoji"
SYMBOLS = "symbols"
MATHS = "mathematical symbols"
PUNCTUATION = "punctuation"

# Names of characters that CJK fonts carry start so.
_CJK_PREFIXES = ("CJK ", "IDEOGRAPHIC ", "FULLWIDTH ", "HALFWIDTH ", "HIRAGANA ", "KATAKANA ",
                 "HANGUL ", "BOPOMOFO ", "KANGXI ", "YI ")
# Words that end a script's name in a character's name: "ARABIC LETTER ALEF",
# "LINEAR B SYLLABLE B008 A", "OLD ITALIC LETTER A", "THAI CHARACTER KO KAI".
_KINDS = frozenset({
    "LETTER", "CAPITAL", "SMALL", "SIGN", "SYLLABLE", "SYLLABICS", "DIGIT", "NUMBER",
    "NUMERAL", "VOWEL", "CHARACTER", "HIEROGLYPH", "IDEOGRAM", "PUNCTUATION", "MARK",
    "SYMBOL", "CONSONANT", "LIGATURE", "FRACTION", "VIRAMA", "TONE", "INDEPENDENT",
    "DEPENDENT", "SUBJOINED", "MEDIAL", "FINAL", "INITIAL", "ABBREVIATION", "DANDA",
})
# Categories that draw nothing of their own (controls, format characters, spaces,
# marks that ride on the letter before them) or that no font can fix (unassigned).
_SKIPPED = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_ADVICE = {
    CJK: "install Noto Sans CJK (fonts-noto-cjk)",
    EMOJI: "install Noto Color Emoji (fonts-noto-color-emoji)",
    SYMBOLS: "install Noto Sans Symbols and Noto Sans Symbols 2 (fonts-noto-core)",
    MATHS: "install Noto Sans Math (fonts-noto-core)",
    PUNCTUATION: "install Noto Sans (fonts-noto-core)",
    PRIVATE_USE: "install the font the text was written for",
}


def script_of(character: str) -> str | None:
    """What kind of text ``character`` is, as the reader would name the font they need.

    None for characters that need no glyph of their own.
    """
    category = unicodedata.category(character)
    if category in _SKIPPED:
        return None
    if category == "Co":
        return PRIVATE_USE
    name = unicodedata.name(character, "")
    if name.startswith(_CJK_PREFIXES):
        return CJK
    if category == "Sm" or name.startswith("MATHEMATICAL "):
        return MATHS
    if category[0] == "S":
        return EMOJI if ord(character) >= 0x1F000 else SYMBOLS
    if category[0] == "P":
        return PUNCTUATION
    words = name.split()
    if not words:
        return None
    # The script is the one or two words before the first word saying what kind of
    # character it is; without such a word, the first word.
    for length in (1, 2):
        if len(words) > length and words[length] in _KINDS:
            return " ".join(words[:length]).title()
    return words[0].title()


def missing_font_message(scripts: Iterable[str]) -> str:
    """One line for the status bar: which scripts lack a font, and what to install."""
    scripts = list(scripts)
    names = scripts[0] if len(scripts) == 1 else f"{', '.join(scripts[:-1])} and {scripts[-1]}"
    advice = "; ".join(_ADVICE.get(script, f"install a Noto font for {script} "
                                           "(fonts-noto-core or fonts-noto-extra)")
                       for script in scripts)
    return f"Some text here needs a font for {names}, which this system lacks: {advice}"


def lacks_glyphs(text: str, font: QFont) -> bool:
    """Whether any character of ``text`` is drawn as a box in ``font``, fallback fonts included."""
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1e9)  # one line: the words need not wrap to be shaped
    layout.endLayout()
    return any(0 in run.glyphIndexes() for run in layout.glyphRuns())


class MissingGlyphs(QObject):
    """Watches the pages the window shows, and says once per script when a font is missing."""

    checked = Signal(list)  # after each look at the page: the scripts newly found lacking a font

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._checked: set[str] = set()  # characters looked at this run
        self._told: set[str] = set()  # scripts the reader has been told about
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        window.when_painted(self._page_painted)

    @property
    def told(self) -> frozenset[str]:
        """The scripts the reader has been told lack a font."""
        return frozenset(self._told)

    def _page_painted(self) -> None:
        self._window.navigated.connect(self._check_soon)
        self._window.libraryChanged.connect(self._check_soon)
        self.check()

    def _check_soon(self, *_ignored: object) -> None:
        self._timer.start()  # restarted by each step: one look once the reader pauses

    def check(self) -> list[str]:
        """Look at the page's characters not seen before; tell of scripts newly found
        without a font, and return them."""
        self._timer.stop()
        missing = self._missing()
        if missing:
            self._told.update(missing)
            message = missing_font_message(missing)
            logger.info("%s", message)
            self._window.statusBar().showMessage(message, MESSAGE_MS)
        self.checked.emit(missing)
        return missing

    def _missing(self) -> list[str]:
        document = self._window.view.document()
        new = {c for c in set(document.toPlainText()) if c > "\x7f"} - self._checked
        self._checked |= new
        groups: dict[str, list[str]] = {}
        for character in new:
            script = script_of(character)
            if script is not None and script not in self._told:
                groups.setdefault(script, []).append(character)
        font = document.defaultFont()
        return [script for script, characters in sorted(groups.items())
                if lacks_glyphs("".join(sorted(characters)), font)]
