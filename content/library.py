"""The article model: a library of articles, each a tree of sections.

A section id is ``slug#anchor``: the slug is the file's path below the library
root without ``.md``, the anchor is the id of its rendered heading. An article's
lead (the text before its first section) is a section too; its id is the bare
slug, or ``slug#anchor`` when the article opens with its own ``#`` title.

A library is read the way its own tool shows it (:func:`load_library`): an
mdBook's ``SUMMARY.md``, an MkDocs site's ``nav:``, or a plain folder tree give
its table of contents (:attr:`Library.contents`), the order of its articles,
their titles, and each article's ``trail``: the titles of the rows above it.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from content.contents import (
    CHAPTER,
    UNLISTED,
    UNLISTED_TITLE,
    Entry,
    readable_name,
    slug_of,
    walk,
)
from content.errors import ContentError, NotMarkdown, UnknownSection
from content.flavour import MKDOCS, PLAIN, Flavour
from content.parse import Heading, Outline, outline, split_front_matter

logger = logging.getLogger(__name__)

BUILTIN_ARTICLES = Path(__file__).resolve().parent / "articles"
MARKDOWN_SUFFIXES = (".md", ".markdown")
UTF8_BOM = b"\xef\xbb\xbf"  # dropped by hand: the utf-8-sig codec costs an import
CACHED_FROM = 2  # files: from this many, outlines come from content.outlines' cache
# The kinds of library (Library.kind).
MDBOOK_LIBRARY, MKDOCS_LIBRARY, FOLDER_LIBRARY, FILE_LIBRARY = "mdbook", "mkdocs", "folder", "file"


# The records are named tuples rather than dataclasses: the window loads the
# library before its first paint, and dataclasses would add several milliseconds
# (importing the module, generating each class's methods) to every start.
class Section(NamedTuple):
    id: str
    anchor: str  # "" for a lead that has no heading of its own
    title: str
    level: int  # heading level; 0 for a lead with no heading
    trail: tuple[str, ...]  # titles from the article down to this section
    children: tuple[Section, ...] = ()

    @property
    def slug(self) -> str:
        return split_id(self.id)[0]

    def walk(self) -> Iterator[Section]:
        """This section and all below it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


class Article:
    """One Markdown file: its title at once, its sections and its text when wanted.

    The section tree is made the first time it is asked for: a big library's
    window shows its articles before its 20,000 sections exist. An article whose
    outline came from the outline cache (see :mod:`content.outlines`) reads its
    file only when its text is asked for, and does not keep it: a wiki's worth
    of text need not stay in memory.
    """

    __slots__ = ("_body", "_by_anchor", "_headings", "_lead", "_title_heading", "aliases",
                 "book_root", "fingerprint", "flavour", "includes", "lead_id", "path", "slug",
                 "title", "trail")

    def __init__(self, slug: str, path: Path, title: str, aliases: tuple[str, ...],
                 title_heading: Heading | None, headings: list[Heading], body: str | None,
                 fingerprint: str, flavour: Flavour = PLAIN,
                 book_root: Path | None = None) -> None:
        self.slug = slug
        self.flavour = flavour  # how the library's own tool reads this Markdown
        # An mdBook's root: its {{#include}}s are resolved, from files below it only.
        self.book_root = book_root
        # The titles of the table of contents' rows above this article (a part, a
        # parent chapter, folders): set by the library, before the sections are made.
        self.trail: tuple[str, ...] = ()
        self.includes: tuple[Path, ...] = ()  # the other files its text takes lines from
        self.path = path
        self.title = title
        self.aliases = aliases
        self.fingerprint = fingerprint  # of the file's bytes: changes whenever the file does
        self._title_heading = title_heading  # the heading that is the title, if one is
        self._headings = headings  # the others: the sections, when they are made
        self.lead_id = f"{slug}#{title_heading.anchor}" if title_heading else slug
        self._lead: Section | None = None
        self._by_anchor: dict[str, Section] | None = None
        self._body = body  # None: read from the file when asked for

    def __repr__(self) -> str:
        return f"Article({self.slug!r}, {self.title!r})"

    @property
    def lead(self) -> Section:
        """The text before the first section; its children are the top-level sections."""
        if self._lead is None:
            heading = self._title_heading
            trail = (*self.trail, self.title)
            self._lead = Section(self.lead_id, heading.anchor if heading else "", self.title,
                                 heading.level if heading else 0, trail,
                                 _nest(self.slug, self._headings, trail))
        return self._lead

    @property
    def heading(self) -> str:
        """The title the page itself gives in its opening heading ("" if none), which a
        table of contents may name otherwise."""
        return self._title_heading.title if self._title_heading is not None else ""

    @property
    def has_sections(self) -> bool:
        return bool(self._headings)

    def section(self, anchor: str) -> Section | None:
        """The section whose heading has this anchor (the lead's too), or None."""
        if self._by_anchor is None:
            self._by_anchor = {section.anchor: section for section in self.walk()}
        return self._by_anchor.get(anchor)

    @property
    def body(self) -> str:
        """The Markdown to render: the source without its front matter."""
        return self.source()[0]

    def source(self) -> tuple[str, str]:
        """The body, and the fingerprint of the file it was read from now.

        The two fingerprints differ only if the file changed after the outline
        was taken: the page may then not be cached under the article's fingerprint.
        """
        if self._body is not None:
            return self._body, self.fingerprint
        try:
            text = read_source(self.path, self.book_root, self.flavour)
        except OSError as error:  # gone or unreadable since the library was read
            raise ContentError(f"{self.path}: cannot read ({error.strerror or error})") from None
        return outline_body(text.text), text.fingerprint

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.lead.children

    def walk(self) -> Iterator[Section]:
        return self.lead.walk()


