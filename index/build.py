"""Building and updating the index of a library, incrementally and safely.

The index of a library lives in ``cache_dir()/indexes/<library_key(root)>``,
never in the content folder (which may be read-only)::

    whoosh/      the Whoosh index: one document per section
    state.json   format version, a fingerprint per source file, and the size of
                 every index file as last committed (written atomically)
    words.txt    the library's words as written, for spelling and expansion
    lock         held while anyone updates, so two processes never collide

:func:`update_index` compares the library with ``state.json`` and touches only
what changed: an unchanged library writes nothing, a changed file re-indexes
only its own sections, a deleted file's sections go. An index that is missing,
outdated (another :func:`index_format`) or damaged (its files differ from what was
committed, or it fails to open, count or answer a canary query) is rebuilt from
scratch, with a logged warning and ``IndexStats.rebuilt`` set, never a crash.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import os
import re
import shutil
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from content.files import NOT_WRITABLE, atomic_write, fsync_path, read_file
from content.library import Article, Library
from content.places import cache_dir, library_key
from index.analysis import raw_words, spelling_word
from index.errors import Error, IndexBusy, IndexCorrupt
from index.plaintext import section_texts
from index.schema import PATH_SEPARATOR, index_format, make_codec, make_schema

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with ``(files done, files to do)``: first ``(0, n)``, last ``(n, n)``
once the index is committed. Not called when there is nothing to do."""

STATE = "state.json"
VOCABULARY = "words.txt"
WHOOSH_DIR = "whoosh"
LOCK = "lock"
LOCK_WAIT = 300.0  # seconds: a first build of a big library can take minutes
# Below this many sections, forking writer processes costs more than it saves.
PARALLEL_FROM = 2000
RECORD_LIMIT = 256 * 2**20  # bytes of state.json: a million files' fingerprints is ~100 MB


