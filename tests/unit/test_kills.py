"""Killed with SIGKILL at any moment: nothing saved before is lost, nothing is left running.

Real processes, really killed: ``python -m viewer index`` on a library big enough
for its two writer processes and a few seconds of work, killed at several moments
of a first build and of an update; bookmark and state saves of a big file killed
half-way. Afterwards the next start answers at once (a ``search`` within 5 s,
repairing first), with the hits a clean build gives, and no process of the killed
one remains: neither a child of it (found in ``/proc`` just before the kill) nor
any process whose command line names the library.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from content import load_library
from tests.conftest import write_library
from viewer.bookmarks import Bookmark, BookmarkStore, Shelf, shelf_to_json
from viewer.state import Place, ReadingState, StateFile, state_to_json

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="SIGKILL and /proc (Linux)")

FILES = 200  # of 11 sections each: 2,200, past index.build.PARALLEL_FROM (2 writers)
QUERY = "kavolu"
NEW_WORD = "zyzzyva"  # only in the library's second version
ANSWER_WITHIN = 5.0  # s from starting `search` to its answer
GONE_WITHIN = 3.0  # s for the killed process's children to end


def _words(rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    return ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(2000)]


def _write_big_library(root: Path, extra: str = "") -> Path:
    rng = random.Random(7)
    words = [*_words(rng), QUERY]
    files = {}
    for number in range(FILES):
        parts = [f"# Topic {number}\n\n{' '.join(rng.choices(words, k=40))}.\n"]
        for part in range(1, 11):
            parts.append(f"## Part {part} {rng.choice(words)}\n\n"
                         f"{' '.join(rng.choices(words, k=40))}.\n")
        files[f"t{number // 40}/topic-{number:03d}.md"] = "\n".join(parts) + extra
    return write_library(root, files)


def _run(*words: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viewer", *words], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ,
                                                           "ENCYCLOPEDIA_HOME": str(home)})


def _hits(*words: str, home: Path) -> tuple[dict[str, Any], float]:
    """``search ... --json``'s answer, and how long it took from the start."""
    started = time.monotonic()
    done = _run("search", *words, "--json", "--limit", "20", home=home)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    body: dict[str, Any] = json.loads(done.stdout)
    return {"total": body["total"], "ids": [hit["id"] for hit in body["hits"]]}, seconds


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The library in two versions, what a clean build answers for each, and how long
    a first build takes here (the kills are timed as shares of it)."""
    work = tmp_path_factory.mktemp("big")
    first = _write_big_library(work / "first")
    second = _write_big_library(work / "second", extra=f"\n{NEW_WORD} revised.\n")
    home = work / "home"
    started = time.monotonic()
    built = _run("index", "--content", str(first), home=home)
    seconds = time.monotonic() - started
    assert built.returncode == 0, built.stderr
    expected = {"first": _hits(QUERY, "--content", str(first), home=home)[0],
                "second": _hits(NEW_WORD, "--content", str(second), home=home)[0]}
    assert expected["first"]["total"] > 20 and expected["second"]["total"] == FILES
    return {"first": first, "second": second, "build": seconds, "expected": expected}


# --- Processes, as /proc shows them ------------------------------------------------------

def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent) of a process; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _pids() -> Iterator[int]:
    return (int(name) for name in os.listdir("/proc") if name.isdigit())


def _children(parent: int) -> set[int]:
    return {pid for pid in _pids() if (stat := _stat(pid)) is not None and stat[1] == parent}


def _running(pids: set[int]) -> set[int]:
    """Those still running: a zombie has ended, only its exit status waits to be read."""
    return {pid for pid in pids if (stat := _stat(pid)) is not None and stat[0] != "Z"}


def _naming(text: str) -> set[int]:
    """Running processes, other than this one, whose command line contains ``text``."""
    found = set()
    for pid in _pids():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if pid != os.getpid() and text.encode() in command:
            found.add(pid)
    return _running(found)


def _wait_until_gone(pids: set[int], library: Path) -> None:
    deadline = time.monotonic() + GONE_WITHIN
    while (_running(pids) or _naming(str(library))) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _running(pids), f"writer processes outlived their parent: {_running(pids)}"
    assert not _naming(str(library)), "a process of the killed build is still running"


def _kill_index_after(share: float, library: Path, home: Path, build: float) -> dict[str, Any]:
    """Start ``index`` and SIGKILL it ``share`` of a build's time later; what was running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "viewer", "index", "--content", str(library)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "ENCYCLOPEDIA_HOME": str(home)})
    deadline = time.monotonic() + share * build
    writers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        writers |= _children(process.pid)
        time.sleep(0.01)
    writers |= _children(process.pid)
    alive_then = _running(writers)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return {"pid": process.pid, "writers": writers, "writing": bool(alive_then),
            "finished": process.returncode == 0}


