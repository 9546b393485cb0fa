"""Small JSON files in the user's data directory that survive crashes and share well.

Bookmarks and the reading state use the same three rules:

- a write is atomic (:func:`atomic_write`): the old file stays whole until the
  new one is complete on disk, so a crash or a full disk never leaves half a file;
- a change is made under an exclusive lock (:func:`locked`) on a side file
  ``NAME.lock``, after reading the file again, so two windows or processes do not
  lose each other's changes;
- a file that cannot be read is moved aside as ``NAME.corrupt-<time>``
  (:func:`read_document`) and the reader is told; it is never silently emptied.

    >>> with locked(path):
    ...     document = read_document(path, kind="bookmarks", version=1)
    ...     atomic_write(path, json.dumps({"format": "bookmarks", "version": 1}))
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from content.files import atomic_write as write_atomically

logger = logging.getLogger(__name__)


class StorageError(Exception):
    """A file in the data directory cannot be read or written."""


class NewerFormat(StorageError):
    """The file was written by a newer version of the viewer; we leave it alone."""


class Document(NamedTuple):
    """What a versioned JSON file holds, and what the reader must be told about it."""

    body: dict[str, Any]  # empty when there is no file yet, or it was moved aside
    notices: tuple[str, ...] = ()


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (see :func:`content.files.atomic_write`).

    Raises StorageError with a message for the reader instead of an OSError.
    """
    try:
        write_atomically(path, text)
    except OSError as error:
        raise StorageError(f"cannot save {path}: {error.strerror or error}") from error


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (on ``path.lock``) while the block runs.

    The lock is on a side file because the data file itself is replaced by every
    write, and a lock on a replaced file protects nothing. The lock is released
    by the operating system if the process dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_file = open(lock_path, "a+b")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        raise StorageError(f"cannot lock {path}: {error.strerror or error}") from error
    try:
        _lock(lock_file)
        try:
            yield
        finally:
            _unlock(lock_file)
    finally:
        lock_file.close()


if sys.platform == "win32":
    import msvcrt

    def _lock(file: BinaryIO) -> None:
        file.seek(0)
        while True:
            try:
                msvcrt.locking(file.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after ten seconds; keep waiting
                continue

    def _unlock(file: BinaryIO) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(file: BinaryIO) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)

    def _unlock(file: BinaryIO) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def move_aside(path: Path) -> Path:
    """Rename an unreadable file to ``NAME.corrupt-<UTC time>`` and return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    count = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{count}")
        count += 1
    try:
        os.replace(path, target)
    except OSError as error:
        raise StorageError(f"{path} is unreadable and cannot be moved aside: "
                           f"{error.strerror or error}") from error
    logger.warning("moved unreadable %s to %s", path, target)
    return target


def read_document(path: Path, *, kind: str, version: int) -> Document:
    """The JSON object in ``path``; call it with :func:`locked` held.

    The file must be an object with ``"format": kind`` and an integer
    ``"version"``. A missing file is an empty document. A file that is not such
    an object is moved aside and the returned notice says where it went. A file
    from a newer version raises :class:`NewerFormat`: it is not ours to change.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Document({})
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from error
    problem = None
    body: Any = None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problem = f"not valid JSON ({error})"
    if problem is None:
        if not isinstance(body, dict):
            problem = "not a JSON object"
        elif body.get("format") != kind:
            problem = f"not a {kind} file"
        elif not isinstance(body.get("version"), int) or isinstance(body["version"], bool):
            problem = "it has no format version"
        elif body["version"] > version:
            raise NewerFormat(f"{path} has format version {body['version']}, newer than this "
                              f"viewer's ({version}); it is left unchanged")
    if problem is None:
        return Document(body)
    return Document({}, (corrupt_notice(path, move_aside(path), problem),))


def corrupt_notice(path: Path, moved_to: Path, problem: str) -> str:
    return f"{path.name} could not be read ({problem}); it was kept as {moved_to.name}"
