"""The CSV tables for spreadsheets: the good practices and the typed citations, in source
order (the read model's sort rule and citation order)."""

from __future__ import annotations

import csv
import io
from functools import partial

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from ..graph import graph_order_key
from ..graph.read import read_citations
from ..vocab import GP
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
    rows = []
    for citation in read_citations(graph):
        source, citing, cited = citation.source, citation.citing, citation.cited
        is_footnote = (source, RDF.type, GP.Footnote) in graph
        rows.append(
            [
                str(citing),
                _text(graph, citing, SKOS.notation) or _text(graph, citing, SKOS.prefLabel),
                str(cited),
                _text(graph, cited, SKOS.prefLabel),
                citation.kind,
                _text(graph, source, GP.ordinal) if is_footnote else "",
                citation.words,
                str(citation.node),
            ]
        )
    return _csv(CITATIONS_HEADER, rows)
