"""Lookups over the published triples that every document needs, built once per graph: the
triples by subject, the hash nodes of each document, the parts of each resource, the source
order of every node."""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, SKOS, VOID

from ..graph import base_iri_of, dataset_iri, graph_order_key, new_graph, order_key
from ..graph.read import MISSING, natural
from ..graph.store import collection_paused
from ..vocab import DCAT3, GP
from .blocks import Blocks
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
_ORDER_PREDICATES = frozenset((_POSITION, _ORDINAL))
_IS_TYPE, _IS_DATASET = frozenset((RDF.type,)), frozenset((DCAT.Dataset,))
_DISTRIBUTION = frozenset((DCAT.distribution,))


class ResourceIndex:
    """Lookups over the published triples that every resource document needs."""

    # IRI → natural(IRI) of the subjects of the last index built: kept for the next one (a
    # rebuild's graph has mostly the same subjects)
    naturals: dict = {}

    def __init__(self, triples: list[tuple]):
        self.all = triples
        self.source_size = len(triples)
        self.triples = defaultdict(list)
        self.hash_nodes = defaultdict(list)
        self.has_blank_nodes = False
        self.lines: dict = {}  # triple → its N-Triples line, for ntriples and fast_turtle
        self.blocks = Blocks(self.triples)  # each subject's N-Triples and Turtle, made once
        self.sort_keys: dict = {}  # a JSON-LD array item's sort key, kept by ``tidy``
        self.base = ""  # the base IRI (void:uriSpace of the dataset), set by index_for
        self.published: Graph | None = None
        self.view: GraphView | None = None  # the graph's own triples, for graph_view
        # One pass; predicates compared by hash (a set), not by rdflib's __eq__ per triple
        by_subject, datasets, self.is_part, kinds = self.triples, set(), set(), set()
        self.distributed = set()  # the subjects with a dcat:distribution (``resources``)
        for triple in triples:
            s, p, o = triple
            by_subject[s].append(triple)
            if p in PARTS:
                self.is_part.add(o)
                if p in _DISTRIBUTION:
                    self.distributed.add(s)
            elif p in _IS_TYPE and o in _IS_DATASET:
                datasets.add(s)
            kinds.add(type(o))
        self.has_blank_nodes = any(issubclass(kind, BNode) for kind in kinds)
        for s in by_subject:
            if isinstance(s, URIRef) and "#" in s:
                self.hash_nodes[URIRef(s.split("#", 1)[0])].append(s)
        # natural() of each IRI, the costly part of a sort key: the last index's reused
        last, naturals = ResourceIndex.naturals, {}
        for s in by_subject:
            text = str(s)
            found = last.get(text)
            naturals[text] = natural(text) if found is None else found
        ResourceIndex.naturals = naturals
        self.order = {str(s): self.order_key(s, naturals[str(s)]) for s in by_subject}
        self.datasets = datasets  # every dcat:Dataset
        spaces = {s for s in datasets if self.objects(s, VOID.uriSpace)}
        self.dataset = min(spaces) if spaces else None

    @property
    def graph(self) -> Graph:
        """The published triples as an rdflib graph, built on first use."""
        if self.published is None:
            graph = new_graph()
            graph.addN((s, p, o, graph) for s, p, o in self.all)
            self.published = graph
        return self.published

    def objects(self, node, predicate) -> list:
        wanted = {predicate}  # by hash: rdflib's __eq__ is Python, called per triple
        return [o for _s, p, o in self.triples.get(node, ()) if p in wanted]

    def value(self, node, predicate):
        values = self.objects(node, predicate)
        return min(values) if values else None

    def order_key(self, node, natural_key: tuple | None = None) -> tuple:
        """``graph.order_key`` of the node (``natural_key``: ``natural(str(node))``, if
        known)."""
        positions, ordinals = [], []
        for _s, p, o in self.triples.get(node, ()):
            if p in _ORDER_PREDICATES:
                (positions if p == _POSITION else ordinals).append(o)
        if natural_key is None:
            return order_key(
                min(positions) if positions else None, min(ordinals) if ordinals else None, node
            )
        return (
            int(min(positions)) if positions else MISSING,
            int(min(ordinals)) if ordinals else MISSING,
            natural_key,
        )

    def parts(self, node: URIRef) -> list[URIRef]:
        triples = self.triples
        return sorted({o for _s, p, o in triples.get(node, ()) if p in PARTS and o in triples})

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
            if self.has_blank_nodes:
                stack += [o for _s, _p, o in self.triples.get(node, ()) if isinstance(o, BNode)]
        return list(seen)

    def member_triples(self, root: URIRef) -> list[tuple]:
        return [t for node in self.members(root) for t in self.triples.get(node, [])]

    def resources(self, base_iri: str) -> list[URIRef]:
        """Every resource that gets a document of its own: each subject under the base IRI,
        except hash IRIs (they live in the document before the '#') and the dataset, whose
        document is the whole dataset (dataset.ttl, dataset.jsonld, …), and the earlier
        releases, whose files are their data (dataset/0.1.0.ttl, …)."""
        found = {
            s
            for s in self.triples
            if isinstance(s, URIRef)
            and str(s).startswith(base_iri)
            and "#" not in s
            and s != self.dataset
            and str(s) != base_iri
            # an earlier release: its files are its data (dataset/<version>.ttl, …)
            and s not in self.distributed
        }  # fmt: skip
        # rdflib orders two IRIs as their strings, in Python: the strings sorted in C
        return sorted(found, key=str) if {type(s) for s in found} <= {URIRef} else sorted(found)

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
        with collection_paused():  # hundreds of thousands of objects and no cycle
            index = ResourceIndex(published_triples(graph))
        if (dataset_iri(graph), DCAT.distribution, None) in graph:
            index.published = graph  # already the published graph
        index.source_size = len(graph)
        index.base = base_iri_of(graph)
        _INDEXES[graph] = index
    return index


