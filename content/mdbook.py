"""An mdBook: ``book.toml``, ``SUMMARY.md`` as the table of contents, and ``{{#include}}``.

Read as mdBook itself reads a book (its guide, "Format"):

- ``book.toml`` names the source folder (``[book] src``, default ``src``), the
  title, and the prefixes that hide lines in code blocks per language
  (``[output.html.code.hidelines]``; Rust's ``#`` always);
- ``SUMMARY.md`` gives the chapters' order, nesting and titles: prefix chapters
  (links before the first list), numbered chapters (nested list items), part
  titles (``# Part`` between lists), suffix chapters, and draft chapters
  (``[Title]()``, which have no page);
- ``{{#include file}}`` and its kin are replaced by the file's text before the
  Markdown is read, relative to the including file and never from outside the
  book's root (the folder with ``book.toml``).

    >>> book = find_book(Path("rust-by-example/src"))
    >>> book.root.name, book.src.name, book.title
    ('rust-by-example', 'src', 'Rust By Example')
"""

from __future__ import annotations

import logging
import posixpath
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from content.contents import CHAPTER, DRAFT, PART, Entry, slug_of
from content.includes import NOT_FOUND, Expanded, lines_of, read_inside

logger = logging.getLogger(__name__)

SUMMARY = "SUMMARY.md"
BOOK_TOML = "book.toml"
MAX_NESTING = 10  # includes within includes, as mdBook allows
RUST_HIDE = "#"


class Book(NamedTuple):
    root: Path  # the folder with book.toml: the boundary for includes
    src: Path  # the chapters' folder: the library's root
    title: str
    hidelines: tuple[tuple[str, str], ...]  # (language, prefix), Rust's first


def find_book(folder: Path) -> Book | None:
    """The book ``folder`` is the root of (with ``book.toml``) or the source folder
    of; None if it is neither."""
    for root in (folder, folder.parent):
        config = _read_config(root / BOOK_TOML)
        if config is None:
            continue
        section = config.get("book")
        book: dict[str, object] = section if isinstance(section, dict) else {}
        src_name = book.get("src")
        src_name = src_name if isinstance(src_name, str) else "src"
        src = (root / src_name).resolve()
        if root is folder.parent and src != folder.resolve():
            continue  # a book.toml beside a folder that is not its source
        if not src.is_dir() or not src.is_relative_to(root.resolve()):
            continue  # no pages, or pages outside the book: nothing to read there
        title = book.get("title")
        title = title if isinstance(title, str) and title.strip() else root.resolve().name
        return Book(root.resolve(), src, title, _hidelines(config))
    return None


def _read_config(path: Path) -> dict[str, object] | None:
    """book.toml as data; None if there is none here (or it is a link out of its folder)."""
    found = read_inside(path, path.parent.resolve())
    if found is None:
        return None
    try:
        return tomllib.loads(found[1])
    except tomllib.TOMLDecodeError as error:
        # A book.toml we cannot read still marks a book: its defaults serve.
        logger.warning("%s: %s; using mdBook's defaults", path, error)
        return {}


def _hidelines(config: dict[str, object]) -> tuple[tuple[str, str], ...]:
    found = [("rust", RUST_HIDE)]
    table: object = config
    for key in ("output", "html", "code", "hidelines"):
        table = table.get(key) if isinstance(table, dict) else None
    if isinstance(table, dict):
        found += [(str(lang), prefix) for lang, prefix in table.items()
                  if isinstance(prefix, str) and prefix and lang != "rust"]
    return tuple(found)


# SUMMARY.md


_LINK = re.compile(r"\[(?P<title>(?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\((?P<target>[^()\s]*)\)")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+(?P<rest>.*)$")
_SEPARATOR = re.compile(r"^[ \t]*(?:-[ \t]*){3,}$|^[ \t]*(?:\*[ \t]*){3,}$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.*?)[ \t#]*$")


