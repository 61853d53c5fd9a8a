"""The static site: a reader's edition of the memoranda, rendered from the validated graph.

Every page is generated from the RDF graph (never from the content files) as ready-made HTML,
then built by MkDocs with the Material theme: the pages go into the build through the plugin
in site_plugin.py, with no Markdown file and no Markdown conversion, and long lists (indexes,
"cited by") are cut into pages of LIST_PAGE items, so that no page grows with the corpus. Each resource the
data mints gets a page at the path of its IRI under the base IRI (``rabat-washington/gp10`` →
``rabat-washington/gp10/index.html``), with its own Turtle, JSON-LD and N-Triples beside it
(``rabat-washington/gp10.ttl``) and its JSON-LD embedded in the page.

The site is written to a temporary folder and moved into place only when the whole build
succeeded; the same graph gives the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import html
import json
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from . import export
from .content import MARKER, SUPERSCRIPT_DIGITS, marker_number
from .graph import new_graph  # noqa: F401
from .vocab import CITO, GP, SCHEMA

DCAT3 = export.DCAT3

ROOT = Path(__file__).resolve().parents[2]
SH = "http://www.w3.org/ns/shacl#"

# How many memoranda the navigation lists section by section; the others are reached from the
# memoranda index, so that the navigation (which every page carries) stays the same size.
NAV_MEMORANDA = 1
# How many memoranda the home page shows at a glance, contents and all.
HOME_MEMORANDA = 3

# How many items a list that grows with the corpus shows on one page ("cited by", indexes,
# downloads); the others go on further pages of the same size.
LIST_PAGE = 100

# Top-level paths of the site's own pages; a catalogue key must not take one of them.
RESERVED = {
    "assets",
    "search",
    "index",
    "memoranda",
    "documents",
    "organisations",
    "matrix",
    "network",
    "def",
    "citations",
    "editing",
    "dataset",
    "404.html",
    "sitemap.xml",
}

# What each export is, for the downloads page.
EXPORT_FORMATS = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdf": "RDF/XML",
    "csv": "CSV",
    "json": "JSON",
    "svg": "SVG image",
    "html": "HTML",
}
RESOURCE_FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))

CITATION_LABELS = {
    "citesAsAuthority": "Cites as authority",
    "agreesWith": "Agrees with",
    "includesQuotationFrom": "Quotes",
    "citesAsEvidence": "Cites as evidence",
    "citesAsRecommendedReading": "Recommends reading",
    "citesForInformation": "Cites for information",
    "citesAsRelated": "Cites as related",
    "supports": "Supports",
    "extends": "Extends",
    "discusses": "Discusses",
    "disagreesWith": "Disagrees with",
    "obtainsBackgroundFrom": "Obtains background from",
    "usesMethodIn": "Uses a method in",
}
CITATION_ORDER = list(CITATION_LABELS)
# Colours of the citation network, one per CiTO property (readable on white).
CITATION_COLOURS = {
    "citesAsAuthority": "#b3261e",
    "agreesWith": "#6a1b9a",
    "includesQuotationFrom": "#1565c0",
    "citesAsEvidence": "#2e7d32",
    "citesAsRecommendedReading": "#8d6e00",
    "citesForInformation": "#455a64",
    "citesAsRelated": "#00838f",
}
DEFAULT_COLOUR = "#37474f"


class SiteError(Exception):
    """The site could not be built; nothing was written."""


@dataclass
class SiteReport:
    pages: int  # every page written: the generated ones and the hand-written ones of docs/
    seconds: float


@dataclass
class Page:
    """One generated page: a Markdown file under the docs folder, and what goes in its head."""

    path: str  # the folder of the page under the site root; "" for the home page
    title: str
    body: list[str]
    iri: URIRef | None = None
    description: str | None = None
    # a JSON-LD document, the bytes of its file, or what reads them when the page is written
    jsonld: dict | bytes | Callable[[], bytes] | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (media type, href)
    hide: list[str] = field(default_factory=list)  # Material: "navigation", "toc"
    searched: bool = True  # False: search leaves the page out (its text is on another page)

    @property
    def source(self) -> str:
        return f"{self.path}/index.md" if self.path else "index.md"


# --------------------------------------------------------------------------------------------
# Small HTML helpers


def esc(text) -> str:
    return html.escape(str(text), quote=True)


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


def script_json(document) -> str:
    """JSON for a <script> element: no '<', '>' or '&' can end it or open a comment. The
    document is a JSON value, the bytes of a JSON file, or a function that returns either."""
    if callable(document):
        document = document()
    if isinstance(document, bytes):
        document = json.loads(document)
    text = json.dumps(document, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def block(*parts: str) -> str:
    """A raw HTML block for the Markdown: one element, no blank line inside."""
    return "\n".join(p for p in parts if p).replace("\n\n", "\n")


def stable(value):
    """A JSON-LD value with every unordered array sorted, so that its bytes do not depend on
    the hash seed: JSON-LD arrays are sets, except @list (kept in order)."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else stable(v)) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [stable(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def cito_name(node) -> str:
    return str(node).removeprefix(str(CITO))


def local_name(iri) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1] or text
    return text


# --------------------------------------------------------------------------------------------
# The site


