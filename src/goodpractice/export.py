"""Serialise the validated graph: the same graph always gives the same bytes.

Every JSON-LD document is a JSON-LD 1.1 framing of a set of triples (the dataset, or one
resource with its parts, their hash nodes and the blank nodes they link to) with the published
context, arrays sorted into the order of the source. ``_DirectWriter`` writes the framed
document straight from the triples; pyld's ``jsonld.frame`` with the same frame
(``resource_frame``) is its oracle: the tests hold every document to it, and any value the
direct writer has no rule for (a blank node, a datatype outside the context) is framed by pyld.
Each document is written twice: ``X.jsonld`` references the context by its published IRI
(``CONTEXT_IRI``), ``X.embedded.jsonld`` carries the context inline, so a processor never needs
the network. RDF is written from plain tuples: N-Triples by rdflib's row writer, sorted;
Turtle and RDF/XML by pyoxigraph from the sorted triples.
"""

from __future__ import annotations

import csv
import io
import json
import re
import weakref
from collections import defaultdict
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pyoxigraph
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, SKOS, VOID
from rdflib.plugins.serializers.nt import _nt_row

from .graph import new_graph
from .vocab import GP, PREFIXES

try:  # optional: the same bytes as json.dumps, faster
    import orjson as _orjson
except ImportError:  # pragma: no cover - the standard library writes them then
    _orjson = None

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
# DCAT 3 names media types by their IANA registry IRIs, https and all.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

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
    DCAT3.hasVersion,
)
_PARTS = frozenset(PART_PROPERTIES)
# Terms looked up once: rdflib resolves namespace attributes on every access.
_TYPE, _POSITION, _ORDINAL = RDF.type, GP.position, GP.ordinal
_DERIVED_FROM = PROV.wasDerivedFrom

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
    "hasPart", "distribution", "hasVersion",
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
    """The published context document: ``{"@context": {...}}`` (a fresh copy each call)."""
    return json.loads(_context_text())


def _context_text() -> str:
    """The text of context.jsonld, read again only when the file has changed."""
    path = ontology_file("context.jsonld")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if _CONTEXT.get("key") != key:
        text = path.read_text(encoding="utf-8")
        _CONTEXT.clear()
        _CONTEXT.update(key=key, text=text)
    return _CONTEXT["text"]


_CONTEXT: dict = {}


DEFAULT_BASE_IRI = VOCABULARY_ROOT


def load_schema(base_iri: str | None = None) -> dict:
    """The JSON Schema (2020-12) every JSON-LD document we write validates against.

    Node identifiers must be IRIs under the base IRI of the data; the published schema names
    the default base, and a build with another base IRI writes it with its own."""
    text = ontology_file(SCHEMA_FILE).read_text(encoding="utf-8")
    schema = json.loads(text)
    if base_iri and base_iri != DEFAULT_BASE_IRI:
        pattern = schema["$defs"]["nodeId"]["pattern"]
        schema["$defs"]["nodeId"]["pattern"] = pattern.replace(
            _regex_literal(DEFAULT_BASE_IRI), _regex_literal(base_iri)
        )
    return schema


def _regex_literal(text: str) -> str:
    """``text`` as an ECMA-262 regular expression matching it literally."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)


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


def ntriples(graph, lines: dict | None = None) -> bytes:
    """N-Triples, one triple a line, sorted: the canonical form every other format starts from.

    ``graph`` is a graph or any iterable of triples; each line is what rdflib's N-Triples
    writer writes for the triple, without building a graph first. ``lines`` caches each
    triple's line across calls (a triple is in the documents of a resource and its whole)."""
    if lines is None:
        return "".join(sorted({_nt_row(triple) for triple in graph})).encode("utf-8")
    rows = set()
    for triple in graph:
        row = lines.get(triple)
        if row is None:
            row = lines[triple] = _nt_row(triple)
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


def rdfxml(graph, nt: bytes | None = None) -> bytes:
    # rdflib's RDF/XML writers order namespaces and subjects by hash; pyoxigraph writes the
    # sorted triples in the order given, so the bytes depend on the graph alone.
    triples = pyoxigraph.parse(nt or ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES)
    namespaces = graph.namespaces() if isinstance(graph, Graph) else new_graph().namespaces()
    prefixes = {prefix: str(ns) for prefix, ns in sorted(namespaces) if prefix}
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
    """JSON, UTF-8, indented by two spaces, keys in the order given, a final newline.

    orjson, where installed, writes the same bytes as the standard library (a test holds them
    to it) several times faster; without it the standard library does."""
    if _orjson is not None:
        try:
            return _orjson.dumps(document, option=_orjson.OPT_INDENT_2) + b"\n"
        except TypeError:  # a value orjson does not take (an integer beyond 64 bits)
            pass
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def with_embedded_context(data: bytes) -> bytes:
    """The document of ``data`` (written by dumps, its context referenced by CONTEXT_IRI) with
    the context written inline instead: the same bytes as dumps of the embedded document,
    without encoding the document a second time."""
    reference = b'{\n  "@context": ' + json.dumps(CONTEXT_IRI).encode("utf-8")
    if not data.startswith(reference):
        raise ValueError("not a document written by dumps with its context by reference")
    return _embedded_context_prefix() + data[len(reference) :]


