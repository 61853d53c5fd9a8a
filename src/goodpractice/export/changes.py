"""The data of earlier releases, at versioned paths: ``dataset/<version>.nt``, ``.ttl``,
``.rdf``, ``.jsonld`` and ``.embedded.jsonld``, made from the release's record (its resources
as they were released), and the DCAT distributions that list
them, each with its size (``dcat:byteSize``) and SHA-256 checksum (``spdx:checksum``).

The change sets themselves are part of the graph (``gp:ChangeSet``), so each is written like
any resource: ``dataset/<version>/changes.ttl``, ``.jsonld``, ``.nt``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyoxigraph
from rdflib.namespace import DCAT, DCTERMS

from ..graph.terms import from_oxigraph
from ..iris import CONTEXT_IRI, SCHEMA_IRI
from ..vocab import IANA_MEDIA_TYPES, MEDIA_TYPES
from .direct import direct_writer
from .index import ResourceIndex
from .jsonld import dumps, tidy, with_embedded_context
from .rdf import fast_turtle, rdfxml

SPDX = "http://spdx.org/rdf/terms#"
# (fragment, extension, title, conforms to)
RELEASE_FORMATS = (
    ("turtle", "ttl", "as Turtle", None),
    ("n-triples", "nt", "as N-Triples, one triple a line, sorted", None),
    ("rdf-xml", "rdf", "as RDF/XML", None),
    ("json-ld", "jsonld", "as JSON-LD, context by reference", SCHEMA_IRI),
    ("json-ld-embedded", "embedded.jsonld", "as JSON-LD, context embedded", SCHEMA_IRI),
)


def release_lines(lines: list[str], dataset: str) -> list[str]:
    """The data of a release: its resources as its record keeps them. The dataset's own node is
    left out: the release is described by its node in the dataset description
    (``dataset/<version>``: its version, date and distributions)."""
    return [line for line in lines if not line.startswith(f"<{dataset}> ")]


def release_files(
    lines: list[str], path: str, parsed: dict | None = None
) -> Iterator[tuple[str, bytes]]:
    """The files of one release's data at ``path`` (``dataset/0.1.0``): every format.
    ``parsed`` caches each line's triple across releases (most lines are in all of them)."""
    nt = "".join(lines).encode("utf-8")
    triples = parse_lines(lines, {} if parsed is None else parsed)
    yield f"{path}.ttl", fast_turtle(None, nt=nt)
    yield f"{path}.nt", nt
    yield f"{path}.rdf", rdfxml(triples, nt)
    index = ResourceIndex(triples)
    writer = direct_writer()
    nodes = [writer.flat(index, node) for node in index.triples]
    document = dumps(tidy({"@context": CONTEXT_IRI, "@graph": nodes}, index.order))
    yield f"{path}.jsonld", document
    yield f"{path}.embedded.jsonld", with_embedded_context(document)


def parse_lines(lines: list[str], parsed: dict) -> list[tuple]:
    """The rdflib triples of N-Triples lines (one triple a line), each parsed once."""
    missing = [line for line in lines if line not in parsed]
    if missing:
        found = pyoxigraph.parse("".join(missing), format=pyoxigraph.RdfFormat.N_TRIPLES)
        for line, triple in zip(missing, found, strict=True):
            parsed[line] = tuple(
                from_oxigraph(t) for t in (triple.subject, triple.predicate, triple.object)
            )
    return [parsed[line] for line in lines]


def distribution_lines(release: str, base_iri: str, path: str, files: dict[str, bytes],
                       license_: str | None) -> list[str]:  # fmt: skip
    """N-Triples lines listing a release's files as its DCAT distributions."""
    out = []
    for fragment, extension, title, conforms_to in RELEASE_FORMATS:
        data = files[f"{path}.{extension}"]
        node = f"<{release}#{fragment}>"
        checksum = f"<{release}#{fragment}-sha256>"
        url = f"<{base_iri}{path}.{extension}>"
        media = MEDIA_TYPES[extension.rsplit(".", 1)[-1]]
        out += [
            f"<{release}> <{DCAT.distribution}> {node} .\n",
            f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{DCAT.Distribution}> .\n",
            f'{node} <{DCTERMS.title}> "The data of this release {title}"@en .\n',
            f"{node} <{DCAT.downloadURL}> {url} .\n",
            f"{node} <{DCAT.accessURL}> {url} .\n",
            f"{node} <{DCAT.mediaType}> <{IANA_MEDIA_TYPES}{media}> .\n",
            f'{node} <{DCAT.byteSize}> "{len(data)}"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n',
            f"{node} <{SPDX}checksum> {checksum} .\n",
            f"{checksum} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SPDX}Checksum> .\n",
            f"{checksum} <{SPDX}algorithm> <{SPDX}checksumAlgorithm_sha256> .\n",
            f'{checksum} <{SPDX}checksumValue> "{hashlib.sha256(data).hexdigest()}"'
            "^^<http://www.w3.org/2001/XMLSchema#hexBinary> .\n",
        ]
        if license_:
            out.append(f"{node} <{DCTERMS.license}> <{license_}> .\n")
        if conforms_to:
            out.append(f"{node} <{DCTERMS.conformsTo}> <{conforms_to}> .\n")
    return out
