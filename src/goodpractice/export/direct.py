"""The direct JSON-LD writer: what pyld's framing of a resource gives, written straight from the
triples, for speed. pyld stays the oracle: the tests hold every document to it, and any value
this writer has no rule for raises ``NeedsPyld`` so that pyld frames that document instead."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import PROV, RDF

from ..graph.read import natural
from .index import PARTS, ResourceIndex
from .schema import context_text

_TYPE = RDF.type  # looked up once: rdflib resolves namespace attributes on every access
_TYPES = frozenset((_TYPE,))  # compared by hash: rdflib's __eq__ is Python, called per triple


# Readable key order in every node: identity first, then the text, the rest, the nested parts.
LEADING_KEYS = ("@context", "id", "type", "notation", "label", "title", "ordinal", "position")
TRAILING_KEYS = (
    "introduction", "footnotes", "citations", "hasTopConcept", "narrower", "conclusion",
    "hasPart", "distribution", "hasVersion",
)  # fmt: skip
_RANKS: dict[str, tuple] = {}


def key_rank(key: str) -> tuple:
    """The sort key of a JSON-LD key in the readable order."""
    found = _RANKS.get(key)
    if found is None:
        if key in LEADING_KEYS:
            found = (0, LEADING_KEYS.index(key), "")
        elif key in TRAILING_KEYS:
            found = (2, TRAILING_KEYS.index(key), "")
        else:
            found = (1, 0, key)
        if len(_RANKS) < 10_000:  # the context's terms: a few dozen
            _RANKS[key] = found
    return found


def value_sort_key(order: dict, keys: dict):
    """The sort key of an array item, in source order (``order``: node IRI → ``order_key``);
    ``keys`` keeps each IRI's key across calls with the same ``order`` (a cache)."""

    def value_key(item) -> tuple:
        if type(item) is dict or isinstance(item, dict):
            if "id" not in item:
                return (2, json.dumps(item, ensure_ascii=False, sort_keys=True))
            iri = item["id"]
        elif isinstance(item, str):
            iri = item
        else:
            return (2, json.dumps(item, ensure_ascii=False, sort_keys=True))
        key = keys.get(iri)
        if key is None:
            known = order.get(iri)
            key = keys[iri] = (0, known) if known else (1, natural(iri))
        return key

    return value_key


class NeedsPyld(Exception):
    """A value the direct writer has no rule for: pyld frames that document instead."""


