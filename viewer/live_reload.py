"""Live reload: edit, add or remove a Markdown file and the window follows, no restart.

The library's folder, every folder below it and every article file are
watched (QFileSystemWatcher), and so are the files that shape it from outside
that folder: an mdBook's ``book.toml``, an MkDocs site's ``mkdocs.yml``, and
the files its pages include. A burst of changes — an editor's atomic save is
a write, a rename and a delete — settles for ``DEBOUNCE_MS``, then the library
is loaded again in a worker thread and handed to ``window.set_library``, which
keeps the reader's place and emits ``libraryChanged`` (the search index
re-indexes just the changed files from there).

Editors that save atomically replace the file, and the watcher loses it; so
after every reload the watch list is made whole again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QRunnable, QThreadPool, QTimer, Signal

from content import ContentError, Library, load_library
from content.loading import MARKDOWN_SUFFIXES

if TYPE_CHECKING:
    from viewer.mainwindow import MainWindow

logger = logging.getLogger(__name__)
DEBOUNCE_MS = 300


def library_paths(root: Path) -> tuple[list[str], list[str]]:
    """(folders, Markdown files) at and below ``root``, hidden folders skipped, as loading
    does."""
    folders, files = [str(root)], []
    for here, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        folders.extend(os.path.join(here, d) for d in subfolders)
        files.extend(os.path.join(here, n) for n in sorted(names)
                     if n.lower().endswith(MARKDOWN_SUFFIXES))
    return folders, files


def watched_paths(library: Library) -> tuple[list[str], list[str]]:
    """(folders, files) to watch for ``library``: its own, and those that shape it from
    outside its folder (its configuration, the files its pages include)."""
    folders, files = library_paths(library.root)
    outside = {str(path) for path in library.config}
    outside.update(str(path) for article in library.articles for path in article.includes)
    return folders, files + sorted(outside - set(files))


def same_library(old: Library, new: Library) -> bool:
    """Whether nothing a reader could see changed (a touch, an editor's backup file...)."""
    return (old.warnings == new.warnings and old.contents == new.contents and
            [(a.slug, a.fingerprint, a.title, a.trail) for a in old.articles] ==
            [(a.slug, a.fingerprint, a.title, a.trail) for a in new.articles])


class _Signals(QObject):
    loaded = Signal(object)  # the Library, or the ContentError that stopped it


class _Loader(QRunnable):
    def __init__(self, source: Path) -> None:
        super().__init__()
        self.signals = _Signals()
        self._source = source

    def run(self) -> None:
        try:
            result: object = load_library(self._source)
        except ContentError as error:
            result = error
        except OSError as error:
            result = ContentError(str(error))
        self.signals.loaded.emit(result)


class LiveReload(QObject):
    reloaded = Signal(object)  # the new Library, after the window shows it

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._watcher: QFileSystemWatcher | None = None
        self._source: Path | None = None
        self._one_file = False
        self._given: Path | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.reload)
        self._loading: _Loader | None = None
        self._again = False  # a change came in while loading

    @property
    def watching(self) -> list[str]:
        if self._watcher is None:
            return []
        return self._watcher.directories() + self._watcher.files()

    def set_source(self, path: Path | None) -> None:
        """What the library was opened from: a folder, or one Markdown file.

        The window only knows the library's folder; a library opened from one
        file must stay that file when others appear beside it.
        """
        self._given = Path(path).resolve() if path is not None else None
        if self._watcher is not None:
            self._configure()

    def start(self) -> None:
        """Begin watching the window's library (cheap enough to do after the first paint)."""
        if self._watcher is not None:
            return
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._changed)
        self._watcher.fileChanged.connect(self._changed)
        self._configure()

    def _configure(self) -> None:
        library = self._window.library
        folders, files = watched_paths(library)
        if self._given is not None:
            self._one_file = self._given.is_file()
            self._source = self._given if self._one_file else library.root
        else:
            # Not told: one article among several files can only be a library of one file.
            self._one_file = len(library.articles) == 1 and len(files) > 1
            self._source = library.articles[0].path if self._one_file else library.root
        if self._one_file:
            self._watch_library(library)
        else:
            self._watch(folders, files)

    def _watch_library(self, library: Library) -> None:
        if self._one_file:
            assert self._source is not None
            self._watch([str(library.root)], [str(self._source)])
        else:
            self._watch(*watched_paths(library))

    def _watch(self, folders: list[str], files: list[str]) -> None:
        assert self._watcher is not None
        wanted = set(folders) | set(files)
        stale = [p for p in self.watching if p not in wanted]
        if stale:
            self._watcher.removePaths(stale)
        missing = [p for p in (*folders, *files) if p not in set(self.watching)]
        if missing:
            failed = self._watcher.addPaths(missing)
            if failed:
                logger.info("not watched: %s", ", ".join(failed))

    def _changed(self, path: str) -> None:
        logger.debug("changed: %s", path)
        self._timer.start()  # restarts: wait until the burst is over

    def reload(self) -> None:
        """Load the library again now (also File > Reload Library)."""
        if self._source is None:
            self.start()
        if self._loading is not None:
            self._again = True
            return
        assert self._source is not None
        loader = _Loader(self._source)
        loader.setAutoDelete(False)
        loader.signals.loaded.connect(self._loaded)
        self._loading = loader
        QThreadPool.globalInstance().start(loader)

    def _loaded(self, result: object) -> None:
        self._loading = None
        if self._again:
            self._again = False
            self.reload()  # what we loaded is already out of date
            return
        window = self._window
        if isinstance(result, ContentError):
            window.statusBar().showMessage(f"Library not reloaded: {result}", 10000)
            return
        assert isinstance(result, Library)
        self._watch_library(result)
        if same_library(window.library, result):
            return
        changed = _describe(window.library, result)
        window.set_library(result)
        window.statusBar().showMessage(f"Library reloaded: {changed}", 5000)
        self.reloaded.emit(result)


def _describe(old: Library, new: Library) -> str:
    before = {a.slug: a.fingerprint for a in old.articles}
    after = {a.slug: a.fingerprint for a in new.articles}
    parts = [f"{slug} added" for slug in after if slug not in before]
    parts += [f"{slug} removed" for slug in before if slug not in after]
    parts += [f"{slug} changed" for slug in after if slug in before and before[slug] != after[slug]]
    if len(parts) > 3:
        return f"{len(parts)} articles changed"
    return ", ".join(parts) or "warnings changed"
