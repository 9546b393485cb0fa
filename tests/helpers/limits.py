"""Real limits for tests of damaged files, full disks and read-only homes.

The tests run as root, and root reads and writes whatever the mode bits say (its
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH capabilities): ``chmod 000`` alone makes
nothing unreadable for it. So a test that makes a file unreadable, or a folder
read-only, with chmod also drops those two capabilities where the code under
test runs:

- :func:`child_limits` is a ``preexec_fn`` for a child process: it drops them
  from the bounding set, so that the program it runs as root lacks them, and can
  also cap the size of any file the child writes (``RLIMIT_FSIZE``: a write past
  it fails with EFBIG, SIGXFSZ being ignored);
- :func:`mode_bits_bite` drops them from this thread while a block runs, and so
  from the threads it starts (a window's workers), then gives them back.

Without root, both leave the capabilities alone: the bits bite already.

:func:`in_mount_namespace` runs commands in a private mount namespace with the
home mounted as a small tmpfs that is then filled up, or bound read-only: real
ENOSPC and EROFS, which vanish with the namespace (see ``tests/helpers/mounted.py``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24
CAPABILITY_VERSION_3 = 0x20080522
BYPASSING = (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH)
REPO = Path(__file__).resolve().parents[2]


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def is_root() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0


def child_limits(*, mode_bits: bool = False,
                 file_size: int | None = None) -> Callable[[], None] | None:
    """A ``preexec_fn``: mode bits that bite (as root too), and/or a cap on file sizes."""
    if not mode_bits and file_size is None:
        return None
    libc = _libc() if mode_bits and is_root() else None

    def limit() -> None:
        if libc is not None:
            for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
                if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not death
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (file_size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return limit


@contextlib.contextmanager
def mode_bits_bite() -> Iterator[None]:
    """While the block runs, this thread (and any thread it starts) obeys mode bits."""
    if not is_root():
        yield
        return
    libc = _libc()
    header, data = _Header(CAPABILITY_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    effective = data[0].effective
    data[0].effective = effective & ~BYPASSING
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    try:
        yield
    finally:
        data[0].effective = effective
        header = _Header(CAPABILITY_VERSION_3, 0)
        if libc.capset(ctypes.byref(header), data) != 0:
            raise OSError(ctypes.get_errno(), "capset")


@contextlib.contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """Writes in this process past ``size`` bytes fail with EFBIG while the block runs."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


def _can_mount() -> bool:
    if not is_root() or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


def in_mount_namespace(home: Path, how: str, commands: list[list[str]], out: Path,
                       size: int = 1 << 20, env: dict[str, str] | None = None,
                       ) -> list[dict[str, Any]]:
    """Run ``commands`` with ``home`` (its files copied in) on a filled ``tmpfs`` of
    ``size`` bytes (``how="full"``) or bound read-only (``how="read-only"``).

    Returns each command's ``returncode``, ``stdout`` and ``stderr``; what the home
    holds afterwards is copied to ``out``. Skips the test where mounting is not
    possible (not root, no ``unshare``).
    """
    if not _can_mount():
        pytest.skip("needs root and unshare to mount a small or read-only file system")
    request = {"home": str(home), "how": how, "commands": commands, "out": str(out),
               "size": size}
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", sys.executable,
         "-m", "tests.helpers.mounted", json.dumps(request)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    runs: list[dict[str, Any]] = json.loads(result.stdout)
    return runs
