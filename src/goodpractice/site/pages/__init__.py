"""Every page of the site, from the read model: one module per page kind, each giving the
context its template (``templates/pages/<kind>.html``) is rendered with."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef

from ...export.index import GraphView
from ...graph.read import ReadModel
from ...vocab import (
    FORMAT,
    FORMATS,
    PROFILES,
    RESOURCE_FORMATS,
    profile_alternate_links,
    profile_token_links,
)
from ..links import Urls, rel
from ..render import Templates
from .carry import Carry

# Top-level paths of the site's own pages; a catalogue key must not take one of them.
RESERVED = {
    "assets", "search", "index", "memoranda", "documents", "organisations", "matrix", "network",
    "def", "citations", "editing", "dataset", "404.html", "sitemap.xml", "queries",
}  # fmt: skip


class SiteError(Exception):
    """The site could not be built; nothing was written."""


@dataclass
class Page:
    """One generated page: its article body (HTML), its table of contents, and its head."""

    path: str  # the folder of the page under the site root; "" for the home page
    title: str
    html: str
    toc: list[dict] = field(default_factory=list)
    iri: URIRef | None = None
    description: str | None = None
    # a JSON-LD document, the bytes of its file, or what reads them when the page is written
    jsonld: dict | bytes | Callable[[], bytes] | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (media type, href)
    hide: list[str] = field(default_factory=list)  # Material: "navigation", "toc"
    searched: bool = True  # False: search leaves the page out (its text is on another page)
    search_html: str | None = None  # the part of ``html`` search indexes

    @property
    def source(self) -> str:
        return f"{self.path}/index.md" if self.path else "index.md"


@dataclass(frozen=True, eq=False)
class ExportDocument:
    """A page's embedded JSON-LD that is one of the exports (its resource's document), read
    only when the page is written."""

    exports: Mapping[str, bytes]
    name: str

    def __call__(self) -> bytes:
        return self.exports[self.name]

    def portable(self) -> Callable[[], bytes] | bytes:
        """The same for another process: what reads the export's file, or its bytes."""
        path = getattr(self.exports, "path", None)
        return FileBytes(str(path(self.name))) if path is not None else self()


@dataclass(frozen=True)
class FileBytes:
    """A file's bytes, read when called."""

    path: str

    def __call__(self) -> bytes:
        with open(self.path, "rb") as file:
            return file.read()


