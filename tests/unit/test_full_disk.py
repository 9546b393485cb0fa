"""Full disks and read-only homes, with real limits rather than mocks.

Saving a bookmark or the reading state where it cannot be written says why in
one line, and the previous file stays whole; reading and searching go on. The
limits are the kernel's own:

- EFBIG: ``RLIMIT_FSIZE`` set in the child process (SIGXFSZ ignored);
- ENOSPC: the home copied onto a small tmpfs, filled to the last byte, in a
  private mount namespace (skipped where mounting is not allowed);
- a read-only home: the home bound read-only onto itself in such a namespace
  (EROFS), and, with no mounting at all, ``chmod a-w`` with the child's root
  privilege of writing anyway dropped (EACCES), as :mod:`tests.helpers.limits` explains.

When the index cannot be written, search answers from the index as last saved
and says it may be out of date; ``index``, whose job is to save it, says why it
cannot.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_library
from tests.helpers.damage import BOOKMARKED, prepare
from tests.helpers.limits import child_limits, in_mount_namespace, mode_bits_bite
from viewer.bookmarks import BookmarkStore
from viewer.state import StateFile
from viewer.storage import StorageError

PYTHON = sys.executable
OTHER = "seven-thousand-cadres-conference#conclusion"
SAVE_STATE = ("import sys\nfrom viewer.state import StateFile\nfrom viewer.storage import "
              "StorageError\ntry:\n    StateFile().save_zoom(2.0)\nexcept StorageError as e:\n"
              "    print(f'encyclopedia: {e}', file=sys.stderr)\n    sys.exit(2)\n")


def viewer(*args: str) -> list[str]:
    return [PYTHON, "-m", "viewer", *args]


def one_line(run: dict[str, object] | subprocess.CompletedProcess[str], code: int) -> str:
    """The single stderr line of a run that exited with ``code``."""
    returncode, stdout, stderr = (
        (run.returncode, run.stdout, run.stderr) if isinstance(run, subprocess.CompletedProcess)
        else (run["returncode"], run["stdout"], run["stderr"]))
    assert isinstance(stderr, str) and "Traceback" not in stderr, stderr
    assert returncode == code, (returncode, stdout, stderr)
    lines = [line for line in stderr.splitlines()
             if line != "This plugin does not support propagateSizeHints()"]
    assert len(lines) == 1, stderr
    return lines[0]


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def stale_library(tmp_path: Path) -> Path:
    """A library whose index was saved, then one of its files changed: it needs an update."""
    root = write_library(tmp_path / "notes", {
        "famine.md": "# Famine\n\nThe famine of the Great Leap Forward.\n\n## Causes\n\nPolicy.\n",
        "other.md": "# Other\n\nNothing to see.\n"})
    assert subprocess.run(viewer("index", "--content", str(root)), capture_output=True,
                          timeout=60).returncode == 0
    (root / "other.md").write_text("# Other\n\nA famine here too, added later.\n")
    return root


@pytest.fixture
def home(encyclopedia_home: Path) -> Path:
    """A home as a reader leaves it: a bookmark, a reading state, the built-in index."""
    for file in ("bookmarks", "state", "index"):
        prepare(file)
    return encyclopedia_home


# --- EFBIG: a file size limit -------------------------------------------------------


def test_a_bookmark_over_the_file_size_limit_says_why_and_keeps_the_file(home: Path) -> None:
    path = home / "data" / "bookmarks.json"
    before = path.read_bytes()
    result = subprocess.run(viewer("bookmarks", "add", OTHER, "--note", "x" * 4000),
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                            preexec_fn=child_limits(file_size=len(before) + 200))
    line = one_line(result, 2)
    assert line == f"encyclopedia: cannot save {path}: File too large"
    assert path.read_bytes() == before and no_temporary_files(path.parent)


def test_the_reading_state_over_the_file_size_limit_says_why_and_stays(home: Path) -> None:
    path = home / "data" / "state.json"
    before = path.read_bytes()
    result = subprocess.run([PYTHON, "-c", SAVE_STATE], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                            preexec_fn=child_limits(file_size=len(before) // 2))
    assert one_line(result, 2) == f"encyclopedia: cannot save {path}: File too large"
    assert path.read_bytes() == before and no_temporary_files(path.parent)
    assert StateFile().load().theme == "dark"


# --- ENOSPC: a small file system, full ------------------------------------------------


def test_on_a_full_disk_saving_says_why_and_reading_and_searching_go_on(
        home: Path, stale_library: Path, tmp_path: Path) -> None:
    before = {name: (home / "data" / name).read_bytes()
              for name in ("bookmarks.json", "state.json")}
    runs = in_mount_namespace(home, "full", [
        viewer("bookmarks", "add", OTHER),
        [PYTHON, "-c", SAVE_STATE],
        viewer("bookmarks", "list", "--json"),
        viewer("search", "famine"),
        viewer("search", "famine", "--content", str(stale_library)),
        viewer("index", "--content", str(stale_library)),
    ], tmp_path / "after")
    add, save, listing, search, stale_search, index = runs
    assert one_line(add, 2).endswith("bookmarks.json: No space left on device")
    assert one_line(save, 2).endswith("state.json: No space left on device")
    for name, data in before.items():
        assert (tmp_path / "after" / "data" / name).read_bytes() == data
    assert no_temporary_files(tmp_path / "after" / "data")
    assert listing["returncode"] == 0 and not listing["stderr"]
    assert [b["id"] for b in json.loads(str(listing["stdout"]))] == [BOOKMARKED]
    assert search["returncode"] == 0 and not search["stderr"]  # up to date: nothing to write
    assert "sections match 'famine'" in str(search["stdout"])
    line = one_line(stale_search, 0)
    assert line == ("encyclopedia: the search index may be out of date: it cannot be saved "
                    "(No space left on device)")
    assert "1 section matches 'famine'" in str(stale_search["stdout"])  # as last saved
    assert "No space left on device" in one_line(index, 2)


# --- A read-only home -------------------------------------------------------------------


def test_a_read_only_home_reads_searches_and_says_why_it_cannot_save(
        home: Path, stale_library: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    runs = in_mount_namespace(home, "read-only", [
        viewer("bookmarks", "list", "--json"),
        viewer("bookmarks", "add", OTHER),
        [PYTHON, "-c", SAVE_STATE],
        viewer("search", "famine"),
        viewer("search", "famine", "--content", str(stale_library)),
        viewer("index", "--content", str(stale_library)),
        viewer("open", "--screenshot", str(shot)),
    ], tmp_path / "after", env={"QT_QPA_PLATFORM": "offscreen"})
    listing, add, save, search, stale_search, index, window = runs
    assert [b["id"] for b in json.loads(str(listing["stdout"]))] == [BOOKMARKED]
    assert not listing["stderr"]
    assert one_line(add, 2).endswith("bookmarks.json: Read-only file system")
    assert one_line(save, 2).endswith("state.json: Read-only file system")
    assert "sections match 'famine'" in str(search["stdout"]) and not search["stderr"]
    assert one_line(stale_search, 0).endswith("it cannot be saved (Read-only file system)")
    assert "Read-only file system" in one_line(index, 2)
    assert window["returncode"] == 0, window["stderr"]
    assert "Traceback" not in str(window["stderr"]) and shot.stat().st_size > 0


def test_a_home_without_write_permission_reads_and_says_why_it_cannot_save(
        home: Path, stale_library: Path) -> None:
    folders = [home / "data", *(p for p in (home / "cache").rglob("*") if p.is_dir()),
               home / "cache"]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(viewer(*args), capture_output=True, text=True, timeout=60,
                                  preexec_fn=child_limits(mode_bits=True))

        listing = run("bookmarks", "list", "--json")
        assert listing.returncode == 0 and not listing.stderr, listing.stderr
        assert [b["id"] for b in json.loads(listing.stdout)] == [BOOKMARKED]
        assert one_line(run("bookmarks", "add", OTHER), 2).endswith(
            "bookmarks.json: Permission denied")
        search = run("search", "famine")
        assert search.returncode == 0 and not search.stderr, search.stderr
        assert one_line(run("search", "famine", "--content", str(stale_library)), 0) \
            .endswith("it cannot be saved (Permission denied)")
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert [b.id for b in BookmarkStore().bookmarks] == [BOOKMARKED]


def test_a_home_that_cannot_be_made_gives_one_line_for_search(tmp_path: Path) -> None:
    # No index has ever been saved, and none can be: nothing to search, said once.
    locked_out = tmp_path / "locked"
    locked_out.mkdir(mode=0o555)
    env = {**os.environ, "ENCYCLOPEDIA_HOME": str(locked_out / "home")}
    result = subprocess.run(viewer("search", "famine"), capture_output=True, text=True,
                            timeout=60, env=env, preexec_fn=child_limits(mode_bits=True))
    assert "the search index cannot be saved" in one_line(result, 2)
    listing = subprocess.run(viewer("bookmarks", "list"), capture_output=True, text=True,
                             timeout=60, env=env, preexec_fn=child_limits(mode_bits=True))
    assert listing.returncode == 0 and listing.stdout == "No bookmarks.\n", listing.stderr
    shutil.rmtree(locked_out)



def test_bookmarks_found_again_are_listed_from_a_read_only_home(encyclopedia_home: Path,
                                                                 tmp_path: Path) -> None:
    root = write_library(tmp_path / "trip", {
        "trip.md": "# Trip\n\n## Day one\n\nWe walked to the lake and back again.\n"})
    assert subprocess.run(viewer("bookmarks", "--content", str(root), "add", "trip#day-one"),
                          capture_output=True, timeout=60).returncode == 0
    (root / "trip.md").write_text(
        "# Trip\n\n## The first day\n\nWe walked to the lake and back again.\n")
    data = encyclopedia_home / "data"
    before = (data / "bookmarks.json").read_bytes()
    data.chmod(0o555)
    try:
        listing = subprocess.run(viewer("bookmarks", "--content", str(root), "list", "--json"),
                                 capture_output=True, text=True, timeout=60,
                                 preexec_fn=child_limits(mode_bits=True))
    finally:
        data.chmod(0o755)
    assert listing.returncode == 0 and not listing.stderr, listing.stderr
    (found,) = json.loads(listing.stdout)
    assert (found["id"], found["missing"]) == ("trip#the-first-day", False)
    assert (data / "bookmarks.json").read_bytes() == before  # saved another time


def test_a_damaged_file_in_a_read_only_home_is_left_as_it_is(encyclopedia_home: Path) -> None:
    data = encyclopedia_home / "data"
    data.mkdir()
    for name in ("bookmarks.json", "state.json"):
        (data / name).write_text("{ cut sho")
    data.chmod(0o555)
    try:
        with mode_bits_bite(), pytest.raises(StorageError, match="cannot be kept aside"):
            StateFile().load()  # the window starts with defaults, and says this
        with mode_bits_bite(), pytest.raises(StorageError, match="cannot be kept aside"):
            BookmarkStore()  # the window's bookmarks are unavailable, and it says why
    finally:
        data.chmod(0o755)
    assert sorted(p.name for p in data.iterdir()) == ["bookmarks.json", "state.json"]
    assert (data / "state.json").read_text() == "{ cut sho"
