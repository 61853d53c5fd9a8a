"""The pages of a memorandum's structure: the memorandum, its sections, its good practices."""

from __future__ import annotations

from rdflib.namespace import DCTERMS, PROV, SKOS

from ...vocab import GP
from ..links import joined, rel
from . import common
from .common import by_label


def contents(site, memo, here: str) -> dict:
    read, urls = site.read, site.urls
    return {
        "introduction": urls.link(here, read.value(memo, GP.introduction)),
        "sections": [
            {
                "link": urls.link(here, section, "Section " + read.label(section)),
                "practices": [urls.full(here, p) for p in read.practices(section)],
            }
            for section in read.sections(memo)
        ],
        "conclusion": urls.link(here, read.value(memo, GP.conclusion)),
        "glossary": urls.link(here, glossary) if (glossary := glossary_of(site, memo)) else None,
    }


def glossary_of(site, memo):
    parts = sorted(site.read.objects(memo, DCTERMS.hasPart), key=str)
    return next((s for s in parts if site.read.kind(s) == "glossary"), None)


def memorandum(site, memo) -> None:
    read, urls = site.read, site.urls
    here = site.key(memo)
    generated_by = read.value(memo, PROV.wasGeneratedBy)
    contributors = sorted(read.objects(memo, DCTERMS.contributor), key=by_label(read))
    facts = common.facts(
        [
            ("Title", read.text(memo, DCTERMS.title)),
            ("Adopted", read.text(memo, DCTERMS.issued)),
            ("Publisher", urls.link(here, read.value(memo, DCTERMS.publisher))),
            ("Contributors", joined(urls.link(here, c) for c in contributors)),
            ("Developed under", urls.link(here, generated_by) if generated_by else ""),
            ("History", read.text(memo, SKOS.historyNote) or ""),
            *common.record_facts(site, memo, here),
        ]
    )
    notes = [n for n in read.parts(memo) if read.kind(n) == "footnote"]
    context = {
        "title": read.text(memo, DCTERMS.title) or read.label(memo),
        "facts": facts,
        "contents": contents(site, memo, here),
        "footnotes": [
            [urls.link(here, n), ", attached to ", urls.link(here, read.value(n, GP.attachedTo))]
            for n in notes
        ],
        "matrix": rel(here, f"matrix/{here}/"),
        "network": rel(here, f"network/{here}/"),
        "data": common.data_links(site, memo, here),
    }
    site.resource_page(memo, "pages/memorandum.html", context)


def neighbours(site, here: str, node, ordered: list, noun: str, label) -> list:
    """Links to the previous and the next of ``node`` in ``ordered``, where there are (none for
    a retired practice: it is out of the document's order)."""
    if node not in ordered:
        return []
    i = ordered.index(node)
    what = f" {noun}" if noun else ""
    nav = []
    if i > 0:
        nav.append(
            [f"Previous{what}: ", site.urls.link(here, ordered[i - 1], label(ordered[i - 1]))]
        )
    if i + 1 < len(ordered):
        nav.append([f"Next{what}: ", site.urls.link(here, ordered[i + 1], label(ordered[i + 1]))])
    return nav


def section(site, node) -> None:
    read = site.read
    here = site.key(node)
    memo = read.value(node, SKOS.inScheme)
    context = {
        "title": f"Section {read.label(node)}",
        "notation": read.text(node, SKOS.notation),
        "marked_title": common.marked(
            site, read.text(node, GP.markedTitle) or read.label(node), here
        ),
        "memo": common.in_memo(site, node, here),
        "practices": [site.urls.full(here, p) for p in read.practices(node)],
        "footnotes": common.footnotes(site, node, here),
        "cites": common.cites(site, node, here),
        "neighbours": neighbours(
            site, here, node, read.sections(memo), "section", lambda n: "Section " + read.label(n)
        ),
        "notes": common.notes(site, node),
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/section.html", context)


def practices_of_memorandum(site, memo) -> list:
    cache = site.practices_by_memorandum
    if memo not in cache:
        read = site.read
        cache[memo] = read.ordered(
            p
            for p in read.subjects(SKOS.inScheme, memo)
            if read.kind(p) == "practice" and not read.retired(p)
        )
    return cache[memo]


def practice(site, node) -> None:
    read, urls = site.read, site.urls
    here = site.key(node)
    memo = read.value(node, SKOS.inScheme)
    section = read.value(node, SKOS.broader)
    practices = practices_of_memorandum(site, memo)
    i = practices.index(node) if node in practices else -2  # retired: out of the order
    shown = {node, *(practices[j] for j in (i - 1, i + 1) if 0 <= j < len(practices))}
    context = {
        "title": f"Good Practice {read.ordinal(node)}: {read.text(node, SKOS.prefLabel)}",
        "description": read.text(node, SKOS.prefLabel),
        "number": read.ordinal(node),
        "marked_title": common.marked(site, read.text(node, GP.markedTitle), here),
        "section": urls.link(here, section, read.label(section)),
        "memo": urls.link(here, memo, read.text(memo, DCTERMS.title)),
        "text": common.paragraphs(site, read.text(node, GP.markedText), here),
        "footnotes": common.footnotes(site, node, here),
        "cites": common.cites(site, node, here),
        "mentions": common.mentions(site, node, here),
        # the texts of other memoranda that cite this practice, once it is encoded
        "cited_by": common.cited_by(site, node, here) if read.citations_to(node) else None,
        "notes": common.notes(site, node),
        "neighbours": neighbours(site, here, node, practices, "", read.full_label),
        "notation": read.text(section, SKOS.notation),
        "same_section": [urls.full(here, p) for p in read.practices(section) if p not in shown],
        "data": common.data_links(site, node, here),
    }
    site.resource_page(node, "pages/practice.html", context)
