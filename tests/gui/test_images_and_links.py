"""Images from the library show; missing or outside ones become placeholders; links are safe."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument, QTextImageFormat
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, RecordingBrowser, click_text, text_at_top
from viewer.images import is_placeholder, page_image
from viewer.mainwindow import MainWindow

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
       '<rect width="60" height="30" fill="#00ff00"/></svg>')


def _picture_library(tmp_path: Path) -> Path:
    library = write_library(tmp_path / "lib", {
        "a.md": ("# Pictures\n\n![red](img/red.png) ![blue](img/blue.jpg) "
                 "![green](img/green.svg)\n\n![gone](img/gone.png) "
                 "![secret](../secret.png) <img src=\"file:///etc/hostname\" alt=\"host\">\n\n"
                 "Text after the pictures.\n"),
        "img/green.svg": SVG})
    for name, colour in (("red.png", "#ff0000"), ("blue.jpg", "#0000ff")):
        image = QImage(40, 30, QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        assert image.save(str(library / "img" / name))
    secret = QImage(40, 30, QImage.Format.Format_RGB32)
    secret.fill(QColor("#ff00ff"))
    assert secret.save(str(tmp_path / "secret.png"))
    return library


def _page_images(window: MainWindow) -> dict[str, QImage]:
    """Every image in the page by its name, as the page loaded it."""
    document = window.view.document()
    found: dict[str, QImage] = {}
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isImageFormat():
                name = QTextImageFormat(fmt).name()
                found[name] = document.resource(QTextDocument.ResourceType.ImageResource.value,
                                                QUrl(name))
            iterator += 1
        block = block.next()
    return found


def _colour_in(image: QImage) -> str:
    return image.pixelColor(QPoint(image.width() // 2, image.height() // 2)).name()


def test_png_jpeg_and_svg_images_show(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_picture_library(tmp_path))
    images = _page_images(window)
    assert _colour_in(images["img/red.png"]) == "#ff0000"
    assert abs(QColor(_colour_in(images["img/blue.jpg"])).blue() - 255) < 8  # JPEG is lossy
    assert _colour_in(images["img/green.svg"]) == "#00ff00"
    assert not any(is_placeholder(images[n]) for n in ("img/red.png", "img/blue.jpg",
                                                          "img/green.svg"))
    # And they are on the screen, not only in the document.
    shot = window.view.viewport().grab().toImage()
    colours = {shot.pixelColor(QPoint(x, y)).name()
               for x in range(0, shot.width(), 4) for y in range(0, min(shot.height(), 300), 4)}
    assert {"#ff0000", "#00ff00"} <= colours


def test_missing_and_outside_images_are_placeholders_and_the_page_renders(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(_picture_library(tmp_path))
    images = _page_images(window)
    assert is_placeholder(images["img/gone.png"])
    assert images["img/gone.png"].text("Description") == "gone.png: missing"
    # An image beside the library is never read, even by a relative path.
    outside = images["../secret.png"]
    assert is_placeholder(outside) and "outside the library" in outside.text("Description")
    # A file: URL never reaches the page at all.
    assert "host: not loaded" in window.view.toPlainText()
    assert "Text after the pictures." in window.view.toPlainText()


def test_the_page_never_loads_from_the_network(tmp_path: Path, qtbot: QtBot) -> None:
    for url in ("https://example.org/x.png", "http://example.org/x.png", "ftp://x/y.png"):
        assert is_placeholder(page_image(QUrl(url), tmp_path))
    (tmp_path / "lib").mkdir()
    assert is_placeholder(page_image(QUrl.fromLocalFile("/etc/hostname"), tmp_path / "lib"))




def test_links_land_on_sections_and_unsafe_links_are_refused(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib", {
        "a.md": ("# Alpha\n\n[to beta's depths](b.md#depths), "
                 "[a script](javascript:alert(1)), [a secret](../secret.md).\n"),
        "b.md": "# Beta\n\n" + "filler\n\n" * 40 + "## Depths\n\nDeep text.\n"})
    (tmp_path / "secret.md").write_text("# Secret\n")
    browser = RecordingBrowser()
    for scheme in ("https", "http", "file", "javascript"):
        QDesktopServices.setUrlHandler(scheme, browser, "open")
    try:
        window = open_window(library)
        with qtbot.waitSignal(window.navigated) as navigated:
            click_text(qtbot, window, "to beta's depths")
        assert navigated.args == ["b#depths"]
        assert text_at_top(window) == "Depths"

        window.navigate("a")
        # The script link lost its href when the page was made: a click does nothing.
        click_text(qtbot, window, "a script")
        assert window.current_id == "a#alpha"
        # A link out of the library is refused, and the reader is told why.
        click_text(qtbot, window, "a secret")
        assert window.current_id == "a#alpha"
        assert "outside the library" in window.statusBar().currentMessage()
        # Whatever reaches the window is checked again there.
        for url in ("javascript:alert(1)", "file:///etc/passwd", f"file://{tmp_path}/secret.md"):
            window.follow_link(QUrl(url))
            assert "Link not followed" in window.statusBar().currentMessage(), url
        qtbot.wait(50)
        assert browser.opened == [] and window.current_id == "a#alpha"
    finally:
        for scheme in ("https", "http", "file", "javascript"):
            QDesktopServices.unsetUrlHandler(scheme)


def test_images_on_the_page_shown_at_start_up_load_from_the_library(
        qtbot: QtBot, tmp_path: Path) -> None:
    # As `encyclopedia open` starts: the features come after the first paint.
    window = MainWindow(load_library(_picture_library(tmp_path)), defer_features=True)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.session.open_at("a")
    with qtbot.waitSignal(window.featuresInstalled):
        window.show()
    images = _page_images(window)
    assert not any(is_placeholder(images[name])
                   for name in ("img/red.png", "img/blue.jpg", "img/green.svg"))
    assert _colour_in(images["img/red.png"]) == "#ff0000"
    # Still only from the library: the image beside it stays out.
    assert is_placeholder(images["../secret.png"])


def _hover_text(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Rest the pointer on the first occurrence of ``text`` in the page."""
    view = window.view
    cursor = view.document().find(text)
    assert not cursor.isNull(), text
    cursor.setPosition(cursor.selectionStart() + 1)
    qtbot.mouseMove(view.viewport(), view.cursorRect(cursor).center())


def test_hovering_a_link_shows_where_it_leads_in_the_status_bar(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib", {
        "a.md": ("# Alpha\n\n[to beta's depths](b.md#depths), [beta's lead](b.md), "
                 "[the web](https://example.org/page?q=1), [a secret](../secret.md).\n\n"
                 "Plain text far from any link.\n"),
        "b.md": "# Beta\n\nIntro.\n\n## Depths\n\nDeep text.\n"})
    window = open_window(library)
    status = window.statusBar()
    qtbot.wait(50)
    for text, expected in (("to beta's depths", "Beta › Depths — b.md#depths"),
                           ("beta's lead", "Beta — b.md"),
                           ("the web", "https://example.org/page?q=1"),
                           ("a secret", "../secret.md — not followed: ../secret.md is outside "
                                        "the library")):
        _hover_text(qtbot, window, text)
        qtbot.waitUntil(lambda want=expected: status.currentMessage() == want)
        # Hovering is not clicking: nothing was opened.
        assert window.current_id == "a#alpha"
    # Off the link, the message goes.
    _hover_text(qtbot, window, "Plain text far")
    qtbot.waitUntil(lambda: status.currentMessage() == "")
