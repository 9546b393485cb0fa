"""The ``encyclopedia`` command line.

This module must not import Qt or Whoosh: subcommands that need no window
(toc, search, index, bookmarks, import) start fast, and a test checks it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

EXIT_USAGE = 2
# ``open``'s options that take a value, and what each value becomes.
WINDOW_OPTIONS: dict[str, Callable[[str], object]] = {
    "--content": Path, "--screenshot": Path, "--size": str, "--theme": str, "--search": str}
THEMES = ("system", "light", "dark")


class CommandError(Exception):
    """A user mistake: shown as one line on stderr, exit code 2."""


def _content_arg(parser: argparse.ArgumentParser, *, inner: bool = False) -> None:
    """``--content``; ``inner`` for a sub-command's action, which must not reset the
    value given before it (``bookmarks --content X add ID`` and ``bookmarks add ID
    --content X`` mean the same)."""
    import argparse

    parser.add_argument("--content", type=Path, metavar="PATH",
                        default=argparse.SUPPRESS if inner else None,
                        help="a folder of Markdown (all *.md below it) or one .md file; "
                             "default: the built-in articles")


def _define_open(commands: Any) -> None:
    view = commands.add_parser("open", help="open the window (the default command)",
                               description="Open the viewer at TARGET, a section id "
                                           "(slug#anchor) or an article slug. With no "
                                           "TARGET, resume where you left off.")
    view.add_argument("target", nargs="?", metavar="TARGET")
    _content_arg(view)
    view.add_argument("--screenshot", type=Path, metavar="OUT.png",
                      help="render offscreen, save a PNG and exit")
    view.add_argument("--size", metavar="WxH",
                      help="window size (default: as you left it, else 1200x800)")
    view.add_argument("--theme", choices=THEMES,
                      help="colour theme for this run")
    view.add_argument("--search", metavar="QUERY",
                      help="start with QUERY in the search box and open its best hit "
                           "(handy with --screenshot)")


def _define_toc(commands: Any) -> None:
    toc = commands.add_parser("toc", help="print the section tree",
                              description="Print every article and its sections.")
    _content_arg(toc)
    toc.add_argument("--json", action="store_true", help="machine-readable output")


def _define_search(commands: Any) -> None:
    search = commands.add_parser("search", help="full-text search",
                                 description="Search the library; hits are sections.")
    search.add_argument("query", metavar="QUERY")
    _content_arg(search)
    search.add_argument("--limit", type=int, default=10, metavar="N",
                        help="at most N hits (default 10)")
    search.add_argument("--json", action="store_true", help="machine-readable output")


def _define_index(commands: Any) -> None:
    index = commands.add_parser("index", help="build or update the search index",
                                description="Bring the search index up to date; only "
                                            "changed files are re-indexed.")
    _content_arg(index)
    index.add_argument("--rebuild", action="store_true", help="start from an empty index")
    index.add_argument("--json", action="store_true", help="machine-readable output")


def _define_bookmarks(commands: Any) -> None:
    bookmarks = commands.add_parser("bookmarks", help="list, add, remove, export, import",
                                    description="Manage section bookmarks.")
    _content_arg(bookmarks)
    actions = bookmarks.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list bookmarks")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add = actions.add_parser("add", help="bookmark a section")
    add.add_argument("id", metavar="ID", help="section id, slug#anchor")
    add.add_argument("--folder", default="", metavar="F")
    add.add_argument("--note", default="", metavar="TEXT")
    remove = actions.add_parser("remove", help="remove a bookmark")
    remove.add_argument("id", metavar="ID")
    export = actions.add_parser("export", help="write bookmarks to a file")
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--format", choices=["json", "xbel"], default=None,
                        help="default: from the file's extension, else json")
    imported = actions.add_parser("import", help="merge bookmarks from a JSON or XBEL file")
    imported.add_argument("file", type=Path, metavar="FILE")
    for action in (listing, add, remove, export, imported):
        _content_arg(action, inner=True)


def _define_textimport(commands: Any) -> None:
    convert = commands.add_parser("import", help="turn a plain-text article into Markdown",
                                  description="Convert an article in plain text (title on "
                                              "the first line, short heading lines, | "
                                              "tables, - lists, question/+answer FAQs) "
                                              "to Markdown.")
    convert.add_argument("file", type=Path, metavar="FILE.txt")
    convert.add_argument("-o", "--output", type=Path, metavar="OUT.md",
                         help="write here instead of standard output")


def _define_pdf(commands: Any) -> None:
    pdf = commands.add_parser("pdf", help="save an article or a section as PDF")
    pdf.add_argument("target", metavar="TARGET")
    pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    _content_arg(pdf)


_DEFINITIONS: dict[str, Callable[[Any], None]] = {
    "open": _define_open,
    "toc": _define_toc,
    "search": _define_search,
    "index": _define_index,
    "bookmarks": _define_bookmarks,
    "import": _define_textimport,
    "pdf": _define_pdf,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (``only``) just one command: building every
    sub-parser costs a few milliseconds that ``open`` would pay before its window."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="encyclopedia",
        description="An offline encyclopedia: browse, search and bookmark sections of "
                    "Markdown articles. With no command, opens the window.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, define in _DEFINITIONS.items():
        if only is None or name == only:
            define(commands)
    return parser


def window_args(words: Sequence[str]) -> SimpleNamespace | None:
    """``open``'s arguments read by hand, as argparse reads them; None when they are
    not plain, for argparse to read (and to explain any mistake).

    Building the argparse parser takes a few milliseconds (mostly its gettext
    lookups), which every start of the window would pay before its first paint.
    Plain means: ``-v`` before the command, then at most one TARGET and the
    options of WINDOW_OPTIONS written out in full, with a value. A test holds the
    two readers to the same results.
    """
    args = SimpleNamespace(command="open", verbose=False, target=None,
                           **{option[2:]: None for option in WINDOW_OPTIONS})
    rest = list(words)
    while rest[:1] in (["-v"], ["--verbose"]):  # the command line's own, before the command
        args.verbose = True
        del rest[0]
    if rest[:1] != ["open"]:
        return None
    del rest[0]
    while rest:
        word = rest.pop(0)
        option, equals, value = word.partition("=")
        if option in WINDOW_OPTIONS:
            if not equals:
                if not rest or rest[0].startswith("-"):
                    return None
                value = rest.pop(0)
            if option == "--theme" and value not in THEMES:  # argparse checks each one
                return None
            setattr(args, option[2:], WINDOW_OPTIONS[option](value))
        elif word.startswith("-") or args.target is not None or word == "open":
            return None  # help, an abbreviation, "--", a second target...: argparse's
        else:
            args.target = word
    return args


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((word for word in words if not word.startswith("-")), None)
    if command not in _DEFINITIONS and not {"-h", "--help"} & set(words):
        # No command (or a target where the command would be): open the window.
        top = [word for word in words if word in ("-v", "--verbose")]
        words = [*top, "open", *(word for word in words if word not in top)]
        command = "open"
    args = (window_args(words) if command == "open" else None) or build_parser(
        command if command in _DEFINITIONS else None).parse_args(words)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    module_name = {"import": "textimport"}.get(args.command, args.command)
    from content import ContentError

    if args.command == "open":
        # Starting the window allocates many objects that live as long as it
        # does (Qt's types and enums among them): looking for garbage among them
        # is wasted work. The window turns collection on once it has painted.
        gc.disable()
    else:
        gc.enable()  # python -m viewer turned it off until the command was known
    try:
        module = importlib.import_module(f"viewer.commands.{module_name}")
        return int(module.run(args))
    except (CommandError, ContentError) as error:
        print(f"encyclopedia: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        gc.enable()  # if the window stopped before its first paint