def summary_contents(text: str, has: Callable[[str], bool],
                     title_of: Callable[[str], str]) -> tuple[tuple[Entry, ...], list[str]]:
    """The table of contents SUMMARY.md gives, and a warning for each chapter
    whose file is missing.

    ``has(slug)`` says whether the book has that page; ``title_of(slug)`` is its own
    title, for a link whose text is empty.
    """
    from content.parse import plain_heading

    top: list[Entry] = []
    warnings: list[str] = []
    # Open list items: (indent, title, slug, kind, children), innermost last.
    stack: list[tuple[int, str, str | None, str, list[Entry]]] = []
    part: tuple[str, list[Entry]] | None = None  # the part being filled
    seen_title = seen_list = False

    def close_to(indent: int) -> None:
        while stack and stack[-1][0] >= indent:
            _, title, slug, kind, children = stack.pop()
            entry = Entry(title, slug, tuple(children), kind)
            (stack[-1][4] if stack else part[1] if part else top).append(entry)

    def chapter(title_markup: str, target: str) -> tuple[str, str | None, str]:
        title = plain_heading(title_markup)
        if not target:
            return title or "Draft", None, DRAFT
        slug = _slug_of_link(target)
        if slug is None or not has(slug):
            warnings.append(f"{SUMMARY}: {target} is listed but missing")
            return title or target, None, DRAFT
        return title or title_of(slug), slug, CHAPTER

    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip() or line.lstrip().startswith("<!--"):
            continue
        item = _LIST_ITEM.match(line)
        if item and not _SEPARATOR.match(line):
            link = _LINK.search(item.group("rest"))
            if link is None:
                continue
            seen_list = True
            indent = len(item.group("indent").expandtabs(4))
            close_to(indent)
            title, slug, kind = chapter(link.group("title"), link.group("target"))
            stack.append((indent, title, slug, kind, []))
            continue
        if _SEPARATOR.match(line):
            close_to(0)
            continue
        heading = _HEADING.match(line)
        if heading:
            close_to(0)
            if not seen_title and not seen_list and not top:
                seen_title = True  # "# Summary": the file's own title
                continue
            if part is not None:
                top.append(Entry(part[0], None, tuple(part[1]), PART))
            part = (plain_heading(heading.group("title")), [])
            continue
        close_to(0)
        for link in _LINK.finditer(line):  # a prefix chapter, or a suffix one after the lists
            title, slug, kind = chapter(link.group("title"), link.group("target"))
            if seen_list and part is not None:  # suffix chapters stand outside the last part
                top.append(Entry(part[0], None, tuple(part[1]), PART))
                part = None
            (part[1] if part is not None else top).append(Entry(title, slug, (), kind))
    close_to(0)
    if part is not None:
        top.append(Entry(part[0], None, tuple(part[1]), PART))
    return tuple(top), warnings


def _slug_of_link(target: str) -> str | None:
    path = unquote(target.split("#", 1)[0])
    if not path:
        return None
    path = posixpath.normpath(path)
    if path.startswith("../") or path == ".." or posixpath.isabs(path):
        return None
    return slug_of(path)


# {{#include}}


# As mdBook's links preprocessor finds them: an escaped directive, or a directive.
_DIRECTIVE = re.compile(r"\\\{\{#.*\}\}|\{\{\s*#(?P<kind>[a-zA-Z0-9_]+)\s+(?P<args>[^}]+)\}\}")
_ANCHOR_START = re.compile(r"ANCHOR:\s*(?P<name>[\w_-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*(?P<name>[\w_-]+)")


def expand_includes(text: str, file: Path, book_root: Path) -> Expanded:
    """``text`` (of ``file``) with mdBook's ``{{#include}}``, ``{{#rustdoc_include}}``,
    ``{{#playground}}`` and ``{{#title}}`` resolved as mdBook resolves them.

    ``\\{{#include x}}`` is shown as written, without its backslash. A file that
    is missing, or outside ``book_root``, leaves the visible note "include not
    found: PATH" and a warning; nothing outside the book is ever read.
    """
    if "{{" not in text:
        return Expanded(text, (), ())
    files: list[Path] = []
    warnings: list[str] = []
    root = book_root.resolve()
    expanded = _expand(text, file.parent, root, files, warnings, 0, file)
    return Expanded(expanded, tuple(dict.fromkeys(files)), tuple(warnings))


