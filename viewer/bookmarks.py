"""Section bookmarks that survive restarts, crashes, other windows and edited articles.

Plain Python, no Qt: the command line and the tests use it without a display, and
the Bookmarks panel only displays what :class:`BookmarkStore` holds.

    >>> store = BookmarkStore()                  # data_dir()/bookmarks.json
    >>> store.add(library, "seven-thousand-cadres-conference#legacy-and-reforms",
    ...           folder="To read", note="compare with 1958")
    >>> [b.label for b in store.resolve(library)]   # re-anchored, `missing` flagged
    ['Legacy and Reforms']

**On disk.** One JSON object ``{"format": "encyclopedia-bookmarks", "version": 1,
"folders": [...], "bookmarks": [...]}``, written atomically. Every change locks the
file, reads it again, applies itself to what is there and writes: two windows or
processes never lose each other's bookmarks. A damaged file is kept aside as
``bookmarks.json.damaged-<time>`` and :meth:`BookmarkStore.take_notices` says so;
one with some unusable entries is kept aside the same way and rewritten with the
others. Reading needs no write access: a read-only data folder lists them.

**Importing** reads a file that may be hostile: XML through ``defusedxml``
(no entity expansion, no external entities or DTDs fetched), at most
:data:`IMPORT_LIMIT` bytes, folders at most :data:`FOLDER_DEPTH` deep. Anything
else is refused with one line (:class:`UnreadableBookmarks`).

**Identity.** A bookmark is a section id in a folder: the same section may be
bookmarked in several folders, once in each. Import merges on that key.

**Folders** are one level deep; ``""`` is the top level. Deleting a folder moves
its bookmarks to the top level; it never deletes a bookmark. Folders from a
nested XBEL file are flattened to ``"Outer / Inner"``.

**Re-anchoring.** Each bookmark keeps its heading, article title, heading trail, a
fingerprint (a hash of the section's normalised text) and a small sketch of the
text for similarity. When its id is gone from the library it was made in (a
library whose folder moved is recognised by ids that still fit), it is found
again, in this order, by:

1. the exact text fingerprint, first in its own article, then anywhere;
2. the same heading in the same article (the most similar text if several);
3. the most similar text anywhere, if similar enough: at least half the same
   word pairs for the same heading or the same article, 70% otherwise.

Sections already bookmarked in the same folder are not candidates. If nothing
matches, the bookmark is kept, flagged ``missing``, with its last known heading;
it is never dropped, and found again if the section comes back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from content import ContentError, Library, Section, UnknownSection, split_id
from content.files import NotAFile, read_file
from content.places import data_dir
from content.render import section_texts
from viewer.links import resolve_link
from viewer.storage import (
    StorageError,
    atomic_write,
    locked,
    read_document,
    repair,
)

logger = logging.getLogger(__name__)

FORMAT = "encyclopedia-bookmarks"
FORMAT_VERSION = 1
FILE_NAME = "bookmarks.json"
TRAIL_SEPARATOR = " \u203a "  # a single right-pointing angle quote, as in breadcrumbs
HREF_SCHEME = "encyclopedia"  # XBEL hrefs are encyclopedia:slug#anchor
XBEL_DOCTYPE = ('<!DOCTYPE xbel PUBLIC "+//IDN python.org//DTD XML Bookmark Exchange '
                'Language 1.0//EN//XML" "http://www.python.org/topics/xml/dtds/xbel-1.0.dtd">')
XBEL_OWNER = "encyclopedia-viewer"  # our <metadata owner=...> in XBEL
FOLDER_SEPARATOR = " / "  # nested XBEL folders become one flat folder name
SKETCH_SIZE = 16  # hashes kept per text: 128 hex characters per bookmark
SIZE_LIMIT = 64 * 2**20  # bookmarks.json: ~100,000 bookmarks; more is not a bookmarks file
IMPORT_LIMIT = 32 * 2**20  # a file to import: a browser's XBEL of ten thousand is ~5 MB
FOLDER_DEPTH = 64  # XBEL folders in folders; deeper is not someone's bookmarks


class BookmarkError(Exception):
    """A bookmark operation that cannot be done, said in one line."""


class UnknownBookmark(BookmarkError):
    """No bookmark for that section id (in that folder)."""


class UnknownFolder(BookmarkError):
    """No folder of that name."""


class UnreadableBookmarks(BookmarkError):
    """A file to import that is missing, unreadable, or neither our JSON nor XBEL."""


@dataclass(frozen=True)
class Bookmark:
    """One bookmarked section, with what we last knew about it."""

    id: str  # section id, slug#anchor
    title: str  # its heading when last found: shown greyed when missing
    article: str  # its article's title
    path: tuple[str, ...]  # heading trail, article title first
    folder: str = ""  # "" is the top level
    note: str = ""
    name: str = ""  # the reader's own label; "" shows the heading
    created: str = ""  # ISO 8601, UTC
    fingerprint: str = ""  # hash of the normalised text; "" for a section with no text
    # Bookkeeping for re-anchoring; the GUI can ignore these.
    sketch: str = ""  # bottom-k hashes of the text's word pairs, for similarity
    library: str = ""  # root of the library it belongs to; "" until first found
    source: str = ""  # fingerprint of its article's file when it was last anchored
    searched: str = ""  # digest of the library last searched for it in vain
    missing: bool = field(default=False, compare=False)  # computed, never stored

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.folder)

    @property
    def label(self) -> str:
        return self.name or self.title or self.id

    @property
    def trail(self) -> str:
        return TRAIL_SEPARATOR.join(self.path)


@dataclass(frozen=True)
class ImportReport:
    added: int  # new bookmarks
    present: int  # already there (same section, same folder): merged, not duplicated
    skipped: tuple[str, ...]  # entries we could not use, and why


# --- Texts and fingerprints -----------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# Words, but each CJK character on its own: those scripts do not separate words.
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


def normalise_text(text: str) -> str:
    """Case, Unicode forms and spacing do not change a fingerprint."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_fingerprint(text: str) -> str:
    normalised = normalise_text(text)
    return hashlib.sha1(normalised.encode()).hexdigest()[:12] if normalised else ""


