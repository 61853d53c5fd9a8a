"""JSON-LD documents: every one a JSON-LD 1.1 framing of a set of triples (the dataset, or one
resource with its parts, their hash nodes and the blank nodes they link to) with the published
context, arrays sorted into the order of the source.

The direct writer (``direct.py``) writes each framed document straight from the triples; pyld's
``jsonld.frame`` with the same frame (``resource_frame``) is its oracle and frames any document
the direct writer has no rule for. ``stats`` counts which of them wrote each document, and
whether orjson wrote its bytes, so that a test can tell the fast paths ran.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import orjson
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..iris import CONTEXT_IRI
from .direct import (  # noqa: F401  (the key order is stated in direct.py, used by both)
    LEADING_KEYS,
    TRAILING_KEYS,
    NeedsPyld,
    direct_writer,
    key_rank,
    value_sort_key,
)
from .index import ResourceIndex, index_for
from .rdf import Counters
from .schema import context_text, load_context, offline_document_loader

FRAME_OPTIONS = {"embed": "@never", "omitDefault": True, "omitGraph": True}


@dataclass
class WriteStats(Counters):
    """How the documents written so far were made: by the direct writer or by pyld, their
    bytes by orjson or by the standard library (for a value orjson does not take)."""

    direct: int = 0
    pyld: int = 0
    orjson: int = 0
    stdlib: int = 0


stats = WriteStats()


def dumps(document) -> bytes:
    """JSON, UTF-8, indented by two spaces, keys in the order given, a final newline: orjson
    writes the same bytes as the standard library (a test holds them to it), several times
    faster."""
    try:
        data = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    except TypeError:  # a value orjson does not take (an integer beyond 64 bits)
        stats.stdlib += 1
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    stats.orjson += 1
    return data


_REFERENCE = b'{\n  "@context": ' + json.dumps(CONTEXT_IRI).encode("utf-8")


def with_embedded_context(data: bytes, prefix: bytes | None = None) -> bytes:
    """The document of ``data`` (written by dumps, its context referenced by CONTEXT_IRI) with
    the context written inline instead: the same bytes as dumps of the embedded document,
    without encoding the document a second time. ``prefix``: ``embedded_context_prefix()``,
    if the caller has it (it checks the context file for changes)."""
    if not data.startswith(_REFERENCE):
        raise ValueError("not a document written by dumps with its context by reference")
    prefix = embedded_context_prefix() if prefix is None else prefix
    return b"".join((prefix, memoryview(data)[len(_REFERENCE) :]))


_PREFIX: dict = {}


def embedded_context_prefix() -> bytes:
    key = context_text()
    if _PREFIX.get("key") != key:
        text = dumps({"@context": json.loads(key)["@context"]})
        _PREFIX.update(key=key, prefix=text[: text.rstrip().rindex(b"\n")])
    return _PREFIX["prefix"]  # the document up to the closing brace of the context


# --------------------------------------------------------------------------------------------
# pyld: the oracle, and the writer of what the direct writer has no rule for


def to_expanded(graph: Graph | list) -> list:
    """Expanded JSON-LD of the graph; xsd:integer values become JSON numbers.

    pyld is given the triples as its own RDF dataset structure, sorted: its N-Quads parser
    checks each line against every earlier one, which is quadratic in the size of the graph.
    """
    triples = [
        {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
        for s, p, o in sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    ]
    return jsonld.from_rdf({"@default": triples}, {"useNativeTypes": True})


def _pyld_term(term) -> dict:
    if isinstance(term, Literal):
        if term.language:
            return {"type": "literal", "value": str(term), "language": term.language,
                    "datatype": str(RDF.langString)}  # fmt: skip
        datatype = term.datatype or URIRef("http://www.w3.org/2001/XMLSchema#string")
        return {"type": "literal", "value": str(term), "datatype": str(datatype)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    return {"type": "IRI", "value": str(term)}


def frame_document(
    input_, frame: dict, order: dict | None = None, *, embed_context: bool = False
) -> dict:
    """Frame any JSON-LD input (expanded or compacted) with our context and tidy the result:
    arrays in source order, keys in a readable order, the context referenced or embedded."""
    options = {**FRAME_OPTIONS, "documentLoader": offline_document_loader}
    # by IRI: pyld caches a context it loaded by URL, and canonicalises an inline one every time
    framed = jsonld.frame(input_, {"@context": CONTEXT_IRI, **frame}, options)
    if "@graph" in framed:  # a wildcard frame also matches IRIs only ever used as objects
        framed["@graph"] = [node for node in framed["@graph"] if set(node) != {"id"}]
    framed = tidy(framed, order or {})
    framed["@context"] = load_context()["@context"] if embed_context else CONTEXT_IRI
    return ordered_keys(framed)


def tidy(value, order: dict, keys: dict | None = None):
    """Keys in the readable order, arrays in source order (``order``: node IRI → sort key).
    ``keys`` keeps each IRI's sort key across calls with the same ``order`` (a cache)."""
    value_key = value_sort_key(order, {} if keys is None else keys)

    def walk(item):
        if type(item) is dict or isinstance(item, dict):
            return {k: walk(item[k]) for k in sorted(item, key=key_rank)}
        if type(item) is list or isinstance(item, list):
            items = [walk(v) for v in item]
            if len(items) > 1:
                items.sort(key=value_key)
            return items
        return item

    return walk(value)


