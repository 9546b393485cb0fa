"""Bookmarks kept safe: atomic writes, corrupt files, other processes, edited articles, XBEL."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from content import Library, UnknownSection, load_library
from tests.conftest import write_library
from viewer.bookmarks import (
    FORMAT,
    Bookmark,
    BookmarkError,
    BookmarkStore,
    Shelf,
    UnknownBookmark,
    UnknownFolder,
    UnreadableBookmarks,
    bookmark_json,
    similarity,
    text_sketch,
)
from viewer.storage import NewerFormat, StorageError

NILE_TEXT = ("The Nile flows north through eleven countries of eastern Africa before it "
             "reaches the Mediterranean Sea. For thousands of years its yearly flood laid "
             "black silt on the fields of Egypt, and the calendar, the taxes and the "
             "temples of the pharaohs followed the rise and fall of the river.")
AMAZON_TEXT = ("The Amazon carries more water than any other river on Earth, about a fifth "
               "of all the fresh water that flows into the oceans. Its basin covers much of "
               "Brazil, Peru and Colombia and holds the largest rainforest in the world.")
TRIBUTARIES_TEXT = "The Madeira, the Negro and the Japura are its largest tributaries."
EVEREST_TEXT = ("Everest is the highest mountain above sea level. It stands on the border "
                "between Nepal and the Tibet Autonomous Region of China, in the Mahalangur "
                "range of the Himalaya.")


def rivers(nile_heading: str = "The Nile", nile_text: str = NILE_TEXT,
           amazon: bool = True) -> str:
    amazon_part = (f"## The Amazon\n\n{AMAZON_TEXT}\n\n### Tributaries\n\n{TRIBUTARIES_TEXT}\n"
                   if amazon else "")
    return (f"# Rivers\n\nRivers carry water to the sea.\n\n## {nile_heading}\n\n{nile_text}\n\n"
            + amazon_part)


MOUNTAINS = f"# Mountains\n\nMountains are high.\n\n## Everest\n\n{EVEREST_TEXT}\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_library(tmp_path / "library", {"rivers.md": rivers(),
                                                "mountains.md": MOUNTAINS})


@pytest.fixture
def library(root: Path) -> Library:
    return load_library(root)


def stored(store: BookmarkStore) -> dict[str, object]:
    """The bookmarks file as another program would read it."""
    body: dict[str, object] = json.loads(store.path.read_text(encoding="utf-8"))
    return body


# --- Surviving restarts ---------------------------------------------------------------

def test_bookmark_survives_restart_with_what_the_reader_sees(library: Library,
                                                             encyclopedia_home: Path) -> None:
    BookmarkStore().add(library, "rivers#the-amazon", folder="To read", note="check flow")

    again = BookmarkStore()
    assert again.path == encyclopedia_home / "data" / "bookmarks.json"
    (bookmark,) = again.bookmarks
    assert bookmark.id == "rivers#the-amazon"
    assert (bookmark.title, bookmark.article) == ("The Amazon", "Rivers")
    assert bookmark.path == ("Rivers", "The Amazon")
    assert (bookmark.folder, bookmark.note) == ("To read", "check flow")
    assert bookmark.created.endswith("+00:00") and len(bookmark.fingerprint) == 12
    assert again.folders == ("To read",)
    body = stored(again)
    assert body["format"] == FORMAT and body["version"] == 1


def test_adding_an_unknown_section_raises_and_keeps_the_file(library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    before = store.path.read_bytes()
    with pytest.raises(UnknownSection):
        store.add(library, "rivers#the-danube")
    assert store.path.read_bytes() == before


def test_a_bare_slug_bookmarks_the_lead_and_adding_twice_keeps_one(library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers")
    store.add(library, "rivers#rivers", note="the lead")
    assert [(b.id, b.note) for b in store.bookmarks] == [("rivers#rivers", "the lead")]


def test_toggle_adds_then_removes_and_the_star_follows(library: Library) -> None:
    store = BookmarkStore()
    assert store.toggle(library, "rivers#the-nile") is True
    assert store.is_bookmarked("rivers#the-nile")
    assert BookmarkStore().is_bookmarked("rivers#the-nile")
    assert store.toggle(library, "rivers#the-nile") is False
    assert not store.is_bookmarked("rivers#the-nile")
    assert BookmarkStore().bookmarks == ()


def test_rename_and_note_are_kept_and_a_label_falls_back_to_the_heading(
        library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    store.rename("rivers#the-nile", "  Egypt's river ")
    store.set_note("rivers#the-nile", "floods every summer")
    (bookmark,) = BookmarkStore().bookmarks
    assert (bookmark.label, bookmark.title, bookmark.note) == (
        "Egypt's river", "The Nile", "floods every summer")
    store.rename("rivers#the-nile", "")
    assert BookmarkStore().bookmarks[0].label == "The Nile"
    with pytest.raises(UnknownBookmark):
        store.set_note("rivers#the-amazon", "not bookmarked")


# --- Folders --------------------------------------------------------------------------

def test_folders_create_rename_move_and_delete_without_losing_bookmarks(
        library: Library) -> None:
    store = BookmarkStore()
    store.create_folder("Africa")
    store.create_folder("Empty for now")
    store.add(library, "rivers#the-nile")
    store.move("rivers#the-nile", "Africa")
    store.add(library, "mountains#everest", folder="Asia", note="8849 m")

    again = BookmarkStore()
    assert again.folders == ("Africa", "Empty for now", "Asia")  # empty folders survive
    assert {b.id: b.folder for b in again.bookmarks} == {
        "rivers#the-nile": "Africa", "mountains#everest": "Asia"}

    store.rename_folder("Asia", "High places")
    assert BookmarkStore().find("mountains#everest")[0].folder == "High places"

    assert store.delete_folder("High places") == 1
    again = BookmarkStore()
    assert again.folders == ("Africa", "Empty for now")
    (everest,) = again.find("mountains#everest")
    assert (everest.folder, everest.note) == ("", "8849 m")  # moved to the top level, kept

    with pytest.raises(UnknownFolder):
        store.delete_folder("High places")
    with pytest.raises(BookmarkError):
        store.create_folder("   ")


def test_one_section_once_per_folder_and_folders_merge_without_duplicates(
        library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile", note="top")
    store.add(library, "rivers#the-nile", folder="Africa", note="in folder")
    assert len(store.find("rivers#the-nile")) == 2

    store.delete_folder("Africa")  # both now at the top level: one bookmark, both notes
    (nile,) = BookmarkStore().bookmarks
    assert nile.folder == "" and nile.note == "top\nin folder"

    store.add(library, "rivers#the-nile", folder="A")
    store.add(library, "rivers#the-nile", folder="B")
    store.rename_folder("A", "B")
    assert [(b.folder, b.id) for b in BookmarkStore().bookmarks] == [
        ("", "rivers#the-nile"), ("B", "rivers#the-nile")]
    assert store.remove("rivers#the-nile") == 2
    assert BookmarkStore().bookmarks == ()


# --- Atomic writes --------------------------------------------------------------------

def test_a_write_that_fails_half_way_leaves_the_previous_file(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    before = store.path.read_bytes()

    def disk_full(descriptor: int) -> None:
        # Only half of the new file reached the disk, then the disk filled up.
        os.ftruncate(descriptor, os.fstat(descriptor).st_size // 2)
        raise OSError(errno.ENOSPC, "No space left on device")

    # A context of its own: undo() would also undo ENCYCLOPEDIA_HOME.
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        with pytest.raises(StorageError, match="No space left on device"):
            store.add(library, "rivers#the-amazon")

    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "bookmarks.json", "bookmarks.json.lock"]  # no temp file left behind
    assert [b.id for b in BookmarkStore().bookmarks] == ["rivers#the-nile"]


KEEP_WRITING = """
import json, sys
from pathlib import Path
from viewer.storage import atomic_write
target, attempt, count = Path(sys.argv[1]), int(sys.argv[2]), 0
while True:
    count += 1
    atomic_write(target, json.dumps({"attempt": attempt, "count": count,
                                     "filler": "x" * 3_000_000, "end": True}))