def text_sketch(text: str) -> str:
    """The smallest hashes of the text's word pairs: a bottom-k sketch for :func:`similarity`."""
    tokens = _TOKEN.findall(normalise_text(text))
    shingles = {" ".join(tokens[i:i + 2]) for i in range(max(len(tokens) - 1, 1))} if tokens \
        else set()
    hashes = sorted({int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big")
                     for s in shingles})
    return "".join(f"{h:08x}" for h in hashes[:SKETCH_SIZE])


def _sketch_hashes(sketch: str) -> set[int]:
    return {int(sketch[i:i + 8], 16) for i in range(0, len(sketch) - 7, 8)}


def similarity(sketch_a: str, sketch_b: str) -> float:
    """Estimated share of word pairs two texts have in common (Jaccard), 0..1."""
    a, b = _sketch_hashes(sketch_a), _sketch_hashes(sketch_b)
    if not a or not b:
        return 0.0
    # The k smallest of the union are a uniform sample of it; count those in both.
    sample = sorted(a | b)[:SKETCH_SIZE]
    both = a & b
    return sum(h in both for h in sample) / len(sample)


def library_digest(library: Library) -> str:
    """Changes whenever any article of the library does, or one comes or goes."""
    digest = hashlib.sha1(str(library.root).encode())
    for article in sorted(library.articles, key=lambda a: a.slug):
        digest.update(f"\0{article.slug}\0{article.fingerprint}".encode())
    return digest.hexdigest()[:16]


