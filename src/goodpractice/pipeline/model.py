"""The read model every later stage starts from: the loaded content, the graph built from it,
and where each resource is written in the content files (for messages)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from ..content import Content, ContentError, Location, load_content
from ..graph import build_graph
from ..iris import Iris, heading_iri, paragraph_iri
from ..releases import (
    History,
    RecordError,
    change_set_locations,
    load_history,
    publish_history,
)


@dataclass
class Model:
    """The loaded content and the graph built from it."""

    content: Content
    graph: Graph
    locations: dict[URIRef, Location] = field(default_factory=dict)
    history: History | None = None  # the release records, read and compared
    release_files: dict[str, bytes] = field(default_factory=dict)  # earlier releases' data
    # the earlier releases' description (distributions, sizes, checksums): made by the code, so
    # added to the graph once the check has it (``publish``)
    release_description: list[tuple] = field(default_factory=list)

    @property
    def release_problems(self) -> list:
        """Released IRIs missing from the content, replacements that do not exist, contract
        changes without a MAJOR release: reported by the check with the others."""
        return self.history.problems if self.history is not None else []


def load_model(content_dir: Path, base_iri: str | None = None, reuse=None) -> Model:
    """``reuse`` (``incremental.Reuse``, a rebuild's): what the last build read and built,
    read and built again only where the content changed."""
    if reuse is None:
        content = load_content(content_dir, base_iri)
        graph = build_graph(content)
    else:
        content = load_content(content_dir, base_iri, reuse.memoranda)
        graph = reuse.build_graph(content)
    locations = locate(content, reuse.located if reuse is not None else None)
    try:
        history = load_history(content, graph)
    except RecordError as error:
        raise ContentError(error.problems, unreadable=True) from None
    locations.update(change_set_locations(history, content))
    published = publish_history(graph, history)
    if reuse is not None:
        reuse.changed_by_build(published.added, published.removed)
    return Model(content, graph, locations, history, published.files, published.description)


def publish(model: Model, reuse=None) -> Model:
    """The model with the earlier releases' description in its graph: what the exports and
    the site read (``load_model`` leaves it out of what the shapes check)."""
    if reuse is not None:
        reuse.changed_by_build(model.release_description, ())
    model.graph.addN((*triple, model.graph) for triple in model.release_description)
    model.release_description = []
    return model


class Located:
    """Where each memorandum's resources are defined (``locate``), kept from one rebuild to
    the next for the memoranda it reused (the same objects: ``content.load.reused``)."""

    def __init__(self):
        self.kept: dict[int, tuple] = {}  # id of a memorandum → (it, the base IRI, its pairs)
        self.counts: Counter = Counter()  # "reused", "made": a test tells the fast path ran

    def pairs(self, iris: Iris, memo) -> list[tuple]:
        found = self.kept.get(id(memo))
        if found is not None and found[0] is memo and found[1] == iris.base:
            self.counts["reused"] += 1
            return found[2]
        self.counts["made"] += 1
        pairs = memorandum_locations(iris, memo)
        self.kept[id(memo)] = (memo, iris.base, pairs)
        return pairs

    def keep_only(self, memoranda) -> None:
        wanted = {id(memo) for memo in memoranda}
        self.kept = {key: kept for key, kept in self.kept.items() if key in wanted}


def locate(content: Content, located: Located | None = None) -> dict[URIRef, Location]:
    """Where each resource is defined in the content files, for messages a maintainer can act
    on. ``located``: each memorandum's, kept from the last rebuild (the same dictionary)."""
    iris = Iris(content.publication.base_iri)
    where: dict[URIRef, Location] = {}
    for entry in content.catalogue.values():
        where[iris(entry.key)] = entry.location
        for practice in entry.practices:
            where[iris.cited_practice(entry.key, practice.notation)] = practice.location
    for memo in content.memoranda:
        pairs = (
            located.pairs(iris, memo) if located is not None else memorandum_locations(iris, memo)
        )
        where.update(pairs)  # in order: as if each were set here
    if located is not None:
        located.keep_only(content.memoranda)
    where[iris.dataset()] = content.publication.location
    return where


def memorandum_locations(iris: Iris, memo) -> list[tuple[URIRef, Location]]:
    """(resource, where it is defined) of a memorandum's resources, in the order ``locate``
    records them."""
    pairs = [(iris(memo.key), memo.location)]
    for unit in [*memo.units(), *memo.footnotes]:
        node = iris.unit(memo.key, unit.key)
        if unit.location:
            pairs.append((node, unit.location))
        if unit.heading_location:
            pairs.append((heading_iri(node), unit.heading_location))
        body = unit.texts[-1]  # the last text of a unit is its body (a practice: title, body)
        for index in range(len(body.paragraphs)):
            pairs.append((paragraph_iri(node, index), body.paragraph_location(index)))
    if memo.glossary:
        pairs.append((iris.glossary(memo.key, memo.glossary.key), memo.glossary.location))
        for term in memo.glossary.terms:
            pairs.append((iris.term(memo.key, memo.glossary.key, term.key), term.location))
    return pairs
