"""Text that a page takes from other files before it is read as Markdown.

mdBook's ``{{#include}}`` (:mod:`content.mdbook`) and MkDocs' snippets
(``--8<--``, :mod:`content.mkdocs`) both splice a file's lines into a page.
Both read only inside a root folder (the book's, the site's): a path that leaves
it, or a link that does, is "not found", never read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

NOT_FOUND = "include not found: {}"


class Expanded(NamedTuple):
    text: str
    files: tuple[Path, ...]  # what was read to make it: it changes when they do
    warnings: tuple[str, ...]


def read_inside(path: Path, root: Path) -> tuple[Path, str] | None:
    """The file at ``path`` and its text (plain newlines), if it is a regular file inside
    ``root`` (resolved, links followed) and can be read; else None."""
    try:
        target = path.resolve()
        target.relative_to(root)
        # Not blocking, and only a regular file: a named pipe or a device would hang.
        handle = os.open(target, os.O_RDONLY | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            with os.fdopen(handle, "rb", closefd=False) as file:
                raw = file.read()
        finally:
            os.close(handle)
    except (OSError, ValueError, RuntimeError):  # missing, outside, a loop of links
        return None
    text = raw.decode("utf-8", errors="replace")
    return target, text.replace("\r\n", "\n").replace("\r", "\n")


def lines_of(content: str) -> list[str]:
    """A file's lines, without the empty one after a final newline."""
    return content.split("\n")[:-1] if content.endswith("\n") else content.split("\n")