class Site:
    """The pages and the site's own files, made from the read model and the exports."""

    # The indexes, as the last site rendered them: (template, its context's repr) → the page's
    # article and table of contents. An index lists the whole corpus and is made again on every
    # update of the site (``incremental.py``), mostly as it was: what it lists is read again,
    # but its rendering is reused. Replaced by each render (the indexes of one site are kept).
    last_indexes: dict = {}

    def __init__(self, read: ReadModel, exports: Mapping[str, bytes], triples=None,
                 documents: Documents | None = None):  # fmt: skip
        """``triples``: the graph's triples as a Python collection, if the caller has them
        (faster to walk than the rdflib graph): the read model then answers from them.
        ``documents``: the documents they name, if the caller keeps them (``Documents``)."""
        if triples is not None and read.view is read.graph:
            read.use_view(GraphView(read.graph, triples, {}))
        self.read = read
        self.base = read.base
        self.exports = exports
        self.urls = Urls(read, exports)
        self.templates = Templates()
        self.pages: list[Page] = []
        self.files: dict[str, bytes] = {}
        self.produced: dict = {}  # a resource (or a memorandum's views) → its pages' sources
        # the order of the pages, as keys of ``produced`` (or ("page", source) for a page of
        # no resource's): with ``only``, those not made again too
        self.sequence: list = []
        # What several pages ask again and again, read once
        self.plain_texts: dict = {}  # node → its text as read (common.plain_text)
        self.practices_by_memorandum: dict = {}  # (memorandum.practices_of_memorandum)
        self.citing_units: dict | None = None  # memorandum → its citing units (views)
        self.indexes: dict = {}  # this site's ``last_indexes``
        self.reused = 0  # the index pages whose rendering was reused
        self.carry: Carry = Carry(read)  # what the last render kept, what this one keeps
        if documents is not None and "#" not in read.base:
            self.resources = documents.resources(read.base, exports)
        else:
            self.resources = resources_of(read.graph if triples is None else triples, read.base,
                                          exports)  # fmt: skip

    def key(self, node) -> str:
        return self.read.key(node)

    def add(self, path: str, template: str, context: dict, searched: bool = True,
            index: bool = False, **page) -> Page:  # fmt: skip
        """A page; ``index``: an index page (not searched), whose rendering may be reused."""
        from .changes import cite

        context = {"here": path, "cite": cite(self, context["title"], page.get("iri"), path),
                   **context}  # fmt: skip
        if searched:  # the page and the part search indexes, from one rendering
            html, toc, search_html = self.templates.page_and_search(template, context)
        elif index:  # the same context gives the same page (its values have a full repr)
            key = (template, repr(context))
            made = self.indexes[key] = self.indexes.get(key) or Site.last_indexes.get(key)
            if made is None:
                made = self.indexes[key] = self.templates.page(template, context)
            else:
                self.reused += 1
            (html, toc), search_html = made, None
        else:
            (html, toc), search_html = self.templates.page(template, context), None
        made = Page(path, context["title"], html, toc, searched=searched,
                    search_html=search_html, **page)  # fmt: skip
        self.pages.append(made)
        return made

    def resource_page(self, node, template: str, context: dict, **page) -> Page:
        from .changes import lifecycle

        here = self.key(node)
        context = {"lifecycle": lifecycle(self, node, here), **context}
        return self.add(
            here,
            template,
            context,
            iri=node,
            description=context.get("description"),
            alternates=[
                (f.media_type, rel(here, f"{here}.{f.extension}")) for f in RESOURCE_FORMATS
            ],
            jsonld=self.embedded(node),
            **page,
        )

    def embedded(self, node) -> ExportDocument:
        """What a resource's page embeds: its JSON-LD document, read when the page is written."""
        return ExportDocument(self.exports, self.document_name(node))

    def document_name(self, node) -> str:
        """The export a page embeds: its resource's JSON-LD document with the context inline."""
        key = self.key(node)
        names = (
            ("dataset-description.embedded.jsonld",)
            if key == "dataset"
            else (f"{key}.embedded.jsonld", f"{key}.jsonld")
        )
        for name in names:
            if name in self.exports:
                return name
        if key.startswith("dataset/") and self.read.kind(node) == "release":
            return "dataset-description.embedded.jsonld"  # an earlier release: its files are data
        raise SiteError(f"{node}: the exports have no JSON-LD document for it")

    def check_paths(self) -> None:
        problems = []
        for node in self.resources:
            key = self.key(node)
            first = key.split("/", 1)[0]
            release = key.startswith("dataset/") and self.read.kind(node) in ("release", "changes")
            if (
                first in RESERVED
                and key != "def"
                and not (key == "dataset" and self.read.kind(node) == "dataset")
                and not release
            ):
                problems.append(f"{node}: its path '{key}' is taken by a page of the site itself")
            if not re.fullmatch(r"[A-Za-z0-9._~/-]*", key) or "//" in key or key.endswith("/"):
                problems.append(f"{node}: its path '{key}' cannot be a page of the site")
        if problems:
            raise SiteError("\n".join(problems))

    def render(self, only: set | None = None, last: dict | None = None) -> None:
        """Every page: one per resource, then the home page, the indexes, the views of each
        memorandum, the data model, the queries; and the server configurations. ``only`` (an
        update of the site): the pages of these resources, and the views of these memoranda,
        with every page that is no resource's; ``last``: what the last render kept
        (``carry``). ``produced`` records each resource's pages."""
        from . import (
            catalogue,
            changes,
            dataset,
            home,
            indexes,
            memorandum,
            model,
            queries,
            text,
            views,
        )

        self.check_paths()
        self.carry = Carry(self.read, last, only)
        kinds = {
            "memorandum": memorandum.memorandum,
            "section": memorandum.section,
            "practice": memorandum.practice,
            "text": text.text,
            "footnote": text.footnote,
            "glossary": text.glossary,
            "term": text.term,
            "framework-document": catalogue.entry,
            "resolution": catalogue.entry,
            "initiative": catalogue.entry,
            "organisation": catalogue.entry,
            "document": catalogue.entry,
            "cited-practice": catalogue.cited_practice,
            "resource": catalogue.generic,
            "dataset": dataset.dataset,
            "release": dataset.release,
            "changes": changes.changes,
        }
        for node in self.resources:
            if self.key(node) == "def":
                continue  # the data model page, below
            self.sequence.append(node)
            if only is not None and node not in only:
                continue
            first = len(self.pages)
            kinds[self.read.kind(node)](self, node)
            self.produced[node] = [page.source for page in self.pages[first:]]
        self.in_sequence(home.home, indexes.memoranda, indexes.documents, indexes.organisations)
        for memo in self.read.memoranda:
            self.sequence.append(("views", memo))
            if only is None or memo in only:
                first = len(self.pages)
                views.matrix(self, memo)
                views.network(self, memo)
                self.produced[("views", memo)] = [page.source for page in self.pages[first:]]
        self.in_sequence(model.model, queries.queries)
        self.server_config()
        Site.last_indexes = self.indexes

    def in_sequence(self, *makers) -> None:
        """Pages that belong to no resource, recorded in ``sequence`` one by one."""
        for make in makers:
            first = len(self.pages)
            make(self)
            self.sequence += [("page", page.source) for page in self.pages[first:]]

    def server_config(self) -> None:
        """The Apache and nginx configurations for content negotiation, for the base's path."""
        path = base_path(self.base)
        for name, template in ((".htaccess", "htaccess"), ("nginx.conf", "nginx.conf"),
                               ("nginx-location.conf", "nginx-location.conf")):  # fmt: skip
            context = {"base_path": path, "base_alias": path.rstrip("/") or "/", **FORMAT_FACTS,
                       "profiles": PROFILES, "profile_tokens": ", ".join(profile_token_links()),
                       "profile_alternates": ", ".join(profile_alternate_links()),
                       "multi_profile": self.multi_profile()}  # fmt: skip
            text = self.templates.text(f"server/{template}", context)
            self.files[name] = text.encode("utf-8")

    def multi_profile(self) -> list[str]:
        """The paths of the resources that also have a document in another profile (VocPub)."""
        suffixes = tuple(f"{p.suffix}.ttl" for p in PROFILES if p.suffix)
        return sorted(
            name.removesuffix(suffix)
            for name in self.exports
            for suffix in suffixes
            if name.endswith(suffix)
        )


