"""The start-up baseline: a bare QTextBrowser showing the same HTML, nothing else."""

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTextBrowser


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self.report)
            watched.removeEventFilter(self)
        return False

    def report(self) -> None:
        print(f"painted {time.time():.6f}", flush=True)
        QApplication.quit()


app = QApplication(sys.argv[:1])
browser = QTextBrowser()
with open(sys.argv[1], encoding="utf-8") as page:
    browser.setHtml(page.read())
width, height = (int(n) for n in sys.argv[2].split("x"))
browser.resize(width, height)
watcher = FirstPaint()
browser.viewport().installEventFilter(watcher)
browser.show()
app.exec()
