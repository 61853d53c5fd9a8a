"""URLs and links between the pages of the site: the one place that turns a resource into the
relative URL of its page or file (like datasette's ``Urls``)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..graph.read import ReadModel
from ..iris import page_path


@dataclass(slots=True)
class Link:
    """A link as the templates write it; no ``href``: plain text (a literal, not a resource)."""

    href: str | None
    text: str
    type: str | None = None  # the media type of a data file


def rel(from_dir: str, target: str) -> str:
    """A relative URL from the page in ``from_dir`` to ``target`` (a folder path ending in '/'
    for a page, a file path otherwise, either with an optional #fragment)."""
    path, _, fragment = target.partition("#")
    is_dir = path.endswith("/") or path == ""
    stripped = path.rstrip("/")
    # posixpath.relpath, for the clean relative paths of the site (no '.', '..' or '//')
    start = from_dir.split("/") if from_dir else []
    parts = stripped.split("/") if stripped else []
    common = 0
    for a, b in zip(start, parts, strict=False):
        if a != b:
            break
        common += 1
    url = "/".join([".."] * (len(start) - common) + parts[common:]) or "."
    if is_dir:
        url = "./" if url == "." else url + "/"
    return url + (f"#{fragment}" if fragment else "")


class Urls:
    """Links from one page of the site to the others, to data files and to other hosts."""

    def __init__(self, read: ReadModel, exports):
        self.read = read
        self.base = read.base
        self.exports = exports

    def page(self, node) -> str:
        """The folder of a resource's page, with the fragment if it has one: 'un/x/#frag'."""
        return page_path(node, self.base)

    def to_page(self, here: str, node) -> str:
        return rel(here, self.page(node))

    def link(self, here: str, node, text: str | None = None) -> Link:
        """A link from the page in ``here`` to a resource: its page, or its file if the resource
        is an export (a distribution); a resource of another host is linked as it is."""
        if isinstance(node, URIRef):
            key = self.read.key(node)
            if key in self.exports:  # a file, not a page
                return Link(rel(here, key), text or key)
            if str(node).startswith(self.base):
                return Link(rel(here, self.page(node)), text or self.read.label(node))
            return Link(str(node), text or str(node))
        return Link(None, text or str(node))

    def full(self, here: str, node) -> Link:
        """A link named with the full label: 'Good Practice 10: Develop …'."""
        return self.link(here, node, self.read.full_label(node))

    def file(self, here: str, name: str, text: str | None = None, media_type=None) -> Link:
        return Link(rel(here, name), text or name, media_type)

    def external(self, url) -> Link:
        return Link(str(url), str(url))


@dataclass(slots=True)
class Code:
    """Text the templates write as code: an IRI, a prefixed name, a media type."""

    text: str


def joined(items, separator: str = ", ") -> list:
    """Inline pieces (text, links, code) with a separator between them."""
    out: list = []
    for item in items:
        if out:
            out.append(separator)
        out.append(item)
    return out


@dataclass(slots=True)
class Emphasis:
    """Text the templates write in italics."""

    text: str


def concat(parts, separator: str) -> list:
    """Runs of inline pieces, one after the other with a separator between them."""
    out: list = []
    for part in parts:
        if out:
            out.append(separator)
        out.extend(part)
    return out