class Library:
    """The articles of one folder (or one file), and every section by its id."""

    __slots__ = ("_by_slug", "articles", "config", "contents", "kind", "root", "skipped",
                 "title", "warnings")

    def __init__(self, root: Path, articles: tuple[Article, ...],
                 warnings: tuple[str, ...] = (), *, contents: tuple[Entry, ...] | None = None,
                 kind: str = FOLDER_LIBRARY, title: str = "",
                 skipped: tuple[Skipped, ...] = (), config: tuple[Path, ...] = ()) -> None:
        self.root = root
        self.articles = articles  # in the order of the table of contents
        self.warnings = warnings  # what the reader should know: files skipped, and why
        # The table of contents, as the library's own tool shows it.
        self.contents = contents if contents is not None else tuple(
            Entry(article.title, article.slug) for article in articles)
        self.kind = kind  # "mdbook", "mkdocs", "folder" or "file"
        self.title = title or root.name
        self.skipped = skipped  # files and folders not read, each with the reason
        self.config = config  # the files that say what kind it is: book.toml, mkdocs.yml
        self._by_slug = {article.slug: article for article in articles}

    def article(self, slug: str) -> Article:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise UnknownSection(f"no article {slug!r} in {self.root}") from None

    def has_article(self, slug: str) -> bool:
        return slug in self._by_slug

    def __repr__(self) -> str:
        return f"Library({str(self.root)!r}, {len(self.articles)} articles)"

    def section(self, section_id: str) -> Section:
        """The section with this id; a bare slug means the article's lead."""
        slug, anchor = split_id(section_id)
        article = self.article(slug)
        if not anchor:
            return article.lead
        found = article.section(anchor)
        if found is None:
            raise UnknownSection(f"no section {anchor!r} in article {slug!r}")
        return found

    def sections(self) -> Iterator[Section]:
        for article in self.articles:
            yield from article.walk()

    def __contains__(self, section_id: str) -> bool:
        try:
            self.section(section_id)
        except UnknownSection:
            return False
        return True


def code_stamp(*names: str) -> str:
    """Changes whenever one of these modules of the content layer does: a cache made
    by other code than this (another version) is not to be used."""
    here = Path(__file__).resolve().parent
    stamps = []
    for name in names:
        try:
            stamps.append(str((here / name).stat().st_mtime_ns))
        except OSError:
            stamps.append("?")
    return fingerprint("/".join(stamps).encode())


def fingerprint(data: bytes) -> str:
    """A short digest that changes whenever ``data`` does (not a security hash).

    Two checksums and the length: hashlib's OpenSSL set-up alone would cost
    more than reading the built-in library, before the first paint.
    """
    return f"{len(data):x}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def outline_body(source: str) -> str:
    """The body the outline pass gives for ``source``: without its front matter."""
    return split_front_matter(source)[1]


def split_id(section_id: str) -> tuple[str, str]:
    """``"a/b#c"`` -> ``("a/b", "c")``; ``"a/b"`` -> ``("a/b", "")``."""
    slug, _, anchor = section_id.partition("#")
    return slug, anchor


class Skipped(NamedTuple):
    """A file or folder below the library that is not read, and why."""

    path: str  # below the library's root, with /
    reason: str


