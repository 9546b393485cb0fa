"""Where a link in an article leads: a place in the library, the system browser, or nowhere.

Plain Python, so the rules are tested without a window. Every in-library link
becomes a place for ``navigate()``: a section id, and for an id inside a section
(a footnote, a raw ``<a id>``) that id too. http(s) and mailto links are for the
system browser (only ever opened on a click); anything else is refused, with
the reason, which names the missing file or anchor.

Pages link to each other as their own tools build them: ``other.md#anchor``,
mdBook's ``other.html`` (and ``index.html`` for a ``README.md``), MkDocs'
``other/`` and ``folder/`` (its index page); anchors as mdBook, MkDocs or this
project spell them (see :mod:`content.anchors`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from content import Library
from content.loading import MARKDOWN_SUFFIXES

EXTERNAL_SCHEMES = ("http", "https", "mailto")
PAGE_SUFFIXES = (*MARKDOWN_SUFFIXES, ".html", ".htm")
INDEX_STEMS = ("index", "README", "readme", "Index")


@dataclass(frozen=True)
class LinkTarget:
    kind: str  # "section", "external", "file" or "refused"
    value: str  # section id, URL or file path; for "refused", the reason
    element: str = ""  # for "section": an id inside the section to scroll to


def resolve_link(href: str, library: Library, current_slug: str) -> LinkTarget:
    href = href.strip()
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in EXTERNAL_SCHEMES:
        return LinkTarget("external", href)
    if scheme == "file":
        return _local_path(Path(unquote(parts.path)), unquote(parts.fragment), library)
    if scheme:
        return LinkTarget("refused", f"{scheme}: links are not followed")
    fragment = unquote(parts.fragment)
    if not parts.path:
        return place(library, current_slug, fragment)
    here = posixpath.dirname(current_slug)
    path = unquote(parts.path)
    relative = posixpath.normpath(posixpath.join(here, path))
    if relative.startswith("../") or relative == ".." or posixpath.isabs(relative):
        return LinkTarget("refused", f"{path} is outside the library")
    if path.endswith("/"):
        relative += "/"
    return _local_path(library.root / relative, fragment, library, relative)


def _local_path(path: Path, fragment: str, library: Library,
                relative: str | None = None) -> LinkTarget:
    if relative is None:
        try:
            relative = path.resolve().relative_to(library.root).as_posix()
        except ValueError:
            return LinkTarget("refused", f"{path} is outside the library")
    elif not _inside(path, library.root):
        return LinkTarget("refused", f"{relative} is outside the library")
    slug = page_slug(library, relative)
    if slug is None and path.exists():  # a page reached through a link inside the library
        real = path.resolve().relative_to(library.root).as_posix()
        slug = page_slug(library, f"{real}/" if relative.endswith("/") else real)
    if slug is not None:
        return place(library, slug, fragment)
    if path.is_file():
        return LinkTarget("file", str(path))
    shown = relative.rstrip("/") or "."
    if posixpath.splitext(shown)[1].lower() in PAGE_SUFFIXES or not path.exists():
        return LinkTarget("refused", f"missing page: {shown}")
    return LinkTarget("refused", f"{shown} is not a page of the library")


def page_slug(library: Library, relative: str) -> str | None:
    """The article a path below the library's root names, as its tools link to it."""
    folder = relative.endswith("/") or relative in ("", ".")
    relative = relative.rstrip("/")
    relative = "" if relative == "." else relative
    stem, suffix = posixpath.splitext(relative)
    candidates = []
    if not folder:
        if suffix.lower() in PAGE_SUFFIXES:
            candidates.append(stem)
        candidates.append(relative)  # no suffix, or a name of dots (``..md``)
        base = posixpath.basename(stem)
        if suffix.lower() in (".html", ".htm") and base == "index":  # mdBook: README.md
            candidates += [posixpath.join(posixpath.dirname(stem), s) for s in INDEX_STEMS]
    folder_path = relative if folder or not suffix else None
    if folder_path is not None:  # a folder's index page, or MkDocs' URL of a page: "page/"
        candidates += [posixpath.join(folder_path, s) if folder_path else s for s in INDEX_STEMS]
        candidates.append(folder_path)
    known = library.has_article
    return next((slug for slug in candidates if known(slug)), None)


def place(library: Library, slug: str, fragment: str) -> LinkTarget:
    """The place ``slug#fragment`` names, or the reason there is none."""
    from content.anchors import find_spot

    if not library.has_article(slug):
        return LinkTarget("refused", f"missing page: {slug}")
    article = library.article(slug)
    spot = find_spot(article, fragment)
    if spot is None:
        return LinkTarget("refused", f"missing anchor: #{fragment} in {article.path.name}")
    return LinkTarget("section", spot.section.id, spot.element)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True