def resources_of(triples, base: str, exports) -> list[URIRef]:
    """Every IRI under the base that gets a page: the document part of each IRI in the triples
    (before any '#'), but the base itself and the paths of exports. The distinct nodes are
    gathered first (hashing only), then each is looked at once."""
    found = set()
    nodes = {node for node in itertools.chain.from_iterable(triples) if isinstance(node, URIRef)}
    for node in nodes:
        if node.startswith(base):
            document = str(node).split("#", 1)[0]
            if document != base and document.removeprefix(base) not in exports:
                found.add(document)
    return [URIRef(document) for document in sorted(found)]


class Documents:
    """The documents ``resources_of`` finds in a graph's triples (each IRI before any '#'),
    kept from one rebuild to the next: how many times the triples name each, changed by the
    triples added and removed, not found again in every triple."""

    def __init__(self):
        self.named: dict[str, int] = {}  # a document → how many IRIs of the triples are of it
        self.of: set | None = None  # the triples counted
        self.counts: dict = {"made": 0, "updated": 0}  # a test tells the fast path ran

    def follow(self, triples: set, before: set | None = None, diff: set | None = None) -> None:
        """Count ``triples``: from the count of ``before`` (if that is the last counted) and
        ``diff`` (``before ^ triples``), else all of them."""
        if self.of is not None and self.of is before and diff is not None:
            self.count((t for t in diff if t not in triples), -1)  # removed
            self.count((t for t in diff if t in triples), 1)  # added
            self.counts["updated"] += 1
        else:
            self.named = {}
            self.count(triples, 1)
            self.counts["made"] += 1
        self.of = triples

    def count(self, triples, step: int) -> None:
        named = self.named
        for node in itertools.chain.from_iterable(triples):
            if type(node) is URIRef or (type(node) not in _PLAIN and isinstance(node, URIRef)):
                document = str(node).split("#", 1)[0]
                left = named.get(document, 0) + step
                if left:
                    named[document] = left
                else:
                    del named[document]

    def resources(self, base: str, exports) -> list[URIRef]:
        """``resources_of`` the triples counted (``base`` has no '#')."""
        start = len(base)
        found = (d for d in self.named if d.startswith(base) and d != base)
        return [URIRef(d) for d in sorted(d for d in found if d[start:] not in exports)]


_PLAIN = (Literal, BNode)  # terms that are not IRIs, by their exact class


def server_formats() -> dict:
    """What the server configurations say of file formats, from the one table (vocab.FORMATS)."""
    site = [f for f in FORMATS if f.site]
    types: dict[str, list[str]] = {}
    for f in site:
        types.setdefault(f.media_type, []).append(f.extension)
    return {
        "html": FORMAT["html"].media_type,
        "plain": FORMAT["txt"].media_type,
        "resource_formats": RESOURCE_FORMATS,
        "data_formats": [f for f in site if f.data],
        "site_types": list(types.items()),
        "text_types": list(dict.fromkeys(f.media_type for f in site if f.text)),
    }


FORMAT_FACTS = server_formats()


def base_path(base: str) -> str:
    """The path of the base IRI: '/gctf-good-practices/' for https://w3id.org/gctf-good-practices/."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", base) or "/"
