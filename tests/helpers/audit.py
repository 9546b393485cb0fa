"""What this Python process opens and where it connects, seen by an audit hook (PEP 578).

An audit hook sees every file Python opens (``open``, ``os.open``, listing a
folder) and every socket Python makes, connects or looks a name up for, in
every thread. It does not see what C++ code does by itself: Qt's own file
reads and any connection it would make. :mod:`tests.helpers.syscalls` watches
those, from outside the process.

A hook cannot be removed, so one hook is installed once and does nothing
unless a ``watching()`` block is open.

    >>> with watching() as seen:
    ...     load_library(folder)
    >>> seen.files_under(outside), seen.network
    ([], [])
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "shutil.copyfile",
                         "os.symlink", "os.link"})
# Any of these is the process reaching for the network (a name lookup is one).
NETWORK_EVENTS = frozenset({
    "socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
    "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect",
    "smtplib.connect", "imaplib.open", "poplib.connect", "nntplib.connect", "telnetlib.Telnet.open",
    "webbrowser.open"})
LOCAL_FAMILIES = (socket.AF_UNIX,) if hasattr(socket, "AF_UNIX") else ()


class NetworkRefused(OSError):
    """Raised in the code that reached for the network while a watch is open: nothing
    leaves the machine even if the code under test has a bug."""


@dataclass
class Seen:
    files: list[str] = field(default_factory=list)  # paths opened or listed, as given
    network: list[str] = field(default_factory=list)  # each attempt, described

    def files_under(self, folder: Path) -> list[str]:
        """The files opened below ``folder`` (their links followed): none is wanted."""
        inside = os.path.realpath(folder)
        found = []
        for name in self.files:
            real = os.path.realpath(name)
            if real == inside or real.startswith(inside + os.sep):
                found.append(name)
        return found


_lock = threading.Lock()
_watches: list[Seen] = []
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _watches:
        return
    if event in FILE_EVENTS:
        path = args[0] if args else None
        if isinstance(path, (str, bytes, os.PathLike)):
            name = os.fsdecode(path)
            for seen in _watches:
                seen.files.append(name)
        return
    if event == "socket.__new__":
        family = args[1] if len(args) > 1 else None
        if family in LOCAL_FAMILIES:
            return
    elif event not in NETWORK_EVENTS:
        return
    if event == "socket.connect" and args and getattr(args[0], "family", None) in LOCAL_FAMILIES:
        return
    for seen in _watches:
        seen.network.append(f"{event}{args[1:]!r}")
    raise NetworkRefused(f"network access during a test: {event}")


@contextmanager
def watching() -> Iterator[Seen]:
    """Record the files this process opens and refuse (and record) any network access."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
    seen = Seen()
    _watches.append(seen)
    try:
        yield seen
    finally:
        _watches.remove(seen)
