"""Print and PDF: File > Print, File > Export PDF and `encyclopedia pdf`, with real text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from content import load_library
from content.render import section_texts
from tests.gui.active_window import activate
from tests.gui.conftest import OpenWindow
from tests.pdf_text import pdf_text, squeezed

SLUG = "seven-thousand-cadres-conference"


def _check_pdf(path: Path, present: Sequence[str], absent: Sequence[str] = ()) -> int:
    """The PDF is valid, has pages and holds (or not) these texts; returns its pages."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages, text = pdf_text(data)
    assert pages >= 1
    for wanted in present:
        assert squeezed(wanted) in squeezed(text), wanted
    for unwanted in absent:
        assert squeezed(unwanted) not in squeezed(text), unwanted
    # Another reader agrees, where poppler is installed (the check above needs nothing).
    if shutil.which("pdftotext"):
        other = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
        for wanted in present:
            assert squeezed(wanted) in squeezed(other), wanted
    return pages


def _openings() -> dict[str, str]:
    """Each section's title -> the first words of its own text."""
    article = load_library().article(SLUG)
    texts = section_texts(article)
    return {s.title: texts[s.id][:60] for s in article.walk() if texts[s.id]}


def _pdf_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viewer", "pdf", *args],
                          capture_output=True, text=True, timeout=60)


def test_pdf_command_writes_a_whole_article_with_selectable_text(tmp_path: Path) -> None:
    out = tmp_path / "article.pdf"
    result = _pdf_command(SLUG, "-o", str(out))
    assert result.returncode == 0, result.stderr
    openings = _openings()
    pages = _check_pdf(out, [*openings, *openings.values()])
    assert pages >= 2


def test_pdf_command_writes_one_section_and_its_subsections(tmp_path: Path) -> None:
    out = tmp_path / "faq.pdf"
    result = _pdf_command(f"{SLUG}#frequently-asked-questions", "-o", str(out))
    assert result.returncode == 0, result.stderr
    openings = _openings()
    faq = [title for title in openings if title.startswith(("What were", "How did"))]
    assert len(faq) == 2
    _check_pdf(out, ["Frequently asked questions", *faq, *(openings[t] for t in faq)],
               absent=["Legacy and Reforms", openings["Conclusion"]])


def test_pdf_command_mistakes_are_one_line(tmp_path: Path) -> None:
    result = _pdf_command("no-such-article", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no-such-article" in result.stderr
    result = _pdf_command(f"{SLUG}#no-such-section", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    result = _pdf_command(SLUG, "-o", str(tmp_path / "missing" / "x.pdf"))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no half-written file anywhere


def test_export_pdf_from_the_file_menu(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(target=f"{SLUG}#legacy-and-reforms")
    window.appearance.set_theme("dark")  # paper stays white whatever the screen shows
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    printing = window.comfort.printing
    qtbot.waitUntil(lambda: printing.dialog is not None and printing.dialog.isVisible())
    dialog = printing.dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.selectedFiles()[0].endswith(f"{SLUG}.pdf")
    out = tmp_path / "exported.pdf"
    with qtbot.waitSignal(printing.finished, timeout=20000) as finished:
        dialog.selectFile(str(out))
        dialog.accept()
    assert finished.args == [str(out), ""]
    assert f"Saved {out}" in window.statusBar().currentMessage()
    openings = _openings()
    _check_pdf(out, [*openings, *openings.values()])


def test_ctrl_p_prints(qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    window = open_window()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    def print_dialog() -> QPrintDialog | None:
        found = QApplication.activeModalWidget()
        return found if isinstance(found, QPrintDialog) else None

    qtbot.waitUntil(lambda: print_dialog() is not None)
    dialog = print_dialog()
    assert dialog is not None
    # No printer here: the dialog's own "Print to File (PDF)" stands in for one.
    out = tmp_path / "printed.pdf"
    file_name = dialog.findChild(QLineEdit, "filename")
    assert file_name is not None and file_name.isVisible()
    file_name.setText(str(out))
    printer = dialog.printer()
    with qtbot.waitSignal(window.comfort.printing.finished, timeout=20000) as finished:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert finished.args == ["the printer", ""]
    assert printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
    _check_pdf(out, list(_openings())[:3])
