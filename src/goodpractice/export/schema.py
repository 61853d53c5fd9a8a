"""The hand-written schema files (ontology, shapes, context, JSON Schema) and the JSON-LD
context as processors load it: from disk, never from the network."""

from __future__ import annotations

import json
import re

from pyld import jsonld

from ..iris import CONTEXT_IRI, DEFAULT_BASE_IRI, SCHEMA_FILE
from ..ontology import ontology_file
from ..vocab import FORMAT


def load_context() -> dict:
    """The published context document: ``{"@context": {...}}`` (a fresh copy each call)."""
    return json.loads(context_text())


_CONTEXT: dict = {}


def context_text() -> str:
    """The text of context.jsonld, read again only when the file has changed."""
    path = ontology_file("context.jsonld")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if _CONTEXT.get("key") != key:
        _CONTEXT.clear()
        _CONTEXT.update(key=key, text=path.read_text(encoding="utf-8"))
    return _CONTEXT["text"]


def load_schema(base_iri: str | None = None) -> dict:
    """The JSON Schema (2020-12) every JSON-LD document we write validates against.

    Node identifiers must be IRIs under the base IRI of the data; the published schema names
    the default base, and a build with another base IRI writes it with its own."""
    schema = json.loads(ontology_file(SCHEMA_FILE).read_text(encoding="utf-8"))
    if base_iri and base_iri != DEFAULT_BASE_IRI:
        pattern = schema["$defs"]["nodeId"]["pattern"]
        schema["$defs"]["nodeId"]["pattern"] = pattern.replace(
            regex_literal(DEFAULT_BASE_IRI), regex_literal(base_iri)
        )
    return schema


def regex_literal(text: str) -> str:
    """``text`` as an ECMA-262 regular expression matching it literally."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)


def offline_document_loader(url, options=None):
    """A pyld document loader that serves our context from disk and fetches nothing else.

    Use it as ``jsonld.expand(doc, {"documentLoader": offline_document_loader})``.
    """
    if url == CONTEXT_IRI:
        return {"contentType": FORMAT["jsonld"].media_type, "contextUrl": None,
                "documentUrl": url, "document": load_context()}  # fmt: skip
    raise jsonld.JsonLdError(
        f"refusing to fetch {url}: only {CONTEXT_IRI} is known offline",
        "jsonld.LoadDocumentError", code="loading document failed")  # fmt: skip