class SectionTexts:
    """The plain text of sections, rendering each article only once and only if asked."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._by_slug: dict[str, dict[str, str]] = {}

    def of(self, section: Section) -> str:
        """Its own text; for a section that is only a heading over sub-sections, their titles."""
        slug = section.slug
        if slug not in self._by_slug:
            try:
                self._by_slug[slug] = section_texts(self.library.article(slug))
            except ContentError as error:  # its file went away since the library was read
                logger.info("%s", error)
                self._by_slug[slug] = {}
        own = self._by_slug[slug].get(section.id, "")
        return own or " ".join(child.title for child in section.children)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def bookmark_for(library: Library, section_id: str, *, folder: str = "", note: str = "",
                 name: str = "", texts: SectionTexts | None = None) -> Bookmark:
    """A new bookmark on a section of ``library``; raises UnknownSection for a bad id."""
    section = library.section(section_id)
    new = Bookmark(section.id, section.title, "", (), folder=folder, note=note, name=name,
                   created=_now())
    return _anchored(new, library, section, texts or SectionTexts(library))


def _anchored(bookmark: Bookmark, library: Library, section: Section,
              texts: SectionTexts) -> Bookmark:
    """``bookmark`` pointed at ``section``, with what we know about it refreshed."""
    text = texts.of(section)
    return replace(bookmark, id=section.id, title=section.title,
                   article=library.article(section.slug).title, path=section.trail,
                   fingerprint=text_fingerprint(text), sketch=text_sketch(text),
                   library=str(library.root), source=library.article(section.slug).fingerprint,
                   searched="", missing=False)


# --- Re-anchoring ---------------------------------------------------------------------

def reanchor(bookmarks: Sequence[Bookmark], library: Library) -> tuple[Bookmark, ...]:
    """Every bookmark pointed at its section in ``library`` as it is now; see the module doc.

    Pure apart from rendering articles whose text it needs. Bookmarks made in
    another library are only checked, never moved; but when that library's folder
    is gone and the id fits this one, the library was moved and they are adopted.
    Unchanged articles are not rendered; the whole library is read only when a
    bookmark has to be searched for.
    """
    texts = SectionTexts(library)
    root = str(library.root)
    digest = library_digest(library)
    taken = {b.key for b in bookmarks if b.id in library}
    # A library whose folder is gone while some of its ids fit this one was moved here.
    moved_here = {b.library for b in bookmarks
                  if b.library and b.id in library and not Path(b.library).is_dir()}
    resolved = []
    for bookmark in bookmarks:
        ours = bookmark.library in ("", root) or bookmark.library in moved_here
        if bookmark.id in library:
            section = library.section(bookmark.id)
            if not ours:
                resolved.append(replace(bookmark, missing=False))
                continue
            if _up_to_date(bookmark, library, section):
                resolved.append(replace(bookmark, missing=False))
                continue
            if _is_another_section(bookmark, section, texts):
                section = _find_exact(bookmark, library, texts, taken) or section
            resolved.append(_anchored(bookmark, library, section, texts))
            continue
        if not ours or bookmark.searched == digest:
            resolved.append(replace(bookmark, missing=True))
            continue
        found = _find(bookmark, library, texts, taken)
        if found is None:
            logger.info("bookmark %s (%s) is missing", bookmark.id, bookmark.title)
            resolved.append(replace(bookmark, searched=digest, missing=True))
        else:
            logger.info("bookmark %s found again at %s", bookmark.id, found.id)
            taken.add((found.id, bookmark.folder))
            resolved.append(_anchored(bookmark, library, found, texts))
    return tuple(resolved)


def _up_to_date(bookmark: Bookmark, library: Library, section: Section) -> bool:
    return (bookmark.source == library.article(section.slug).fingerprint
            and bookmark.title == section.title and bookmark.path == section.trail
            and bookmark.library == str(library.root) and not bookmark.searched)


def _is_another_section(bookmark: Bookmark, section: Section, texts: SectionTexts) -> bool:
    """True when the id now names a different section (say, after ``-1`` anchors shifted)."""
    if not bookmark.fingerprint or _same_title(bookmark.title, section.title):
        return False
    return text_fingerprint(texts.of(section)) != bookmark.fingerprint


def _same_title(a: str, b: str) -> bool:
    return normalise_text(a) == normalise_text(b)


def _candidates(bookmark: Bookmark, sections: Iterable[Section],
                taken: set[tuple[str, str]]) -> Iterator[Section]:
    for section in sections:
        if section.id != bookmark.id and (section.id, bookmark.folder) not in taken:
            yield section


def _own_article(bookmark: Bookmark, library: Library) -> tuple[Section, ...]:
    try:
        return tuple(library.article(split_id(bookmark.id)[0]).walk())
    except UnknownSection:  # the article is gone (or was renamed)
        return ()


def _find_exact(bookmark: Bookmark, library: Library, texts: SectionTexts,
                taken: set[tuple[str, str]]) -> Section | None:
    if not bookmark.fingerprint:
        return None
    for scope in (_own_article(bookmark, library), library.sections()):
        exact = [s for s in _candidates(bookmark, scope, taken)
                 if text_fingerprint(texts.of(s)) == bookmark.fingerprint]
        if exact:
            # Several sections with the same text: the one with the same heading wins.
            return max(exact, key=lambda s: _same_title(s.title, bookmark.title))
    return None


def _find(bookmark: Bookmark, library: Library, texts: SectionTexts,
          taken: set[tuple[str, str]]) -> Section | None:
    exact = _find_exact(bookmark, library, texts, taken)
    if exact is not None:
        return exact
    own = _own_article(bookmark, library)
    same_heading = [s for s in _candidates(bookmark, own, taken)
                    if _same_title(s.title, bookmark.title)]
    if same_heading:
        return max(same_heading, key=lambda s: similarity(text_sketch(texts.of(s)),
                                                          bookmark.sketch))
    own_ids = {s.id for s in own}
    best, best_score = None, 0.0
    for section in _candidates(bookmark, library.sections(), taken):
        score = similarity(text_sketch(texts.of(section)), bookmark.sketch)
        close = _same_title(section.title, bookmark.title) or section.id in own_ids
        if score >= (0.5 if close else 0.7) and score > best_score:
            best, best_score = section, score
    return best


# --- All bookmarks as one value -------------------------------------------------------

def _clean_folder(name: str) -> str:
    return " ".join(name.split())


def _combine(kept: Bookmark, extra: Bookmark) -> Bookmark:
    """Two bookmarks on one section in one folder become one; nothing the reader wrote is lost."""
    note = kept.note
    if extra.note and extra.note not in note:
        note = f"{note}\n{extra.note}" if note else extra.note
    created = min((c for c in (kept.created, extra.created) if c), default="")
    return replace(kept, note=note, name=kept.name or extra.name, created=created)


@dataclass(frozen=True)
class Shelf:
    """All bookmarks and folders, as one value; every change returns a new Shelf."""

    bookmarks: tuple[Bookmark, ...] = ()
    folders: tuple[str, ...] = ()  # in the reader's order, empty ones included

    @classmethod
    def of(cls, bookmarks: Iterable[Bookmark], folders: Iterable[str] = ()) -> Shelf:
        """A Shelf with duplicates combined and every folder that a bookmark uses listed."""
        merged: dict[tuple[str, str], Bookmark] = {}
        for bookmark in bookmarks:
            bookmark = replace(bookmark, folder=_clean_folder(bookmark.folder))
            old = merged.get(bookmark.key)
            merged[bookmark.key] = bookmark if old is None else _combine(old, bookmark)
        names = [_clean_folder(f) for f in folders] + [b.folder for b in merged.values()]
        return cls(tuple(merged.values()), tuple(dict.fromkeys(n for n in names if n)))

    def find(self, section_id: str, folder: str | None = None) -> tuple[Bookmark, ...]:
        return tuple(b for b in self.bookmarks
                     if b.id == section_id and (folder is None or b.folder == folder))

    def get(self, section_id: str, folder: str = "") -> Bookmark:
        found = self.find(section_id, _clean_folder(folder))
        if not found:
            where = f" in folder {folder!r}" if folder else ""
            raise UnknownBookmark(f"no bookmark on {section_id!r}{where}")
        return found[0]

    def with_bookmark(self, bookmark: Bookmark) -> Shelf:
        return Shelf.of((*self.bookmarks, bookmark), self.folders)

    def without(self, section_id: str, folder: str | None = None) -> Shelf:
        gone = set(self.find(section_id, folder))
        return Shelf.of((b for b in self.bookmarks if b not in gone), self.folders)

    def changed(self, section_id: str, folder: str = "", *, note: str | None = None,
                name: str | None = None, to_folder: str | None = None) -> Shelf:
        """The bookmark (section_id, folder) with the fields given set; a new folder merges."""
        old = self.get(section_id, folder)
        new = replace(old, note=old.note if note is None else note,
                      name=old.name if name is None else name,
                      folder=old.folder if to_folder is None else to_folder)
        return Shelf.of((new if b is old else b for b in self.bookmarks), self.folders)

    def with_folder(self, name: str) -> Shelf:
        name = _clean_folder(name)
        if not name:
            raise BookmarkError("a folder needs a name")
        return Shelf.of(self.bookmarks, (*self.folders, name))

    def folder_renamed(self, old: str, new: str) -> Shelf:
        """Renaming onto an existing folder merges the two."""
        old, new = _clean_folder(old), _clean_folder(new)
        if old not in self.folders:
            raise UnknownFolder(f"no folder {old!r}")
        if not new:
            raise BookmarkError("a folder needs a name")
        folders = [f for f in self.folders if f != new] if new != old else list(self.folders)
        folders = [new if f == old else f for f in folders]
        return Shelf.of((replace(b, folder=new) if b.folder == old else b for b in self.bookmarks),
                        folders)

    def without_folder(self, name: str) -> Shelf:
        """The folder gone and its bookmarks at the top level: deleting never loses a bookmark."""
        name = _clean_folder(name)
        if name not in self.folders:
            raise UnknownFolder(f"no folder {name!r}")
        return Shelf.of((replace(b, folder="") if b.folder == name else b for b in self.bookmarks),
                        (f for f in self.folders if f != name))

    def merged(self, other: Shelf) -> Shelf:
        """Both, without duplicates: labels and dates ours first, notes from both kept."""
        return Shelf.of((*self.bookmarks, *other.bookmarks), (*self.folders, *other.folders))


# --- Our JSON -------------------------------------------------------------------------

_STORED_FIELDS = ("id", "title", "article", "path", "folder", "note", "name", "created",
                  "fingerprint", "sketch", "library", "source", "searched")


def bookmark_json(bookmark: Bookmark) -> dict[str, Any]:
    return {name: list(bookmark.path) if name == "path" else getattr(bookmark, name)
            for name in _STORED_FIELDS}


def bookmark_from_json(entry: Any) -> Bookmark:
    """One stored or exported bookmark; ValueError says what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError("not an object")
    values: dict[str, Any] = {}
    for name in _STORED_FIELDS:
        value = entry.get(name, "" if name != "path" else [])
        if name == "path" and isinstance(value, str):  # `bookmarks list --json` joins it
            value = [p for p in value.split(TRAIL_SEPARATOR) if p]
        if name == "path":
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ValueError("path is not a list of headings")
            value = tuple(value)
        elif not isinstance(value, str):
            raise ValueError(f"{name} is not text")
        values[name] = value
    if not values["id"].strip():
        raise ValueError("it has no section id")
    return Bookmark(**values)


