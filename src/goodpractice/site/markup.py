"""The verbatim marked text of the memoranda, read for the templates: footnote markers,
*italics* and <links> become tokens that ``templates/partials.html`` writes as HTML (escaped by
the template, never by hand)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..content import MARKER, SUPERSCRIPT_DIGITS, marker_number

TOKENS = re.compile(
    rf"(?P<marker>[{SUPERSCRIPT_DIGITS}]+)"
    r"|\*(?P<em>[^*\n]+)\*"
    r"|<(?P<url>(?:https?|mailto):[^>\s]+)>"
)
SENTENCE_END = re.compile(r"[.!?;][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n")


@dataclass(slots=True)
class Token:
    kind: str  # 'text', 'marker', 'em' or 'url'
    text: str = ""  # the text; the URL of a 'url'
    number: int = 0  # a marker's footnote number
    href: str = ""  # where a marker links to
    parts: tuple = ()  # the tokens inside an 'em'


def tokens(text: str, footnote_href) -> tuple[Token, ...]:
    """Marked text as tokens; ``footnote_href(number)`` says where a marker links to."""
    out, last = [], 0
    for match in TOKENS.finditer(text):
        if match.start() > last:
            out.append(Token("text", text[last : match.start()]))
        last = match.end()
        if match.group("marker"):
            number = marker_number(match.group("marker"))
            out.append(Token("marker", number=number, href=footnote_href(number)))
        elif match.group("em"):
            out.append(Token("em", parts=tokens(match.group("em"), footnote_href)))
        else:
            out.append(Token("url", match.group("url")))
    if last < len(text):
        out.append(Token("text", text[last:]))
    return tuple(out)


def paragraphs(text: str, footnote_href) -> list[tuple[Token, ...]]:
    return [tokens(p.strip(), footnote_href) for p in text.split("\n\n") if p.strip()]


def plain(text: str) -> str:
    """Marked text as read: markers and markup removed."""
    text = MARKER.sub("", text)
    text = re.sub(r"\*([^*\n]+)\*", r"\1", text)
    return re.sub(r"<((?:https?|mailto):[^>\s]+)>", r"\1", text)


@dataclass(slots=True)
class Quotation:
    """The sentence that holds a citation's words: ``before``, the ``words`` (marked), ``after``."""

    before: str
    words: str
    after: str


def sentence_with(text: str, words: str) -> Quotation | None:
    """The sentence of ``text`` that holds ``words``; None without words; the words alone when
    they cannot be found."""
    if not words:
        return None
    at = text.find(words)
    if at < 0:
        return Quotation("", words, "")
    start = 0
    for match in SENTENCE_END.finditer(text, 0, at):
        start = match.end()
    end_match = SENTENCE_END.search(text, at + len(words))
    end = end_match.start() + 1 if end_match else len(text)
    if end_match and end_match.group(0).strip() == "":
        end = end_match.start()
    return Quotation(text[start:at], words, text[at + len(words) : end].rstrip())


def slug(text: str) -> str:
    """The id of a heading whose text comes from the data (a memorandum's name, a CiTO label):
    the id these headings had when the pages were Markdown, so that links to them still hold."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)