def forget_index(graph: Graph) -> None:
    """Let go of the index built for ``graph`` (about as large as the graph itself), once the
    exports are written and only the published graph is still needed."""
    _INDEXES.pop(graph, None)


def publish_in_place(graph: Graph) -> tuple[Graph, list[tuple]]:
    """The graph with its dataset description added to it, not copied (for a build that no
    longer needs the graph as it was), and the published triples as a list; a copy where the
    graph has blank nodes (the published ones are labelled canonically)."""
    index = index_for(graph)
    triples = index.all
    ResourceIndex.naturals = {}  # a build's last index: no next one to keep them for
    if (dataset_iri(graph), DCAT.distribution, None) in graph or index.has_blank_nodes:
        return index.graph, triples
    # published_triples lists the graph's own triples first, then the description
    graph.addN((*triple, graph) for triple in triples[index.source_size :])
    forget_index(graph)
    return graph, triples


def published_graph(graph: Graph) -> Graph:
    """The graph with its dataset description: DCAT distributions, release and VoID statistics
    (the triples of dataset.nt, as an rdflib graph). Idempotent."""
    if (dataset_iri(graph), DCAT.distribution, None) in graph:
        return graph
    return index_for(graph).graph


def resource_iris(graph: Graph, base_iri: str) -> list[URIRef]:
    """Every resource that gets a document of its own (see ``ResourceIndex.resources``)."""
    return index_for(graph).resources(base_iri)


_SCAN = 16  # a subject with more triples than this is looked up by predicate


