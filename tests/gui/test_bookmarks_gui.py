"""Bookmarks in the window, driven like a reader: the star, the Bookmarks tab, its menus."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from content import load_library
from tests.conftest import write_library
from tests.gui.conftest import OpenWindow, activate, click_tree_item, text_at_top
from viewer.bookmarks import BookmarkStore
from viewer.bookmarks_model import (
    ID_ROLE,
    IS_FOLDER_ROLE,
    MISSING_ROLE,
    NOTE_ROLE,
    TRAIL_ROLE,
    BookmarksFilter,
    BookmarksModel,
)
from viewer.bookmarks_panel import BookmarksPanel
from viewer.mainwindow import MainWindow

SLUG = "seven-thousand-cadres-conference"
LEGACY = f"{SLUG}#legacy-and-reforms"
CONCLUSION = f"{SLUG}#conclusion"
BACKGROUND = f"{SLUG}#background-and-objectives"


# --- driving the panel ------------------------------------------------------------------

def show_bookmarks(qtbot: QtBot, window: MainWindow) -> BookmarksPanel:
    """Ctrl+B, as the reader would press it."""
    activate(qtbot, window)
    qtbot.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    panel = window.bookmarks.panel
    assert panel is not None
    assert window.sidebar.currentWidget() is window.bookmarks.tab
    return panel


def rows(panel: BookmarksPanel) -> list[str]:
    """What the list shows: "[folder]", "folder/label" inside it, "label" at the top level."""
    shown = []
    model = panel.proxy
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(IS_FOLDER_ROLE):
            shown.append(f"[{index.data()}]")
            shown.extend(f"{index.data()}/{model.index(r, 0, index).data()}"
                         for r in range(model.rowCount(index)))
        else:
            shown.append(index.data())
    return shown


def find_row(panel: BookmarksPanel, label: str) -> QModelIndex:
    found = panel.proxy.match(panel.proxy.index(0, 0), Qt.ItemDataRole.DisplayRole, label, 1,
                              Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert found, f"{label!r} is not in {rows(panel)}"
    return found[0]


def click_row(qtbot: QtBot, panel: BookmarksPanel, label: str) -> None:
    rect = panel.view.visualRect(find_row(panel, label))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def context_menu(qtbot: QtBot, panel: BookmarksPanel, label: str | None) -> QMenu:
    """Right-click on a row (or on the empty space below the rows)."""
    viewport = panel.view.viewport()
    if label is None:
        position = QPoint(20, viewport.height() - 5)
    else:
        position = panel.view.visualRect(find_row(panel, label)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, position,
                              viewport.mapToGlobal(position))
    QApplication.sendEvent(viewport, event)
    menu = panel.menu
    assert menu is not None and menu.isVisible()
    return menu


def choose(qtbot: QtBot, menu: QMenu, text: str) -> QMenu | None:
    """Highlight a menu entry and press Enter; returns its submenu if it has one."""
    actions = [a for a in menu.actions() if a.text().replace("&", "") == text]
    assert actions, f"{text!r} not in {[a.text() for a in menu.actions()]}"
    assert actions[0].isEnabled(), text
    menu.setActiveAction(actions[0])
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    return actions[0].menu()


def answer(qtbot: QtBot, panel: BookmarksPanel, text: str) -> None:
    """Type an answer into the panel's question (a folder name, a note) and accept it."""
    dialog = panel.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    note = dialog.findChild(QPlainTextEdit)
    if note is not None and note.isVisible():
        note.selectAll()
        qtbot.keyClicks(note, text)
        buttons = dialog.findChild(QDialogButtonBox)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    else:
        line = dialog.findChild(QLineEdit)
        line.selectAll()
        qtbot.keyClicks(line, text)
        qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.dialog is None)


def edit_in_place(qtbot: QtBot, panel: BookmarksPanel, label: str, text: str) -> None:
    """Select a row, press F2, type, press Enter."""
    click_row(qtbot, panel, label)
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == label
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits and closes its editor from the event loop.
    qtbot.waitUntil(lambda: panel.view.state() != QAbstractItemView.State.EditingState)


