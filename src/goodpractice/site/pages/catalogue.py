"""The pages of the catalogue: the documents, resolutions, initiatives and organisations the
memoranda cite or name, the numbered practices of other documents, and any other resource."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from ...vocab import SCHEMA
from ..links import Code, joined
from . import common
from .common import by_label

KIND_NAMES = {
    "framework-document": "GCTF framework document (memorandum, good practices or recommendations)",
    "resolution": "Resolution",
    "initiative": "Initiative",
    "organisation": "Organisation",
    "document": "Document",
}


def entry_facts(site, node, here: str) -> list:
    read, urls = site.read, site.urls
    pref = read.text(node, SKOS.prefLabel)
    title = read.text(node, DCTERMS.title)
    url = read.value(node, SCHEMA.url)
    alt = sorted(str(a) for a in read.objects(node, SKOS.altLabel) if str(a) != title)
    publisher = read.value(node, DCTERMS.publisher)
    associated = sorted(read.objects(node, PROV.wasAssociatedWith), key=by_label(read))
    return common.facts(
        [
            ("Kind", KIND_NAMES.get(read.kind(node), "Resource")),
            ("Title", title if title and title != pref else ""),
            ("Identifier", common.code(read.text(node, DCTERMS.identifier))),
            ("Publisher", urls.link(here, publisher) if publisher else ""),
            ("Date", read.text(node, DCTERMS.issued) or ""),
            ("Official record", urls.external(url) if url else "not known to this edition"),
            (
                "See also",
                joined(urls.external(u) for u in sorted(read.objects(node, RDFS.seeAlso), key=str)),
            ),
            ("Also cited as", "; ".join(f"“{a}”" for a in alt)),
            ("Description", read.text(node, DCTERMS.description) or ""),
            ("History", read.text(node, SKOS.historyNote) or ""),
            ("Citation", read.text(node, DCTERMS.bibliographicCitation) or ""),
            ("Associated with", joined(urls.link(here, o) for o in associated)),
        ]
    )


def page_context(site, node, here: str, **context) -> dict:
    return {
        "title": site.read.label(node),
        "intro": [],
        "facts": [],
        "properties": [],
        "practices": [],
        "lists": [],
        "notes": [],
        "data": common.data_links(site, node, here),
        **context,
    }


def links_to(site, nodes) -> list:
    return [lambda where, n=n: site.urls.link(where, n) for n in nodes]


def entry(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    lists = [common.cited_by(site, node, here), common.mentioned(site, node, here)]
    if read.kind(node) == "organisation":
        published = sorted(read.subjects(DCTERMS.publisher, node), key=by_label(read))
        published = [p for p in published if read.kind(p) != "dataset"]
        if published:
            lists.append(common.long_list(site, node, here, "publisher-of", "Publisher of",
                                          links_to(site, published)))  # fmt: skip
        involved = sorted(
            set(read.subjects(PROV.wasAssociatedWith, node))
            | set(read.subjects(DCTERMS.contributor, node)),
            key=by_label(read),
        )
        if involved:
            lists.append(common.long_list(site, node, here, "involved-in", "Involved in",
                                          links_to(site, involved)))  # fmt: skip
    practices = read.cited_practices.get(node, [])
    context = page_context(
        site,
        node,
        here,
        facts=entry_facts(site, node, here),
        practices=[urls.link(here, p, f"Good Practice {read.ordinal(p)}") for p in practices],
        lists=[item for item in lists if item],
        notes=common.notes(site, node),
    )
    site.resource_page(node, "pages/entry.html", context)


def cited_practice(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    notes = sorted(str(n) for n in read.objects(node, SKOS.scopeNote))
    intro = [
        f"Good Practice {read.ordinal(node)} (",
        Code(read.text(node, SKOS.notation)),
        ") of ",
        urls.link(here, read.value(node, SKOS.inScheme)),
        ". That memorandum is not encoded in this edition yet: this page keeps the IRI, says how "
        "the encoded memoranda describe and cite the practice, and will carry its text once the "
        "memorandum is encoded.",
    ]
    lists = []
    if notes:
        described = [lambda where, n=n: f"“…{n}”" for n in notes]
        lists.append(common.long_list(site, node, here, "described",
                                      "As the citing texts describe it", described))  # fmt: skip
    lists.append(common.cited_by(site, node, here))
    site.resource_page(
        node, "pages/entry.html", page_context(site, node, here, intro=intro, lists=lists)
    )


def generic(site, node) -> None:
    """A resource of no known kind: its properties and values as they are."""
    read, urls = site.read, site.urls
    here = site.key(node)
    g = read.graph
    properties = [
        (
            g.namespace_manager.normalizeUri(p),
            urls.link(here, o) if isinstance(o, URIRef) else urls.link(here, o),
        )
        for p, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1])))
    ]
    lists = [common.cited_by(site, node, here)] if read.citations_to(node) else []
    site.resource_page(
        node, "pages/entry.html", page_context(site, node, here, properties=properties, lists=lists)
    )
