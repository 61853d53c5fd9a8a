"""What several pages show: footnotes, citations, lists that grow with the corpus, editorial
notes, the data links. Each gives the context of a partial of ``templates/partials.html``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib.namespace import DCTERMS, RDF, SKOS

from ...graph.read import Citation
from ...iris import page_path
from ...vocab import GP, RESOURCE_FORMATS, SCHEMA, CitationType, citation_rank, citation_type
from .. import markup
from ..links import Code, Link, joined, rel

# How many items a list that grows with the corpus shows on one page ("cited by", indexes,
# downloads); the others go on further pages of the same size.
LIST_PAGE = 100


def by_label(read):
    """A sort key: the label, then the IRI, so that equal labels keep one order."""
    return lambda node: (read.label(node), str(node))


# --------------------------------------------------------------------------------------------
# Marked text


def footnote_href(site, here: str, unit=None):
    """Where a footnote marker links to: the footnotes below the text (no ``unit``), or the page
    of the footnote in the memorandum of ``unit``."""
    if unit is None:
        return lambda number: f"#fn-{number}"
    memo = site.read.memorandum_of(unit)
    if memo is None:
        return lambda number: "#"
    key = site.key(memo)
    return lambda number: rel(here, page_path(site.read.iris.unit(key, f"fn{number}"), site.base))


def paragraphs(site, text: str | None, here: str, unit=None) -> list:
    return markup.paragraphs(text or "", footnote_href(site, here, unit))


def marked(site, text: str | None, here: str) -> tuple:
    return markup.tokens(text or "", footnote_href(site, here))


def footnotes(site, unit, here: str) -> list[dict]:
    read = site.read
    return [
        {
            "number": read.ordinal(fn),
            "text": marked(site, read.text(fn, GP.markedText), here),
            "href": site.urls.to_page(here, fn),
        }
        for fn in read.footnotes(unit)
    ]


# --------------------------------------------------------------------------------------------
# Citations


@dataclass(slots=True)
class CitationLine:
    """One citation as a line of a list: ``other`` is the cited resource (``show`` 'cited') or
    the citing unit ('citing'); ``where`` the footnote or text that makes it."""

    show: str
    other: Link
    where: Link
    words: str
    quotation: markup.Quotation | None
    type: CitationType
    id: str = ""  # the fragment of the citation's IRI, when it is on this page


def citation_line(site, c: Citation, here: str, show: str, page_node=None) -> CitationLine:
    read, urls = site.read, site.urls
    source = c.source
    if source is not None and read.kind(source) == "footnote":
        where = urls.link(here, c.node, read.label(source))
    else:
        where = urls.link(here, c.node, "the text")
    iri, _, fragment = str(c.node).partition("#")
    quotation = None
    if show == "citing":
        quotation = markup.sentence_with(plain_text(site, source or c.citing), c.words)
    return CitationLine(
        show=show,
        other=urls.full(here, c.cited if show == "cited" else c.citing),
        where=where,
        words=c.words,
        quotation=quotation,
        type=citation_type(c.kind),
        id=fragment if iri == str(page_node) else "",
    )


def plain_text(site, node) -> str:
    """A footnote's or a unit's text as read, markers and markup removed."""
    cache = site.plain_texts
    if node not in cache:
        read = site.read
        cache[node] = markup.plain(
            read.text(node, RDF.value) or read.text(node, GP.markedText) or ""
        )
    return cache[node]


def cites(site, unit, here: str) -> list[dict]:
    """What a unit cites, grouped by CiTO property in the order of the CiTO table."""
    groups: dict[str, list] = defaultdict(list)
    for c in site.read.citations_from(unit):
        groups[c.kind].append(citation_line(site, c, here, "cited", page_node=unit))
    return [
        {"type": citation_type(kind), "citations": groups[kind]}
        for kind in sorted(groups, key=citation_rank)
    ]


def cited_by(site, node, here: str) -> dict:
    citations = site.read.citations_to(node)
    if not citations:
        return {"heading": "Cited by", "id": "cited-by", "exclude": False,
                "empty": "No text of the encoded memoranda cites it."}  # fmt: skip
    items = [lambda where, c=c: citation_line(site, c, where, "citing") for c in citations]
    return long_list(site, node, here, "cited-by", "Cited by", items, "gp-cited-by", exclude=True)


def mentioned(site, node, here: str) -> dict | None:
    """The units that name a resource without citing it."""
    units = site.read.ordered(site.read.subjects(SCHEMA.mentions, node))
    if not units:
        return None
    items = [lambda where, u=u: site.urls.full(where, u) for u in units]
    return long_list(site, node, here, "named-by", "Named without being cited", items)


def mentions(site, node, here: str) -> list[Link]:
    read = site.read
    named = sorted(set(read.objects(node, SCHEMA.mentions)), key=by_label(read))
    return [site.urls.link(here, n) for n in named]


def notes(site, node) -> list[str]:
    return sorted(str(n) for n in site.read.objects(node, SKOS.editorialNote))


def data_links(site, node, here: str) -> dict:
    key = site.key(node)
    return {
        "iri": str(node),
        "files": [
            Link(rel(here, f"{key}.{f.extension}"), f.name, f.media_type) for f in RESOURCE_FORMATS
        ],
        "downloads": rel(here, "dataset/"),
    }


def in_memo(site, node, here: str) -> Link | None:
    memo = site.read.memorandum_of(node)
    return site.urls.link(here, memo, site.read.text(memo, DCTERMS.title)) if memo else None


def record_facts(site, node, here: str) -> list:
    """When this edition's record of a scheme was created and changed, and by whom."""
    read = site.read
    creators = sorted(read.objects(node, DCTERMS.creator), key=str)
    return [
        ("Record created", read.text(node, DCTERMS.created) or ""),
        ("Record modified", read.text(node, DCTERMS.modified) or ""),
        ("Record by", joined(site.urls.link(here, c) for c in creators)),
    ]


