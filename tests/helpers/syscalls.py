"""What a command does at the system-call level: the files it opens, the sockets it makes.

Runs the command under ``strace -f`` (every thread and child process), so that
what Qt's C++ code does by itself is seen too, which an audit hook in Python
cannot see. ``-y`` makes strace print the real path behind each file
descriptor, so a file reached through a link shows where it really is.

Needs strace and the right to trace (``ptrace``); :func:`strace_missing` says
why not when a test must be skipped.

    >>> trace = traced([sys.executable, "-m", "viewer", "toc"], cwd=tmp, env=env)
    >>> trace.files_under(outside), trace.network
    ([], [])
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Reading a file, making a socket or sending to an address; running a program.
TRACED = "trace=%network,open,openat,openat2,creat,execve,execveat"
_OPEN = re.compile(r'\b(open|openat|openat2|creat)\((?:(AT_FDCWD|\d+)(?:<([^>]*)>)?, )?"([^"]*)"'
                   r'(?:.*= (?:\d+<([^>]*)>|-1))?')
_SOCKET = re.compile(r"\bsocket\((AF_\w+)")
_ADDRESS = re.compile(r"\b(connect|sendto|sendmsg|sendmmsg|bind)\(.*?sa_family=(AF_\w+)"
                      r"(?:, sun_path=\"([^\"]*)\")?")
# Files read only to look a name up (glibc's resolver), and the local daemons that do it.
RESOLVER_FILES = ("/etc/resolv.conf", "/etc/hosts", "/etc/gai.conf", "/etc/host.conf")
RESOLVER_SOCKETS = ("nscd", "io.systemd.Resolve", "avahi")


@dataclass(frozen=True)
class Trace:
    returncode: int
    stdout: str
    stderr: str
    opened: tuple[str, ...]  # every path the command (or a child) tried to open, resolved
    network: tuple[str, ...]  # each system call that reached for the network, as traced
    local_sockets: tuple[str, ...]  # AF_UNIX addresses connected to (D-Bus...): allowed

    def files_under(self, folder: Path) -> list[str]:
        inside = os.path.realpath(folder)
        return [path for path in self.opened
                if path == inside or path.startswith(inside + os.sep)]


@cache
def strace_missing() -> str | None:
    """Why strace cannot be used here, or None if it can."""
    if shutil.which("strace") is None:
        return "strace is not installed (apt-get install strace): C-level calls not traced"
    try:
        probe = subprocess.run(["strace", "-f", "-qq", "-e", "trace=none", "true"],
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"strace does not run: {error}"
    if probe.returncode != 0:
        return f"strace cannot trace here (ptrace not allowed?): {probe.stderr.strip()[:200]}"
    return None


def traced(command: Sequence[str], cwd: Path, env: Mapping[str, str],
           timeout: float = 120) -> Trace:
    """Run ``command`` under strace and return what it opened and where it connected."""
    handle, name = tempfile.mkstemp(prefix=".strace-", suffix=".log", dir=cwd)
    os.close(handle)
    log = Path(name)
    result = subprocess.run(
        ["strace", "-f", "-qq", "-y", "-s", "512", "-e", TRACED, "-e", "signal=none",
         "-o", str(log), *command],
        cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout)
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    finally:
        log.unlink(missing_ok=True)
    opened: list[str] = []
    network: list[str] = []
    local: list[str] = []
    for line in lines:
        found = _OPEN.search(line)
        if found:
            _call, _dirfd, directory, path, real = found.groups()
            if real:
                opened.append(real)
            base = directory or str(cwd)
            opened.append(os.path.realpath(os.path.join(base, path)))
            if path in RESOLVER_FILES:
                network.append(line)
            continue
        socket_call = _SOCKET.search(line)
        if socket_call and socket_call.group(1) != "AF_UNIX":
            network.append(line)
            continue
        address = _ADDRESS.search(line)
        if address:
            _call, family, sun_path = address.groups()
            if family != "AF_UNIX" or any(name in (sun_path or "")
                                          for name in RESOLVER_SOCKETS):
                network.append(line)
            else:
                local.append(sun_path or "")
    return Trace(result.returncode, result.stdout, result.stderr, tuple(opened),
                 tuple(network), tuple(local))
