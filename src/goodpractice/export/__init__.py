"""Serialise the validated graph: the same graph always gives the same bytes.

- ``rdf``: N-Triples (sorted), Turtle and RDF/XML;
- ``blocks``: each subject's N-Triples and Turtle, made once and joined for every document;
- ``memory``: the whole dataset's files joined from the last build's pieces (a rebuild's);
- ``jsonld``: the framed JSON-LD documents, written by the direct writer (``direct``) with
  pyld as its oracle, and ``dumps``;
- ``tables``: the CSV tables;
- ``description``: the DCAT/VoID dataset description added to the published graph;
- ``index``: lookups over the published triples, built once per graph;
- ``files``: everything build/ holds: the whole dataset's files (``dataset_wide_files``) and
  each resource's (``resource_files``, one resource from the index alone);
- ``schema``: the hand-written schema files and the offline JSON-LD context.
"""

from .description import DISTRIBUTIONS, RDF_DUMPS, published_triples, version_iri
from .files import (
    dataset_files,
    dataset_wide_files,
    iter_dataset_files,
    iter_resource_files,
    resource_files,
)
from .index import PART_PROPERTIES, forget_index, published_graph, resource_iris
from .jsonld import (
    FRAME_OPTIONS,
    WriteStats,
    dataset_document,
    dumps,
    frame_document,
    resource_document,
    resource_frame,
    source_order,
    stats,
    to_expanded,
    with_embedded_context,
)
from .rdf import canonical, fast_turtle, ntriples, rdfxml
from .schema import (
    load_context,
    load_schema,
    offline_document_loader,
)
from .tables import CITATIONS_HEADER, PRACTICES_HEADER, citations_csv, practices_csv

__all__ = [
    "CITATIONS_HEADER",
    "DISTRIBUTIONS",
    "FRAME_OPTIONS",
    "PART_PROPERTIES",
    "PRACTICES_HEADER",
    "RDF_DUMPS",
    "WriteStats",
    "canonical",
    "citations_csv",
    "dataset_document",
    "dataset_files",
    "dataset_wide_files",
    "dumps",
    "fast_turtle",
    "forget_index",
    "frame_document",
    "iter_dataset_files",
    "iter_resource_files",
    "load_context",
    "load_schema",
    "ntriples",
    "offline_document_loader",
    "practices_csv",
    "published_graph",
    "published_triples",
    "rdfxml",
    "resource_document",
    "resource_files",
    "resource_frame",
    "resource_iris",
    "source_order",
    "stats",
    "to_expanded",
    "version_iri",
    "with_embedded_context",
]
