"""An SVG in the library that names files outside it: none is read, in the window, in
print or in ``pdf``.

Qt's SVG renderer would read by itself every file an ``<image>``, a ``<use>``, a
stylesheet or ``@import`` names. The files it names here, beside the library,
are magenta, so three things prove they stay unread:

- no magenta pixel is drawn, on screen, on paper or in the screenshot the real
  command makes (always checked);
- the audit hook sees every file this process opens from Python (always);
- strace sees every file the real command opens, Qt's own C++ reads included,
  in every thread (where strace can run: skipped with the reason otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument, QTextImageFormat
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import DATA, write_library
from tests.gui.conftest import OpenWindow
from tests.helpers.audit import watching
from tests.helpers.outside import SECRET_WORDS, library_with_links
from tests.helpers.syscalls import strace_missing, traced
from viewer.images import is_placeholder
from viewer.printing import print_document, write_pdf

HOSTILE = DATA / "hostile"
MAGENTA, GREEN, BLUE = "#ff00ff", "#00ff00", "#0000ff"
PAGE = ("# Pictures\n\nA picture that names files outside: "
        "![references](img/outside-references.svg)\n\n"
        "One that declares entities: ![entities](img/outside-entity.svg)\n\n"
        "Text after the pictures.\n")


def _solid(path: Path, colour: str, size: int = 20) -> None:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))


def _library(tmp_path: Path) -> tuple[Path, Path]:
    """The library and the folder beside it, ``outside``, whose files are all magenta."""
    outside = write_library(tmp_path / "outside", {
        "evil.css": "rect, circle, * { fill: #ff00ff !important; }\n",
        "other.svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<rect id="r" width="10" height="10" fill="#ff00ff"/></svg>'),
        "secret.txt": "zebracorn\n", "script.js": "document.title = 'ran';\n"})
    _solid(outside / "secret.png", MAGENTA)
    library = write_library(tmp_path / "lib", {"a.md": PAGE})
    (library / "img").mkdir()
    for name in ("outside-references.svg", "outside-entity.svg", "outside-nested.svg"):
        text = (HOSTILE / name).read_text(encoding="utf-8")
        (library / "img" / name).write_text(text.replace("@OUTSIDE@", str(outside)),
                                            encoding="utf-8")
    _solid(library / "img" / "inside.png", BLUE)
    (library / "img" / "linked-outside.png").symlink_to("../../outside/secret.png")
    return library, outside


def _colours(image: QImage, step: int = 1) -> set[str]:
    return {image.pixelColor(QPoint(x, y)).name()
            for x in range(0, image.width(), step) for y in range(0, image.height(), step)}


def _page_image(document: QTextDocument, name: str) -> QImage:
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isImageFormat() and QTextImageFormat(fmt).name() == name:
                found = document.resource(QTextDocument.ResourceType.ImageResource.value,
                                          QUrl(name))
                assert isinstance(found, QImage)
                return found
            iterator += 1
        block = block.next()
    raise AssertionError(f"no image {name} in the page")


def test_the_window_draws_the_svg_without_reading_a_file_outside(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library, outside = _library(tmp_path)
    with watching() as seen:
        window = open_window(library)
        qtbot.waitUntil(lambda: "Text after the pictures." in window.view.toPlainText())
        shot = window.view.viewport().grab().toImage()
    picture = _page_image(window.view.document(), "img/outside-references.svg")
    assert not is_placeholder(picture)
    colours = _colours(picture)
    assert GREEN in colours and BLUE in colours  # its own shapes, and the picture inside
    assert MAGENTA not in colours
    assert MAGENTA not in _colours(shot, 2) and GREEN in _colours(shot, 2)
    # Entities are refused: a placeholder, and the page goes on.
    assert is_placeholder(_page_image(window.view.document(), "img/outside-entity.svg"))
    assert seen.files_under(outside) == []
    assert seen.files_under(library / "img" / "inside.png")  # the hook did see the reads


def test_print_and_pdf_draw_the_svg_without_reading_a_file_outside(
        qtbot: QtBot, tmp_path: Path) -> None:
    library, outside = _library(tmp_path)
    with watching() as seen:
        document = print_document(load_library(library), "a")
        page = QImage(900, 1200, QImage.Format.Format_RGB32)
        page.fill(QColor("white"))
        painter = QPainter(page)
        document.drawContents(painter)
        painter.end()
        write_pdf(document, tmp_path / "a.pdf")
    colours = _colours(page.scaled(450, 600))
    assert GREEN in colours and MAGENTA not in colours
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
    assert seen.files_under(outside) == []


def _command(tmp_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "viewer", *args]


@pytest.mark.skipif(strace_missing() is not None, reason=str(strace_missing()))
@pytest.mark.parametrize("command", ["pdf", "open"])
def test_the_real_commands_open_no_file_outside_at_the_system_call_level(
        qapp: object, tmp_path: Path, command: str) -> None:
    library, outside = _library(tmp_path)
    out = tmp_path / ("a.pdf" if command == "pdf" else "shot.png")
    args = (["pdf", "a", "-o", str(out)] if command == "pdf"
            else ["open", "a", "--screenshot", str(out)])
    trace = traced(_command(tmp_path, *args, "--content", str(library)), cwd=tmp_path,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert trace.returncode == 0, trace.stderr
    # The trace did see the files that were read: the library's own picture among them.
    assert str((library / "img" / "inside.png").resolve()) in trace.opened
    assert trace.files_under(outside) == []
    if command == "open":
        colours = _colours(QImage(str(out)), 2)
        assert GREEN in colours and MAGENTA not in colours


def test_the_screenshot_command_draws_nothing_from_outside(qapp: object, tmp_path: Path) -> None:
    library, _outside = _library(tmp_path)
    out = tmp_path / "shot.png"
    result = subprocess.run(
        _command(tmp_path, "open", "a", "--content", str(library), "--screenshot", str(out)),
        cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    colours = _colours(QImage(str(out)), 2)
    assert GREEN in colours and BLUE in colours and MAGENTA not in colours


def test_the_window_shows_and_finds_nothing_behind_a_link_out_of_the_library(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library, outside = library_with_links(tmp_path)
    with watching() as seen:
        window = open_window(library)
        qtbot.waitUntil(lambda: window.search.searcher is not None, timeout=20000)
        rows = []
        for n in range(window.tree.topLevelItemCount()):
            item = window.tree.topLevelItem(n)
            rows += [item.text(0), *(item.child(c).text(0) for c in range(item.childCount()))]
        for word in SECRET_WORDS:
            assert window.search.searcher.search(word).total == 0, word
        window.navigate("sub/page")
        text = window.view.toPlainText()
    assert set(rows) <= {"Home", "sub", "Page"}
    assert "sub text" in text and not any(word in text for word in SECRET_WORDS)
    assert seen.files_under(outside) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_or_a_huge_svg_as_a_picture_is_a_placeholder_at_once(
        qapp: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QUrl

    from viewer.images import page_image

    os.mkfifo(tmp_path / "pipe.png")  # reading it would wait for a writer forever
    (tmp_path / "huge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                       'width="100000" height="100000"/>', encoding="utf-8")
    for name in ("pipe.png", "huge.svg"):
        # In a thread of its own, so that a regression fails here rather than hanging.
        images: list[QImage] = []
        worker = threading.Thread(daemon=True, target=lambda name=name, images=images:
                                  images.append(page_image(
                                      QUrl.fromLocalFile(str(tmp_path / name)), tmp_path)))
        worker.start()
        worker.join(timeout=10)
        assert images and is_placeholder(images[0]), name


def test_an_svg_that_draws_itself_over_and_over_is_drawn_at_once(
        qapp: object, tmp_path: Path) -> None:
    import time

    from PySide6.QtCore import QUrl

    from viewer.images import page_image

    pictures = "".join('<image width="1" height="1" href="self.svg"/>' for _ in range(100))
    (tmp_path / "self.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="30">'
        f'<rect width="30" height="30" fill="#00ff00"/>{pictures}</svg>', encoding="utf-8")
    started = time.perf_counter()
    image = page_image(QUrl.fromLocalFile(str(tmp_path / "self.svg")), tmp_path)
    assert time.perf_counter() - started < 5  # 100 pictures, each of 100, each of 100: once
    assert not is_placeholder(image) and GREEN in _colours(image)