def shelf_document(shelf: Shelf) -> dict[str, Any]:
    return {"format": FORMAT, "version": FORMAT_VERSION, "folders": list(shelf.folders),
            "bookmarks": [bookmark_json(b) for b in shelf.bookmarks]}


def shelf_to_json(shelf: Shelf) -> str:
    return json.dumps(shelf_document(shelf), ensure_ascii=False, indent=2) + "\n"


def shelf_from_document(body: dict[str, Any]) -> tuple[Shelf, tuple[str, ...]]:
    """The Shelf in a document, and a reason for every entry that had to be left out."""
    problems: list[str] = []
    entries = body.get("bookmarks", [])
    folders = body.get("folders", [])
    if not isinstance(entries, list):
        problems.append("'bookmarks' is not a list")
        entries = []
    if not isinstance(folders, list):
        problems.append("'folders' is not a list")
        folders = []
    bookmarks = []
    for number, entry in enumerate(entries, 1):
        try:
            bookmarks.append(bookmark_from_json(entry))
        except ValueError as error:
            problems.append(f"bookmark {number}: {error}")
    names = [f for f in folders if isinstance(f, str)]
    if len(names) != len(folders):
        problems.append("a folder name is not text")
    return Shelf.of(bookmarks, names), tuple(problems)


# --- XBEL -----------------------------------------------------------------------------

