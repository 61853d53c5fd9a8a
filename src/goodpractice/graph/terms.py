"""Terms between pyoxigraph and rdflib: the stages that use pyoxigraph for speed (the check's
SPARQL, the release records' N-Triples) hand rdflib terms on to the rest."""

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
