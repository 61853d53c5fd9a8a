"""A generated page's final HTML without running the theme for it: the theme's page (Material's
base.html with overrides/) is rendered once per shape (folder depth, and what the theme decides
by: a description or not, what is hidden, a table of contents or not, its own heading and
"cite this" line or not) with marked stand-in values, cut at the marks, and each page of that
shape is the cut pieces with its own values put in, as the theme prints them (raw: MkDocs'
Jinja does not escape; what must arrive escaped is escaped here, as ``meta`` gives it to the
theme too). Only pages the navigation does not list take this path; their navigation and header
are the same for every page of a depth (overrides/partials/nav.html).

``final_html(page, shells)`` is a pure function of the page and the shells; the adapter
(mkdocs_adapter.py, the one module that touches MkDocs) renders the shells and checks the
first page of each shape against the theme's own rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .pages import Page
from .render import Templates, script_json

# A mark holds '<', '&' and quotes: a mark the theme escaped or filtered is not found verbatim,
# and that shape then stays on MkDocs' path.
MARK = "\x02gp-{}<&\"'>\x02"
TITLE, DESCRIPTION, HEAD, CONTENT = (MARK.format(n) for n in ("title", "desc", "head", "body"))
# The table of contents' stand-in entries: an id and a heading text, printed raw or in a URL
TOC_IDS = ("gp-toc-first-mark", "gp-toc-second-mark", "gp-toc-third-mark")
TOC_TITLES = ("\x02gp-toc-one\x02", "\x02gp-toc-two\x02", "\x02gp-toc-three\x02")
# The HTML this module puts in (templates/shell.html), and what the theme looks for in an article
HTML = Templates().env.get_template("shell.html").module
HEADING = str(HTML.heading())


def meta(page: Page, in_nav: bool) -> dict:
    """What the theme reads of a generated page, as page metadata."""
    # The theme prints these into <title> and attributes as they are (MkDocs' Jinja does not
    # escape): a title with quotes or a '<' must arrive escaped.
    found: dict = {}
    if page.path:  # the home page keeps the site's name as its <title>
        found["title"] = str(escape(page.title))
    if page.description:
        found["description"] = str(escape(" ".join(page.description.split())))
    if page.hide:
        found["hide"] = list(page.hide)
    if not page.searched:
        found["search"] = {"exclude": True}
    if not in_nav:  # its navigation is the same as every such page's at its depth
        found["gp_nav_key"] = f"depth-{page.path.count('/') + 1 if page.path else 0}"
    return found


def head_html(page: Page) -> str:
    """The page's own lines of <head>: its alternates and its JSON-LD (overrides/main.html)."""
    jsonld = None if page.jsonld is None else script_json(page.jsonld)
    return str(HTML.head(page.alternates, jsonld))


def shape(page: Page) -> tuple | None:
    """What the theme decides a page's HTML by, besides its values; None: not this path."""
    if not page.path or (page.toc and page.toc[0]["level"] == 1):
        return None
    return (meta(page, in_nav=False)["gp_nav_key"], *features(page))


def features(page: Page) -> tuple:
    """What the theme decides a page's HTML by, besides its navigation: a description, what
    is hidden, a table of contents, its own heading and "cite this" line, its own title (the
    home page has the site's)."""
    return (
        bool(page.description and page.description.split()),
        tuple(page.hide),
        bool(page.toc),
        HEADING in page.html,
        "gp-cite" in page.html,
        bool(page.path),
    )


def stand_in_content(key: tuple) -> str:
    """The stand-in article of a shape: the mark, with what the theme looks for in it."""
    return CONTENT + (HEADING if key[4] else "") + ("gp-cite" if key[5] else "")


@dataclass(frozen=True)
class TocPieces:
    """Material's partials/toc-item.html cut at its values: an entry is ``start`` + URL +
    ``middle`` + title, then ``leaf_end``, or ``branch`` + label + ``open`` + its entries
    joined by ``between`` + ``close``."""

    start: str
    middle: str
    leaf_end: str
    branch: str
    open: str
    between: str
    close: str

    def entry(self, token: dict) -> str:
        head = f"{self.start}#{token['id']}{self.middle}{token['name']}"
        if not token["children"]:
            return head + self.leaf_end
        label = str(escape(Markup(token["name"]).striptags()))
        children = self.between.join(self.entry(child) for child in token["children"])
        return f"{head}{self.branch}{label}{self.open}{children}{self.close}"