# Characters XML 1.0 cannot hold at all, even escaped; a note could contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def section_href(section_id: str) -> str:
    slug, anchor = split_id(section_id)
    href = f"{HREF_SCHEME}:{quote(slug, safe='/')}"
    return f"{href}#{quote(anchor, safe='')}" if anchor else href


def shelf_to_xbel(shelf: Shelf) -> str:
    """XBEL 1.0: a <folder> per folder, a <bookmark href="encyclopedia:slug#anchor"> each.

    <title> is the label, <desc> the note, ``added`` the creation time; what only we
    use (heading, trail, fingerprint) goes in <info><metadata owner="encyclopedia-viewer">
    so that our own round trip loses nothing and other readers can ignore it.
    """
    shelf = Shelf.of(shelf.bookmarks, shelf.folders)
    root = ET.Element("xbel", version="1.0")
    parents = {"": root}
    for folder in shelf.folders:
        element = ET.SubElement(root, "folder")
        ET.SubElement(element, "title").text = _xml_text(folder)
        parents[folder] = element
    for bookmark in shelf.bookmarks:
        element = ET.Element("bookmark", href=section_href(bookmark.id))
        if bookmark.created:
            element.set("added", bookmark.created)
        ET.SubElement(element, "title").text = _xml_text(bookmark.label)
        if bookmark.note:
            ET.SubElement(element, "desc").text = _xml_text(bookmark.note)
        metadata = ET.SubElement(ET.SubElement(element, "info"), "metadata", owner=XBEL_OWNER)
        for name in ("title", "article", "name", "fingerprint", "sketch", "library", "source"):
            value = getattr(bookmark, name)
            if value:
                ET.SubElement(metadata, name).text = _xml_text(value)
        for heading in bookmark.path:
            ET.SubElement(metadata, "trail").text = _xml_text(heading)
        # Bookmarks follow their folder's title; top-level ones follow all folders.
        parents[bookmark.folder].append(element)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{XBEL_DOCTYPE}\n{body}\n'