@dataclass(frozen=True)
class IndexStats:
    """What an update did; the first six fields are the ``index --json`` shape."""

    articles: int  # in the library
    sections: int  # documents in the index now
    added: int  # sections indexed that were not there before
    updated: int  # sections re-indexed because their file changed
    removed: int  # sections dropped with their file, or gone from a changed file
    seconds: float
    rebuilt: bool = False  # the index was (re)made from scratch
    # Why it was rebuilt, for a reason the user may want to know; or, if not rebuilt,
    # why it could not be updated (it may be behind the library).
    notice: str = ""

    def as_json(self) -> dict[str, int | float]:
        return {"articles": self.articles, "sections": self.sections, "added": self.added,
                "updated": self.updated, "removed": self.removed,
                "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class SectionDocument:
    """One section as the index stores it."""

    id: str
    article: str
    title: str
    path: tuple[str, ...]
    body: str

    def fields(self) -> dict[str, str]:
        return {"id": self.id, "article": self.article, "title": self.title,
                "path": PATH_SEPARATOR.join(self.path), "body": self.body, "name": self.title}


def section_documents(article: Article) -> list[SectionDocument]:
    """The documents of one article: its lead, then every section in order.

    The lead's title also carries the article's title (as the table of contents
    names it, and as its own heading does) and aliases, so that searching for an
    article's name lands on its beginning.
    """
    texts = section_texts(article)
    documents = []
    for section in article.walk():
        title = section.title
        if section.id == article.lead_id:
            names = dict.fromkeys([article.title, section.title, article.heading,
                                   *article.aliases])
            title = "\n".join(name for name in names if name)
        documents.append(SectionDocument(section.id, article.slug, title, section.trail,
                                         texts[section.id]))
    return documents


def indexed_as(article: Article) -> str:
    """What an article's documents are made of: its file (and includes), and the
    names the table of contents gives it and the rows above it, which its sections'
    titles and trails carry. A change to any of them re-indexes it."""
    names = "\x1f".join((article.title, article.heading, *article.aliases, "\x1e",
                         *article.trail))
    return f"{article.fingerprint}:{zlib.crc32(names.encode()):08x}"


def index_dir(root: Path) -> Path:
    """Where the index of the library at ``root`` lives."""
    return cache_dir() / "indexes" / library_key(root)


def update_index(library: Library, progress: Progress | None = None, *,
                 rebuild: bool = False, procs: int = 1,
                 wait: float = LOCK_WAIT) -> IndexStats:
    """Bring the library's index up to date and say what that took.

    ``procs > 1`` lets a big first build use that many writer processes. Only
    pass it from a process that runs no threads (the command line, a script):
    the writer forks. ``wait`` is how long to wait for another process that is
    updating the same index before raising :class:`IndexBusy`. Raises
    :class:`Error` if the index needs writing and its folder cannot take it (a
    read-only or full disk): a saved index is what this is for.
    """
    try:
        stats, ix = _update_and_open(library, progress, rebuild=rebuild, procs=procs,
                                     wait=wait)
    except OSError as error:
        if error.errno not in NOT_WRITABLE:
            raise
        raise Error(f"the search index cannot be saved in {index_dir(library.root)}: "
                    f"{error.strerror or error}") from error
    ix.close()
    return stats


def update_and_open(library: Library, progress: Progress | None = None, *,
                    rebuild: bool = False, procs: int = 1,
                    wait: float = LOCK_WAIT) -> tuple[IndexStats, Any]:
    """As :func:`update_index`, also returning the open (and checked) Whoosh index.

    Where the index needs writing and its folder cannot take it (a read-only
    home, a full disk, a cache folder that is not ours), the index as last saved
    is opened as it is: ``stats.notice`` says why, and as ``stats.rebuilt`` is
    False, the results may be behind the library. If there is none that can be
    searched, :class:`Error` says why.
    """
    try:
        return _update_and_open(library, progress, rebuild=rebuild, procs=procs, wait=wait)
    except OSError as error:
        if error.errno not in NOT_WRITABLE:
            raise
        return _as_last_saved(library, error)


def _update_and_open(library: Library, progress: Progress | None, *, rebuild: bool,
                     procs: int, wait: float) -> tuple[IndexStats, Any]:
    started = time.perf_counter()
    folder = index_dir(library.root)
    folder.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder / LOCK, wait):
        # Read the state only now: whoever held the lock may just have done our work.
        ix, state, notice, fresh = _open_or_create(folder, rebuild)
        try:
            try:
                stats = _apply(ix, folder, library, state, progress, procs)
            except IndexCorrupt as error:
                if fresh and procs == 1:
                    raise
                # The update lost documents (a writer process that dies takes
                # its share with it): start again, in this process only.
                notice = f"the update went wrong ({error})"
                logger.warning("rebuilding the search index of %s: %s", library.root, notice)
                ix.close()
                (ix, state), fresh = _create(folder), True
                stats = _apply(ix, folder, library, state, progress, 1)
        except BaseException:
            ix.close()
            raise
    seconds = time.perf_counter() - started
    return IndexStats(stats.articles, stats.sections, stats.added, stats.updated,
                      stats.removed, seconds, fresh, notice), ix


def open_committed(library: Library) -> Any | None:
    """The library's index as last committed, checked but neither updated nor locked;
    None if there is nothing worth searching there yet (no record, another format,
    no sections, or it fails its checks, as it may while an update is half-way).

    For answering at once while an update runs, in this process or another:
    Whoosh shows readers the last commit, and a :class:`Searcher` moves on to a
    newer one by itself.
    """
    folder = index_dir(library.root)
    state = _read_state(folder)
    if state is None or state.get("format") != index_format() or not state["documents"]:
        return None
    try:
        return open_checked(folder, state)
    except Exception as error:  # any failure means: not now
        logger.info("the saved index in %s cannot be searched now: %s", folder, error)
        return None


def _as_last_saved(library: Library, error: OSError) -> tuple[IndexStats, Any]:
    """The index as last saved, opened unlocked and unchanged: it cannot be written."""
    folder = index_dir(library.root)
    why = error.strerror or str(error)
    logger.info("the search index in %s cannot be written (%s): searching it as saved",
                folder, why)
    state = _read_state(folder)
    try:
        if state is None or state.get("format") != index_format():
            raise IndexCorrupt("none was saved by this version")
        ix = open_checked(folder, state)
    except Exception as unusable:  # any failure to read means there is nothing to search
        raise Error(f"the search index cannot be saved in {folder} ({why}), and there is "
                    f"no usable one there: {unusable}") from error
    # Not rebuilt, with a notice: the index may be behind the library.
    return IndexStats(len(library.articles), state["documents"], 0, 0, 0, 0.0, False,
                      f"it cannot be saved ({why})"), ix


