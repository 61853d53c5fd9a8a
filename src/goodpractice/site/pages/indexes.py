"""The indexes: the memoranda, the cited documents, the organisations."""

from __future__ import annotations

from collections import Counter

from rdflib.namespace import DCTERMS, RDF, SKOS

from ...vocab import CITO
from ..links import Code, joined
from . import carry, common
from .common import by_label


def of_kind(site, kind: str) -> list:
    read, kinds = site.read, carry.kinds(site)
    return sorted((n for n in site.resources if kinds[n] == kind), key=by_label(read))


def memoranda(site) -> None:
    read, urls = site.read, site.urls
    others = of_kind(site, "framework-document")

    def encoded(memo, where: str) -> list:
        title = urls.link(where, memo, read.text(memo, DCTERMS.title))
        return [title, f" ({read.text(memo, DCTERMS.issued)})"]

    intro = (
        "The memoranda encoded in this edition, then the other GCTF framework documents they "
        "cite: their IRIs follow the same pattern and will lead to their full text once they are "
        "encoded."
    )
    groups = [
        ("Encoded here", "encoded-here",
         [lambda where, m=m: encoded(m, where) for m in read.memoranda]),
        ("Cited, not yet encoded", "cited-not-yet-encoded",
         [lambda where, n=n: urls.link(where, n) for n in others]),
    ]  # fmt: skip
    common.index_pages(site, "memoranda", "Memoranda", intro, groups, [*read.memoranda, *others])


DOCUMENT_GROUPS = (
    ("GCTF framework documents", "gctf-framework-documents", "framework-document"),
    ("Resolutions", "resolutions", "resolution"),
    ("Other documents", "other-documents", "document"),
    ("Initiatives", "initiatives", "initiative"),
)


def documents(site) -> None:
    read, urls = site.read, site.urls
    counts = citation_counts(site)

    def item(node, where: str) -> list:
        count = counts[node]
        ident = read.text(node, DCTERMS.identifier)
        pieces = [urls.link(where, node)]
        if ident:
            pieces += [" ", Code(ident)]
        pieces.append(f" ({count} citation{'s' if count != 1 else ''})")
        practices = read.cited_practices.get(node, [])
        if practices:
            shown = practices[:20]
            pieces.append(" — its practices cited: ")
            pieces += joined(urls.link(where, p, read.text(p, SKOS.notation)) for p in shown)
            if len(practices) > len(shown):
                pieces.append(f" and {len(practices) - len(shown)} more")
        return pieces

    groups, described = [], []
    for title, anchor, kind in DOCUMENT_GROUPS:
        nodes = of_kind(site, kind)
        if nodes:
            groups.append((title, anchor, [lambda where, n=n: item(n, where) for n in nodes]))
            described += nodes
    intro = (
        "Every document, resolution and initiative the memoranda cite or name, once, under the "
        "name this edition gives it. Each page lists every text that cites it, with the sentence "
        "that cites it."
    )
    common.index_pages(site, "documents", "Cited documents", intro, groups, described)


def citation_counts(site) -> Counter:
    """How many citations cite each node: ``Counter(c.cited for c in read.citations)``, from
    the graph's index by predicate, without making every citation (and its place in the
    source order) as ``read.citations`` does; a citation with several cited entities counts
    for the one ``ReadModel.value`` gives, as there."""
    read = site.read
    if "citations" in read.__dict__:  # made already: counted from them
        return Counter(c.cited for c in read.citations)
    site.carry.stats["citation counts from the index"] += 1
    citations = set(read.subjects(RDF.type, CITO.Citation))
    cited: dict = {}
    several = set()
    for node, target in read.graph.subject_objects(CITO.hasCitedEntity):
        if node in citations:
            if node in cited:
                several.add(node)
            cited[node] = target
    for node in several:
        cited[node] = read.value(node, CITO.hasCitedEntity)
    counts = Counter(cited.values())
    if len(citations) > len(cited):  # citations that cite nothing
        counts[None] += len(citations) - len(cited)
    return counts


def organisations(site) -> None:
    read, urls = site.read, site.urls
    nodes = of_kind(site, "organisation")

    def item(node, where: str) -> list:
        alt = sorted(str(a) for a in read.objects(node, SKOS.altLabel))
        return [urls.link(where, node), f" ({', '.join(alt)})" if alt else ""]

    intro = "Organisations and States that publish, take part in or are named by the memoranda."
    groups = [
        ("Organisations", "organisations", [lambda where, n=n: item(n, where) for n in nodes])
    ]
    common.index_pages(site, "organisations", "Organisations", intro, groups, nodes)
