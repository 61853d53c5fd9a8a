"""Everything build/ holds, as (relative path, bytes) pairs made one at a time: the whole
dataset in each format, its description, the tables, the schema files, and one document per
resource at the path of its IRI."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..graph import version_of
from ..graph.store import collection_paused
from ..iris import CONTEXT_IRI, SCHEMA_FILE, resource_path, versioned_context_path
from ..ontology import ontology_file
from .description import description_triples
from .index import ResourceIndex, index_for
from .jsonld import (
    dataset_document,
    dumps,
    embedded_context_prefix,
    frame_document,
    indexed_resource_document,
    ordered_keys,
    to_expanded,
    with_embedded_context,
)
from .memory import ExportMemory
from .rdf import fast_turtle, ntriples, rdfxml
from .schema import load_schema
from .tables import (
    CITATION_PATTERN,
    CITATIONS_HEAD,
    citation_row,
    citations_csv,
    practices_csv,
)
from .vocpub import iter_vocpub_files


def dataset_files(graph: Graph) -> dict[str, bytes]:
    """Every export by relative path, in memory (see ``iter_dataset_files``)."""
    return dict(iter_dataset_files(graph))


def iter_dataset_files(
    graph: Graph, memory=None, triples: set | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every export as (relative path, bytes), each yielded as soon as it is made: the files
    of the whole dataset (``dataset_wide_files``), then the files of each resource
    (``resource_files``, here for all of them at once). A writer keeps one file in memory at a
    time (with ``memory``, the whole dataset's files are made together). ``memory``: an
    ``ExportMemory`` that keeps this build's pieces for the next; ``triples``: the published
    triples as a set, if the caller has them."""
    index = index_for(graph)
    names = set()
    for name, data in dataset_wide_files(graph, memory, triples):
        names.add(name)
        yield name, data
    for name, data in iter_resource_files(graph, index.base):
        if name in names:
            raise ValueError(f"a resource document would overwrite the dataset file {name}")
        yield name, data
    # The caches of serialised triples: the site's pages do not need them
    index.lines.clear()
    index.blocks.clear()
    index.sort_keys.clear()


def dataset_wide_files(
    graph: Graph, memory: ExportMemory | None = None, triples: set | None = None
) -> Iterator[tuple[str, bytes]]:
    """The files of the whole dataset, as (relative path, bytes): the dataset in each format,
    its description, the VocPub documents, the CSV tables and the schema files. Made first: the
    Turtle of the whole dataset is what each resource's Turtle is then cut from. ``memory``:
    the last build's pieces (``memory.ExportMemory``): only the subjects whose triples changed
    are serialised again, and it keeps this build's for the next; ``triples``: the published
    triples as a set, if the caller has them."""
    index = index_for(graph)
    context = ontology_file("context.jsonld").read_bytes()
    if memory is not None:
        made = memory.dataset_files(index, triples)
        yield "dataset.ttl", made.pop("dataset.ttl")
        yield "dataset.nt", made.pop("dataset.nt")
        yield "dataset.rdf", made.pop("dataset.rdf")
        whole = made.pop("dataset.jsonld") or dumps(dataset_document(graph))
    else:
        with collection_paused():  # many small objects and no cycle: no collection
            nt, turtle = index.blocks.whole()
        yield "dataset.ttl", turtle
        del turtle
        yield "dataset.nt", nt
        yield "dataset.rdf", rdfxml(index.all, nt)
        del nt
        with collection_paused():
            whole = dumps(dataset_document(graph))
    yield "dataset.jsonld", whole
    yield "dataset.embedded.jsonld", with_embedded_context(whole)
    del whole
    description = description_document(index)
    yield "dataset-description.ttl", fast_turtle(description, index.lines)

    # Flat, like dataset.jsonld: the description states what it links to as well (DCAT-AP)
    def frame(triples: list[tuple]) -> bytes:
        return dumps(frame_document(to_expanded(triples), {}, index.order))

    if memory is None:
        document = frame(description)
    else:  # the last build's, if only the statistics changed
        document = memory.description_jsonld(description, index.order, frame)
    yield "dataset-description.jsonld", document
    yield "dataset-description.embedded.jsonld", with_embedded_context(document)
    yield from iter_vocpub_files(graph, memory)
    if memory is None:
        yield "practices.csv", practices_csv(graph)
        yield "citations.csv", citations_csv(graph)
    else:  # made again only if what they read changed
        yield "practices.csv", memory.table("practices.csv", graph, practices_csv)
        yield (
            "citations.csv",
            memory.rows("citations.csv", graph, CITATIONS_HEAD, CITATION_PATTERN, citation_row),
        )
    yield "ontology.ttl", ontology_file("ontology.ttl").read_bytes()
    yield "shapes.ttl", ontology_file("shapes.ttl").read_bytes()
    yield "context.jsonld", context
    yield versioned_context_path(version_of(graph)), context
    yield SCHEMA_FILE, dumps(load_schema(index.base))


