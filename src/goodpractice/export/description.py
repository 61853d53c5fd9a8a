"""The dataset description published with the data: DCAT distributions, the release (DCAT 3
versioning) and VoID statistics, added to the graph's own triples; and the description as its
own document, which conforms to DCAT-AP 3.0.1 (the European profile of DCAT that data portals
harvest)."""

from __future__ import annotations

from operator import itemgetter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID

from ..graph import base_iri_of, dataset_iri, version_of
from ..graph.store import TripleStore
from ..iris import SCHEMA_IRI, versioned_context_iri
from ..vocab import DCAT3, IANA_MEDIA_TYPES, MEDIA_TYPES, PREFIXES

# (fragment of the distribution IRI, file, title, extension for the media type, conforms to)
DISTRIBUTIONS = (
    ("turtle", "dataset.ttl", "The whole dataset as Turtle", "ttl", None),
    (
        "n-triples",
        "dataset.nt",
        "The whole dataset as N-Triples, one triple a line, sorted",
        "nt",
        None,
    ),
    ("rdf-xml", "dataset.rdf", "The whole dataset as RDF/XML", "rdf", None),
    (
        "json-ld",
        "dataset.jsonld",
        "The whole dataset as JSON-LD, context by reference",
        "jsonld",
        SCHEMA_IRI,
    ),
    (
        "json-ld-embedded",
        "dataset.embedded.jsonld",
        "The whole dataset as JSON-LD, context embedded",
        "jsonld",
        SCHEMA_IRI,
    ),
    (
        "practices-csv",
        "practices.csv",
        "The good practices as CSV: notation, title, section, IRI",
        "csv",
        None,
    ),
    (
        "citations-csv",
        "citations.csv",
        "The typed citations as CSV: citing unit, cited resource, type, footnote",
        "csv",
        None,
    ),
)
RDF_DUMPS = ("dataset.ttl", "dataset.nt", "dataset.rdf", "dataset.jsonld")
# The class DCAT-AP 3.0.1 expects of what the description links to by each property (its
# class-range shapes): the licence is a licence document, a media type is a media type, what a
# distribution or the release conforms to is a standard (the JSON Schema, the context), the
# publisher is an agent (a foaf:Organization already, but a consumer checking ranges sees only
# what the document states).
RANGES = {
    DCTERMS.license: DCTERMS.LicenseDocument,
    DCAT.mediaType: DCTERMS.MediaType,
    DCTERMS.conformsTo: DCTERMS.Standard,
    DCTERMS.publisher: FOAF.Agent,
}


def version_iri(graph: Graph) -> URIRef:
    """The IRI of this release, derived from the one version in content/publication.yaml."""
    return URIRef(f"{dataset_iri(graph)}/{version_of(graph)}")


