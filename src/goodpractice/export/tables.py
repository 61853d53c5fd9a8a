"""The CSV tables for spreadsheets: the good practices and the typed citations, in source
order (the read model's sort rule and citation order)."""

from __future__ import annotations

import csv
import io
from functools import partial
from operator import itemgetter

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from ..graph import graph_order_key
from ..graph.read import citation_of, citation_order
from ..vocab import CITO, GP
from .index import GraphView, graph_view

PRACTICES_HEADER = ["notation", "title", "section", "section_title", "memorandum", "iri"]
CITATIONS_HEADER = [
    "citing_unit", "citing_label", "cited_resource", "cited_label", "citation_type",
    "footnote", "citing_words", "citation",
]  # fmt: skip


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _text(graph: Graph, node, prop) -> str:
    value = graph.value(node, prop)
    return "" if value is None else str(value)


def practices_csv(graph: Graph) -> bytes:
    """Every good practice of an encoded memorandum (one with sections), in source order."""
    graph = graph_view(graph)
    order_key = graph.order_key if isinstance(graph, GraphView) else partial(graph_order_key, graph)
    rows = []
    for practice in set(graph.subjects(RDF.type, GP.GoodPractice)):
        section = graph.value(practice, SKOS.broader)
        if section is None:  # a practice of another memorandum, cited but not encoded
            continue
        memorandum = graph.value(practice, SKOS.inScheme)
        rows.append(
            (
                (str(memorandum), order_key(practice)),
                [
                    _text(graph, practice, SKOS.notation),
                    _text(graph, practice, SKOS.prefLabel),
                    _text(graph, section, SKOS.notation),
                    _text(graph, section, SKOS.prefLabel),
                    str(memorandum),
                    str(practice),
                ],
            )
        )
    return _csv(PRACTICES_HEADER, [row for _key, row in sorted(rows)])


def citations_csv(graph: Graph) -> bytes:
    """Every typed citation (``read_citations``): from the citing unit, in source order,
    footnote citations after the unit's own text."""
    graph = graph_view(graph)
    rows = [citation_row(graph, node) for node in citation_nodes(graph)]
    return CITATIONS_HEAD + b"".join([line for _key, line in sorted(rows, key=itemgetter(0))])


CITATIONS_HEAD = _csv(CITATIONS_HEADER, [])
# A citation's row is its node's: the nodes are the subjects of this triple pattern
CITATION_PATTERN = (RDF.type, CITO.Citation)


def citation_nodes(graph) -> set:
    """The cito:Citation nodes of the graph (the rows of citations.csv)."""
    return set(graph.subjects(*CITATION_PATTERN))


def citation_row(graph, node) -> tuple[tuple, bytes]:
    """The row of the citation ``node`` in citations.csv: its sort key (``citation_order``)
    and its CSV line. It reads the triples of the citation, its citing unit, its source and
    the cited resource (by subject), nothing else."""
    citation = citation_of(graph, node)
    source, citing, cited = citation.source, citation.citing, citation.cited
    is_footnote = (source, RDF.type, GP.Footnote) in graph
    row = [
        str(citing),
        _text(graph, citing, SKOS.notation) or _text(graph, citing, SKOS.prefLabel),
        str(cited),
        _text(graph, cited, SKOS.prefLabel),
        citation.kind,
        _text(graph, source, GP.ordinal) if is_footnote else "",
        citation.words,
        str(citation.node),
    ]
    return citation_order(graph, citation), _csv_line(row)


def _csv_line(row: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue().encode("utf-8")
