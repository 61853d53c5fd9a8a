"""Serialise the validated graph: the same graph always gives the same bytes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pyoxigraph
from pyld import jsonld
from rdflib import Graph

from .graph import new_graph

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
CONTEXT_IRI = "https://w3id.org/gctf-good-practices/context.jsonld"

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "csv": "text/csv",
    "json": "application/json",
}


def ontology_file(name: str) -> Path:
    """A file of the hand-written schema (ontology, shapes, context)."""
    path = ONTOLOGY_DIR / name
    if path.exists():
        return path
    return Path(str(resources.files("goodpractice") / "ontology" / name))  # installed wheel


def load_context() -> dict:
    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))


def ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted: the canonical form every other format starts from."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")


def canonical(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so serialisers that follow it are deterministic."""
    copy = new_graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy.parse(data=ntriples(graph).decode("utf-8"), format="nt")
    return copy


def turtle(graph: Graph) -> bytes:
    return canonical(graph).serialize(format="turtle", encoding="utf-8")


def rdfxml(graph: Graph) -> bytes:
    # rdflib's RDF/XML writers order namespaces and subjects by hash; pyoxigraph writes the
    # sorted triples in the order given, so the bytes depend on the graph alone.
    triples = pyoxigraph.parse(ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.RDF_XML, prefixes=prefixes)


def to_expanded(graph: Graph) -> list:
    return jsonld.from_rdf(ntriples(graph).decode("utf-8"),
                           {"format": "application/n-quads", "useNativeTypes": False})


def compact(graph: Graph, context: dict | None = None) -> dict:
    """Compacted JSON-LD with the project's context embedded, nodes sorted by IRI."""
    context = context or load_context()
    document = jsonld.compact(to_expanded(graph), context, {"documentLoader": _no_network})
    nodes = document.get("@graph", [document] if "id" in document else [])
    nodes = sorted((_without_context(n) for n in nodes), key=lambda n: n.get("id", ""))
    return {"@context": context["@context"], "@graph": nodes}


def dumps(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _without_context(node: dict) -> dict:
    return {k: v for k, v in node.items() if k != "@context"}


def _no_network(url, options=None):
    raise jsonld.JsonLdError(
        f"refusing to fetch {url}: every context this project uses is embedded",
        "jsonld.LoadDocumentError", code="loading document failed")


def dataset_files(graph: Graph) -> dict[str, bytes]:
    """The whole dataset in every RDF format, plus the schema files, by relative path."""
    return {
        "dataset.ttl": turtle(graph),
        "dataset.nt": ntriples(graph),
        "dataset.rdf": rdfxml(graph),
        "dataset.jsonld": dumps(compact(graph)),
        "ontology.ttl": ontology_file("ontology.ttl").read_bytes(),
        "context.jsonld": ontology_file("context.jsonld").read_bytes(),
    }