def _embedded_context_prefix() -> bytes:
    key = _context_text()
    if _CONTEXT.get("prefix_key") != key:
        text = dumps({"@context": json.loads(key)["@context"]})
        _CONTEXT.update(prefix_key=key, prefix=text[: text.rstrip().rindex(b"\n")])
    return _CONTEXT["prefix"]  # the document up to the closing brace of the context


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


def versioned_context_path(graph: Graph) -> str:
    """Where the context of this release is published too: ``context/0.1.0.jsonld``, a copy
    that never changes once released, while ``context.jsonld`` follows the latest release."""
    return f"context/{graph.value(dataset_iri(graph), OWL.versionInfo)}.jsonld"


def versioned_context_iri(graph: Graph) -> str:
    return VOCABULARY_ROOT + versioned_context_path(graph)


def published_graph(graph: Graph) -> Graph:
    """The graph with its dataset description: DCAT distributions, release and VoID statistics
    (the triples of dataset.nt, as an rdflib graph). Idempotent."""
    if (dataset_iri(graph), DCAT.distribution, None) in graph:
        return graph
    return _index_for(graph).graph


def published_triples(graph: Graph) -> list[tuple]:
    """The triples of the published dataset: the graph, its blank nodes labelled canonically,
    and the dataset description: DCAT distributions, the release, VoID statistics.

    The statistics count the published triples themselves (what dataset.nt holds), so they
    are computed once every other triple is in place. Plain tuples: copying a large rdflib
    graph costs more than everything the exports then do with it.
    """
    dataset = dataset_iri(graph)
    triples = _with_canonical_blank_nodes(graph)
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
    added.append((release, RDF.type, DCAT.Dataset))
    added.append((release, DCTERMS.isVersionOf, dataset))
    added.append((release, DCAT3.version, graph.value(dataset, OWL.versionInfo)))
    release_date = graph.value(dataset, DCTERMS.modified) or graph.value(dataset, DCTERMS.issued)
    if release_date is not None:
        added.append((release, DCTERMS.issued, release_date))
    added.append((release, DCTERMS.conformsTo, URIRef(versioned_context_iri(graph))))
    unique = dict.fromkeys(triples)
    unique.update(dict.fromkeys(added))
    predicates = {p for _s, p, _o in unique}
    classes = {o for _s, p, o in unique if p == RDF.type}
    for vocabulary in _vocabularies(predicates | classes):
        unique[(dataset, VOID.vocabulary, URIRef(vocabulary))] = None
    statistics = (VOID.triples, VOID.classes, VOID.properties, VOID.distinctSubjects)
    predicates = {p for _s, p, _o in unique} | set(statistics)
    counts = {
        VOID.triples: len(unique) + len(statistics),
        VOID.classes: len({o for _s, p, o in unique if p == RDF.type}),
        VOID.properties: len(predicates),
        VOID.distinctSubjects: len({s for s, _p, _o in unique}),
    }
    for prop in statistics:
        unique[(dataset, prop, Literal(counts[prop]))] = None
    return list(unique)


def _with_canonical_blank_nodes(graph: Graph):
    """The triples, blank nodes labelled from the graph alone (rdflib's canonical labelling),
    so that every serialisation of a graph with blank nodes is the same from build to build."""
    triples = list(graph)
    if not any(isinstance(s, BNode) or isinstance(o, BNode) for s, _p, o in triples):
        return triples
    from rdflib.compare import to_canonical_graph

    return list(to_canonical_graph(graph))


def _vocabularies(used: set) -> list[str]:
    """The namespaces of the properties and classes used."""
    namespaces = sorted((str(ns) for ns in PREFIXES.values()), key=len, reverse=True)
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
    return _resource_iris(_index_for(graph), base_iri)


def _resource_iris(index: _Index, base_iri: str) -> list[URIRef]:
    dataset = index.dataset
    return sorted(
        {
            s
            for s in index.triples
            if isinstance(s, URIRef)
            and str(s).startswith(base_iri)
            and "#" not in s
            and s != dataset
            and str(s) != base_iri
        }  # fmt: skip
    )


