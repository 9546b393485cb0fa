"""A library's table of contents: a tree of entries, the same for every kind of library.

Each kind of library has its own way of saying what comes first and what
belongs under what: an mdBook has ``SUMMARY.md`` (:mod:`content.mdbook`), an
MkDocs site its ``nav:`` (:mod:`content.mkdocs`), a plain folder its folder
tree (:mod:`content.folders`). Each turns that into the same tree of
:class:`Entry`, so the window, the command line and the index never ask which
kind a library is.

    >>> entry = Entry("Understanding Ownership", "ch04-00-understanding-ownership",
    ...               (Entry("What is Ownership?", "ch04-01-what-is-ownership"),))
    >>> [(e.title, trail) for e, trail in walk((entry,))]
    [('Understanding Ownership', ()), ('What is Ownership?', ('Understanding Ownership',))]
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import NamedTuple

# What a row is. A chapter shows an article; the others are only titles.
CHAPTER = "chapter"
PART = "part"  # an mdBook part title (``# Part`` in SUMMARY.md), or a nav section
FOLDER = "folder"  # a folder with no index page of its own
DRAFT = "draft"  # listed, but with no page: mdBook's ``[Title]()``, or a missing file
UNLISTED = "unlisted"  # the group of pages the table of contents leaves out
UNLISTED_TITLE = "Other pages"


class Entry(NamedTuple):
    """One row of the table of contents."""

    title: str
    slug: str | None = None  # the article this row shows; None for a title-only row
    children: tuple[Entry, ...] = ()
    kind: str = CHAPTER


def walk(entries: tuple[Entry, ...],
         trail: tuple[str, ...] = ()) -> Iterator[tuple[Entry, tuple[str, ...]]]:
    """Every entry in reading order, with the titles of the rows above it."""
    for entry in entries:
        yield entry, trail
        yield from walk(entry.children, (*trail, entry.title))


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts names as people count: ``ch2`` before ``ch10``, ``tailscale`` before
    ``tailscale-up``, case aside.

    >>> sorted(["ch10", "ch2", "Ch1"], key=natural_key)
    ['Ch1', 'ch2', 'ch10']
    """
    parts = _DIGITS.split(name.casefold())
    return tuple((0, int(part)) if i % 2 else (1, part) for i, part in enumerate(parts) if part)


def readable_name(stem: str) -> str:
    """A file or folder name as a title: ``what-is-ownership`` -> "What is ownership".

    Names written with capitals are kept as they are (``README`` stays).
    """
    words = " ".join(stem.replace("-", " ").replace("_", " ").split())
    if not words:
        return stem
    return words[0].upper() + words[1:] if words == words.lower() else words


def slug_of(relative: str) -> str:
    """A page's slug from its path below the library's root (with ``/``): the path
    without its suffix, unless that would leave a name of dots (``..md`` stays)."""
    stem, suffix = posixpath.splitext(relative)
    return stem if suffix and posixpath.basename(stem).strip(".") else relative
