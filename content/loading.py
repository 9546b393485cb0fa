"""Reading a folder (or one file) into a Library, as the library's own tool shows it.

A folder is an mdBook (``book.toml``; :mod:`content.mdbook`), an MkDocs site
(``mkdocs.yml``; :mod:`content.mkdocs`) or a plain folder tree
(:mod:`content.folders`). Each gives the table of contents, and with it the
order of the articles, their titles and their trails. Each file is outlined
(:mod:`content.parse`; from :mod:`content.outlines`' cache when unchanged), with
its includes resolved first (:mod:`content.includes`).

    >>> library = load_library(Path("rust-by-example"))
    >>> library.kind, library.articles[1].title, library.article("hello/comment").trail
    ('mdbook', 'Hello World', ('Hello World',))
"""

from __future__ import annotations

import logging
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from content.contents import (
    CHAPTER,
    UNLISTED,
    UNLISTED_TITLE,
    Entry,
    readable_name,
    slug_of,
    walk,
)
from content.errors import ContentError, NotMarkdown
from content.flavour import MKDOCS, PLAIN, Flavour
from content.library import (
    BUILTIN_ARTICLES,
    FILE_LIBRARY,
    FOLDER_LIBRARY,
    MDBOOK_LIBRARY,
    MKDOCS_LIBRARY,
    Article,
    Library,
    Skipped,
    fingerprint,
)
from content.limits import MAX_PAGE_BYTES
from content.parse import Heading, Outline, outline

if TYPE_CHECKING:  # read only for those kinds of library, when they are
    from content.mdbook import Book
    from content.mkdocs import Site

logger = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = (".md", ".markdown")
UTF8_BOM = b"\xef\xbb\xbf"  # dropped by hand: the utf-8-sig codec costs an import
CACHED_FROM = 2  # files: from this many, outlines come from content.outlines' cache


class Layout(NamedTuple):
    """What kind of library a folder is, and where its pages are."""

    kind: str
    root: Path  # the pages' folder: slugs are paths below it
    title: str
    flavour: Flavour = PLAIN
    # Where a page's includes come from (an mdBook's root; an MkDocs site's, for its
    # snippets), if it may have any.
    book_root: Path | None = None
    source: Book | Site | None = None  # what its book.toml or mkdocs.yml says
    config: tuple[Path, ...] = ()  # its book.toml or mkdocs.yml


def load_library(path: Path | str | None = None) -> Library:
    """Every Markdown file below a folder, or one Markdown file, as a Library.

    A folder is read as the kind of library it is: an mdBook (``book.toml``; the
    book's root or its ``src/`` may be given), an MkDocs site (``mkdocs.yml``; the
    site's root or its ``docs_dir``), or a plain folder tree.
    """
    path = Path(path) if path is not None else BUILTIN_ARTICLES
    if not path.exists():
        raise ContentError(f"no such file or folder: {path}")
    if path.is_dir():
        layout = library_layout(path)
        files, skipped = markdown_files(layout.root)
    elif path.suffix.lower() in MARKDOWN_SUFFIXES:
        layout = Layout(FILE_LIBRARY, path.parent, path.stem)
        files, skipped = [(slug_of(path.name), path)], []
    else:
        raise NotMarkdown(f"not a Markdown file or a folder: {path}")
    if layout.kind == MDBOOK_LIBRARY:
        files = [(slug, file) for slug, file in files if slug != "SUMMARY"]
    articles, warnings = _read_articles(layout, files)
    contents, more = _contents(layout, articles)
    warnings += more
    ordered = _in_contents_order(contents, articles)
    for warning in warnings:
        logger.warning("%s", warning)
    return Library(layout.root.resolve(), ordered, tuple(warnings), contents=contents,
                   kind=layout.kind, title=layout.title, skipped=tuple(skipped),
                   config=layout.config)