def shelf_from_xbel(text: str, library: Library | None = None) -> tuple[Shelf, tuple[str, ...]]:
    """Bookmarks from XBEL: ours, and from browsers or Qt Assistant what maps to a section.

    ``encyclopedia:`` hrefs are section ids. ``file:`` and relative hrefs are
    mapped through the library's link rules when a library is given (a browser
    bookmark on ``file:///.../notes/a.md#b``). Anything else (http, qthelp, ...)
    cannot be a section of ours and is skipped, with the reason reported.

    The file may be hostile: entities (a "billion laughs", an external entity
    reading a local file) are refused, and folders nest :data:`FOLDER_DEPTH` deep
    at most; either raises UnreadableBookmarks.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # A DOCTYPE is allowed (XBEL files name their DTD) but never fetched.
        root = fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ET.ParseError as error:
        raise UnreadableBookmarks(f"not valid XML ({error})") from None
    except DefusedXmlException as error:
        raise UnreadableBookmarks("refused: it declares XML entities or external "
                                  "references, which bookmarks never need and attacks use "
                                  f"({error})") from None
    if root.tag != "xbel":
        raise UnreadableBookmarks(f"not an XBEL file (its root is <{root.tag}>)")
    bookmarks: list[Bookmark] = []
    folders: list[str] = []
    skipped: list[str] = []

    def walk(element: ET.Element, folder: str, depth: int) -> None:
        for child in element:
            if child.tag == "folder":
                if depth >= FOLDER_DEPTH:
                    raise UnreadableBookmarks(f"its folders nest more than {FOLDER_DEPTH} deep")
                title = " ".join((child.findtext("title") or "").split()) or "Untitled"
                name = f"{folder}{FOLDER_SEPARATOR}{title}" if folder else title
                folders.append(name)
                walk(child, name, depth + 1)
            elif child.tag == "bookmark":
                bookmark = _xbel_bookmark(child, folder, library)
                if isinstance(bookmark, Bookmark):
                    bookmarks.append(bookmark)
                else:
                    skipped.append(bookmark)

    walk(root, "", 0)
    return Shelf.of(bookmarks, folders), tuple(skipped)


def _xbel_bookmark(element: ET.Element, folder: str, library: Library | None) -> Bookmark | str:
    """A Bookmark, or why this <bookmark> cannot be one."""
    href = (element.get("href") or "").strip()
    label = " ".join((element.findtext("title") or "").split())
    section_id = _section_id_from_href(href, library)
    if section_id is None:
        return f"{label or href or 'a bookmark without href'}: {href or 'no href'} " \
               "is not a section of this library"
    ours = None
    for metadata in element.iterfind("info/metadata"):
        if metadata.get("owner") == XBEL_OWNER:
            ours = metadata
    note = (element.findtext("desc") or "").strip()
    created = element.get("added") or _now()
    if ours is not None:
        def known(name: str) -> str:
            return ours.findtext(name) or ""

        return Bookmark(section_id, known("title"), known("article"),
                        tuple(t.text or "" for t in ours.iterfind("trail")), folder, note,
                        known("name"), created, known("fingerprint"), known("sketch"),
                        known("library"), known("source"))
    name = ""
    if library is not None and section_id in library:
        heading = library.section(section_id).title
        name = label if label and label != heading else ""
        label = heading
    return Bookmark(section_id, label, "", (), folder=folder, note=note, name=name,
                    created=created)


def _section_id_from_href(href: str, library: Library | None) -> str | None:
    parts = urlsplit(href)
    if parts.scheme.lower() == HREF_SCHEME:
        slug = unquote(parts.netloc + parts.path).strip("/")
        if not slug:
            return None
        return f"{slug}#{unquote(parts.fragment)}" if parts.fragment else slug
    if library is not None and parts.scheme.lower() in ("file", "") and href:
        target = resolve_link(href, library, "")
        if target.kind == "section":
            return target.value
    return None


# --- Reading a file to import ---------------------------------------------------------

def read_bookmarks_file(path: Path, library: Library | None = None
                        ) -> tuple[Shelf, tuple[str, ...]]:
    """Bookmarks from our JSON (the store's or ``list --json``'s shape) or XBEL, by content.

    A file of more than :data:`IMPORT_LIMIT` bytes is refused, having read no more
    than that of it; so is anything but a file (a folder, a device, a pipe).
    """
    try:
        raw = read_file(path, IMPORT_LIMIT)
    except NotAFile as error:
        raise UnreadableBookmarks(f"cannot read {path}: {error.strerror}") from None
    except OSError as error:
        raise UnreadableBookmarks(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > IMPORT_LIMIT:
        raise UnreadableBookmarks(f"{path} is bigger than {IMPORT_LIMIT // 2**20} MB: "
                                  "too big to be bookmarks")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableBookmarks(f"{path} is not UTF-8 text") from None
    try:
        if text.lstrip().startswith("<"):
            return shelf_from_xbel(text, library)
        return _shelf_from_json_text(text)
    except UnreadableBookmarks as error:
        raise UnreadableBookmarks(f"{path}: {error}") from None


def _shelf_from_json_text(text: str) -> tuple[Shelf, tuple[str, ...]]:
    try:
        body = json.loads(text)
    except RecursionError:
        raise UnreadableBookmarks("its JSON is nested too deeply to be bookmarks") from None
    except ValueError as error:  # bad JSON, or a number of thousands of digits
        raise UnreadableBookmarks(f"neither XBEL nor valid JSON ({error})") from None
    if isinstance(body, list):
        body = {"bookmarks": body}
    elif not isinstance(body, dict) or body.get("format") != FORMAT:
        raise UnreadableBookmarks("not a bookmarks file (JSON without \"format\": "
                                  f"\"{FORMAT}\")")
    elif not isinstance(body.get("version"), int) or not 1 <= body["version"] <= FORMAT_VERSION:
        raise UnreadableBookmarks(f"bookmarks format version {body.get('version')!r} is not "
                                  f"one this viewer reads (up to {FORMAT_VERSION})")
    shelf, problems = shelf_from_document(body)
    if problems and not shelf.bookmarks and not shelf.folders:
        raise UnreadableBookmarks(f"no usable bookmarks ({problems[0]})")
    return shelf, problems


def export_format(path: Path, requested: str | None = None) -> str:
    """``requested``, else ``xbel`` for .xbel/.xml files, else ``json``."""
    if requested:
        return requested
    return "xbel" if path.suffix.lower() in (".xbel", ".xml") else "json"


# --- The store ------------------------------------------------------------------------

class BookmarkStore:
    """The bookmarks file in the data directory, shared safely by windows and processes.

    Reading properties (:attr:`bookmarks`, :attr:`folders`, :meth:`find`) answer
    from the last read and never touch the disk. Every change and :meth:`reload`
    re-read the file, so afterwards the store shows other windows' changes too.
    ``missing`` is computed against the library of the last :meth:`resolve`.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / FILE_NAME
        self._shelf = Shelf()
        self._library: Library | None = None
        self._notices: list[str] = []
        self.reload()

    # Reading

    @property
    def bookmarks(self) -> tuple[Bookmark, ...]:
        return self._shelf.bookmarks

    @property
    def folders(self) -> tuple[str, ...]:
        return self._shelf.folders

    @property
    def shelf(self) -> Shelf:
        return self._shelf

    def find(self, section_id: str) -> tuple[Bookmark, ...]:
        """Bookmarks on this section, in any folder (cheap: for the star as you scroll)."""
        return self._shelf.find(section_id)

    def is_bookmarked(self, section_id: str) -> bool:
        return bool(self.find(section_id))

    def take_notices(self) -> tuple[str, ...]:
        """What the reader must be told (a corrupt file moved aside), each only once."""
        notices, self._notices = tuple(self._notices), []
        return notices

    def reload(self) -> tuple[Bookmark, ...]:
        """Read the file again: another window or process may have changed it."""
        with locked(self.path, reading=True):
            self._show(self._read())
        return self.bookmarks

    def resolve(self, library: Library) -> tuple[Bookmark, ...]:
        """Re-anchor against ``library`` (see the module doc) and remember it for ``missing``.

        May render articles (and the whole library if a bookmark must be searched
        for), so the GUI should call it after the first page is shown. Writes only
        if a bookmark moved or what we know about it changed; where that cannot be
        written (a read-only or full disk), the bookmarks are shown re-anchored all
        the same, and written another time.
        """
        self._library = library
        current = self.reload()
        resolved = reanchor(current, library)
        changes = {old.key: new for old, new in zip(current, resolved, strict=True)
                   if bookmark_json(old) != bookmark_json(new)}
        if changes:
            try:
                self._change(lambda shelf: _with_anchors(shelf, changes))
            except StorageError as error:  # nothing the reader did is lost: say nothing
                logger.info("bookmarks re-anchored but not saved: %s", error)
                self._show(_with_anchors(self._shelf, changes))
        return self.bookmarks

    # Changing: each re-reads the file under the lock, changes it, writes it.

    def add(self, library: Library, section_id: str, *, folder: str = "", note: str = "",
            name: str = "") -> Bookmark:
        """Bookmark a section (a bare slug means its lead); adding it again sets the note.

        Raises UnknownSection (a ContentError) for an id that the library does not have.
        """
        new = bookmark_for(library, section_id, folder=_clean_folder(folder), note=note,
                           name=name)

        def change(shelf: Shelf) -> Shelf:
            shelf = shelf.with_bookmark(new)
            if note:
                shelf = shelf.changed(new.id, new.folder, note=note)
            return shelf.changed(new.id, new.folder, name=name) if name else shelf

        return self._change(change).get(new.id, new.folder)

    def toggle(self, library: Library, section_id: str) -> bool:
        """Ctrl+D: remove the section's bookmarks (in every folder) or add one at the top level.

        Returns whether the section is bookmarked now.
        """
        new = bookmark_for(library, section_id)

        def change(shelf: Shelf) -> Shelf:
            return shelf.without(new.id) if shelf.find(new.id) else shelf.with_bookmark(new)

        return bool(self._change(change).find(new.id))

    def remove(self, section_id: str, folder: str | None = None) -> int:
        """Remove the bookmarks on a section (in one folder, or all); returns how many."""
        # Counted on the fresh shelf: another window may have removed it already.
        counted: list[int] = []

        def change(shelf: Shelf) -> Shelf:
            counted.append(len(shelf.bookmarks))
            return shelf.without(section_id, folder if folder is None else _clean_folder(folder))

        after = len(self._change(change).bookmarks)
        return counted[0] - after

    def rename(self, section_id: str, name: str, *, folder: str = "") -> Bookmark:
        """Give a bookmark its own label; ``""`` shows the heading again."""
        shelf = self._change(lambda s: s.changed(section_id, folder, name=name.strip()))
        return shelf.get(section_id, folder)

    def set_note(self, section_id: str, note: str, *, folder: str = "") -> Bookmark:
        shelf = self._change(lambda s: s.changed(section_id, folder, note=note.strip()))
        return shelf.get(section_id, folder)

    def move(self, section_id: str, to_folder: str, *, folder: str = "") -> Bookmark:
        """Move a bookmark to a folder (``""``: top level); it merges with one already there."""
        to_folder = _clean_folder(to_folder)
        shelf = self._change(lambda s: s.changed(section_id, folder, to_folder=to_folder))
        return shelf.get(section_id, to_folder)

    def create_folder(self, name: str) -> str:
        """Create a folder (if it is not there already); returns its cleaned-up name."""
        self._change(lambda s: s.with_folder(name))
        return _clean_folder(name)

    def rename_folder(self, old: str, new: str) -> None:
        self._change(lambda s: s.folder_renamed(old, new))

    def delete_folder(self, name: str) -> int:
        """Delete a folder; its bookmarks move to the top level. Returns how many moved."""
        moved: list[int] = []

        def change(shelf: Shelf) -> Shelf:
            moved.append(sum(b.folder == _clean_folder(name) for b in shelf.bookmarks))
            return shelf.without_folder(name)

        self._change(change)
        return moved[0]

    def import_file(self, path: Path, library: Library | None = None) -> ImportReport:
        """Merge bookmarks from our JSON or XBEL; the same section in the same folder is kept once.

        Raises UnreadableBookmarks for a file that is not one of those.
        """
        incoming, skipped = read_bookmarks_file(path, library)
        counts: list[int] = []

        def change(shelf: Shelf) -> Shelf:
            keys = {b.key for b in shelf.bookmarks}
            counts.append(sum(b.key in keys for b in incoming.bookmarks))
            return shelf.merged(incoming)

        self._change(change)
        present = counts[0]
        return ImportReport(len(incoming.bookmarks) - present, present, skipped)

    def export(self, path: Path, file_format: str | None = None) -> int:
        """Write every bookmark to ``path`` as ``json`` or ``xbel``; returns how many."""
        self.reload()
        shelf = self.shelf
        text = shelf_to_xbel(shelf) if export_format(path, file_format) == "xbel" \
            else shelf_to_json(shelf)
        atomic_write(path, text)
        return len(shelf.bookmarks)

    # The file

    def _change(self, change: Callable[[Shelf], Shelf]) -> Shelf:
        with locked(self.path):
            current = self._read()
            new = change(current)
            if shelf_document(new) != shelf_document(current):
                atomic_write(self.path, shelf_to_json(new))
        self._show(new)
        return new

    def _read(self) -> Shelf:
        """The shelf on disk; call with the lock held. Salvages what it can of a bad file."""
        document = read_document(self.path, kind=FORMAT, version=FORMAT_VERSION,
                                 limit=SIZE_LIMIT)
        self._notices.extend(document.notices)
        shelf, problems = shelf_from_document(document.body)
        if problems:
            # Some entries are unusable: keep the whole file aside, go on with the rest.
            count = len(shelf.bookmarks)
            self._notices.append(repair(
                self.path, shelf_to_json(shelf), problems,
                f"{count} bookmark{'s were' if count != 1 else ' was'} recovered"))
        return shelf

    def _show(self, shelf: Shelf) -> None:
        library = self._library
        if library is not None:
            shelf = replace(shelf, bookmarks=tuple(replace(b, missing=b.id not in library)
                                                   for b in shelf.bookmarks))
        self._shelf = shelf


def _with_anchors(shelf: Shelf, anchors: dict[tuple[str, str], Bookmark]) -> Shelf:
    """The shelf with re-anchored bookmarks; the reader's own fields stay as they are now."""
    def anchored(bookmark: Bookmark) -> Bookmark:
        new = anchors.get(bookmark.key)
        if new is None:
            return bookmark
        return replace(new, folder=bookmark.folder, note=bookmark.note, name=bookmark.name,
                       created=bookmark.created)

    return Shelf.of((anchored(b) for b in shelf.bookmarks), shelf.folders)


__all__ = [
    "Bookmark",
    "BookmarkError",
    "BookmarkStore",
    "ImportReport",
    "Shelf",
    "StorageError",
    "UnknownBookmark",
    "UnknownFolder",
    "UnreadableBookmarks",
    "reanchor",
]
