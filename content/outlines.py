"""A big library's outlines, cached on disk, so that it opens without reading every file.

Before its first paint the window needs each article's title and headings, not
its text. For a library of ``CACHED_FROM`` files or more (one file is read whole:
as fast, and always fresh), :func:`load_library` keeps what the outline pass
found in each file here (a file the fast pass is not sure of costs Python-Markdown's
own parser, about 150 ms for the first in a process), with the file's size, times and inode: a file
whose ``stat`` differs in any of them is read again. An article whose outline
came from here reads its file only when its text is wanted.

    >>> cache = OutlineCache(root)
    >>> article, warnings = cache.read("notes/rivers", Path(".../notes/rivers.md"))
    >>> cache.save()          # only if something changed

A page of an mdBook is made of other files too (its ``{{#include}}`` directives): their
``stat`` is kept with it, and a change to any of them reads the page again.

Like the page cache, this is only an optimisation: a cache file that cannot be
read, is damaged or was written by another version is ignored and written
anew; one that cannot be written means reading the files again next time.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from content.files import atomic_write
from content.flavour import PLAIN, Flavour
from content.library import Article, code_stamp
from content.loading import article_from_outline, read_outline
from content.parse import OUTLINE_FILES, Heading
from content.places import cache_dir, library_key

logger = logging.getLogger(__name__)

FORMAT = "encyclopedia-outlines"
VERSION = 3  # 2: several warnings; the stamps of included files; 3: the notice of a plain page


class OutlineCache:
    """The outlines of one library's files, by slug."""

    def __init__(self, root: Path, flavour: Flavour = PLAIN) -> None:
        self.path = cache_dir() / "outlines" / f"{library_key(root)}.json"
        # Outlines from another version of the outline pass, or read another way (an
        # mdBook's text is read as CommonMark, an MkDocs site's as Python-Markdown),
        # are not ours to reuse.
        self._stamp = f"{code_stamp(*OUTLINE_FILES)}:{flavour.key()}"
        self._known = self._load()
        self._now: dict[str, list[Any]] = {}  # this reading's entries: what save() writes
        self._changed = False

    def read(self, slug: str, file: Path, flavour: Flavour = PLAIN,
             book_root: Path | None = None) -> tuple[Article, tuple[str, ...]]:
        """The article in ``file``: from its cached outline if the file (and every file
        it includes) is unchanged, else read (and its outline kept). Raises OSError if
        it cannot be read."""
        stamp = _stamp(file)
        entry = self._known.get(slug)
        if isinstance(entry, list) and len(entry) == 7 and entry[0] == stamp \
                and _unchanged(entry[5]):
            try:
                article = _article(slug, file, entry, flavour, book_root)
            except (TypeError, ValueError, IndexError, AttributeError):
                pass  # a damaged entry: read the file
            else:
                self._now[slug] = entry
                article.includes = tuple(Path(path) for path, _ in entry[5])
                return article, tuple(entry[4])
        found, source = read_outline(file, flavour, book_root)
        included = [[str(path), _stamp(path)] for path in source.files]
        self._now[slug] = [stamp, source.fingerprint, found.meta,
                           [[h.level, h.title, h.anchor, h.line] for h in found.headings],
                           list(source.warnings), included, found.notice]
        self._changed = True
        # Not kept: a big library's text stays on disk until an article is opened.
        article = article_from_outline(slug, file, found.meta, found.headings,
                                       source.fingerprint, None, flavour, book_root, found.notice)
        article.includes = source.files
        return article, source.warnings

    def save(self) -> None:
        """Write the outlines read, if any changed or a file went away."""
        if not self._changed and self._now.keys() == self._known.keys():
            return
        document = {"format": FORMAT, "version": VERSION, "parser": self._stamp,
                    "files": self._now}
        try:
            atomic_write(self.path, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        except OSError as error:
            logger.info("outline cache not written: %s", error)
            return
        self._known, self._changed = self._now, False

    def _load(self) -> dict[str, list[Any]]:
        try:
            document = json.loads(self.path.read_bytes())
        except (OSError, ValueError):  # none yet, or damaged: every file is read
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT \
                or document.get("version") != VERSION or document.get("parser") != self._stamp:
            return {}
        files = document.get("files")
        return files if isinstance(files, dict) else {}


def _stamp(path: Path) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _unchanged(included: object) -> bool:
    """Whether every included file is as it was (a gone one is a change)."""
    if not isinstance(included, list):
        return False
    for item in included:
        try:
            path, stamp = item
            if _stamp(Path(path)) != stamp:
                return False
        except (OSError, TypeError, ValueError):
            return False
    return True


def _article(slug: str, file: Path, entry: list[Any], flavour: Flavour,
             book_root: Path | None) -> Article:
    """An article from a cache entry; TypeError or ValueError if the entry is not one."""
    _, digest, meta, headings, warnings, _, notice = entry
    if not isinstance(digest, str) or not isinstance(meta, dict) or not isinstance(notice, str) \
            or not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise ValueError("not an outline")
    for key, value in meta.items():
        if not isinstance(value, str) and not (
                isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise ValueError(f"front matter {key!r}")
    found = []
    for level, title, anchor, line in headings:
        if type(level) is not int or type(line) is not int \
                or not isinstance(title, str) or not isinstance(anchor, str):
            raise ValueError("not a heading")
        found.append(Heading(level, title, anchor, line))
    return article_from_outline(slug, file, meta, found, digest, None, flavour, book_root, notice)