class GraphView:
    """The read-only part of rdflib's Graph API that the CSV tables, the VocPub documents and
    ``read_citations`` use (``value``, ``objects``, ``subjects``, ``triples`` by subject,
    ``in``), answered from plain dictionaries: rdflib answers each lookup through its store's
    contexts, many times slower. It holds the graph's own triples: ``published_triples`` lists
    them first, in the graph's order, before the description it adds. Where rdflib's answer
    depends on its store's order (a subject with several values of a property), it asks the
    graph.

    While ``reads`` is a ``Reads`` (``tracking``), it records what was asked: the subjects
    looked up, the values of a subject's property read and the predicates searched by, so that
    a table made from these answers is known to be the same while no triple of those subjects,
    of those subjects and properties, or with those predicates changed."""

    def __init__(self, graph: Graph, triples: list[tuple], order: dict):
        self.graph = graph
        self.order = order  # ``ResourceIndex.order``
        self.reads: Reads | None = None
        self.by_subject: dict = defaultdict(list)
        for triple in triples:
            self.by_subject[triple[0]].append(triple)
        self.by_predicate: dict = {}  # predicate → object → subjects, made on first use
        self.by_subject_predicate: dict = {}  # subject → predicate → objects, likewise
        self.facts: set | None = None

    def objects(self, subject, predicate):
        if self.reads is not None:
            self.reads.pairs.add((subject, predicate))
        triples = self.by_subject.get(subject, ())
        if len(triples) > _SCAN:  # a node with many triples (the dataset): by predicate
            table = self.by_subject_predicate.get(subject)
            if table is None:
                table = self.by_subject_predicate[subject] = defaultdict(list)
                for _s, p, o in triples:
                    table[p].append(o)
            found = list(table.get(predicate, ()))
        else:
            wanted = {predicate}
            found = [o for _s, p, o in triples if p in wanted]
        return found if len(found) < 2 else list(self.graph.objects(subject, predicate))

    def value(self, subject, predicate):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate, object_=None):
        if self.reads is not None:
            self.reads.predicates.add(predicate)
        table = self.by_predicate.get(predicate)
        if table is None:
            table = self.by_predicate[predicate] = defaultdict(list)
            wanted = {predicate}
            for triples in self.by_subject.values():
                for s, p, o in triples:
                    if p in wanted:
                        table[o].append(s)
        if object_ is not None:
            found = list(table.get(object_, ()))
        else:
            found = [s for subjects in table.values() for s in subjects]
        if self.reads is not None:  # their order is the order of their triples
            self.reads.subjects.update(found)
        return found

    def order_key(self, node) -> tuple:
        """``graph_order_key`` of the node: the index's, computed once per node, unless the
        node has several positions or ordinals (then rdflib's choice of one counts)."""
        if self.reads is not None:
            self.reads.subjects.add(node)
        known = self.order.get(str(node))
        if known is None or len(self.objects(node, _POSITION)) > 1:
            return graph_order_key(self, node)
        return known if len(self.objects(node, _ORDINAL)) < 2 else graph_order_key(self, node)

    def triples(self, pattern):
        subject, predicate, object_ = pattern
        if subject is None or predicate is not None or object_ is not None:
            if self.reads is not None:
                self.reads.whole = True
            return self.graph.triples(pattern)
        if self.reads is not None:
            self.reads.subjects.add(subject)
        return list(self.by_subject.get(subject, ()))

    def __contains__(self, triple) -> bool:
        if self.reads is not None:
            self.reads.subjects.add(triple[0])
        return triple in self.by_subject.get(triple[0], ())

    def tracking(self, make):
        """``make()`` and what it asked this view (a ``Reads``)."""
        self.reads = reads = Reads(set(), set())
        try:
            return make(), reads
        finally:
            self.reads = None


@dataclass
class Reads:
    """What a ``GraphView`` was asked: the subjects whose triples it read, the predicates
    searched by, the (subject, predicate) pairs whose values it read, and whether it was asked
    anything else (``whole``: it may depend on any triple)."""

    subjects: set
    predicates: set
    whole: bool = False
    pairs: set = field(default_factory=set)

    def unchanged_by(self, subjects: set, predicates: set, pairs: set) -> bool:
        """Whether answers read so are the same after a change of the triples of ``subjects``,
        whose predicates are ``predicates`` and (subject, predicate) pairs ``pairs``."""
        return (
            not self.whole
            and self.subjects.isdisjoint(subjects)
            and self.predicates.isdisjoint(predicates)
            and self.pairs.isdisjoint(pairs)
        )


def graph_view(graph: Graph):
    """A ``GraphView`` of ``graph`` from its index, or the graph itself if its published triples
    relabel blank nodes (then they are not the graph's own)."""
    index = index_for(graph)
    if index.has_blank_nodes:
        return graph
    if index.view is None:
        index.view = GraphView(graph, index.all[: index.source_size], index.order)
    return index.view