class Site:
    """Renders every page of the site from the graph."""

    def __init__(self, graph: Graph, base: str, exports: Mapping[str, bytes]):
        self.g = graph
        self.base = base
        self.exports = exports
        self.pages: list[Page] = []
        self.files: dict[str, bytes] = {}
        self._labels: dict[URIRef, str] = {}
        self._plain: dict = {}
        self._kinds: dict = {}
        self._index()

    # ---------------------------------------------------------------- reading the graph

    def _index(self) -> None:
        g = self.g
        self.citations_from: dict[URIRef, list[dict]] = defaultdict(list)  # by citing unit
        self.citations_to: dict[URIRef, list[dict]] = defaultdict(list)  # by cited resource
        self.citations_in: dict[URIRef, list[dict]] = defaultdict(list)  # by footnote/unit source
        for node in sorted(g.subjects(RDF.type, CITO.Citation), key=str):
            citation = {
                "node": node,
                "citing": g.value(node, CITO.hasCitingEntity),
                "cited": g.value(node, CITO.hasCitedEntity),
                "kind": cito_name(g.value(node, CITO.hasCitationCharacterization)),
                "source": g.value(node, PROV.wasDerivedFrom),
                "words": str(g.value(node, GP.citingWords) or ""),
                "ordinal": int(g.value(node, GP.ordinal) or 0),
            }
            self.citations_from[citation["citing"]].append(citation)
            self.citations_to[citation["cited"]].append(citation)
            self.citations_in[citation["source"]].append(citation)
        for table in (self.citations_from, self.citations_to, self.citations_in):
            for items in table.values():
                items.sort(key=self._citation_key)

        self.fragments: dict[URIRef, list[URIRef]] = defaultdict(list)  # iri -> its iri#…
        for subject in set(g.subjects()):
            if isinstance(subject, URIRef) and "#" in str(subject):
                self.fragments[URIRef(str(subject).split("#", 1)[0])].append(subject)
        self.units_by_memo: dict[URIRef, set] = defaultdict(set)
        for citing in self.citations_from:
            self.units_by_memo[self.memorandum_of(citing)].add(citing)
        self._practices: dict[URIRef, list[URIRef]] = {}
        self.memoranda = sorted(
            (s for s in g.subjects(GP.introduction, None) if isinstance(s, URIRef)), key=str
        )
        self.cited_practices: dict[URIRef, list[URIRef]] = defaultdict(list)  # by scheme
        for practice in set(g.subjects(RDF.type, GP.GoodPractice)):
            if (practice, GP.markedText, None) not in g:
                scheme = g.value(practice, SKOS.inScheme)
                self.cited_practices[scheme].append(practice)
        for items in self.cited_practices.values():
            items.sort(key=lambda n: (self.ordinal(n), str(n)))
        self.resources = sorted(
            {
                URIRef(str(node).split("#", 1)[0])
                for triple in g
                for node in triple
                if isinstance(node, URIRef)
                and str(node).startswith(self.base)
                and str(node).split("#", 1)[0] != self.base
                and str(node).split("#", 1)[0].removeprefix(self.base) not in self.exports
            },
            key=str,
        )

    def _citation_key(self, c: dict):
        return (
            self.position(c["citing"]),
            self.ordinal(c["source"]),
            str(c["source"]),
            c["ordinal"],
        )

    def types(self, node) -> set[URIRef]:
        return set(self.g.objects(node, RDF.type))

    def value(self, node, prop):
        return self.g.value(node, prop)

    def text(self, node, prop) -> str | None:
        value = self.g.value(node, prop)
        return str(value) if value is not None else None

    def ordinal(self, node) -> int:
        value = self.g.value(node, GP.ordinal) if node is not None else None
        return int(value) if value is not None else 0

    def position(self, node) -> int:
        value = self.g.value(node, GP.position) if node is not None else None
        return int(value) if value is not None else 10**9

    def key(self, iri) -> str:
        return str(iri).split("#", 1)[0].removeprefix(self.base)

    def kind(self, node) -> str:
        if node not in self._kinds:
            self._kinds[node] = self._kind(node)
        return self._kinds[node]

    def _kind(self, node) -> str:
        types = self.types(node)
        g = self.g
        if GP.FrameworkDocument in types:
            return "memorandum" if (node, GP.introduction, None) in g else "framework-document"
        if GP.Section in types:
            return "section"
        if GP.GoodPractice in types:
            return "practice" if (node, GP.markedText, None) in g else "cited-practice"
        if GP.Introduction in types or GP.Conclusion in types:
            return "text"
        if GP.Footnote in types:
            return "footnote"
        if GP.Glossary in types:
            return "glossary"
        scheme = g.value(node, SKOS.inScheme)
        if scheme is not None and GP.Glossary in self.types(scheme):
            return "term"
        if GP.Resolution in types:
            return "resolution"
        if GP.Initiative in types:
            return "initiative"
        if FOAF.Organization in types:
            return "organisation"
        if DCTERMS.BibliographicResource in types:
            return "document"
        if self.is_release(node):
            return "release"
        if DCAT.Dataset in types:
            return "dataset"
        return "resource"

    def is_release(self, node) -> bool:
        dataset = URIRef(self.base + "dataset")
        return node != dataset and any(
            (node, prop, dataset) in self.g for prop in (DCTERMS.isVersionOf, DCAT3.isVersionOf)
        )

    def memorandum_of(self, node) -> URIRef | None:
        for prop in (SKOS.inScheme, DCTERMS.isPartOf):
            scheme = self.g.value(node, prop)
            if scheme is not None:
                return scheme
        return None

    def neighbours(self, here: str, node, ordered: list, noun: str, label) -> list[str]:
        """Links to the previous and the next of ``node`` in ``ordered``, where there are."""
        i = ordered.index(node)
        what = f" {noun}" if noun else ""
        nav = []
        if i > 0:
            nav.append(f"Previous{what}: {self.link(here, ordered[i - 1], label(ordered[i - 1]))}")
        if i + 1 < len(ordered):
            nav.append(f"Next{what}: {self.link(here, ordered[i + 1], label(ordered[i + 1]))}")
        return nav

    def by_label(self, node) -> tuple[str, str]:
        """A sort key: the label, then the IRI, so that equal labels keep one order."""
        return self.label(node), str(node)

    def label(self, node) -> str:
        """How a resource is named in links and headings."""
        if node in self._labels:
            return self._labels[node]
        kind = self.kind(node)
        pref = self.text(node, SKOS.prefLabel) or self.text(node, DCTERMS.title)
        if kind == "practice":
            label = f"Good Practice {self.ordinal(node)}"
        elif kind == "cited-practice":
            scheme = self.g.value(node, SKOS.inScheme)
            label = f"Good Practice {self.ordinal(node)} of {self.short_label(scheme)}"
        elif kind == "section":
            label = f"{self.text(node, SKOS.notation)}. {pref}"
        elif kind == "memorandum":
            label = self.text(node, SKOS.altLabel) or pref or self.key(node)
        else:
            label = pref or self.key(node) or str(node)
        self._labels[node] = label
        return label

    def short_label(self, node) -> str:
        if node is None:
            return "another memorandum"
        if self.kind(node) == "memorandum":
            return self.label(node)
        return self.text(node, SKOS.prefLabel) or self.key(node)

    def full_label(self, node) -> str:
        """The label with the title, for a practice: 'Good Practice 10: Develop …'."""
        if self.kind(node) == "practice":
            return f"{self.label(node)}: {self.text(node, SKOS.prefLabel)}"
        return self.label(node)

    def page_of(self, node) -> str:
        """The folder of a resource's page, with the fragment if it has one: 'un/x/#frag'."""
        text = str(node)
        iri, _, fragment = text.partition("#")
        path = iri.removeprefix(self.base)
        target = f"{path}/" if path else ""
        return target + (f"#{fragment}" if fragment else "")

    def link(self, here: str, node, text: str | None = None) -> str:
        if isinstance(node, URIRef) and self.key(node) in self.exports:  # a file, not a page
            return f'<a href="{esc(rel(here, self.key(node)))}">{esc(text or self.key(node))}</a>'
        if isinstance(node, URIRef) and str(node).startswith(self.base):
            return f'<a href="{esc(rel(here, self.page_of(node)))}">{esc(text or self.label(node))}</a>'
        if isinstance(node, URIRef):
            return f'<a href="{esc(node)}">{esc(text or node)}</a>'
        return esc(text or node)

    # ---------------------------------------------------------------- text with markup

    TOKENS = re.compile(
        rf"(?P<marker>[{SUPERSCRIPT_DIGITS}]+)"
        r"|\*(?P<em>[^*\n]+)\*"
        r"|<(?P<url>(?:https?|mailto):[^>\s]+)>"
    )

    def marked(self, text: str, here: str, footnotes_here: bool = True, unit=None) -> str:
        """Verbatim marked text as HTML: markers link to the footnotes, *italics*, <links>."""
        out, last = [], 0
        for match in self.TOKENS.finditer(text):
            out.append(esc(text[last : match.start()]))
            last = match.end()
            if match.group("marker"):
                number = marker_number(match.group("marker"))
                if footnotes_here:
                    href = f"#fn-{number}"
                else:
                    memo = self.memorandum_of(unit) if unit is not None else None
                    href = rel(here, self.page_of(URIRef(f"{memo}/fn{number}"))) if memo else "#"
                out.append(
                    f'<sup class="gp-fnref" id="fnref-{number}"><a href="{esc(href)}" '
                    f'aria-label="Footnote {number}">{number}</a></sup>'
                )
            elif match.group("em"):
                out.append(f"<em>{self.marked(match.group('em'), here, footnotes_here, unit)}</em>")
            else:
                url = match.group("url")
                out.append(f'<a href="{esc(url)}">{esc(url)}</a>')
        out.append(esc(text[last:]))
        return "".join(out)

    def paragraphs(self, text: str, here: str, **kwargs) -> str:
        paras = [p for p in text.split("\n\n") if p.strip()]
        return "\n".join(f"<p>{self.marked(p.strip(), here, **kwargs)}</p>" for p in paras)

    def strip_markers(self, text: str) -> str:
        return MARKER.sub("", text)

    # ---------------------------------------------------------------- building blocks

    def facts(self, rows: list[tuple[str, str]]) -> str:
        rows = [(k, v) for k, v in rows if v]
        if not rows:
            return ""
        items = "\n".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
        return block('<dl class="gp-facts">', items, "</dl>")

    def ul(self, items: list[str], cls: str = "") -> str:
        if not items:
            return ""
        attr = f' class="{cls}"' if cls else ""
        return block(f"<ul{attr}>", "\n".join(f"<li>{i}</li>" for i in items), "</ul>")

    def footnotes_block(self, unit, here: str) -> list[str]:
        notes = sorted(self.g.objects(unit, GP.hasFootnote), key=self.ordinal)
        if not notes:
            return []
        items = []
        for fn in notes:
            n = self.ordinal(fn)
            text = self.marked(self.text(fn, GP.markedText) or "", here)
            items.append(
                f'<li value="{n}" id="fn-{n}">{text} '
                f'<span class="gp-fnlinks">(<a href="{esc(rel(here, self.page_of(fn)))}">'
                f"footnote {n} on its own page</a>; "
                f'<a href="#fnref-{n}" aria-label="Back to the marker of footnote {n}">back to the text</a>)'
                "</span></li>"
            )
        return ["## Footnotes", block('<ol class="gp-footnotes">', "\n".join(items), "</ol>")]

    def citation_line(self, c: dict, here: str, show: str) -> str:
        """One citation: to the cited resource ('cited'), or from the citing unit ('citing')
        with the sentence that makes it, the citing words marked."""
        source = c["source"]
        if source is not None and self.kind(source) == "footnote":
            where = f"in {self.link(here, c['node'], self.label(source))}"
        else:
            where = f"in {self.link(here, c['node'], 'the text')}"
        if show == "cited":
            words = f"“{esc(c['words'])}”" if c["words"] else ""
            return f"{self.link(here, c['cited'], self.full_label(c['cited']))} — {where}: {words}"
        kind = CITATION_LABELS.get(c["kind"], c["kind"])
        return (
            f"{self.link(here, c['citing'], self.full_label(c['citing']))} — {where}: "
            f"{self.citing_sentence(c)} "
            f'<span class="gp-kind">({esc(kind.lower())}, <code>cito:{esc(c["kind"])}</code>)</span>'
        )

    SENTENCE_END = re.compile(r"[.!?;][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n")

    def citing_sentence(self, c: dict) -> str:
        """The sentence of the footnote (or text) that holds the citing words, as a quotation
        with the words in <mark>; the words alone when they cannot be found."""
        words = c["words"]
        if not words:
            return ""
        source = c["source"] if c["source"] is not None else c["citing"]
        text = self.plain_text(source)
        at = text.find(words)
        if at < 0:
            return f"“<mark>{esc(words)}</mark>”"
        start = 0
        for match in self.SENTENCE_END.finditer(text, 0, at):
            start = match.end()
        end_match = self.SENTENCE_END.search(text, at + len(words))
        end = end_match.start() + 1 if end_match else len(text)
        if end_match and end_match.group(0).strip() == "":
            end = end_match.start()
        before, after = text[start:at], text[at + len(words) : end]
        return f"“{esc(before)}<mark>{esc(words)}</mark>{esc(after.rstrip())}”"

    def plain_text(self, node) -> str:
        """A footnote's or a unit's text as read, markers and markup removed."""
        if node not in self._plain:
            text = self.text(node, RDF.value) or self.text(node, GP.markedText) or ""
            text = self.strip_markers(text)
            text = re.sub(r"\*([^*\n]+)\*", r"\1", text)
            text = re.sub(r"<((?:https?|mailto):[^>\s]+)>", r"\1", text)
            self._plain[node] = text
        return self._plain[node]

    @staticmethod
    def citation_id(c: dict, page_node) -> str:
        """The id that makes a citation's IRI (``gp2#citation-1``) resolve on the page it names."""
        iri, _, fragment = str(c["node"]).partition("#")
        return f' id="{esc(fragment)}"' if iri == str(page_node) else ""

    def cites_block(self, unit, here: str, heading: str = "What it cites") -> list[str]:
        citations = self.citations_from.get(unit, [])
        if not citations:
            return []
        out = [f"## {heading}"]
        groups: dict[str, list[dict]] = defaultdict(list)
        for c in citations:
            groups[c["kind"]].append(c)
        for kind in sorted(
            groups, key=lambda k: (CITATION_ORDER.index(k) if k in CITATION_ORDER else 99, k)
        ):
            label = CITATION_LABELS.get(kind, kind)
            out.append(f"### {esc(label)}")
            out.append(
                block(
                    f'<p class="gp-kind">CiTO: <code>cito:{esc(kind)}</code></p>',
                    "<ul>",
                    "\n".join(
                        f"<li{self.citation_id(c, unit)}>{self.citation_line(c, here, 'cited')}</li>"
                        for c in groups[kind]
                    ),
                    "</ul>",
                )
            )
        return out

    def cited_by_block(self, node, here: str) -> list[str]:
        citations = self.citations_to.get(node, [])
        if not citations:
            return ["## Cited by", block("<p>No text of the encoded memoranda cites it.</p>")]
        return self.long_list(
            node,
            here,
            "cited-by",
            "Cited by",
            [functools.partial(self.citation_line, c, show="citing") for c in citations],
            cls="gp-cited-by",
        )

    def long_list(
        self, node, here: str, slug: str, heading: str, items: list, cls: str = ""
    ) -> list[str]:
        """A list that may grow with the corpus: the first LIST_PAGE items on the resource's
        page, the others on pages of LIST_PAGE at ``<resource>/<slug>/2/``, … Each item is a
        function of the page's folder that gives its HTML (its links are relative)."""
        chunks = [items[i : i + LIST_PAGE] for i in range(0, len(items), LIST_PAGE)] or [[]]
        total = len(chunks)

        def folder(k: int) -> str:
            return here if k == 1 else f"{here}/{slug}/{k}"

        def part(k: int, where: str) -> str:
            lis = [item(where) if callable(item) else item for item in chunks[k - 1]]
            return block(self.ul(lis, cls) if lis else "")

        def pager(k: int, where: str) -> str:
            if total == 1:
                return ""
            links = []
            if k > 1:
                first = rel(where, folder(1) + "/#" + slug)
                links.append(f'<a href="{esc(first)}">first</a>')
                links.append(
                    f'<a href="{esc(rel(where, folder(k - 1) + "/"))}" rel="prev">previous</a>'
                )
            if k < total:
                links.append(
                    f'<a href="{esc(rel(where, folder(k + 1) + "/"))}" rel="next">next</a>'
                )
                links.append(f'<a href="{esc(rel(where, folder(total) + "/"))}">last</a>')
            return block(
                f'<nav class="gp-pager" aria-label="{esc(heading)}: pages" data-search-exclude>'
                f"<p>{len(items):,} in all; page {k} of {total}: "
                + " · ".join(links)
                + "</p></nav>"
            )

        for k in range(2, total + 1):
            where = folder(k)
            title = f"{heading}: {self.label(node)} (page {k} of {total})"
            body = [
                block(f'<p class="gp-context">Part of the page of {self.link(where, node)}.</p>'),
                pager(k, where),
                part(k, where),
                pager(k, where),
            ]
            self.add(
                Page(
                    where,
                    title,
                    body,
                    hide=["toc"],
                    jsonld=self.collection_document(title, [], about=node),
                    searched=False,
                )
            )
        return [
            f"##! {heading}" if cls == "gp-cited-by" else f"## {heading}",
            part(1, here),
            pager(1, here),
        ]

    def mentioned_block(self, node, here: str) -> list[str]:
        units = sorted(
            set(self.g.subjects(SCHEMA.mentions, node)),
            key=lambda u: (self.position(u), self.ordinal(u), str(u)),
        )
        if not units:
            return []
        return self.long_list(
            node,
            here,
            "named-by",
            "Named without being cited",
            [
                functools.partial(lambda u, where: self.link(where, u, self.full_label(u)), u)
                for u in units
            ],
        )

    def notes_block(self, node) -> list[str]:
        notes = sorted(str(n) for n in self.g.objects(node, SKOS.editorialNote))
        if not notes:
            return []
        return [
            "## Editorial notes",
            block(
                '<div class="admonition note"><p class="admonition-title">Editorial note</p>',
                "\n".join(f"<p>{esc(n)}</p>" for n in notes),
                "<p>The text above stays as printed; these notes are this edition's, not the GCTF's.</p></div>",
            ),
        ]

    def data_block(self, node, here: str) -> list[str]:
        key = self.key(node)
        links = [
            f'<a href="{esc(rel(here, f"{key}.{ext}"))}" type="{export.MEDIA_TYPES[ext]}">{name}</a> '
            f"(<code>{export.MEDIA_TYPES[ext]}</code>)"
            for ext, name in RESOURCE_FORMATS
        ]
        return [
            "##! IRI and data",
            block(
                f'<p>IRI: <code class="gp-iri">{esc(node)}</code></p>',
                "<p>This resource's data:</p>",
                self.ul(links),
                f'<p>All the data at once: <a href="{esc(rel(here, "dataset/"))}">downloads</a>.</p>',
            ),
        ]

    # ---------------------------------------------------------------- pages

    def add(self, page: Page) -> None:
        self.pages.append(page)

    def resource_page(
        self, node, title: str, body: list[str], description: str | None = None
    ) -> None:
        here = self.key(node)
        key = self.key(node)
        alternates = [
            (export.MEDIA_TYPES[ext], rel(here, f"{key}.{ext}")) for ext, _ in RESOURCE_FORMATS
        ]
        self.add(
            Page(
                here,
                title,
                body,
                iri=node,
                description=description,
                alternates=alternates,
                jsonld=self.resource_documents.get(key),
            )
        )

    def render(self) -> None:
        self._check_paths()
        self.resource_documents: dict[str, Callable[[], bytes]] = {}
        self._resource_files()
        renderers = {
            "memorandum": self.memorandum_page,
            "framework-document": self.entry_page,
            "section": self.section_page,
            "practice": self.practice_page,
            "cited-practice": self.cited_practice_page,
            "text": self.text_page,
            "footnote": self.footnote_page,
            "glossary": self.glossary_page,
            "term": self.term_page,
            "resolution": self.entry_page,
            "initiative": self.entry_page,
            "organisation": self.entry_page,
            "document": self.entry_page,
            "dataset": self.dataset_page,
            "release": self.release_page,
            "resource": self.generic_page,
        }
        for node in self.resources:
            if self.key(node) == "def":
                continue  # the data model page, below
            renderers[self.kind(node)](node)
        self.home_page()
        self.memoranda_index()
        self.catalogue_index()
        self.organisations_index()
        for memo in self.memoranda:
            self.matrix_page(memo)
            self.network_page(memo)
        self.model_page()
        self.server_config()

    def prose_examples(self) -> dict[str, dict[str, str]]:
        """What the hand-written pages take from the data: in docs/citations.md, each
        ``{{ example: citesAsAuthority }}`` becomes the first citation of that kind in the
        data, linked, with its citing words; so the prose fits any corpus."""
        first: dict[str, dict] = {}
        for items in sorted(self.citations_in.values(), key=lambda cs: self._citation_key(cs[0])):
            for c in items:
                first.setdefault(c["kind"], c)
        examples = {}
        for kind in CITATION_ORDER:
            c = first.get(kind)
            if c is None:
                text = "none in this edition's data"
            else:
                source = c["source"] if c["source"] is not None else c["citing"]
                label = self.label(source if self.kind(source) == "footnote" else c["citing"])
                name = f"{label} of {self.short_label(self.memorandum_of(c['citing']))}"
                text = f"[{name}]({self.key(source)}/index.md)"
                if c["words"]:
                    words = c["words"].replace("|", "\\|").replace("*", "\\*")
                    text += f": “{words}”"
            examples["{{ example: " + kind + " }}"] = text
        return {"citations.md": examples}

    def _check_paths(self) -> None:
        problems = []
        for node in self.resources:
            key = self.key(node)
            first = key.split("/", 1)[0]
            release = key.startswith("dataset/") and self.kind(node) == "release"
            if (
                first in RESERVED
                and key != "def"
                and not (key == "dataset" and self.kind(node) == "dataset")
                and not release
            ):
                problems.append(f"{node}: its path '{key}' is taken by a page of the site itself")
            if not re.fullmatch(r"[A-Za-z0-9._~/-]*", key) or "//" in key or key.endswith("/"):
                problems.append(f"{node}: its path '{key}' cannot be a page of the site")
        if problems:
            raise SiteError("\n".join(problems))

    def _resource_files(self) -> None:
        """The JSON-LD each resource's page embeds. Its Turtle, JSON-LD and N-Triples beside
        the page are the exporter's per-resource files (``export.resource_files``), linked
        into the site with the other exports: one producer for build/ and the site. Each
        document is read only when its page is written, so a large corpus's documents are
        never all in memory."""
        for node in self.resources:
            key = self.key(node)
            if key == "def":
                continue
            name = self.document_name(node)
            self.resource_documents[key] = functools.partial(self.exports.__getitem__, name)

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
        raise SiteError(f"{node}: the exports have no JSON-LD document for it")

    def export_size(self, name: str) -> int | None:
        """The size of an export or a file of the site's own, without reading an export."""
        if name in self.files:
            return len(self.files[name])
        if name in self.exports:
            size = getattr(self.exports, "size", None)  # files on disk know their size
            return size(name) if size else len(self.exports[name])
        return None

    @staticmethod
    def ontology_document(graph: Graph) -> dict:
        """The ontology (not data, so not among the exports' documents) as compacted JSON-LD."""
        context = export.load_context()["@context"]
        text = export.canonical(graph).serialize(
            format="json-ld", context=context, auto_compact=True
        )
        document = stable(json.loads(text))
        return (
            {"@context": document.pop("@context"), **document}
            if "@context" in document
            else document
        )

    # ---------------------------------------------------------------- the memorandum

    def practices_of(self, section) -> list[URIRef]:
        return sorted(self.g.objects(section, SKOS.narrower), key=self.ordinal)

    def sections_of(self, memo) -> list[URIRef]:
        return sorted(self.g.objects(memo, SKOS.hasTopConcept), key=self.ordinal)

    def memorandum_page(self, memo) -> None:
        here = self.key(memo)
        g = self.g
        facts = self.facts(
            [
                ("Title", esc(self.text(memo, DCTERMS.title))),
                ("Adopted", esc(self.text(memo, DCTERMS.issued))),
                ("Publisher", self.link(here, g.value(memo, DCTERMS.publisher))),
                (
                    "Contributors",
                    ", ".join(
                        self.link(here, c)
                        for c in sorted(g.objects(memo, DCTERMS.contributor), key=self.by_label)
                    ),
                ),
                (
                    "Developed under",
                    self.link(here, g.value(memo, PROV.wasGeneratedBy))
                    if g.value(memo, PROV.wasGeneratedBy)
                    else "",
                ),
                ("History", esc(self.text(memo, SKOS.historyNote) or "")),
                *self.record_facts(memo, here),
            ]
        )
        body = [block(facts), "##! Contents", block(self.contents(memo, here))]
        notes = sorted(g.subjects(DCTERMS.isPartOf, memo), key=self.ordinal)
        notes = [n for n in notes if self.kind(n) == "footnote"]
        if notes:
            body += [
                "##! Footnotes",
                block(
                    self.ul(
                        [
                            f"{self.link(here, n)}, attached to {self.link(here, g.value(n, GP.attachedTo))}"
                            for n in notes
                        ]
                    )
                ),
            ]
        body += [
            "##! Views",
            block(
                self.ul(
                    [
                        f'<a href="{esc(rel(here, "matrix/" + here + "/"))}">Citation matrix</a>: which text cites which document',
                        f'<a href="{esc(rel(here, "network/" + here + "/"))}">Citation network</a>: the same as a picture',
                    ]
                )
            ),
        ]
        body += self.data_block(memo, here)
        self.resource_page(memo, self.text(memo, DCTERMS.title) or self.label(memo), body)

    def record_facts(self, node, here: str) -> list[tuple[str, str]]:
        """When this edition's record of a scheme was created and changed, and by whom."""
        creators = sorted(self.g.objects(node, DCTERMS.creator), key=str)
        return [
            ("Record created", esc(self.text(node, DCTERMS.created) or "")),
            ("Record modified", esc(self.text(node, DCTERMS.modified) or "")),
            (
                "Record by",
                ", ".join(
                    self.link(here, c) if isinstance(c, URIRef) else esc(c) for c in creators
                ),
            ),
        ]

    def contents(self, memo, here: str) -> str:
        g = self.g
        parts = [f"<li>{self.link(here, g.value(memo, GP.introduction))}</li>"]
        for section in self.sections_of(memo):
            practices = "".join(
                f"<li>{self.link(here, p, self.full_label(p))}</li>"
                for p in self.practices_of(section)
            )
            parts.append(
                f"<li>{self.link(here, section, 'Section ' + self.label(section))}<ul>{practices}</ul></li>"
            )
        parts.append(f"<li>{self.link(here, g.value(memo, GP.conclusion))}</li>")
        glossary = next(
            (s for s in g.objects(memo, DCTERMS.hasPart) if self.kind(s) == "glossary"), None
        )
        if glossary is not None:
            parts.append(f"<li>{self.link(here, glossary)}</li>")
        return block('<ul class="gp-contents" data-search-exclude>', "\n".join(parts), "</ul>")

    def in_memo_line(self, node, here: str) -> str:
        memo = self.memorandum_of(node)
        return (
            f'<p class="gp-context">From {self.link(here, memo, self.text(memo, DCTERMS.title))}</p>'
            if memo
            else ""
        )

    def text_page(self, node) -> None:
        here = self.key(node)
        text = self.text(node, GP.markedText) or ""
        body = [
            block(self.in_memo_line(node, here)),
            block('<div class="gp-text">', self.paragraphs(text, here), "</div>"),
        ]
        body += self.footnotes_block(node, here)
        body += self.cites_block(node, here)
        body += self.mentions_of(node, here)
        body += self.notes_block(node)
        body += self.data_block(node, here)
        self.resource_page(node, self.label(node), body)

    def mentions_of(self, node, here: str) -> list[str]:
        named = sorted(set(self.g.objects(node, SCHEMA.mentions)), key=self.by_label)
        if not named:
            return []
        return ["## Names without citing", block(self.ul([self.link(here, n) for n in named]))]

    def section_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        memo = g.value(node, SKOS.inScheme)
        title = self.marked(self.text(node, GP.markedTitle) or self.label(node), here)
        notation = self.text(node, SKOS.notation)
        body = [
            block(f'<h1 id="title">{esc(notation)}. {title}</h1>'),
            block(self.in_memo_line(node, here)),
            "##! Good practices in this section",
            block(
                self.ul([self.link(here, p, self.full_label(p)) for p in self.practices_of(node)])
            ),
        ]
        body += self.footnotes_block(node, here)
        body += self.cites_block(node, here)
        nav = self.neighbours(
            here, node, self.sections_of(memo), "section", lambda n: "Section " + self.label(n)
        )
        body += ["##! Neighbours", block(self.ul(nav))]
        body += self.notes_block(node)
        body += self.data_block(node, here)
        self.resource_page(node, f"Section {self.label(node)}", body)

    def practice_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        memo = g.value(node, SKOS.inScheme)
        section = g.value(node, SKOS.broader)
        n = self.ordinal(node)
        title = self.marked(self.text(node, GP.markedTitle) or "", here)
        body = [
            block(
                f'<h1 id="title"><span class="gp-notation">Good Practice {n}:</span> {title}</h1>'
            ),
            block(
                f'<p class="gp-context">Section {self.link(here, section, self.label(section))} of '
                f"{self.link(here, memo, self.text(memo, DCTERMS.title))}</p>"
            ),
            block(
                '<div class="gp-text">',
                self.paragraphs(self.text(node, GP.markedText) or "", here),
                "</div>",
            ),
        ]
        body += self.footnotes_block(node, here)
        body += self.cites_block(node, here)
        body += self.mentions_of(node, here)
        body += self.notes_block(node)
        if memo not in self._practices:
            self._practices[memo] = sorted(
                (p for p in g.subjects(SKOS.inScheme, memo) if self.kind(p) == "practice"),
                key=self.ordinal,
            )
        practices = self._practices[memo]
        i = practices.index(node)
        nav = self.neighbours(here, node, practices, "", self.full_label)
        shown = {node, *(practices[j] for j in (i - 1, i + 1) if 0 <= j < len(practices))}
        same = [p for p in self.practices_of(section) if p not in shown]
        body += ["##! Neighbours", block(self.ul(nav, "gp-prevnext"))]
        if same:
            body += [
                f"###! Also in section {esc(self.text(section, SKOS.notation))}",
                block(self.ul([self.link(here, p, self.full_label(p)) for p in same])),
            ]
        body += self.data_block(node, here)
        self.resource_page(
            node,
            f"Good Practice {n}: {self.text(node, SKOS.prefLabel)}",
            body,
            description=self.text(node, SKOS.prefLabel),
        )

    def footnote_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        unit = g.value(node, GP.attachedTo)
        n = self.ordinal(node)
        text = self.text(node, GP.markedText) or ""
        body = [
            block(
                f'<p class="gp-context">Footnote {n} of {self.link(here, g.value(node, DCTERMS.isPartOf), self.text(g.value(node, DCTERMS.isPartOf), DCTERMS.title))}, '
                f"attached to {self.link(here, self.page_anchor(unit, n), self.full_label(unit))}.</p>"
            ),
            block(
                '<blockquote class="gp-footnote-text">',
                self.paragraphs(text, here, footnotes_here=False, unit=node),
                "</blockquote>",
            ),
        ]
        citations = self.citations_in.get(node, [])
        if citations:
            items = []
            for c in citations:
                kind = CITATION_LABELS.get(c["kind"], c["kind"])
                items.append(
                    f'<li id="{esc(local_name(c["node"]))}"><strong>{esc(kind)}</strong> '
                    f"(<code>cito:{esc(c['kind'])}</code>): {self.link(here, c['cited'], self.full_label(c['cited']))}. "
                    f"Citing words: “{esc(c['words'])}”. "
                    f"The citation is made by {self.link(here, c['citing'], self.full_label(c['citing']))}.</li>"
                )
            body += ["## What it cites", block("<ul>", "\n".join(items), "</ul>")]
        body += self.mentions_of(node, here)
        terms = sorted(g.subjects(DCTERMS.source, node), key=self.by_label)
        if terms:
            body += ["## Terms it defines", block(self.ul([self.link(here, t) for t in terms]))]
        body += self.notes_block(node)
        body += self.data_block(node, here)
        self.resource_page(node, f"Footnote {n}", body, description=self.text(node, RDF.value))
        self.pages[-1].searched = False  # search finds its text on the page of its unit

    def page_anchor(self, unit, number: int) -> URIRef:
        return URIRef(f"{unit}#fn-{number}")

    def glossary_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        terms = sorted(g.objects(node, SKOS.hasTopConcept), key=self.ordinal)
        items = []
        for t in terms:
            source = g.value(t, DCTERMS.source)
            items.append(
                f"<dt>{self.link(here, t)}</dt><dd>{esc(self.text(t, SKOS.definition))} "
                f'<span class="gp-source">(from {self.link(here, source)})</span></dd>'
            )
        body = [
            block(f"<p>{esc(self.text(node, SKOS.definition) or '')}</p>"),
            block(self.in_memo_line(node, here)),
            block(self.facts(self.record_facts(node, here))),
            "## Terms",
            block('<dl class="gp-glossary">', "\n".join(items), "</dl>"),
        ]
        body += self.data_block(node, here)
        self.resource_page(node, self.label(node), body)

    def term_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        glossary = g.value(node, SKOS.inScheme)
        source = g.value(node, DCTERMS.source)
        body = [
            block(f'<p class="gp-definition">{esc(self.text(node, SKOS.definition))}</p>'),
            block(
                self.facts(
                    [
                        ("Defined in", self.link(here, source)),
                        ("Glossary", self.link(here, glossary)),
                    ]
                )
            ),
        ]
        body += self.data_block(node, here)
        self.resource_page(
            node, self.label(node).capitalize(), body, description=self.text(node, SKOS.definition)
        )

    # ---------------------------------------------------------------- the catalogue

    def entry_facts(self, node, here: str) -> str:
        g = self.g
        pref = self.text(node, SKOS.prefLabel)
        title = self.text(node, DCTERMS.title)
        url = g.value(node, SCHEMA.url)
        alt = sorted(str(a) for a in g.objects(node, SKOS.altLabel) if str(a) != title)
        kind_names = {
            "framework-document": "GCTF framework document (memorandum, good practices or recommendations)",
            "resolution": "Resolution",
            "initiative": "Initiative",
            "organisation": "Organisation",
            "document": "Document",
        }
        return self.facts(
            [
                ("Kind", esc(kind_names.get(self.kind(node), "Resource"))),
                ("Title", esc(title) if title and title != pref else ""),
                (
                    "Identifier",
                    f"<code>{esc(self.text(node, DCTERMS.identifier))}</code>"
                    if g.value(node, DCTERMS.identifier)
                    else "",
                ),
                (
                    "Publisher",
                    self.link(here, g.value(node, DCTERMS.publisher))
                    if g.value(node, DCTERMS.publisher)
                    else "",
                ),
                ("Date", esc(self.text(node, DCTERMS.issued) or "")),
                (
                    "Official record",
                    f'<a href="{esc(url)}">{esc(url)}</a>' if url else "not known to this edition",
                ),
                (
                    "See also",
                    ", ".join(
                        f'<a href="{esc(u)}">{esc(u)}</a>'
                        for u in sorted(g.objects(node, RDFS.seeAlso), key=str)
                    ),
                ),
                ("Also cited as", "; ".join(f"“{esc(a)}”" for a in alt)),
                ("Description", esc(self.text(node, DCTERMS.description) or "")),
                ("History", esc(self.text(node, SKOS.historyNote) or "")),
                ("Citation", esc(self.text(node, DCTERMS.bibliographicCitation) or "")),
                (
                    "Associated with",
                    ", ".join(
                        self.link(here, o)
                        for o in sorted(g.objects(node, PROV.wasAssociatedWith), key=self.by_label)
                    ),
                ),
            ]
        )

    def entry_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        body = [block(self.entry_facts(node, here))]
        practices = self.cited_practices.get(node, [])
        if practices:
            body += [
                "## Its good practices cited here",
                block(
                    self.ul(
                        [self.link(here, p, f"Good Practice {self.ordinal(p)}") for p in practices]
                    )
                ),
            ]
        body += self.cited_by_block(node, here)
        body += self.mentioned_block(node, here)
        if self.kind(node) == "organisation":
            published = sorted(g.subjects(DCTERMS.publisher, node), key=self.by_label)
            published = [p for p in published if self.kind(p) != "dataset"]
            if published:
                body += self.long_list(
                    node,
                    here,
                    "publisher-of",
                    "Publisher of",
                    [functools.partial(lambda n, where: self.link(where, n), n) for n in published],
                )
            involved = sorted(
                set(g.subjects(PROV.wasAssociatedWith, node))
                | set(g.subjects(DCTERMS.contributor, node)),
                key=self.by_label,
            )
            if involved:
                body += self.long_list(
                    node,
                    here,
                    "involved-in",
                    "Involved in",
                    [functools.partial(lambda n, where: self.link(where, n), n) for n in involved],
                )
        body += self.notes_block(node)
        body += self.data_block(node, here)
        self.resource_page(node, self.label(node), body)

    def cited_practice_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        scheme = g.value(node, SKOS.inScheme)
        notes = sorted(str(n) for n in g.objects(node, SKOS.scopeNote))
        body = [
            block(
                f"<p>Good Practice {self.ordinal(node)} (<code>{esc(self.text(node, SKOS.notation))}</code>) of "
                f"{self.link(here, scheme)}. That memorandum is not encoded in this edition yet: this page "
                "keeps the IRI, says how the encoded memoranda describe and cite the practice, and will "
                "carry its text once the memorandum is encoded.</p>"
            )
        ]
        if notes:
            body += self.long_list(
                node,
                here,
                "described",
                "As the citing texts describe it",
                [f"“…{esc(n)}”" for n in notes],
            )
        body += self.cited_by_block(node, here)
        body += self.data_block(node, here)
        self.resource_page(node, self.label(node), body)

    def resource_file_names(self) -> dict[str, str]:
        """Every per-resource file of the site → the key of its resource."""
        names = {}
        for node in self.resources:
            key = self.key(node)
            if key in ("def", "dataset"):
                continue
            for ext in ("ttl", "jsonld", "nt", "embedded.jsonld"):
                names[f"{key}.{ext}"] = key
        return names

    def dataset_page(self, node) -> None:
        here = self.key(node)
        g = self.g

        def row(name: str, description: str, ident: str = "", media: str | None = None) -> str:
            ext = name.rsplit(".", 1)[-1]
            media = media or export.MEDIA_TYPES.get(ext, "application/octet-stream")
            size = self.export_size(name)
            size = f"{size:,}" if size is not None else ""
            attr = f' id="{esc(ident)}"' if ident else ""
            return (
                f'<tr{attr}><td><a href="{esc(rel(here, name))}" type="{esc(media)}">{esc(name)}</a></td>'
                f"<td>{esc(description)}</td><td><code>{esc(media)}</code></td>"
                f'<td class="gp-num">{size}</td></tr>'
            )

        def table(caption: str, rows: list[str]) -> str:
            return block(
                f'<table class="gp-downloads"><caption>{esc(caption)}</caption>',
                '<thead><tr><th scope="col">File</th><th scope="col">What it is</th>'
                '<th scope="col">Media type</th><th scope="col">Bytes</th></tr></thead>',
                "<tbody>",
                "\n".join(rows),
                "</tbody></table>",
            )

        # The whole dataset: its DCAT distributions, each row the anchor of its IRI (dataset#turtle).
        whole, listed = [], set()
        order = {d[1]: i for i, d in enumerate(export.DISTRIBUTIONS)}
        distributions = sorted(
            g.objects(node, DCAT.distribution),
            key=lambda d: (order.get(self.key(g.value(d, DCAT.downloadURL) or d), 99), str(d)),
        )
        for dist in distributions:
            url = g.value(dist, DCAT.downloadURL)
            name = self.key(url) if url is not None else ""
            media = g.value(dist, DCAT.mediaType)
            media_type = str(media).rsplit("/media-types/", 1)[-1] if media is not None else None
            whole.append(
                row(name, self.text(dist, DCTERMS.title) or name, local_name(dist), media_type)
            )
            listed.add(name)
        per_resource = self.resource_file_names()
        schema_rows = []
        for name in sorted({*self.exports, *self.files}):
            if (
                name in listed
                or name in per_resource
                or "/" in name
                and name.split("/")[0]
                in {
                    "network",
                    "search",
                    "assets",
                }
            ):
                continue
            if name.startswith(".") or name == "nginx.conf" or name.startswith("def."):
                continue
            schema_rows.append(row(name, self.export_description(name)))
        license_ = g.value(node, DCTERMS.license)
        body = [
            block(f"<p>{esc(self.text(node, DCTERMS.description))}</p>"),
            block(
                self.facts(
                    [
                        ("Version", esc(self.text(node, OWL.versionInfo) or "")),
                        (
                            "This release",
                            self.link(here, g.value(node, DCAT3.hasCurrentVersion))
                            if g.value(node, DCAT3.hasCurrentVersion) is not None
                            else "",
                        ),
                        ("Issued", esc(self.text(node, DCTERMS.issued) or "")),
                        ("Modified", esc(self.text(node, DCTERMS.modified) or "")),
                        ("Publisher", self.link(here, g.value(node, DCTERMS.publisher))),
                        (
                            "Licence",
                            f'<a href="{esc(license_)}">{esc(license_)}</a>' if license_ else "",
                        ),
                        ("Rights", esc(self.text(node, DCTERMS.rights) or "")),
                        ("Base IRI", f"<code>{esc(self.base)}</code>"),
                    ]
                )
            ),
            "## The whole dataset",
            table("The whole dataset, one file per format", whole),
            "## Schema, context and description",
            table(
                "The ontology, the shapes, the JSON-LD context and schema, the dataset's description",
                schema_rows,
            ),
            "## One resource at a time",
            block(
                "<p>Every page of this site has its resource's data beside it, at the same path with an "
                "extension: for the page <code>&lt;path&gt;/</code> of a resource, "
                "<code>&lt;path&gt;.ttl</code> (Turtle, <code>text/turtle</code>), "
                "<code>&lt;path&gt;.jsonld</code> (JSON-LD, <code>application/ld+json</code>, context by "
                "reference), <code>&lt;path&gt;.embedded.jsonld</code> (JSON-LD, context inline) and "
                "<code>&lt;path&gt;.nt</code> (N-Triples, <code>application/n-triples</code>). Each "
                "page also embeds its JSON-LD in a "
                '<code>&lt;script type="application/ld+json"&gt;</code> element and links to the '
                'others with <code>&lt;link rel="alternate"&gt;</code>. A server that negotiates '
                "content answers the IRI itself with HTML, Turtle, JSON-LD or N-Triples, as the "
                "<code>Accept</code> header asks.</p>",
                f"<p>Every resource with its files, {LIST_PAGE} a page: "
                f'<a href="{esc(rel(here, "dataset/files/"))}">files by resource</a> '
                f"({len(self.listed_resources()):,} resources).</p>",
            ),
        ]
        body += self.data_block(node, here)
        self.resource_page(node, "Downloads", body)
        self.resource_files_index()

    def listed_resources(self) -> list:
        """The resources the files index lists: all but the data model and the dataset."""
        return [n for n in self.resources if self.key(n) not in ("def", "dataset")]

    def resource_files_index(self) -> None:
        nodes = self.listed_resources()

        def item(n, where: str) -> str:
            key = self.key(n)
            links = ", ".join(
                f'<a href="{esc(rel(where, f"{key}.{ext}"))}" type="{export.MEDIA_TYPES[ext]}">{name}</a>'
                for ext, name in RESOURCE_FORMATS
            )
            return f"{self.link(where, n, key)} ({esc(self.full_label(n))}): {links}"

        self.index_pages(
            "dataset/files",
            "Files by resource",
            [
                block(
                    "<p>Every resource of the dataset, by path, with its Turtle, JSON-LD and "
                    'N-Triples. All the data at once: <a href="../">downloads</a>.</p>'
                )
            ],
            [("Resources", [functools.partial(item, n) for n in nodes])],
            nodes,
        )

    @staticmethod
    def export_description(name: str) -> str:
        known = {
            "dataset.ttl": "The whole dataset as Turtle",
            "dataset.nt": "The whole dataset as N-Triples, one triple a line, sorted",
            "dataset.jsonld": "The whole dataset as JSON-LD, compacted with the project's context",
            "dataset.rdf": "The whole dataset as RDF/XML",
            "ontology.ttl": "The project's own terms (OWL), each with a label and a definition",
            "context.jsonld": "The JSON-LD @context that gives the data its short keys",
            "shapes.ttl": "The SHACL shapes the data is checked against",
            "dataset-description.ttl": "The dataset's description alone (DCAT, VoID): distributions, release, statistics",
            "dataset-description.jsonld": "The dataset's description alone, as JSON-LD (context by reference)",
            "dataset-description.embedded.jsonld": "The dataset's description alone, as JSON-LD (context inline)",
            "practices.csv": "Every good practice, one a row: notation, title, section, memorandum",
            "citations.csv": "Every citation, one a row: citing text, cited resource, CiTO property, citing words",
            export.SCHEMA_FILE: "The JSON Schema every JSON-LD document of the dataset validates against",
        }
        if name in known:
            return known[name]
        if name.startswith("context/") and name.endswith(".jsonld"):
            return f"The JSON-LD @context of release {name.removeprefix('context/').removesuffix('.jsonld')}, unchanging"
        ext = name.rsplit(".", 1)[-1]
        return f"{EXPORT_FORMATS.get(ext, ext.upper())} export"

    def release_page(self, node) -> None:
        here = self.key(node)
        g = self.g
        dataset = URIRef(self.base + "dataset")
        version = (
            self.text(node, DCAT3.version) or self.text(node, OWL.versionInfo) or local_name(node)
        )
        current = (dataset, DCAT3.hasCurrentVersion, node) in g
        body = [
            block(
                f"<p>Release {esc(version)} of {self.link(here, dataset, 'the dataset')}"
                + (", the release this site publishes." if current else ".")
                + " Its data is the whole dataset as it stands in this release: "
                f'<a href="{esc(rel(here, "dataset/"))}">downloads</a>.</p>'
            ),
            block(
                self.facts(
                    [
                        ("Version", esc(version)),
                        ("Issued", esc(self.text(node, DCTERMS.issued) or "")),
                        (
                            "Conforms to",
                            ", ".join(
                                self.link(here, o) if isinstance(o, URIRef) else esc(o)
                                for o in sorted(g.objects(node, DCTERMS.conformsTo), key=str)
                            ),
                        ),
                    ]
                )
            ),
        ]
        body += self.data_block(node, here)
        self.resource_page(node, f"Release {version}", body)

    def generic_page(self, node) -> None:
        here = self.key(node)
        rows = []
        for p, o in sorted(self.g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            value = self.link(here, o) if isinstance(o, URIRef) else esc(o)
            rows.append(
                f"<tr><td><code>{esc(self.g.namespace_manager.normalizeUri(p))}</code></td><td>{value}</td></tr>"
            )
        body = [
            block(
                '<table><thead><tr><th scope="col">Property</th><th scope="col">Value</th></tr></thead><tbody>',
                "\n".join(rows),
                "</tbody></table>",
            )
        ]
        body += self.cited_by_block(node, here) if node in self.citations_to else []
        body += self.data_block(node, here)
        self.resource_page(node, self.label(node), body)

    # ---------------------------------------------------------------- index pages

    def home_page(self) -> None:
        here = ""
        g = self.g
        dataset = URIRef(self.base + "dataset")
        body = [
            block(
                f"<p>{esc(self.text(dataset, DCTERMS.description) or '')}</p>",
                "<p>This is an independent linked-data edition, not an official GCTF publication. "
                "The wording of each memorandum is the GCTF's and is reproduced verbatim; slips in the "
                "official text stay as printed and are explained in editorial notes.</p>",
            )
        ]
        for memo in self.memoranda[:HOME_MEMORANDA]:
            publisher = g.value(memo, DCTERMS.publisher)
            sections = self.sections_of(memo)
            practices = sum(len(self.practices_of(s)) for s in sections)
            body += [
                f"## {esc(self.label(memo))}",
                block(
                    f"<p>The <em>{self.link(here, memo, self.text(memo, DCTERMS.title))}</em> were adopted by the "
                    f"{self.link(here, publisher)} on {esc(self.text(memo, DCTERMS.issued))}. "
                    f"{esc(self.text(memo, SKOS.historyNote) or '')}</p>",
                    f"<p>{len(sections)} sections, {practices} good practices, at a glance:</p>",
                ),
                block(self.contents(memo, here)),
            ]
        if len(self.memoranda) > HOME_MEMORANDA:
            body.append(
                block(
                    f'<p>All {len(self.memoranda)} memoranda: <a href="memoranda/">memoranda</a>.</p>'
                )
            )
        version = self.text(dataset, OWL.versionInfo) or ""
        citations = []
        for memo in self.memoranda[:HOME_MEMORANDA]:
            year = (self.text(memo, DCTERMS.issued) or "")[:4]
            citations.append(
                f"<p>Global Counterterrorism Forum ({esc(year)}). <em>{esc(self.text(memo, DCTERMS.title))}</em>. "
                f"Linked-data edition {esc(version)}. <code>{esc(memo)}</code></p>"
            )
        first = next(
            (
                p
                for m in self.memoranda
                for sec in self.sections_of(m)
                for p in self.practices_of(sec)
            ),
            None,
        )
        example = f" (for instance <code>{esc(first)}</code>)" if first is not None else ""
        body += [
            "## How to cite",
            block(
                "<p>Cite the memorandum as the GCTF adopted it, and this edition by its IRI:</p>",
                *citations,
                "<p>Cite a single good practice, footnote or document by its IRI, shown at the foot of "
                f"its page{example}. The IRIs are meant to stay as they are from one release to the "
                "next. They are not resolvable yet: the redirect from <code>"
                + esc(self.base)
                + "</code> to this site is still to be registered with w3id.org. Until it is, each "
                "IRI's path under this site's address leads to its page.</p>",
            ),
            "## Download",
            block(
                "<p>The whole dataset as Turtle, JSON-LD, N-Triples and RDF/XML, with the ontology and "
                'the JSON-LD context: <a href="dataset/">downloads</a>. How the data is modelled: '
                '<a href="def/">data model</a>.</p>'
            ),
        ]
        key = "dataset"
        self.add(
            Page(
                "",
                self.text(dataset, DCTERMS.title) or "Home",
                body,
                iri=dataset,
                jsonld=self.resource_documents.get(key),
                alternates=[
                    (export.MEDIA_TYPES[ext], f"{key}.{ext}") for ext, _ in RESOURCE_FORMATS
                ],
            )
        )

    def index_pages(
        self,
        here: str,
        title: str,
        intro: list[str],
        groups: list[tuple[str, list]],
        jsonld_items: list | None = None,
    ) -> None:
        """An index that grows with the corpus, LIST_PAGE items a page: ``here/``, ``here/2/``, …
        Items are HTML, or functions of the page's folder that give it."""
        flat = [(heading, item) for heading, items in groups for item in items]
        chunks = [flat[i : i + LIST_PAGE] for i in range(0, len(flat), LIST_PAGE)] or [[]]
        total = len(chunks)

        def folder(k: int) -> str:
            return here if k == 1 else f"{here}/{k}"

        for k, chunk in enumerate(chunks, 1):
            where = folder(k)
            links = []
            if k > 1:
                links.append(
                    f'<a href="{esc(rel(where, folder(k - 1) + "/"))}" rel="prev">previous</a>'
                )
            if k < total:
                links.append(
                    f'<a href="{esc(rel(where, folder(k + 1) + "/"))}" rel="next">next</a>'
                )
            pages = (
                block(
                    f'<nav class="gp-pager" aria-label="{esc(title)}: pages" data-search-exclude>'
                    f"<p>{len(flat):,} in all; page {k} of {total}"
                    + (": " + " · ".join(links) if links else "")
                    + "</p></nav>"
                )
                if total > 1
                else ""
            )
            body = list(intro) if k == 1 else []
            body.append(pages)
            heading, items = None, []
            for group, item in chunk + [(None, None)]:
                if group != heading or item is None:
                    if items:
                        body += [f"##! {heading}", block(self.ul(items))]
                    heading, items = group, []
                if item is not None:
                    items.append(item(where) if callable(item) else item)
            body.append(pages)
            described = [n for n in (jsonld_items or [])][(k - 1) * LIST_PAGE : k * LIST_PAGE]
            page_title = title if k == 1 else f"{title} (page {k} of {total})"
            self.add(
                Page(
                    where,
                    page_title,
                    body,
                    jsonld=self.collection_document(page_title, described),
                    searched=False,  # lists of links: search finds the pages they link to
                )
            )

    def collection_document(self, title: str, items: list, about=None) -> dict:
        """A small JSON-LD description of an index page: a schema:CollectionPage listing the
        resources it links to."""
        document: dict = {
            "@context": {"@vocab": "https://schema.org/"},
            "@type": "CollectionPage",
            "name": title,
            "isPartOf": {"@id": self.base + "dataset"},
        }
        if about is not None:
            document["about"] = {"@id": str(about), "name": self.label(about)}
        if items:
            document["hasPart"] = [{"@id": str(n), "name": self.full_label(n)} for n in items]
        return document

    def memoranda_index(self) -> None:
        here = "memoranda"
        others = sorted(
            (n for n in self.resources if self.kind(n) == "framework-document"), key=self.by_label
        )
        self.index_pages(
            here,
            "Memoranda",
            [
                block(
                    "<p>The memoranda encoded in this edition, then the other GCTF framework "
                    "documents they cite: their IRIs follow the same pattern and will lead to their "
                    "full text once they are encoded.</p>"
                )
            ],
            [
                (
                    "Encoded here",
                    [
                        functools.partial(
                            lambda m, where: (
                                f"{self.link(where, m, self.text(m, DCTERMS.title))} "
                                f"({esc(self.text(m, DCTERMS.issued))})"
                            ),
                            m,
                        )
                        for m in self.memoranda
                    ],
                ),
                (
                    "Cited, not yet encoded",
                    [functools.partial(lambda n, where: self.link(where, n), n) for n in others],
                ),
            ],
            [*self.memoranda, *others],
        )

    def catalogue_index(self) -> None:
        here = "documents"
        groups = [
            ("GCTF framework documents", "framework-document"),
            ("Resolutions", "resolution"),
            ("Other documents", "document"),
            ("Initiatives", "initiative"),
        ]

        def item(n, where: str) -> str:
            count = len(self.citations_to.get(n, []))
            ident = self.text(n, DCTERMS.identifier)
            extra = f" <code>{esc(ident)}</code>" if ident else ""
            practices = self.cited_practices.get(n, [])
            sub = ""
            if practices:
                shown = practices[:20]
                sub = " — its practices cited: " + ", ".join(
                    self.link(where, p, self.text(p, SKOS.notation)) for p in shown
                )
                if len(practices) > len(shown):
                    sub += f" and {len(practices) - len(shown)} more"
            return (
                f"{self.link(where, n)}{extra} ({count} citation{'s' if count != 1 else ''}){sub}"
            )

        listed, all_nodes = [], []
        for title, kind in groups:
            nodes = sorted((n for n in self.resources if self.kind(n) == kind), key=self.by_label)
            if nodes:
                listed.append((title, [functools.partial(item, n) for n in nodes]))
                all_nodes += nodes
        self.index_pages(
            here,
            "Cited documents",
            [
                block(
                    "<p>Every document, resolution and initiative the memoranda cite or name, once, "
                    "under the name this edition gives it. Each page lists every text that cites it, "
                    "with the sentence that cites it.</p>"
                )
            ],
            listed,
            all_nodes,
        )

    def organisations_index(self) -> None:
        nodes = sorted(
            (n for n in self.resources if self.kind(n) == "organisation"), key=self.by_label
        )

        def item(n, where: str) -> str:
            alt = sorted(str(a) for a in self.g.objects(n, SKOS.altLabel))
            extra = f" ({esc(', '.join(alt))})" if alt else ""
            return f"{self.link(where, n)}{extra}"

        self.index_pages(
            "organisations",
            "Organisations",
            [
                block(
                    "<p>Organisations and States that publish, take part in or are named by the "
                    "memoranda.</p>"
                )
            ],
            [("Organisations", [functools.partial(item, n) for n in nodes])],
            nodes,
        )

    # ---------------------------------------------------------------- citation views

    def citing_units(self, memo) -> list[URIRef]:
        return sorted(self.units_by_memo.get(memo, ()), key=lambda u: (self.position(u), str(u)))

    def cited_of(self, units) -> list[URIRef]:
        cited = {c["cited"] for u in units for c in self.citations_from.get(u, [])}
        order = {
            "framework-document": 0,
            "cited-practice": 0,
            "resolution": 1,
            "document": 2,
            "initiative": 3,
            "organisation": 4,
        }

        def sort_key(n):
            scheme = self.g.value(n, SKOS.inScheme) if self.kind(n) == "cited-practice" else n
            return (
                order.get(self.kind(n), 5),
                self.label(scheme).lower(),
                self.ordinal(n) if scheme != n else -1,
            )

        return sorted(cited, key=sort_key)

    def short_unit(self, unit) -> str:
        kind = self.kind(unit)
        if kind == "practice":
            return f"GP{self.ordinal(unit)}"
        if kind == "section":
            return f"§{self.text(unit, SKOS.notation)}"
        return (self.label(unit) or "")[:5]

    def matrix_page(self, memo) -> None:
        here = f"matrix/{self.key(memo)}"
        practices = [p for section in self.sections_of(memo) for p in self.practices_of(section)]
        units = sorted(
            set(self.citing_units(memo)) | set(practices), key=lambda u: (self.position(u), str(u))
        )
        cited = self.cited_of(units)
        abbreviations = {
            "citesAsAuthority": "A",
            "agreesWith": "Ag",
            "includesQuotationFrom": "Q",
            "citesAsEvidence": "E",
            "citesAsRecommendedReading": "R",
            "citesForInformation": "I",
            "citesAsRelated": "Rel",
            "supports": "S",
            "extends": "X",
            "discusses": "D",
            "disagreesWith": "Dis",
            "obtainsBackgroundFrom": "B",
            "usesMethodIn": "M",
        }
        cells: dict[tuple, list[str]] = defaultdict(list)
        for u in units:
            for c in self.citations_from.get(u, []):
                abbr = abbreviations.get(c["kind"], "?")
                if abbr not in cells[(u, c["cited"])]:
                    cells[(u, c["cited"])].append(abbr)
        head = "".join(
            f'<th scope="col"><a href="{esc(rel(here, self.page_of(u)))}" title="{esc(self.full_label(u))}">{esc(self.short_unit(u))}</a></th>'
            for u in units
        )
        rows = []
        for n in cited:
            tds = []
            for u in units:
                marks = cells.get((u, n))
                if marks:
                    names = ", ".join(
                        CITATION_LABELS.get(k, k).lower()
                        for k, a in abbreviations.items()
                        if a in marks
                    )
                    tds.append(
                        f'<td class="gp-hit" title="{esc(self.short_unit(u))} {esc(names)}">{"/".join(marks)}</td>'
                    )
                else:
                    tds.append("<td></td>")
            rows.append(
                f'<tr><th scope="row">{self.link(here, n, self.full_label(n))}</th>{"".join(tds)}</tr>'
            )
        legend = ", ".join(
            f"<strong>{a}</strong> {esc(CITATION_LABELS[k].lower())}"
            for k, a in abbreviations.items()
            if any(a in v for v in cells.values())
        )
        body = [
            block(
                f"<p>Which text of {self.link(here, memo, self.text(memo, DCTERMS.title))} cites which "
                "document: one row per cited resource, one column per citing text (the Introduction, a "
                "section or a good practice, in the order of the memorandum). A cell says how the text "
                f"cites it: {legend}. Every good practice has its column, also those that cite "
                "nothing.</p>"
            ),
            block(
                '<div class="gp-matrix-wrap"><table class="gp-matrix">',
                f"<caption>Citations of the {esc(self.label(memo))}: {len(cited)} cited resources × {len(units)} citing texts</caption>",
                f'<thead><tr><th scope="col">Cited</th>{head}</tr></thead>',
                "<tbody>",
                "\n".join(rows),
                "</tbody></table></div>",
            ),
            block(
                f'<p>The same as a picture: <a href="{esc(rel(here, "network/" + self.key(memo) + "/"))}">citation network</a>.</p>'
            ),
        ]
        self.view_page(here, f"Citation matrix: {self.label(memo)}", body, cited, memo)

    def view_page(self, here: str, title: str, body: list[str], cited: list, memo) -> None:
        """A view of a memorandum's citations (matrix or network): full width, its data the
        collection of what the memorandum cites, left out of search (its text is elsewhere)."""
        self.add(
            Page(
                here,
                title,
                body,
                hide=["navigation", "toc"],
                jsonld=self.collection_document(title, cited, about=memo),
                searched=False,
            )
        )

    def network_page(self, memo) -> None:
        here = f"network/{self.key(memo)}"
        units = self.citing_units(memo)
        cited = self.cited_of(units)
        svg = self.network_svg(memo, units, cited, here)
        self.files[f"{here}/citations.svg"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
            + "\n"
        ).encode("utf-8")
        kinds = sorted(
            {c["kind"] for u in units for c in self.citations_from.get(u, [])},
            key=lambda k: CITATION_ORDER.index(k) if k in CITATION_ORDER else 99,
        )
        legend = "".join(
            f'<li><span class="gp-swatch" style="background:{CITATION_COLOURS.get(k, DEFAULT_COLOUR)}"></span>'
            f"{esc(CITATION_LABELS.get(k, k))} (<code>cito:{esc(k)}</code>)</li>"
            for k in kinds
        )
        body = [
            block(
                f"<p>Every citation made by {self.link(here, memo, self.text(memo, DCTERMS.title))}: the citing "
                "texts on the left, in the order of the memorandum, the cited documents, practices and "
                "organisations on the right; each line is one citation, coloured by how it cites. Every "
                "name is a link to its page. The picture is drawn when the site is built, from the data; "
                f'the same information as a table: <a href="{esc(rel(here, "matrix/" + self.key(memo) + "/"))}">citation matrix</a>.</p>'
            ),
            block('<ul class="gp-legend">', legend, "</ul>"),
            block(
                '<figure class="gp-network">',
                svg,
                f'<figcaption>Citation network of the {esc(self.label(memo))}. <a href="citations.svg" type="image/svg+xml">The picture as an SVG file</a>.</figcaption>',
                "</figure>",
            ),
        ]
        self.view_page(here, f"Citation network: {self.label(memo)}", body, cited, memo)

    def network_svg(self, memo, units, cited, here: str) -> str:
        row = 22
        top = 30
        left_x, right_x = 250, 560
        width = 1100
        height = top + row * max(len(units), len(cited)) + 20
        y_unit = {
            u: top
            + i * row
            + (row * (len(cited) - len(units)) / 2 if len(cited) > len(units) else 0)
            for i, u in enumerate(units)
        }
        y_cited = {
            n: top
            + i * row
            + (row * (len(units) - len(cited)) / 2 if len(units) > len(cited) else 0)
            for i, n in enumerate(cited)
        }
        edges = []
        for u in units:
            seen = set()
            for c in self.citations_from.get(u, []):
                pair = (c["cited"], c["kind"])
                if pair in seen:
                    continue
                seen.add(pair)
                y1, y2 = y_unit[u], y_cited[c["cited"]]
                colour = CITATION_COLOURS.get(c["kind"], DEFAULT_COLOUR)
                mid = (left_x + right_x) / 2
                edges.append(
                    f'<path d="M{left_x + 6},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {right_x - 6},{y2:.1f}" '
                    f'stroke="{colour}" stroke-width="1.4" fill="none" opacity="0.75"/>'
                )
        nodes = []
        for u in units:
            y = y_unit[u]
            text = self.full_label(u)
            text = text if len(text) <= 34 else text[:33] + "…"
            nodes.append(
                f'<a href="{esc(rel(here, self.page_of(u)))}"><circle cx="{left_x}" cy="{y:.1f}" r="5" fill="#263238"/>'
                f'<text x="{left_x - 10}" y="{y + 4:.1f}" text-anchor="end">{esc(text)}</text></a>'
            )
        for n in cited:
            y = y_cited[n]
            text = self.full_label(n)
            text = text if len(text) <= 80 else text[:79] + "…"
            nodes.append(
                f'<a href="{esc(rel(here, self.page_of(n)))}"><circle cx="{right_x}" cy="{y:.1f}" r="5" fill="#263238"/>'
                f'<text x="{right_x + 10}" y="{y + 4:.1f}">{esc(text)}</text></a>'
            )
        title = f"Citation network of the {self.label(memo)}"
        return block(
            f'<svg viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
            f'role="group" aria-labelledby="gp-network-title" font-family="sans-serif" font-size="12" fill="#212121">',
            f'<title id="gp-network-title">{esc(title)}</title>',
            f'<text x="{left_x}" y="16" text-anchor="end" font-weight="bold">Citing text</text>',
            f'<text x="{right_x}" y="16" font-weight="bold">Cited</text>',
            '<g class="edges">',
            "\n".join(edges),
            "</g>",
            '<g class="nodes">',
            "\n".join(nodes),
            "</g>",
            "</svg>",
        )

    # ---------------------------------------------------------------- the data model

    def model_page(self) -> None:
        here = "def"
        onto = Graph()
        onto.parse(export.ontology_file("ontology.ttl"), format="turtle")
        shapes_path = export.ontology_file("shapes.ttl")
        shapes = Graph()
        if shapes_path.exists():
            shapes.parse(shapes_path, format="turtle")
        ns = str(GP)
        ontology_iri = URIRef(ns.rstrip("#"))
        body = [
            block(
                "<p>The data reuses standard vocabularies: SKOS for the memoranda, sections, practices "
                "and glossaries; DCTERMS for titles, dates, publishers and identifiers; CiTO for typed "
                "citations; PROV for where a citation comes from; FOAF for organisations; DCAT and VoID "
                "for the dataset; schema.org for links to official records. The project mints its own "
                f"terms only where none of them fits, all in one namespace, <code>{esc(ns)}</code>, each "
                "with a label and a definition, listed below.</p>",
            ),
            "## How the memorandum is modelled",
            block(
                self.ul(
                    [
                        "The memorandum is a <code>skos:ConceptScheme</code> and a <code>gp:FrameworkDocument</code>, with <code>dcterms:title</code>, <code>dcterms:issued</code>, <code>dcterms:publisher</code>, <code>gp:introduction</code>, <code>gp:conclusion</code> and its sections as <code>skos:hasTopConcept</code>.",
                        "Each section is a <code>skos:Concept</code> and a <code>gp:Section</code>, <code>skos:topConceptOf</code> the memorandum, with <code>skos:notation</code> “I” … “V”.",
                        "Each good practice is a <code>skos:Concept</code> and a <code>gp:GoodPractice</code> with <code>skos:notation</code> “GP1” … “GP19”, its title sentence as <code>skos:prefLabel</code>, its body as <code>skos:definition</code> (verbatim, paragraphs kept), <code>skos:inScheme</code> the memorandum and <code>skos:broader</code> its section.",
                        "The text as printed, with footnote markers and italics, is kept in <code>gp:markedTitle</code> and <code>gp:markedText</code>; the plain literals are that text with the markup removed.",
                        "Each footnote is a <code>gp:Footnote</code> with its number (<code>gp:ordinal</code>), its text (<code>rdf:value</code>) and the text it is attached to (<code>gp:attachedTo</code>).",
                        'Each citation is stated twice from the citing text: with the CiTO property its wording calls for and as plain <code>cito:cites</code>; and once as a <code>cito:Citation</code> node that keeps the footnote it comes from (<code>prov:wasDerivedFrom</code>) and the citing words (<code>gp:citingWords</code>). The wording → CiTO mapping: <a href="../citations/">citations</a>.',
                        "Documents, resolutions and initiatives cited are resources of their own (UN resolutions with their symbol as <code>dcterms:identifier</code> and a link to the UN's record as <code>schema:url</code>); organisations are <code>foaf:Organization</code>.",
                        "The terms the text defines form a glossary, a <code>skos:ConceptScheme</code> whose concepts are each sourced (<code>dcterms:source</code>) to the footnote that defines them.",
                    ]
                )
            ),
        ]
        for title, cls_types in (
            ("Classes", (OWL.Class, RDFS.Class)),
            ("Properties", (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)),
        ):
            terms = sorted(
                {t for c in cls_types for t in onto.subjects(RDF.type, c) if str(t).startswith(ns)},
                key=str,
            )
            if not terms:
                continue
            items = []
            for t in terms:
                name = local_name(t)

                def codes(prop, t=t) -> str:
                    """The terms ``t`` links to by ``prop``, as prefixed names."""
                    return ", ".join(
                        f"<code>{esc(onto.namespace_manager.normalizeUri(o))}</code>"
                        for o in sorted(onto.objects(t, prop), key=str)
                    )

                rows = [
                    ("IRI", f"<code>{esc(t)}</code>"),
                    (
                        "Definition",
                        esc(
                            self.text_of(onto, t, SKOS.definition)
                            or self.text_of(onto, t, RDFS.comment)
                            or ""
                        ),
                    ),
                    ("Subclass of", codes(RDFS.subClassOf)),
                    ("Domain", codes(RDFS.domain)),
                    ("Range", codes(RDFS.range)),
                    ("Inverse of", codes(OWL.inverseOf)),
                ]
                functional = (t, RDF.type, OWL.FunctionalProperty) in onto
                label = self.text_of(onto, t, RDFS.label) or name
                items.append(
                    block(
                        f'<div class="gp-term" id="{esc(name)}">',
                        f'<h3 id="term-{esc(name)}"><code>gp:{esc(name)}</code> — {esc(label)}</h3>',
                        self.facts(rows),
                        "<p>At most one value for each subject.</p>" if functional else "",
                        "</div>",
                    )
                )
            body += [f"## {title}", *items]
        body += self.shapes_section(shapes)
        body += [
            "## Files",
            block(
                self.ul(
                    [
                        '<a href="../def.ttl" type="text/turtle">The ontology as Turtle</a> (also <a href="../ontology.ttl" type="text/turtle">ontology.ttl</a>)',
                        '<a href="../def.jsonld" type="application/ld+json">The ontology as JSON-LD</a>',
                        *(
                            [
                                '<a href="../shapes.ttl" type="text/turtle">The SHACL shapes as Turtle</a>'
                            ]
                            if len(shapes)
                            else []
                        ),
                        '<a href="../context.jsonld" type="application/ld+json">The JSON-LD context</a>',
                    ]
                )
            ),
        ]
        self.files["def.ttl"] = export.ontology_file("ontology.ttl").read_bytes()
        self.files["def.nt"] = export.ntriples(onto)
        onto_doc = self.ontology_document(onto)
        self.files["def.jsonld"] = export.dumps(onto_doc)
        if len(shapes):
            self.files.setdefault("shapes.ttl", shapes_path.read_bytes())
        self.add(
            Page(
                here,
                "Data model",
                body,
                iri=ontology_iri,
                jsonld=onto_doc,
                alternates=[
                    (export.MEDIA_TYPES[ext], f"../def.{ext}") for ext, _ in RESOURCE_FORMATS
                ],
            )
        )

    @staticmethod
    def text_of(graph: Graph, node, prop) -> str | None:
        values = sorted(
            graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en", str(v))
        )
        return str(values[0]) if values else None

    def shapes_section(self, shapes: Graph) -> list[str]:
        out = ["## The SHACL shapes"]
        if not len(shapes):
            return out + [block("<p>The SHACL shapes are not published yet.</p>")]
        nm = shapes.namespace_manager

        def term(o) -> str:
            if isinstance(o, URIRef):
                return f"<code>{esc(nm.normalizeUri(o))}</code>"
            if isinstance(o, BNode):
                items = list(shapes.items(o))
                if items:
                    return ", ".join(term(i) for i in items)
                return nested(o)
            return f"<code>{esc(o)}</code>"

        def path(p) -> str:
            if isinstance(p, BNode):
                inverse = shapes.value(p, URIRef(SH + "inversePath"))
                if inverse is not None:
                    return f"^{path(inverse)}"
                items = list(shapes.items(p))
                if items:
                    return "/".join(path(i) for i in items)
                alt = shapes.value(p, URIRef(SH + "alternativePath"))
                if alt is not None:
                    return "|".join(path(i) for i in shapes.items(alt))
                return "?"
            return esc(nm.normalizeUri(p)) if isinstance(p, URIRef) else esc(p)

        def nested(shape) -> str:
            """A shape written inline (in sh:or, sh:node …): what it asks, in words."""
            said = []
            for p, o in sorted(
                shapes.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))
            ):
                local = str(p).removeprefix(SH)
                if local in constraint_names and local != "or":
                    said.append(f"{constraint_names[local]} {term(o)}")
                elif local == "or":
                    said.append(f"one of: {term(o)}")
            return "(" + " and ".join(said) + ")" if said else "<em>any value</em>"

        constraint_names = {
            "minCount": "at least",
            "maxCount": "at most",
            "datatype": "datatype",
            "class": "of class",
            "nodeKind": "node kind",
            "pattern": "matches",
            "in": "one of",
            "languageIn": "language",
            "uniqueLang": "one per language",
            "hasValue": "has value",
            "minLength": "min length",
            "maxLength": "max length",
            "minInclusive": "≥",
            "maxInclusive": "≤",
            "node": "conforms to",
            "equals": "equals",
            "disjoint": "disjoint from",
            "lessThan": "less than",
            "or": "one of:",
            "qualifiedMinCount": "qualified at least",
            "qualifiedMaxCount": "qualified at most",
        }
        out.append(
            block(
                "<p>The shapes are the contract the data is checked against before anything is "
                "published: a build whose data breaks one of them stops, and names the content file "
                "and line to fix. Each shape below says which resources it applies to and what they "
                "must satisfy.</p>"
            )
        )
        node_shapes = sorted(
            {s for s in shapes.subjects(RDF.type, URIRef(SH + "NodeShape"))}
            | {
                s
                for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
                for s in shapes.subjects(URIRef(SH + p), None)
            },
            key=str,
        )
        for shape in node_shapes:
            name = local_name(shape) if isinstance(shape, URIRef) else "shape"
            targets = []
            for p, what in (
                ("targetClass", "every"),
                ("targetNode", "the node"),
                ("targetSubjectsOf", "every subject of"),
                ("targetObjectsOf", "every object of"),
            ):
                targets += [
                    f"{what} {term(o)}"
                    for o in sorted(shapes.objects(shape, URIRef(SH + p)), key=str)
                ]
            description = (
                self.text_of(shapes, shape, URIRef(SH + "description"))
                or self.text_of(shapes, shape, RDFS.comment)
                or self.text_of(shapes, shape, SKOS.definition)
                or self.text_of(shapes, shape, URIRef(SH + "message"))
                or ""
            )
            rows = []
            for prop in sorted(
                shapes.objects(shape, URIRef(SH + "property")),
                key=lambda b: str(shapes.value(b, URIRef(SH + "path"))),
            ):
                constraints = []
                for p, o in sorted(
                    shapes.predicate_objects(prop), key=lambda po: (str(po[0]), str(po[1]))
                ):
                    local = str(p).removeprefix(SH)
                    if local in constraint_names:
                        constraints.append(f"{constraint_names[local]} {term(o)}")
                if (prop, URIRef(SH + "sparql"), None) in shapes:
                    constraints.append("a SPARQL check")
                message = (
                    self.text_of(shapes, prop, URIRef(SH + "message"))
                    or self.text_of(shapes, prop, URIRef(SH + "description"))
                    or self.text_of(shapes, prop, URIRef(SH + "name"))
                    or ""
                )
                severity = shapes.value(prop, URIRef(SH + "severity"))
                sev = f" ({esc(local_name(severity).lower())})" if severity is not None else ""
                rows.append(
                    f"<tr><td><code>{path(shapes.value(prop, URIRef(SH + 'path')))}</code></td>"
                    f"<td>{'; '.join(constraints)}{sev}</td><td>{esc(message)}</td></tr>"
                )
            sparql = []
            for s in shapes.objects(shape, URIRef(SH + "sparql")):
                msg = (
                    self.text_of(shapes, s, URIRef(SH + "message"))
                    or self.text_of(shapes, s, RDFS.comment)
                    or "a SPARQL check"
                )
                sparql.append(esc(msg))
            parts = [
                '<div class="gp-shape">',
                f'<h3 id="shape-{esc(name)}"><code>{esc(nm.normalizeUri(shape)) if isinstance(shape, URIRef) else "shape"}</code></h3>',
                f"<p>Applies to {', '.join(targets) or 'the nodes other shapes point to'}.</p>",
                f"<p>{esc(description)}</p>" if description else "",
            ]
            if rows:
                parts.append(
                    '<table class="gp-shape-table"><thead><tr><th scope="col">Property</th>'
                    '<th scope="col">Constraint</th><th scope="col">Message</th></tr></thead><tbody>'
                    + "\n".join(rows)
                    + "</tbody></table>"
                )
            if sparql:
                parts.append("<p>SPARQL checks:</p>" + self.ul(sparql))
            parts.append("</div>")
            out.append(block(*parts))
        return out

    # ---------------------------------------------------------------- server configuration

    def server_config(self) -> None:
        path = base_path(self.base)
        self.files[".htaccess"] = (
            HTACCESS.replace("{BASE_ALIAS}", path.rstrip("/") or "/")
            .replace("{BASE_PATH}", path)
            .encode("utf-8")
        )
        self.files["nginx.conf"] = NGINX_HTTP.replace("{BASE_PATH}", path).encode("utf-8")
        self.files["nginx-location.conf"] = NGINX_LOCATION.replace("{BASE_PATH}", path).encode(
            "utf-8"
        )