class Layout(NamedTuple):
    """What kind of library a folder is, and where its pages are."""

    kind: str
    root: Path  # the pages' folder: slugs are paths below it
    title: str
    flavour: Flavour = PLAIN
    # Where a page's includes come from (an mdBook's root; an MkDocs site's, for its
    # snippets), if it may have any.
    book_root: Path | None = None
    source: object = None  # the mdbook.Book or mkdocs.Site read, if any
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

        summary = mdbook.summary_text(layout.source)  # type: ignore[arg-type]
        if summary is not None:
            entries, warnings = mdbook.summary_contents(summary, articles.__contains__, title_of)
            listed = {entry.slug for entry, _ in walk(entries) if entry.slug}
            for entry, _ in walk(entries):
                if entry.slug and entry.kind == CHAPTER:
                    articles[entry.slug].title = entry.title  # SUMMARY.md names its chapters
    elif layout.kind == MKDOCS_LIBRARY:
        from content import mkdocs

        entries, listed, warnings = mkdocs.site_contents(layout.source,  # type: ignore[arg-type]
                                                         list(articles), title_of)
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
            if not entry.name.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if os.path.commonpath([root, target]) != root:
                    skipped.append(Skipped(relative, "a link to a file outside the library"))
                    continue
                if os.path.isdir(target):
                    skipped.append(Skipped(relative, "a link to a folder"))
                    continue
            if not entry.is_file():
                skipped.append(Skipped(relative, "not a regular file"))
                continue
            found.append((relative, entry.path))
    found.sort(key=lambda item: item[0].lower())
    skipped.sort()
    return [(slug_of(relative), Path(file)) for relative, file in found], skipped


class Source(NamedTuple):
    """A file's text as the outline pass and the renderer read it."""

    text: str  # with plain newlines, and an mdBook's includes resolved
    fingerprint: str  # changes whenever the file, or a file it includes, does
    warnings: tuple[str, ...]
    files: tuple[Path, ...] = ()  # the other files it was made of (includes)


def read_source(file: Path, book_root: Path | None = None, flavour: Flavour = PLAIN) -> Source:
    """A page's text, with its includes resolved when ``book_root`` is given: an mdBook's
    ``{{#include}}`` directives, an MkDocs site's ``--8<--`` snippets. Raises OSError if
    the page itself cannot be read."""
    raw = file.read_bytes()
    text, warning = decode(raw, file)
    digest = fingerprint(raw)
    warnings = (warning,) if warning else ()
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
    return Source(expanded.text, f"{digest}+{fingerprint(expanded.text.encode())}",
                  warnings + expanded.warnings, expanded.files)


def read_article(slug: str, file: Path, flavour: Flavour = PLAIN,
                 book_root: Path | None = None) -> tuple[Article, tuple[str, ...]]:
    """One file as an Article, and warnings: about its repair to be read, its includes."""
    found, source = read_outline(file, flavour, book_root)
    article = article_from_outline(slug, file, found.meta, found.headings, source.fingerprint,
                                   found.body, flavour, book_root)
    article.includes = source.files
    return article, source.warnings


def read_outline(file: Path, flavour: Flavour = PLAIN,
                 book_root: Path | None = None) -> tuple[Outline, Source]:
    """What the outline pass finds in ``file``, and the text it read. Raises OSError
    if it cannot be read."""
    source = read_source(file, book_root, flavour)
    return outline(source.text, flavour), source


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
                                flavour)


def article_from_outline(slug: str, path: Path, meta: dict[str, str | list[str]],
                         headings: list[Heading], digest: str, body: str | None,
                         flavour: Flavour = PLAIN, book_root: Path | None = None) -> Article:
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
                   body, digest, flavour, book_root)


def file_title(path: Path, slug: str) -> str:
    """A readable title from a page's file name; an index page is named by its folder."""
    stem = path.stem if path.stem.strip(".") else path.name
    if stem.lower() in ("index", "readme"):
        folder = slug.rpartition("/")[0].rpartition("/")[2]
        return readable_name(folder) if folder else "Home"
    return readable_name(stem)


def _nest(slug: str, headings: list[Heading], trail: tuple[str, ...]) -> tuple[Section, ...]:
    """Sections nested by heading level: each takes the deeper headings after it."""
    sections = []
    i = 0
    while i < len(headings):
        heading = headings[i]
        end = i + 1
        while end < len(headings) and headings[end].level > heading.level:
            end += 1
        own_trail = (*trail, heading.title)
        children = _nest(slug, headings[i + 1 : end], own_trail)
        sections.append(Section(f"{slug}#{heading.anchor}", heading.anchor, heading.title,
                                heading.level, own_trail, children))
        i = end
    return tuple(sections)
