"""Whoosh's parallel writer, with writer processes that never outlive their parent.

Whoosh's ``MpWriter`` forks writer processes that take job files off a queue.
When the process that started them dies without cancelling them (``kill -9``,
a crash, the OOM killer), they wait on that queue for ever; and since a forked
process shares its parent's open files, they go on holding the index's lock,
so that every later update of the library waits for them. Here each writer
process asks the kernel to kill it as soon as its parent dies (Linux's
``PR_SET_PDEATHSIG``); where that is not available, a watchdog thread polls
for the parent instead. A writer that is cancelled (an exception, Ctrl+C in
the parent) stops its processes and waits for them.

    >>> writer = parallel_writer(ix, procs=2, multisegment=True, limitmb=64)

Import this module only when such a writer is wanted: it imports Whoosh.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
PARENT_POLL = 0.2  # s, where the kernel cannot watch the parent for us
STOP_WAIT = 5.0  # s for a cancelled writer process to end before it is killed


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when ``parent`` does; call it first thing."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            asked = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            asked = False
        if asked:
            if os.getppid() != parent:  # it died before the kernel was asked to watch
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


class _BoundTask(SubWriterTask):  # type: ignore[misc]  # Whoosh is untyped
    """A writer process that dies with the process that started it."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parent = os.getpid()

    def run(self) -> None:
        die_with_parent(self.parent)
        # Ctrl+C on a terminal reaches the whole process group: the parent
        # cancels the build and stops us (no traceback from each of us).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        super().run()


class _BoundWriter(MpWriter):  # type: ignore[misc]
    def _new_task(self) -> _BoundTask:
        task = _BoundTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                          self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        # Whoosh's own cancel only flags its copy of each task object, which
        # the forked processes never see: they would wait on the queue for ever.
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
            for task in self.tasks:
                task.join(STOP_WAIT)
                if task.is_alive():
                    task.kill()
                    task.join()
        finally:
            super().cancel()


def parallel_writer(ix: Any, procs: int, **kwargs: Any) -> Any:
    """``ix.writer(procs=procs, **kwargs)``, with bound writer processes."""
    return _BoundWriter(ix, procs=procs, **kwargs)