def description_document(index: ResourceIndex) -> list[tuple]:
    """The triples of dataset-description.*: the dataset, its distributions and releases, and
    what DCAT-AP expects to be stated of the resources they link to."""
    return description_triples(
        index.member_triples(index.dataset), lambda node: index.value(node, SKOS.prefLabel)
    )


def resource_files(index: ResourceIndex, node: URIRef) -> list[tuple[str, bytes]]:
    """The files of one resource (one of ``index.resources``), made from the index alone: the
    same bytes as the whole build writes for it. ``index`` is ``index_for(graph)``."""
    if node not in index.triples:
        raise KeyError(f"{node} is not described in the graph")
    return list(_files_of(index, node, indexed_resource_document(index, node)))


def _files_of(
    index: ResourceIndex, node: URIRef, document: dict, prefix: bytes | None = None
) -> Iterator[tuple[str, bytes]]:
    """``rabat-washington/gp10.jsonld`` (context by IRI), ``.embedded.jsonld`` (context
    inline), ``.ttl`` and ``.nt``: the same triples in each, ``document`` their JSON-LD."""
    path = resource_path(str(node), index.base)
    if node in index.datasets:
        # A release's document describes a dataset: as dataset-description.*, it states
        # what DCAT-AP expects of what it links to, so the document is flat.
        triples = description_triples(
            index.member_triples(node), lambda n: index.value(n, SKOS.prefLabel)
        )
        document = frame_document(to_expanded(triples), {}, index.order)
        nt = ntriples(triples, index.lines)
        turtle = fast_turtle(None, nt=nt)
    else:  # the triples of the resource's members, each subject serialised once per build
        nt, turtle = index.blocks.documents(index.members(node))
    data = dumps(ordered_keys(document))
    yield f"{path}.jsonld", data
    yield f"{path}.embedded.jsonld", with_embedded_context(data, prefix)
    yield f"{path}.ttl", turtle
    yield f"{path}.nt", nt


def iter_resource_files(graph: Graph, base_iri: str) -> Iterator[tuple[str, bytes]]:
    """The files of every resource (``resource_files`` of each), yielded as made, so that a
    large corpus is never in memory at once."""
    index = index_for(graph)
    if base_iri != index.base:
        raise ValueError(f"{base_iri} is not the base IRI of the graph ({index.base})")
    resources = index.resources(base_iri)
    wanted = set(resources)
    prefix = embedded_context_prefix()  # the context file checked once, not per document

    # A part's document is the part as nested in its whole's document (the frame nests the same
    # triples the same way), so each whole is framed once and its parts are cut out of it. Not
    # with blank nodes: framing labels a blank node only if the document links to it twice, and
    # that depends on the document, so each resource is framed on its own.
    for node in sorted(resources, key=lambda n: n in index.is_part):
        if node not in wanted:
            continue
        document = indexed_resource_document(index, node)
        wanted.discard(node)
        yield from _files_of(index, node, document, prefix)
        if index.has_blank_nodes:
            continue
        for nested in _nested_nodes(document):
            part = URIRef(nested["id"])
            if part in wanted:
                wanted.discard(part)
                yield from _files_of(index, part, {"@context": CONTEXT_IRI, **nested}, prefix)


def _nested_nodes(value):
    """Every node object nested in a document (not the document's own node)."""
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, dict) and "id" in child:
            yield child
        if isinstance(child, (dict, list)):
            yield from _nested_nodes(child)
