"""Raw HTML, through the real window and the real command line: no tag hides what
follows it, no script link or handler survives, nothing hidden is found by search.

``tests/data/hostile/raw-html.md`` has each of ``<embed>``, ``<noscript>``,
``<select>``, ``<textarea>``, ``<style>``, ``<script>``, ``<title>`` and
``<iframe>`` closed and left open; every sentence that must show holds a word
``seen…``, every text that must not a word ``hidden…``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.conftest import DATA
from tests.gui.conftest import OpenWindow
from tests.pdf_text import pdf_text, squeezed

HOSTILE = DATA / "hostile" / "raw-html.md"
SOURCE = HOSTILE.read_text(encoding="utf-8")
SEEN = sorted(set(re.findall(r"\bseen\w+", SOURCE)))
HIDDEN = sorted(set(re.findall(r"\bhidden\w+", SOURCE)))


def _viewer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viewer", *args, "--content", str(HOSTILE)],
                          cwd=cwd, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=120)


def test_the_window_shows_every_sentence_and_no_script(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(HOSTILE)
    text = window.view.toPlainText()
    assert [word for word in SEEN if word not in text] == []
    assert [word for word in HIDDEN if word in text] == []
    assert "alert(" not in text
    # The only links left go nowhere dangerous: no script, no data, no file.
    document = window.view.document()
    hrefs = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            href = iterator.fragment().charFormat().anchorHref()
            if href:
                hrefs.append(href)
            iterator += 1
        block = block.next()
    assert not [href for href in hrefs if re.match(r"(?i)\s*(javascript|vbscript|data|file):",
                                                   href)]
    # Every section is in the tree: no unclosed tag swallowed a heading.
    titles = {window.tree.topLevelItem(0).child(n).text(0)
              for n in range(window.tree.topLevelItem(0).childCount())}
    assert {"Closed tags", "Unclosed tags in a paragraph", "Unclosed tags on their own line",
            "Handlers and script links", "Unclosed at the end"} <= titles


def test_the_command_line_finds_what_shows_and_nothing_that_is_hidden(tmp_path: Path) -> None:
    for word in ("seenunclosedupperscript", "seenlinenoscript", "seenlinescript",
                 "seenlinestyle", "seeninnoscript"):
        found = _viewer("search", word, "--json", cwd=tmp_path)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["total"] == 1, word
    hidden = _viewer("search", " OR ".join(HIDDEN), "--json", cwd=tmp_path)
    assert hidden.returncode == 0, hidden.stderr
    assert json.loads(hidden.stdout)["total"] == 0
    some = _viewer("search", " OR ".join(HIDDEN[:3] + SEEN[:1]), "--json", cwd=tmp_path)
    assert json.loads(some.stdout)["total"] == 1  # the query itself finds what is there
    toc = _viewer("toc", "--json", cwd=tmp_path)
    assert toc.returncode == 0, toc.stderr
    assert len(json.loads(toc.stdout)["articles"][0]["sections"]) == 5


def test_the_pdf_and_the_screenshot_hold_every_sentence(tmp_path: Path) -> None:
    out = tmp_path / "raw.pdf"
    result = _viewer("pdf", "raw-html", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _pages, text = pdf_text(out.read_bytes())
    assert [word for word in SEEN if squeezed(word) not in squeezed(text)] == []
    assert [word for word in HIDDEN if squeezed(word) in squeezed(text)] == []
    shot = tmp_path / "raw.png"
    result = _viewer("open", "raw-html#unclosed-at-the-end", "--screenshot", str(shot),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not QImage(str(shot)).isNull()