def _open_or_create(folder: Path, rebuild: bool) -> tuple[Any, dict[str, Any], str, bool]:
    """The index as recorded and checked, or a new empty one; the notice why; and
    whether it is new."""
    state, problem = (None, "") if rebuild else _read_record(folder)
    notice = ""
    if state is None:
        if problem:
            notice = f"its record of what it holds is damaged ({problem})"
        elif not rebuild and os.path.lexists(folder / WHOOSH_DIR):
            notice = "the index had no readable record of its contents"
    elif state.get("format") != index_format():
        notice = (f"the index was made by another version "
                  f"({state.get('format')!r}, now {index_format()!r})")
    else:
        try:
            return open_checked(folder, state), state, "", False
        except Exception as error:  # any failure to read means rebuild
            notice = f"the index was damaged ({type(error).__name__}: {error})"
    if notice:
        logger.info("rebuilding the search index in %s: %s", folder, notice)
    ix, state = _create(folder)
    return ix, state, notice, True


def _apply(ix: Any, folder: Path, library: Library, state: dict[str, Any],
           progress: Progress | None, procs: int) -> IndexStats:
    """Write the difference between ``state`` and ``library`` into ``ix``."""
    known: dict[str, str] = state["articles"]
    current = {article.slug: indexed_as(article) for article in library.articles}
    changed = [a for a in library.articles if known.get(a.slug) != current[a.slug]]
    deleted = sorted(set(known) - set(current))
    if not changed and not deleted:
        return IndexStats(len(current), state["documents"], 0, 0, 0, 0.0)

    old_ids, old_words = _replaced(ix, [a.slug for a in changed if a.slug in known] + deleted)
    total = len(changed)
    if progress is not None:
        progress(0, total)
    writing = sum(1 for a in changed for _ in a.walk())
    writer = _writer(ix, procs if writing >= PARALLEL_FROM else 1)
    added = updated = removed = 0
    seen: collections.Counter[str] = collections.Counter()
    try:
        for slug in deleted:
            writer.delete_by_term("article", slug)
            removed += len(old_ids.get(slug, ()))
        for done, article in enumerate(changed):
            before = old_ids.get(article.slug, set())
            if article.slug in known:
                writer.delete_by_term("article", article.slug)
            now = set()
            for document in section_documents(article):
                fields = document.fields()
                writer.add_document(**fields)
                # Sections per word, not occurrences: what ranks an expansion.
                seen.update(set(raw_words(f"{fields['title']}\n{fields['body']}")))
                now.add(document.id)
            added += len(now - before)
            updated += len(now & before)
            removed += len(before - now)
            if progress is not None and done + 1 < total:
                progress(done + 1, total)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    documents = ix.doc_count()
    expected = state["documents"] - sum(len(ids) for ids in old_ids.values()) + writing
    if documents != expected:
        raise IndexCorrupt(f"the index holds {documents} sections after the update, "
                           f"{expected} expected")
    _record(folder, ix, current, documents, seen, old_words, fresh=not known)
    if progress is not None:
        progress(total, total)
    return IndexStats(len(current), documents, added, updated, removed, 0.0)


def _writer(ix: Any, procs: int) -> Any:
    # compound=False: a searcher then maps the segment files directly, which
    # WHOOSH.md measured at 28 MB against 196 MB of memory, and faster opening.
    # limitmb=64 per writer: at 20,000 sections as fast as 128 or 256, and the
    # peak memory of a writer process 192 MB against 268 or 427 (measured).
    if procs > 1:
        # Writer processes that die with this one: a killed build must leave
        # none behind, holding the lock (see index/parallel.py).
        from index.parallel import parallel_writer

        return parallel_writer(ix, procs, multisegment=True, limitmb=64, compound=False,
                               codec=make_codec(), timeout=10.0)
    return ix.writer(limitmb=64, compound=False, codec=make_codec(), timeout=10.0)


def _replaced(ix: Any, slugs: list[str]) -> tuple[dict[str, set[str]],
                                                 collections.Counter[str]]:
    """The ids of the articles' sections in the index, before an update replaces them,
    and the words of those sections (counted as ``seen`` counts the new ones).

    :func:`_record` takes those words out of the vocabulary after the commit: the
    vocabulary then holds the words of the live sections only, as a fresh build's
    does, and expansions and suggestions cannot depend on edits long gone.
    """
    found: dict[str, set[str]] = {}
    removed: collections.Counter[str] = collections.Counter()
    if not slugs:
        return found, removed
    with ix.searcher() as searcher:
        for slug in slugs:
            ids = found[slug] = set()
            for docnum in searcher.document_numbers(article=slug):
                stored = searcher.stored_fields(docnum)
                ids.add(stored["id"])
                removed.update(set(raw_words(f"{stored.get('title', '')}\n"
                                             f"{stored.get('body', '')}")))
    return found, removed


