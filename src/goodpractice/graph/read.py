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
    found = []
    for node in set(graph.subjects(RDF.type, CITO.Citation)):
        ordinal = graph.value(node, GP.ordinal)
        found.append(
            Citation(
                node=node,
                citing=graph.value(node, CITO.hasCitingEntity),
                cited=graph.value(node, CITO.hasCitedEntity),
                kind=cito_name(graph.value(node, CITO.hasCitationCharacterization)),
                source=graph.value(node, PROV.wasDerivedFrom),
                words=str(graph.value(node, GP.citingWords) or ""),
                ordinal=int(ordinal) if ordinal is not None else 0,
            )
        )
    return sorted(found, key=lambda c: citation_order(graph, c))


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
    not changed once it is read."""

    def __init__(self, graph: Graph, base: str | None = None):
        self.graph = graph
        self.base = base if base is not None else base_iri_of(graph)
        self.iris = Iris(self.base)
        self._kinds: dict = {}
        self._labels: dict = {}
        self._full_labels: dict = {}
        self._order_keys: dict = {}

    # ------------------------------------------------------------ values

    def value(self, node, prop):
        return self.graph.value(node, prop) if node is not None else None

    def text(self, node, prop) -> str | None:
        value = self.value(node, prop)
        return str(value) if value is not None else None

    def ordinal(self, node) -> int | None:
        value = self.value(node, GP.ordinal)
        return int(value) if value is not None else None

    def types(self, node) -> set[URIRef]:
        return set(self.graph.objects(node, RDF.type))

    def key(self, iri) -> str:
        return self.iris.key(iri)

    # ------------------------------------------------------------ order

    def order_key(self, node) -> tuple:
        if node not in self._order_keys:
            self._order_keys[node] = graph_order_key(self.graph, node)
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
        g = self.graph
        if GP.FrameworkDocument in types:
            return "memorandum" if (node, GP.introduction, None) in g else "framework-document"
        if GP.Section in types:
            return "section"
        if GP.GoodPractice in types:
            return "practice" if (node, GP.markedText, None) in g else "cited-practice"
        if GP.Introduction in types or GP.Conclusion in types:
            return "text"
        if GP.Footnote in types:
            return "footnote"
        if GP.Glossary in types:
            return "glossary"
        scheme = g.value(node, SKOS.inScheme)
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
        return self.ordered(self.graph.objects(memorandum, SKOS.hasTopConcept))

    def practices(self, section) -> list[URIRef]:
        """The practices of a section as it stands: a retired one (owl:deprecated) keeps its
        page and its place in the hierarchy, not a place in the document."""
        return self.ordered(p for p in self.graph.objects(section, SKOS.narrower)
                            if not self.retired(p))  # fmt: skip

    def retired(self, node) -> bool:
        return (node, OWL.deprecated, Literal(True)) in self.graph

    def footnotes(self, unit) -> list[URIRef]:
        """The footnotes attached to a unit (a practice, a section, the introduction, …)."""
        return self.ordered(self.graph.objects(unit, GP.hasFootnote))

    def parts(self, memorandum) -> list[URIRef]:
        """Every resource that is part of a memorandum (its texts and footnotes)."""
        return self.ordered(self.graph.subjects(DCTERMS.isPartOf, memorandum))

    @cached_property
    def cited_practices(self) -> dict[URIRef, list[URIRef]]:
        """Numbered practices of other documents that are cited but not encoded, by document."""
        found: dict[URIRef, list[URIRef]] = defaultdict(list)
        for practice in set(self.graph.subjects(RDF.type, GP.GoodPractice)):
            if (practice, GP.markedText, None) not in self.graph:
                found[self.value(practice, SKOS.inScheme)].append(practice)
        return {scheme: self.ordered(items) for scheme, items in found.items()}

    # ------------------------------------------------------------ citations

    @cached_property
    def citations(self) -> list[Citation]:
        return read_citations(self.graph)

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
        return self._citations_by["citing"].get(unit, [])

    def citations_to(self, node) -> list[Citation]:
        """The citations of a resource ("cited by")."""
        return self._citations_by["cited"].get(node, [])

    def citations_in(self, source) -> list[Citation]:
        """The citations a text makes: a footnote, or a unit's own running text."""
        return self._citations_by["source"].get(source, [])

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
            (node, prop, dataset) in self.graph for prop in (DCTERMS.isVersionOf, DCAT3.isVersionOf)
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