def _saved_beforehand(library: Path) -> tuple[bytes, bytes]:
    """A bookmark and a reading position, saved before the build starts."""
    opened = load_library(library)
    store = BookmarkStore()
    store.add(opened, opened.articles[3].lead.id, note="saved before the kill")
    StateFile().save_position(opened.root, Place(opened.articles[5].lead.id, 42.0))
    return store.path.read_bytes(), StateFile().path.read_bytes()


# --- Index builds --------------------------------------------------------------------------

@pytest.mark.parametrize("share", [0.05, 0.3, 0.6, 0.9])  # starting, writing x2, saving
def test_a_first_build_killed_at_any_moment_is_rebuilt_by_the_next_search(
        big: dict[str, Any], share: float, encyclopedia_home: Path) -> None:
    library = big["first"]
    bookmarks, state = _saved_beforehand(library)
    killed = _kill_index_after(share, library, encyclopedia_home, big["build"])
    _wait_until_gone(killed["writers"], library)

    hits, seconds = _hits(QUERY, "--content", str(library), home=encyclopedia_home)
    assert seconds < ANSWER_WITHIN
    assert hits == big["expected"]["first"]
    assert _run("index", "--json", "--content", str(library),
                home=encyclopedia_home).stdout.startswith('{"articles": 200, "sections": 2200, '
                                                          '"added": 0')
    data = encyclopedia_home / "data"
    assert (data / "bookmarks.json").read_bytes() == bookmarks
    assert (data / "state.json").read_bytes() == state


