"""The start-up baseline: a bare QTextBrowser showing the same HTML, nothing else.

It notices its first paint the way the app's article view does, in paintEvent:
an event filter on the viewport would cost the baseline ~10 ms of PySide type
lookups (the viewport's own, and one per kind of event it sees), which would
flatter the ratio.
"""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTextBrowser


class Browser(QTextBrowser):
    first_paint_seen = False

    def paintEvent(self, event):  # the viewport's paints come here
        super().paintEvent(event)
        if not self.first_paint_seen:
            self.first_paint_seen = True
            QTimer.singleShot(0, report)


def report() -> None:
    print(f"painted {time.time():.6f} {peak_kb()}", flush=True)
    QApplication.quit()


def peak_kb() -> str:
    """This process's peak memory so far (Linux); "-" where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return "-"


app = QApplication(sys.argv[:1])
browser = Browser()
with open(sys.argv[1], encoding="utf-8") as page:
    browser.setHtml(page.read())
width, height = (int(n) for n in sys.argv[2].split("x"))
browser.resize(width, height)
browser.show()
app.exec()
