"""Serialise the validated graph: the same graph always gives the same bytes.

Every JSON-LD document is made the same way: a graph (the dataset, or the description of one
resource) → N-Quads → pyld ``from_rdf`` → pyld ``frame`` with the published context → arrays
sorted into the order of the source. Each is written twice: ``X.jsonld`` references the context
by its published IRI (``CONTEXT_IRI``), ``X.embedded.jsonld`` carries the context inline, so a
processor never needs the network.
"""

from __future__ import annotations

import csv
import io
import json
import re
import weakref
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pyoxigraph
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, SKOS, VOID

from .graph import GP, PREFIXES, new_graph

# DCAT 3 versioning terms, which rdflib's closed DCAT namespace does not list yet.
DCAT3 = Namespace(str(DCAT))
CITO = Namespace("http://purl.org/spar/cito/")

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"

# The context and the JSON Schema belong to the vocabulary, not to one deployment of the data:
# their IRIs derive from the fixed ontology namespace, whatever base IRI the data is built with.
VOCABULARY_ROOT = str(GP).removesuffix("def#")
CONTEXT_IRI = VOCABULARY_ROOT + "context.jsonld"
SCHEMA_FILE = "jsonld.schema.json"
SCHEMA_IRI = VOCABULARY_ROOT + SCHEMA_FILE

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "csv": "text/csv",
    "json": "application/json",
}
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

# A resource's document holds the resource and its parts, recursively: the memorandum holds its
# introduction, sections, conclusion and glossary; a section its practices; a unit its footnotes.
PART_PROPERTIES = (
    GP.introduction,
    SKOS.hasTopConcept,
    SKOS.narrower,
    GP.hasFootnote,
    GP.conclusion,
    DCTERMS.hasPart,
    DCAT.distribution,
)

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

# Readable key order in every node: identity first, then the text, the rest, the nested parts.
LEADING_KEYS = ("@context", "id", "type", "notation", "label", "title", "ordinal", "position")
TRAILING_KEYS = (
    "introduction", "footnotes", "citations", "hasTopConcept", "narrower", "conclusion",
    "hasPart", "distribution",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Schema files


def ontology_file(name: str) -> Path:
    """A file of the hand-written schema (ontology, shapes, context)."""
    path = ONTOLOGY_DIR / name
    if path.exists():
        return path
    return Path(str(resources.files("goodpractice") / "ontology" / name))  # installed wheel


def load_context() -> dict:
    """The published context document: ``{"@context": {...}}``."""
    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))


def load_schema() -> dict:
    """The JSON Schema (2020-12) every JSON-LD document we write validates against."""
    return json.loads(ontology_file(SCHEMA_FILE).read_text(encoding="utf-8"))


def offline_document_loader(url, options=None):
    """A pyld document loader that serves our context from disk and fetches nothing else.

    Use it as ``jsonld.expand(doc, {"documentLoader": offline_document_loader})``.
    """
    if url == CONTEXT_IRI:
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": load_context()}  # fmt: skip
    raise jsonld.JsonLdError(
        f"refusing to fetch {url}: only {CONTEXT_IRI} is known offline",
        "jsonld.LoadDocumentError", code="loading document failed")  # fmt: skip


# --------------------------------------------------------------------------------------------
# RDF serialisations


def ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted: the canonical form every other format starts from."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")


