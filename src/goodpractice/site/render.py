"""The templates: one Jinja environment, compiled once and reused for every page, autoescaped."""

from __future__ import annotations

import html
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .links import Code, Emphasis, Link
from .markup import slug

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"


class PageState:
    """What the templates keep of the page being rendered: its headings, for its table of
    contents (the heading macro records each one, and gets its id made unique on the page);
    and whether this is the part of the page search indexes (``search``), which leaves out
    what is marked data-search-exclude: search then parses less HTML for the same entries."""

    def __init__(self):
        self.start()

    def start(self, search: bool = False) -> None:
        self.search = search
        self.used = {"title"}  # the page's <h1>
        self.tokens: list[dict] = []
        self.stack: list[dict] = []

    def add(self, level: int, ident: str, text: str) -> str:
        ident = ident or "section"
        while ident in self.used:
            stem, _, number = ident.rpartition("_")
            ident = f"{stem}_{int(number) + 1}" if stem and number.isdigit() else f"{ident}_1"
        self.used.add(ident)
        token = {"level": level, "id": ident, "name": html.escape(text), "children": []}
        while self.stack and self.stack[-1]["level"] >= level:
            self.stack.pop()
        (self.stack[-1]["children"] if self.stack else self.tokens).append(token)
        self.stack.append(token)
        return ident


def same_entities(text: str) -> str:
    """Quotes escaped as the pages have always had them (html.escape's entities), not as
    MarkupSafe writes them: the same bytes for the same text."""
    return text.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


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

    def text(self, name: str, context: dict) -> str:
        return self.env.get_template(name).render(context)


def script_json(document) -> str:
    """JSON for a script element: no '<', '>' or '&' can end it or open a comment. The
    document is a JSON value, the bytes of a JSON file, or a function that returns either."""
    if callable(document):
        document = document()
    if isinstance(document, bytes):
        document = json.loads(document)
    text = json.dumps(document, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
