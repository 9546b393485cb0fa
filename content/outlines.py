"""A big library's outlines, cached on disk, so that it opens without reading every file.

Before its first paint the window needs each article's title and headings, not
its text. For a library of ``CACHED_FROM`` files or more (a smaller one is read
whole: as fast, and always fresh), :func:`load_library` keeps what the outline
pass found in each file here, with the file's size, times and inode: a file
whose ``stat`` differs in any of them is read again. An article whose outline
came from here reads its file only when its text is wanted.

    >>> cache = OutlineCache(root)
    >>> article, warning = cache.read("notes/rivers", Path(".../notes/rivers.md"))
    >>> cache.save()          # only if something changed

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
from content.library import Article, article_from_outline, code_stamp, read_outline
from content.parse import Heading
from content.places import cache_dir, library_key

logger = logging.getLogger(__name__)

FORMAT = "encyclopedia-outlines"
VERSION = 1


class OutlineCache:
    """The outlines of one library's files, by slug."""

    def __init__(self, root: Path) -> None:
        self.path = cache_dir() / "outlines" / f"{library_key(root)}.json"
        self._known = self._load()
        self._now: dict[str, list[Any]] = {}  # this reading's entries: what save() writes
        self._changed = False

    def read(self, slug: str, file: Path) -> tuple[Article, str | None]:
        """The article in ``file``: from its cached outline if the file is unchanged,
        else read (and its outline kept). Raises OSError if it cannot be read."""
        info = os.stat(file)
        stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        entry = self._known.get(slug)
        if isinstance(entry, list) and entry and entry[0] == stamp:
            try:
                article = _article(slug, file, entry)
            except (TypeError, ValueError, IndexError, AttributeError):
                pass  # a damaged entry: read the file
            else:
                self._now[slug] = entry
                return article, entry[4]
        found, digest, warning = read_outline(file)
        self._now[slug] = [stamp, digest, found.meta,
                           [[h.level, h.title, h.anchor, h.line] for h in found.headings], warning]
        self._changed = True
        # Not kept: a big library's text stays on disk until an article is opened.
        return article_from_outline(slug, file, found.meta, found.headings, digest, None), warning

    def save(self) -> None:
        """Write the outlines read, if any changed or a file went away."""
        if not self._changed and self._now.keys() == self._known.keys():
            return
        document = {"format": FORMAT, "version": VERSION, "parser": _parser_stamp(),
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
                or document.get("version") != VERSION or document.get("parser") != _parser_stamp():
            return {}
        files = document.get("files")
        return files if isinstance(files, dict) else {}


def _article(slug: str, file: Path, entry: list[Any]) -> Article:
    """An article from a cache entry; TypeError or ValueError if the entry is not one."""
    _, digest, meta, headings, warning = entry
    if not isinstance(digest, str) or not isinstance(meta, dict) \
            or not (warning is None or isinstance(warning, str)):
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
    return article_from_outline(slug, file, meta, found, digest, None)


def _parser_stamp() -> str:
    """Outlines from another version of the outline pass are not ours to reuse."""
    return code_stamp("parse.py")
