"""The page stylesheet colours highlighted code and boxes readably in both themes."""

from __future__ import annotations

import re

import pytest

from content.flavour import MDBOOK
from tests.helpers.articles import page_of
from viewer.theme import DARK, LIGHT, page_stylesheet


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours: 1 (none) to 21 (black on white)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_code_and_box_colours_are_readable_on_their_backgrounds(theme: dict[str, str]) -> None:
    for name, colour in theme.items():
        if name.startswith("code-") and name not in ("code-bg", "code-border"):
            assert contrast(colour, theme["code-bg"]) >= 4.5, name
    for kind in ("note", "tip", "warning", "danger"):
        assert contrast(theme[f"{kind}-border"], theme[f"{kind}-bg"]) >= 4.5, kind  # its title
        assert contrast(theme["text"], theme[f"{kind}-bg"]) >= 7, kind
        assert contrast(theme["link"], theme[f"{kind}-bg"]) >= 4.5, kind


def test_every_token_class_of_a_highlighted_page_has_a_rule() -> None:
    html = page_of("```rust\n// comment\n#[derive(Debug)]\nfn main() { let s = \"x\"; "
                   "println!(\"{}\", 1u8); }\n```\n\n```python\n@decorator\ndef f(): "
                   "return len('s') + 1.5\n```\n", MDBOOK)
    used = set(re.findall(r'<span class="([a-z0-9]+)"', html)) - {"w", "n", "p", "o", "nv"}
    css = page_stylesheet(dark=True)
    assert used and all(re.search(rf"\.{token}\b[^{{]*\{{", css) for token in used), used


def test_headings_are_bold_enough_for_single_weight_fonts() -> None:
    css = page_stylesheet()
    assert re.findall(r"h[1-6][^{]*\{[^}]*font-weight: (\d+)", css) == ["700"] * 4
