"""The one read API over the validated graph: what every view (pages, tables, fidelity, serve)
asks of the data.

A view never walks the triples itself for these questions: what kind of resource a node is,
how it is named, in which order things come (one sort rule, ``order_key``), how a memorandum is
structured, which citations a unit makes and receives, and what the dataset description says.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, SKOS, VOID

from ..iris import Iris
from ..vocab import CITO, DCAT3, GP, cito_name

# --------------------------------------------------------------------------------------------
# The sort rule

MISSING = 10**9  # a missing position or ordinal sorts after every present one
CITATION_LOOKUPS = 200  # the citations of so many nodes looked up one by one, then of all at once


def order_key(position, ordinal, node) -> tuple:
    """Source order, the one rule every view sorts by: gp:position (the place of a unit in its
    document), then gp:ordinal (the printed number), then the IRI with its digits compared as
    numbers (gp2 before gp10). A missing position or ordinal sorts last."""
    return (
        int(position) if position is not None else MISSING,
        int(ordinal) if ordinal is not None else MISSING,
        natural(str(node)),
    )


def natural(text: str) -> tuple:
    """A sort key comparing runs of digits as numbers: 'gp2' < 'gp10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text))  # fmt: skip


def graph_order_key(graph: Graph, node) -> tuple:
    """``order_key`` of a node, read from a graph."""
    return order_key(graph.value(node, GP.position), graph.value(node, GP.ordinal), node)


# --------------------------------------------------------------------------------------------
# Citations


@dataclass(frozen=True)
class Citation:
    """One typed citation: ``citing`` cites ``cited`` as ``kind`` (a CiTO local name), in the
    text ``source`` (a footnote, or the citing unit's own running text)."""

    node: URIRef
    citing: URIRef
    cited: URIRef
    kind: str
    source: URIRef
    words: str
    ordinal: int  # its number among the citations of its source

    @property
    def in_footnote(self) -> bool:
        return self.source != self.citing


def read_citations(graph: Graph) -> list[Citation]:
    """Every cito:Citation node of the graph, in ``citation_order``."""
    found = [citation_of(graph, node) for node in set(graph.subjects(RDF.type, CITO.Citation))]
    return sorted(found, key=lambda c: citation_order(graph, c))


def citation_of(graph: Graph, node) -> Citation:
    """The cito:Citation ``node`` of the graph."""
    ordinal = graph.value(node, GP.ordinal)
    return Citation(
        node=node,
        citing=graph.value(node, CITO.hasCitingEntity),
        cited=graph.value(node, CITO.hasCitedEntity),
        kind=cito_name(graph.value(node, CITO.hasCitationCharacterization)),
        source=graph.value(node, PROV.wasDerivedFrom),
        words=str(graph.value(node, GP.citingWords) or ""),
        ordinal=int(ordinal) if ordinal is not None else 0,
    )


def citation_order(graph: Graph, citation: Citation) -> tuple:
    """Citations in source order: by memorandum, then by citing unit; within a unit, those of
    its own text first, then those of its footnotes in footnote order; then by number."""
    citing = citation.citing
    scheme = graph.value(citing, SKOS.inScheme) or graph.value(citing, DCTERMS.isPartOf)
    return (
        str(scheme),
        graph_order_key(graph, citing),
        1 if citation.in_footnote else 0,
        graph_order_key(graph, citation.source) if citation.in_footnote else (),
        citation.ordinal,
        str(citation.node),
    )


# --------------------------------------------------------------------------------------------
# The read model


