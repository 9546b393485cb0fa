"""The reader's exact place in the window, and going back to it.

A :class:`~viewer.state.Place` is a section id and how many pixels below that
section's heading the top of the view is (for an article's lead, below the top
of the page, where the lead is shown from). History (back and forward) and the
session (resume where you left off) both remember places this way, so a place
survives a different window size better than a raw scroll bar value would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from viewer.state import Place

if TYPE_CHECKING:
    from viewer.mainwindow import MainWindow


def place_of(window: MainWindow) -> Place | None:
    """Where the reader is now, or None before the first article is shown."""
    article = window.article
    if article is None:
        return None
    anchor, offset = window.view.reading_position()
    lead = article.lead
    if anchor and anchor == lead.anchor:
        # Within the lead, the place is counted from the top of the page, as the lead
        # is shown from there (text may come before its heading).
        offset += int(window.view.top_of_anchor(anchor))
    if not anchor or anchor == lead.anchor:
        return Place(lead.id, float(offset))
    return Place(f"{article.slug}#{anchor}", float(offset))


def show_place(window: MainWindow, place: Place) -> bool:
    """Navigate to the place's section and scroll to the same spot below its heading.

    False (and a message in the status bar) if the section is no longer in the library.
    """
    if not window.navigate(place.section_id):
        return False
    if place.scroll:
        section = window.library.section(place.section_id)
        lead = section.id == window.library.article(section.slug).lead_id
        window.view.scroll_to("" if lead else section.anchor, int(place.scroll))
    return True
