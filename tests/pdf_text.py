"""The text in a PDF, in pure Python, so PDF tests need no outside tool.

Enough of PDF for what Qt's PDF writer makes: objects, Flate streams, Type0
fonts with a ToUnicode CMap (bfchar and bfrange), and the text operators
``Tf``, ``Tj`` and ``TJ``. Qt places glyphs one by one, so spaces are not
reliable: compare text with :func:`squeezed`, which drops all whitespace.

    >>> pages, text = pdf_text(Path("out.pdf").read_bytes())
"""

from __future__ import annotations

import re
import unicodedata
import zlib

_OBJECT = re.compile(rb"(\d+)\s+0\s+obj(.*?)endobj", re.S)
_REF = rb"(\d+)\s+0\s+R"


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}


def _stream(body: bytes) -> bytes | None:
    head, found, rest = body.partition(b"stream")
    if not found:
        return None
    raw = rest[2:] if rest.startswith(b"\r\n") else rest[1:]
    raw = raw[: raw.rindex(b"endstream")]
    if b"/FlateDecode" in head:
        # A decompressor object stops at the end of the data and ignores the
        # end-of-line before "endstream", which may or may not be part of it.
        return zlib.decompressobj().decompress(raw)
    return raw


def _hex_units(text: bytes, width: int = 4) -> list[int]:
    digits = re.sub(rb"\s", b"", text)
    return [int(digits[i:i + width], 16) for i in range(0, len(digits), width)]


def _utf16(text: bytes) -> str:
    units = _hex_units(text)
    return b"".join(u.to_bytes(2, "big") for u in units).decode("utf-16-be", "replace")


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = _utf16(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, rest in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            first, last = int(low, 16), int(high, 16)
            if rest.startswith(b"["):
                targets = re.findall(rb"<([0-9A-Fa-f]+)>", rest)
                for offset, target in enumerate(targets[: last - first + 1]):
                    mapping[first + offset] = _utf16(target)
            else:
                start = _hex_units(rest[1:-1])
                for offset in range(last - first + 1):
                    mapping[first + offset] = chr(start[-1] + offset)
    return mapping


def pdf_text(data: bytes) -> tuple[int, str]:
    """(number of pages, the text of every page in order)."""
    objects = _objects(data)
    pages = sum(1 for body in objects.values() if re.search(rb"/Type\s*/Page\b", body))
    cmaps: dict[int, dict[int, str]] = {}  # font object -> its ToUnicode map
    for number, body in objects.items():
        found = re.search(rb"/ToUnicode\s+" + _REF, body)
        if found:
            cmap_data = _stream(objects[int(found.group(1))]) or b""
            cmaps[number] = _cmap(cmap_data)
    names: dict[bytes, int] = {}  # resource name (/F11) -> font object
    for body in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/(\w+)\s+" + _REF, block):
                names[name] = int(ref)
    out: list[str] = []
    for body in objects.values():
        content = _stream(body)
        if content is None or b"BT" not in content:
            continue
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>\s*Tj|\[(.*?)\]\s*TJ",
                                 content, re.S):
            if token.group(1) is not None:
                font = cmaps.get(names.get(token.group(1), -1), {})
            elif token.group(2) is not None:
                out.extend(font.get(code, "") for code in _hex_units(token.group(2)))
            else:
                for part in re.findall(rb"<([0-9A-Fa-f\s]*)>", token.group(3)):
                    out.extend(font.get(code, "") for code in _hex_units(part))
            out.append(" ")
    return pages, unicodedata.normalize("NFKC", "".join(out))


def squeezed(text: str) -> str:
    """Text without whitespace, ligatures unfolded: comparable with what a PDF holds."""
    return "".join(unicodedata.normalize("NFKC", text).split())