# Opening and checking


def open_checked(folder: Path, state: dict[str, Any]) -> Any:
    """The Whoosh index in ``folder``, after checking it is what ``state`` says.

    Cheap enough for every start (a few milliseconds): file sizes against the
    record catch a truncated or half-written file; opening, counting and one
    canary query catch most of the rest. Raises on any mismatch.
    """
    from whoosh import index as whoosh_index
    from whoosh.query import Term

    files = state.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexCorrupt("no record of the index files")
    whoosh_dir = folder / WHOOSH_DIR
    for name, size in files.items():
        if not _is_size(size) or Path(name).name != name or name in ("", ".", ".."):
            raise IndexCorrupt(f"the record of the index file {name[:80]!r} is damaged")
        entry = os.lstat(whoosh_dir / name)
        if not stat.S_ISREG(entry.st_mode):
            raise IndexCorrupt(f"{name} is not a file")
        if entry.st_size != size:
            raise IndexCorrupt(f"{name} is {entry.st_size} bytes, {size} when committed")
    ix = whoosh_index.open_dir(str(whoosh_dir))
    try:
        if ix.doc_count() != state["documents"]:
            raise IndexCorrupt(f"{ix.doc_count()} sections, {state['documents']} recorded")
        if state["documents"]:
            with ix.searcher() as searcher:
                reader = searcher.reader()
                # Stored fields at both ends, then one real query through postings.
                searcher.stored_fields(next(reader.all_doc_ids()))
                searcher.stored_fields(reader.doc_count_all() - 1)
                slug = next(iter(state["articles"]), "")
                if slug and not searcher.search(Term("article", slug), limit=1):
                    raise IndexCorrupt(f"article {slug!r} is recorded but not in the index")
    except BaseException:
        ix.close()
        raise
    return ix


def _create(folder: Path) -> tuple[Any, dict[str, Any]]:
    """A new, empty index in place of whatever was there, and its record.

    It is recorded at once, so a first build that is cancelled (the window
    closed) leaves a good empty index rather than one that looks damaged.

    Its generation carries on from the old one's: a searcher elsewhere knows
    the index changed by its generation, and a rebuilt index starting again
    from 0 would, two commits later, look like the one it already has.
    """
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage

    whoosh_dir = folder / WHOOSH_DIR
    generation = max((int(m.group(1)) for p in whoosh_dir.glob("_MAIN_*.toc")
                      if (m := re.fullmatch(r"_MAIN_(\d{1,9})\.toc", p.name))), default=0)
    # Whatever is in the way goes, be it a folder where a file was or the reverse.
    _remove(whoosh_dir)
    _remove(folder / STATE)
    whoosh_dir.mkdir(parents=True)
    storage = FileStorage(str(whoosh_dir))
    schema = make_schema()
    whoosh_index.TOC(schema, [], generation + 1).write(storage, "MAIN")
    ix = whoosh_index.FileIndex(storage, schema, "MAIN")
    _record(folder, ix, {}, 0, collections.Counter(), collections.Counter(), fresh=True)
    state = _read_state(folder)
    assert state is not None  # just written
    return ix, state