def drag_and_drop(qtbot: QtBot, panel: BookmarksPanel, label: str, onto: str | None) -> bool:
    """Drag a bookmark onto a folder (or the empty space at the end), as Qt delivers a drag.

    The data is what the view's own drag carries (the model's mimeData of the
    selection); the enter, move and drop events go to the list as the window
    system would send them during a real drag.
    """
    click_row(qtbot, panel, label)
    view = panel.view
    data = panel.proxy.mimeData(view.selectionModel().selectedRows())
    if onto is None:
        target = QPoint(20, view.viewport().height() - 5)
    else:
        target = view.visualRect(find_row(panel, onto)).center()
    move = Qt.DropAction.MoveAction
    button, no_keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for kind in (QDragEnterEvent, QDragMoveEvent):
        event = _drag_event(kind, target, data)
        QApplication.sendEvent(view.viewport(), event)
        assert event.isAccepted()
    drop = QDropEvent(QPointF(target), move, data, button, no_keys)
    QApplication.sendEvent(view.viewport(), drop)
    return drop.isAccepted()


def _drag_event(kind: type[QDragMoveEvent], at: QPoint, data: QMimeData) -> QDragMoveEvent:
    """A drag event at ``at``. PySide 6.12 picks its constructor inconsistently: sometimes
    only the QPointF one exists, sometimes only the (deprecated) QPoint one."""
    values = (Qt.DropAction.MoveAction, data, Qt.MouseButton.LeftButton,
              Qt.KeyboardModifier.NoModifier)
    try:
        return kind(QPointF(at), *values)
    except TypeError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return kind(at, *values)


def wait_resolved(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.bookmarks.resolved_for is window.library, timeout=10000)


# --- bookmarking --------------------------------------------------------------------------

