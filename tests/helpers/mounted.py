"""Run commands on a full or read-only home, inside a private mount namespace.

``python -m tests.helpers.mounted REQUEST`` is what
:func:`tests.helpers.limits.in_mount_namespace` runs under ``unshare --mount``:
the mounts it makes vanish with the process, whatever happens to the test.
REQUEST is JSON: ``home`` (a folder whose files are copied onto the new mount,
or bound read-only onto itself), ``how`` (``"full"`` or ``"read-only"``),
``size`` (of the tmpfs, in bytes), ``commands`` (argv lists, run in turn with
ENCYCLOPEDIA_HOME set to the home) and ``out`` (where the home's files are
copied afterwards, the filler left out). Prints a JSON list of each command's
``returncode``, ``stdout`` and ``stderr``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FILLER = ".filler"


def fill(folder: Path) -> None:
    """Write until the file system is full (ENOSPC)."""
    block = b"\0" * 4096
    with open(folder / FILLER, "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(block)
        except OSError:
            pass
        try:  # and the last few bytes a smaller write still fits
            while True:
                filler.write(b"\0")
        except OSError:
            pass


def main() -> int:
    request = json.loads(sys.argv[1])
    home, out = Path(request["home"]), Path(request["out"])
    if request["how"] == "full":
        seed = Path(tempfile.mkdtemp())
        shutil.copytree(home, seed, dirs_exist_ok=True, symlinks=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={request['size']}", "tmpfs",
                        str(home)], check=True)
        shutil.copytree(seed, home, dirs_exist_ok=True, symlinks=True)
        shutil.rmtree(seed)
        fill(home)
    else:
        subprocess.run(["mount", "--bind", str(home), str(home)], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(home)], check=True)
    env = {**os.environ, "ENCYCLOPEDIA_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    runs = []
    for command in request["commands"]:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        runs.append({"returncode": result.returncode, "stdout": result.stdout,
                     "stderr": result.stderr})
    shutil.copytree(home, out, symlinks=True, ignore=shutil.ignore_patterns(FILLER))
    print(json.dumps(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
