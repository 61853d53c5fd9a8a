"""Terms between pyoxigraph and rdflib: the stages that use pyoxigraph for speed (the check's
SPARQL, the release records' N-Triples) hand rdflib terms on to the rest. And ``Terms``, a
namespace whose terms are made once."""

from __future__ import annotations

import pyoxigraph
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_oxigraph(term):
    """A pyoxigraph term as the rdflib term it was made from (a plain string has no datatype)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


class Terms:
    """A namespace whose terms are each made once: rdflib makes (and checks) a new IRI at every
    ``SKOS.prefLabel``, a cost the build would pay for each of its triples."""

    def __init__(self, namespace):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)  # the next time, a plain attribute
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term

    def __str__(self) -> str:
        return str(self._namespace)
