"""Colours for the article page in light and dark themes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

LIGHT = {
    "text": "#1f2328", "heading": "#111418", "link": "#0a58ca", "border": "#c8ccd1",
    "table-head": "#eaecf0", "code-bg": "#f3f4f6", "muted": "#57606a",
    "mark": "#ffe066", "mark-text": "#000000",
}
DARK = {
    "text": "#d8dee4", "heading": "#f0f3f6", "link": "#6cb6ff", "border": "#4a525c",
    "table-head": "#2d333b", "code-bg": "#2d333b", "muted": "#9aa4ae",
    "mark": "#b08800", "mark-text": "#ffffff",
}


@cache
def _template() -> str:
    return (Path(__file__).parent / "resources" / "style.css").read_text(encoding="utf-8")


def page_stylesheet(dark: bool = False) -> str:
    css = _template()
    for name, colour in (DARK if dark else LIGHT).items():
        css = css.replace(f"@{name}@", colour)
    return css