def library_layout(folder: Path) -> Layout:
    """The kind of library ``folder`` is (or is the pages' folder of)."""
    # Only a folder with a book's or a site's configuration, or beside one, pays for
    # reading it: a plain folder opens (before the window's first paint) without.
    beside = {name for place in (folder, folder.parent)
              for name in ("book.toml", "mkdocs.yml", "mkdocs.yaml") if (place / name).is_file()}
    if "book.toml" in beside:
        from content import mdbook

        book = mdbook.find_book(folder)
        if book is not None:
            flavour = Flavour(MDBOOK_LIBRARY, book.hidelines)
            return Layout(MDBOOK_LIBRARY, book.src, book.title, flavour, book.root, book,
                          (book.root / mdbook.BOOK_TOML,))
    if beside - {"book.toml"}:
        from content import mkdocs

        site = mkdocs.find_site(folder)
        if site is not None:
            return Layout(MKDOCS_LIBRARY, site.docs, site.title, MKDOCS, site.snippets, site,
                          (site.config,))
    title = "Encyclopedia" if folder == BUILTIN_ARTICLES else folder.resolve().name
    return Layout(FOLDER_LIBRARY, folder, title)


def _read_articles(layout: Layout,
                   files: list[tuple[str, Path]]) -> tuple[dict[str, Article], list[str]]:
    articles: dict[str, Article] = {}
    warnings: list[str] = []
    cache = None
    if len(files) >= CACHED_FROM:  # a big library: outlines from the cache where unchanged
        from content.outlines import OutlineCache

        cache = OutlineCache(layout.root, layout.flavour)
    for slug, file in files:
        try:
            if cache is not None:
                article, found = cache.read(slug, file, layout.flavour, layout.book_root)
            else:
                article, found = read_article(slug, file, layout.flavour, layout.book_root)
        except OSError as error:
            warnings.append(f"{file}: cannot read ({error.strerror or error})")
            continue
        articles[slug] = article
        warnings.extend(found)
    if cache is not None:
        cache.save()
    return articles, warnings


def _contents(layout: Layout,
              articles: dict[str, Article]) -> tuple[tuple[Entry, ...], list[str]]:
    """The table of contents, and warnings about it. Pages it leaves out come last,
    under their own row, in folder order."""
    from content.folders import folder_contents

    def title_of(slug: str) -> str:
        return articles[slug].title

    warnings: list[str] = []
    listed: set[str] = set()
    entries: tuple[Entry, ...] = ()
    if layout.kind == MDBOOK_LIBRARY:
        from content import mdbook

        assert isinstance(layout.source, mdbook.Book)
        summary = mdbook.summary_text(layout.source)
        if summary is not None:
            entries, warnings = mdbook.summary_contents(summary, articles.__contains__, title_of)
            listed = {entry.slug for entry, _ in walk(entries) if entry.slug}
            for entry, _ in walk(entries):
                if entry.slug and entry.kind == CHAPTER:
                    articles[entry.slug].title = entry.title  # SUMMARY.md names its chapters
    elif layout.kind == MKDOCS_LIBRARY:
        from content import mkdocs

        assert isinstance(layout.source, mkdocs.Site)
        entries, listed, warnings = mkdocs.site_contents(layout.source, list(articles),
                                                         title_of)
        for entry, _ in walk(entries):
            if entry.slug:
                articles[entry.slug].title = entry.title  # nav: titles win
    if not listed:
        return folder_contents(articles, title_of), warnings
    unlisted = [slug for slug in articles if slug not in listed]
    if unlisted:
        rest = folder_contents(unlisted, title_of, files_first=True)
        entries = (*entries, Entry(UNLISTED_TITLE, None, rest, UNLISTED))
    return entries, warnings


def _in_contents_order(contents: tuple[Entry, ...],
                       articles: dict[str, Article]) -> tuple[Article, ...]:
    """The articles in the order of the table of contents, each with its trail."""
    ordered: dict[str, Article] = {}
    for entry, trail in walk(contents):
        if entry.slug and entry.slug not in ordered:
            article = articles[entry.slug]
            article.trail = trail
            ordered[entry.slug] = article
    return tuple(ordered.values())