def _remove(path: Path) -> None:
    """Delete a file or a folder tree; nothing if there is none. Raises OSError."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# The record beside the index


def _read_state(folder: Path) -> dict[str, Any] | None:
    """The record beside the index, or None if there is none that can be used."""
    return _read_record(folder)[0]


def _read_record(folder: Path) -> tuple[dict[str, Any] | None, str]:
    """The record beside the index and ``""``; or None and what is wrong with it
    (``""`` when there is none). Never raises: whatever the file holds, a
    damaged record means a rebuild."""
    try:
        raw = read_file(folder / STATE, RECORD_LIMIT)
    except FileNotFoundError:
        return None, ""
    except OSError as error:  # a folder, a pipe, no permission
        return None, error.strerror or type(error).__name__
    if len(raw) > RECORD_LIMIT:
        return None, "it is too big"
    if not raw.strip():
        return None, "it is empty"
    try:
        state = json.loads(raw.decode("utf-8"))
    except RecursionError:
        return None, "it is nested too deeply"
    except ValueError:  # not UTF-8, not JSON, a number of thousands of digits
        return None, "it is not valid JSON"
    if not isinstance(state, dict):
        return None, "it is not a JSON object"
    articles, files = state.get("articles"), state.get("files", {})
    if not isinstance(state.get("format"), str) or len(state["format"]) > 200:
        return None, "it has no format"
    if not isinstance(articles, dict) or not all(isinstance(v, str) for v in articles.values()):
        return None, "its list of articles is damaged"
    if not _is_size(state.get("documents")):
        return None, "its count of sections is out of range"
    if not isinstance(files, dict) or not all(_is_size(size) for size in files.values()):
        return None, "its sizes of files are out of range"
    return state, ""


def _is_size(value: Any) -> bool:
    """A count or a size as JSON gives it: an int from 0 (not 1e308, NaN or true)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _record(folder: Path, ix: Any, articles: dict[str, str], documents: int,
            new_words: collections.Counter[str], old_words: collections.Counter[str],
            fresh: bool) -> None:
    """Write words.txt then state.json, each atomically, after a commit.

    The index files are synced first: Whoosh never fsyncs, and a record that
    vouches for files still in the page cache would survive a power cut that
    the files do not.
    """
    whoosh_dir = folder / WHOOSH_DIR
    files = _committed_files(ix, whoosh_dir)
    for name in files:
        fsync_path(whoosh_dir / name)
    vocabulary: collections.Counter[str] = collections.Counter()
    changes: list[tuple[collections.Counter[str], int]] = [(new_words, 1)]
    if not fresh:
        vocabulary.update(dict(zip(*read_vocabulary(folder), strict=True)))
        # The words of the sections this update replaced or deleted go, so
        # that the counts are those of the live sections, as after a rebuild.
        changes.append((old_words, -1))
    for counts, sign in changes:
        for raw, sections in counts.items():
            word = spelling_word(raw)
            if word:
                vocabulary[word] += sign * sections
    atomic_write(folder / VOCABULARY,
                  "\n".join(f"{word}\t{count}" for word, count in sorted(vocabulary.items())
                            if count > 0))
    state = {"format": index_format(), "articles": articles, "documents": documents,
             "files": files}
    atomic_write(folder / STATE, json.dumps(state, ensure_ascii=False))


def _committed_files(ix: Any, whoosh_dir: Path) -> dict[str, int]:
    """The files the latest generation needs: its TOC and its segments' files."""
    generation = ix.latest_generation()
    prefixes = tuple(f"{segment.segment_id()}." for segment in ix._segments())
    names = [f"_{ix.indexname}_{generation}.toc"]
    names += [entry.name for entry in os.scandir(whoosh_dir) if entry.name.startswith(prefixes)]
    return {name: (whoosh_dir / name).stat().st_size for name in sorted(names)}


def forget(folder: Path) -> None:
    """Drop the record of the index in ``folder``, so the next update rebuilds it.

    For damage found while searching, which the cheap checks on opening missed.
    """
    try:
        with _exclusive(folder / LOCK, wait=5.0):
            (folder / STATE).unlink(missing_ok=True)
    except (OSError, IndexBusy) as error:
        logger.warning("could not mark the index in %s for rebuilding: %s", folder, error)


def read_vocabulary(folder: Path) -> tuple[list[str], list[int]]:
    """The library's words as written, sorted, and in how many sections each is
    (both empty if there is no record)."""
    try:
        text = (folder / VOCABULARY).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [], []
    words, counts = [], []
    for line in text.split("\n"):
        word, _, count = line.partition("\t")
        if word and count.isdigit():
            words.append(word)
            counts.append(int(count))
    return words, counts


# One updater at a time


@contextlib.contextmanager
def _exclusive(path: Path, wait: float) -> Iterator[None]:
    """Hold an OS lock on ``path``; the OS drops it if the process dies.

    In a folder that cannot be written, the lock file is locked as it is, so that
    an index that needs no update can still be opened; OSError if there is none.
    """
    file: BinaryIO
    try:
        file = open(path, "a+b")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        if error.errno not in NOT_WRITABLE:
            raise
        try:
            file = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError:
            raise error from None
    with file:
        deadline = time.monotonic() + wait
        while not _try_lock(file.fileno()):
            if time.monotonic() >= deadline:
                raise IndexBusy(f"another process has been updating the index for more "
                                f"than {wait:.0f} s ({path.parent})")
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(file.fileno())


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # the lock covers one byte from here
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
