"""Fenced code as the library's own tool reads it: the language, and the lines mdBook hides.

Plain functions on text, with no Markdown import: the renderer (through
:mod:`content.converter`) and the index's fast text path (:mod:`index.plaintext`)
both use them, so a code block's text is the same in the page and in the index.

An info string is what follows an opening fence. CommonMark leaves its meaning
to the tool; the tools we follow agree that its first word is the language, and
mdBook also splits words at commas (``rust,ignore``, ``rust, editable``):

    >>> info_language("rust,ignore")
    'rust'
    >>> info_language("{.python .numberLines}")
    'python'
    >>> info_hidelines("python,hidelines=!!!")
    '!!!'
"""

from __future__ import annotations

import re

from content.flavour import Flavour

# The words of an info string: mdBook splits at commas and white space.
_WORD_SEPARATORS = r"[\s,]+"
# mdBook's Rust rule: `^(\s*)#(.?)(.*)$`, where the character after `#` decides.
_RUST_HIDDEN = r"^(\s*)#(.?)(.*)$"


def info_language(info: str) -> str:
    """The language an info string names: its first word, without a leading dot or brace."""
    words = re.split(_WORD_SEPARATORS, info.strip().lstrip("{").strip(), maxsplit=1)
    return words[0].lstrip(".").rstrip("}") if words else ""


def info_hidelines(info: str) -> str | None:
    """The prefix an info string's ``hidelines=PREFIX`` word gives, if it has one."""
    if "hidelines=" not in info:
        return None
    for word in re.split(_WORD_SEPARATORS, info.strip()):
        if word.startswith("hidelines=") and len(word) > len("hidelines="):
            return word[len("hidelines="):].strip("\"'")
    return None


def hidden_prefix(language: str, flavour: Flavour, override: str | None = None) -> str | None:
    """What marks a hidden line in a code block of ``language``, or None if none is hidden.

    Only a flavour with hidelines (mdBook) hides lines. Rust always follows
    mdBook's own rule (returned as ``"#"``); another language hides lines that
    start with the block's own ``hidelines=`` prefix, else with the book's.
    """
    if not flavour.hidelines or not language:
        return None
    if language == "rust":
        return "#"
    if override:
        return override
    return dict(flavour.hidelines).get(language)


def visible_code(code: str, language: str, prefix: str | None) -> str:
    """``code`` as mdBook shows it in a block of ``language`` whose hidden lines start
    with ``prefix`` (see :func:`hidden_prefix`): hidden lines dropped.

    In Rust, a line whose first non-blank character is ``#`` is hidden unless the
    next character is ``!`` or ``[`` (attributes); ``##`` shows as one ``#``:

    >>> visible_code("# fn main() {\\n    let x = 1;\\n    ##x\\n# }", "rust", "#")
    '    let x = 1;\\n    #x'
    """
    if prefix is None or (prefix not in code):
        return code
    lines = code.split("\n")
    shown: list[str] = []
    if language == "rust":
        for line in lines:
            found = re.match(_RUST_HIDDEN, line) if "#" in line else None
            if found is None:
                shown.append(line)
            elif found.group(2) == "#":
                shown.append(found.group(1) + "#" + found.group(3))
            elif found.group(2) in ("!", "["):
                shown.append(line)
        return "\n".join(shown)
    return "\n".join(line for line in lines if not line.lstrip().startswith(prefix))