"""


def written_by(target: Path) -> int:
    try:
        return int(json.loads(target.read_text(encoding="utf-8"))["attempt"])
    except FileNotFoundError:
        return -1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_writer_killed_at_any_moment_never_leaves_half_a_file(tmp_path: Path) -> None:
    target = tmp_path / "data" / "state.json"
    for attempt in range(6):
        writer = subprocess.Popen([sys.executable, "-c", KEEP_WRITING, str(target), str(attempt)])
        deadline = time.monotonic() + 30
        while written_by(target) != attempt and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(random.uniform(0.0, 0.05))  # now it is busy writing: kill it anywhere
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        body = json.loads(target.read_text(encoding="utf-8"))  # whole, never truncated
        assert body["end"] is True and len(body["filler"]) == 3_000_000
        assert body["attempt"] == attempt


# --- Corrupt files --------------------------------------------------------------------

def test_a_corrupt_file_is_moved_aside_and_the_reader_told(library: Library,
                                                           encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "bookmarks.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"format": "encyclopedia-bookmarks", "version": 1, "bookm')

    store = BookmarkStore()
    (notice,) = store.take_notices()
    assert "bookmarks.json could not be read" in notice
    (aside,) = path.parent.glob("bookmarks.json.damaged-*")
    assert aside.name in notice
    assert aside.read_bytes().endswith(b'"bookm')  # the reader's data, byte for byte
    assert store.bookmarks == () and store.take_notices() == ()  # told once

    store.add(library, "rivers#the-nile")
    assert [b.id for b in BookmarkStore().bookmarks] == ["rivers#the-nile"]
    assert aside.exists()


def test_a_file_with_one_broken_entry_keeps_the_others(encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "bookmarks.json"
    path.parent.mkdir(parents=True)
    good = {"id": "rivers#the-nile", "title": "The Nile", "path": ["Rivers", "The Nile"]}
    path.write_text(json.dumps({"format": FORMAT, "version": 1, "folders": [],
                                "bookmarks": [good, {"title": "no id"}, 42]}))

    store = BookmarkStore()
    (notice,) = store.take_notices()
    assert "bookmark 2: it has no section id" in notice and "1 bookmark was recovered" in notice
    assert [b.id for b in store.bookmarks] == ["rivers#the-nile"]
    (aside,) = path.parent.glob("bookmarks.json.damaged-*")
    assert '"no id"' in aside.read_text()
    assert [b.id for b in BookmarkStore().bookmarks] == ["rivers#the-nile"]


def test_a_file_from_a_newer_version_is_left_alone(encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "bookmarks.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": FORMAT, "version": 99, "bookmarks": []}))
    with pytest.raises(NewerFormat, match="version 99"):
        BookmarkStore()
    assert json.loads(path.read_text())["version"] == 99
    assert not list(path.parent.glob("*.damaged-*"))


# --- Other windows and processes ------------------------------------------------------

def test_two_windows_do_not_overwrite_each_others_bookmarks(library: Library) -> None:
    first, second = BookmarkStore(), BookmarkStore()  # both read an empty file
    first.add(library, "rivers#the-nile")
    second.add(library, "mountains#everest")  # its copy is stale: it must re-read
    first.create_folder("Later")
    assert {b.id for b in BookmarkStore().bookmarks} == {"rivers#the-nile", "mountains#everest"}
    assert {b.id for b in first.reload()} == {"rivers#the-nile", "mountains#everest"}
    assert second.reload() and second.folders == ("Later",)


ADD_FIFTY = """
import sys, time
from pathlib import Path
from content import load_library
from viewer.bookmarks import BookmarkStore
library, slug, go = load_library(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store = BookmarkStore()
while not go.exists():
    time.sleep(0.001)
for section in library.article(slug).walk():
    store.add(library, section.id)
"""


def test_two_processes_adding_at_once_keep_all_hundred(tmp_path: Path) -> None:
    articles = {f"{name}.md": f"# {name}\n\nLead.\n\n" + "".join(
        f"## {name} part {n}\n\nText {n} of {name}.\n\n" for n in range(49))
        for name in ("one", "two")}
    root = write_library(tmp_path / "many", articles)
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", ADD_FIFTY, str(root), slug, str(go)])
               for slug in ("one", "two")]
    time.sleep(0.5)  # both started and waiting: they add at the same time
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]

    bookmarks = BookmarkStore().bookmarks
    assert len(bookmarks) == 100
    assert {b.id for b in bookmarks} == {s.id for s in load_library(root).sections()}


# --- Edited libraries -----------------------------------------------------------------

def test_a_renamed_heading_is_found_again_by_its_text(root: Path, library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile", note="mine")
    (root / "rivers.md").write_text(rivers(nile_heading="Nile River"))

    (nile,) = store.resolve(load_library(root))
    assert (nile.id, nile.title, nile.missing) == ("rivers#nile-river", "Nile River", False)
    assert nile.note == "mine"
    (again,) = BookmarkStore().bookmarks  # the new id was saved
    assert again.id == "rivers#nile-river" and again.path == ("Rivers", "Nile River")


def test_a_renamed_and_edited_section_is_found_by_similar_text(root: Path,
                                                               library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    edited = NILE_TEXT.replace("eleven", "ten").replace("black silt", "dark silt")
    (root / "rivers.md").write_text(rivers(nile_heading="Nile", nile_text=edited))

    (nile,) = store.resolve(load_library(root))
    assert (nile.id, nile.missing) == ("rivers#nile", False)


def test_a_section_moved_to_another_article_is_followed(root: Path, library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#tributaries", folder="South America")
    (root / "rivers.md").write_text(rivers(amazon=False))
    (root / "americas").mkdir()
    (root / "americas" / "amazon.md").write_text(
        f"# The Amazon basin\n\n{AMAZON_TEXT}\n\n## Rivers that feed it\n\n{TRIBUTARIES_TEXT}\n")

    (moved,) = store.resolve(load_library(root))
    assert moved.id == "americas/amazon#rivers-that-feed-it"
    assert moved.path == ("americas", "The Amazon basin", "Rivers that feed it")
    assert (moved.article, moved.folder, moved.missing) == ("The Amazon basin",
                                                             "South America", False)


def test_a_section_moved_within_its_article_gets_its_new_trail(root: Path,
                                                               library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#tributaries")
    (root / "rivers.md").write_text(
        rivers(amazon=False) + f"\n## Tributaries\n\n{TRIBUTARIES_TEXT}\n")
    (bookmark,) = store.resolve(load_library(root))
    assert bookmark.id == "rivers#tributaries" and bookmark.path == ("Rivers", "Tributaries")
    assert BookmarkStore().bookmarks[0].path == ("Rivers", "Tributaries")


def test_a_deleted_article_leaves_its_bookmark_missing_but_kept(root: Path,
                                                                library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "mountains#everest", folder="Asia", note="8849 m")
    store.add(library, "rivers#the-nile")
    (root / "mountains.md").unlink()
    # Same heading, unrelated text: not the bookmarked section.
    (root / "novels.md").write_text("# Novels\n\n## Everest\n\nA thriller set at base camp, "
                                    "where a detective hunts a killer among the climbers.\n")

    everest, nile = store.resolve(load_library(root))
    assert everest.missing and not nile.missing
    assert (everest.id, everest.title, everest.folder, everest.note) == (
        "mountains#everest", "Everest", "Asia", "8849 m")
    assert everest.trail == "Mountains \u203a Everest"
    assert [b.id for b in BookmarkStore().bookmarks] == ["mountains#everest", "rivers#the-nile"]

    (root / "mountains.md").write_text(MOUNTAINS)  # it comes back
    everest, _nile = BookmarkStore().resolve(load_library(root))
    assert not everest.missing


def test_a_bookmark_on_a_shifted_duplicate_heading_follows_its_text(tmp_path: Path) -> None:
    notes = ("# Log\n\n## Notes\n\nFirst notes about the spring survey.\n\n"
             "## Notes\n\nSecond notes, about the autumn survey of the lake.\n")
    root = write_library(tmp_path / "log", {"log.md": notes})
    store = BookmarkStore()
    store.add(load_library(root), "log#notes-1")
    (root / "log.md").write_text("# Log\n\n## Notes\n\n"
                                 "Second notes, about the autumn survey of the lake.\n")
    (bookmark,) = store.resolve(load_library(root))
    assert (bookmark.id, bookmark.missing) == ("log#notes", False)


def test_bookmarks_of_another_library_are_missing_there_but_never_moved(
        library: Library, tmp_path: Path) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    before = store.path.read_bytes()
    other = load_library(write_library(tmp_path / "other", {
        "egypt.md": f"# Egypt\n\n## The river\n\n{NILE_TEXT}\n"}))
    (nile,) = store.resolve(other)
    assert nile.missing and nile.id == "rivers#the-nile"
    assert store.path.read_bytes() == before
    assert not store.resolve(library)[0].missing


def test_a_moved_library_keeps_its_bookmarks_and_their_re_anchoring(root: Path,
                                                                     library: Library) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    store.add(library, "mountains#everest")
    moved = root.rename(root.parent / "moved library")
    (moved / "rivers.md").write_text(rivers(nile_heading="Nile River"))

    nile, everest = store.resolve(load_library(moved))
    assert (nile.id, nile.missing) == ("rivers#nile-river", False)
    assert everest.library == str(moved.resolve()) and not everest.missing


def test_similarity_of_sketches_tells_edits_from_other_texts() -> None:
    edited = NILE_TEXT.replace("eleven", "ten")
    assert similarity(text_sketch(NILE_TEXT), text_sketch(NILE_TEXT)) == 1.0
    assert similarity(text_sketch(NILE_TEXT), text_sketch(edited)) > 0.7
    assert similarity(text_sketch(NILE_TEXT), text_sketch(AMAZON_TEXT)) < 0.2
    assert similarity(text_sketch(""), text_sketch(NILE_TEXT)) == 0.0


# --- Export and import ----------------------------------------------------------------

TRICKY = 'Fish & "chips" <b>not bold</b> </desc><bookmark href="x"> \u00e9\u4e2d\u6587'


def filled_store(library: Library) -> BookmarkStore:
    store = BookmarkStore()
    store.create_folder("Empty")
    store.add(library, "rivers#the-nile", folder=TRICKY, note=f"{TRICKY}\nsecond line\x07")
    store.rename("rivers#the-nile", f"Label {TRICKY}", folder=TRICKY)
    store.add(library, "rivers#the-amazon")
    store.add(library, "mountains", note="the lead")
    return store


def test_xbel_round_trip_keeps_every_bookmark_folder_and_note(library: Library,
                                                              tmp_path: Path) -> None:
    store = filled_store(library)
    exported = tmp_path / "bookmarks.xbel"
    assert store.export(exported) == 3

    root = ET.parse(exported).getroot()  # well-formed, escaped XML
    assert (root.tag, root.get("version")) == ("xbel", "1.0")
    folder_titles = [f.findtext("title") for f in root.iter("folder")]
    assert folder_titles == ["Empty", TRICKY]
    nile = root.find("folder[2]/bookmark")
    assert nile is not None and nile.get("href") == "encyclopedia:rivers#the-nile"
    assert nile.findtext("title") == f"Label {TRICKY}"
    assert nile.findtext("desc") == f"{TRICKY}\nsecond line"  # \x07 cannot be XML

    originals = {b.key: bookmark_json(b) for b in store.bookmarks}
    store.remove("rivers#the-nile")
    store.remove("rivers#the-amazon")
    store.remove("mountains#mountains")
    store.delete_folder(TRICKY)
    store.delete_folder("Empty")
    report = store.import_file(exported, library)
    assert (report.added, report.present, report.skipped) == (3, 0, ())
    again = BookmarkStore()
    assert again.folders == ("Empty", TRICKY)
    imported = {b.key: bookmark_json(b) for b in again.bookmarks}
    originals[("rivers#the-nile", TRICKY)]["note"] = f"{TRICKY}\nsecond line"
    assert imported == originals


def test_json_round_trip_and_list_output_import(library: Library, tmp_path: Path) -> None:
    store = filled_store(library)
    exported = tmp_path / "backup.json"
    store.export(exported)
    assert json.loads(exported.read_text())["format"] == FORMAT
    fresh = BookmarkStore(tmp_path / "elsewhere.json")
    assert fresh.import_file(exported).added == 3
    assert Shelf.of(fresh.bookmarks, fresh.folders) == Shelf.of(store.bookmarks, store.folders)

    listed = [{"id": "rivers#the-nile", "title": "The Nile", "article": "Rivers",
               "path": "Rivers \u203a The Nile", "folder": "Listed", "note": "",
               "created": "2024-01-01T00:00:00+00:00", "missing": False}]
    (tmp_path / "listed.json").write_text(json.dumps(listed))
    assert fresh.import_file(tmp_path / "listed.json").added == 1
    assert fresh.find("rivers#the-nile")[-1].path == ("Rivers", "The Nile")


def test_import_merges_without_duplicates(library: Library, tmp_path: Path) -> None:
    store = filled_store(library)
    exported = tmp_path / "mine.xbel"
    store.export(exported)
    report = store.import_file(exported, library)
    assert (report.added, report.present) == (0, 3)
    assert len(BookmarkStore().bookmarks) == 3

    store.move("rivers#the-amazon", "Elsewhere")  # another folder: a different bookmark
    report = store.import_file(exported, library)
    assert (report.added, report.present) == (1, 2)
    assert sorted(b.folder for b in BookmarkStore().find("rivers#the-amazon")) == [
        "", "Elsewhere"]


BROWSER_XBEL = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xbel>
<xbel version="1.0" folded="no">
  <title>Konqueror bookmarks</title>
  <bookmark href="https://en.wikipedia.org/wiki/Nile"><title>Nile - Wikipedia</title></bookmark>
  <folder folded="yes">
    <title>Geography</title>
    <separator/>
    <folder>
      <title>Rivers</title>
      <bookmark href="file://{root}/rivers.md#the-amazon" added="2020-02-02T10:00:00Z">
        <title>Amazon (my copy)</title>
        <desc>from the browser &amp; kept</desc>
      </bookmark>
      <bookmark href="qthelp://org.qt-project.qtcore/doc/qstring.html"><title>QString</title>
      </bookmark>
    </folder>
  </folder>
</xbel>
"""


def test_browser_xbel_keeps_what_maps_to_sections(library: Library, root: Path,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "konqueror.xbel"
    path.write_text(BROWSER_XBEL.format(root=root.resolve()))
    store = BookmarkStore()
    report = store.import_file(path, library)
    assert report.added == 1 and len(report.skipped) == 2
    assert "Nile - Wikipedia" in report.skipped[0] and "QString" in report.skipped[1]
    (amazon,) = BookmarkStore().bookmarks
    assert (amazon.id, amazon.folder) == ("rivers#the-amazon", "Geography / Rivers")
    assert (amazon.label, amazon.note, amazon.created) == (
        "Amazon (my copy)", "from the browser & kept", "2020-02-02T10:00:00Z")
    assert "Geography" in store.folders


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe garbage", b"<xbel><bookmark></xbel>", b"<opml version='2.0'/>",
    b'{"some": "json"}', b'{"format": "encyclopedia-bookmarks", "version": 7}', b"[1, 2]",
])
def test_a_file_that_is_not_bookmarks_is_refused_and_nothing_changes(
        library: Library, tmp_path: Path, content: bytes) -> None:
    store = BookmarkStore()
    store.add(library, "rivers#the-nile")
    before = store.path.read_bytes()
    path = tmp_path / "import.xbel"
    path.write_bytes(content)
    with pytest.raises(UnreadableBookmarks, match=r"import\.xbel"):
        store.import_file(path, library)
    with pytest.raises(UnreadableBookmarks, match="cannot read"):
        store.import_file(tmp_path / "nowhere.json", library)
    assert store.path.read_bytes() == before


def test_bookmark_values_are_frozen() -> None:
    bookmark = Bookmark("a#b", "B", "A", ("A", "B"))
    with pytest.raises(AttributeError):
        bookmark.note = "changed"  # type: ignore[misc]


def test_a_file_gone_since_the_library_was_read_costs_its_texts_not_a_crash(
        tmp_path: Path) -> None:
    from content.loading import CACHED_FROM
    from viewer.bookmarks import SectionTexts

    files = {f"p{n:02}.md": f"# Page {n}\n\nText {n}.\n" for n in range(max(CACHED_FROM, 5))}
    root = write_library(tmp_path / "lib", files)
    load_library(root)  # outlines cached: the next library reads text only when asked
    library = load_library(root)
    (root / "p03.md").unlink()
    texts = SectionTexts(library)
    assert texts.of(library.section("p03")) == ""
    assert texts.of(library.section("p04")) == "Text 4."
