"""``encyclopedia bookmarks`` run as a user would: a fresh interpreter, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_library

SLUG = "seven-thousand-cadres-conference"
LEGACY = f"{SLUG}#legacy-and-reforms"
SUMMARY_KEYS = {"id", "title", "article", "path", "folder", "note", "created", "missing"}


def bookmarks(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m viewer bookmarks ...``; ENCYCLOPEDIA_HOME comes from the test's fixture."""
    return subprocess.run([sys.executable, "-m", "viewer", "bookmarks", *args],
                          capture_output=True, text=True, timeout=60)


def listed(*args: str) -> list[dict[str, object]]:
    result = bookmarks(*args, "list", "--json")
    assert result.returncode == 0, result.stderr
    entries: list[dict[str, object]] = json.loads(result.stdout)
    return entries


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("encyclopedia: ")
    assert "Traceback" not in result.stderr


def test_add_then_list_json_has_the_documented_shape() -> None:
    result = bookmarks("add", LEGACY, "--folder", "To read", "--note", "compare with 1958")
    assert result.returncode == 0, result.stderr
    assert bookmarks("add", SLUG).returncode == 0  # a bare slug: the article's lead

    legacy, lead = listed()
    assert set(legacy) == SUMMARY_KEYS
    assert legacy == {
        "id": LEGACY, "title": "Legacy and Reforms",
        "article": "Seven Thousand Cadres Conference",
        "path": "Seven Thousand Cadres Conference \u203a Legacy and Reforms",
        "folder": "To read", "note": "compare with 1958",
        "created": legacy["created"], "missing": False}
    assert isinstance(legacy["created"], str) and legacy["created"].endswith("+00:00")
    assert lead["id"] == f"{SLUG}#{SLUG}" and lead["folder"] == ""


def test_list_as_text_groups_by_folder() -> None:
    bookmarks("add", LEGACY, "--folder", "To read", "--note", "later")
    result = bookmarks("list")
    assert result.returncode == 0
    assert f"To read/\n  Legacy and Reforms  [{LEGACY}]" in result.stdout
    assert "note: later" in result.stdout
    assert bookmarks("remove", LEGACY).returncode == 0
    assert bookmarks("list").stdout == "To read/\n  (empty)\n"  # the folder stays


def test_unknown_ids_are_one_line_and_exit_2() -> None:
    assert "No bookmarks." in bookmarks("list").stdout
    assert_one_line_error(bookmarks("add", f"{SLUG}#no-such-heading"))
    assert_one_line_error(bookmarks("add", "no-such-article"))
    result = bookmarks("remove", LEGACY)
    assert_one_line_error(result)
    assert "no bookmark" in result.stderr
    assert listed() == []


def test_remove_deletes_it_for_good() -> None:
    bookmarks("add", LEGACY)
    bookmarks("add", LEGACY, "--folder", "Also here")
    assert bookmarks("remove", LEGACY).returncode == 0
    assert listed() == []


def test_export_and_import_move_bookmarks_between_homes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bookmarks("add", LEGACY, "--folder", "To read", "--note", "a & <b>")
    bookmarks("add", SLUG)
    before = listed()
    xbel, plain = tmp_path / "out.xbel", tmp_path / "out.json"
    assert bookmarks("export", str(xbel)).returncode == 0
    assert xbel.read_text().splitlines()[2] == '<xbel version="1.0">'  # format from extension
    assert bookmarks("export", str(plain)).returncode == 0
    assert json.loads(plain.read_text())["format"] == "encyclopedia-bookmarks"
    forced = tmp_path / "forced.txt"
    assert bookmarks("export", str(forced), "--format", "xbel").returncode == 0
    assert "<xbel" in forced.read_text()

    for exported in (xbel, plain):
        monkeypatch.setenv("ENCYCLOPEDIA_HOME", str(tmp_path / f"home-{exported.suffix}"))
        result = bookmarks("import", str(exported))
        assert result.returncode == 0, result.stderr
        assert "Imported 2 bookmarks" in result.stdout
        assert listed() == before
        again = bookmarks("import", str(exported))  # merged, not duplicated
        assert "Imported 0 bookmarks" in again.stdout and listed() == before


@pytest.mark.parametrize("content", [None, b"", b"{ not json", b"<xbel><folder></xbel>",
                                     b'{"format": "something-else"}'])
def test_importing_an_unreadable_file_is_one_line_and_exit_2(
        tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "in.json"
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(bookmarks("import", str(path)))


def test_missing_is_computed_against_the_content_given(tmp_path: Path) -> None:
    root = write_library(tmp_path / "notes", {
        "trip.md": "# Trip\n\n## Day one\n\nWe walked to the lake and back.\n"})
    assert bookmarks("--content", str(root), "add", "trip#day-one").returncode == 0
    (bookmark,) = listed("--content", str(root))
    assert bookmark["missing"] is False and bookmark["path"] == "Trip \u203a Day one"

    (root / "trip.md").unlink()
    (gone,) = listed("--content", str(root))
    assert gone["missing"] is True
    assert (gone["id"], gone["title"]) == ("trip#day-one", "Day one")  # kept, last known


def test_a_corrupt_file_is_reported_and_the_command_goes_on(encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "bookmarks.json"
    path.parent.mkdir(parents=True)
    path.write_text("garbage")
    result = bookmarks("list", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert "bookmarks.json.damaged-" in result.stderr
    assert len(list(path.parent.glob("bookmarks.json.damaged-*"))) == 1


@pytest.mark.parametrize("action", [["list", "--json"], ["add", LEGACY], ["remove", LEGACY],
                                    ["export", "OUT"], ["import", "OUT"]])
def test_bookmark_commands_do_not_import_qt(tmp_path: Path, action: list[str]) -> None:
    out = str(tmp_path / "out.json")
    bookmarks("add", LEGACY)
    bookmarks("export", out)
    args = [out if a == "OUT" else a for a in action]
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "viewer", "bookmarks",
                             *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")]
    assert "viewer.bookmarks" in imported  # the check looks at the right process
    assert not [m for m in imported if m.startswith(("PySide6", "shiboken6"))]