def test_bookmark_survives_restart_and_enter_goes_there(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    click_tree_item(qtbot, window, "Legacy and Reforms")
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.bookmarks.star.isChecked()
    assert window.statusBar().currentMessage() == "Bookmarked “Legacy and Reforms”"
    window.close()

    again = open_window()  # the same ENCYCLOPEDIA_HOME, opened at the article's start
    assert text_at_top(again) == "Seven Thousand Cadres Conference"
    panel = show_bookmarks(qtbot, again)
    assert rows(panel) == ["Legacy and Reforms"]
    index = find_row(panel, "Legacy and Reforms")
    assert index.data(TRAIL_ROLE) == "Seven Thousand Cadres Conference"
    click_row(qtbot, panel, "Legacy and Reforms")
    with qtbot.waitSignal(again.navigated) as navigated:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert navigated.args == [LEGACY]
    assert text_at_top(again) == "Legacy and Reforms"
    assert again.bookmarks.star.isChecked()


def test_double_click_opens_a_bookmark(qtbot: QtBot, open_window: OpenWindow) -> None:
    BookmarkStore().add(load_library(), CONCLUSION)
    window = open_window()
    panel = show_bookmarks(qtbot, window)
    rect = panel.view.visualRect(find_row(panel, "Conclusion"))
    with qtbot.waitSignal(window.navigated):
        # A double-click is a click and then a double-click event (QTest sends only the latter).
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert text_at_top(window) == "Conclusion"


def test_star_follows_the_section_at_the_top_as_the_reader_scrolls(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    activate(qtbot, window)
    star = window.bookmarks.star
    click_tree_item(qtbot, window, "Outcomes and Impact")
    assert not star.isChecked()
    assert star.iconText() == "☆"
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert star.isChecked()
    assert star.iconText() == "★"
    assert "is bookmarked" in star.toolTip()

    bar = window.view.verticalScrollBar()
    with qtbot.waitSignal(window.currentSectionChanged):
        bar.setValue(0)  # back at the article's start: not bookmarked
    assert not star.isChecked()
    assert star.iconText() == "☆"
    assert star.toolTip() == "Bookmark this section (Ctrl+D)"
    with qtbot.waitSignal(window.currentSectionChanged):
        bar.setValue(int(window.view.top_of_anchor("outcomes-and-impact")) + 30)
    assert window.current_id == f"{SLUG}#outcomes-and-impact"
    assert star.isChecked()

    # The toolbar button does the same as Ctrl+D.
    button = window.toolbar.widgetForAction(star)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not star.isChecked()
    assert BookmarkStore().bookmarks == ()
    assert window.statusBar().currentMessage() == "Removed the bookmark on “Outcomes and Impact”"


def test_bookmarks_menu_has_every_command_with_its_shortcut(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    menu = {a.text().replace("&", ""): a.shortcut().toString()
            for a in window.menus["bookmarks"].actions() if a.text()}
    assert menu == {"Bookmark this section": "Ctrl+D", "Show bookmarks": "Ctrl+B",
                    "New folder…": "Ctrl+Shift+N", "Export…": "Ctrl+Shift+X",
                    "Import…": "Ctrl+Shift+I"}
    assert [window.sidebar.tabText(i) for i in range(window.sidebar.count())] == \
        ["Contents", "Search", "Bookmarks"]


# --- folders, names, notes ------------------------------------------------------------------

def test_folders_are_created_renamed_filled_by_menu_and_by_dragging_and_deleted(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    library = load_library()
    store = BookmarkStore()
    store.add(library, LEGACY)
    store.add(library, CONCLUSION)
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)
    assert rows(panel) == ["Legacy and Reforms", "Conclusion"]

    window.bookmarks.new_folder_action.trigger()  # Bookmarks ▸ New folder…
    answer(qtbot, panel, "To read")
    assert rows(panel) == ["[To read]", "Legacy and Reforms", "Conclusion"]
    assert BookmarkStore().folders == ("To read",)

    edit_in_place(qtbot, panel, "To read", "Later")
    assert rows(panel) == ["[Later]", "Legacy and Reforms", "Conclusion"]
    assert BookmarkStore().folders == ("Later",)

    menu = context_menu(qtbot, panel, "Conclusion")
    move_to = choose(qtbot, menu, "Move to")
    assert move_to is not None
    assert [a.text() for a in move_to.actions() if a.text()] == ["Top level", "Later",
                                                                 "New folder…"]
    assert not move_to.actions()[0].isEnabled()  # it is at the top level already
    choose(qtbot, move_to, "Later")
    assert rows(panel) == ["[Later]", "Later/Conclusion", "Legacy and Reforms"]
    assert BookmarkStore().find(CONCLUSION)[0].folder == "Later"
    assert panel.selected_keys() == [(CONCLUSION, "Later")]  # the moved one stays selected

    assert drag_and_drop(qtbot, panel, "Legacy and Reforms", onto="Later")
    assert rows(panel) == ["[Later]", "Later/Legacy and Reforms", "Later/Conclusion"]
    assert {b.folder for b in BookmarkStore().bookmarks} == {"Later"}

    assert drag_and_drop(qtbot, panel, "Conclusion", onto=None)  # below the list: top level
    assert rows(panel) == ["[Later]", "Later/Legacy and Reforms", "Conclusion"]

    menu = context_menu(qtbot, panel, "Conclusion")
    choose(qtbot, choose(qtbot, menu, "Move to"), "New folder…")  # type: ignore[arg-type]
    answer(qtbot, panel, "Done")
    assert rows(panel) == ["[Later]", "Later/Legacy and Reforms", "[Done]", "Done/Conclusion"]

    menu = context_menu(qtbot, panel, "Later")
    choose(qtbot, menu, "Delete folder")
    assert rows(panel) == ["[Done]", "Done/Conclusion", "Legacy and Reforms"]
    assert BookmarkStore().folders == ("Done",)
    assert "its 1 bookmark is now at the top level" in window.statusBar().currentMessage()


def test_a_folder_keeps_being_closed_when_the_list_changes(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    library = load_library()
    BookmarkStore().add(library, LEGACY, folder="Later")
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)
    folder = find_row(panel, "Later")
    assert panel.view.isExpanded(folder)
    panel.view.collapse(folder)
    activate(qtbot, window)
    click_tree_item(qtbot, window, "Conclusion")
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert rows(panel) == ["[Later]", "Later/Legacy and Reforms", "Conclusion"]
    assert not panel.view.isExpanded(find_row(panel, "Later"))
    qtbot.keyClicks(panel.filter, "legacy")  # filtering opens it to show the match...
    assert panel.view.isExpanded(find_row(panel, "Legacy and Reforms").parent())
    panel.filter.clear()  # ...and it is closed again afterwards
    assert not panel.view.isExpanded(find_row(panel, "Later"))


def test_rename_a_bookmark_and_give_it_a_note(qtbot: QtBot, open_window: OpenWindow) -> None:
    BookmarkStore().add(load_library(), LEGACY)
    window = open_window()
    panel = show_bookmarks(qtbot, window)

    edit_in_place(qtbot, panel, "Legacy and Reforms", "What changed after")
    assert rows(panel) == ["What changed after"]
    assert BookmarkStore().bookmarks[0].name == "What changed after"
    # Renamed, it shows the whole trail, heading included, so the reader knows where it goes.
    index = find_row(panel, "What changed after")
    assert index.data(TRAIL_ROLE) == "Seven Thousand Cadres Conference › Legacy and Reforms"

    menu = context_menu(qtbot, panel, "What changed after")
    choose(qtbot, menu, "Edit note…")
    answer(qtbot, panel, "compare with the 1958 figures")
    stored = BookmarkStore().bookmarks[0]
    assert stored.note == "compare with the 1958 figures"
    index = find_row(panel, "What changed after")
    assert index.data(NOTE_ROLE) == "compare with the 1958 figures"
    assert "Note: compare with the 1958 figures" in index.data(Qt.ItemDataRole.ToolTipRole)

    # Its heading as the name again: it follows the heading from now on.
    edit_in_place(qtbot, panel, "What changed after", "Legacy and Reforms")
    assert BookmarkStore().bookmarks[0].name == ""
    with qtbot.waitSignal(window.navigated):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert text_at_top(window) == "Legacy and Reforms"


def test_delete_key_and_context_menu_delete(qtbot: QtBot, open_window: OpenWindow) -> None:
    library = load_library()
    store = BookmarkStore()
    for section_id in (BACKGROUND, LEGACY, CONCLUSION):
        store.add(library, section_id)
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)

    click_row(qtbot, panel, "Legacy and Reforms")
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert rows(panel) == ["Background and Objectives", "Conclusion"]
    assert [b.id for b in BookmarkStore().bookmarks] == [BACKGROUND, CONCLUSION]
    assert panel.selected_keys() == [(CONCLUSION, "")]  # the next one, ready for another Delete
    assert window.statusBar().currentMessage() == "Deleted 1 bookmark"

    choose(qtbot, context_menu(qtbot, panel, "Background and Objectives"), "Delete")
    assert rows(panel) == ["Conclusion"]
    assert [b.id for b in BookmarkStore().bookmarks] == [CONCLUSION]


def test_filter_narrows_by_title_trail_note_and_folder(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    library = load_library()
    store = BookmarkStore()
    store.add(library, LEGACY, folder="Economy", note="decentralisation began here")
    store.add(library, BACKGROUND, folder="Later reading")
    store.add(library, CONCLUSION)
    store.add(library, f"{SLUG}#what-were-the-main-causes-of-the-great-leap-forwards-failure")
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)
    everything = rows(panel)
    assert len(everything) == 6

    qtbot.keyClicks(panel.filter, "legacy")  # a title
    assert rows(panel) == ["[Economy]", "Economy/Legacy and Reforms"]
    panel.filter.clear()
    qtbot.keyClicks(panel.filter, "asked questions")  # words of the trail, not of the title
    assert rows(panel) == ["What were the main causes of the Great Leap Forward's failure?"]
    panel.filter.clear()
    qtbot.keyClicks(panel.filter, "DECENTRALISATION")  # the note, in any case
    assert rows(panel) == ["[Economy]", "Economy/Legacy and Reforms"]
    panel.filter.clear()
    qtbot.keyClicks(panel.filter, "later")  # a folder: all that is in it
    assert rows(panel) == ["[Later reading]", "Later reading/Background and Objectives"]
    qtbot.keyClick(panel.filter, Qt.Key.Key_Return)  # Enter opens the first match
    assert text_at_top(window) == "Background and Objectives"
    panel.filter.clear()
    qtbot.keyClicks(panel.filter, "nothing like this")
    assert rows(panel) == []
    panel.filter.clear()
    assert rows(panel) == everything


# --- the library changes, other processes write ------------------------------------------

NILE = ("The Nile flows north through eleven countries of eastern Africa before it reaches "
        "the Mediterranean Sea, and its yearly flood laid black silt on the fields of Egypt.")
EVEREST = "Everest is the highest mountain above sea level, on the border of Nepal and Tibet."


def _world(root: Path, nile_heading: str = "The Nile", mountains: bool = True) -> Path:
    files = {"rivers.md": f"# Rivers\n\nRivers carry water.\n\n## {nile_heading}\n\n{NILE}\n\n"
                          "## The Amazon\n\nThe Amazon is the largest river by volume.\n"}
    if mountains:
        files["mountains.md"] = f"# Mountains\n\nMountains are high.\n\n## Everest\n\n{EVEREST}\n"
    return write_library(root, files)


def test_an_edited_library_re_anchors_a_renamed_heading_and_greys_out_a_missing_one(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = _world(tmp_path / "library")
    window = open_window(root)
    activate(qtbot, window)
    for title in ("The Nile", "Everest"):
        click_tree_item(qtbot, window, title)
        qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    window.close()

    (root / "mountains.md").unlink()
    _world(root, nile_heading="The River Nile", mountains=False)
    again = open_window(root)
    wait_resolved(qtbot, again)
    panel = show_bookmarks(qtbot, again)
    assert rows(panel) == ["The River Nile", "Everest"]
    nile, everest = find_row(panel, "The River Nile"), find_row(panel, "Everest")
    assert nile.data(ID_ROLE) == "rivers#the-river-nile"
    assert not nile.data(MISSING_ROLE)
    assert everest.data(MISSING_ROLE)
    assert everest.data(Qt.ItemDataRole.ForegroundRole).color() == \
        QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert "is missing" in everest.data(Qt.ItemDataRole.ToolTipRole)
    assert everest.data(TRAIL_ROLE) == "missing — was in Mountains"

    click_row(qtbot, panel, "Everest")
    navigations: list[str] = []
    again.navigated.connect(navigations.append)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert navigations == []
    assert again.statusBar().currentMessage().startswith("“Everest” is missing")

    click_row(qtbot, panel, "The River Nile")
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert navigations == ["rivers#the-river-nile"]
    assert text_at_top(again) == "The River Nile"
    assert again.bookmarks.star.isChecked()


def test_a_live_reload_of_the_library_updates_the_bookmarks(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    root = _world(tmp_path / "library")
    library = load_library(root)
    BookmarkStore().add(library, "mountains#everest")
    window = open_window(library)
    wait_resolved(qtbot, window)
    panel = show_bookmarks(qtbot, window)
    assert not find_row(panel, "Everest").data(MISSING_ROLE)

    (root / "mountains.md").unlink()
    window.set_library(load_library(root))
    wait_resolved(qtbot, window)
    assert find_row(panel, "Everest").data(MISSING_ROLE)


def test_a_bookmark_from_another_library_says_where_it_is(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    BookmarkStore().add(load_library(_world(tmp_path / "geography")), "rivers#the-nile")
    window = open_window()  # the built-in library
    wait_resolved(qtbot, window)
    panel = show_bookmarks(qtbot, window)
    nile = find_row(panel, "The Nile")
    assert nile.data(MISSING_ROLE)
    assert nile.data(TRAIL_ROLE) == "in another library: geography"
    click_row(qtbot, panel, "The Nile")
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert "is in another library" in window.statusBar().currentMessage()
    assert text_at_top(window) == "Seven Thousand Cadres Conference"


def test_a_bookmark_added_by_another_process_appears(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    wait_resolved(qtbot, window)  # the file is watched from then on
    panel = show_bookmarks(qtbot, window)
    click_tree_item(qtbot, window, "Conclusion")
    assert not window.bookmarks.star.isChecked()
    subprocess.run([sys.executable, "-m", "viewer", "bookmarks", "add", CONCLUSION,
                    "--folder", "From the shell"], check=True, capture_output=True, timeout=60)
    qtbot.waitUntil(lambda: rows(panel) == ["[From the shell]", "From the shell/Conclusion"])
    assert window.bookmarks.star.isChecked()


def test_a_corrupt_bookmarks_file_is_moved_aside_and_the_reader_told(
        qtbot: QtBot, open_window: OpenWindow, encyclopedia_home: Path) -> None:
    data = encyclopedia_home / "data"
    data.mkdir(parents=True)
    (data / "bookmarks.json").write_text("{ this is not json", encoding="utf-8")
    window = open_window()
    qtbot.waitUntil(lambda: "could not be read" in window.statusBar().currentMessage())
    assert "bookmarks.json.damaged-" in window.statusBar().currentMessage()
    assert len(list(data.glob("bookmarks.json.damaged-*"))) == 1
    panel = show_bookmarks(qtbot, window)
    assert rows(panel) == []
    assert panel.empty.isVisible()


# --- export and import ------------------------------------------------------------------------

def _pick_file(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    dialog = window.bookmarks.dialog
    assert isinstance(dialog, QWidget)
    qtbot.waitExposed(dialog)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    # Pasted, as a reader would a path (typed, it would open the completer's popup).
    name.selectAll()
    QApplication.clipboard().setText(str(path))
    qtbot.keyClick(name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.bookmarks.dialog is None)


def test_export_to_xbel_and_import_it_back(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library = load_library()
    store = BookmarkStore()
    store.add(library, LEGACY, folder="Economy", note="decentralisation")
    store.add(library, CONCLUSION)
    window = open_window(library)
    panel = show_bookmarks(qtbot, window)
    before = rows(panel)

    out = tmp_path / "mine.xbel"
    window.bookmarks.export_action.trigger()
    _pick_file(qtbot, window, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<xbel" in text
    assert f'href="encyclopedia:{SLUG}#legacy-and-reforms"' in text
    assert window.statusBar().currentMessage().startswith("Exported 2 bookmarks to")

    for key in panel.model.store.shelf.bookmarks:
        panel.model.remove([key.key])
    assert rows(panel) == ["[Economy]"]
    window.bookmarks.import_action.trigger()
    _pick_file(qtbot, window, out)
    assert rows(panel) == before
    assert BookmarkStore().find(LEGACY)[0].note == "decentralisation"
    assert window.statusBar().currentMessage() == "Imported 2 bookmarks from mine.xbel"


def test_importing_a_file_that_is_not_bookmarks_says_so(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"hello": 1}', encoding="utf-8")
    window = open_window()
    window.bookmarks.import_from(junk)
    assert "not a bookmarks file" in window.statusBar().currentMessage()


# --- the model ------------------------------------------------------------------------------

def test_the_bookmarks_model_and_its_filter_pass_qts_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    library = load_library()
    store = BookmarkStore()
    store.create_folder("Empty")
    store.add(library, LEGACY, folder="Economy")
    store.add(library, BACKGROUND, folder="Economy", note="why")
    store.add(library, CONCLUSION)
    model = BookmarksModel(store)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.rowCount(model.folder_index("Economy")) == 2
    proxy = BookmarksFilter()
    proxy.setSourceModel(model)
    proxy.set_filter("why")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