HTACCESS = """\
# Apache 2.4 configuration written by `goodpractice build`: serve each resource IRI as HTML,
# Turtle, JSON-LD or N-Triples, as the Accept header asks, as `goodpractice serve` does.
#
# Put the built site/ folder where Apache serves the base IRI's path ({BASE_PATH}), e.g.
#     Alias {BASE_ALIAS} /srv/gctf-good-practices/site
#     <Directory /srv/gctf-good-practices/site>
#         AllowOverride FileInfo Indexes Options=MultiViews,Indexes
#         Require all granted
#     </Directory>
# It needs mod_rewrite, mod_mime, mod_dir and mod_headers (a2enmod rewrite headers), and
# AllowOverride FileInfo (rewriting, types, errors), Indexes (DirectorySlash) and Options.
#
# What it does:
# - /rabat-washington/gp10 and /rabat-washington/gp10/ answer with the resource's data when
#   the Accept header names text/turtle, application/ld+json or application/n-triples and
#   does not name text/html (rabat-washington/gp10.ttl, .jsonld, .nt beside the page);
# - otherwise a folder asked for without its slash is redirected (303 See Other) to its page,
#   /rabat-washington/gp10/, and a page asked for by a browser is the page;
# - every answer carries "Vary: Accept".
# Limitation: the rules look for the media types in the Accept header and ignore q-values:
# "text/html;q=0.1, text/turtle" gets HTML, since it names text/html. `goodpractice serve`
# weighs q-values; a client that wants RDF from this server should not name text/html.
Options -MultiViews -Indexes
DirectorySlash Off
DirectoryIndex index.html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
AddType text/csv .csv
AddCharset utf-8 .ttl .jsonld .nt .html .svg .csv
<IfModule mod_headers.c>
    Header merge Vary Accept
</IfModule>

RewriteEngine On
RewriteBase {BASE_PATH}

RewriteCond %{HTTP_ACCEPT} !text/html
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME} ^(.+?)/?$
RewriteCond %1.ttl -f
RewriteRule ^(.+?)/?$ $1.ttl [L]

RewriteCond %{HTTP_ACCEPT} !text/html
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME} ^(.+?)/?$
RewriteCond %1.jsonld -f
RewriteRule ^(.+?)/?$ $1.jsonld [L]

RewriteCond %{HTTP_ACCEPT} !text/html
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteCond %{REQUEST_FILENAME} ^(.+?)/?$
RewriteCond %1.nt -f
RewriteRule ^(.+?)/?$ $1.nt [L]

# A folder without its slash (a bare resource IRI, for HTML): 303 to its page.
RewriteCond %{REQUEST_FILENAME} -d
RewriteRule ^(.*[^/])$ $1/ [R=303,L]

ErrorDocument 404 {BASE_PATH}404.html
"""