class _Index:
    """Lookups over the published triples that every resource document needs."""

    def __init__(self, triples: list[tuple]):
        self.all = triples
        self.source_size = len(triples)
        self.triples = defaultdict(list)
        self.hash_nodes = defaultdict(list)
        self.has_blank_nodes = False
        self.lines: dict = {}  # triple → its N-Triples line, for ntriples and fast_turtle
        self._graph: Graph | None = None
        for triple in triples:
            self.triples[triple[0]].append(triple)
            if isinstance(triple[2], BNode):
                self.has_blank_nodes = True
        for s in self.triples:
            if isinstance(s, URIRef) and "#" in s:
                self.hash_nodes[URIRef(s.split("#", 1)[0])].append(s)
        self.order = {str(s): self.order_key(s) for s in self.triples}
        datasets = {s for s, p, o in triples if p == RDF.type and o == DCAT.Dataset}
        spaces = {s for s in datasets if self.objects(s, VOID.uriSpace)}
        self.dataset = min(spaces) if spaces else None
        self.is_part = {o for _s, p, o in triples if p in _PARTS}

    @property
    def graph(self) -> Graph:
        """The published triples as an rdflib graph, built on first use."""
        if self._graph is None:
            graph = new_graph()
            graph.addN((s, p, o, graph) for s, p, o in self.all)
            self._graph = graph
        return self._graph

    def objects(self, node, predicate) -> list:
        return [o for _s, p, o in self.triples.get(node, ()) if p == predicate]

    def value(self, node, predicate):
        values = self.objects(node, predicate)
        return min(values) if values else None

    def order_key(self, node) -> tuple:
        position, ordinal = self.value(node, _POSITION), self.value(node, _ORDINAL)
        return _order_tuple(position, ordinal, node)

    def parts(self, node: URIRef) -> list[URIRef]:
        return sorted(
            {o for _s, p, o in self.triples.get(node, ()) if p in _PARTS and o in self.triples}
        )

    def derived_from(self, citation, node) -> bool:
        return (citation, _DERIVED_FROM, node) in self.triples.get(citation, ())

    def members(self, root: URIRef) -> list:
        """The root, its parts recursively, the hash nodes of each, and the blank nodes any of
        them links to (with theirs): a blank node has no document of its own, so it lives in
        the document of every resource that links to it."""
        seen: dict = {}
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen[node] = None
            stack += self.hash_nodes.get(node, [])
            stack += self.parts(node)
            stack += [o for _s, _p, o in self.triples.get(node, ()) if isinstance(o, BNode)]
        return list(seen)

    def member_triples(self, root: URIRef) -> list[tuple]:
        return [t for node in self.members(root) for t in self.triples.get(node, [])]

    def frame(self, root: URIRef) -> dict:
        """A pyld frame nesting the root's parts (and citations under the text they come from)
        and leaving every other link a reference."""
        return self._node_frame(root, {"@id": [str(root)]}, set())

    def _node_frame(self, node, frame: dict, seen: set) -> dict:
        seen = seen | {node}
        for p, o in sorted((p, o) for _s, p, o in self.triples.get(node, ())):
            if p == RDF.type or isinstance(o, Literal):
                continue
            if isinstance(o, BNode) and o not in seen:  # embedded wherever it is linked from
                child = frame.setdefault(str(p), {})
                child["@embed"] = "@always"
                self._node_frame(o, child, seen)
            elif p in _PARTS and o in self.triples and o not in seen:
                child = frame.setdefault(str(p), {"@id": {}, "@embed": "@always"})
                self._node_frame(o, child, seen)
            else:
                frame.setdefault(str(p), {"@embed": "@never"})
        for citation in self.hash_nodes.get(node, []):
            if self.derived_from(citation, node):
                reverse = frame.setdefault("@reverse", {})
                child = reverse.setdefault(
                    str(PROV.wasDerivedFrom), {"@id": {}, "@embed": "@always"}
                )
                self._node_frame(citation, child, seen)
        return frame


def _order_key(graph: Graph, node) -> tuple:
    """Source order: gp:position (units), then gp:ordinal (numbers), then the IRI, digits as
    numbers (gp2 before gp10)."""
    return _order_tuple(graph.value(node, GP.position), graph.value(node, GP.ordinal), node)


def _order_tuple(position, ordinal, node) -> tuple:
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
        index = _Index(published_triples(graph))
        if (dataset_iri(graph), DCAT.distribution, None) in graph:
            index._graph = graph  # already the published graph
        index.source_size = len(graph)
        _INDEXES[graph] = index
    return index


def forget_index(graph: Graph) -> None:
    """Let go of the index built for ``graph`` (about as large as the graph itself), once the
    exports are written and only the published graph is still needed."""
    _INDEXES.pop(graph, None)


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
            if p == _TYPE:
                values["type"].append(self.name(o))
                continue
            term, kind, _is_set = self.term(p)
            if p in _PARTS and o in index.triples and o not in seen:
                values[term].append(self.nest(index, o, seen))
            else:
                values[term].append(self.value(o, kind))
        for citation in index.hash_nodes.get(node, []):
            if index.derived_from(citation, node):
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
            if p == _TYPE:
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
    key = _context_text()
    if _WRITERS.get("key") != key:
        _WRITERS.update(key=key, writer=_DirectWriter(json.loads(key)["@context"]))
    return _WRITERS["writer"]


