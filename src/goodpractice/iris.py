"""The IRI scheme: every IRI the dataset mints, and the paths its files and pages take.

One base IRI (``content/publication.yaml``, or ``--base-iri``) and a readable key give every
IRI: ``<base>rabat-washington/gp10``. A resource's files and page sit at the path of its IRI
under the base: ``rabat-washington/gp10.ttl`` and ``rabat-washington/gp10/index.html``. Hash
IRIs (``…/fn15#citation-1``) live in the document before the ``#``.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from .vocab import VOCABULARY_ROOT

DEFAULT_BASE_IRI = VOCABULARY_ROOT
CONTEXT_IRI = VOCABULARY_ROOT + "context.jsonld"
SCHEMA_FILE = "jsonld.schema.json"
SCHEMA_IRI = VOCABULARY_ROOT + SCHEMA_FILE
DATASET_KEY = "dataset"


class Iris:
    """Mints the IRIs of one publication from its base IRI."""

    def __init__(self, base: str):
        self.base = base

    def __call__(self, key: str) -> URIRef:
        """The resource with this key: a catalogue entry, a memorandum, ``memo/unit``, …"""
        return URIRef(self.base + key)

    def unit(self, memorandum: str, unit: str) -> URIRef:
        """A part of a memorandum: ``introduction``, ``s1``, ``gp10``, ``fn15``, …"""
        return self(f"{memorandum}/{unit}")

    def cited_practice(self, document: str, notation: str) -> URIRef:
        """A numbered practice of another document, by its notation: ``…/gp7``."""
        return self(f"{document}/{notation.lower()}")

    def glossary(self, memorandum: str, glossary: str) -> URIRef:
        return self(f"{memorandum}/{glossary}")

    def term(self, memorandum: str, glossary: str, term: str) -> URIRef:
        return self(f"{memorandum}/{glossary}/{term}")

    def dataset(self) -> URIRef:
        return self(DATASET_KEY)

    def release(self, version: str) -> URIRef:
        return self(f"{DATASET_KEY}/{version}")

    def key(self, iri) -> str:
        """The key of a resource (its path under the base), without any fragment."""
        return str(iri).split("#", 1)[0].removeprefix(self.base)

    def is_ours(self, iri) -> bool:
        return isinstance(iri, URIRef) and str(iri).startswith(self.base)


def citation_iri(source: URIRef, number: int) -> URIRef:
    """The n-th citation made by a text (a footnote, or a unit's running text)."""
    return URIRef(f"{source}#citation-{number}")


def paragraph_iri(node: URIRef, index: int) -> URIRef:
    """The key under which the pipeline records where paragraph ``index`` of a text is written
    (messages name the line); it is never published."""
    return URIRef(f"{node}#paragraph-{index + 1}")


def text_name(iri) -> str:
    """How messages name a text by its key: 'gp10', 'gp10, paragraph 2', 'fn15'."""
    return str(iri).rsplit("/", 1)[-1].replace("#paragraph-", ", paragraph ")


def heading_iri(node: URIRef) -> URIRef:
    """The key under which the pipeline records where a unit's heading (its title) is written."""
    return URIRef(f"{node}#heading")


def resource_path(iri: str, base_iri: str) -> str:
    """Where a resource's files go: its IRI relative to the base IRI (``rabat-washington/gp10``)."""
    if not iri.startswith(base_iri) or "#" in iri or iri == base_iri:
        raise ValueError(f"{iri} is not a document IRI under {base_iri}")
    return iri[len(base_iri) :]


def page_path(iri, base_iri: str) -> str:
    """The folder of a resource's page, with the fragment if it has one: 'un/x/#frag'."""
    document, _, fragment = str(iri).partition("#")
    path = document.removeprefix(base_iri)
    target = f"{path}/" if path else ""
    return target + (f"#{fragment}" if fragment else "")


def versioned_context_path(version: str) -> str:
    """Where the context of a release is published too: ``context/0.1.0.jsonld``, a copy that
    never changes once released, while ``context.jsonld`` follows the latest release."""
    return f"context/{version}.jsonld"


# A file of one release: its data (dataset/0.1.0.ttl) or its context (context/0.1.0.jsonld).
# A version may have a pre-release with dots (1.0.0-rc.1), hence the shortest match first.
VERSIONED_FILE = re.compile(
    rf"(?P<kind>{DATASET_KEY}|context)/(?P<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+?)?)"
    r"\.(?P<extension>embedded\.jsonld|jsonld|ttl|nt|rdf)"
)


def versioned_file(path: str) -> tuple[str, str, str] | None:
    """(``"data"`` or ``"context"``, version, extension) of a release's file, else None."""
    match = VERSIONED_FILE.fullmatch(path)
    if match is None or (match["kind"] == "context" and match["extension"] != "jsonld"):
        return None
    kind = "data" if match["kind"] == DATASET_KEY else "context"
    return kind, match["version"], match["extension"]


def versioned_context_iri(version: str) -> str:
    return VOCABULARY_ROOT + versioned_context_path(version)
