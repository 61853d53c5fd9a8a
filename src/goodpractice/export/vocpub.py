"""The VocPub documents: each encoded memorandum, and each glossary, as a SKOS vocabulary in the
VocPub profile (the Australian government profile for publishing SKOS vocabularies), written
at ``<path>.vocpub.ttl`` beside the resource's own documents.

A VocPub document is one concept scheme and its concepts, with what the profile requires of a
vocabulary: a created and a modified date, and its creator and publisher as organisations with
a name and a website. Every fact comes from the graph:

- created: the memorandum's issue date (``dcterms:issued``; a glossary is the memorandum's);
- modified: the scheme's ``dcterms:modified`` in the graph if it has one (the date of the
  edition's last release that changed it), otherwise the publication's ``modified`` date
  (``content/publication.yaml``);
- creator and publisher: the organisations the graph names, each with its label and its
  ``schema:url`` (``content/catalogue/organisations.yaml``).

A fact the content does not give is left out, and ``missing_facts`` says which.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ..graph import base_iri_of, dataset_iri
from ..iris import resource_path
from ..vocab import GP, SCHEMA, VOCPUB_PROFILE
from .index import GraphView, graph_view, index_for

DATES = (XSD.date, XSD.dateTime, XSD.dateTimeStamp)


def vocabularies(graph: Graph) -> list[URIRef]:
    """The schemes that get a VocPub document: each encoded memorandum and each glossary (a
    cited memorandum of the catalogue is only a stub, with no text of its own)."""
    found = set(graph.subjects(RDF.type, GP.Glossary))
    found |= set(graph.subjects(GP.introduction, None))
    return sorted(found)


def vocpub_path(scheme: URIRef, base_iri: str) -> str:
    return resource_path(str(scheme), base_iri) + VOCPUB_PROFILE.suffix + ".ttl"


def iter_vocpub_files(graph: Graph, memory=None) -> Iterator[tuple[str, bytes]]:
    """(``rabat-washington.vocpub.ttl``, Turtle) for each vocabulary. ``memory``: an
    ``ExportMemory``, which gives back a document whose triples are the last build's."""
    base = base_iri_of(graph)
    view = graph_view(graph)  # the same answers, from the export's index
    blocks = index_for(graph).blocks  # a concept's Turtle is already written: reused

    def write(triples: list[tuple]) -> bytes:
        return blocks.triples_documents(triples)[1]

    if memory is None:
        for scheme in vocabularies(view):
            yield vocpub_path(scheme, base), write(vocpub_triples(view, scheme))
        return
    memory.start_vocpub()
    if not isinstance(view, GraphView):  # blank nodes: the graph, whose reads are not tracked
        for scheme in vocabularies(view):
            triples = vocpub_triples(view, scheme)
            yield vocpub_path(scheme, base), memory.vocpub_turtle(triples, write)
        memory.end_vocpub()
        return
    # Each document the last build's while nothing it read changed (``ExportMemory.kept``)
    dataset = index_for(graph).dataset or dataset_iri(view)  # the index's: no search by type
    for scheme in memory.kept("vocabularies", view, lambda: vocabularies(view)):

        def make(scheme=scheme):
            return memory.vocpub_turtle(vocpub_triples(view, scheme, dataset), write)

        yield vocpub_path(scheme, base), memory.kept(("vocpub", scheme), view, make)
    memory.end_vocpub()


def memorandum_of(graph: Graph, scheme: URIRef) -> URIRef:
    """The memorandum a vocabulary belongs to: itself, or the one a glossary is part of."""
    return graph.value(scheme, DCTERMS.isPartOf) or scheme


def vocpub_triples(graph: Graph, scheme: URIRef, dataset: URIRef | None = None) -> list[tuple]:
    """The scheme, its concepts and its agents, as VocPub wants them (``dataset``: the
    dataset's IRI, if known)."""
    triples: dict[tuple, None] = {}
    for triple in graph.triples((scheme, None, None)):
        if triple[1] != DCTERMS.modified:
            triples[triple] = None
    concepts = sorted(c for c in graph.subjects(SKOS.inScheme, scheme))
    for concept in concepts:
        triples.update(dict.fromkeys(graph.triples((concept, None, None))))
    created = graph.value(memorandum_of(graph, scheme), DCTERMS.issued)
    if created is not None:
        triples[(scheme, DCTERMS.created, created)] = None
    triples[(scheme, DCTERMS.modified, modified_date(graph, scheme, dataset))] = None
    for agent in agents(graph, scheme):
        triples[(agent, RDF.type, SCHEMA.Organization)] = None
        label = graph.value(agent, SKOS.prefLabel)
        if label is not None:
            triples[(agent, SCHEMA.name, label)] = None
        for url in sorted(graph.objects(agent, SCHEMA.url)):
            triples[(agent, SCHEMA.url, Literal(str(url), datatype=XSD.anyURI))] = None
    return list(triples)


def modified_date(graph: Graph, scheme: URIRef, dataset: URIRef | None = None) -> Literal:
    """The scheme's own dcterms:modified (the last release that changed it), if the graph has
    one; otherwise the publication's (``dataset``: the dataset's IRI, if known)."""
    return graph.value(scheme, DCTERMS.modified) or graph.value(
        dataset if dataset is not None else dataset_iri(graph), DCTERMS.modified
    )


def agents(graph: Graph, scheme: URIRef) -> list[URIRef]:
    return sorted(
        set(graph.objects(scheme, DCTERMS.creator)) | set(graph.objects(scheme, DCTERMS.publisher))
    )


def missing_facts(graph: Graph, locations: dict | None = None) -> list[str]:
    """What the VocPub documents lack because the content does not give it, one line per missing
    fact (``file:line: `` first where ``locations`` knows where the resource is written)."""
    base = base_iri_of(graph)
    locations = locations or {}
    lines = []
    unnamed: dict[URIRef, list[str]] = {}  # an organisation without a website → documents
    for scheme in vocabularies(graph):
        name = vocpub_path(scheme, base)
        memorandum = memorandum_of(graph, scheme)
        created = graph.value(memorandum, DCTERMS.issued)
        if created is None or getattr(created, "datatype", None) not in DATES:
            where = f"{locations[memorandum]}: " if memorandum in locations else ""
            state = "has no issue date" if created is None else "has only a partial issue date"
            lines.append(
                f"{where}{name}: the memorandum {state} (issued), so the VocPub document has no "
                "created date, which VocPub requires."
            )
        if not agents(graph, scheme):
            lines.append(f"{name}: no creator or publisher, which VocPub requires.")
        for agent in agents(graph, scheme):
            if graph.value(agent, SCHEMA.url) is None:
                unnamed.setdefault(agent, []).append(name)
    for agent, documents in sorted(unnamed.items()):
        where = f"{locations[agent]}: " if agent in locations else ""
        key = str(agent).removeprefix(base)
        named_in = documents[0] + (f" and {len(documents) - 1} more" if len(documents) > 1 else "")
        lines.append(
            f"{where}{key} has no website (url), which VocPub requires of every organisation a "
            f"vocabulary names: {named_in}."
        )
    return lines