def ordered_keys(node: dict) -> dict:
    return {k: node[k] for k in sorted(node, key=key_rank)}


# --------------------------------------------------------------------------------------------
# The documents


def resource_document(graph: Graph, iri: str, *, embed_context: bool = False) -> dict:
    """The framed JSON-LD document of one resource: the resource, its parts nested (a practice
    with its footnotes and their citations, the memorandum with everything in it), the context
    referenced by ``CONTEXT_IRI`` or, with ``embed_context``, inline (e.g. for a web page)."""
    return indexed_resource_document(index_for(graph), URIRef(iri), embed_context=embed_context)


def indexed_resource_document(
    index: ResourceIndex, node: URIRef, *, embed_context: bool = False
) -> dict:
    """``resource_document`` from the index of the published graph."""
    if node not in index.triples:
        raise KeyError(f"{node} is not described in the graph")
    try:
        sort_key = value_sort_key(index.order, index.sort_keys)
        # tidy as written: what tidy() of the document gives
        document = {"@context": CONTEXT_IRI, **direct_writer().nest(index, node, set(), sort_key)}
        stats.direct += 1
    except NeedsPyld:
        triples = index.member_triples(node)
        document = frame_document(to_expanded(triples), index.frame(node), index.order)
        stats.pyld += 1
    if embed_context:
        document["@context"] = load_context()["@context"]
    return document


def dataset_document(graph: Graph, *, embed_context: bool = False) -> dict:
    """The whole graph, flat: every node at the top level, sorted, links as IRIs."""
    index = index_for(graph)
    try:
        writer = direct_writer()
        sort_key = value_sort_key(index.order, index.sort_keys)
        nodes = [writer.flat(index, node, sort_key) for node in index.triples]
        nodes.sort(key=sort_key)  # each node tidy as written: this is what tidy() gives
        document = {"@context": CONTEXT_IRI, "@graph": nodes}
        stats.direct += 1
    except NeedsPyld:
        document = frame_document(to_expanded(index.all), {}, index.order)
        stats.pyld += 1
    if embed_context:
        document["@context"] = load_context()["@context"]
    return document


def resource_frame(graph: Graph, iri: str) -> dict:
    """The frame resource_document uses, for consumers who re-frame our documents."""
    return index_for(graph).frame(URIRef(iri))


def source_order(graph: Graph) -> dict[str, tuple]:
    """The sort key of every node (by IRI) that frame_document orders arrays with."""
    return index_for(graph).order
