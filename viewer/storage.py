"""Small JSON files in the user's data directory that survive crashes and share well.

Bookmarks and the reading state use the same rules:

- a write is atomic (:func:`atomic_write`): the old file stays whole until the
  new one is complete on disk, so a crash or a full disk never leaves half a file;
- a change is made under an exclusive lock (:func:`locked`) on a side file
  ``NAME.lock``, after reading the file again, so two windows or processes do not
  lose each other's changes; reading needs no lock, so a read-only data folder
  can still be read;
- a damaged file (empty, cut short, not JSON, nested too deeply, of the wrong
  type, a folder, unreadable) is kept as ``NAME.damaged-<UTC time>`` beside the
  new one (:func:`read_document`) and the reader is told in one line; one with
  some unusable values is kept the same way and rewritten with the rest
  (:func:`repair`). Nothing the reader made is ever silently emptied.

    >>> with locked(path):
    ...     document = read_document(path, kind="bookmarks", version=1, limit=2**20)
    ...     atomic_write(path, json.dumps({"format": "bookmarks", "version": 1}))
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from content.files import NOT_WRITABLE, NotAFile, read_file
from content.files import atomic_write as write_atomically

logger = logging.getLogger(__name__)

DAMAGED = "damaged"  # a damaged file NAME is kept as NAME.damaged-<UTC time>
# What a file that cannot be read is, rather than a passing failure of the disk:
# such a file is kept aside, as a damaged one is.
UNREADABLE = frozenset({errno.EACCES, errno.EPERM, errno.EISDIR, errno.ELOOP, errno.ENXIO})


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
        raise StorageError(f"cannot save {path}: {_why(error)}") from error


@contextlib.contextmanager
def locked(path: Path, *, reading: bool = False) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (on ``path.lock``) while the block runs.

    The lock is on a side file because the data file itself is replaced by every
    write, and a lock on a replaced file protects nothing. The lock is released
    by the operating system if the process dies. In a folder we cannot write
    (read-only, full, not ours) the lock file is locked as it is; if there is
    none, a block that is only ``reading`` runs unlocked (every write is a
    rename, so a reader sees a whole file either way) and a change raises
    StorageError, saying why.
    """
    lock_path = path.with_name(path.name + ".lock")
    lock_file: BinaryIO | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = open(lock_path, "a+b")  # noqa: SIM115 - closed below
    except OSError as error:
        lock_file = _lock_as_it_is(lock_path, error)
        if lock_file is None and not reading:
            raise StorageError(f"cannot save {path}: {_why(error)}") from error
    if lock_file is None:
        yield
        return
    try:
        _lock(lock_file)
        try:
            yield
        finally:
            _unlock(lock_file)
    finally:
        lock_file.close()


def _lock_as_it_is(lock_path: Path, error: OSError) -> BinaryIO | None:
    """The lock file opened for reading, when it cannot be opened to write; None if there
    is none. A locking error that is not about writing is the reader's to know."""
    if error.errno not in NOT_WRITABLE:
        raise StorageError(f"cannot lock {lock_path.with_suffix('')}: {_why(error)}") from error
    try:
        return open(lock_path, "rb")  # closed by locked()
    except OSError:
        return None


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


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def _kept_name(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.{DAMAGED}-{stamp}")
    count = 1
    while os.path.lexists(target):
        target = path.with_name(f"{path.name}.{DAMAGED}-{stamp}-{count}")
        count += 1
    return target


def move_aside(path: Path) -> Path:
    """Rename a damaged file (or folder) to ``NAME.damaged-<UTC time>``; return the new path."""
    target = _kept_name(path)
    try:
        os.replace(path, target)
    except OSError as error:
        raise StorageError(f"{path} is damaged and cannot be kept aside: {_why(error)}") \
            from error
    logger.info("kept damaged %s as %s", path, target)
    return target


def repair(path: Path, text: str, problems: Sequence[str], recovered: str) -> str:
    """Keep ``path`` aside as damaged and write ``text`` (what could be used of it) in its
    place; return the notice for the reader. Call it with :func:`locked` held.

    The damaged file is kept by a hard link, so that if the new one cannot be
    written (a full disk) everything is as it was, and StorageError says why.
    """
    target = _kept_name(path)
    try:
        os.link(path, target)
        linked = True
    except OSError:  # a file system without hard links: move it, and back on failure
        target, linked = move_aside(path), False
    try:
        atomic_write(path, text)
    except StorageError:
        with contextlib.suppress(OSError):
            if linked:
                target.unlink()
            else:
                os.replace(target, path)
        raise
    logger.info("kept damaged %s as %s and rewrote it", path, target)
    return f"{path.name} was partly damaged ({_first(problems)}); it was kept as " \
           f"{target.name}; {recovered}"


def _first(problems: Sequence[str]) -> str:
    more = len(problems) - 1
    return problems[0] + (f", and {more} more" if more > 0 else "")


def read_document(path: Path, *, kind: str, version: int, limit: int) -> Document:
    """The JSON object in ``path``; call it with :func:`locked` held.

    The file must be an object with ``"format": kind`` and an integer
    ``"version"``, and at most ``limit`` bytes. A missing file is an empty
    document. A damaged one is moved aside and the returned notice says where
    it went. A file from a newer version raises :class:`NewerFormat`: it is not
    ours to change. A read that fails for another reason (the disk) raises
    StorageError, and nothing is moved.
    """
    try:
        raw = read_file(path, limit)
    except FileNotFoundError:
        return Document({})
    except NotAFile as error:
        problem = error.strerror
    except OSError as error:
        if error.errno not in UNREADABLE:
            raise StorageError(f"cannot read {path}: {_why(error)}") from error
        problem = "it is a folder" if error.errno == errno.EISDIR else _why(error)
    else:
        body, problem = _parse(raw, kind, version, limit)
        if problem is None and body["version"] > version:
            raise NewerFormat(f"{path} has format version {body['version']}, newer than this "
                              f"viewer's ({version}); it is left unchanged")
        if problem is None:
            return Document(body)
    return Document({}, (damaged_notice(path, move_aside(path), problem),))


def _parse(raw: bytes, kind: str, version: int, limit: int) -> tuple[Any, str | None]:
    """The document in ``raw`` and None, or what is wrong with it."""
    if len(raw) > limit:
        return None, f"it is bigger than {limit // 2**20} MB"
    if not raw.strip():
        return None, "it is empty"
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    except json.JSONDecodeError as error:
        return None, f"it is not valid JSON: {error.msg}, line {error.lineno}"
    except ValueError:  # a number of thousands of digits
        return None, "it is not valid JSON: a number is too long"
    except RecursionError:
        return None, "it is nested too deeply"
    if not isinstance(body, dict):
        return None, "it is not a JSON object"
    if body.get("format") != kind:
        return None, f"it is not a {kind} file"
    number = body.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        return None, "it has no format version"
    return body, None


def damaged_notice(path: Path, kept: Path, problem: str) -> str:
    return f"{path.name} could not be read ({problem}); it was kept as {kept.name}"
