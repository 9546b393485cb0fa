"""The window answers searches at once from the index as last saved while an update runs.

After a crash or a kill half-way through an update, or while another program
updates the index, the next start must not make the reader wait for the whole
update: the saved index answers, and the results follow the update when it is done.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

import index
from content import load_library
from tests.conftest import write_library
from viewer.mainwindow import MainWindow
from viewer.search_worker import Gate

WAIT = 20000  # ms, never reached when things work
ANSWER_MS = 5000  # from the window's start to the first answer


def _library(root: Path, files: int, new_word: str = "") -> Path:
    return write_library(root, {
        f"topic-{n:03d}.md": f"# Topic {n}\n\nAbout lanterns and harbours {n}.\n\n"
                             f"## Notes\n\nThe ferry crossing {n}. {new_word}\n"
        for n in range(files)})


def _open(qtbot: QtBot, root: Path, hold_after: int = -1) -> tuple[MainWindow, Gate]:
    """A window on the library; its index update stops after ``hold_after`` files
    until the gate returned is released."""
    library = load_library(root)
    window = MainWindow(library)
    qtbot.addWidget(window)
    held = window.search.gates.hold("index", hold_after)
    window.navigate(library.articles[0].lead.id)
    window.show()
    qtbot.waitExposed(window)
    return window, held


def _answer(qtbot: QtBot, window: MainWindow, query: str) -> int:
    """How many sections match, as the panel shows once the answer came."""
    with qtbot.waitSignal(window.search.resultsShown, timeout=ANSWER_MS,
                          check_params_cb=lambda shown: shown == query):
        window.search.search_for(query)
    return _total(window)


def _total(window: MainWindow) -> int:
    results = window.search.results
    assert results is not None
    return results.total


def test_an_update_in_progress_does_not_keep_the_reader_waiting(
        qtbot: QtBot, tmp_path: Path) -> None:
    root = _library(tmp_path / "lib", 60)
    index.update_index(load_library(root))
    _library(root, 60, new_word="zanzibar")  # every file changed since

    started = time.monotonic()
    window, held = _open(qtbot, root, hold_after=20)  # a third of the way
    assert _answer(qtbot, window, "ferry") == 60  # the saved index answers at once
    assert time.monotonic() - started < ANSWER_MS / 1000
    qtbot.waitUntil(held.reached.is_set, timeout=WAIT)
    assert _answer(qtbot, window, "zanzibar") == 0  # not in the saved index
    with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT):
        held.release()  # the update goes on: the same query is asked again
    assert _total(window) == 60
    assert window.search.stats is not None and window.search.stats.updated == 120


def test_after_an_update_killed_half_way_the_next_window_answers_at_once(
        qtbot: QtBot, tmp_path: Path) -> None:
    root = _library(tmp_path / "lib", 150)
    index.update_index(load_library(root))
    _library(root, 150, new_word="zanzibar")
    updating = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from content import load_library\n"
        "import index\n"
        "def slowly(done, total):\n"
        "    print(done, flush=True)\n"
        "    time.sleep(0.05)\n"
        "index.update_index(load_library(sys.argv[1]), slowly)\n"), str(root)],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert updating.stdout is not None
    while int(updating.stdout.readline() or 0) < 30:  # well into the update
        pass
    updating.send_signal(signal.SIGKILL)
    updating.communicate(timeout=30)

    started = time.monotonic()
    window, _ = _open(qtbot, root)
    assert _answer(qtbot, window, "ferry") == 150
    assert time.monotonic() - started < ANSWER_MS / 1000
    # Then the update runs again in the background, and its results follow.
    qtbot.waitUntil(lambda: window.search.stats is not None, timeout=WAIT)
    assert _answer(qtbot, window, "zanzibar") == 150
