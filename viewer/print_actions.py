"""File > Print (Ctrl+P) and File > Export PDF…: the dialogs and the background job.

The page is laid out and drawn in a worker thread (QPainter may paint on a
printer or a PDF writer off the UI thread), so a long article never freezes
the window; ``finished`` reports the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThreadPool, Signal
from PySide6.QtGui import QPagedPaintDevice
from PySide6.QtWidgets import QDialog, QFileDialog

from content import Library

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from viewer.mainwindow import MainWindow


class _Signals(QObject):
    done = Signal(str, str)  # what was printed (a path or "the printer"), error ("" = none)


class PrintJob(QRunnable):
    """Lay out a section (a slug: the article) and print it to a PDF file or a printer."""

    def __init__(self, library: Library, section_id: str, target: Path | QPrinter) -> None:
        super().__init__()
        self.signals = _Signals()
        self._library = library
        self._section_id = section_id
        self._target = target

    def run(self) -> None:
        from viewer.printing import PrintError, print_document, write_pdf

        target = self._target
        where = str(target) if isinstance(target, Path) else "the printer"
        try:
            document = print_document(self._library, self._section_id)
            if isinstance(target, Path):
                write_pdf(document, target)
            else:
                assert isinstance(target, QPagedPaintDevice)
                document.print_(target)
        except PrintError as error:
            self.signals.done.emit(where, str(error))
        except Exception as error:  # a worker must always report back
            self.signals.done.emit(where, f"printing failed: {error}")
        else:
            self.signals.done.emit(where, "")


class Printing(QObject):
    finished = Signal(str, str)  # where (a PDF path or "the printer"), error ("" = success)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._running: set[PrintJob] = set()
        self._printer: QPrinter | None = None
        self.dialog: QFileDialog | None = None  # the open Export PDF dialog, if any

    def print_article(self) -> None:
        if self._window.article is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if self._printer is None:  # kept, so the dialog remembers the reader's choices
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setDocName(self._window.article.title)
        dialog = QPrintDialog(self._printer, self._window)
        dialog.setObjectName("printDialog")
        dialog.setWindowTitle("Print")
        slug = self._window.article.slug
        dialog.accepted.connect(lambda: self._start(slug, self._printer))
        dialog.finished.connect(dialog.deleteLater)
        QDialog.open(dialog)  # window-modal, returns at once (PySide hides the plain overload)

    def export_pdf(self) -> None:
        article = self._window.article
        if article is None:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        name = article.slug.rsplit("/", 1)[-1] + ".pdf"
        dialog = QFileDialog(self._window, "Export PDF", str(Path(folder) / name),
                             "PDF files (*.pdf)")
        dialog.setObjectName("exportPdfDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda path: self._start(article.slug, Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _start(self, section_id: str, target: Path | QPrinter | None) -> None:
        if target is None:
            return
        job = PrintJob(self._window.library, section_id, target)
        job.setAutoDelete(False)
        self._running.add(job)
        job.signals.done.connect(lambda where, error: self._done(job, where, error))
        what = "Saving PDF…" if isinstance(target, Path) else "Printing…"
        self._window.statusBar().showMessage(what)
        QThreadPool.globalInstance().start(job)

    def _done(self, job: PrintJob, where: str, error: str) -> None:
        self._running.discard(job)
        if error:
            self._window.statusBar().showMessage(error, 10000)
        elif where == "the printer":
            self._window.statusBar().showMessage("Sent to the printer", 5000)
        else:
            self._window.statusBar().showMessage(f"Saved {where}", 5000)
        self.finished.emit(where, error)
