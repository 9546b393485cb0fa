"""Theme colours and the page stylesheet: pure functions, no window."""

from __future__ import annotations

import re

from viewer.theme import DARK, LIGHT, page_points, page_stylesheet, recolor_map


def test_every_placeholder_in_the_stylesheet_has_a_colour_in_both_themes() -> None:
    for dark in (False, True):
        css = page_stylesheet(dark)
        assert "@" not in css
    assert LIGHT.keys() == DARK.keys()


def test_zoom_scales_every_font_size_and_nothing_else() -> None:
    plain, big = page_stylesheet(zoom=1.0), page_stylesheet(zoom=1.5)
    sizes = [float(s) for s in re.findall(r"([\d.]+)pt", plain)]
    assert sizes and [float(s) for s in re.findall(r"([\d.]+)pt", big)] == [
        s * 1.5 for s in sizes]
    assert re.findall(r"[\d.]+px", plain) == re.findall(r"[\d.]+px", big)
    assert page_points(1.5) == page_points() * 1.5


def test_recolouring_maps_each_kind_of_highlight_to_its_twin() -> None:
    to_dark = recolor_map(dark=True)
    assert to_dark[LIGHT["mark"]] == (DARK["mark"], DARK["mark-text"])
    assert to_dark[LIGHT["find"]] == (DARK["find"], DARK["find-text"])
    to_light = recolor_map(dark=False)
    assert to_light[DARK["mark"]] == (LIGHT["mark"], LIGHT["mark-text"])
