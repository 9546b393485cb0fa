"""Where a link leads, in the status bar while the pointer is on it, as browsers do.

A link to a section of the library shows its heading trail and its file
(``Beta › Depths — b.md#depths``); a link to the web shows its URL; a link
that will not be followed says why, before anyone clicks it. The text comes
from the same rules that clicking follows (:func:`viewer.links.resolve_link`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from viewer.links import resolve_link
from viewer.tree import TRAIL_SEPARATOR

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

    from content import Library
    from viewer.mainwindow import MainWindow


def link_description(href: str, library: Library, current_slug: str) -> str:
    """What the status bar says about a link to ``href`` on the page of ``current_slug``."""
    target = resolve_link(href, library, current_slug)
    if target.kind == "section":
        section = library.section(target.value)
        article = library.article(section.slug)
        try:
            file = article.path.relative_to(library.root).as_posix()
        except ValueError:
            file = article.path.name
        where = f"{file}#{section.anchor}" if section.id != article.lead_id else file
        return f"{TRAIL_SEPARATOR.join(section.trail or (section.title,))} — {where}"
    if target.kind in ("external", "file"):
        return target.value
    return f"{href} — not followed: {target.value}"


class LinkHover(QObject):
    """Shows the hovered link's target in the window's status bar, and clears it after."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._shown = ""  # the message this put in the status bar, if it is still there
        window.view.highlighted.connect(self._hovered)

    def _hovered(self, url: QUrl) -> None:
        status = self._window.statusBar()
        href = url.toString()
        if not href:  # the pointer left the link
            if self._shown and status.currentMessage() == self._shown:
                status.clearMessage()
            self._shown = ""
            return
        article = self._window.article
        self._shown = link_description(href, self._window.library,
                                       article.slug if article is not None else "")
        status.showMessage(self._shown)