NGINX_HTTP = """\
# nginx configuration written by `goodpractice build`: serve each resource IRI as HTML, Turtle,
# JSON-LD or N-Triples, as the Accept header asks, as `goodpractice serve` does. Two files:
#
# 1. This one, included in the http { } block:
#        include /srv/gctf-good-practices/site/nginx.conf;
# 2. nginx-location.conf, included in the server { } block that serves the site:
#        root /srv/www;   # the folder that holds the built site/ as .{BASE_PATH}
#        include /srv/gctf-good-practices/site/nginx-location.conf;
#    The URL path {BASE_PATH} is the base IRI's; the server's root must hold the site under
#    that path (here /srv/www{BASE_PATH} is the built site/ folder, copied or linked).
# The http block keeps its usual `include mime.types;`; the location adds the RDF types.
#
# Limitation: the Accept header is matched by media type, without q-values: a header that
# names text/html gets the page ("text/html;q=0.1, text/turtle" too).

# Which file beside the page answers, from the Accept header: "" for the page itself.
map $http_accept $gp_extension {
    default "";
    "~*text/html" "";
    "~*text/turtle" ".ttl";
    "~*application/ld\\+json" ".jsonld";
    "~*application/n-triples" ".nt";
}

# The path without its final slash: /rabat-washington/gp10/ -> /rabat-washington/gp10.
map $uri $gp_path {
    "~^(?<gp_p>.*[^/])/*$" $gp_p;
    default $uri;
}

# The page of a folder asked for with its slash: /rabat-washington/gp10/index.html.
map $uri $gp_index {
    "~^(?<gp_i>.*/)$" "${gp_i}index.html";
    default "";
}
"""

