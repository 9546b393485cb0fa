"""The article model: a library of articles, each a tree of sections.

A section id is ``slug#anchor``: the slug is the file's path below the library
root without ``.md``, the anchor is the id of its rendered heading. An article's
lead (the text before its first section) is a section too; its id is the bare
slug, or ``slug#anchor`` when the article opens with its own ``#`` title.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from content.errors import ContentError, NotMarkdown, UnknownSection
from content.flavour import PLAIN, Flavour
from content.parse import Heading, Outline, outline, split_front_matter

logger = logging.getLogger(__name__)

BUILTIN_ARTICLES = Path(__file__).resolve().parent / "articles"
MARKDOWN_SUFFIXES = (".md", ".markdown")
UTF8_BOM = b"\xef\xbb\xbf"  # dropped by hand: the utf-8-sig codec costs an import
CACHED_FROM = 16  # files: from this many, outlines come from content.outlines' cache


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
                 "fingerprint", "flavour", "lead_id", "path", "slug", "title")

    def __init__(self, slug: str, path: Path, title: str, aliases: tuple[str, ...],
                 title_heading: Heading | None, headings: list[Heading], body: str | None,
                 fingerprint: str, flavour: Flavour = PLAIN) -> None:
        self.slug = slug
        self.flavour = flavour  # how the library's own tool reads this Markdown
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
            self._lead = Section(self.lead_id, heading.anchor if heading else "", self.title,
                                 heading.level if heading else 0, (self.title,),
                                 _nest(self.slug, self._headings, (self.title,)))
        return self._lead

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
            raw = self.path.read_bytes()
        except OSError as error:  # gone or unreadable since the library was read
            raise ContentError(f"{self.path}: cannot read ({error.strerror or error})") from None
        return outline_body(decode(raw, self.path)[0]), fingerprint(raw)

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.lead.children

    def walk(self) -> Iterator[Section]:
        return self.lead.walk()


class Library:
    """The articles of one folder (or one file), and every section by its id."""

    __slots__ = ("_by_slug", "articles", "root", "warnings")

    def __init__(self, root: Path, articles: tuple[Article, ...],
                 warnings: tuple[str, ...] = ()) -> None:
        self.root = root
        self.articles = articles
        self.warnings = warnings  # what the reader should know: files skipped, and why
        self._by_slug = {article.slug: article for article in articles}

    def article(self, slug: str) -> Article:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise UnknownSection(f"no article {slug!r} in {self.root}") from None

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


def load_library(path: Path | str | None = None) -> Library:
    """Every Markdown file below a folder, or one Markdown file, as a Library."""
    path = Path(path) if path is not None else BUILTIN_ARTICLES
    if not path.exists():
        raise ContentError(f"no such file or folder: {path}")
    if path.is_dir():
        root, files = path, markdown_files(path)
    elif path.suffix.lower() in MARKDOWN_SUFFIXES:
        root, files = path.parent, [(path.stem, path)]
    else:
        raise NotMarkdown(f"not a Markdown file or a folder: {path}")
    articles, warnings = [], []
    cache = None
    if len(files) >= CACHED_FROM:  # a big library: outlines from the cache where unchanged
        from content.outlines import OutlineCache

        cache = OutlineCache(root)
    read = cache.read if cache is not None else read_article
    for slug, file in files:
        try:
            article, warning = read(slug, file)
        except OSError as error:
            warnings.append(f"{file}: cannot read ({error.strerror or error})")
            continue
        articles.append(article)
        if warning:
            warnings.append(warning)
    if cache is not None:
        cache.save()
    for warning in warnings:
        logger.warning("%s", warning)
    return Library(root.resolve(), tuple(articles), tuple(warnings))


def markdown_files(folder: Path) -> list[tuple[str, Path]]:
    """(slug, path) of the Markdown files below ``folder``, in a stable order.

    Hidden files and folders are skipped, and so are folders one cannot read.
    The slug is the path below ``folder`` without its suffix, with ``/``.
    """
    found: list[tuple[str, str]] = []
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.name.lower().endswith(MARKDOWN_SUFFIXES) and entry.is_file():
                found.append((f"{prefix}{entry.name}", entry.path))
    found.sort(key=lambda item: item[0].lower())
    return [(os.path.splitext(relative)[0], Path(file)) for relative, file in found]


def read_article(slug: str, file: Path) -> tuple[Article, str | None]:
    """One file as an Article, and a warning if it needed repair to be read."""
    found, digest, warning = read_outline(file)
    return article_from_outline(slug, file, found.meta, found.headings, digest,
                                found.body), warning


def read_outline(file: Path) -> tuple[Outline, str, str | None]:
    """What the outline pass finds in ``file``, the file's fingerprint, and a warning
    if it needed repair to be read. Raises OSError if it cannot be read."""
    raw = file.read_bytes()
    source, warning = decode(raw, file)
    return outline(source), fingerprint(raw), warning


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


def parse_article(slug: str, path: Path, source: str, raw: bytes | None = None) -> Article:
    found = outline(source)
    digest = fingerprint(raw if raw is not None else source.encode())
    return article_from_outline(slug, path, found.meta, found.headings, digest, found.body)


def article_from_outline(slug: str, path: Path, meta: dict[str, str | list[str]],
                         headings: list[Heading], digest: str, body: str | None) -> Article:
    """An article from what the outline pass found (``body`` None: read when wanted)."""
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
        title = path.stem
    aliases = meta.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    return Article(slug, path, title, tuple(a for a in aliases if a), title_heading, headings,
                   body, digest)


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