def _expand(text: str, base: Path, root: Path, files: list[Path], warnings: list[str],
            depth: int, page: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole.startswith("\\"):
            return whole[1:]
        kind = match.group("kind")
        args = match.group("args").split()
        if kind == "title":
            return ""
        if kind not in ("include", "rustdoc_include", "playground", "playpen") or not args:
            return whole  # not mdBook's: another preprocessor's, left alone
        path_text, _, selector = args[0].partition(":")
        included = read_inside(base / path_text, root)
        if included is None:
            shown = args[0].partition(":")[0]
            warnings.append(f"{page}: {NOT_FOUND.format(shown)}")
            return NOT_FOUND.format(shown)
        target, content = included
        files.append(target)
        if depth + 1 < MAX_NESTING:
            content = _expand(content, target.parent, root, files, warnings, depth + 1, page)
        if kind == "include":
            return _select(content, selector)
        if kind == "rustdoc_include":
            return _rustdoc_select(content, selector)
        attributes = "".join(f",{a}" for a in args[1:])
        body = content if content.endswith("\n") else content + "\n"
        return f"```rust{attributes}\n{body}```\n"

    return _DIRECTIVE.sub(replace, text)


def _range(selector: str, count: int) -> tuple[int, int] | None:
    """0-based [start, end) for ``N``, ``N:M``, ``N:``, ``:M``; None for an anchor."""
    if not selector:
        return 0, count
    start_text, colon, end_text = selector.partition(":")
    if not colon:
        if start_text.isdigit():
            number = int(start_text)
            return max(number - 1, 0), number
        return None
    if (start_text and not start_text.isdigit()) or (end_text and not end_text.isdigit()):
        return None
    start = max(int(start_text) - 1, 0) if start_text else 0
    end = int(end_text) if end_text else count
    return start, max(start, end)


def _is_marker(line: str) -> bool:
    return bool(_ANCHOR_START.search(line) or _ANCHOR_END.search(line))


def _select(content: str, selector: str) -> str:
    """What ``{{#include file:selector}}`` takes of the file: lines as they are for a
    range, and for an anchor the lines between its markers, without any marker."""
    lines = lines_of(content)
    span = _range(selector, len(lines))
    if span is not None:
        return "\n".join(lines[span[0]:span[1]])
    return "\n".join(line for line, inside in _anchored(lines, selector) if inside)


def _rustdoc_select(content: str, selector: str) -> str:
    """Every line of the file, those outside the selection hidden with ``# ``."""
    lines = lines_of(content)
    span = _range(selector, len(lines))
    if span is not None:
        marked = [(line, span[0] <= number < span[1]) for number, line in enumerate(lines)]
    else:
        marked = _anchored(lines, selector)
    return "\n".join(line if shown else f"# {line}" for line, shown in marked)


def _anchored(lines: list[str], anchor: str) -> list[tuple[str, bool]]:
    """The lines that are not anchor markers, each with whether it is between
    ``ANCHOR: anchor`` and ``ANCHOR_END: anchor`` (an anchor may open several times)."""
    marked: list[tuple[str, bool]] = []
    inside = False
    for line in lines:
        end = _ANCHOR_END.search(line)
        start = _ANCHOR_START.search(line)
        if end is not None:
            if inside and end.group("name") == anchor:
                inside = False
            continue
        if start is not None:
            inside = inside or start.group("name") == anchor
            continue
        marked.append((line, inside))
    return marked


def summary_text(book: Book) -> str | None:
    """The text of the book's SUMMARY.md, or None if it has none."""
    found = read_inside(book.src / SUMMARY, book.root)  # never a link out of the book
    return found[1] if found is not None else None
