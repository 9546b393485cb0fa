"""The Qt bindings we install must not corrupt reference counts.

PySide6 6.12.0 on Python 3.11 lost a reference to ``True`` on every signal
emit and to ``None`` on every call returning nothing, until the interpreter
aborted ("Fatal Python error: bool_dealloc"). pyproject.toml excludes it; this
test fails if a broken release is installed anyway.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QObject, QTimer, Signal
class Emitter(QObject):
    fired = Signal(int)
emitter = Emitter()
emitter.fired.connect(lambda value: None)
timer = QTimer()
true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(1000):
    emitter.fired.emit(1)
    timer.setInterval(5)
print(sys.getrefcount(True) - true_before, sys.getrefcount(None) - none_before)
"""


def test_signal_emits_and_void_calls_keep_reference_counts() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=60)
    true_drift, none_drift = (int(n) for n in result.stdout.split())
    # A few references may come and go with caches; a leak is one per call.
    assert abs(true_drift) < 50 and abs(none_drift) < 50, result.stdout
