"""The graph stage: the RDF graph built from the content (``build``), and the one read API every
view asks it through (``read``)."""

from .build import build_graph, date_literal, english, new_graph
from .read import (
    Citation,
    ReadModel,
    base_iri_of,
    dataset_iri,
    graph_order_key,
    order_key,
    version_of,
)

__all__ = [
    "Citation",
    "ReadModel",
    "base_iri_of",
    "build_graph",
    "dataset_iri",
    "date_literal",
    "english",
    "graph_order_key",
    "new_graph",
    "order_key",
    "version_of",
]