@pytest.mark.parametrize("share", [0.3, 0.8])
def test_an_update_killed_half_way_keeps_the_old_index_and_the_next_search_repairs_it(
        big: dict[str, Any], share: float, encyclopedia_home: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    for source in big["first"].rglob("*.md"):
        target = library / source.relative_to(big["first"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    assert _run("index", "--content", str(library), home=encyclopedia_home).returncode == 0
    for source in big["second"].rglob("*.md"):  # every file changed: all of it re-indexed
        (library / source.relative_to(big["second"])).write_bytes(source.read_bytes())

    killed = _kill_index_after(share, library, encyclopedia_home, big["build"])
    _wait_until_gone(killed["writers"], library)

    import index

    # What was committed before the kill is still there, whole: the old index (or
    # the new one, if the kill came after its commit and record). None only if
    # the kill fell between the two, which the next search sees and rebuilds.
    saved = index.open_saved(load_library(library))
    if saved is not None:
        with saved:  # the words common to both versions, found as before
            assert saved.search(QUERY, 20).total == big["expected"]["first"]["total"]
    hits, seconds = _hits(NEW_WORD, "--content", str(library), home=encyclopedia_home)
    assert seconds < ANSWER_WITHIN
    assert hits == big["expected"]["second"]


def test_a_search_while_another_process_repairs_answers_from_the_saved_index(
        big: dict[str, Any], encyclopedia_home: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    for source in big["first"].rglob("*.md"):
        target = library / source.relative_to(big["first"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    assert _run("index", "--content", str(library), home=encyclopedia_home).returncode == 0
    for source in big["second"].rglob("*.md"):
        (library / source.relative_to(big["second"])).write_bytes(source.read_bytes())

    import fcntl

    import index
    from index.build import LOCK

    repair = subprocess.Popen(
        [sys.executable, "-m", "viewer", "index", "--content", str(library)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "ENCYCLOPEDIA_HOME": str(encyclopedia_home)})
    lock = index.index_dir(library) / LOCK
    with open(lock, "a+b") as file:  # wait until the repair holds the index's lock
        while True:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                break
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)
            time.sleep(0.005)
    started = time.monotonic()
    answer = _run("search", QUERY, "--json", "--limit", "20", "--content", str(library),
                  home=encyclopedia_home)
    seconds = time.monotonic() - started
    still_repairing = repair.poll() is None
    assert repair.wait(timeout=120) == 0
    assert answer.returncode == 0
    if still_repairing:  # it answered before the repair was done, from the old index
        assert seconds < ANSWER_WITHIN
        assert "another program is updating the index" in answer.stderr
        assert json.loads(answer.stdout)["total"] == big["expected"]["first"]["total"]
    hits, _ = _hits(NEW_WORD, "--content", str(library), home=encyclopedia_home)
    assert hits == big["expected"]["second"]


# --- Bookmarks and the reading state ---------------------------------------------------------

KEEP_ADDING = """
import sys
from content import load_library
from viewer.bookmarks import BookmarkStore
library, start = load_library(sys.argv[1]), int(sys.argv[2])
ids = [s.id for a in library.articles for s in a.walk()]
store = BookmarkStore()
for number in range(start, start + 100000):
    store.add(library, ids[number % len(ids)], folder=f"batch {number // len(ids)}",
              note="n" * 200)
    print(number, flush=True)  # saved: add() returns once the file is on disk
"""

KEEP_MOVING = """
import sys
from viewer.state import Place, StateFile
state, start = StateFile(), int(sys.argv[1])
for number in range(start, start + 100000):
    state.save_position(f"/library/{number}", Place(f"a#s{number}", float(number)))
    print(number, flush=True)
"""


def _kill_while_saving(command: list[str], saved_before: int) -> int:
    """Run a saving loop, SIGKILL it at a random moment after a few saves; the last
    number it reported saved."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    reported = saved_before - 1
    wanted = saved_before + random.randint(3, 12)
    while reported < wanted:
        line = process.stdout.readline()
        assert line, "the saving loop stopped by itself"
        reported = int(line)
    time.sleep(random.uniform(0.0, 0.05))  # in the middle of the next save, or so
    process.send_signal(signal.SIGKILL)
    rest, _ = process.communicate(timeout=30)
    return max([reported, *(int(line) for line in rest.split())])


def test_bookmark_saves_killed_half_way_lose_no_bookmark_saved_before(
        big: dict[str, Any]) -> None:
    library = load_library(big["first"])
    ids = [section.id for article in library.articles for section in article.walk()]
    store = BookmarkStore()
    # A big file to start from (about 1 MB: a few milliseconds to write), made at once.
    shelf = Shelf.of(Bookmark(ids[n], f"Part {n}", "Topic", ("Topic", f"Part {n}"),
                              folder="batch 0", note="n" * 200) for n in range(1500))
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(shelf_to_json(shelf), encoding="utf-8")
    saved = 1500
    for _ in range(5):
        last = _kill_while_saving([sys.executable, "-c", KEEP_ADDING, str(big["first"]),
                                   str(saved)], saved)
        reopened = BookmarkStore()  # the lock the killed one held is free again
        keys = [bookmark.key for bookmark in reopened.bookmarks]
        assert len(keys) == len(set(keys))
        assert {(ids[n % len(ids)], f"batch {n // len(ids)}") for n in range(last + 1)} \
            <= set(keys)
        assert len(keys) in (last + 1, last + 2)  # one more if killed just after a save
        saved = len(keys)
    assert store.path.stat().st_size > 500_000
    assert not list(store.path.parent.glob(".bookmarks.json.*.tmp"))


def test_state_saves_killed_half_way_lose_no_position_saved_before() -> None:
    state = StateFile()
    # A big file to start from: the places of many libraries.
    places = {f"/library/{n}": Place(f"a#s{n}", float(n)) for n in range(2000)}
    state.path.parent.mkdir(parents=True, exist_ok=True)
    state.path.write_text(state_to_json(ReadingState(MappingProxyType(places))),
                          encoding="utf-8")
    saved = 2000
    for _ in range(5):
        last = _kill_while_saving([sys.executable, "-c", KEEP_MOVING, str(saved)], saved)
        reading = StateFile().load()
        for number in range(last + 1):
            assert reading.position(f"/library/{number}") == Place(f"a#s{number}",
                                                                   float(number))
        saved = last + 1
        if reading.position(f"/library/{saved}") is not None:
            saved += 1  # killed just after a save it had not reported yet
    assert not StateFile().take_notices()