def facts(rows) -> list:
    """The rows of a facts list that have a value."""
    return [(label, value) for label, value in rows if value]


def code(text) -> list:
    return [Code(str(text))] if text else []


# --------------------------------------------------------------------------------------------
# Lists that grow with the corpus


def pager(heading: str, count: int, number: int, total: int, folder, first_anchor=None):
    """The paginator of page ``number`` of ``total``; ``folder(k)`` is the folder of page k;
    ``first_anchor``: the first page has the list further down, at this anchor."""
    if total == 1:
        return None
    where = folder(number)
    links = []
    if number > 1:
        if first_anchor:
            links.append(
                {"href": rel(where, folder(1) + "/#" + first_anchor), "text": "first", "rel": ""}
            )
        links.append(
            {"href": rel(where, folder(number - 1) + "/"), "text": "previous", "rel": "prev"}
        )
    if number < total:
        links.append({"href": rel(where, folder(number + 1) + "/"), "text": "next", "rel": "next"})
        if first_anchor:
            links.append({"href": rel(where, folder(total) + "/"), "text": "last", "rel": ""})
    return {"heading": heading, "count": count, "number": number, "total": total, "links": links}


def long_list(site, node, here, slug, heading, items, cls="", exclude=False) -> dict:
    """A list that may grow with the corpus: the first LIST_PAGE items on the resource's page,
    the others on pages of LIST_PAGE at ``<resource>/<slug>/2/``, … Each item is a function of
    the folder of the page it is on (its links are relative)."""
    size = LIST_PAGE
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    total = len(chunks)

    def folder(k: int) -> str:
        return here if k == 1 else f"{here}/{slug}/{k}"

    def part(k: int) -> list:
        return [item(folder(k)) for item in chunks[k - 1]]

    for k in range(2, total + 1):
        where = folder(k)
        title = f"{heading}: {site.read.label(node)} (page {k} of {total})"
        site.add(
            where,
            "pages/list-part.html",
            {
                "title": title,
                "of": site.urls.link(where, node),
                "pager": pager(heading, len(items), k, total, folder, slug),
                "items": part(k),
                "class": cls,
            },
            hide=["toc"],
            jsonld=collection_document(site, title, [], about=node),
            searched=False,
        )
    return {
        "heading": heading,
        # (The paginator's "first" links to ``#<slug>``, which is this heading's id only for
        # "cited-by": kept as it was published.)
        "id": markup.slug(heading),
        "exclude": exclude,
        "empty": "",
        "entries": part(1),
        "class": cls,
        "pager": pager(heading, len(items), 1, total, folder, slug),
    }


def index_pages(site, here: str, title: str, intro: str, groups, described=(), label=None) -> None:
    """An index that grows with the corpus, LIST_PAGE items a page: ``here/``, ``here/2/``, …
    ``groups``: (heading, anchor, items), each item a function of the page's folder;
    ``label``: each described node's full label, if the caller has them."""
    size = LIST_PAGE
    flat = [(heading, anchor, item) for heading, anchor, items in groups for item in items]
    chunks = [flat[i : i + size] for i in range(0, len(flat), size)] or [[]]
    total = len(chunks)

    def folder(k: int) -> str:
        return here if k == 1 else f"{here}/{k}"

    for k, chunk in enumerate(chunks, 1):
        where = folder(k)
        shown: list[dict] = []
        for heading, anchor, item in chunk:
            if not shown or shown[-1]["heading"] != heading:
                shown.append({"heading": heading, "id": anchor, "entries": []})
            shown[-1]["entries"].append(item(where))
        page_title = title if k == 1 else f"{title} (page {k} of {total})"
        site.add(
            where,
            "pages/index.html",
            {
                "title": page_title,
                "intro": intro if k == 1 else "",
                "pager": pager(title, len(flat), k, total, folder),
                "groups": shown,
            },
            jsonld=collection_document(
                site, page_title, list(described)[(k - 1) * size : k * size], label=label
            ),
            searched=False,  # lists of links: search finds the pages they link to
            index=True,
        )


def collection_document(site, title: str, items, about=None, label=None) -> dict:
    """A small JSON-LD description of an index page: a schema:CollectionPage listing the
    resources it links to."""
    read = site.read
    document: dict = {
        "@context": {"@vocab": "https://schema.org/"},
        "@type": "CollectionPage",
        "name": title,
        "isPartOf": {"@id": str(read.dataset)},
    }
    if about is not None:
        document["about"] = {"@id": str(about), "name": read.label(about)}
    if items:
        label = label or read.full_label
        document["hasPart"] = [{"@id": str(n), "name": label(n)} for n in items]
    return document
