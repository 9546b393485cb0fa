"""Colours of the light and dark themes, and the article stylesheet they make.

Plain Python: the page stylesheet, the highlight colours and the window
palette's colours are data here; :mod:`viewer.appearance` applies them.

    >>> page_stylesheet(dark=True, zoom=1.25)   # body { font-size: 13.75pt; ... }
    >>> mark_colors(dark=True)                  # ('#e3b341', '#1c1c1c'): search hits
    >>> find_colors(dark=False)                 # matches, then the current match

Other features that highlight text in the page take their colours from these
functions, so that a theme switch can recolour their layers (see
:func:`recolor_map`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LIGHT = {
    "text": "#1f2328", "heading": "#111418", "link": "#0a58ca", "border": "#c8ccd1",
    "table-head": "#eaecf0", "code-bg": "#f3f4f6", "code-text": "#1f2328", "muted": "#57606a",
    "code-border": "#dde1e6",
    "mark": "#ffe066", "mark-text": "#000000",
    "find": "#a8d1ff", "find-text": "#000000",
    "find-current": "#ff9632", "find-current-text": "#000000",
    # Syntax highlighting (GitHub's light colours), each readable on code-bg.
    "code-comment": "#59636e", "code-keyword": "#cf222e", "code-string": "#0a3069",
    "code-number": "#0550ae", "code-function": "#6639ba", "code-type": "#953800",
    "code-builtin": "#0550ae", "code-meta": "#116329", "code-inserted": "#116329",
    "code-deleted": "#82071e", "code-prompt": "#59636e",
    # Admonition boxes: a tint, and the border and title colour of their kind.
    "note-bg": "#eef5fd", "note-border": "#0969da", "tip-bg": "#eefaf1", "tip-border": "#1a7f37",
    "warning-bg": "#fdf6e3", "warning-border": "#9a6700",
    "danger-bg": "#fdeff0", "danger-border": "#cf222e",
}
DARK = {
    "text": "#d8dee4", "heading": "#f0f3f6", "link": "#6cb6ff", "border": "#545d68",
    "table-head": "#2d333b", "code-bg": "#2a3038", "code-text": "#e6edf3", "muted": "#a3adb8",
    "code-border": "#3d444d",
    "mark": "#e3b341", "mark-text": "#1c1c1c",
    "find": "#35609c", "find-text": "#ffffff",
    "find-current": "#ff9632", "find-current-text": "#000000",
    "code-comment": "#9198a1", "code-keyword": "#ff7b72", "code-string": "#a5d6ff",
    "code-number": "#79c0ff", "code-function": "#d2a8ff", "code-type": "#ffa657",
    "code-builtin": "#79c0ff", "code-meta": "#7ee787", "code-inserted": "#7ee787",
    "code-deleted": "#ffa198", "code-prompt": "#9198a1",
    "note-bg": "#1b2636", "note-border": "#4493f8", "tip-bg": "#1a2b22", "tip-border": "#3fb950",
    "warning-bg": "#2d2616", "warning-border": "#d29922",
    "danger-bg": "#301c1f", "danger-border": "#f85149",
}
# The window around the page: QPalette roles, for Fusion (see viewer.palette).
LIGHT_WINDOW = {
    "window": "#efefef", "window-text": "#1f2328", "base": "#ffffff", "alternate-base": "#f6f8fa",
    "text": "#1f2328", "button": "#efefef", "button-text": "#1f2328", "bright-text": "#ffffff",
    "highlight": "#308cc6", "highlighted-text": "#ffffff", "link": "#0a58ca",
    "link-visited": "#6f42c1", "tooltip-base": "#ffffdc", "tooltip-text": "#000000",
    "placeholder-text": "#6e7781", "disabled-text": "#8c959f", "mid": "#b8b8b8",
    "dark": "#9f9f9f", "light": "#ffffff", "shadow": "#767676",
}
DARK_WINDOW = {
    "window": "#22272e", "window-text": "#d8dee4", "base": "#1c2128", "alternate-base": "#262c34",
    "text": "#d8dee4", "button": "#2d333b", "button-text": "#d8dee4", "bright-text": "#ffffff",
    "highlight": "#316dca", "highlighted-text": "#ffffff", "link": "#6cb6ff",
    "link-visited": "#b083f0", "tooltip-base": "#2d333b", "tooltip-text": "#e6edf3",
    "placeholder-text": "#8b949e", "disabled-text": "#6e7681", "mid": "#3d444d",
    "dark": "#15191e", "light": "#444c56", "shadow": "#0d1014",
}
BODY_POINTS = 11.0  # the text size of style.css's body, at 100 %
_POINT_SIZE = re.compile(r"(\d+(?:\.\d+)?)pt\b")


@cache
def _template() -> str:
    return (Path(__file__).parent / "resources" / "style.css").read_text(encoding="utf-8")


def colors(dark: bool) -> dict[str, str]:
    return DARK if dark else LIGHT


def page_stylesheet(dark: bool = False, zoom: float = 1.0) -> str:
    """The article stylesheet for a theme, with every font size scaled by ``zoom``.

    QTextBrowser's own zoom scales only the default font, not sizes the
    stylesheet sets in points, so zooming scales the stylesheet instead.
    """
    css = _template()
    for name, colour in colors(dark).items():
        css = css.replace(f"@{name}@", colour)
    if zoom != 1.0:
        css = _POINT_SIZE.sub(lambda m: f"{round(float(m.group(1)) * zoom, 2):g}pt", css)
    return css


def page_html(body: str) -> str:
    """An article's HTML as a whole page: QTextDocument applies ``body`` rules only
    when there is a ``<body>``, and the stylesheet sets the text's size and colour there."""
    return f"<html><body>{body}</body></html>"


def page_points(zoom: float = 1.0) -> float:
    """The page's default font size: headings are sized from it, so it zooms too."""
    return BODY_POINTS * zoom


def mark_colors(dark: bool | None = None) -> tuple[str, str]:
    """(background, text) for search hits in the page.

    ``dark=None`` asks the running application: its palette is dark in the dark theme.
    """
    theme = colors(application_is_dark() if dark is None else dark)
    return theme["mark"], theme["mark-text"]


def find_colors(dark: bool | None = None) -> tuple[tuple[str, str], tuple[str, str]]:
    """((background, text) of every match, (background, text) of the current one)."""
    theme = colors(application_is_dark() if dark is None else dark)
    return ((theme["find"], theme["find-text"]),
            (theme["find-current"], theme["find-current-text"]))


def recolor_map(dark: bool) -> dict[str, tuple[str, str]]:
    """Highlight background of the other theme -> this theme's (background, text).

    Backgrounds name a kind of highlight unambiguously; text colours do not
    (black is the text of several), so the map goes by background.
    """
    old, new = colors(not dark), colors(dark)
    return {old[key].lower(): (new[key], new[f"{key}-text"])
            for key in ("mark", "find", "find-current")}


def application_is_dark() -> bool:
    """Whether the running application shows dark windows (False with no application)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    app = QGuiApplication.instance()
    if app is None:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128
