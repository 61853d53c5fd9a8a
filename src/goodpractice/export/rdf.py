"""RDF serialisations written from plain tuples: N-Triples by rdflib's row writer, sorted;
Turtle and RDF/XML by pyoxigraph from the sorted triples, so the bytes depend on the triples
alone."""

from __future__ import annotations

from dataclasses import fields

import pyoxigraph
from rdflib import Graph
from rdflib.plugins.serializers.nt import _nt_row as nt_line  # rdflib's own line writer

from ..graph import new_graph
from ..vocab import PREFIXES


def ntriples(graph, lines: dict | None = None) -> bytes:
    """N-Triples, one triple a line, sorted: the canonical form every other format starts from.

    ``graph`` is a graph or any iterable of triples; each line is what rdflib's N-Triples
    writer writes for the triple, without building a graph first. ``lines`` caches each
    triple's line across calls (a triple is in the documents of a resource and its whole)."""
    if lines is None:
        return "".join(sorted({nt_line(triple) for triple in graph})).encode("utf-8")
    rows = set()
    for triple in graph:
        row = lines.get(triple)
        if row is None:
            row = lines[triple] = nt_line(triple)
        rows.add(row)
    return "".join(sorted(rows)).encode("utf-8")


def canonical(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so serialisers that follow it are deterministic."""
    copy_ = new_graph()
    for prefix, namespace in graph.namespaces():
        copy_.bind(prefix, namespace, override=True, replace=True)
    copy_.parse(data=ntriples(graph).decode("utf-8"), format="nt")
    return copy_


def fast_turtle(triples, lines: dict | None = None, nt: bytes | None = None) -> bytes:
    """Turtle written by pyoxigraph from the sorted N-Triples (``nt``, if already made), so the
    bytes depend on the triples alone; rdflib's Turtle writer takes seven times as long, and
    there is a Turtle document per resource. ``lines`` is ntriples' cache."""
    if nt is None:
        nt = ntriples(triples, lines)
    used = nt.decode("utf-8")
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items() if str(ns) in used}
    return pyoxigraph.serialize(
        pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES),
        format=pyoxigraph.RdfFormat.TURTLE,
        prefixes=prefixes,
    )


def rdfxml(graph, nt: bytes | None = None) -> bytes:
    # rdflib's RDF/XML writers order namespaces and subjects by hash; pyoxigraph writes the
    # sorted triples in the order given, so the bytes depend on the graph alone.
    triples = pyoxigraph.parse(nt or ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES)
    namespaces = graph.namespaces() if isinstance(graph, Graph) else new_graph().namespaces()
    prefixes = {prefix: str(ns) for prefix, ns in sorted(namespaces) if prefix}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.RDF_XML, prefixes=prefixes)


class Counters:
    """Counts of how outputs were written (a dataclass of int fields), so that a test can
    tell which path wrote them."""

    def reset(self) -> None:
        for field_ in fields(self):
            setattr(self, field_.name, 0)
