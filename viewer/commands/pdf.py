"""``encyclopedia pdf TARGET -o OUT.pdf``: an article or one section as a PDF.

TARGET is an article's slug (the whole article) or a section id
``slug#anchor`` (that section and its sub-sections). The text in the PDF is
real text, selectable and searchable. Runs offscreen: no window, no display.
"""

from __future__ import annotations

import argparse
import os
import sys

from content import UnknownSection, load_library
from viewer.cli import CommandError


def run(args: argparse.Namespace) -> int:
    library = load_library(args.content)
    try:
        section = library.section(args.target)
    except UnknownSection as error:
        raise CommandError(str(error)) from None
    if args.output.is_dir():
        raise CommandError(f"{args.output} is a folder; -o wants a file name")

    # Laying out text needs a QGuiApplication, never a screen.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    from viewer.printing import PrintError, print_document, write_pdf

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    document = print_document(library, section.id)
    try:
        write_pdf(document, args.output)
    except PrintError as error:
        print(f"encyclopedia: {error}", file=sys.stderr)
        return 1
    what = "article" if section.id == library.article(section.slug).lead.id else "section"
    print(f"wrote {args.output}: the {what} {section.id!r}")
    return 0
