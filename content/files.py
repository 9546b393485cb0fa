"""Writing files so that a crash or a power cut never leaves half of one.

Shared by every layer that writes: the page cache, the search index's records,
the bookmarks and the reading state; and :func:`read_file` by those that read a
file the user or another program may have replaced with something else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

# Why a write fails when the folder cannot take it (read-only, not ours, full, over
# quota, over the file size limit), rather than because of what is being written.
NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EFBIG,
                          getattr(errno, "EDQUOT", errno.ENOSPC)})


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old file or the new, never half.

    The text goes to a temporary file in the same folder (``os.replace`` is only
    atomic within one file system), is flushed and fsynced, then renamed over the
    target; the folder is fsynced so the rename itself survives a power cut.
    Raises OSError, and leaves no temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:  # a KeyboardInterrupt too
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_path(path.parent)


def fsync_path(path: Path) -> None:
    """Flush a file or a folder to disk, as far as the platform allows (best effort)."""
    if sys.platform == "win32" and path.is_dir():  # folders cannot be opened for fsync there
        return
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on folders or read-only descriptors
    finally:
        os.close(descriptor)


class NotAFile(OSError):
    """The path is a folder, a pipe, a device or a socket: nothing to read as a file."""


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``; at most ``limit + 1`` of them if a
    limit is given, so that the caller can tell a file too big to be what it should.

    Unlike ``Path.read_bytes``, it never blocks on a named pipe and never reads a
    device for ever: anything but a regular file raises :class:`NotAFile`.
    Raises OSError (FileNotFoundError, PermissionError, ...) as ``open`` does.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
    except BaseException:
        os.close(descriptor)
        raise
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise NotAFile(errno.EINVAL, f"it is {what}", str(path))
    with os.fdopen(descriptor, "rb") as file:
        return file.read() if limit is None else file.read(limit + 1)