def markdown_files(folder: Path) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """(slug, path) of the Markdown files below ``folder``, and what was not read.

    Every Markdown file is read, whatever its name (``..md`` too). Hidden folders
    (``.git``, ``.obsidian``), folders that cannot be listed, and links that lead
    outside ``folder`` are skipped, each with its reason. The slug is the path below
    ``folder`` without its suffix, with ``/`` (see :func:`content.contents.slug_of`).
    """
    found: list[tuple[str, str]] = []
    skipped: list[Skipped] = []
    root = os.path.realpath(folder)
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError as error:
            skipped.append(Skipped(prefix.rstrip("/") or ".",
                                   f"cannot be listed ({error.strerror or error})"))
            continue
        for entry in listed:
            relative = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith("."):
                    skipped.append(Skipped(relative, "hidden folder"))
                else:
                    pending.append((f"{relative}/", entry.path))
                continue
            reason = _not_a_page(entry, root)
            if reason is None:
                found.append((relative, entry.path))
            elif reason:
                skipped.append(Skipped(relative, reason))
    found.sort(key=lambda item: item[0].lower())
    skipped.sort()
    return [(slug_of(relative), Path(file)) for relative, file in found], skipped


def _not_a_page(entry: os.DirEntry[str], root: str) -> str | None:
    """Why a folder's entry (not a real folder) is no page to read: "" for a file that is
    not Markdown, a reason to report for the rest, None for a page."""
    try:
        if entry.is_symlink():
            # A link is followed only to a regular file inside the library; a folder it
            # leads to is not walked (no loops, nothing outside), and says so.
            target = os.path.realpath(entry.path)
            if os.path.isdir(target):
                return "a link to a folder"
            if not entry.name.lower().endswith(MARKDOWN_SUFFIXES):
                return ""
            if os.path.commonpath([root, target]) != root:
                return "a link to a file outside the library"
        elif not entry.name.lower().endswith(MARKDOWN_SUFFIXES):
            return ""
        return None if entry.is_file() else "not a regular file"
    except (OSError, ValueError):  # a loop of links, a name the system cannot follow
        return "not a regular file"


class Source(NamedTuple):
    """A file's text as the outline pass and the renderer read it."""

    text: str  # with plain newlines, and an mdBook's includes resolved
    fingerprint: str  # changes whenever the file, or a file it includes, does
    warnings: tuple[str, ...]
    files: tuple[Path, ...] = ()  # the other files it was made of (includes)
    # The size of the whole page, when ``text`` is only its beginning: a file past
    # content.limits.MAX_PAGE_BYTES is read no further (0: ``text`` is all of it).
    size: int = 0


def read_source(file: Path, book_root: Path | None = None, flavour: Flavour = PLAIN) -> Source:
    """A page's text, with its includes resolved when ``book_root`` is given: an mdBook's
    ``{{#include}}`` directives, an MkDocs site's ``--8<--`` snippets. Raises OSError if
    the page itself cannot be read.

    Of a file bigger than :data:`content.limits.MAX_PAGE_BYTES`, only that much is
    kept (it is shown as plain text), though all of it is read for its fingerprint.
    """
    raw, digest, size = _read_head(file)
    text, warning = decode(raw, file)
    warnings = (warning,) if warning else ()
    if size > len(raw):
        return Source(text, digest, warnings, size=size)  # plain text: no includes
    if book_root is None:
        return Source(text, digest, warnings)
    if flavour.name == MKDOCS_LIBRARY:
        from content.mkdocs import expand_snippets

        expanded = expand_snippets(text, file, book_root)
    elif "{{" in text:
        from content.mdbook import expand_includes

        expanded = expand_includes(text, file, book_root)
    else:
        return Source(text, digest, warnings)
    if expanded.text == text and not expanded.files:
        return Source(text, digest, warnings + expanded.warnings)
    size = len(expanded.text)  # past the limit, the page is shown plain, cut there
    return Source(expanded.text[:MAX_PAGE_BYTES],
                  f"{digest}+{fingerprint(expanded.text.encode())}", warnings + expanded.warnings,
                  expanded.files, size if size > MAX_PAGE_BYTES else 0)


