"""Damaged user files, full disks and read-only homes, met by the real window.

Every (file, damage) of :mod:`tests.helpers.damage`: the window starts, shows
one notice in its status bar, keeps the damaged file as ``NAME.damaged-<time>``
(the index is rebuilt) and goes on with defaults. Saving the state or a
bookmark where it cannot be written says why in the status bar and leaves the
previous file whole: the data folder made read-only with chmod (root's
privilege of writing anyway dropped, see :mod:`tests.helpers.limits`), and a
file size limit (EFBIG) set on this process for the moment of the save.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import OpenWindow, activate
from tests.helpers.damage import BOOKMARKED, CASES, PLACE, damage, kept, prepare
from tests.helpers.limits import file_size_limit, mode_bits_bite

WAIT_MS = 20000


def notice_of(file: str, how: str) -> str:
    """What the status bar says first about the damaged file."""
    if file in ("index", "index-toc"):
        return "The search index was rebuilt"
    name = f"{file}.json"
    return f"{name} was partly damaged" if how == "numbers" else f"{name} could not be read"


@pytest.mark.parametrize(("file", "how"), CASES, ids=[f"{f}-{h}" for f, h in CASES])
def test_a_damaged_file_is_told_once_in_the_status_bar(qtbot: QtBot, start_window: OpenWindow,
                                                       file: str, how: str) -> None:
    path = prepare(file)
    damage(path, how, file)
    expected = notice_of(file, how)
    with mode_bits_bite():  # as root too, an unreadable file is unreadable
        window = start_window()
        shown: list[str] = [window.statusBar().currentMessage()]
        window.statusBar().messageChanged.connect(shown.append)
        if file == "bookmarks":
            window.bookmarks.start()
        qtbot.waitUntil(lambda: any(expected in text for text in shown), timeout=WAIT_MS)
        if file in ("index", "index-toc"):
            qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=WAIT_MS)
    assert len([text for text in shown if expected in text]) == 1, shown
    if file in ("bookmarks", "state"):
        (aside,) = kept(path)
        assert aside.name in next(text for text in shown if expected in text)
    # And it goes on: defaults, the bookmarks that could be kept, a search that works.
    if file == "state":
        restored = window.session.saved
        assert restored.theme == ("dark" if how == "numbers" else "system")
        assert window.session.last_place() == (
            (PLACE.section_id, 0.0) if how == "numbers" else None)
    elif file == "bookmarks":
        qtbot.waitUntil(lambda: window.bookmarks.resolved_for is window.library,
                        timeout=WAIT_MS)
        ids = [b.id for b in window.bookmarks.model.store.bookmarks]  # type: ignore[union-attr]
        assert ids == (["seven-thousand-cadres-conference#conclusion"] if how == "numbers"
                       else [])
        activate(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.bookmarks.star.isChecked(), timeout=WAIT_MS)
    else:
        with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT_MS):
            window.search.search_for("famine")
        assert window.search.results is not None and window.search.results.total == 2


# --- Saving where it cannot be written -------------------------------------------------


def _read_only(folder: Path) -> None:
    folder.chmod(0o555)


def test_a_read_only_data_folder_says_why_the_place_is_not_saved(
        qtbot: QtBot, start_window: OpenWindow, encyclopedia_home: Path) -> None:
    path = prepare("state")
    before = path.read_bytes()
    _read_only(path.parent)
    try:
        with mode_bits_bite():
            window = start_window()
            assert window.session.last_place() == PLACE  # read as it is
            window.navigate(BOOKMARKED)
            window.session.save_place()
            window.session.save_place()  # told once, not at every step
            message = window.statusBar().currentMessage()
            assert message == ("Your reading position could not be saved: cannot save "
                               f"{path}: Permission denied")
    finally:
        path.parent.chmod(0o755)
    assert path.read_bytes() == before


def test_a_bookmark_on_a_read_only_data_folder_says_why(
        qtbot: QtBot, start_window: OpenWindow, encyclopedia_home: Path) -> None:
    path = prepare("bookmarks")
    before = path.read_bytes()
    _read_only(path.parent)
    try:
        with mode_bits_bite():
            window = start_window(target="seven-thousand-cadres-conference#conclusion")
            window.bookmarks.start()
            assert [b.id for b in window.bookmarks.model.store.bookmarks] == [  # type: ignore[union-attr]
                BOOKMARKED]
            activate(qtbot, window)
            qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
            qtbot.waitUntil(lambda: "Permission denied" in window.statusBar().currentMessage())
            assert "bookmarks.json" in window.statusBar().currentMessage()
            assert not window.bookmarks.star.isChecked()
    finally:
        path.parent.chmod(0o755)
    assert path.read_bytes() == before


def test_a_place_over_the_file_size_limit_says_why_and_the_state_stays(
        qtbot: QtBot, start_window: OpenWindow) -> None:
    path = prepare("state")
    before = path.read_bytes()
    window = start_window()
    qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=WAIT_MS)  # no writes
    window.navigate(BOOKMARKED)
    with file_size_limit(len(before) // 2):
        window.session.save()
    assert window.statusBar().currentMessage() == (
        f"Your reading position could not be saved: cannot save {path}: File too large")
    assert path.read_bytes() == before
    window.session.save()  # with room again, it is saved, and the next failure told again
    assert window.session.saved is not None and path.read_bytes() != before