class DirectWriter:
    """Writes what pyld's framing of a resource gives (the frame of ``ResourceIndex.frame``: parts
    nested, citations under their source, other links as IRIs), straight from the graph.

    pyld takes about 0.2 s per memorandum, most of it choosing terms value by value; this
    writer knows the context's few rules. The tests check that every document written equals
    pyld's framing of it; a value outside those rules raises NeedsPyld and pyld does it.
    """

    def __init__(self, context: dict):
        self.terms: dict[str, tuple[str, str, bool]] = {}  # predicate → (term, kind, always a list)
        self.reverse: dict[str, tuple[str, bool]] = {}
        self.by_predicate: dict = {}  # the predicate (an rdflib term) → self.terms[str(it)]
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
                raise NeedsPyld(term)  # a datatype coercion: not used by this context
            if "@language" in definition:
                kind = "plain" if definition["@language"] is None else "tagged"
            self.terms[expand(definition["@id"])] = (term, kind, is_set)
            self.names.setdefault(expand(definition["@id"]), term)
        self.set_terms = {term: is_set for term, _kind, is_set in self.terms.values()}
        self.set_terms.update(dict(self.reverse.values()))
        self.set_terms["type"] = False  # "type" is a plain alias of @type: a list only if several

    def nest(self, index: ResourceIndex, node: URIRef, seen: set, sort_key=None) -> dict:
        """The framed node object: what pyld writes for the frame of ``ResourceIndex.frame``.
        With ``sort_key`` (``value_sort_key``), tidy as well: keys in the readable order,
        arrays sorted (what ``jsonld.tidy`` does to it)."""
        seen = seen | {node}
        output: dict = {"id": str(node)}
        values: dict[str, list] = defaultdict(list)
        for _s, p, o in index.triples.get(node, []):
            if p in _TYPES:
                values["type"].append(self.name(o))
                continue
            term, kind, _is_set = self.term(p)
            if p in PARTS and o in index.triples and o not in seen:
                values[term].append(self.nest(index, o, seen, sort_key))
            else:
                values[term].append(self.value(o, kind))
        for citation in index.hash_nodes.get(node, []):
            if index.derived_from(citation, node):
                term, _is_set = self.reverse.get(str(PROV.wasDerivedFrom), (None, False))
                if term is None:
                    raise NeedsPyld("no reverse term for prov:wasDerivedFrom")
                values[term].append(self.nest(index, citation, seen, sort_key))
        return self.finish(output, values, sort_key)

    def flat(self, index: ResourceIndex, node: URIRef, sort_key=None) -> dict:
        """A node with every link as an IRI: one member of the flat @graph of the dataset
        (tidy as well with ``sort_key``, as ``nest``)."""
        output: dict = {"id": str(node)}
        values: dict[str, list] = defaultdict(list)
        for _s, p, o in index.triples.get(node, []):
            if p in _TYPES:
                values["type"].append(self.name(o))
            else:
                term, kind, _is_set = self.term(p)
                values[term].append(self.value(o, kind))
        return self.finish(output, values, sort_key)

    def finish(self, output: dict, values: dict, sort_key) -> dict:
        """The node's values, a list where the context says so or where there are several;
        with ``sort_key``, keys in the readable order and lists sorted."""
        set_terms = self.set_terms
        terms = values if sort_key is None else sorted(values, key=key_rank)
        for term in terms:
            items = values[term]
            if len(items) > 1:
                if sort_key is not None:
                    items.sort(key=sort_key)
                output[term] = items
            else:
                output[term] = items if set_terms.get(term, False) else items[0]
        return output

    def term(self, predicate) -> tuple[str, str, bool]:
        found = self.by_predicate.get(predicate)
        if found is None:
            if str(predicate) not in self.terms:
                raise NeedsPyld(f"no term for {predicate}")
            found = self.by_predicate[predicate] = self.terms[str(predicate)]
        return found

    def name(self, iri) -> str:
        if str(iri) not in self.names:
            raise NeedsPyld(f"no term for the class {iri}")
        return self.names[str(iri)]

    def value(self, value, kind: str):
        # By the exact class first: a failing isinstance of an rdflib term is slow (ABCs)
        cls = type(value)
        if cls is BNode or (cls is not URIRef and cls is not Literal and isinstance(value, BNode)):
            raise NeedsPyld("blank node")
        if cls is URIRef or (cls is not Literal and isinstance(value, URIRef)):
            if kind == "id":
                return str(value)
            if kind == "vocab" and str(value) in self.names:
                return self.names[str(value)]
            raise NeedsPyld(f"IRI {value} under a {kind} term")
        language, datatype = value.language, value.datatype
        if kind == "plain" and language is None and datatype in (None, XSD_STRING):
            return str(value)
        if kind != "default":
            raise NeedsPyld(f"literal {value!r} under a {kind} term")
        if language is not None:
            if language == self.language:
                return str(value)
            raise NeedsPyld(f"literal in {language}")
        if datatype == XSD_INTEGER and re.fullmatch(r"[+-]?[0-9]+", str(value)):
            return int(str(value))  # what pyld's useNativeTypes gives
        if datatype == XSD_BOOLEAN and str(value) in ("true", "false"):
            return str(value) == "true"  # what pyld's useNativeTypes gives (owl:deprecated)
        if datatype is not None and datatype not in (
            XSD_STRING,
            XSD_INTEGER,
            XSD_BOOLEAN,
            XSD_DOUBLE,
        ):
            return {"type": self.compact_iri(str(datatype)), "@value": str(value)}
        raise NeedsPyld(f"literal {value!r} under a term with a default language")

    def compact_iri(self, iri: str) -> str:
        for prefix, namespace in sorted(self.prefixes.items()):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        raise NeedsPyld(f"no prefix for {iri}")


XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
XSD_DOUBLE = URIRef("http://www.w3.org/2001/XMLSchema#double")


def direct_writer() -> DirectWriter:
    """The writer for the current context (made again only when context.jsonld changes)."""
    key = context_text()
    if _WRITERS.get("key") != key:
        _WRITERS.update(key=key, writer=DirectWriter(json.loads(key)["@context"]))
    return _WRITERS["writer"]


_WRITERS: dict = {}
