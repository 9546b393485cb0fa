"""``encyclopedia import``: a plain-text article to Markdown.

Reads FILE.txt, converts it with :func:`content.textimport.text_to_markdown`
and writes the Markdown to ``-o OUT.md`` or standard output. Text that is not
valid UTF-8 is still converted, with replacement characters and a warning, as
the library does when it reads such an article: losing one character beats
refusing a whole article. No Qt here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from content.textimport import text_to_markdown
from viewer.cli import CommandError

logger = logging.getLogger(__name__)

# Notepad's "Unicode" is UTF-16 with a byte-order mark; both orders are easy to read.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text(path: Path) -> str:
    """The text of ``path``; a warning on stderr if it needed repair to be read."""
    if not path.exists():
        raise CommandError(f"no such file: {path}")
    if path.is_dir():
        raise CommandError(f"{path} is a folder; give a plain-text file")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not really UTF-16 after all: treat it like any other bytes
    # Text files do not hold NUL bytes; images, PDFs and word-processor files do.
    if b"\x00" in raw:
        raise CommandError(f"{path} looks like a binary file, not plain text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        print(f"encyclopedia: warning: {path} is not valid UTF-8 (byte {error.start}); "
              "converted with replacement characters", file=sys.stderr)
        return raw.decode("utf-8-sig", errors="replace")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the whole new one."""
    if path.is_dir():
        raise CommandError(f"{path} is a folder; give the name of the .md file to write")
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"no such folder: {folder}")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise CommandError(f"cannot write to {folder}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    source: Path = args.file
    output: Path | None = args.output
    text = read_text(source)
    markdown = text_to_markdown(text)
    if not markdown:
        raise CommandError(f"{source} has no text to import (it is empty or blank)")
    if output is None:
        # Bytes, so the Markdown is UTF-8 whatever the terminal's locale says.
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:
            sys.stdout.write(markdown)
        else:
            sys.stdout.flush()
            binary.write(markdown.encode("utf-8"))
            binary.flush()
        return 0
    if output.exists() and output.resolve() == source.resolve():
        raise CommandError(f"{output} is the input file; choose another output name")
    write_atomically(output, markdown)
    logger.info("wrote %s", output)
    return 0