def toc_pieces(leaf: str, branch: str) -> TocPieces | None:
    """The pieces, from toc-item.html rendered for a leaf (the first stand-in entry) and for a
    branch (the second, with the first and the third as its children); None if they do not
    come apart as expected."""
    first, second, third = (f"#{i}" for i in TOC_IDS)
    start, _, rest = leaf.partition(first)
    middle, _, leaf_end = rest.partition(TOC_TITLES[0])
    if not branch.startswith(f"{start}{second}{middle}{TOC_TITLES[1]}"):
        return None
    rest = branch.removeprefix(f"{start}{second}{middle}{TOC_TITLES[1]}")
    opening, _, rest = rest.partition(leaf)
    between, _, close = rest.partition(leaf.replace(first, third).replace(*TOC_TITLES[::2]))
    part, _, open_ = opening.partition(TOC_TITLES[1])
    pieces = TocPieces(start, middle, leaf_end, part, open_, between, close)
    tokens = [stand_in_token(0), {**stand_in_token(1), "children": [stand_in_token(2)]}]
    ok = (
        pieces.entry(tokens[0]) == leaf
        and pieces.entry({**tokens[1], "children": [tokens[0], stand_in_token(2)]}) == branch
    )
    return pieces if ok else None


def stand_in_token(number: int) -> dict:
    return {"level": 2, "id": TOC_IDS[number], "name": TOC_TITLES[number], "children": []}


@dataclass(frozen=True)
class Shell:
    """The theme's page for one shape, cut at its marks: ``parts[i]``, then the value named
    ``slots[i]``, ..., then the last part."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]
    toc_between: str = ""  # between two entries of the table of contents


def cut(text: str, key: tuple, toc_region: tuple[str, str] | None) -> Shell | None:
    """The shell from the theme's page rendered with the stand-in values; None when a mark is
    missing or was changed (escaped, filtered) by the theme: that shape takes MkDocs' path."""
    between = ""
    if key[3]:  # the table of contents: its two stand-in entries, then the skip link's URL
        found = cut_toc(text, *(toc_region or ("", "")))
        if found is None:
            return None
        text, between = found
    marks = {TITLE: "title"} if key[6] else {}
    marks.update({HEAD: "head", stand_in_content(key): "content"})
    if key[1]:
        marks[DESCRIPTION] = "description"
    if key[3]:
        marks["\x02gp-toc\x02"] = "toc"
        marks[f"#{TOC_IDS[0]}"] = "skip"
    pieces = re.split("(" + "|".join(re.escape(m) for m in marks) + ")", text)
    parts, slots = tuple(pieces[::2]), tuple(marks[m] for m in pieces[1::2])
    if set(slots) != set(marks.values()) or any("\x02" in part or "gp-toc-" in part
                                                 for part in parts):  # fmt: skip
        return None
    return Shell(parts, slots, between)


def cut_toc(text: str, first: str, second: str) -> tuple[str, str] | None:
    """The text with each table of contents (a page of the navigation has a second one, in
    its navigation entry) replaced by a mark; with what separates two entries."""
    if not first:
        return None
    kept, between, rest = [], None, text
    while (start := rest.find(first)) >= 0:
        end = rest.find(second, start + len(first))
        if end < 0 or between not in (None, rest[start + len(first) : end]):
            return None
        between = rest[start + len(first) : end]
        kept.append(rest[:start] + "\x02gp-toc\x02")
        rest = rest[end + len(second) :]
    return None if between is None else ("".join(kept) + rest, between)


@dataclass
class Shells:
    """The shells of one build by shape (None: that shape takes MkDocs' path), and the table
    of contents' pieces."""

    toc: TocPieces | None
    by_shape: dict[tuple, Shell | None] = field(default_factory=dict)


def page_key(page: Page) -> tuple | None:
    """The key of a page the navigation lists: its shell is its own (the navigation shows it
    as the current page), made when a build asks to remember it (an update of the site)."""
    if page.toc and page.toc[0]["level"] == 1:
        return None
    return (("page", page.source), *features(page))


def final_html(page: Page, shells: Shells, key: tuple | None = None) -> str:
    """The page's whole HTML, as the theme would write it (its shell must be made): the shell
    of its shape, or the one under ``key`` (``page_key``)."""
    shell = shells.by_shape[key if key is not None else shape(page)]
    found = meta(page, in_nav=False)
    values = {
        "title": found.get("title", ""),
        "description": found.get("description", ""),
        "head": head_html(page),
        "content": page.html,
    }
    if page.toc:
        values["skip"] = f"#{page.toc[0]['id']}"
        values["toc"] = shell.toc_between.join(shells.toc.entry(t) for t in page.toc)
    out = [shell.parts[0]]
    for slot, part in zip(shell.slots, shell.parts[1:], strict=True):
        out.append(values[slot])
        out.append(part)
    return "".join(out)
