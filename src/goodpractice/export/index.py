"""Lookups over the published triples that every document needs, built once per graph: the
triples by subject, the hash nodes of each document, the parts of each resource, the source
order of every node."""

from __future__ import annotations

import weakref
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, SKOS, VOID

from ..graph import dataset_iri, new_graph, order_key
from ..vocab import DCAT3, GP
from .description import published_triples

# A resource's document holds the resource and its parts, recursively: the memorandum holds its
# introduction, sections, conclusion and glossary; a section its practices; a unit its footnotes.
PART_PROPERTIES = (
    GP.introduction,
    SKOS.hasTopConcept,
    SKOS.narrower,
    GP.hasFootnote,
    GP.conclusion,
    DCTERMS.hasPart,
    DCAT.distribution,
    DCAT3.hasVersion,
    # a change set: the resources it changed, their properties, the contract's changes
    GP.resourceChange,
    GP.propertyChange,
    GP.contractChange,
)
PARTS = frozenset(PART_PROPERTIES)
# Terms looked up once: rdflib resolves namespace attributes on every access.
_POSITION, _ORDINAL, _DERIVED_FROM = GP.position, GP.ordinal, PROV.wasDerivedFrom


class ResourceIndex:
    """Lookups over the published triples that every resource document needs."""

    def __init__(self, triples: list[tuple]):
        self.all = triples
        self.source_size = len(triples)
        self.triples = defaultdict(list)
        self.hash_nodes = defaultdict(list)
        self.has_blank_nodes = False
        self.lines: dict = {}  # triple → its N-Triples line, for ntriples and fast_turtle
        self.published: Graph | None = None
        for triple in triples:
            self.triples[triple[0]].append(triple)
            if isinstance(triple[2], BNode):
                self.has_blank_nodes = True
        for s in self.triples:
            if isinstance(s, URIRef) and "#" in s:
                self.hash_nodes[URIRef(s.split("#", 1)[0])].append(s)
        self.order = {str(s): self.order_key(s) for s in self.triples}
        datasets = {s for s, p, o in triples if p == RDF.type and o == DCAT.Dataset}
        spaces = {s for s in datasets if self.objects(s, VOID.uriSpace)}
        self.dataset = min(spaces) if spaces else None
        self.is_part = {o for _s, p, o in triples if p in PARTS}

    @property
    def graph(self) -> Graph:
        """The published triples as an rdflib graph, built on first use."""
        if self.published is None:
            graph = new_graph()
            graph.addN((s, p, o, graph) for s, p, o in self.all)
            self.published = graph
        return self.published

    def objects(self, node, predicate) -> list:
        return [o for _s, p, o in self.triples.get(node, ()) if p == predicate]

    def value(self, node, predicate):
        values = self.objects(node, predicate)
        return min(values) if values else None

    def order_key(self, node) -> tuple:
        return order_key(self.value(node, _POSITION), self.value(node, _ORDINAL), node)

    def parts(self, node: URIRef) -> list[URIRef]:
        return sorted(
            {o for _s, p, o in self.triples.get(node, ()) if p in PARTS and o in self.triples}
        )

    def derived_from(self, citation, node) -> bool:
        return (citation, _DERIVED_FROM, node) in self.triples.get(citation, ())

    def members(self, root: URIRef) -> list:
        """The root, its parts recursively, the hash nodes of each, and the blank nodes any of
        them links to (with theirs): a blank node has no document of its own, so it lives in
        the document of every resource that links to it."""
        seen: dict = {}
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen[node] = None
            stack += self.hash_nodes.get(node, [])
            stack += self.parts(node)
            stack += [o for _s, _p, o in self.triples.get(node, ()) if isinstance(o, BNode)]
        return list(seen)

    def member_triples(self, root: URIRef) -> list[tuple]:
        return [t for node in self.members(root) for t in self.triples.get(node, [])]

    def resources(self, base_iri: str) -> list[URIRef]:
        """Every resource that gets a document of its own: each subject under the base IRI,
        except hash IRIs (they live in the document before the '#') and the dataset, whose
        document is the whole dataset (dataset.ttl, dataset.jsonld, …), and the earlier
        releases, whose files are their data (dataset/0.1.0.ttl, …)."""
        return sorted(
            {
                s
                for s in self.triples
                if isinstance(s, URIRef)
                and str(s).startswith(base_iri)
                and "#" not in s
                and s != self.dataset
                and str(s) != base_iri
                # an earlier release: its files are its data (dataset/<version>.ttl, …)
                and not self.objects(s, DCAT.distribution)
            }  # fmt: skip
        )

    def frame(self, root: URIRef) -> dict:
        """A pyld frame nesting the root's parts (and citations under the text they come from)
        and leaving every other link a reference."""
        return self._node_frame(root, {"@id": [str(root)]}, set())

    def _node_frame(self, node, frame: dict, seen: set) -> dict:
        seen = seen | {node}
        for p, o in sorted((p, o) for _s, p, o in self.triples.get(node, ())):
            if p == RDF.type or isinstance(o, Literal):
                continue
            if isinstance(o, BNode) and o not in seen:  # embedded wherever it is linked from
                child = frame.setdefault(str(p), {})
                child["@embed"] = "@always"
                self._node_frame(o, child, seen)
            elif p in PARTS and o in self.triples and o not in seen:
                child = frame.setdefault(str(p), {"@id": {}, "@embed": "@always"})
                self._node_frame(o, child, seen)
            else:
                frame.setdefault(str(p), {"@embed": "@never"})
        for citation in self.hash_nodes.get(node, []):
            if self.derived_from(citation, node):
                reverse = frame.setdefault("@reverse", {})
                child = reverse.setdefault(
                    str(PROV.wasDerivedFrom), {"@id": {}, "@embed": "@always"}
                )
                self._node_frame(citation, child, seen)
        return frame


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def index_for(graph: Graph) -> ResourceIndex:
    """The index of the published graph, built once per graph, so that a page per resource
    costs one document, not one graph; rebuilt if the graph has changed size."""
    index = _INDEXES.get(graph)
    if index is None or index.source_size != len(graph):
        index = ResourceIndex(published_triples(graph))
        if (dataset_iri(graph), DCAT.distribution, None) in graph:
            index.published = graph  # already the published graph
        index.source_size = len(graph)
        _INDEXES[graph] = index
    return index


def forget_index(graph: Graph) -> None:
    """Let go of the index built for ``graph`` (about as large as the graph itself), once the
    exports are written and only the published graph is still needed."""
    _INDEXES.pop(graph, None)


def published_graph(graph: Graph) -> Graph:
    """The graph with its dataset description: DCAT distributions, release and VoID statistics
    (the triples of dataset.nt, as an rdflib graph). Idempotent."""
    if (dataset_iri(graph), DCAT.distribution, None) in graph:
        return graph
    return index_for(graph).graph


def resource_iris(graph: Graph, base_iri: str) -> list[URIRef]:
    """Every resource that gets a document of its own (see ``ResourceIndex.resources``)."""
    return index_for(graph).resources(base_iri)