class ReadModel:
    """Reads the validated (published) graph for the views. Answers are cached: the graph is
    not changed once it is read. Its lookups by node (``value``, ``objects``, ``has``) read the
    node's triples once, from ``view``: the graph itself, or, once ``use_view`` is given one,
    the same triples held in plain dictionaries (``export.index.GraphView``: rdflib answers
    each lookup through its store's contexts, many times slower). ``subjects`` asks the graph's
    own index by object."""

    def __init__(self, graph: Graph, base: str | None = None):
        self.graph = graph
        self.view = graph  # what the lookups ask (``use_view``)
        self.base = base if base is not None else base_iri_of(graph)
        self.iris = Iris(self.base)
        self._kinds: dict = {}
        self._labels: dict = {}
        self._full_labels: dict = {}
        self._order_keys: dict = {}
        self._properties: dict = {}  # node → {property: its values}
        self._citation_nodes: dict = {}  # a citation node → (its Citation, its citation_order)
        self._citation_lookups: dict = {}  # (property, node) → its citations (``_citations``)
        self.citation_lookups = 0  # the citations of one node looked up, not of the whole graph

    def use_view(self, view) -> None:
        """Answer the lookups from ``view``: an object with the graph's ``value``, ``objects``,
        ``subjects`` and ``in`` over exactly the graph's triples (``export.index.GraphView``)."""
        self.view = view

    # ------------------------------------------------------------ values

    def _values(self, node) -> dict:
        """Each property of ``node`` → its values: the node's triples read once, for the many
        questions a page asks of it."""
        found = self._properties.get(node)
        if found is None:
            found = {}
            for _s, p, o in self.view.triples((node, None, None)):
                found.setdefault(p, []).append(o)
            self._properties[node] = found
        return found

    def value(self, node, prop):
        if node is None:
            return None
        found = self._values(node).get(prop)
        if not found:
            return None
        # several values: the one rdflib gives (it depends on its store's order)
        return found[0] if len(found) == 1 else self.view.value(node, prop)

    def objects(self, node, prop) -> list:
        """The values of ``prop`` on ``node`` (in no order a view may rely on: sort them)."""
        found = self._values(node).get(prop, [])
        return list(found) if len(found) < 2 else list(self.view.objects(node, prop))

    def subjects(self, prop, value) -> list:
        """The nodes with ``value`` for ``prop`` (in no order a view may rely on: sort them),
        from the graph's index by object: one lookup, whatever the size of the graph."""
        return list(self.graph.subjects(prop, value))

    def has(self, node, prop, value) -> bool:
        return value in self.objects(node, prop)

    def text(self, node, prop) -> str | None:
        value = self.value(node, prop)
        return str(value) if value is not None else None

    def ordinal(self, node) -> int | None:
        value = self.value(node, GP.ordinal)
        return int(value) if value is not None else None

    def types(self, node) -> set[URIRef]:
        return set(self._values(node).get(RDF.type, ()))

    def key(self, iri) -> str:
        return self.iris.key(iri)

    # ------------------------------------------------------------ order

    def order_key(self, node) -> tuple:
        if node not in self._order_keys:
            self._order_keys[node] = order_key(
                self.value(node, GP.position), self.value(node, GP.ordinal), node
            )
        return self._order_keys[node]

    def ordered(self, nodes) -> list:
        return sorted(set(nodes), key=self.order_key)

    # ------------------------------------------------------------ kinds and names

    def kind(self, node) -> str:
        """What a resource is, for views: 'memorandum', 'section', 'practice',
        'cited-practice', 'text', 'footnote', 'glossary', 'term', 'framework-document',
        'resolution', 'initiative', 'organisation', 'document', 'release', 'changes' (a
        release's change set), 'dataset' or 'resource'."""
        if node not in self._kinds:
            self._kinds[node] = self._kind(node)
        return self._kinds[node]

    def _kind(self, node) -> str:
        types = self.types(node)
        if GP.FrameworkDocument in types:
            return (
                "memorandum"
                if self.value(node, GP.introduction) is not None
                else "framework-document"
            )
        if GP.Section in types:
            return "section"
        if GP.GoodPractice in types:
            return "practice" if self.value(node, GP.markedText) is not None else "cited-practice"
        if GP.Introduction in types or GP.Conclusion in types:
            return "text"
        if GP.Footnote in types:
            return "footnote"
        if GP.Glossary in types:
            return "glossary"
        scheme = self.value(node, SKOS.inScheme)
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
        if GP.ChangeSet in types:
            return "changes"
        if self.is_release(node):
            return "release"
        if DCAT.Dataset in types:
            return "dataset"
        return "resource"

    def label(self, node) -> str:
        """How a resource is named in links and headings."""
        if node in self._labels:
            return self._labels[node]
        kind = self.kind(node)
        pref = self.text(node, SKOS.prefLabel) or self.text(node, DCTERMS.title)
        if kind == "practice":
            label = f"Good Practice {self.ordinal(node)}"
        elif kind == "cited-practice":
            scheme = self.value(node, SKOS.inScheme)
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
        if node not in self._full_labels:
            label = self.label(node)
            if self.kind(node) == "practice":
                label = f"{label}: {self.text(node, SKOS.prefLabel)}"
            self._full_labels[node] = label
        return self._full_labels[node]

    # ------------------------------------------------------------ structure

    @cached_property
    def memoranda(self) -> list[URIRef]:
        """The encoded memoranda (those with their text), in IRI order."""
        return sorted(
            (s for s in self.graph.subjects(GP.introduction, None) if isinstance(s, URIRef)),
            key=str,
        )

    def memorandum_of(self, node) -> URIRef | None:
        for prop in (SKOS.inScheme, DCTERMS.isPartOf):
            scheme = self.value(node, prop)
            if scheme is not None:
                return scheme
        return None

    def sections(self, memorandum) -> list[URIRef]:
        return self.ordered(self.objects(memorandum, SKOS.hasTopConcept))

    def practices(self, section) -> list[URIRef]:
        """The practices of a section as it stands: a retired one (owl:deprecated) keeps its
        page and its place in the hierarchy, not a place in the document."""
        return self.ordered(p for p in self.objects(section, SKOS.narrower)
                            if not self.retired(p))  # fmt: skip

    def retired(self, node) -> bool:
        return self.has(node, OWL.deprecated, Literal(True))

    def footnotes(self, unit) -> list[URIRef]:
        """The footnotes attached to a unit (a practice, a section, the introduction, …)."""
        return self.ordered(self.objects(unit, GP.hasFootnote))

    def parts(self, memorandum) -> list[URIRef]:
        """Every resource that is part of a memorandum (its texts and footnotes)."""
        return self.ordered(self.subjects(DCTERMS.isPartOf, memorandum))

    @cached_property
    def cited_practices(self) -> dict[URIRef, list[URIRef]]:
        """Numbered practices of other documents that are cited but not encoded, by document."""
        found: dict[URIRef, list[URIRef]] = defaultdict(list)
        for practice in set(self.subjects(RDF.type, GP.GoodPractice)):
            if self.value(practice, GP.markedText) is None:
                found[self.value(practice, SKOS.inScheme)].append(practice)
        return {scheme: self.ordered(items) for scheme, items in found.items()}

    # ------------------------------------------------------------ citations

    @cached_property
    def citations(self) -> list[Citation]:
        """Every citation, in ``citation_order`` (as ``read_citations`` gives them)."""
        made = [self._citation(n) for n in set(self.subjects(RDF.type, CITO.Citation))]
        return [citation for citation, _key in sorted(made, key=lambda m: m[1])]

    @cached_property
    def _citations_by(self) -> dict[str, dict[URIRef, list[Citation]]]:
        tables: dict[str, dict] = {"citing": defaultdict(list), "cited": defaultdict(list),
                                   "source": defaultdict(list)}  # fmt: skip
        for citation in self.citations:
            tables["citing"][citation.citing].append(citation)
            tables["cited"][citation.cited].append(citation)
            tables["source"][citation.source].append(citation)
        return tables

    def citations_from(self, unit) -> list[Citation]:
        """The citations a unit makes, in its text and its footnotes."""
        return self._citations("citing", CITO.hasCitingEntity, unit)

    def citations_to(self, node) -> list[Citation]:
        """The citations of a resource ("cited by")."""
        return self._citations("cited", CITO.hasCitedEntity, node)

    def citations_in(self, source) -> list[Citation]:
        """The citations a text makes: a footnote, or a unit's own running text."""
        return self._citations("source", PROV.wasDerivedFrom, source)

    def _citations(self, role: str, prop, node) -> list[Citation]:
        """The citations whose ``role`` is ``node``, in ``citation_order``: from the tables of
        every citation once they are made, else from the citations that name ``node`` alone
        (a few pages of a large corpus ask about a few nodes: no whole-graph pass; past
        ``CITATION_LOOKUPS`` nodes, the tables are made, as every page is being made)."""
        if (
            "citations" in self.__dict__
            or node is None
            or self.citation_lookups >= CITATION_LOOKUPS
        ):
            return self._citations_by[role].get(node, [])
        key = (role, node)
        found = self._citation_lookups.get(key)
        if found is None:
            self.citation_lookups += 1
            made = [self._citation(n) for n in set(self.subjects(prop, node))
                    if CITO.Citation in self.types(n)]  # fmt: skip
            found = [c for c, _ in sorted((m for m in made if getattr(m[0], role) == node),
                                          key=lambda m: m[1])]  # fmt: skip
            self._citation_lookups[key] = found
        return found

    def _citation(self, node) -> tuple[Citation, tuple]:
        if node not in self._citation_nodes:
            citation = citation_of(self, node)
            self._citation_nodes[node] = (citation, citation_order(self, citation))
        return self._citation_nodes[node]

    # ------------------------------------------------------------ the dataset description

    @cached_property
    def dataset(self) -> URIRef:
        return self.iris.dataset()

    @cached_property
    def version(self) -> str | None:
        return self.text(self.dataset, OWL.versionInfo)

    def is_release(self, node) -> bool:
        dataset = self.dataset
        return node != dataset and any(
            self.has(node, prop, dataset) for prop in (DCTERMS.isVersionOf, DCAT3.isVersionOf)
        )


def dataset_iri(graph: Graph) -> URIRef:
    """The dataset node of a graph: the dcat:Dataset with a void:uriSpace."""
    nodes = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)) & set(graph.subjects(VOID.uriSpace)))
    if not nodes:
        raise ValueError("the graph has no dcat:Dataset with a void:uriSpace")
    return URIRef(nodes[0])


def base_iri_of(graph: Graph) -> str:
    """The base IRI the data is published under (the dataset's void:uriSpace)."""
    return str(graph.value(dataset_iri(graph), VOID.uriSpace))


def version_of(graph: Graph) -> str:
    """The release's version (owl:versionInfo of the dataset)."""
    return str(graph.value(dataset_iri(graph), OWL.versionInfo))