_WRITERS: dict = {}


def resource_frame(graph: Graph, iri: str) -> dict:
    """The frame resource_document uses, for consumers who re-frame our documents."""
    return _index_for(graph).frame(URIRef(iri))


def source_order(graph: Graph) -> dict[str, tuple]:
    """The sort key of every node (by IRI) that frame_document orders arrays with."""
    return _index_for(graph).order


def resource_files(graph: Graph, base_iri: str) -> dict[str, bytes]:
    """One document per resource at the path of its IRI, by path (see ``iter_resource_files``)."""
    return dict(iter_resource_files(graph, base_iri))


def iter_resource_files(graph: Graph, base_iri: str) -> Iterator[tuple[str, bytes]]:
    """One document per resource at the path of its IRI: ``rabat-washington/gp10.jsonld``
    (context by IRI), ``.embedded.jsonld`` (context inline), ``.ttl`` and ``.nt``, the same
    triples in each. Yielded as made, so that a large corpus is never in memory at once."""
    index = _index_for(graph)
    resources_ = _resource_iris(index, base_iri)
    wanted = set(resources_)

    def files_of(node, document: dict) -> Iterator[tuple[str, bytes]]:
        path = resource_path(str(node), base_iri)
        data = dumps(_ordered_keys(document))
        wanted.discard(node)
        nt = ntriples(index.member_triples(node), index.lines)
        yield f"{path}.jsonld", data
        yield f"{path}.embedded.jsonld", with_embedded_context(data)
        yield f"{path}.ttl", fast_turtle(None, nt=nt)
        yield f"{path}.nt", nt

    # A part's document is the part as nested in its whole's document (the frame nests the same
    # triples the same way), so each whole is framed once and its parts are cut out of it. Not
    # with blank nodes: framing labels a blank node only if the document links to it twice, and
    # that depends on the document, so each resource is framed on its own.
    for node in sorted(resources_, key=lambda n: n in index.is_part):
        if node not in wanted:
            continue
        document = _resource_document(index, node, embed_context=False)
        yield from files_of(node, document)
        if index.has_blank_nodes:
            continue
        for nested in _nested_nodes(document):
            part = URIRef(nested["id"])
            if part in wanted:
                yield from files_of(part, {"@context": CONTEXT_IRI, **nested})


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
        document = frame_document(to_expanded(index.all), {}, index.order)
    if embed_context:
        document["@context"] = load_context()["@context"]
    return document


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
    """Every export by relative path, in memory (see ``iter_dataset_files``)."""
    return dict(iter_dataset_files(graph))


def iter_dataset_files(graph: Graph) -> Iterator[tuple[str, bytes]]:
    """Every export as (relative path, bytes), each yielded as soon as it is made: the whole
    dataset in each format, its description, CSV, the schema files, and one document per
    resource at the path of its IRI. A writer keeps one file in memory at a time."""
    index = _index_for(graph)
    dataset = index.dataset
    base = base_iri_of(graph)
    context = ontology_file("context.jsonld").read_bytes()

    def whole_dataset() -> Iterator[tuple[str, bytes]]:
        nt = ntriples(index.all, index.lines)
        yield "dataset.ttl", fast_turtle(None, nt=nt)
        yield "dataset.nt", nt
        yield "dataset.rdf", rdfxml(index.all, nt)
        del nt
        whole = dumps(dataset_document(graph))
        yield "dataset.jsonld", whole
        yield "dataset.embedded.jsonld", with_embedded_context(whole)
        del whole
        description = index.member_triples(dataset)
        yield "dataset-description.ttl", fast_turtle(description, index.lines)
        document = dumps(_resource_document(index, dataset, embed_context=False))
        yield "dataset-description.jsonld", document
        yield "dataset-description.embedded.jsonld", with_embedded_context(document)
        yield "practices.csv", practices_csv(graph)
        yield "citations.csv", citations_csv(graph)
        yield "ontology.ttl", ontology_file("ontology.ttl").read_bytes()
        yield "shapes.ttl", ontology_file("shapes.ttl").read_bytes()
        yield "context.jsonld", context
        yield versioned_context_path(graph), context
        yield SCHEMA_FILE, dumps(load_schema(base))

    names = set()
    for name, data in whole_dataset():
        names.add(name)
        yield name, data
    for name, data in iter_resource_files(graph, base):
        if name in names:
            raise ValueError(f"a resource document would overwrite the dataset file {name}")
        yield name, data
    index.lines.clear()  # the N-Triples cache: the site's pages do not need it
