"""A plain folder of Markdown as a table of contents: the folder tree itself.

As a file browser or GitHub shows it: a folder's row is titled by its
``index.md`` or ``README.md`` (else by the folder's name), and shows that
page; within a folder, that page comes first, then the folders, then the
files, each in natural order (``ch2`` before ``ch10``). MkDocs, with no
``nav:``, lists the files before the folders: ``files_first``.

    >>> [e.title for e in folder_contents(["linux/cal", "common/tar", "README"], str.upper)]
    ['README', 'common', 'linux']
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from content.contents import CHAPTER, FOLDER, Entry, natural_key

INDEX_NAMES = ("index", "readme")  # in this order of preference, any case


class _Folder:
    def __init__(self) -> None:
        self.files: dict[str, str] = {}  # name -> slug
        self.folders: dict[str, _Folder] = {}


def folder_contents(slugs: Iterable[str], title_of: Callable[[str], str], *,
                    files_first: bool = False,
                    folder_title: Callable[[str], str] = lambda name: name) -> tuple[Entry, ...]:
    """The folder tree of these pages (slugs are paths below the root, with ``/``)."""
    root = _Folder()
    for slug in slugs:
        folder = root
        *parents, name = slug.split("/")
        for part in parents:
            folder = folder.folders.setdefault(part, _Folder())
        folder.files[name] = slug
    index, children = _entries(root, title_of, files_first, folder_title)
    return ((Entry(title_of(index), index),) if index else ()) + children


def index_page(names: Iterable[str]) -> str | None:
    """Which of a folder's page names is its index page, if any."""
    by_stem = {posixpath.splitext(name)[0].lower(): name for name in names}
    for wanted in INDEX_NAMES:
        if wanted in by_stem:
            return by_stem[wanted]
    return None


def _entries(folder: _Folder, title_of: Callable[[str], str], files_first: bool,
             folder_title: Callable[[str], str]) -> tuple[str | None, tuple[Entry, ...]]:
    """The folder's index page (its slug), and the rows below it."""
    index_name = index_page(folder.files)
    files = [Entry(title_of(slug), slug) for name, slug in
             sorted(folder.files.items(), key=lambda item: natural_key(item[0]))
             if name != index_name]
    folders = []
    for name, sub in sorted(folder.folders.items(), key=lambda item: natural_key(item[0])):
        index, children = _entries(sub, title_of, files_first, folder_title)
        if index is not None:
            folders.append(Entry(title_of(index), index, children, CHAPTER))
        else:
            folders.append(Entry(folder_title(name), None, children, FOLDER))
    rows = (*files, *folders) if files_first else (*folders, *files)
    return (folder.files[index_name] if index_name else None), tuple(rows)
