"""The data of earlier releases, at versioned paths: ``dataset/<version>.nt``, ``.ttl``,
``.rdf``, ``.jsonld`` and ``.embedded.jsonld``, made from the release's record (its content
graph and the version and date it was released with), and the DCAT distributions that list
them, each with its size (``dcat:byteSize``) and SHA-256 checksum (``spdx:checksum``).

The change sets themselves are part of the graph (``gp:ChangeSet``), so each is written like
any resource: ``dataset/<version>/changes.ttl``, ``.jsonld``, ``.nt``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, OWL

from ..iris import SCHEMA_IRI
from ..vocab import DCAT3, IANA_MEDIA_TYPES, MEDIA_TYPES
from .index import ResourceIndex
from ..iris import CONTEXT_IRI
from .direct import direct_writer
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


def release_lines(lines: list[str], dataset: str, version: str, date: str) -> list[str]:
    """The data of a release: its recorded content, with the version and date it was
    released with."""
    extra = [
        f'<{dataset}> <{OWL.versionInfo}> "{version}" .\n',
        f'<{dataset}> <{DCAT3.version}> "{version}" .\n',
        f'<{dataset}> <{DCTERMS.modified}> "{date}"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
    ]
    return sorted(set(lines) | set(extra))


def release_files(lines: list[str], path: str) -> Iterator[tuple[str, bytes]]:
    """The files of one release's data at ``path`` (``dataset/0.1.0``): every format."""
    nt = "".join(lines).encode("utf-8")
    graph = Graph().parse(data=nt, format="nt")
    yield f"{path}.ttl", fast_turtle(None, nt=nt)
    yield f"{path}.nt", nt
    yield f"{path}.rdf", rdfxml(graph, nt)
    index = ResourceIndex(list(graph))
    writer = direct_writer()
    nodes = [writer.flat(index, node) for node in index.triples]
    document = dumps(tidy({"@context": CONTEXT_IRI, "@graph": nodes}, index.order))
    yield f"{path}.jsonld", document
    yield f"{path}.embedded.jsonld", with_embedded_context(document)


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
