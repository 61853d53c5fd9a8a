"""What changed, for people: a page per change set (``dataset/<version>/changes/``), the
"changed in 0.2.0: the editorial notes" lines and the deprecation notice on each resource's
page, and the "cite this" line of every page."""

from __future__ import annotations

import re
import weakref

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ...vocab import CITO, DCAT3, GP, SCHEMA
from ..links import Code, rel
from . import common

# How a reader is told which part of a description changed.
PROPERTY_WORDS = {
    RDF.value: "the text",
    SKOS.definition: "the text",
    GP.markedText: "the text as printed",
    SKOS.prefLabel: "the label",
    GP.markedTitle: "the title as printed",
    DCTERMS.title: "the title",
    SKOS.altLabel: "the other labels",
    SKOS.editorialNote: "the editorial notes",
    SKOS.scopeNote: "the descriptions",
    SKOS.historyNote: "the history note",
    DCTERMS.description: "the description",
    DCTERMS.identifier: "the identifier",
    DCTERMS.issued: "the date",
    DCTERMS.publisher: "the publisher",
    DCTERMS.source: "the source",
    SCHEMA.url: "the address",
    SCHEMA.mentions: "what it names",
    RDFS.seeAlso: "the links",
    RDF.type: "the classes",
    GP.position: "the place in the reading order",
    GP.ordinal: "the number",
    GP.citingWords: "the citing words",
    CITO.hasCitationCharacterization: "the citation type",
    CITO.hasCitedEntity: "the cited resource",
    CITO.hasCitingEntity: "the citing text",
}
LITERAL = re.compile(r'"(?P<text>.*)"(?:@[A-Za-z0-9-]+|\^\^<(?P<datatype>[^>]+)>)?', re.DOTALL)
KIND_WORDS = {"added": "added", "deprecated": "deprecated", "removed": "removed"}
_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def words(site, prop) -> str:
    return PROPERTY_WORDS.get(prop) or site.read.graph.namespace_manager.normalizeUri(prop)


def version_of(site, change_set) -> str | None:
    release = site.read.value(change_set, GP.toRelease)
    return site.read.text(release, DCAT3.version) if release is not None else None


def index(site) -> dict:
    """Each document IRI → [(change set, what changed)], over every change set of the graph."""
    found = _INDEX.get(site)
    if found is not None:
        return found
    g = site.read.graph
    found = {}
    first = {s for s in g.subjects(RDF.type, GP.ChangeSet) if (s, GP.fromRelease, None) not in g}
    for change_set in g.subjects(RDF.type, GP.ChangeSet):
        entries = [(n, "added") for n in g.objects(change_set, GP.addedResource)]
        if change_set in first:
            entries = []  # the first release added everything: nothing to say
        entries += [(n, "deprecated") for n in g.objects(change_set, GP.deprecatedResource)]
        entries += [(n, "removed") for n in g.objects(change_set, GP.removedResource)]
        for change in g.objects(change_set, GP.resourceChange):
            props = sorted({words(site, g.value(p, GP.changedProperty))
                            for p in g.objects(change, GP.propertyChange)})  # fmt: skip
            entries.append((g.value(change, GP.changedResource), ", ".join(props)))
        for node, what in entries:
            document, _, fragment = str(node).partition("#")
            if fragment:
                what = f"{fragment.replace('-', ' ')}: {KIND_WORDS.get(what, what)}"
            found.setdefault(URIRef(document), []).append((change_set, what))
    _INDEX[site] = found
    return found


def lifecycle(site, node, here: str) -> dict:
    """The deprecation notice and the "changed in" lines of a resource's page."""
    read = site.read
    lines = []
    for change_set, what in sorted(index(site).get(node, []), key=lambda e: str(e[0])):
        version = version_of(site, change_set)
        when = f"in {version}" if version else "since the last release (not yet released)"
        lines.append({"text": f"Changed {when}: {what}.",
                      "link": site.urls.link(here, change_set, "what changed")})  # fmt: skip
    deprecated = read.has(node, OWL.deprecated, Literal(True))
    return {
        "deprecated": deprecated,
        "note": read.text(node, SKOS.changeNote) if deprecated else None,
        "replaced_by": [site.urls.full(here, r) for r in
                        sorted(read.objects(node, DCTERMS.isReplacedBy), key=str)],
        "changes": lines,
    }  # fmt: skip