NGINX_LOCATION = """\
# nginx configuration written by `goodpractice build`, for the server { } block that serves
# the site; nginx.conf (for the http { } block) says how to use both.
location {BASE_PATH} {
    # The types of the site's files. A types block here replaces the http block's for this
    # location, so it lists every type the site uses (nginx's own mime.types lacks the RDF ones).
    types {
        text/html html;
        text/css css;
        application/javascript js;
        image/svg+xml svg;
        image/png png;
        application/json json;
        application/xml xml;
        text/plain txt conf;
        text/turtle ttl;
        application/ld+json jsonld;
        application/n-triples nt;
        application/rdf+xml rdf;
        text/csv csv;
    }
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css text/plain text/turtle application/ld+json application/n-triples
        text/csv application/javascript image/svg+xml;
    add_header Vary Accept always;
    error_page 404 {BASE_PATH}404.html;
    # The data the Accept header asks for, if the resource has it (rabat-washington/gp10.ttl
    # for rabat-washington/gp10 and rabat-washington/gp10/);
    # else the page of a folder, or the file, asked for; else a folder asked for without its
    # slash goes to its page (303 See Other).
    try_files $gp_path$gp_extension $gp_index $uri @gp_folder;
}

location @gp_folder {
    add_header Vary Accept always;
    error_page 404 {BASE_PATH}404.html;
    if (-d $request_filename) {
        return 303 $uri/;
    }
    return 404;
}
"""


