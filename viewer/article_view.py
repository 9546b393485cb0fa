"""The article page: a QTextBrowser that knows where each section starts.

It shows one article at a time, scrolls a section's heading to the top of the
view, and reports which section is being read as the user scrolls. Links are
never followed here: they are handed to the window, which sends every
navigation through one ``navigate(section_id)``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from viewer.theme import page_html

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QPaintEvent, QTextBlock

# Qt's text types (QTextDocument, QTextFormat, QUrl...) are imported where they are
# used: each costs start-up time when first touched, and the first paint needs none.
IMAGE_RESOURCE = 2  # QTextDocument.ResourceType.ImageResource
FOREGROUND_BRUSH = 0x821  # QTextFormat.Property.ForegroundBrush

READING_WIDTH = 780  # px of text: about 80-90 characters a line at the default size
SIDE_MARGIN = 28  # px beside the text at the least, in a narrow view
PAGE_MARGIN = 16  # px all round the text: above the first line, and part of the side margin
HEADROOM = 10  # px left above a heading scrolled to the top, so it does not touch the edge
TOP_SLACK = HEADROOM + 6  # a heading this close below the top edge is "being read"


class ArticleView(QTextBrowser):
    sectionScrolled = Signal(str)  # anchor of the section now at the top ("" = lead)
    painted = Signal()  # the first paint after show_html

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setAccessibleName("Article")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._positions: list[float] = []  # heading tops, ascending
        self._anchors: list[str] = []
        self._known_anchors: set[str] = set()
        self._current = ""
        self._stylesheet = ""
        self._awaiting_paint = False
        self._adjusting = False  # our own scrolling, not the reader's
        self._reading: tuple[str, int] = ("", 0)
        # Named layers of highlighted ranges (search hits, find in page...), drawn together.
        self._highlights: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._page: tuple[str, list[str]] | None = None  # the HTML shown and its anchors
        # Images load only from below this folder (the library); None: from nowhere.
        self.resource_root: Path | None = None
        self._base_dir: Path | None = None  # what the page's relative links start from
        self.column_width = READING_WIDTH  # px; the zoom widens it with the text
        self._following = False  # follow_scrolling() has been called
        # The scroll bar's value as last set or seen. Before follow_scrolling() a
        # relayout may lower it unseen, so only 0 is sure; trusting that spares the
        # first page, at its lead, a Python handle on the scroll bar (start-up time).
        self._bar_value = 0
        # The column is centred by the view's own margins beside the viewport (plain
        # ints) around the document's margin: neither needs a Qt text-format type,
        # which would cost the first paint. Only the room below the last section does,
        # and the first page needs none before it is on screen unless it opens below
        # its top (see _make_room).
        self.document().setDocumentMargin(PAGE_MARGIN)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins look like the page
        self.setAutoFillBackground(True)
        # Every page scrolls (its last section up to the top), so the scroll bar is
        # always there and room made later never narrows the text. By value: the Qt
        # namespace, where Qt.ScrollBarAlwaysOn lives, costs start-up time.
        self.setProperty("verticalScrollBarPolicy", 2)
        self._side = 0  # the view's margin on each side of the viewport, px
        self._room = False  # this page has room below its last section

    def follow_scrolling(self) -> None:
        """Report the section being read as the reader scrolls (``sectionScrolled``);
        from now on give every page room below its last section, and the page the
        wheel and context-menu events of the margins beside it.

        Not needed before the first paint, when no one can have scrolled yet: the
        window calls it once the page is on screen, as each hook costs start-up time.
        """
        if self._following:
            return
        self._following = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scroll)
        self.document().documentLayout().documentSizeChanged.connect(self._layout_changed)
        self.installEventFilter(_MarginEvents(self))
        if self.isVisible():
            self._make_room()  # at the bottom: the reader's place stays where it is
        if bar.value() != self._bar_value:  # scrolled, or moved by a relayout
            self._on_scroll(bar.value())

    # --- content -----------------------------------------------------------------

    def show_html(self, html: str, anchors: list[str], base_dir: Path | None = None) -> None:
        """Show an article's HTML; ``anchors`` are its section anchors in order.

        Images named relative to the page are looked for from ``base_dir``.
        """
        self.document().setDefaultStyleSheet(self._stylesheet)
        if base_dir is not None:
            self._base_dir = base_dir
        self._known_anchors = set(anchors)
        self._page = (html, list(anchors))
        self._highlights.clear()
        self.setExtraSelections([])
        self._current = ""
        self._reading = ("", 0)
        self._awaiting_paint = True
        self._adjusting = True
        try:
            self.setHtml(page_html(html))  # which scrolls to the top
        finally:
            self._adjusting = False
        self._bar_value = 0
        self._room = False  # a new document: its root frame has the document's margins
        self._forget_positions()
        if self.isVisible():  # else the window fits the page once it is shown
            self._update_margins()

    def scroll_to(self, anchor: str, offset: int = 0) -> None:
        """Put the section's heading at the very top of the view (``offset`` px below it)."""
        if (anchor or offset or self._following) and not self._room and self.isVisible():
            self._make_room()
        value = int(self._top_of(anchor)) + offset
        if value or self._bar_value:
            bar = self.verticalScrollBar()
            self._adjusting = True
            try:
                bar.setValue(value)
            finally:
                self._adjusting = False
            self._bar_value = bar.value()
        self._reading = (anchor, offset)
        self._report(anchor)

    def scroll_to_element(self, anchor: str, name: str) -> None:
        """Put the element with id ``name`` (in the section whose heading is ``anchor``)
        at the top of the view; the section's heading if the page has no such id."""
        self.scroll_to(anchor)
        top = self._top_of_name(name)
        if top is not None:
            self.scroll_to(anchor, max(0, int(top - HEADROOM) - int(self._top_of(anchor))))

    def _top_of_name(self, name: str) -> float | None:
        """Where the block holding the id (or ``<a name>``) ``name`` starts, in px."""
        document = self.document()
        layout = document.documentLayout()
        block: QTextBlock = document.begin()
        while block.isValid():
            if name in _block_anchors(block):
                return float(layout.blockBoundingRect(block).top())
            block = block.next()
        return None

    def set_highlights(self, layer: str, ranges: list[tuple[int, int]],
                       background: str, foreground: str | None = None) -> None:
        """Highlight document ranges ``(start, end)`` as one named layer.

        Layers are independent: setting the "find" layer leaves the "search"
        layer alone. An empty list removes the layer.
        """
        # Imported here: each Qt type costs start-up time, and the first page has no marks.
        from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor

        selections = []
        for start, end in ranges:
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(QColor(background)))
            if foreground:
                fmt.setForeground(QBrush(QColor(foreground)))
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        if selections:
            self._highlights[layer] = selections
        else:
            self._highlights.pop(layer, None)
        self.setExtraSelections([s for layer in self._highlights.values() for s in layer])

    def restyle(self, css: str, colours: Mapping[str, tuple[str, str]] | None = None,
                scale: float = 1.0) -> None:
        """Show the same page with another stylesheet (a theme, a zoom), in the same place.

        Highlight layers survive; ``colours`` maps a layer's old background to
        its new (background, text). ``scale`` is how much bigger the text got,
        so the reader stays on the same line within their section.
        """
        self._stylesheet = css
        if self._page is None:
            return
        anchor, offset = self._reading
        layers = self.highlight_layers()
        self.show_html(*self._page, self._base_dir)
        self.scroll_to(anchor, round(offset * scale))
        for name, (ranges, background, foreground) in layers.items():
            background, foreground = (colours or {}).get(
                background.lower(), (background, foreground))
            self.set_highlights(name, ranges, background, foreground)

    def highlight_layers(self) -> dict[str, tuple[list[tuple[int, int]], str, str | None]]:
        """Each layer's ranges, background and text colour (None: unchanged text)."""
        layers = {}
        for name, selections in self._highlights.items():
            fmt = selections[0].format  # type: ignore[attr-defined]
            foreground = (fmt.foreground().color().name()
                          if fmt.hasProperty(FOREGROUND_BRUSH) else None)
            ranges = [(s.cursor.selectionStart(), s.cursor.selectionEnd())  # type: ignore[attr-defined]
                      for s in selections]
            layers[name] = (ranges, fmt.background().color().name(), foreground)
        return layers

    def loadResource(self, kind: int, name: QUrl) -> Any:
        """Images from the library's folder only; never the network, never other files."""
        if kind != IMAGE_RESOURCE:
            return None
        from PySide6.QtCore import QUrl

        from viewer.images import page_image

        if name.isRelative() and self._base_dir is not None:
            name = QUrl.fromLocalFile(f"{self._base_dir}/").resolved(name)
        return page_image(name, self.resource_root)

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab leaves the page for the next panel rather than walking through its links.
        return QTextEdit.focusNextPrevChild(self, forward)

    def top_of_anchor(self, anchor: str) -> float:
        """Where a section's heading starts, in document pixels (0 for the lead)."""
        return self._top_of(anchor)

    def reading_position(self) -> tuple[str, int]:
        """The section being read and how far into it the view is scrolled, in px."""
        return self._reading

    def _top_of(self, anchor: str) -> float:
        if not anchor:
            return 0.0  # the lead: no need to lay out the whole page to know that
        self._ensure_positions()
        if anchor in self._anchors:
            return max(0.0, self._positions[self._anchors.index(anchor)] - HEADROOM)
        return 0.0

    def current_anchor(self) -> str:
        """The section being read: the last heading at or above the top edge."""
        self._ensure_positions()
        top = self.verticalScrollBar().value() + TOP_SLACK
        at = bisect.bisect_right(self._positions, top) - 1
        return self._anchors[at] if at >= 0 else ""

    # --- layout --------------------------------------------------------------------

    def _layout_changed(self) -> None:
        self._forget_positions()

    def _forget_positions(self) -> None:
        # Both at once: a heading list without its positions cannot be looked up.
        self._positions = []
        self._anchors = []

    def _ensure_positions(self) -> None:
        # A hidden view has no layout yet: every heading would be at 0.
        if self._positions or not self._known_anchors or not self.isVisible():
            return
        document = self.document()
        layout = document.documentLayout()
        found: dict[str, float] = {}
        block: QTextBlock = document.begin()
        while block.isValid():
            for name in _block_anchors(block):
                if name in self._known_anchors and name not in found:
                    found[name] = layout.blockBoundingRect(block).top()
            block = block.next()
        ordered = sorted(found.items(), key=lambda item: item[1])
        self._anchors = [name for name, _ in ordered]
        self._positions = [top for _, top in ordered]

    def _update_margins(self) -> None:
        """Centre a comfortable column of text, and keep the room below the last
        section (once the page has some) as high as the view."""
        # The viewport's width without asking for the viewport (the first Python handle
        # on it costs PySide ~6 ms before the first paint): QTextEdit lays the page out
        # as wide as the viewport, which is the view's width less scroll bar and margins.
        available = int(self.document().pageSize().width()) + 2 * self._side
        side = max(SIDE_MARGIN, (available - self.column_width) // 2) - PAGE_MARGIN
        if side != self._side:
            self._side = side
            self.setViewportMargins(side, 0, side, 0)
            self._forget_positions()
        if self._room or self._following:
            self._make_room()

    def _make_room(self) -> None:
        """Room below the last section, so that even it can scroll to the top: a
        search hit or a tree click always lands with its heading first."""
        self._room = True
        # Nothing scrolls sideways, so the viewport is as high as the view's contents.
        bottom = max(PAGE_MARGIN, self.contentsRect().height() - TOP_SLACK)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        if fmt.bottomMargin() != bottom:
            fmt.setBottomMargin(bottom)
            frame.setFrameFormat(fmt)
            self._forget_positions()

    @contextmanager
    def keeping_place(self) -> Iterator[None]:
        """Around a change of the view's size: afterwards, the column is centred for
        the new width and the reader is on the same line of the same section.

        The window wraps every resize of the page in this (see ``PageLayout``)
        rather than the view overriding resizeEvent and showEvent: a Python
        override would bring each of those events into Python, and their types
        cost start-up time. Until the view is on screen it does nothing: the
        window fits the page once it is shown.
        """
        anchor, offset = self._reading
        adjusting, self._adjusting = self._adjusting, True
        try:
            yield
        finally:
            self._adjusting = adjusting
        if self.isVisible() and not adjusting:
            self._update_margins()
            self.scroll_to(anchor, offset)

    def _on_scroll(self, value: int) -> None:
        self._bar_value = value
        if self._adjusting:
            return
        anchor = self.current_anchor()
        # As scroll_to() counts: whole pixels below the heading's (truncated) top.
        self._reading = (anchor, value - int(self._top_of(anchor)))
        self._report(anchor)

    def _report(self, anchor: str) -> None:
        if anchor != self._current:
            self._current = anchor
            self.sectionScrolled.emit(anchor)

    def paintEvent(self, event: QPaintEvent) -> None:
        # The viewport's paints come here. (An event filter on the viewport would
        # do as well, but would bring every event it gets into Python, each kind
        # costing its wrapper type before the first paint.)
        super().paintEvent(event)
        if self._awaiting_paint:
            self._awaiting_paint = False
            QTimer.singleShot(0, self.painted.emit)


class _MarginEvents(QObject):
    """The margins beside the column are the view's, not its viewport's: a wheel
    turned or a context menu asked for there is the page's, as in a browser.

    A filter of its own: the view already filters its scroll bars' events, and an
    eventFilter override there would bring each of them into Python.
    """

    def __init__(self, view: ArticleView) -> None:
        super().__init__(view)
        self._view = view
        self._forwarding = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._forwarding or kind not in (QEvent.Type.Wheel, QEvent.Type.ContextMenu):
            return False
        viewport = self._view.viewport()
        at = (event.position().toPoint() if kind == QEvent.Type.Wheel  # type: ignore[attr-defined]
              else event.pos())  # type: ignore[attr-defined]
        if viewport.geometry().contains(at):  # passed up by the viewport: not ours
            return False
        if kind == QEvent.Type.ContextMenu:
            from PySide6.QtGui import QContextMenuEvent

            event = QContextMenuEvent(event.reason(), viewport.mapFrom(self._view, at),  # type: ignore[attr-defined]
                                      event.globalPos(), event.modifiers())  # type: ignore[attr-defined]
        self._forwarding = True
        try:
            QCoreApplication.sendEvent(viewport, event)
        finally:
            self._forwarding = False
        return True


def _block_anchors(block: QTextBlock) -> list[str]:
    names: list[str] = []
    iterator = block.begin()
    while not iterator.atEnd():
        names.extend(iterator.fragment().charFormat().anchorNames())
        iterator += 1
    return names
