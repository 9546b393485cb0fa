"""Damaged user files, met through the real command line; and hostile files to import.

Every (file, damage) of :mod:`tests.helpers.damage`: the command that reads the
file starts, says so in one line on stderr (no traceback), keeps the damaged
file as ``NAME.damaged-<time>`` beside the new one (the index, a cache made from
the library, is rebuilt instead) and carries on with defaults. The commands run
in fresh interpreters with ENCYCLOPEDIA_HOME set to the test's folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content import BUILTIN_ARTICLES
from index.build import index_dir
from tests.helpers.damage import CASES, HOSTILE, damage, kept, prepare
from tests.helpers.limits import child_limits
from viewer.bookmarks import IMPORT_LIMIT, BookmarkStore, UnreadableBookmarks
from viewer.state import StateFile
from viewer.storage import NewerFormat

# What Qt's offscreen platform prints on every start, damaged files or not.
QT_CHATTER = ("This plugin does not support propagateSizeHints()",)


def encyclopedia(*args: str, unreadable: bool = False,
                 timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m viewer ARGS`` as a user runs it (as root, chmod 000 still bites)."""
    return subprocess.run([sys.executable, "-m", "viewer", *args], capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          preexec_fn=child_limits(mode_bits=unreadable))


def one_line(result: subprocess.CompletedProcess[str], code: int = 0) -> str:
    """The single line the command printed on stderr, after checking there is no more."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line not in QT_CHATTER]
    assert len(lines) == 1, result.stderr
    return lines[0]


def commands_for(file: str, tmp_path: Path) -> list[tuple[str, ...]]:
    """The commands that read the file, each to be run on a freshly damaged one."""
    if file == "bookmarks":
        # The window reads bookmarks just after its first paint, and a plain screenshot
        # may be taken before: with --search it is taken once the results are shown.
        return [("bookmarks", "list"),
                ("open", "--search", "famine", "--screenshot", str(tmp_path / "shot.png"))]
    if file == "state":
        return [("open", "--screenshot", str(tmp_path / "shot.png"))]
    return [("search", "famine"), ("index",)]


@pytest.mark.parametrize(("file", "how"), CASES, ids=[f"{f}-{h}" for f, h in CASES])
def test_a_damaged_file_gives_one_line_and_the_app_goes_on(tmp_path: Path, file: str,
                                                           how: str) -> None:
    for command in commands_for(file, tmp_path):
        path = prepare(file)
        before = kept(path)
        damaged = damage(path, how, file)
        result = encyclopedia(*command, unreadable=how == "unreadable")
        line = one_line(result)
        if file in ("bookmarks", "state"):
            # Kept beside the new one, byte for byte, and the notice names it.
            (aside,) = set(kept(path)) - set(before)
            assert aside.name in line and line.startswith(("encyclopedia: ", "WARNING "))
            if damaged is not None:
                assert aside.read_bytes() == damaged
            else:
                assert aside.is_dir() or aside.stat().st_mode & 0o777 == 0
        else:
            assert "the search index was rebuilt" in line, line
            assert not list(index_dir(BUILTIN_ARTICLES).rglob("*.damaged-*"))
        if command[0] == "open":
            assert (tmp_path / "shot.png").stat().st_size > 0
        if command[0] == "search":
            assert "sections match 'famine'" in result.stdout
        # Told once: the next run finds a good file, or none, and says nothing.
        again = encyclopedia(*command)
        assert again.returncode == 0
        assert not [line for line in again.stderr.splitlines() if line not in QT_CHATTER]


def test_the_scroll_of_1e10_from_the_issue_opens_at_its_section(encyclopedia_home: Path,
                                                                tmp_path: Path) -> None:
    path = prepare("state")
    damage(path, "numbers", "state")
    line = one_line(encyclopedia("open", "--screenshot", str(tmp_path / "shot.png")))
    assert "state.json was partly damaged" in line and "is out of range" in line
    state = StateFile().load()
    # The place in this library is kept, at the top of its section; the theme too.
    assert state.position(BUILTIN_ARTICLES) == (
        "seven-thousand-cadres-conference#conclusion", 0.0)
    assert (state.theme, state.zoom) == ("dark", 1.0)
    assert state.positions["/elsewhere/d"].scroll == 12.5


def test_bookmarks_with_numbers_for_text_keep_the_good_ones(tmp_path: Path) -> None:
    path = prepare("bookmarks")
    damage(path, "numbers", "bookmarks")
    result = encyclopedia("bookmarks", "list", "--json")
    assert "1 bookmark was recovered" in one_line(result)
    (bookmark,) = json.loads(result.stdout)
    assert (bookmark["id"], bookmark["folder"]) == (
        "seven-thousand-cadres-conference#conclusion", "To read")


# --- Damage that needs no subprocess to show -------------------------------------------


@pytest.mark.parametrize("name", ["bookmarks.json", "state.json"])
def test_a_number_of_thousands_of_digits_is_damage_not_a_crash(encyclopedia_home: Path,
                                                               name: str) -> None:
    path = encyclopedia_home / "data" / name
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "x", "version": ' + "9" * 5000 + "}")
    reader = BookmarkStore() if name == "bookmarks.json" else StateFile()
    if isinstance(reader, StateFile):
        reader.load()
    (notice,) = reader.take_notices()
    assert "a number is too long" in notice and len(kept(path)) == 1


def test_a_named_pipe_in_place_of_the_state_never_hangs_the_start(
        encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "state.json"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    state_file = StateFile()
    started = time.monotonic()
    assert state_file.load().theme == "system"
    assert time.monotonic() - started < 5
    (notice,) = state_file.take_notices()
    assert "not a regular file" in notice and len(kept(path)) == 1


def test_a_newer_version_is_neither_damaged_nor_changed(encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "encyclopedia-state", "version": 2, "zoom": "huge"}')
    with pytest.raises(NewerFormat):
        StateFile().load()
    assert not kept(path) and "huge" in path.read_text()


# --- Importing hostile files ------------------------------------------------------------


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    line = one_line(result, code=2)
    assert line.startswith("encyclopedia: ") and all(word in line for word in words), line
    assert BookmarkStore().bookmarks == ()  # nothing was imported


def test_an_xbel_billion_laughs_is_refused_at_once() -> None:
    started = time.monotonic()
    result = encyclopedia("bookmarks", "import", str(HOSTILE / "xbel-billion-laughs.xbel"))
    assert time.monotonic() - started < 30
    assert_refused(result, "refused", "entities")


def test_an_xbel_external_entity_reads_no_file() -> None:
    result = encyclopedia("bookmarks", "import", str(HOSTILE / "xbel-external-entity.xbel"))
    assert_refused(result, "refused", "entities")
    assert "root:" not in result.stdout + result.stderr


def test_the_parser_itself_refuses_entities_whoever_calls_it() -> None:
    from viewer.bookmarks import shelf_from_xbel

    for name in ("xbel-billion-laughs.xbel", "xbel-external-entity.xbel"):
        with pytest.raises(UnreadableBookmarks, match="entities"):
            shelf_from_xbel((HOSTILE / name).read_text(encoding="utf-8"))


def _big_json(path: Path, size: int) -> None:
    entry = json.dumps({"id": "seven-thousand-cadres-conference#conclusion",
                        "title": "Conclusion", "note": "x" * 900}) + ",\n"
    with path.open("w", encoding="utf-8") as file:
        file.write("[\n")
        for _ in range(size // len(entry)):
            file.write(entry)
        file.write(entry.rstrip(",\n") + "]\n")


def _big_xbel(path: Path, size: int) -> None:
    entry = ('<bookmark href="encyclopedia:seven-thousand-cadres-conference#conclusion">'
             f'<title>Conclusion</title><desc>{"x" * 900}</desc></bookmark>\n')
    with path.open("w", encoding="utf-8") as file:
        file.write('<?xml version="1.0"?>\n<xbel version="1.0">\n')
        for _ in range(size // len(entry)):
            file.write(entry)
        file.write("</xbel>\n")


@pytest.mark.parametrize("kind", ["json", "xbel"])
def test_a_100_mb_import_gives_one_line_not_a_hang(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"huge.{kind}"
    (_big_json if kind == "json" else _big_xbel)(path, 100 * 2**20)
    assert path.stat().st_size >= 100 * 2**20 > IMPORT_LIMIT
    started = time.monotonic()
    result = encyclopedia("bookmarks", "import", str(path))
    assert time.monotonic() - started < 20
    assert_refused(result, "too big to be bookmarks")


def test_an_import_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    _big_json(path, 2 * 2**20)  # two thousand copies of one bookmark: merged into one
    result = encyclopedia("bookmarks", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert [b.id for b in BookmarkStore().bookmarks] == [
        "seven-thousand-cadres-conference#conclusion"]


@pytest.mark.parametrize("kind", ["json", "xbel"])
def test_a_deeply_nested_import_gives_one_line(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"nested.{kind}"
    if kind == "json":
        path.write_bytes((HOSTILE / "nested.json").read_bytes())
        words = ("nested too deeply",)
    else:
        depth = 100_000
        path.write_text('<xbel version="1.0">' + "<folder><title>f</title>" * depth
                        + "</folder>" * depth + "</xbel>", encoding="utf-8")
        words = ("folders nest more than",)
    started = time.monotonic()
    result = encyclopedia("bookmarks", "import", str(path))
    assert time.monotonic() - started < 30
    assert_refused(result, *words)


def test_an_import_that_is_a_device_or_a_folder_is_refused(tmp_path: Path) -> None:
    for path in (Path("/dev/zero"), tmp_path):
        assert_refused(encyclopedia("bookmarks", "import", str(path)), "cannot read")