def canonical(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so serialisers that follow it are deterministic."""
    copy_ = new_graph()
    for prefix, namespace in graph.namespaces():
        copy_.bind(prefix, namespace, override=True, replace=True)
    copy_.parse(data=ntriples(graph).decode("utf-8"), format="nt")
    return copy_


def turtle(graph: Graph) -> bytes:
    return fast_turtle(graph)


def fast_turtle(triples) -> bytes:
    """Turtle written by pyoxigraph from the sorted triples, so the bytes depend on the triples
    alone; rdflib's Turtle writer takes seven times as long, and there is a Turtle document per
    resource."""
    converted = sorted({_oxigraph_triple(t) for t in triples}, key=str)
    used = "".join(str(t) for t in converted)
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items() if str(ns) in used}
    return pyoxigraph.serialize(converted, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)


def _oxigraph_term(term):
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(term.datatype))
        return pyoxigraph.Literal(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    return pyoxigraph.NamedNode(str(term))


def _oxigraph_triple(triple) -> pyoxigraph.Triple:
    return pyoxigraph.Triple(*(_oxigraph_term(term) for term in triple))


def rdfxml(graph: Graph) -> bytes:
    # rdflib's RDF/XML writers order namespaces and subjects by hash; pyoxigraph writes the
    # sorted triples in the order given, so the bytes depend on the graph alone.
    triples = pyoxigraph.parse(ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.RDF_XML, prefixes=prefixes)


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


def dumps(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# The published graph: the data plus its DCAT/VoID description


def dataset_iri(graph: Graph) -> URIRef:
    """The dataset node graph.py adds (``<base>dataset``)."""
    nodes = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)) & set(graph.subjects(VOID.uriSpace)))
    if not nodes:
        raise ValueError("the graph has no dcat:Dataset with a void:uriSpace")
    return URIRef(nodes[0])


def base_iri_of(graph: Graph) -> str:
    return str(graph.value(dataset_iri(graph), VOID.uriSpace))


def version_iri(graph: Graph) -> URIRef:
    """The IRI of this release, derived from the one version in content/publication.yaml."""
    dataset = dataset_iri(graph)
    return URIRef(f"{dataset}/{graph.value(dataset, OWL.versionInfo)}")


def published_graph(graph: Graph) -> Graph:
    """The graph with its dataset description: DCAT distributions, release and VoID statistics.

    The statistics count the returned graph itself (it is what dataset.nt holds), so they are
    computed once every other triple is in place. Idempotent.
    """
    dataset = dataset_iri(graph)
    if (dataset, DCAT.distribution, None) in graph:
        return graph
    base = base_iri_of(graph)
    published = new_graph()
    for triple in graph:
        published.add(triple)
    license_ = graph.value(dataset, DCTERMS.license)
    for fragment, filename, title, extension, conforms_to in DISTRIBUTIONS:
        node = URIRef(f"{dataset}#{fragment}")
        published.add((dataset, DCAT.distribution, node))
        published.add((node, RDF.type, DCAT.Distribution))
        published.add((node, DCTERMS.title, Literal(title, lang="en")))
        published.add((node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + MEDIA_TYPES[extension])))
        published.add((node, DCAT.downloadURL, URIRef(base + filename)))
        published.add((node, DCAT.accessURL, URIRef(base + filename)))
        if license_ is not None:
            published.add((node, DCTERMS.license, license_))
        if conforms_to:
            published.add((node, DCTERMS.conformsTo, URIRef(conforms_to)))
        if filename in RDF_DUMPS:
            published.add((dataset, VOID.dataDump, URIRef(base + filename)))
    release = version_iri(graph)
    published.add((dataset, OWL.versionIRI, release))
    published.add((dataset, DCAT3.hasCurrentVersion, release))
    published.add((dataset, DCAT3.hasVersion, release))
    published.add((release, DCAT3.isVersionOf, dataset))
    published.add((release, DCAT3.version, graph.value(dataset, OWL.versionInfo)))
    for vocabulary in _vocabularies(published):
        published.add((dataset, VOID.vocabulary, URIRef(vocabulary)))

    statistics = (VOID.triples, VOID.classes, VOID.properties, VOID.distinctSubjects)
    for prop in statistics:  # placeholders first: replacing a value keeps every count the same
        published.add((dataset, prop, Literal(0)))
    counts = {
        VOID.triples: len(published),
        VOID.classes: len(set(published.objects(None, RDF.type))),
        VOID.properties: len(set(published.predicates())),
        VOID.distinctSubjects: len(set(published.subjects())),
    }
    for prop in statistics:
        published.set((dataset, prop, Literal(counts[prop])))
    return published


def _vocabularies(graph: Graph) -> list[str]:
    """The namespaces of every property and class the data uses."""
    namespaces = sorted((str(ns) for ns in PREFIXES.values()), key=len, reverse=True)
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    found = set()
    for term in used:
        for namespace in namespaces:
            if str(term).startswith(namespace):
                found.add(namespace)
                break
    return sorted(found)


# --------------------------------------------------------------------------------------------
# Resources and their documents


def resource_path(iri: str, base_iri: str) -> str:
    """Where a resource's files go: its IRI relative to the base IRI (``rabat-washington/gp10``)."""
    if not iri.startswith(base_iri) or "#" in iri or iri == base_iri:
        raise ValueError(f"{iri} is not a document IRI under {base_iri}")
    return iri[len(base_iri) :]


def resource_iris(graph: Graph, base_iri: str) -> list[URIRef]:
    """Every resource that gets a document of its own: each subject under the base IRI, except
    hash IRIs (they live in the document before the '#') and the dataset, whose document is
    the whole dataset (dataset.ttl, dataset.jsonld, …)."""
    dataset = dataset_iri(graph)
    return sorted(
        {
            s
            for s in graph.subjects()
            if isinstance(s, URIRef)
            and str(s).startswith(base_iri)
            and "#" not in s
            and s != dataset
            and str(s) != base_iri
        }  # fmt: skip
    )


class _Index:
    """Lookups over one graph that every resource document needs."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.source_size = len(graph)
        self.triples = defaultdict(list)
        self.hash_nodes = defaultdict(list)
        for s, p, o in graph:
            self.triples[s].append((s, p, o))
        for s in self.triples:
            if isinstance(s, URIRef) and "#" in s:
                self.hash_nodes[URIRef(s.split("#", 1)[0])].append(s)
        self.order = {str(s): _order_key(graph, s) for s in self.triples}
        self.is_part = {o for p in PART_PROPERTIES for o in graph.objects(None, p)}

    def parts(self, node: URIRef) -> list[URIRef]:
        return sorted(
            {o for p in PART_PROPERTIES for o in self.graph.objects(node, p) if o in self.triples}
        )

    def members(self, root: URIRef) -> list[URIRef]:
        """The root, its parts recursively, and the hash nodes of each."""
        seen: dict[URIRef, None] = {}
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen[node] = None
            stack += self.hash_nodes.get(node, [])
            stack += self.parts(node)
        return list(seen)

    def member_triples(self, root: URIRef) -> list[tuple]:
        return [t for node in self.members(root) for t in self.triples.get(node, [])]

    def subgraph(self, root: URIRef) -> Graph:
        sub = new_graph()
        for triple in self.member_triples(root):
            sub.add(triple)
        return sub

    def frame(self, root: URIRef) -> dict:
        """A pyld frame nesting the root's parts (and citations under the text they come from)
        and leaving every other link a reference."""
        return self._node_frame(root, {"@id": [str(root)]}, set())

    def _node_frame(self, node: URIRef, frame: dict, seen: set) -> dict:
        seen = seen | {node}
        for p, o in sorted(self.graph.predicate_objects(node)):
            if p == RDF.type or not isinstance(o, URIRef):
                continue
            if p in PART_PROPERTIES and o in self.triples and o not in seen:
                child = frame.setdefault(str(p), {"@id": {}, "@embed": "@always"})
                self._node_frame(o, child, seen)
            else:
                frame.setdefault(str(p), {"@embed": "@never"})
        for citation in self.hash_nodes.get(node, []):
            if (citation, PROV.wasDerivedFrom, node) in self.graph:
                reverse = frame.setdefault("@reverse", {})
                child = reverse.setdefault(
                    str(PROV.wasDerivedFrom), {"@id": {}, "@embed": "@always"}
                )
                self._node_frame(citation, child, seen)
        return frame


def _order_key(graph: Graph, node) -> tuple:
    """Source order: gp:position (units), then gp:ordinal (numbers), then the IRI, digits as
    numbers (gp2 before gp10)."""
    position = graph.value(node, GP.position)
    ordinal = graph.value(node, GP.ordinal)
    return (
        int(position) if position is not None else 10**9,
        int(ordinal) if ordinal is not None else 10**9,
        _natural(str(node)),
    )


def _natural(text: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text))  # fmt: skip


FRAME_OPTIONS = {"embed": "@never", "omitDefault": True, "omitGraph": True}


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
    framed = _tidy(framed, order or {})
    framed["@context"] = load_context()["@context"] if embed_context else CONTEXT_IRI
    return _ordered_keys(framed)


def _tidy(value, order: dict):
    if isinstance(value, dict):
        return _ordered_keys({k: _tidy(v, order) for k, v in value.items()})
    if isinstance(value, list):
        items = [_tidy(v, order) for v in value]
        return sorted(items, key=lambda v: _value_key(v, order))
    return value


def _value_key(value, order: dict) -> tuple:
    if isinstance(value, dict) and "id" in value:
        iri = value["id"]
    elif isinstance(value, str):
        iri = value
    else:
        return (2, json.dumps(value, ensure_ascii=False, sort_keys=True))
    known = order.get(iri)
    return (0, known) if known else (1, _natural(iri))


def _ordered_keys(node: dict) -> dict:
    def rank(key: str) -> tuple:
        if key in LEADING_KEYS:
            return (0, LEADING_KEYS.index(key), "")
        if key in TRAILING_KEYS:
            return (2, TRAILING_KEYS.index(key), "")
        return (1, 0, key)

    return {k: node[k] for k in sorted(node, key=rank)}


def resource_document(graph: Graph, iri: str, *, embed_context: bool = False) -> dict:
    """The framed JSON-LD document of one resource: the resource, its parts nested (a practice
    with its footnotes and their citations, the memorandum with everything in it), the context
    referenced by ``CONTEXT_IRI`` or, with ``embed_context``, inline (e.g. for a web page)."""
    return _resource_document(_index_for(graph), URIRef(iri), embed_context=embed_context)


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index_for(graph: Graph) -> _Index:
    """The index of the published graph, built once per graph, so that a page per resource
    costs one document, not one graph; rebuilt if the graph has changed size."""
    index = _INDEXES.get(graph)
    if index is None or index.source_size != len(graph):
        index = _Index(published_graph(graph))
        index.source_size = len(graph)
        _INDEXES[graph] = index
    return index


def _resource_document(index: _Index, node: URIRef, *, embed_context: bool) -> dict:
    if node not in index.triples:
        raise KeyError(f"{node} is not described in the graph")
    try:
        document = _ordered_keys({"@context": CONTEXT_IRI, **_writer().nest(index, node, set())})
        document = _tidy(document, index.order)
    except _NeedsPyld:
        triples = index.member_triples(node)
        document = frame_document(to_expanded(triples), index.frame(node), index.order)
    if embed_context:
        document["@context"] = load_context()["@context"]
    return document


class _NeedsPyld(Exception):
    """A value the direct writer has no rule for: pyld frames that document instead."""


class _DirectWriter:
    """Writes what pyld's framing of a resource gives (the frame of ``_Index.frame``: parts
    nested, citations under their source, other links as IRIs), straight from the graph.

    pyld takes about 0.2 s per memorandum, most of it choosing terms value by value; this
    writer knows the context's few rules. The tests check that every document written equals
    pyld's framing of it; a value outside those rules raises _NeedsPyld and pyld does it.
    """

    def __init__(self, context: dict):
        self.terms: dict[str, tuple[str, str, bool]] = {}  # predicate → (term, kind, always a list)
        self.reverse: dict[str, tuple[str, bool]] = {}
        self.names: dict[str, str] = {}  # IRI → simple term, for types and @vocab values
        self.language = context.get("@language")
        prefixes = {
            k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))
        }
        self.prefixes = prefixes

        def expand(value: str) -> str:
            prefix, _, local = value.partition(":")
            return prefixes[prefix] + local if prefix in prefixes else value

        for term, definition in context.items():
            if term.startswith("@") or term in prefixes:
                continue
            if isinstance(definition, str):
                if not definition.startswith("@"):
                    self.names.setdefault(expand(definition), term)
                    self.terms.setdefault(expand(definition), (term, "default", False))
                continue
            is_set = definition.get("@container") == "@set"
            if "@reverse" in definition:
                self.reverse[expand(definition["@reverse"])] = (term, is_set)
                continue
            kind = {"@id": "id", "@vocab": "vocab"}.get(definition.get("@type"), "default")
            if kind == "default" and "@type" in definition:
                raise _NeedsPyld(term)  # a datatype coercion: not used by this context
            if "@language" in definition:
                kind = "plain" if definition["@language"] is None else "tagged"
            self.terms[expand(definition["@id"])] = (term, kind, is_set)
            self.names.setdefault(expand(definition["@id"]), term)
        self.set_terms = {term: is_set for term, _kind, is_set in self.terms.values()}
        self.set_terms.update(dict(self.reverse.values()))
        self.set_terms["type"] = False  # "type" is a plain alias of @type: a list only if several

    def nest(self, index: _Index, node: URIRef, seen: set) -> dict:
        """The framed node object: what pyld writes for the frame of ``_Index.frame``."""
        seen = seen | {node}
        output: dict = {"id": str(node)}
        values: dict[str, list] = defaultdict(list)
        for _s, p, o in index.triples.get(node, []):
            if p == RDF.type:
                values["type"].append(self.name(o))
                continue
            term, kind, _is_set = self.term(p)
            if p in PART_PROPERTIES and o in index.triples and o not in seen:
                values[term].append(self.nest(index, o, seen))
            else:
                values[term].append(self.value(o, kind))
        for citation in index.hash_nodes.get(node, []):
            if (citation, PROV.wasDerivedFrom, node) in index.graph:
                term, _is_set = self.reverse.get(str(PROV.wasDerivedFrom), (None, False))
                if term is None:
                    raise _NeedsPyld("no reverse term for prov:wasDerivedFrom")
                values[term].append(self.nest(index, citation, seen))
        for term, items in values.items():
            always_list = self.set_terms.get(term, False)
            output[term] = items if always_list or len(items) > 1 else items[0]
        return output

    def flat(self, index: _Index, node: URIRef) -> dict:
        """A node with every link as an IRI: one member of the flat @graph of the dataset."""
        output: dict = {"id": str(node)}
        values: dict[str, list] = defaultdict(list)
        for _s, p, o in index.triples.get(node, []):
            if p == RDF.type:
                values["type"].append(self.name(o))
            else:
                term, kind, _is_set = self.term(p)
                values[term].append(self.value(o, kind))
        for term, items in values.items():
            always_list = self.set_terms.get(term, False)
            output[term] = items if always_list or len(items) > 1 else items[0]
        return output

    def term(self, predicate) -> tuple[str, str, bool]:
        if str(predicate) not in self.terms:
            raise _NeedsPyld(f"no term for {predicate}")
        return self.terms[str(predicate)]

    def name(self, iri) -> str:
        if str(iri) not in self.names:
            raise _NeedsPyld(f"no term for the class {iri}")
        return self.names[str(iri)]

    def value(self, value, kind: str):
        if isinstance(value, BNode):
            raise _NeedsPyld("blank node")
        if isinstance(value, URIRef):
            if kind == "id":
                return str(value)
            if kind == "vocab" and str(value) in self.names:
                return self.names[str(value)]
            raise _NeedsPyld(f"IRI {value} under a {kind} term")
        language, datatype = value.language, value.datatype
        if kind == "plain" and language is None and datatype in (None, XSD_STRING):
            return str(value)
        if kind != "default":
            raise _NeedsPyld(f"literal {value!r} under a {kind} term")
        if language is not None:
            if language == self.language:
                return str(value)
            raise _NeedsPyld(f"literal in {language}")
        if datatype == XSD_INTEGER and re.fullmatch(r"[+-]?[0-9]+", str(value)):
            return int(str(value))  # what pyld's useNativeTypes gives
        if datatype is not None and datatype not in (
            XSD_STRING,
            XSD_INTEGER,
            XSD_BOOLEAN,
            XSD_DOUBLE,
        ):
            return {"type": self.compact_iri(str(datatype)), "@value": str(value)}
        raise _NeedsPyld(f"literal {value!r} under a term with a default language")

    def compact_iri(self, iri: str) -> str:
        for prefix, namespace in sorted(self.prefixes.items()):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        raise _NeedsPyld(f"no prefix for {iri}")


XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
XSD_DOUBLE = URIRef("http://www.w3.org/2001/XMLSchema#double")


def _writer() -> _DirectWriter:
    context = load_context()["@context"]
    key = json.dumps(context, sort_keys=True)
    if _WRITERS.get("key") != key:
        _WRITERS.update(key=key, writer=_DirectWriter(context))
    return _WRITERS["writer"]


_WRITERS: dict = {}


def resource_frame(graph: Graph, iri: str) -> dict:
    """The frame resource_document uses, for consumers who re-frame our documents."""
    return _index_for(graph).frame(URIRef(iri))


def source_order(graph: Graph) -> dict[str, tuple]:
    """The sort key of every node (by IRI) that frame_document orders arrays with."""
    return _index_for(graph).order


def resource_files(graph: Graph, base_iri: str) -> dict[str, bytes]:
    """One document per resource at the path of its IRI: ``rabat-washington/gp10.jsonld``
    (context by IRI), ``.embedded.jsonld`` (context inline) and ``.ttl``, same triples in each."""
    index = _index_for(graph)
    context = load_context()["@context"]
    resources_ = resource_iris(index.graph, base_iri)
    documents: dict[str, dict] = {}
    # A part's document is the part as nested in its whole's document (the frame nests the same
    # triples the same way), so each whole is framed once and its parts are cut out of it.
    for node in sorted(resources_, key=lambda n: n in index.is_part):
        if str(node) not in documents:
            document = _resource_document(index, node, embed_context=False)
            documents[str(node)] = document
            for nested in _nested_nodes(document):
                documents.setdefault(nested["id"], {"@context": CONTEXT_IRI, **nested})
    files: dict[str, bytes] = {}
    for node in resources_:
        path = resource_path(str(node), base_iri)
        document = _ordered_keys(documents[str(node)])
        files[f"{path}.jsonld"] = dumps(document)
        files[f"{path}.embedded.jsonld"] = dumps({**document, "@context": context})
        files[f"{path}.ttl"] = fast_turtle(index.member_triples(node))
    return files


def _nested_nodes(value):
    """Every node object nested in a document (not the document's own node)."""
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, dict) and "id" in child:
            yield child
        if isinstance(child, (dict, list)):
            yield from _nested_nodes(child)