def edition_line(site) -> str:
    """The edition and its release, as cited: 'GCTF Good Practices as Linked Data, release
    0.1.0 (2026-11-24)'."""
    read = site.read
    dataset = read.dataset
    edition = read.text(dataset, DCTERMS.title) or "this edition"
    version, date = read.version, read.text(dataset, DCTERMS.modified)
    release = f", release {version}" + (f" ({date})" if date else "") if version else ""
    return edition + release


def cite(site, title: str, iri, path: str) -> str:
    """The "cite this" line: the resource (or page), the edition and its release."""
    address = str(iri) if iri is not None else site.base + (f"{path}/" if path else "")
    return f"{title}. In: {edition_line(site)}. {address}"


def resource_link(site, here: str, node):
    """A link to a changed resource; a part of a document (a citation) named by both."""
    document, _, fragment = str(node).partition("#")
    if not fragment:
        return site.urls.full(here, node)
    label = f"{site.read.label(URIRef(document))}, {fragment.replace('-', ' ')}"
    return site.urls.link(here, node, label)


def value_item(site, here: str, value):
    """A value of a property change (an N-Triples term) as a reader sees it: a link, a
    prefixed name, or the text (its datatype, if any, after it)."""
    term = str(value)
    if term.startswith("<") and term.endswith(">"):
        iri = URIRef(term[1:-1])
        if str(iri).startswith(site.base):
            return site.urls.link(here, iri)
        return [Code(site.read.graph.namespace_manager.normalizeUri(iri))]
    match = LITERAL.fullmatch(term)
    if match is None:
        return term
    text = match["text"].encode("latin-1", "backslashreplace").decode("unicode_escape")
    text = text if "\\u" not in match["text"] else text
    datatype = match["datatype"]
    if datatype:
        return [
            text,
            " (",
            Code(site.read.graph.namespace_manager.normalizeUri(URIRef(datatype))),
            ")",
        ]
    return text


def changes(site, node) -> None:
    """The page of a change set: what a release added, deprecated, removed and changed."""
    read, urls = site.read, site.urls
    g = read.graph
    here = site.key(node)

    def links(prop, slug, heading):
        nodes = sorted(g.objects(node, prop), key=lambda n: read.order_key(n))
        items = [lambda where, n=n: resource_link(site, where, n) for n in nodes]
        if not items:
            return None
        return common.long_list(site, node, here, slug, heading, items)

    def changed_item(change, where):
        resource = g.value(change, GP.changedResource)
        rows = []
        for p in sorted(g.objects(change, GP.propertyChange), key=lambda p: read.ordinal(p) or 0):
            prop = g.value(p, GP.changedProperty)
            old = sorted(g.objects(p, GP.oldValue), key=str)
            new = sorted(g.objects(p, GP.newValue), key=str)
            rows.append({"property": words(site, prop), "iri": Code(g.namespace_manager.normalizeUri(prop)),
                         "old": [value_item(site, where, v) for v in old],
                         "new": [value_item(site, where, v) for v in new]})  # fmt: skip
        return {"resource": resource_link(site, where, resource), "rows": rows}

    changed = sorted(g.objects(node, GP.resourceChange), key=lambda c: read.ordinal(c) or 0)
    contract = [
        {"part": read.text(c, GP.contractPart), "term": read.text(c, GP.contractTerm),
         "kind": read.text(c, GP.changeKind),
         "breaking": (c, RDF.type, GP.BreakingChange) in g}
        for c in sorted(g.objects(node, GP.contractChange), key=lambda c: read.ordinal(c) or 0)
    ]  # fmt: skip
    release, previous = read.value(node, GP.toRelease), read.value(node, GP.fromRelease)
    context = {
        "title": read.text(node, DCTERMS.title) or "Changes",
        "description": None,
        "facts": common.facts(
            [
                ("Release", urls.link(here, release) if release is not None else "not yet released"),
                ("Previous release", urls.link(here, previous) if previous is not None else ""),
                ("Date", read.text(node, DCTERMS.date) or ""),
            ]
        ),
        "lists": [
            links(GP.addedResource, "added", "Added"),
            links(GP.deprecatedResource, "deprecated", "Deprecated"),
            links(GP.removedResource, "removed", "Removed"),
        ],
        "changed": [changed_item(c, here) for c in changed[: common.LIST_PAGE]],
        "more_changed": max(0, len(changed) - common.LIST_PAGE),
        "contract": contract,
        "data": common.data_links(site, node, here),
        "downloads": rel(here, "dataset/"),
        "first": previous is None,
        "nothing": not (changed or contract or any(g.objects(node, p) for p in (
            GP.addedResource, GP.deprecatedResource, GP.removedResource))),
    }  # fmt: skip
    site.resource_page(node, "pages/changes.html", context)
