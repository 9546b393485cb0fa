"""The article model: a library of articles, each a tree of sections.

A section id is ``slug#anchor``: the slug is the file's path below the library
root without ``.md``, the anchor is the id of its rendered heading. An article's
lead (the text before its first section) is a section too; its id is the bare
slug, or ``slug#anchor`` when the article opens with its own ``#`` title.

A library's table of contents (:attr:`Library.contents`) gives the order of its
articles, their titles, and each article's ``trail``: the titles of the rows
above it. :mod:`content.loading` reads a folder into a Library, the way its own
tool shows it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from content.contents import Entry
from content.errors import ContentError, UnknownSection
from content.flavour import PLAIN, Flavour
from content.parse import Heading, plain_body, split_front_matter

BUILTIN_ARTICLES = Path(__file__).resolve().parent / "articles"
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
                 "book_root", "fingerprint", "flavour", "includes", "lead_id", "notice", "path",
                 "slug", "title", "trail")

    def __init__(self, slug: str, path: Path, title: str, aliases: tuple[str, ...],
                 title_heading: Heading | None, headings: list[Heading], body: str | None,
                 fingerprint: str, flavour: Flavour = PLAIN,
                 book_root: Path | None = None, notice: str = "") -> None:
        self.slug = slug
        # Set when the file is past a limit (content.limits): the page is then its
        # text, shown plain under this one-line notice, with no sections but its lead.
        self.notice = notice
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
        from content.loading import read_source

        try:
            text = read_source(self.path, self.book_root, self.flavour)
        except OSError as error:  # gone or unreadable since the library was read
            raise ContentError(f"{self.path}: cannot read ({error.strerror or error})") from None
        if self.notice:
            return plain_body(text.text), text.fingerprint
        return outline_body(text.text), text.fingerprint

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.lead.children

    def walk(self) -> Iterator[Section]:
        return self.lead.walk()


class Skipped(NamedTuple):
    """A file or folder below the library that is not read, and why."""

    path: str  # below the library's root, with /
    reason: str


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
