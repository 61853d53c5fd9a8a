"""The source's own markup in text: superscript footnote markers, *italics*, <links>; and the
plain forms of keys and section numerals."""

from __future__ import annotations

import re

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MARKER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
ITALICS = re.compile(r"\*([^*\n]+)\*")
# A key: the path of a resource under the base IRI ("un/s-res-2396-2017", "hague-marrakech").
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def marker_number(marker: str) -> int:
    return int("".join(str(SUPERSCRIPT_DIGITS.index(ch)) for ch in marker))


def strip_markup(text: str) -> str:
    """The plain text of marked text: footnote markers, *italics* and <links> removed."""
    text = MARKER.sub("", text)
    text = ITALICS.sub(r"\1", text)
    return AUTOLINK.sub(r"\1", text)


def fold(text: str) -> str:
    return " ".join(text.split())