def _read_head(file: Path) -> tuple[bytes, str, int]:
    """The bytes of ``file`` up to the limit of a page (cut where a character starts),
    the fingerprint of all of it, and its size."""
    if file.stat().st_size <= MAX_PAGE_BYTES:
        raw = file.read_bytes()
        if len(raw) <= MAX_PAGE_BYTES:  # (unless it grew since)
            return raw, fingerprint(raw), len(raw)
    with open(file, "rb") as handle:
        raw = handle.read(MAX_PAGE_BYTES + 1)
        # Too big to show whole: the rest is read in pieces for the fingerprint only,
        # and never held (a 50 MB file costs 1 MB of memory, not 150).
        crc, adler, size = zlib.crc32(raw), zlib.adler32(raw), len(raw)
        while chunk := handle.read(1 << 20):
            crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
            size += len(chunk)
    if size <= MAX_PAGE_BYTES:  # it shrank since
        return raw, fingerprint(raw), size
    end = MAX_PAGE_BYTES
    while end > MAX_PAGE_BYTES - 3 and raw[end] & 0xC0 == 0x80:  # inside a UTF-8 character
        end -= 1
    return raw[:end], f"{size:x}-{crc:08x}{adler:08x}", size


def read_article(slug: str, file: Path, flavour: Flavour = PLAIN,
                 book_root: Path | None = None) -> tuple[Article, tuple[str, ...]]:
    """One file as an Article, and warnings: about its repair to be read, its includes."""
    found, source = read_outline(file, flavour, book_root)
    article = article_from_outline(slug, file, found.meta, found.headings, source.fingerprint,
                                   found.body, flavour, book_root, found.notice)
    article.includes = source.files
    return article, source.warnings


def read_outline(file: Path, flavour: Flavour = PLAIN,
                 book_root: Path | None = None) -> tuple[Outline, Source]:
    """What the outline pass finds in ``file``, and the text it read. Raises OSError
    if it cannot be read."""
    source = read_source(file, book_root, flavour)
    return outline(source.text, flavour, source.size or None), source


def decode(raw: bytes, file: Path) -> tuple[str, str | None]:
    """A file's text with plain newlines, and a warning if it was not valid UTF-8."""
    warning = None
    text = raw[len(UTF8_BOM):] if raw.startswith(UTF8_BOM) else raw
    try:
        source = text.decode("utf-8")
    except UnicodeDecodeError as error:
        source = text.decode("utf-8", errors="replace")
        warning = f"{file}: not valid UTF-8 (byte {error.start}); shown with replacement characters"
    if "\r" in source:  # most files have plain newlines: no need to copy them
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    return source, warning


def parse_article(slug: str, path: Path, source: str, raw: bytes | None = None,
                  flavour: Flavour = PLAIN) -> Article:
    found = outline(source, flavour)
    digest = fingerprint(raw if raw is not None else source.encode())
    return article_from_outline(slug, path, found.meta, found.headings, digest, found.body,
                                flavour, notice=found.notice)


def article_from_outline(slug: str, path: Path, meta: dict[str, str | list[str]],
                         headings: list[Heading], digest: str, body: str | None,
                         flavour: Flavour = PLAIN, book_root: Path | None = None,
                         notice: str = "") -> Article:
    """An article from what the outline pass found (``body`` None: read when wanted).

    Its title: the front matter's, else its first ``#`` heading, else its first
    heading of any level, else its file name made readable; never a bare slug. (A
    table of contents may name it otherwise: see :func:`load_library`.)
    """
    # An article that opens with its only level-1 heading has that heading as its title.
    title_heading = None
    if headings and headings[0].level == 1 and sum(h.level == 1 for h in headings) == 1:
        title_heading, headings = headings[0], headings[1:]
    meta_title = meta.get("title")
    if isinstance(meta_title, str) and meta_title.strip():
        title = meta_title.strip()
    elif title_heading is not None:
        title = title_heading.title
    else:
        first = next((h for h in headings if h.level == 1), headings[0] if headings else None)
        title = first.title if first is not None else file_title(path, slug)
    aliases = meta.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    return Article(slug, path, title, tuple(a for a in aliases if a), title_heading, headings,
                   body, digest, flavour, book_root, notice)


def file_title(path: Path, slug: str) -> str:
    """A readable title from a page's file name; an index page is named by its folder."""
    stem = path.stem if path.stem.strip(".") else path.name
    if stem.lower() in ("index", "readme"):
        folder = slug.rpartition("/")[0].rpartition("/")[2]
        return readable_name(folder) if folder else "Home"
    return readable_name(stem)
