"""The read model every later stage starts from: the loaded content, the graph built from it,
and where each resource is written in the content files (for messages)."""

from __future__ import annotations

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
    locations = locate(content)
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


def locate(content: Content) -> dict[URIRef, Location]:
    """Where each resource is defined in the content files, for messages a maintainer can act on."""
    iris = Iris(content.publication.base_iri)
    where: dict[URIRef, Location] = {}
    for entry in content.catalogue.values():
        where[iris(entry.key)] = entry.location
        for practice in entry.practices:
            where[iris.cited_practice(entry.key, practice.notation)] = practice.location
    for memo in content.memoranda:
        where[iris(memo.key)] = memo.location
        for unit in [*memo.units(), *memo.footnotes]:
            node = iris.unit(memo.key, unit.key)
            if unit.location:
                where[node] = unit.location
            if unit.heading_location:
                where[heading_iri(node)] = unit.heading_location
            body = unit.texts[-1]  # the last text of a unit is its body (a practice: title, body)
            for index in range(len(body.paragraphs)):
                where[paragraph_iri(node, index)] = body.paragraph_location(index)
        if memo.glossary:
            where[iris.glossary(memo.key, memo.glossary.key)] = memo.glossary.location
            for term in memo.glossary.terms:
                where[iris.term(memo.key, memo.glossary.key, term.key)] = term.location
    where[iris.dataset()] = content.publication.location
    return where
