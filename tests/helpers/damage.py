"""The user's files, each damaged in every way a crash, a disk or another program can.

``FILES`` are the files the app reads from the user's folders: ``bookmarks``
(``data/bookmarks.json``), ``state`` (``data/state.json``), ``index`` (the
index's record of what it holds, ``cache/indexes/KEY/state.json``) and
``index-toc`` (Whoosh's table of contents beside it). :func:`prepare` makes a
good one, as the app would have; :func:`damage` then damages it one of the
``DAMAGES`` ways. Small damaged inputs come from ``tests/data/hostile/``; the
index's are made from its real record, whose format changes with the code.
"""

from __future__ import annotations

import json
from pathlib import Path

from content import BUILTIN_ARTICLES, load_library
from index.build import STATE, WHOOSH_DIR, index_dir, update_index
from viewer.bookmarks import BookmarkStore
from viewer.state import Place, StateFile, library_key

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
FILES = ("bookmarks", "state", "index", "index-toc")
DAMAGES = ("empty", "truncated", "nested", "wrong-type", "numbers", "folder", "unreadable")
# A binary table of contents cannot be nested or hold JSON numbers.
CASES = [(file, how) for file in FILES for how in DAMAGES
         if file != "index-toc" or how in ("empty", "truncated", "folder", "unreadable")]
PLACE = Place("seven-thousand-cadres-conference#conclusion", 120.0)
BOOKMARKED = "seven-thousand-cadres-conference#legacy-and-reforms"


def prepare(file: str) -> Path:
    """A good file of that kind in ENCYCLOPEDIA_HOME, made as the app makes it; its path."""
    library = load_library(BUILTIN_ARTICLES)
    if file == "bookmarks":
        store = BookmarkStore()
        store.add(library, BOOKMARKED)
        return store.path
    if file == "state":
        state = StateFile()
        state.save_position(library.root, PLACE)
        state.save_theme("dark")
        return state.path
    update_index(library)
    folder = index_dir(library.root)
    if file == "index":
        return folder / STATE
    (toc,) = (folder / WHOOSH_DIR).glob("_MAIN_*.toc")
    return toc


def damage(path: Path, how: str, file: str) -> bytes | None:
    """Damage the file at ``path``; return the bytes it now holds (None for a folder)."""
    if how == "folder":
        path.unlink()
        path.mkdir()
        (path / "note.txt").write_text("a folder where a file should be\n")
        return None
    if how == "unreadable":
        path.chmod(0)
        return None
    data = _damaged_bytes(path, how, file)
    path.write_bytes(data)
    return data


def _damaged_bytes(path: Path, how: str, file: str) -> bytes:
    if how == "truncated" and file in ("index", "index-toc"):
        good = path.read_bytes()
        return good[: len(good) // 2]
    if how == "numbers" and file == "index":
        record = json.loads(path.read_text(encoding="utf-8"))
        record["documents"] = 1e308
        record["files"] = {name: -1 for name in record["files"]}
        return json.dumps(record).encode()
    if how in ("truncated", "numbers"):
        text = (HOSTILE / f"{file}-{how}.json").read_text(encoding="utf-8")
        return text.replace("@LIBRARY@", library_key(BUILTIN_ARTICLES)).encode()
    return (HOSTILE / f"{how}.json").read_bytes()


def kept(path: Path) -> list[Path]:
    """What the app kept of a damaged file: NAME.damaged-<time> beside it."""
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))
