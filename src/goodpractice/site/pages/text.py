"""The pages of a memorandum's texts: the introduction and conclusion, each footnote, the
glossary and its terms."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ...vocab import GP, citation_type
from . import common
from .common import by_label


def text(site, node) -> None:
    read = site.read
    here = site.key(node)
    context = {
        "title": read.label(node),
        "memo": common.in_memo(site, node, here),
        "text": common.paragraphs(site, read.text(node, GP.markedText), here),
        "footnotes": common.footnotes(site, node, here),
        "cites": common.cites(site, node, here),
        "mentions": common.mentions(site, node, here),
        "notes": common.notes(site, node),
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/text.html", context)


def footnote(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    unit = read.value(node, GP.attachedTo)
    number = read.ordinal(node)
    memo = read.value(node, DCTERMS.isPartOf)
    context = {
        "title": f"Footnote {number}",
        "description": read.text(node, RDF.value),
        "number": number,
        "memo": urls.link(here, memo, read.text(memo, DCTERMS.title)),
        # the marker of this footnote, in the text of its unit
        "unit": urls.link(here, URIRef(f"{unit}#fn-{number}"), read.full_label(unit))
        if unit is not None  # a retired footnote whose marker the text no longer carries
        else None,
        "text": common.paragraphs(site, read.text(node, GP.markedText), here, unit=node),
        "citations": [
            {
                "id": str(c.node).rsplit("#", 1)[-1],
                "type": citation_type(c.kind),
                "cited": urls.full(here, c.cited),
                "words": c.words,
                "citing": urls.full(here, c.citing),
            }
            for c in read.citations_in(node)
        ],
        "mentions": common.mentions(site, node, here),
        "terms": [
            urls.link(here, t)
            for t in sorted(read.subjects(DCTERMS.source, node), key=by_label(read))
        ],
        "notes": common.notes(site, node),
        "data": common.data_links(site, node, here),
    }
    # search finds its text on the page of its unit
    site.resource_page(node, "pages/footnote.html", context, searched=False)


def glossary(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    context = {
        "title": read.label(node),
        "definition": read.text(node, SKOS.definition) or "",
        "memo": common.in_memo(site, node, here),
        "facts": common.facts(common.record_facts(site, node, here)),
        "terms": [
            {
                "link": urls.link(here, t),
                "definition": read.text(t, SKOS.definition),
                "source": urls.link(here, read.value(t, DCTERMS.source)),
            }
            for t in read.ordered(read.objects(node, SKOS.hasTopConcept))
        ],
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/glossary.html", context)


def term(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    context = {
        "title": read.label(node).capitalize(),
        "description": read.text(node, SKOS.definition),
        "definition": read.text(node, SKOS.definition),
        "facts": common.facts(
            [
                ("Defined in", urls.link(here, read.value(node, DCTERMS.source))),
                ("Glossary", urls.link(here, read.value(node, SKOS.inScheme))),
            ]
        ),
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/term.html", context)