def published_triples(graph: Graph) -> list[tuple]:
    """The triples of the published dataset: the graph, its blank nodes labelled canonically,
    and the dataset description: DCAT distributions, the release, VoID statistics.

    The statistics count the published triples themselves (what dataset.nt holds), so they
    are computed once every other triple is in place. Plain tuples: copying a large rdflib
    graph costs more than everything the exports then do with it.
    """
    dataset = dataset_iri(graph)
    triples = with_canonical_blank_nodes(graph)
    if (dataset, DCAT.distribution, None) in graph:
        return triples
    base = base_iri_of(graph)
    added = []
    license_ = graph.value(dataset, DCTERMS.license)
    for fragment, filename, title, extension, conforms_to in DISTRIBUTIONS:
        node = URIRef(f"{dataset}#{fragment}")
        added.append((dataset, DCAT.distribution, node))
        added.append((node, RDF.type, DCAT.Distribution))
        added.append((node, DCTERMS.title, Literal(title, lang="en")))
        added.append((node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + MEDIA_TYPES[extension])))
        added.append((node, DCAT.downloadURL, URIRef(base + filename)))
        added.append((node, DCAT.accessURL, URIRef(base + filename)))
        if license_ is not None:
            added.append((node, DCTERMS.license, license_))
        if conforms_to:
            added.append((node, DCTERMS.conformsTo, URIRef(conforms_to)))
        if filename in RDF_DUMPS:
            added.append((dataset, VOID.dataDump, URIRef(base + filename)))
    # The release (DCAT 3 versioning): a dataset of its own, a version of the dataset, dated by
    # the dataset's last change, and tied to the context published for it.
    release = version_iri(graph)
    added.append((dataset, DCAT3.hasCurrentVersion, release))
    added.append((dataset, DCAT3.hasVersion, release))
    version = graph.value(dataset, OWL.versionInfo)
    added.append((release, RDF.type, DCAT.Dataset))
    added.append((release, DCTERMS.isVersionOf, dataset))
    added.append((release, DCAT3.version, version))
    # DCAT-AP requires a title and a description of every dataset, a release included.
    title = graph.value(dataset, DCTERMS.title)
    if title is not None:
        added.append((release, DCTERMS.title, Literal(f"{title}, release {version}", lang="en")))
        added.append(
            (release, DCTERMS.description, Literal(f"Release {version} of {title}.", lang="en"))
        )
    release_date = graph.value(dataset, DCTERMS.modified) or graph.value(dataset, DCTERMS.issued)
    if release_date is not None:
        added.append((release, DCTERMS.issued, release_date))
    added.append((release, DCTERMS.conformsTo, URIRef(versioned_context_iri(version_of(graph)))))
    # The graph's own triples are distinct already: only what is added is looked up (in the
    # graph: hashing every triple costs more, a literal's hash being Python's)
    if any(isinstance(term, BNode) for triple in added for term in triple):
        unique = list(dict.fromkeys([*triples, *added]))
    else:
        unique = list(triples)
        unique += [triple for triple in dict.fromkeys(added) if triple not in graph]
    seen = set(unique[len(triples) :])

    def add(triple: tuple) -> None:
        if triple not in seen and triple not in graph:
            seen.add(triple)
            unique.append(triple)

    # Sets made in C (itemgetter), terms compared by hash: rdflib's __eq__ is Python
    predicates = set(map(_PREDICATE, unique))
    is_type = {RDF.type}
    classes = {o for _s, p, o in unique if p in is_type}
    described = len(unique)
    for vocabulary in vocabularies(predicates | classes):
        add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    statistics = (VOID.triples, VOID.classes, VOID.properties, VOID.distinctSubjects)
    predicates |= {p for _s, p, _o in unique[described:]} | set(statistics)
    counts = {
        VOID.triples: len(unique) + len(statistics),
        VOID.classes: len(classes),  # the vocabularies are no types
        VOID.properties: len(predicates),
        VOID.distinctSubjects: len(set(map(_SUBJECT, unique))),
    }
    for prop in statistics:
        add((dataset, prop, Literal(counts[prop])))
    return unique


def description_triples(members: list[tuple], label_of) -> list[tuple]:
    """The dataset description as its own document: the dataset's triples and its parts'
    (``members``: distributions, releases), and what DCAT-AP 3.0.1 expects to be stated of the
    resources they link to: the class of each (``RANGES``), and an agent's name
    (``label_of``: a resource → its skos:prefLabel, or None)."""
    described = dict.fromkeys(members)
    for _s, p, o in members:
        if p in RANGES and isinstance(o, URIRef):
            described[(o, RDF.type, RANGES[p])] = None
            if RANGES[p] == FOAF.Agent and label_of(o) is not None:
                described[(o, FOAF.name, label_of(o))] = None
    return list(described)


def with_canonical_blank_nodes(graph: Graph) -> list[tuple]:
    """The triples, blank nodes labelled from the graph alone (rdflib's canonical labelling),
    so that every serialisation of a graph with blank nodes is the same from build to build."""
    triples = graph_triples(graph)
    kinds = set(map(type, map(_SUBJECT, triples))) | set(map(type, map(_OBJECT, triples)))
    if not any(issubclass(kind, BNode) for kind in kinds):
        return triples
    return list(to_canonical_graph(graph))


def graph_triples(graph: Graph) -> list[tuple]:
    """``list(graph)``, in the same order; read straight from the build's own store's index
    where the graph is held in one (rdflib yields each triple through two generators)."""
    store = graph.store
    if type(store) is not TripleStore:
        return list(graph)
    return [(s, p, o) for s, by_predicate in store.spo.items()
            for p, objects in by_predicate.items() for o in objects]  # fmt: skip


_SUBJECT, _PREDICATE, _OBJECT = itemgetter(0), itemgetter(1), itemgetter(2)


def vocabularies(used: set) -> list[str]:
    """The namespaces of the properties and classes used."""
    namespaces = sorted((str(ns) for ns in PREFIXES.values()), key=len, reverse=True)
    found = set()
    for term in used:
        for namespace in namespaces:
            if str(term).startswith(namespace):
                found.add(namespace)
                break
    return sorted(found)