# --------------------------------------------------------------------------------------------
# The MkDocs build


THEME_MAIN = """\
{% extends "base.html" %}
{% block extrahead %}
{#- Material treats every <link rel="alternate"> as another language of the site and fetches a
    sitemap.xml beside it; the alternates here are data formats, so it is shown only those with
    an hreflang (none), and makes no such request. #}
<script>(()=>{const q=Document.prototype.querySelectorAll;Document.prototype.querySelectorAll=function(s){return q.call(this,s==="link[rel=alternate]"?"link[rel=alternate][hreflang]":s)}})()</script>
{%- if page and page.meta %}
{%- for alternate in page.meta.gp_alternates or [] %}
<link rel="alternate" type="{{ alternate.type }}" href="{{ alternate.href }}">
{%- endfor %}
{%- if page.meta.gp_jsonld %}
<script type="application/ld+json">{{ page.meta.gp_jsonld }}</script>
{%- endif %}
{%- endif %}
{% endblock %}
{#- The header and the script configuration are the same for every generated page at one depth
    but for the title: each is rendered once per depth (the header with a stand-in title, put
    right per page) and reused, as the navigation is (partials/nav.html). #}
{% block header %}
{%- set gp_key = page.meta.gp_nav_key if page and page.meta else none -%}
{%- if gp_key and page.meta.title -%}
{%- if ("header", gp_key) not in gp_nav_cache -%}
{%- set gp_page = gp_stand_in_page(page, "@@gp-page-title@@") -%}
{%- set gp_rendered -%}{% with page = gp_page %}{% include "partials/header.html" %}{% endwith %}{%- endset -%}
{%- set _ = gp_nav_cache.update({("header", gp_key): gp_rendered}) -%}
{%- endif -%}
{{ gp_nav_cache[("header", gp_key)] | replace("@@gp-page-title@@", page.meta.title) }}
{%- else -%}
{% include "partials/header.html" %}
{%- endif -%}
{% endblock %}
{% block config %}
{%- set gp_key = page.meta.gp_nav_key if page and page.meta else none -%}
{%- if gp_key -%}
{%- if ("config", gp_key) not in gp_nav_cache -%}
{%- set gp_rendered -%}{{ super() }}{%- endset -%}
{%- set _ = gp_nav_cache.update({("config", gp_key): gp_rendered}) -%}
{%- endif -%}
{{ gp_nav_cache[("config", gp_key)] }}
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock %}
"""

