"""``encyclopedia bookmarks``: list, add, remove, export and import section bookmarks.

``list --json`` prints a stable shape (documented in the README)::

    [{"id": "slug#anchor", "title": "Heading", "article": "Article title",
      "path": "Article title / Heading", "folder": "", "note": "",
      "created": "2024-05-01T10:00:00+00:00", "missing": false}]

where ``path`` is the heading trail joined by ``" \u203a "`` (a single
right-pointing angle quote, shown as ``/`` above).
``missing`` is computed against the library of ``--content`` (default: the
built-in articles), after bookmarks whose section moved have been re-anchored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from content import BUILTIN_ARTICLES, Library, load_library
from viewer.bookmarks import (
    Bookmark,
    BookmarkError,
    BookmarkStore,
    StorageError,
    export_format,
)
from viewer.cli import CommandError


def bookmark_summary(bookmark: Bookmark) -> dict[str, Any]:
    return {"id": bookmark.id, "title": bookmark.title, "article": bookmark.article,
            "path": bookmark.trail, "folder": bookmark.folder, "note": bookmark.note,
            "created": bookmark.created, "missing": bookmark.missing}


def _library(args: argparse.Namespace) -> Library:
    return load_library(args.content if args.content is not None else BUILTIN_ARTICLES)


def list_bookmarks(store: BookmarkStore, args: argparse.Namespace) -> int:
    bookmarks = store.resolve(_library(args))
    if args.json:
        print(json.dumps([bookmark_summary(b) for b in bookmarks], ensure_ascii=False, indent=2))
        return 0
    if not bookmarks and not store.folders:
        print("No bookmarks.")
        return 0
    for folder in ("", *store.folders):
        inside = [b for b in bookmarks if b.folder == folder]
        indent = "  " if folder else ""
        if folder:
            print(f"{folder}/")
            if not inside:
                print("  (empty)")
        for bookmark in inside:
            flag = "  (missing)" if bookmark.missing else ""
            print(f"{indent}{bookmark.label}  [{bookmark.id}]{flag}")
            print(f"{indent}    {bookmark.trail}")
            if bookmark.note:
                print(f"{indent}    note: {' '.join(bookmark.note.split())}")
    return 0


def add(store: BookmarkStore, args: argparse.Namespace) -> int:
    bookmark = store.add(_library(args), args.id, folder=args.folder, note=args.note)
    where = f" in {bookmark.folder}" if bookmark.folder else ""
    print(f"Bookmarked {bookmark.trail}  [{bookmark.id}]{where}")
    return 0


def remove(store: BookmarkStore, args: argparse.Namespace) -> int:
    removed = store.remove(args.id)
    if not removed:
        # A bare slug names the article's lead, whose id may be slug#title-anchor.
        library = _library(args)
        if args.id in library:
            removed = store.remove(library.section(args.id).id)
    if not removed:
        raise CommandError(f"no bookmark on {args.id!r} (see: encyclopedia bookmarks list)")
    print(f"Removed the bookmark on {args.id}")
    return 0


def export(store: BookmarkStore, args: argparse.Namespace) -> int:
    count = store.export(args.file, args.format)
    noun = "bookmark" if count == 1 else "bookmarks"
    print(f"Exported {count} {noun} to {args.file} ({export_format(args.file, args.format)})")
    return 0


def import_bookmarks(store: BookmarkStore, args: argparse.Namespace) -> int:
    report = store.import_file(args.file, _library(args))
    print(f"Imported {report.added} bookmarks from {args.file}"
          + (f"; {report.present} were already there" if report.present else ""))
    for reason in report.skipped:
        print(f"encyclopedia: skipped {reason}", file=sys.stderr)
    return 0


ACTIONS: dict[str, Callable[[BookmarkStore, argparse.Namespace], int]] = {
    "list": list_bookmarks, "add": add, "remove": remove, "export": export,
    "import": import_bookmarks,
}


def run(args: argparse.Namespace) -> int:
    try:
        store = BookmarkStore()
        try:
            return ACTIONS[args.action](store, args)
        finally:
            for notice in store.take_notices():
                print(f"encyclopedia: {notice}", file=sys.stderr)
    except (BookmarkError, StorageError) as error:
        raise CommandError(str(error)) from error
