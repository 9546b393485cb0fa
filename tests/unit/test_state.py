"""The reader's memory: last place per library, zoom, theme, and back and forward."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from viewer.state import FORMAT, History, Place, ReadingState, StateFile, WindowLayout
from viewer.storage import StorageError


def test_a_fresh_start_has_defaults(tmp_path: Path) -> None:
    state = StateFile().load()
    assert state == ReadingState()
    assert (state.zoom, state.theme, state.position(tmp_path)) == (1.0, "system", None)


def test_last_place_zoom_and_theme_survive_restart(tmp_path: Path,
                                                   encyclopedia_home: Path) -> None:
    library = tmp_path / "notes"
    library.mkdir()
    state_file = StateFile()
    state_file.save_position(library, Place("rivers#the-nile", scroll=240.5))
    state_file.save_zoom(1.25)
    state_file.save_theme("dark")

    state = StateFile().load()
    assert state.position(library) == Place("rivers#the-nile", 240.5)
    assert state.position(str(library / ".." / "notes")) == Place("rivers#the-nile", 240.5)
    assert (state.zoom, state.theme) == (1.25, "dark")
    body = json.loads((encyclopedia_home / "data" / "state.json").read_text())
    assert body["format"] == FORMAT and body["version"] == 1


def test_each_library_keeps_its_own_place_even_from_two_windows(tmp_path: Path) -> None:
    first, second = StateFile(), StateFile()
    first.save_position(tmp_path / "a", Place("a#one", 10))
    second.save_position(tmp_path / "b", Place("b#two", 20))  # must not forget a
    first.save_zoom(2.0)
    state = StateFile().load()
    assert state.position(tmp_path / "a") == Place("a#one", 10.0)
    assert state.position(tmp_path / "b") == Place("b#two", 20.0)
    assert state.zoom == 2.0


def test_nonsense_values_fall_back_one_at_a_time() -> None:
    state_file = StateFile()
    state_file.save_zoom(1000)
    assert StateFile().load().zoom == 5.0  # clamped, not refused
    with pytest.raises(ValueError, match="theme"):
        state_file.save_theme("purple")
    state_file.path.write_text(json.dumps({
        "format": FORMAT, "version": 1, "zoom": "big", "theme": "purple",
        "positions": {"/a": {"section": "a#b", "scroll": "far"}, "/b": {"scroll": 3},
                      "/c": {"section": "c#d", "scroll": 7}}}))
    state = StateFile().load()
    assert (state.zoom, state.theme) == (1.0, "system")
    assert dict(state.positions) == {"/a": Place("a#b", 0.0), "/c": Place("c#d", 7.0)}


def test_the_window_layout_is_kept_with_the_place_in_one_write(tmp_path: Path) -> None:
    StateFile().save_position(tmp_path / "other", Place("o#x", 5.0))
    layout = WindowLayout(b"\x01\xd9geometry", b"", bytes(range(256)), "Bookmarks")
    StateFile().save_session(tmp_path / "lib", Place("a#b", 12.0), layout)
    state = StateFile().load()
    assert state.layout == layout
    assert state.position(tmp_path / "lib") == Place("a#b", 12.0)
    assert state.position(tmp_path / "other") == Place("o#x", 5.0)  # not forgotten
    StateFile().save_session(tmp_path / "lib", None, WindowLayout())  # no article shown
    assert StateFile().load().position(tmp_path / "lib") == Place("a#b", 12.0)


def test_a_nonsense_window_layout_is_no_layout() -> None:
    state_file = StateFile()
    state_file.path.parent.mkdir(parents=True, exist_ok=True)
    for window in ({"geometry": "not base64!", "toolbars": 12, "splitter": "AQI=",
                    "sidebar_tab": ["Search"]}, "tall", None):
        state_file.path.write_text(json.dumps({"format": FORMAT, "version": 1, "zoom": 1.5,
                                               "window": window}))
        state = StateFile().load()
        kept = WindowLayout(splitter=b"\x01\x02") if isinstance(window, dict) else WindowLayout()
        assert state.layout == kept and state.zoom == 1.5


def test_a_corrupt_state_file_is_moved_aside_and_reported(encyclopedia_home: Path) -> None:
    path = encyclopedia_home / "data" / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    state_file = StateFile()
    assert state_file.load() == ReadingState()
    (notice,) = state_file.take_notices()
    (aside,) = path.parent.glob("state.json.damaged-*")
    assert aside.name in notice and aside.read_text() == "{ not json"
    state_file.save_zoom(1.5)
    assert StateFile().load().zoom == 1.5 and state_file.take_notices() == ()


def test_a_failed_save_keeps_the_previous_state(monkeypatch: pytest.MonkeyPatch) -> None:
    state_file = StateFile()
    state_file.save_theme("light")
    before = state_file.path.read_bytes()

    def disk_full(descriptor: int) -> None:
        os.ftruncate(descriptor, os.fstat(descriptor).st_size // 2)
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        with pytest.raises(StorageError):
            state_file.save_theme("dark")
    assert state_file.path.read_bytes() == before
    assert StateFile().load().theme == "light"


# --- History --------------------------------------------------------------------------

def test_back_and_forward_walk_the_visits() -> None:
    history = History()
    assert history.current is None and not history.can_go_back()
    assert history.back() is None and history.forward() is None
    history.visit("a#one")
    history.visit("a#two", 30.0)
    history.visit("b#three")
    assert history.back() == Place("a#two", 30.0)
    assert history.back() == Place("a#one")
    assert not history.can_go_back() and history.can_go_forward()
    assert history.back() is None and history.current == Place("a#one")
    assert history.forward() == Place("a#two", 30.0)
    assert history.forward() == Place("b#three")
    assert not history.can_go_forward() and history.forward() is None


def test_a_new_visit_forgets_what_was_forward() -> None:
    history = History()
    for section in ("a", "b", "c"):
        history.visit(section)
    history.back()
    history.back()
    history.visit("d")
    assert [p.section_id for p in history.places] == ["a", "d"]
    assert not history.can_go_forward()


def test_revisiting_the_current_section_adds_no_entry() -> None:
    history = History()
    history.visit("a#one")
    history.visit("a#two")
    history.visit("a#two", 80.0)  # the same tree item clicked again, further down
    assert [p.section_id for p in history.places] == ["a#one", "a#two"]
    assert history.current == Place("a#two", 80.0)
    assert history.back() == Place("a#one")


def test_back_returns_to_where_the_reader_had_scrolled() -> None:
    history = History()
    history.visit("a#one")
    # They scrolled on into a#three, then followed a link.
    history.visit("b#link", here=Place("a#three", 55.0))
    assert history.back(here=Place("b#link", 12.0)) == Place("a#three", 55.0)
    assert history.forward(here=Place("a#three", 60.0)) == Place("b#link", 12.0)
    assert history.back() == Place("a#three", 60.0)


def test_history_is_bounded_and_drops_the_oldest() -> None:
    history = History(limit=3)
    for number in range(10):
        history.visit(f"s#{number}")
    assert [p.section_id for p in history.places] == ["s#7", "s#8", "s#9"]
    assert history.back() == Place("s#8") and history.back() == Place("s#7")
    assert not history.can_go_back()
    with pytest.raises(ValueError):
        History(limit=0)
