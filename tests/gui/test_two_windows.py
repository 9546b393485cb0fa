"""Two windows, or two programs, on the same library at once lose nothing of each other's.

Both add and remove bookmarks, interleaved: afterwards every bookmark either
made is there, once, and none that either removed; both windows show the file
as it is; and the search index they both opened is sound.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from pytestqt.qtbot import QtBot

import index
from content import Library, load_library
from tests.conftest import write_library
from viewer.bookmarks import BookmarkStore
from viewer.mainwindow import MainWindow

WAIT = 20000  # ms, never reached when things work


def _library(root: Path) -> Path:
    return write_library(root, {
        f"{name}.md": f"# {name.title()}\n\nAbout {name}.\n\n" + "".join(
            f"## {name.title()} part {n}\n\nThe {name} lantern number {n}, a long paragraph "
            f"about harbours and ferries.\n\n" for n in range(1, 9))
        for name in ("rivers", "mountains", "deserts")})


def _section_ids(library: Library) -> list[str]:
    return [section.id for article in library.articles for section in article.walk()]


def _on_disk(path: Path) -> Counter[tuple[str, str]]:
    body = json.loads(path.read_text(encoding="utf-8"))
    return Counter((entry["id"], entry.get("folder", "")) for entry in body["bookmarks"])


def _window(qtbot: QtBot, library: Library) -> MainWindow:
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.navigate(library.articles[0].lead.id)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.bookmarks.resolved_for is library, timeout=WAIT)
    return window


def test_two_windows_adding_and_removing_keep_every_bookmark_once(
        qtbot: QtBot, tmp_path: Path) -> None:
    library = load_library(_library(tmp_path / "lib"))
    first, second = _window(qtbot, library), _window(qtbot, library)
    ids = _section_ids(library)
    flips: Counter[str] = Counter()
    for number, section_id in enumerate(ids):
        # Both windows toggle (Ctrl+D) most sections, in turn; some twice.
        for window in (first, second)[: 1 + number % 2]:
            assert window.navigate(section_id)
            window.bookmarks.toggle()
            flips[section_id] += 1
    # The second window bookmarks a few in folders and removes some the first made,
    # each from its own (out of date) model.
    model = second.bookmarks.model
    assert model is not None
    for section_id in ids[::5]:
        model.store.add(library, section_id, folder="Later")
    removed = [section_id for section_id in ids[::3] if flips[section_id] % 2]
    assert model.remove([(section_id, "") for section_id in removed]) == len(removed)

    expected = Counter({(i, ""): 1 for i in ids if flips[i] % 2 and i not in removed})
    expected.update({(i, "Later"): 1 for i in ids[::5]})
    path = model.store.path
    assert _on_disk(path) == expected  # every one there, none twice
    for window in (first, second):  # both show the file as it is
        window.bookmarks.check_file()
        shown = window.bookmarks.model
        assert shown is not None
        assert Counter(bookmark.key for bookmark in shown.store.bookmarks) == expected
        assert window.navigate(ids[1])
        assert window.bookmarks.star.isChecked() == ((ids[1], "") in expected
                                                     or (ids[1], "Later") in expected)

    # Both windows opened the same index at once: it is whole, and both search it.
    for window in (first, second):
        qtbot.waitUntil(lambda window=window: window.search.searcher is not None, timeout=WAIT)
        with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT):
            window.search.search_for("lantern")
        assert window.search.results is not None
        assert window.search.results.total == 3 * 8
    saved = index.open_saved(library)
    assert saved is not None
    with saved:
        assert saved.search("ferries", 100).total == 3 * 8


ADD_AND_REMOVE = """
import subprocess, sys
content, folder = sys.argv[1], sys.argv[2]
ids = sys.argv[3:]
def run(*words):
    subprocess.run([sys.executable, "-m", "viewer", "bookmarks", *words, "--content", content],
                   check=True, capture_output=True)
for number, section_id in enumerate(ids):
    run("add", section_id, "--folder", folder)
    if number % 3 == 2:
        run("remove", ids[number - 1])  # one of its own, added just before
"""


def test_two_programs_adding_and_removing_at_once_keep_every_bookmark_once(
        tmp_path: Path) -> None:
    root = _library(tmp_path / "lib")
    library = load_library(root)
    ids = _section_ids(library)
    mine, theirs = ids[0:12], ids[13:25]  # removing a section removes it in every folder
    shared = ids[26:]  # added by both, each in its own folder
    programs = [
        subprocess.Popen([sys.executable, "-c", ADD_AND_REMOVE, str(root), folder,
                          *part, *shared], env=dict(os.environ))
        for folder, part in (("One", mine), ("Two", theirs))]
    waiting = [threading.Thread(target=program.wait) for program in programs]
    for thread in waiting:
        thread.start()
    for thread, program in zip(waiting, programs, strict=True):
        thread.join(timeout=300)
        assert program.returncode == 0

    expected: Counter[tuple[str, str]] = Counter()
    for folder, part in (("One", mine), ("Two", theirs)):
        added = [*part, *shared]
        gone = {added[number - 1] for number in range(len(added)) if number % 3 == 2}
        expected.update({(section_id, folder): 1 for section_id in added
                         if section_id not in gone})
    assert _on_disk(BookmarkStore().path) == expected

    listed = subprocess.run([sys.executable, "-m", "viewer", "search", "lantern", "--json",
                             "--content", str(root)], capture_output=True, text=True,
                            check=True)
    assert json.loads(listed.stdout)["total"] == 3 * 8
