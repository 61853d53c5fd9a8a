"""The templates: one Jinja environment, compiled once and reused for every page, autoescaped."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import orjson
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from .links import Code, Emphasis, Link
from .markup import slug

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"


# The marks of a page rendered once for both its parts (Templates.page_and_search): what search
# leaves out is between BEGIN and END; a heading id that differs in the searched part is
# SAME + the page's + OTHER + the searched part's + STOP.
BEGIN, END, SAME, OTHER, STOP = "\x03", "\x04", "\x05", "\x06", "\x07"
LEFT_OUT = re.compile(f"{BEGIN}[^{END}]*{END}")
TWO_IDS = re.compile(f"{SAME}([^{OTHER}]*){OTHER}([^{STOP}]*){STOP}")


class PageState:
    """What the templates keep of the page being rendered: its headings, for its table of
    contents (the heading macro records each one, and gets its id made unique on the page);
    and whether this is the part of the page search indexes (``search``), which leaves out
    what is marked data-search-exclude: search then parses less HTML for the same entries.
    ``both``: the page and its searched part at once, what search leaves out marked
    (``begin``, ``end``), and a heading's id in both parts where they differ."""

    def __init__(self):
        self.start()

    def start(self, search: bool = False, both: bool = False) -> None:
        self.search = search
        self.both = both
        self.used = {"title"}  # the page's <h1>
        self.searched_used = {"title"}  # the same, in the searched part (both)
        self.depth = 0  # how deep in parts search leaves out (both)
        self.marks = 0  # how many marks were written (both): a page whose text holds one
        self.tokens: list[dict] = []
        self.stack: list[dict] = []

    def begin(self, on: bool = True) -> str:
        if not (self.both and on):
            return ""
        self.depth += 1
        self.marks += self.depth == 1
        return BEGIN if self.depth == 1 else ""

    def end(self, on: bool = True) -> str:
        if not (self.both and on):
            return ""
        self.depth -= 1
        return END if self.depth == 0 else ""

    def add(self, level: int, ident: str, text: str) -> str:
        ident = ident or "section"
        made = unique(ident, self.used)
        token = {"level": level, "id": made, "name": html.escape(text), "children": []}
        while self.stack and self.stack[-1]["level"] >= level:
            self.stack.pop()
        (self.stack[-1]["children"] if self.stack else self.tokens).append(token)
        self.stack.append(token)
        if self.both and self.depth == 0:
            searched = unique(ident, self.searched_used)
            if searched != made:
                self.marks += 2  # an id is written twice: in the heading and its link
                return f"{SAME}{made}{OTHER}{searched}{STOP}"
        return made


def unique(ident: str, used: set[str]) -> str:
    """``ident``, or the first of ident_1, ident_2, … not yet used on the page (now used)."""
    while ident in used:
        stem, _, number = ident.rpartition("_")
        ident = f"{stem}_{int(number) + 1}" if stem and number.isdigit() else f"{ident}_1"
    used.add(ident)
    return ident


def same_entities(text: str) -> str:
    """Quotes escaped as the pages have always had them (html.escape's entities), not as
    MarkupSafe writes them: the same bytes for the same text."""
    return text.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory for the life of the process, so that a rebuild in
    ``goodpractice serve`` compiles none (Jinja compares each with its source's checksum)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


class Templates:
    def __init__(self):
        self.state = PageState()
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(("html", "svg")),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # compiled once: the templates do not change during a build
            undefined=StrictUndefined,
            bytecode_cache=COMPILED,
        )
        env.globals["state"] = self.state
        env.filters["slug"] = slug
        env.filters["count"] = lambda number: f"{number:,}"
        env.tests["link"] = lambda value: isinstance(value, Link)
        env.tests["code"] = lambda value: isinstance(value, Code)
        env.tests["emphasis"] = lambda value: isinstance(value, Emphasis)
        env.tests["citation"] = lambda value: type(value).__name__ == "CitationLine"
        self.env = env

    def page(self, name: str, context: dict, search: bool = False) -> tuple[str, list[dict]]:
        """A page's article body and its table of contents (the headings it has); ``search``:
        the part of the body that search indexes."""
        self.state.start(search)
        body = self.env.get_template(name).render(context)
        return same_entities(body), self.state.tokens

    def page_and_search(self, name: str, context: dict) -> tuple[str, list[dict], str]:
        """``page`` and its ``search`` part from one rendering: what search leaves out is
        marked, then cut (or, where the page's text holds a mark itself, two renderings)."""
        self.state.start(both=True)
        body = self.env.get_template(name).render(context)
        tokens, marks = self.state.tokens, self.state.marks
        if body.count(BEGIN) + body.count(SAME) != marks or body.count(END) != body.count(BEGIN):
            page, tokens = self.page(name, context)
            return page, tokens, self.page(name, context, search=True)[0]
        page = TWO_IDS.sub(r"\1", body).replace(BEGIN, "").replace(END, "")
        searched = TWO_IDS.sub(r"\2", LEFT_OUT.sub("", body))
        return same_entities(page), tokens, same_entities(searched)

    def text(self, name: str, context: dict) -> str:
        return self.env.get_template(name).render(context)


def script_json(document) -> str:
    """JSON for a script element: no '<', '>' or '&' can end it or open a comment. The
    document is a JSON value, the bytes of a JSON file, or a function that returns either."""
    if callable(document):
        document = document()
    text = None
    if isinstance(document, bytes):
        text = compact(document)
        if text is None:
            document = json.loads(document)
    if text is None:
        text = json.dumps(document, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


EXPONENT = re.compile(r"[0-9][eE][-+]?[0-9]")


def compact(data: bytes) -> str | None:
    """A JSON file's text without spaces, by orjson (three times as fast), where it writes what
    json.dumps(..., ensure_ascii=False, separators=(",", ":")) would; None where it might not:
    the file is not what orjson reads (numbers past 64 bits, NaN), or a number may be written
    with an exponent (the two write exponents differently)."""
    try:
        text = orjson.dumps(orjson.loads(data)).decode("utf-8")
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    return None if EXPONENT.search(text) else text
