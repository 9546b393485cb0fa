"""The reader's memory: where they were in each library, zoom and theme, back and forward.

Plain Python, no Qt. The window's layout is here too, as the opaque bytes Qt
saves it to (geometry, toolbars, splitter) and the sidebar tab, so that the
window reads one small file before its first paint.

    >>> state = StateFile()                        # data_dir()/state.json
    >>> state.save_position(library.root, Place("a#b", scroll=120.0))
    >>> state.load().position(library.root)
    Place(section_id='a#b', scroll=120.0)

``state.json`` is written atomically and changed under a lock after reading it
again (see :mod:`viewer.storage`), so two windows on different libraries keep
both positions. A damaged file is kept aside as ``state.json.damaged-<time>``
and :meth:`StateFile.take_notices` says so; one with some values that make no
sense (a scroll of 1e308, a zoom that is not a number) is kept aside the same
way and rewritten with the rest. Losing the reading position is never worth a
crash.
"""

from __future__ import annotations

import binascii
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from content.places import data_dir
from viewer.storage import StorageError, atomic_write, locked, read_document, repair

FORMAT = "encyclopedia-state"
FORMAT_VERSION = 1
FILE_NAME = "state.json"
THEMES = ("system", "light", "dark")
ZOOM_RANGE = (0.25, 5.0)
SCROLL_LIMIT = 1e7  # pixels below a heading: ten thousand screens; Qt takes 32-bit ints
SIZE_LIMIT = 8 * 2**20  # bytes; a state of a thousand libraries is a few hundred KB


# Named tuples, not dataclasses: the window reads the state before its first
# paint, and the dataclasses module alone costs a few milliseconds to import.
class Place(NamedTuple):
    """A section, and how far down it the reader was.

    ``scroll`` is the window's own measure (say, pixels below the section's
    heading); this module only keeps it.
    """

    section_id: str
    scroll: float = 0.0


class WindowLayout(NamedTuple):
    """The window as the reader left it: Qt's own saved states, and a tab's name."""

    geometry: bytes = b""  # QWidget.saveGeometry
    toolbars: bytes = b""  # QMainWindow.saveState
    splitter: bytes = b""  # QSplitter.saveState
    sidebar_tab: str = ""  # the title of the sidebar tab showing


class ReadingState(NamedTuple):
    """Everything in state.json, as one value."""

    positions: Mapping[str, Place] = MappingProxyType({})
    zoom: float = 1.0  # a factor on the default text size
    theme: str = "system"  # one of THEMES
    layout: WindowLayout = WindowLayout()

    def position(self, library_root: Path | str) -> Place | None:
        """Where the reader left this library, or None the first time."""
        return self.positions.get(library_key(library_root))


def library_key(library_root: Path | str) -> str:
    """Positions are kept per library, by the folder's absolute path."""
    return str(Path(library_root).resolve())


def _clamp_zoom(zoom: float) -> float:
    low, high = ZOOM_RANGE
    return min(max(zoom, low), high) if math.isfinite(zoom) else 1.0