def dataset_document(graph: Graph, *, embed_context: bool = False) -> dict:
    """The whole graph, flat: every node at the top level, sorted, links as IRIs."""
    index = _index_for(graph)
    try:
        writer = _writer()
        nodes = [writer.flat(index, node) for node in index.triples]
        document = _tidy({"@context": CONTEXT_IRI, "@graph": nodes}, index.order)
    except _NeedsPyld:
        document = frame_document(to_expanded(graph), {}, index.order)
    if embed_context:
        document["@context"] = load_context()["@context"]
    return document


def description_graph(graph: Graph) -> Graph:
    """The dataset node with its distributions and release: dataset-description.ttl."""
    return _index_for(graph).subgraph(dataset_iri(graph))


# --------------------------------------------------------------------------------------------
# CSV for spreadsheets


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _text(graph: Graph, node, prop) -> str:
    value = graph.value(node, prop)
    return "" if value is None else str(value)


PRACTICES_HEADER = ["notation", "title", "section", "section_title", "memorandum", "iri"]
CITATIONS_HEADER = [
    "citing_unit", "citing_label", "cited_resource", "cited_label", "citation_type",
    "footnote", "citing_words", "citation",
]  # fmt: skip


def practices_csv(graph: Graph) -> bytes:
    """Every good practice of an encoded memorandum (one with sections), in source order."""
    rows = []
    for practice in set(graph.subjects(RDF.type, GP.GoodPractice)):
        section = graph.value(practice, SKOS.broader)
        if section is None:  # a practice of another memorandum, cited but not encoded
            continue
        memorandum = graph.value(practice, SKOS.inScheme)
        rows.append(
            (
                (str(memorandum), _order_key(graph, practice)),
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
    """Every typed citation: from the citing unit, in source order, footnote citations after the
    unit's own text."""
    rows = []
    for citation in set(graph.subjects(RDF.type, CITO.Citation)):
        citing = graph.value(citation, CITO.hasCitingEntity)
        cited = graph.value(citation, CITO.hasCitedEntity)
        kind = graph.value(citation, CITO.hasCitationCharacterization)
        source = graph.value(citation, PROV.wasDerivedFrom)
        footnote = (
            _text(graph, source, GP.ordinal) if (source, RDF.type, GP.Footnote) in graph else ""
        )
        scheme = graph.value(citing, SKOS.inScheme) or graph.value(citing, DCTERMS.isPartOf)
        key = (
            str(scheme),
            _order_key(graph, citing),
            int(footnote or 0),
            int(graph.value(citation, GP.ordinal) or 0),
        )
        rows.append(
            (
                key,
                [
                    str(citing),
                    _text(graph, citing, SKOS.notation) or _text(graph, citing, SKOS.prefLabel),
                    str(cited),
                    _text(graph, cited, SKOS.prefLabel),
                    str(kind).rsplit("/", 1)[-1],
                    footnote,
                    _text(graph, citation, GP.citingWords),
                    str(citation),
                ],
            )
        )
    return _csv(CITATIONS_HEADER, [row for _key, row in sorted(rows)])


# --------------------------------------------------------------------------------------------
# Everything build/ holds


def dataset_files(graph: Graph) -> dict[str, bytes]:
    """Every export by relative path: the whole dataset in each format, its description, CSV,
    the schema files, and one document per resource at the path of its IRI."""
    published = published_graph(graph)
    context = load_context()
    whole = dataset_document(published)
    description = description_graph(published)
    description_document = resource_document(published, str(dataset_iri(published)))
    files = {
        "dataset.ttl": turtle(published),
        "dataset.nt": ntriples(published),
        "dataset.rdf": rdfxml(published),
        "dataset.jsonld": dumps(whole),
        "dataset.embedded.jsonld": dumps({**whole, "@context": context["@context"]}),
        "dataset-description.ttl": turtle(description),
        "dataset-description.jsonld": dumps(description_document),
        "dataset-description.embedded.jsonld": dumps(
            {**description_document, "@context": context["@context"]}
        ),
        "practices.csv": practices_csv(published),
        "citations.csv": citations_csv(published),
        "ontology.ttl": ontology_file("ontology.ttl").read_bytes(),
        "shapes.ttl": ontology_file("shapes.ttl").read_bytes(),
        "context.jsonld": ontology_file("context.jsonld").read_bytes(),
        SCHEMA_FILE: ontology_file(SCHEMA_FILE).read_bytes(),
    }
    resources_ = resource_files(published, base_iri_of(published))
    clashes = sorted(set(files) & set(resources_))
    if clashes:
        raise ValueError(f"resource documents would overwrite dataset files: {clashes}")
    return {**files, **resources_}