EXTRA_CSS = """\
.md-typeset a { text-decoration: underline; text-underline-offset: .15em; }
.md-typeset a.headerlink { text-decoration: none; }
.gp-facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
.gp-facts dt { font-weight: 700; }
.gp-facts dd { margin: 0; }
.gp-context { color: var(--md-default-fg-color--light); }
.gp-notation { white-space: nowrap; }
.gp-iri { word-break: break-all; }
.gp-kind { font-size: .85em; }
.gp-footnotes li, .gp-cited-by li { margin-bottom: .5em; }
.gp-fnlinks { font-size: .85em; }
.gp-matrix-wrap { overflow-x: auto; }
.md-typeset table.gp-matrix { font-size: .7rem; }
.md-typeset .gp-matrix th[scope=col] { writing-mode: vertical-rl; white-space: nowrap; }
.md-typeset .gp-matrix td { text-align: center; padding: .2em .3em; }
.md-typeset .gp-matrix td.gp-hit { background: #e8eaf6; font-weight: 700; }
.md-typeset .gp-matrix th[scope=row] { position: sticky; left: 0; z-index: 1; min-width: 9rem; max-width: 16rem; background: var(--md-default-bg-color); }
.md-typeset .gp-matrix thead th:first-child { position: sticky; left: 0; z-index: 2; background: var(--md-default-bg-color); }
.gp-pager { font-size: .85em; }
.md-typeset mark { background: #fff59d; color: inherit; }
.gp-network { overflow-x: auto; margin: 0; }
.gp-network svg { max-width: none; }
.gp-network svg a text { fill: #1a237e; text-decoration: underline; }
.gp-legend { list-style: none; padding: 0; }
.md-typeset .gp-legend li { display: inline-block; margin-right: 1.2em; }
.gp-swatch { display: inline-block; width: 1.5em; height: .35em; margin-right: .4em; vertical-align: middle; }
.gp-num { text-align: right; }
"""