def _number(value: Any, low: float, high: float) -> float | None:
    """A JSON number from ``low`` to ``high``, or None (text, NaN, 1e308, true...)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value) if -1e300 < value < 1e300 else math.inf  # no OverflowError
    return number if low <= number <= high else None


def state_from_json(body: Mapping[str, Any]) -> tuple[ReadingState, tuple[str, ...]]:
    """The state in ``body``, and what was wrong in it: each value of the wrong type
    or out of range falls back to its default, one at a time. Absent values are not
    wrong, nor is a theme this version does not know (a later one may add it)."""
    problems: list[str] = []
    positions: dict[str, Place] = {}
    raw_positions = body.get("positions", {})
    if not isinstance(raw_positions, dict):
        problems.append("'positions' is not an object")
        raw_positions = {}
    for root, entry in raw_positions.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("section"), str) \
                or not entry["section"]:
            problems.append(f"the place in {root[:80]!r} has no section")
            continue
        scroll = _number(entry.get("scroll", 0.0), -SCROLL_LIMIT, SCROLL_LIMIT)
        if scroll is None:
            problems.append(f"the scroll of the place in {root[:80]!r} is out of range")
        positions[root] = Place(entry["section"], scroll or 0.0)
    zoom = _number(body.get("zoom", 1.0), *ZOOM_RANGE)
    if zoom is None:
        problems.append(f"the zoom is not a number from {ZOOM_RANGE[0]} to {ZOOM_RANGE[1]}")
    theme = body.get("theme", "system")
    if not isinstance(theme, str):
        problems.append("the theme is not text")
    layout, layout_problem = _layout_from_json(body.get("window", {}))
    if layout_problem:
        problems.append(layout_problem)
    return ReadingState(MappingProxyType(positions), zoom or 1.0,
                        theme if theme in THEMES else "system", layout), tuple(problems)


def _layout_from_json(body: Any) -> tuple[WindowLayout, str]:
    if not isinstance(body, dict):
        return WindowLayout(), "the window's layout is not an object"
    parts = [_bytes(body.get(name, "")) for name in ("geometry", "toolbars", "splitter")]
    tab = body.get("sidebar_tab", "")
    problem = "" if all(part is not None for part in parts) and isinstance(tab, str) \
        else "the window's layout is damaged"
    geometry, toolbars, splitter = (part or b"" for part in parts)
    return WindowLayout(geometry, toolbars, splitter, tab if isinstance(tab, str) else ""), \
        problem


def _bytes(text: Any) -> bytes | None:
    """Base64 text as bytes; None for anything else (Qt ignores an empty state)."""
    if not isinstance(text, str):
        return None
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (ValueError, UnicodeEncodeError):
        return None


def _base64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def state_to_json(state: ReadingState) -> str:
    layout = state.layout
    body = {"format": FORMAT, "version": FORMAT_VERSION,
            "positions": {root: {"section": place.section_id, "scroll": place.scroll}
                          for root, place in state.positions.items()},
            "zoom": state.zoom, "theme": state.theme,
            "window": {"geometry": _base64(layout.geometry),
                       "toolbars": _base64(layout.toolbars),
                       "splitter": _base64(layout.splitter),
                       "sidebar_tab": layout.sidebar_tab}}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


class StateFile:
    """``state.json``: :meth:`load` reads it; each ``save_*`` re-reads, changes one thing, writes.

    Saving fsyncs, so call ``save_position`` when the reader navigates or the
    window closes, not on every scroll event.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / FILE_NAME
        self._notices: list[str] = []

    def take_notices(self) -> tuple[str, ...]:
        """What the reader must be told (a corrupt file moved aside), each only once."""
        notices, self._notices = tuple(self._notices), []
        return notices

    def load(self) -> ReadingState:
        with locked(self.path, reading=True):
            return self._read(to_change=False)

    def save_position(self, library_root: Path | str, place: Place) -> ReadingState:
        key = library_key(library_root)
        return self._change(lambda state: state._replace(
            positions=MappingProxyType({**state.positions, key: place})))

    def save_session(self, library_root: Path | str, place: Place | None,
                     layout: WindowLayout) -> ReadingState:
        """The place (if any) and the window's layout, in one write: as a window closes."""
        key = library_key(library_root)
        positions = {key: place} if place is not None else {}
        return self._change(lambda state: state._replace(
            positions=MappingProxyType({**state.positions, **positions}), layout=layout))

    def save_zoom(self, zoom: float) -> ReadingState:
        return self._change(lambda state: state._replace(zoom=_clamp_zoom(zoom)))

    def save_theme(self, theme: str) -> ReadingState:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
        return self._change(lambda state: state._replace(theme=theme))

    def _read(self, *, to_change: bool = True) -> ReadingState:
        document = read_document(self.path, kind=FORMAT, version=FORMAT_VERSION,
                                 limit=SIZE_LIMIT)
        self._notices.extend(document.notices)
        state, problems = state_from_json(document.body)
        if problems:
            try:
                self._notices.append(repair(self.path, state_to_json(state), problems,
                                            "the rest of the reading state is kept"))
            except StorageError as error:
                if to_change:  # never written over while it cannot be kept
                    raise
                self._notices.append(f"{self.path.name} has values that make no sense "
                                     f"({problems[0]}), which are not used; {error}")
        return state

    def _change(self, change: Callable[[ReadingState], ReadingState]) -> ReadingState:
        with locked(self.path):
            new = change(self._read())
            atomic_write(self.path, state_to_json(new))
        return new


class History:
    """Back and forward over visited places, as in a browser.

    Each call may say where the reader is now (``here``): they may have scrolled
    into another section since arriving, and Back should return them to that
    spot, not to where they first landed. Visiting the section already current
    only updates its scroll position, so clicking the same tree item twice does
    not need two presses of Back. Holds at most ``limit`` places; the oldest go.

        >>> history = History()
        >>> history.visit("a#one")
        >>> history.visit("b#two", here=Place("a#three", scroll=55.0))
        >>> history.back(here=Place("b#two", scroll=10.0))
        Place(section_id='a#three', scroll=55.0)
        >>> history.forward()
        Place(section_id='b#two', scroll=10.0)
    """

    def __init__(self, limit: int = 200) -> None:
        if limit < 1:
            raise ValueError("a history holds at least one place")
        self.limit = limit
        self._places: list[Place] = []
        self._index = -1  # of the current place; -1 before the first visit

    @property
    def current(self) -> Place | None:
        return self._places[self._index] if self._index >= 0 else None

    @property
    def places(self) -> tuple[Place, ...]:
        return tuple(self._places)

    def can_go_back(self) -> bool:
        return self._index > 0

    def can_go_forward(self) -> bool:
        return self._index < len(self._places) - 1

    def visit(self, section_id: str, scroll: float = 0.0, *, here: Place | None = None) -> None:
        """A navigation to a new place: what was forward of here is forgotten."""
        self._remember(here)
        current = self.current
        if current is not None and current.section_id == section_id:
            self._places[self._index] = Place(section_id, scroll)
            return
        del self._places[self._index + 1:]
        self._places.append(Place(section_id, scroll))
        if len(self._places) > self.limit:
            del self._places[: len(self._places) - self.limit]
        self._index = len(self._places) - 1

    def back(self, here: Place | None = None) -> Place | None:
        """The previous place, or None (and nothing changes) at the start."""
        if not self.can_go_back():
            return None
        self._remember(here)
        self._index -= 1
        return self.current

    def forward(self, here: Place | None = None) -> Place | None:
        """The next place, or None (and nothing changes) at the end."""
        if not self.can_go_forward():
            return None
        self._remember(here)
        self._index += 1
        return self.current

    def _remember(self, here: Place | None) -> None:
        if here is not None and self._index >= 0:
            self._places[self._index] = here
