"""The window palette of each theme, for the Fusion style.

The article page has its own stylesheet; this makes the rest of the window
(the tree, the panels, menus, tooltips) match it, so that a dark page does not
sit in a light window, and no widget draws dark text on a dark background.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from viewer.theme import DARK_WINDOW, LIGHT_WINDOW

_ROLES = {
    "window": QPalette.ColorRole.Window, "window-text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base, "alternate-base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text, "button": QPalette.ColorRole.Button,
    "button-text": QPalette.ColorRole.ButtonText, "bright-text": QPalette.ColorRole.BrightText,
    "highlight": QPalette.ColorRole.Highlight,
    "highlighted-text": QPalette.ColorRole.HighlightedText, "link": QPalette.ColorRole.Link,
    "link-visited": QPalette.ColorRole.LinkVisited,
    "tooltip-base": QPalette.ColorRole.ToolTipBase, "tooltip-text": QPalette.ColorRole.ToolTipText,
    "placeholder-text": QPalette.ColorRole.PlaceholderText, "mid": QPalette.ColorRole.Mid,
    "dark": QPalette.ColorRole.Dark, "light": QPalette.ColorRole.Light,
    "shadow": QPalette.ColorRole.Shadow,
}
# Greyed-out text of disabled widgets; everything else is the same when disabled.
_DISABLED_ROLES = (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                   QPalette.ColorRole.ButtonText, QPalette.ColorRole.HighlightedText)


def theme_palette(dark: bool) -> QPalette:
    """A complete palette (every role, every group) for the light or dark theme."""
    colours = DARK_WINDOW if dark else LIGHT_WINDOW
    palette = QPalette()
    for name, role in _ROLES.items():
        palette.setColor(role, QColor(colours[name]))
    disabled = QColor(colours["disabled-text"])
    for role in _DISABLED_ROLES:
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    # A selection in an inactive window stays readable, not a faint grey on grey.
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight,
                     QColor(colours["highlight"]).darker(115 if not dark else 130))
    return palette