# The primary navigation, rendered once per folder depth for every page it does not list (the
# navigation of such a page differs from another's only in its relative links): with tens of
# thousands of pages, rendering it per page is most of the build.
NAV_PARTIAL = """\
{%- set gp_key = page.meta.gp_nav_key if page and page.meta else none -%}
{%- if gp_key and gp_key in gp_nav_cache -%}
{{ gp_nav_cache[gp_key] }}
{%- else -%}
{%- set gp_rendered -%}{% include "partials/gp-material-nav.html" %}{%- endset -%}
{%- if gp_key %}{% set _ = gp_nav_cache.update({gp_key: gp_rendered}) %}{% endif -%}
{{ gp_rendered }}
{%- endif -%}
"""


def _cached_navigation(theme: Path) -> None:
    import material

    original = Path(material.__file__).parent / "templates" / "partials" / "nav.html"
    (theme / "partials").mkdir(exist_ok=True)
    shutil.copyfile(original, theme / "partials" / "gp-material-nav.html")
    (theme / "partials" / "nav.html").write_text(NAV_PARTIAL, encoding="utf-8")


def _accessible_search(theme: Path) -> None:
    """Material's search dialog, named for assistive technology (axe: aria-dialog-name)."""
    import material

    partial = Path(material.__file__).parent / "templates" / "partials" / "search.html"
    text = partial.read_text(encoding="utf-8")
    named = text.replace('role="dialog">', 'role="dialog" aria-label="Search">', 1)
    if named != text:
        (theme / "partials").mkdir(exist_ok=True)
        (theme / "partials" / "search.html").write_text(named, encoding="utf-8")


def find_config() -> Path:
    """mkdocs.yml at the repository root (or shipped with the package)."""
    for candidate in (ROOT / "mkdocs.yml", Path(__file__).resolve().parent / "mkdocs.yml"):
        if candidate.exists():
            return candidate
    raise SiteError("mkdocs.yml not found at the repository root")


def docs_folder() -> Path:
    return ROOT / "docs"


def navigation(site: Site) -> list:
    nav: list = [{"Home": "index.md"}]
    for memo in site.memoranda[:NAV_MEMORANDA]:
        key = site.key(memo)
        g = site.g
        items = [
            {"Overview": f"{key}/index.md"},
            {"Introduction": f"{site.key(g.value(memo, GP.introduction))}/index.md"},
        ]
        for section in site.sections_of(memo):
            items.append({f"{site.label(section)}": f"{site.key(section)}/index.md"})
        items.append({"Conclusion": f"{site.key(g.value(memo, GP.conclusion))}/index.md"})
        glossary = next(
            (s for s in g.objects(memo, DCTERMS.hasPart) if site.kind(s) == "glossary"), None
        )
        if glossary is not None:
            items.append({"Glossary": f"{site.key(glossary)}/index.md"})
        items.append({"Citation matrix": f"matrix/{key}/index.md"})
        items.append({"Citation network": f"network/{key}/index.md"})
        nav.append({site.label(memo): items})
    nav.append(
        {
            "Indexes": [
                {"Memoranda": "memoranda/index.md"},
                {"Cited documents": "documents/index.md"},
                {"Organisations": "organisations/index.md"},
            ]
        }
    )
    about = [
        {"Data model": "def/index.md"},
        {"Citations": "citations.md"},
        {"Editing the content": "editing.md"},
        {"Downloads": "dataset/index.md"},
    ]
    nav.append({"About the data": about})
    return nav


HEADING = re.compile(r"^(#{2,6})(!?) (.*)$", re.S)


def slugify(text: str) -> str:
    """The id Python-Markdown's toc extension would give a heading with this text."""
    value = html.unescape(re.sub(r"<[^>]*>", "", text))
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def unique_id(slug: str, used: set[str]) -> str:
    slug = slug or "section"
    while slug in used:
        match = re.match(r"^(.*)_([0-9]+)$", slug)
        slug = f"{match.group(1)}_{int(match.group(2)) + 1}" if match else f"{slug}_1"
    used.add(slug)
    return slug


def page_html(page: Page) -> tuple[str, list[dict], str]:
    """The HTML of a page's body, its table of contents, and the part of it that search
    indexes, as MkDocs would have made them from the Markdown, without the cost of Markdown:
    every block is ready-made HTML, and a heading is a line ``## Text`` (``##! Text``: a
    heading whose section search leaves out, marked ``data-search-exclude``)."""
    used = {"title"}
    out: list[str] = []
    searched: list[str] = []
    tokens: list[dict] = []
    stack: list[dict] = []
    excluded_from = 0  # the level of the heading whose section search leaves out
    parts = list(page.body)
    if not any("<h1" in part for part in parts):
        parts.insert(0, f'<h1 id="title">{esc(page.title)}</h1>')
    for part in parts:
        match = HEADING.match(part)
        if not match:
            out.append(part)
            if not excluded_from and "data-search-exclude" not in part[: part.find(">") + 1]:
                searched.append(part)
            continue
        level = len(match.group(1))
        text = match.group(3).strip()
        ident = unique_id(slugify(text), used)
        exclude = " data-search-exclude" if match.group(2) else ""
        heading = (
            f'<h{level} id="{ident}"{exclude}>{text}<a class="headerlink" href="#{ident}" '
            f'title="Permanent link">&para;</a></h{level}>'
        )
        out.append(heading)
        if excluded_from and level <= excluded_from:
            excluded_from = 0
        if exclude and not excluded_from:
            excluded_from = level
        if not excluded_from:
            searched.append(heading)
        token = {"level": level, "id": ident, "name": text, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return "\n".join(out) + "\n", tokens, "\n".join(searched) + "\n"


def source_date_epoch(graph: Graph, base: str) -> str:
    """The dataset's modification date as SOURCE_DATE_EPOCH: the sitemap's dates come from it."""
    modified = graph.value(URIRef(base + "dataset"), DCTERMS.modified)
    if isinstance(modified, Literal) and modified.datatype == XSD.date:
        import datetime as dt

        day = dt.date.fromisoformat(str(modified))
        return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
    return "0"


@contextlib.contextmanager
def _environment(name: str, value: str):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def base_of(graph: Graph) -> str:
    from rdflib.namespace import VOID

    spaces = sorted(str(o) for o in graph.objects(None, VOID.uriSpace))
    if not spaces:
        raise SiteError("the graph has no dataset description with a void:uriSpace (the base IRI)")
    return spaces[0]


def render_site(graph: Graph, exports: Mapping[str, bytes] | None = None) -> Site:
    """Every page of the site (its body; MkDocs adds the theme) and the site's own files."""
    base = base_of(graph)
    exports = exports if exports is not None else export.dataset_files(graph)
    # The published graph: the data with its DCAT description (distributions, the release),
    # whose IRIs get pages too.
    site = Site(export.published_graph(graph), base, exports)
    site.render()
    return site


def build_site(
    graph: Graph,
    site_dir: Path,
    exports: Mapping[str, bytes] | None = None,
    config_file: Path | None = None,
    before_replace: Callable[[], None] | None = None,
) -> SiteReport:
    """Render the site from ``graph`` and write it to ``site_dir``, replacing it only when the
    whole build succeeded. ``before_replace`` is called once the new site is complete, before
    it replaces the last one: if it raises, the last one stays."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .build import replace_dir
    from .site_plugin import GeneratedPages, RestoreContent

    started = time.perf_counter()
    site = render_site(graph, exports)
    sources = [page.source for page in site.pages]
    if len(set(sources)) != len(sources):
        twice = sorted({s for s in sources if sources.count(s) > 1})
        raise SiteError(f"two pages would be written to {', '.join(twice)}")
    site_dir = Path(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Absolute: MkDocs reads relative paths in its config as relative to the config file.
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build.", dir=site_dir.parent)).resolve()
    try:
        out, theme = work / "site", work / "theme"
        theme.mkdir()
        (theme / "main.html").write_text(THEME_MAIN, encoding="utf-8")
        _accessible_search(theme)
        _cached_navigation(theme)
        docs = docs_folder()
        if not docs.is_dir():
            docs = work / "docs"
            docs.mkdir()
        clashes = sorted(
            page.source for page in site.pages if (docs / page.source).exists()
        )  # fmt: skip
        if clashes:
            raise SiteError(f"docs/ has a page where a generated page goes: {', '.join(clashes)}")

        config = yaml.safe_load(Path(config_file or find_config()).read_text(encoding="utf-8"))
        config["docs_dir"] = str(docs)
        config["site_dir"] = str(out)
        config["nav"] = navigation(site)
        theme_config = config.setdefault("theme", {"name": "material"})
        theme_config["custom_dir"] = str(theme)
        config.setdefault("extra_css", []).append("assets/goodpractice.css")
        config_path = work / "mkdocs.yml"
        config_path.write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )

        messages = _Collector()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(messages)
        old_level = logger.level
        logger.setLevel(logging.INFO)
        old_propagate = logger.propagate
        logger.propagate = False
        try:
            # The graph and the pages stay in memory to the end: the garbage collector need not
            # walk them again and again while MkDocs makes tens of thousands of small objects.
            gc.collect()
            gc.freeze()
            with _environment("SOURCE_DATE_EPOCH", source_date_epoch(graph, site.base)):
                cfg = load_config(str(config_path))
                cfg.plugins["goodpractice"] = GeneratedPages(site.pages, site.prose_examples())
                cfg.plugins["goodpractice-restore"] = RestoreContent()
                mkdocs_build(cfg)
        except (MkDocsException, SystemExit) as error:
            detail = "\n".join(messages.problems) or str(error)
            raise SiteError(f"MkDocs could not build the site:\n{detail}") from None
        finally:
            gc.unfreeze()
            logger.removeHandler(messages)
            logger.setLevel(old_level)
            logger.propagate = old_propagate
        if messages.problems:
            raise SiteError("MkDocs reported problems:\n" + "\n".join(messages.problems))

        finish(out, site)
        copy_files(out, site.files, site.exports)
        pages = len(site.pages) + sum(1 for _ in docs.rglob("*.md"))
        if before_replace is not None:
            before_replace()
        replace_dir(out, site_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SiteReport(pages, time.perf_counter() - started)


def copy_files(out: Path, own: dict[str, bytes], exports) -> None:
    """The site's own files and the exports into the site (an export wins a name both have).
    Exports already on disk are hard-linked, not copied, where the file system allows it."""
    made: set[Path] = set()

    def target_of(name: str) -> Path:
        target = out / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        return target

    for name in sorted(own.keys() - exports.keys()):
        target_of(name).write_bytes(own[name])
    path_of = getattr(exports, "path", None)
    for name in sorted(exports):
        target = target_of(name)
        if path_of is None:
            target.write_bytes(exports[name])
            continue
        try:
            os.link(path_of(name), target)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copyfile(path_of(name), target)


def base_path(base: str) -> str:
    """The path of the base IRI: '/gctf-good-practices/' for https://w3id.org/gctf-good-practices/."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", base) or "/"


def finish(out: Path, site: Site) -> None:
    """What MkDocs writes that does not suit this site: the 404 page links to /assets/… (it is
    served at any depth), so its links are made absolute under the base IRI's path; there is
    no sitemap (the site has no site_url until the w3id redirect is registered)."""
    page = out / "404.html"
    if page.is_file():
        prefix = base_path(site.base)
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'(\s(?:href|src|action)=")/(?!/)', rf"\1{prefix}", text)
        page.write_text(text, encoding="utf-8")
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (out / name).unlink(missing_ok=True)


class _Collector(logging.Handler):
    """Keeps MkDocs' warnings and errors, so that a problem fails the build with its message."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(f"{record.levelname.lower()}: {record.getMessage()}")
