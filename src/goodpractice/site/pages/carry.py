"""What one render of the site keeps for the next (an update of the site after an edit,
``site/incremental.py``), so that the pages listing the whole corpus cost in proportion to the
change: the labels of the files index, the answers of the Queries page.

An update renders with ``only``: the resources whose pages the change can alter, a superset of
the resources of every triple the change added or removed (``pipeline.incremental.Impact``:
the subject's and the object's resource). So what was made from the triples of a resource not
in ``only`` is as it was. What is kept holds plain values and rdflib terms, and the Queries
page's answers (pyoxigraph terms): ``SiteMemory`` leaves it out of the pickled state, and an
update after a reload starts again from the whole graph."""

from __future__ import annotations

from collections import Counter

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from ...graph.read import citation_of, citation_order
from ...vocab import CITO


def document_of(node) -> str:
    """The document part of an IRI (before any '#'), as a string."""
    return str(node).split("#", 1)[0]


class Carry:
    """``last``: what the previous render kept (valid for this one only if ``only`` is given
    and the base IRI and the dataset are the same); ``kept``: what this render keeps."""

    def __init__(self, read, last: dict | None = None, only: set | None = None):
        self.identity = (read.base, str(read.dataset))
        valid = last is not None and only is not None and last.get("identity") == self.identity
        self.last: dict = last if valid else {}
        # the documents whose triples may have changed (as strings: quick to look up)
        self.changed: set[str] | None = {str(n) for n in only} if valid else None
        self.stats: Counter = Counter()  # what was reused, and what was made again
        self.kept: dict = {"identity": self.identity, "stats": self.stats}

    def unchanged(self, node) -> bool:
        """Whether no triple of ``node``'s document changed since the last render (a blank
        node: not known)."""
        if self.changed is None or not isinstance(node, URIRef):
            return False
        return document_of(node) not in self.changed


def per_node(site, name: str, nodes, make) -> dict:
    """``make(node)`` for each node, the last render's where neither the node's triples nor
    its scheme's changed: what is kept so reads the node (its types, labels, ordinal, scheme)
    and, for a cited practice or a term, its scheme (``ReadModel.kind``, ``full_label``)."""
    carry, read = site.carry, site.read
    last = carry.last.get(name, {})
    kept = {}
    for node in nodes:
        was = last.get(node)
        if (
            was is not None
            and carry.unchanged(node)
            and (was[0] is None or carry.unchanged(was[0]))
        ):
            kept[node] = was
            carry.stats[f"{name} reused"] += 1
        else:
            kept[node] = (read.value(node, SKOS.inScheme), make(node))
            carry.stats[f"{name} made"] += 1
    carry.kept[name] = kept
    return {node: value for node, (_scheme, value) in kept.items()}


def full_labels(site, nodes) -> dict:
    """Each node's full label (``ReadModel.full_label``)."""
    return per_node(site, "full-labels", nodes, site.read.full_label)


def kinds(site) -> dict:
    """The kind of each resource of the site (``ReadModel.kind``), made once a render."""
    if "kinds" not in site.carry.kept:
        per_node(site, "kinds", site.resources, site.read.kind)
    return {node: kind for node, (_scheme, kind) in site.carry.kept["kinds"].items()}


def first_citations(site) -> dict:
    """The first citation of each kind in ``citation_order`` (the first of ``read.citations``
    of that kind). An update keeps the last render's first where its document did not
    change: every citation whose document did not change is as it was, so not before it
    (a citation's place reads its citing unit and source, which it links to, so a change of
    theirs is a change of its document's page, ``only``); the citations of the changed
    documents are made again and compared with it."""
    carry, read = site.carry, site.read
    if "first-citations" in carry.kept:
        return {kind: c for kind, (_key, c) in carry.kept["first-citations"].items()}
    last = carry.last.get("first-citations")
    if last is not None and all(carry.unchanged(c.node) for _key, c in last.values()):
        first = dict(last)
        nodes = [n for n in set(read.subjects(RDF.type, CITO.Citation)) if not carry.unchanged(n)]
        for node in nodes:
            c = citation_of(read, node)
            key = citation_order(read, c)
            if c.kind not in first or key < first[c.kind][0]:
                first[c.kind] = (key, c)
        carry.stats["first citations kept"] += 1
    else:
        first = {}
        for c in read.citations:
            if c.kind not in first:
                first[c.kind] = (citation_order(read, c), c)
        carry.stats["first citations made"] += 1
    carry.kept["first-citations"] = first
    return {kind: c for kind, (_key, c) in first.items()}
