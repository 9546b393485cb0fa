"""No network, proved: a page full of remote references is shown, searched, printed and
written as a PDF without a single connection or name lookup.

Two watchers, because neither sees everything:

- In this process, an audit hook (:mod:`tests.helpers.audit`) sees every socket
  Python makes, every connection and every name lookup, in every thread, and
  refuses them, so even a bug sends nothing. It cannot see Qt's C++ code.
- The real command line runs under ``strace -f`` (:mod:`tests.helpers.syscalls`),
  which sees the system calls of every thread and child process, Qt's included:
  any socket that is not a local (AF_UNIX) one, any connect or send to an
  address that is not local, and any read of the resolver's files
  (``/etc/resolv.conf``, ``/etc/hosts``...) or talk with a resolving daemon
  (nscd, systemd-resolved) fails the test. Skipped, with the reason, where
  strace is missing or may not trace; the audit-hook half always runs.

Each watcher is first shown to catch a real attempt, so that a silent watcher
cannot pass for a quiet program.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import DATA
from tests.gui.conftest import OpenWindow
from tests.helpers.audit import NetworkRefused, watching
from tests.helpers.syscalls import strace_missing, traced
from viewer.cli import main as command_line
from viewer.print_actions import PrintJob

SLUG = "remote-references"
WORD = "remotesearchword"
WAIT = 20000  # ms


def _library(tmp_path: Path) -> Path:
    library = tmp_path / "lib"
    library.mkdir()
    for name in ("remote-references.md", "remote-references.svg"):
        (library / name).write_bytes((DATA / "hostile" / name).read_bytes())
    return library


def test_the_audit_hook_catches_a_connection_and_a_name_lookup() -> None:
    with watching() as seen:
        with pytest.raises(NetworkRefused):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        with pytest.raises(NetworkRefused):
            socket.getaddrinfo("localhost", 80)
    assert len(seen.network) == 2


def test_window_search_print_and_pdf_open_no_connection(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    library = _library(tmp_path)
    with watching() as seen:
        window = open_window(library)
        qtbot.waitUntil(lambda: WORD in window.view.toPlainText(), timeout=WAIT)
        # Search, as a reader types it, on the index the window builds.
        qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=WAIT)
        field = window.search.field
        field.setFocus()
        with qtbot.waitSignal(window.search.resultsShown, timeout=WAIT,
                              check_params_cb=lambda query: query == WORD):
            qtbot.keyClicks(field, WORD)
        assert window.search.panel.model.rowCount() == 1
        # Print (File › Print's job, to a printer that writes a PDF) and Export PDF.
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        done: list[tuple[str, str]] = []
        for target in (printer, tmp_path / "exported.pdf"):
            job = PrintJob(window.library, SLUG, target)
            job.signals.done.connect(lambda where, error: done.append((where, error)))
            job.run()
        # And the command line, in this process: search and pdf.
        assert command_line(["search", WORD, "--content", str(library), "--json"]) == 0
        assert command_line(["pdf", SLUG, "--content", str(library),
                             "-o", str(tmp_path / "command.pdf")]) == 0
    assert seen.network == []
    assert [error for _where, error in done] == ["", ""]
    assert json.loads(capsys.readouterr().out.split("\nwrote ")[0])["total"] == 1
    for name in ("printed.pdf", "exported.pdf", "command.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF-"), name
    # Every remote picture is a placeholder or left out; the page goes on.
    assert "[a remote picture: not loaded]" in window.view.toPlainText()
    assert load_library(library).article(SLUG).title == "Remote references"


needs_strace = pytest.mark.skipif(strace_missing() is not None, reason=str(strace_missing()))


@needs_strace
def test_strace_catches_a_connection_and_a_name_lookup(tmp_path: Path) -> None:
    qt_connects = ("from PySide6.QtCore import QCoreApplication\n"
                   "from PySide6.QtNetwork import QTcpSocket\n"
                   "app = QCoreApplication([])\nconnection = QTcpSocket()\n"
                   "connection.connectToHost('127.0.0.1', 9)\n"
                   "connection.waitForConnected(500)\n")
    for code in ("import socket; socket.socket().connect_ex(('127.0.0.1', 9))",
                 "import socket; socket.getaddrinfo('localhost', 80)",
                 qt_connects):  # C++ code: what the audit hook cannot see
        trace = traced([sys.executable, "-c", code], cwd=tmp_path, env=os.environ)
        assert trace.returncode == 0, trace.stderr
        assert trace.network, code


@needs_strace
@pytest.mark.parametrize("args", [
    ("index", "--rebuild"),
    ("search", WORD),
    ("toc",),
    ("pdf", SLUG, "-o", "out.pdf"),
    ("open", SLUG, "--search", WORD, "--screenshot", "shot.png"),
], ids=lambda args: args[0])
def test_the_real_commands_open_no_connection_at_the_system_call_level(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    library = _library(tmp_path)
    trace = traced([sys.executable, "-m", "viewer", *args, "--content", str(library)],
                   cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert trace.returncode == 0, trace.stderr
    assert trace.opened, "the trace saw nothing at all"
    assert trace.network == (), "\n".join(trace.network)
    if args[0] in ("pdf", "open"):
        out = tmp_path / args[-1]
        assert out.stat().st_size > 0
